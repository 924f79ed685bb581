using System.Text.Json;
using DeepSeek.Sdk.Generation;

namespace DeepSeek.Sdk.Configs;

/// <summary>A model's generation_config.json: the ids that end a generation and the sampling its authors recommend
/// (DeepSeek-R1 ships temperature 0.6 and top_p 0.95). Read strictly like config.json; unknown fields are ignored.</summary>
public sealed record GenerationConfig
{
    public const string FileName = "generation_config.json";

    /// <summary>transformers' GenerationConfig default for top_k, which applies whenever do_sample is true.</summary>
    public const int TransformersDefaultTopK = 50;

    public string SourcePath { get; init; } = FileName;

    public int? BosTokenId { get; init; }

    /// <summary>eos_token_id, an integer or a list; empty when absent.</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    public int? PadTokenId { get; init; }

    public bool DoSample { get; init; }

    public double? Temperature { get; init; }

    public double? TopP { get; init; }

    public int? TopK { get; init; }

    public double? RepetitionPenalty { get; init; }

    public int? MaxNewTokens { get; init; }

    /// <summary>Reads <paramref name="directory"/>/generation_config.json, or returns null when the model has none.</summary>
    public static GenerationConfig? LoadIfPresent(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string path = Path.GetFullPath(Path.Combine(directory, FileName));
        return File.Exists(path) ? Parse(File.ReadAllBytes(path), path) : null;
    }

    public static GenerationConfig Parse(ReadOnlySpan<byte> utf8Json, string sourcePath)
    {
        using (var document = ConfigDocument.Parse(utf8Json, sourcePath))
        {
            var json = new ConfigJson(document.RootElement, sourcePath, "");
            var config = new GenerationConfig
            {
                SourcePath = sourcePath,
                BosTokenId = json.NullableInt("bos_token_id"),
                EosTokenIds = json.IntOrIntList("eos_token_id"),
                PadTokenId = json.NullableInt("pad_token_id"),
                DoSample = json.Bool("do_sample", false),
                Temperature = json.NullableDouble("temperature"),
                TopP = json.NullableDouble("top_p"),
                TopK = json.NullableInt("top_k"),
                RepetitionPenalty = json.NullableDouble("repetition_penalty"),
                MaxNewTokens = json.NullableInt("max_new_tokens"),
            };
            foreach (int id in config.EosTokenIds)
                if (id < 0) throw json.Error("eos_token_id", $"{id} is negative");
            if (config.Temperature is < 0) throw json.Error("temperature", $"must be ≥ 0, got {config.Temperature}");
            if (config.TopP is { } p && !(p > 0 && p <= 1)) throw json.Error("top_p", $"must be in (0, 1], got {p}");
            if (config.TopK is < 0) throw json.Error("top_k", $"must be ≥ 0, got {config.TopK}");
            if (config.RepetitionPenalty is <= 0) throw json.Error("repetition_penalty", $"must be positive, got {config.RepetitionPenalty}");
            if (config.MaxNewTokens is <= 0) throw json.Error("max_new_tokens", $"must be positive, got {config.MaxNewTokens}");
            return config;
        }
    }

    /// <summary>The recommended decoding as <see cref="GenerationOptions"/> over <paramref name="baseline"/>: greedy
    /// unless do_sample (transformers' rule), else the file's temperature, top_p and top_k (50 when absent, as in
    /// transformers), and its max_new_tokens and repetition_penalty where given.</summary>
    public GenerationOptions ApplyTo(GenerationOptions baseline)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        var sampling = baseline.Sampling with
        {
            Temperature = DoSample ? (float)(Temperature ?? 1.0) : 0f,
            TopP = DoSample ? (float)(TopP ?? 1.0) : baseline.Sampling.TopP,
            TopK = DoSample ? TopK ?? TransformersDefaultTopK : baseline.Sampling.TopK,
            RepetitionPenalty = (float)(RepetitionPenalty ?? baseline.Sampling.RepetitionPenalty),
        };
        return baseline with { Sampling = sampling, MaxNewTokens = MaxNewTokens ?? baseline.MaxNewTokens };
    }
}
