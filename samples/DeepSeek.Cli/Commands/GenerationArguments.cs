using System.CommandLine;
using DeepSeek.Sdk.Generation;

namespace DeepSeek.Cli.Commands;

/// <summary>The options <c>generate</c> and <c>chat</c> share: the model, its device, and the sampling settings that
/// override the model's generation_config.json defaults one by one.</summary>
internal sealed class GenerationArguments
{
    public Option<string?> Model { get; } = ModelFolder.CreateOption();
    public Option<string> Device { get; } = CommonOptions.Device();
    public Option<int> Threads { get; } = CommonOptions.Threads();
    public Option<int?> MaxTokens { get; } = new("--max-tokens") { Description = "Most tokens to generate (default: generation_config.json, else 256)." };
    public Option<float?> Temperature { get; } = new("--temperature") { Description = "Sampling temperature; 0 is greedy." };
    public Option<float?> TopP { get; } = new("--top-p") { Description = "Nucleus sampling: keep the most likely tokens up to this probability mass." };
    public Option<int?> TopK { get; } = new("--top-k") { Description = "Keep only the K most likely tokens (0 disables)." };
    public Option<float?> RepetitionPenalty { get; } = new("--repetition-penalty") { Description = "Penalty on tokens already present (1 disables)." };
    public Option<int?> Seed { get; } = new("--seed") { Description = "Seed of the sampler, for reproducible output." };
    public Option<string[]> Stop { get; } = new("--stop") { Description = "Stop when this string appears (repeatable).", AllowMultipleArgumentsPerToken = false };
    public Option<string?> System { get; } = new("--system") { Description = "System prompt (chat template only)." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Model, Device, Threads, MaxTokens, Temperature, TopP, TopK, RepetitionPenalty, Seed, Stop, System })
            command.Options.Add(option);
    }

    /// <summary>The --model folder, else the shipped default model's (<see cref="ModelFolder"/>).</summary>
    public string ModelDirectory(ParseResult parse) => ModelFolder.Resolve(parse.GetValue(Model));

    /// <summary>The pipeline's defaults with every option the user gave replacing its field; a value the SDK refuses
    /// is a <see cref="UsageException"/> naming the option.</summary>
    public GenerationOptions Apply(ParseResult parse, GenerationOptions defaults)
    {
        var sampling = defaults.Sampling;
        if (parse.GetValue(Temperature) is { } t) sampling = sampling with { Temperature = t };
        if (parse.GetValue(TopP) is { } p) sampling = sampling with { TopP = p };
        if (parse.GetValue(TopK) is { } k) sampling = sampling with { TopK = k };
        if (parse.GetValue(RepetitionPenalty) is { } r) sampling = sampling with { RepetitionPenalty = r };
        if (parse.GetValue(Seed) is { } s) sampling = sampling with { Seed = s };
        CliValidation.Check(sampling.Validate, CliValidation.SamplingFields);
        var options = defaults with { Sampling = sampling };
        if (parse.GetValue(MaxTokens) is { } max)
        {
            if (max <= 0) throw new UsageException($"--max-tokens must be at least 1, not {max}.");
            options = options with { MaxNewTokens = max };
        }
        if (parse.GetValue(Stop) is { Length: > 0 } stops) options = options with { StopStrings = [.. options.StopStrings, .. stops] };
        return options;
    }
}
