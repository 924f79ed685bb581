using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Text.Pipelines;
using DeepSeek.Sdk.Tokenization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DeepSeek.Sdk.Reasoning;

/// <summary>
/// Runs a reasoning model (DeepSeek-R1, its Qwen2/Llama distills) and hands back the thinking trace and the
/// answer as separate things, live: the prompt follows R1's conventions (<see cref="ReasoningPrompt"/>), the
/// output goes through a <see cref="ReasoningTraceParser"/>, and a thinking budget can close the trace by
/// forcing <c>&lt;/think&gt;</c> into the sequence. The model is shared through a <see cref="ModelHost{TModel}"/>, so
/// one pipeline serves concurrent callers in arrival order, each holding the model from prefill to last token.
/// </summary>
public sealed class ReasoningPipeline : IDisposable
{
    private readonly ModelHost<ICausalLanguageModel> _host;
    private readonly bool _ownsHost;
    private readonly Tokenizer _tokenizer;
    private readonly ChatFormatter _formatter;
    private readonly int[] _eosTokenIds;
    private readonly ILogger _logger;

    /// <summary>A pipeline over an already loaded model, which the caller keeps owning (the pipeline never disposes it).</summary>
    /// <param name="formatter">The chat template to render with; the tokenizer's own when null.</param>
    public ReasoningPipeline(ICausalLanguageModel model, Tokenizer tokenizer, ReasoningOptions? defaults = null, ChatFormatter? formatter = null, ILogger? logger = null)
        : this(new ModelHost<ICausalLanguageModel>(model, "model", ownsModel: false, logger), tokenizer, defaults, formatter, eosTokenIds: null, logger) => _ownsHost = true;

    /// <summary>A pipeline over a hosted (possibly not yet loaded) model, shared with whoever else holds the host.</summary>
    /// <param name="eosTokenIds">Ids that end generation (the model's EOS); the tokenizer's eos_token when null.</param>
    public ReasoningPipeline(ModelHost<ICausalLanguageModel> host, Tokenizer tokenizer, ReasoningOptions? defaults = null, ChatFormatter? formatter = null, IReadOnlyList<int>? eosTokenIds = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(tokenizer);
        _host = host;
        _tokenizer = tokenizer;
        _formatter = formatter ?? ChatFormatter.FromTokenizer(tokenizer);
        Defaults = defaults ?? new ReasoningOptions();
        Defaults.Validate();
        _eosTokenIds = eosTokenIds is not null ? [.. eosTokenIds] : tokenizer.EosId is int eos ? [eos] : [];
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The pipeline for the model folder <paramref name="directory"/>: its tokenizer and chat template, and the
    /// EOS ids of generation_config.json, config.json and the tokenizer. Sampling stays R1's (<paramref name="defaults"/>),
    /// not generation_config's: R1's own generation_config says the same, and other models' greedy or high-temperature
    /// defaults are what R1's model card warns against. The files are read, and the template parsed and rendered, within
    /// <paramref name="limits"/> (<see cref="InputLimits.Default"/> when null).</summary>
    public static ReasoningPipeline FromDirectory(ModelHost<ICausalLanguageModel> host, string directory, ReasoningOptions? defaults = null, ILogger? logger = null,
        InputLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        limits ??= InputLimits.Default;
        var tokenizer = Tokenizer.FromDirectory(directory, limits.Tokenizer);
        var eos = ModelEosTokens.Gather(directory, GenerationConfig.LoadIfPresent(directory), tokenizer, limits.Config);
        return new ReasoningPipeline(host, tokenizer, defaults, ChatFormatter.FromTokenizer(tokenizer, limits: limits.Template), eos, logger);
    }

    /// <summary>Options used when a request passes none.</summary>
    public ReasoningOptions Defaults { get; }

    public Tokenizer Tokenizer => _tokenizer;

    public ModelHost<ICausalLanguageModel> Host => _host;

    /// <summary>The ids that end every generation (the model's EOS).</summary>
    public IReadOnlyList<int> EosTokenIds => _eosTokenIds;

    /// <summary>The prompt text a conversation becomes (R1's conventions applied).</summary>
    public string FormatPrompt(IReadOnlyList<ChatTurn> conversation, CancellationToken cancellationToken = default) =>
        ReasoningPrompt.Render(_formatter, conversation, cancellationToken);

    /// <summary>Asks one question and waits for the whole result.</summary>
    /// <exception cref="ArgumentException"><paramref name="question"/> is empty or only white space.</exception>
    public Task<ReasoningResult> RunAsync(string question, ReasoningOptions? options = null, CancellationToken cancellationToken = default) =>
        RunAsync([ChatTurn.User(RequireQuestion(question))], options, cancellationToken);

    /// <summary>Continues a conversation and waits for the whole result.</summary>
    public async Task<ReasoningResult> RunAsync(IReadOnlyList<ChatTurn> conversation, ReasoningOptions? options = null, CancellationToken cancellationToken = default)
    {
        await foreach (var update in StreamAsync(conversation, options, cancellationToken).ConfigureAwait(false))
            if (update is ReasoningCompleted completed) return completed.Result;
        throw new InvalidOperationException("The reasoning stream ended without a result."); // StreamAsync always ends with one
    }

    /// <summary>Asks one question and streams the reasoning, then the answer.</summary>
    /// <exception cref="ArgumentException"><paramref name="question"/> is empty or only white space.</exception>
    public IAsyncEnumerable<ReasoningUpdate> StreamAsync(string question, ReasoningOptions? options = null, CancellationToken cancellationToken = default) =>
        StreamAsync([ChatTurn.User(RequireQuestion(question))], options, cancellationToken);

    // An empty question still renders a prompt (the template's frame around nothing), and the model would answer
    // something unrelated; it is almost always a caller's mistake (an unset variable), so it is refused here, eagerly.
    private static string RequireQuestion(string question)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(question);
        return question;
    }

    /// <summary>Continues a conversation, streaming <see cref="ReasoningDelta"/>s, one <see cref="ThinkingCompleted"/>
    /// when the trace ends, <see cref="AnswerDelta"/>s, and a final <see cref="ReasoningCompleted"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="conversation"/> holds no turn.</exception>
    public async IAsyncEnumerable<ReasoningUpdate> StreamAsync(IReadOnlyList<ChatTurn> conversation, ReasoningOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        if (conversation.Count == 0) throw new ArgumentException("The conversation must hold at least one turn.", nameof(conversation));
        options ??= Defaults;
        options.Validate();
        long start = Stopwatch.GetTimestamp();

        // The chat template writes BOS itself, so no special tokens are added (as apply_chat_template encodes).
        int[] promptIds = _tokenizer.Encode(FormatPrompt(conversation, cancellationToken), addSpecialTokens: false);
        int[] closeTrace = _tokenizer.Encode("\n" + ReasoningTraceParser.CloseTag + options.BudgetTransition);
        var generation = new GenerationOptions
        {
            MaxNewTokens = options.MaxNewTokens,
            Sampling = options.Sampling,
            StopTokenIds = _eosTokenIds,
            StopStrings = options.StopStrings,
        };
        var parser = new ReasoningTraceParser(traceOpenedByPrompt: true);
        var controller = new ThinkingBudgetController(closeTrace, options.MaxThinkingTokens, options.StopAfterThinking) { Phase = parser.Phase };
        var decoder = new StreamingDetokenizer(_tokenizer);
        var reasoning = new StringBuilder();
        var answer = new StringBuilder();
        int reasoningTokens = 0, answerTokens = 0, forcedTokens = 0;
        long firstToken = 0, traceEnd = 0;
        FinishReason finish = FinishReason.None;
        _logger.LogDebug("Reasoning over a {PromptTokens}-token prompt (max {MaxNewTokens} new tokens, thinking budget {Budget}).",
            promptIds.Length, options.MaxNewTokens, options.MaxThinkingTokens?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none");

        using var lease = await _host.AcquireAsync(cancellationToken).ConfigureAwait(false);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.HostStopping);
        await foreach (var update in TokenGenerator.GenerateAsync(lease.Model, promptIds, generation, decoder, controller, cancellation.Token).ConfigureAwait(false))
        {
            if (update.TokenId != GenerationUpdate.NoToken)
            {
                if (firstToken == 0) firstToken = Stopwatch.GetTimestamp();
                // A token belongs to the phase the parser was in when it arrived, so the token that completes
                // </think> is reasoning and the first one after it is answer. The end-of-sequence token is
                // neither: it carries no text.
                if (update.FinishReason == FinishReason.StopToken) { }
                else if (update.IsForced) forcedTokens++;
                else if (parser.Phase == TracePhase.Answer) answerTokens++;
                else reasoningTokens++;
            }

            var delta = parser.Append(update.Text);
            if (update.FinishReason != FinishReason.None) delta = delta.Then(parser.Flush());
            if (delta.Reasoning.Length > 0)
            {
                reasoning.Append(delta.Reasoning);
                yield return new ReasoningDelta(delta.Reasoning);
            }

            bool traceEnded = traceEnd == 0 && (parser.TraceClosed
                || (update.FinishReason == FinishReason.Stopped && controller.BudgetExhausted));
            if (traceEnded)
            {
                traceEnd = Stopwatch.GetTimestamp();
                yield return new ThinkingCompleted(reasoningTokens, Stopwatch.GetElapsedTime(firstToken == 0 ? start : firstToken, traceEnd), controller.BudgetExhausted);
            }

            if (delta.Answer.Length > 0)
            {
                answer.Append(delta.Answer);
                yield return new AnswerDelta(delta.Answer);
            }

            controller.ReasoningTokens = reasoningTokens;
            controller.Phase = parser.Phase;
            if (update.FinishReason != FinishReason.None) finish = update.FinishReason;
        }

        long end = Stopwatch.GetTimestamp();
        if (firstToken == 0) firstToken = end;
        var result = new ReasoningResult
        {
            Reasoning = reasoning.ToString(),
            Answer = answer.ToString(),
            PromptTokens = promptIds.Length,
            ReasoningTokens = reasoningTokens,
            AnswerTokens = answerTokens,
            ForcedTokens = forcedTokens,
            TraceClosed = traceEnd != 0,
            ClosedByBudget = controller.BudgetExhausted,
            FinishReason = finish switch
            {
                FinishReason.StopToken => ReasoningFinishReason.StopToken,
                FinishReason.StopString => ReasoningFinishReason.StopString,
                FinishReason.MaxTokens => ReasoningFinishReason.MaxTokens,
                FinishReason.ContextFull => ReasoningFinishReason.ContextFull,
                FinishReason.Stopped => ReasoningFinishReason.EndOfThinking,
                _ => throw new InvalidOperationException($"The generation loop ended without a finish reason ({finish})."),
            },
            Timings = new ReasoningTimings(
                Stopwatch.GetElapsedTime(start, firstToken),
                Stopwatch.GetElapsedTime(firstToken, traceEnd != 0 ? traceEnd : end),
                Stopwatch.GetElapsedTime(start, end)),
        };
        _logger.LogInformation("Reasoned {ReasoningTokens} + answered {AnswerTokens} tokens after a {PromptTokens}-token prompt: first token after {FirstTokenMs:F0} ms, thought for {ThinkingMs:F0} ms, {TotalMs:F0} ms in all, {Finish} (budget closed the trace: {ClosedByBudget}).",
            reasoningTokens, answerTokens, promptIds.Length, result.Timings.TimeToFirstToken.TotalMilliseconds, result.Timings.ThinkingTime.TotalMilliseconds,
            result.Timings.Total.TotalMilliseconds, result.FinishReason, result.ClosedByBudget);
        yield return new ReasoningCompleted(result);
    }

    public void Dispose()
    {
        if (_ownsHost) _host.Dispose();
    }
}
