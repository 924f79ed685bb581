using DeepSeek.Sdk.Generation;

namespace DeepSeek.Sdk.Reasoning;

/// <summary>Enforces the thinking budget and stop-after-thinking on the generation loop. The pipeline tells it,
/// after each streamed token, how many reasoning tokens there are and where the parser is; the loop asks it
/// before each next token (the stream is pulled, so it always decides on the latest state).</summary>
/// <remarks>Closing the trace by force follows "budget forcing" (Muennighoff et al. 2025, s1: Simple test-time
/// scaling, §3.1): append the end-of-thinking delimiter and let the model answer from what it has.</remarks>
internal sealed class ThinkingBudgetController(ReadOnlyMemory<int> closeTraceTokens, int? maxThinkingTokens, bool stopAfterThinking) : IGenerationController
{
    public int ReasoningTokens { get; set; }

    public TracePhase Phase { get; set; }

    /// <summary>The budget ran out and the trace was closed (or generation stopped) because of it.</summary>
    public bool BudgetExhausted { get; private set; }

    public GenerationDirective NextStep()
    {
        if (Phase == TracePhase.Answer)
            return stopAfterThinking ? GenerationDirective.Stop : GenerationDirective.Sample;
        if (maxThinkingTokens is int budget && ReasoningTokens >= budget && !BudgetExhausted)
        {
            BudgetExhausted = true;
            return stopAfterThinking ? GenerationDirective.Stop : GenerationDirective.Force(closeTraceTokens);
        }
        return GenerationDirective.Sample;
    }
}
