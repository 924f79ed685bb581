using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Tokenization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DeepSeek.Sdk.Text.Pipelines;

/// <summary>Text in, text out: encodes a prompt (or renders chat messages with the tokenizer's chat template), runs
/// the generation loop (<see cref="TokenGenerator"/>) on a hosted model, and streams the decoded text. The model is
/// shared through a <see cref="ModelHost{TModel}"/>, so one pipeline serves any number of concurrent callers: each
/// request holds the model from its first to its last token, and requests are served in arrival order. The model's
/// EOS ids always end a generation, on top of the request's own stop tokens and strings.</summary>
public sealed class TextGenerationPipeline : IDisposable
{
    private readonly ModelHost<ICausalLanguageModel> _host;
    private readonly bool _ownsHost;
    private readonly int[] _eosTokenIds;
    private readonly ILogger _logger;

    /// <summary>A pipeline over an already loaded model, which the caller keeps owning (the pipeline never disposes it).</summary>
    public TextGenerationPipeline(ICausalLanguageModel model, Tokenizer tokenizer, TextGenerationPipelineOptions? options = null, ILogger? logger = null)
        : this(new ModelHost<ICausalLanguageModel>(model, "model", ownsModel: false, logger), tokenizer, options, logger) => _ownsHost = true;

    /// <summary>A pipeline over a hosted (possibly not yet loaded) model, shared with whoever else holds the host.</summary>
    public TextGenerationPipeline(ModelHost<ICausalLanguageModel> host, Tokenizer tokenizer, TextGenerationPipelineOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(tokenizer);
        options ??= new TextGenerationPipelineOptions();
        ArgumentNullException.ThrowIfNull(options.Defaults);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Defaults.MaxNewTokens, "options.Defaults.MaxNewTokens");
        options.Defaults.Sampling.Validate();
        _host = host;
        Tokenizer = tokenizer;
        Options = options;
        _logger = logger ?? NullLogger.Instance;
        _eosTokenIds = options.EosTokenIds is { } ids ? [.. ids] : tokenizer.EosId is int eos ? [eos] : [];
        ChatFormatter = tokenizer.ChatTemplateSource is null ? null : ChatFormatter.FromTokenizer(tokenizer, limits: options.TemplateLimits);
    }

    /// <summary>The pipeline for the model folder <paramref name="directory"/>: its tokenizer (tokenizer.json and
    /// tokenizer_config.json with the chat template), and its EOS ids and recommended sampling from config.json and
    /// generation_config.json. <paramref name="defaults"/>, when given, replaces generation_config's sampling. The files
    /// are read within <paramref name="limits"/> (<see cref="InputLimits.Default"/> when null).</summary>
    public static TextGenerationPipeline FromDirectory(ModelHost<ICausalLanguageModel> host, string directory, GenerationOptions? defaults = null, ILogger? logger = null,
        InputLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        limits ??= InputLimits.Default;
        var tokenizer = Tokenizer.FromDirectory(directory, limits.Tokenizer);
        var generationConfig = GenerationConfig.LoadIfPresent(directory);
        var eos = ModelEosTokens.Gather(directory, generationConfig, tokenizer, limits.Config);
        var options = new TextGenerationPipelineOptions
        {
            Defaults = defaults ?? generationConfig?.ApplyTo(new GenerationOptions()) ?? new GenerationOptions(),
            EosTokenIds = eos,
            TemplateLimits = limits.Template,
        };
        return new TextGenerationPipeline(host, tokenizer, options, logger);
    }

    public Tokenizer Tokenizer { get; }

    /// <summary>The tokenizer's chat template, or null when it has none (chat requests then fail).</summary>
    public ChatFormatter? ChatFormatter { get; }

    public TextGenerationPipelineOptions Options { get; }

    /// <summary>The ids that end every generation (the model's EOS).</summary>
    public IReadOnlyList<int> EosTokenIds => _eosTokenIds;

    public ModelHost<ICausalLanguageModel> Host => _host;

    /// <summary>The prompt's token ids as this pipeline feeds them to the model.</summary>
    public int[] EncodePrompt(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return Tokenizer.Encode(prompt, Options.AddSpecialTokensToPrompt);
    }

    /// <summary>The conversation rendered by the chat template, ending with the assistant's turn opened.</summary>
    /// <exception cref="ArgumentException"><paramref name="messages"/> holds no message.</exception>
    public string FormatChat(IReadOnlyList<ChatTurn> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0) throw new ArgumentException("The conversation must hold at least one message.", nameof(messages));
        if (ChatFormatter is null)
            throw new TokenizerFormatException("tokenizer_config.json: the model folder has no chat template ($.chat_template is missing and there is no chat_template.jinja), so chat messages cannot be formatted; pass a plain prompt instead.");
        return ChatFormatter.Render(messages, addGenerationPrompt: true, cancellationToken: cancellationToken);
    }

    /// <summary>The chat prompt's token ids (the template writes BOS itself, so none are added).</summary>
    public int[] EncodeChat(IReadOnlyList<ChatTurn> messages, CancellationToken cancellationToken = default) =>
        Tokenizer.Encode(FormatChat(messages, cancellationToken), addSpecialTokens: false);

    public Task<TextGenerationResult> GenerateAsync(string prompt, GenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        CollectAsync(GenerateStreamingAsync(EncodePrompt(prompt), options, cancellationToken));

    public Task<TextGenerationResult> GenerateAsync(IReadOnlyList<ChatTurn> messages, GenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        CollectAsync(GenerateStreamingAsync(EncodeChat(messages, cancellationToken), options, cancellationToken));

    public IAsyncEnumerable<TextGenerationUpdate> GenerateStreamingAsync(string prompt, GenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        GenerateStreamingAsync(EncodePrompt(prompt), options, cancellationToken);

    public IAsyncEnumerable<TextGenerationUpdate> GenerateStreamingAsync(IReadOnlyList<ChatTurn> messages, GenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        GenerateStreamingAsync(EncodeChat(messages, cancellationToken), options, cancellationToken);

    /// <summary>Generates from prompt token ids. Throws <see cref="ContextLengthExceededException"/> when the prompt leaves
    /// no room in the model's context window; cancelling stops within one decode step (or one layer of the prefill).</summary>
    public async IAsyncEnumerable<TextGenerationUpdate> GenerateStreamingAsync(IReadOnlyList<int> promptIds, GenerationOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(promptIds);
        if (promptIds.Count == 0) throw new ArgumentException("The prompt must hold at least one token.", nameof(promptIds));
        var request = WithEos(options ?? Options.Defaults);
        long started = Stopwatch.GetTimestamp();

        using var lease = await _host.AcquireAsync(cancellationToken).ConfigureAwait(false);
        var model = lease.Model;
        if (promptIds.Count >= model.MaxContextLength)
            throw new ContextLengthExceededException(promptIds.Count, model.MaxContextLength);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.HostStopping);
        var decoder = Tokenizer.CreateStreamingDetokenizer(Options.SkipSpecialTokens);

        int completion = 0;
        long first = 0, last = 0;
        await foreach (var update in TokenGenerator.GenerateAsync(model, promptIds, request, decoder, cancellation.Token).ConfigureAwait(false))
        {
            if (update.TokenId != GenerationUpdate.NoToken)
            {
                last = Stopwatch.GetTimestamp();
                if (completion++ == 0) first = last;
            }
            if (update.FinishReason == FinishReason.None)
            {
                yield return new TextGenerationUpdate(update.Text, update.TokenId, FinishReason.None);
                continue;
            }

            var statistics = Statistics(promptIds.Count, completion, lease.QueueTime, started, first, last);
            Record(statistics);
            _logger.LogInformation("Generated {CompletionTokens} tokens after a {PromptTokens}-token prompt: first token after {FirstTokenMs:F0} ms, {TokensPerSecond:F1} tokens/s, {Reason}.",
                completion, promptIds.Count, statistics.TimeToFirstToken.TotalMilliseconds, statistics.DecodeTokensPerSecond, update.FinishReason);
            yield return new TextGenerationUpdate(update.Text, update.TokenId, update.FinishReason) { Statistics = statistics };
            yield break;
        }
    }

    public void Dispose()
    {
        if (_ownsHost) _host.Dispose();
    }

    private GenerationOptions WithEos(GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (_eosTokenIds.Length == 0) return options;
        var stops = new List<int>(options.StopTokenIds);
        foreach (int id in _eosTokenIds)
            if (!stops.Contains(id)) stops.Add(id);
        return stops.Count == options.StopTokenIds.Count ? options : options with { StopTokenIds = stops };
    }

    private void Record(GenerationStatistics statistics)
    {
        var model = new KeyValuePair<string, object?>("deepseek.model", _host.Name);
        DeepSeekMetrics.Tokens.Add(statistics.PromptTokens, model, new KeyValuePair<string, object?>("deepseek.token.type", "prompt"));
        DeepSeekMetrics.Tokens.Add(statistics.CompletionTokens, model, new KeyValuePair<string, object?>("deepseek.token.type", "completion"));
        if (statistics.CompletionTokens > 0) DeepSeekMetrics.TimeToFirstToken.Record(statistics.TimeToFirstToken.TotalSeconds, model);
        if (statistics.DecodeTokensPerSecond > 0) DeepSeekMetrics.DecodeRate.Record(statistics.DecodeTokensPerSecond, model);
    }

    private static GenerationStatistics Statistics(int promptTokens, int completionTokens, TimeSpan queueTime, long started, long first, long last)
    {
        double decodeSeconds = Stopwatch.GetElapsedTime(first, last).TotalSeconds;
        return new GenerationStatistics(promptTokens, completionTokens, queueTime,
            completionTokens == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(started, first),
            Stopwatch.GetElapsedTime(started, completionTokens == 0 ? Stopwatch.GetTimestamp() : last),
            completionTokens >= 2 && decodeSeconds > 0 ? (completionTokens - 1) / decodeSeconds : 0);
    }

    private static async Task<TextGenerationResult> CollectAsync(IAsyncEnumerable<TextGenerationUpdate> updates)
    {
        var text = new StringBuilder();
        var ids = new List<int>();
        await foreach (var update in updates.ConfigureAwait(false))
        {
            text.Append(update.Text);
            if (update.TokenId != GenerationUpdate.NoToken) ids.Add(update.TokenId);
            if (update.Statistics is { } statistics) return new TextGenerationResult(text.ToString(), update.FinishReason, ids, statistics);
        }
        throw new InvalidOperationException("The generation ended without a final update.");
    }
}
