using DeepSeek.Sdk.Models.Tasks;
using DeepSeek.Sdk.Reasoning;

namespace DeepSeek.Cli.Evaluation;

/// <summary>What the model did with one problem.</summary>
/// <param name="Problem">The problem, with the expected answer.</param>
/// <param name="Result">The pipeline's result: reasoning and answer separated.</param>
/// <param name="Traced">A trace came before the answer: the stream's <see cref="ThinkingCompleted"/> arrived before any
/// <see cref="AnswerDelta"/>, the reasoning is not blank, and the model ended its answer with its end-of-sentence token
/// (as the training run's check required the EOS).</param>
/// <param name="Elapsed">From the request to the last token.</param>
public sealed record ProblemOutcome(SyntheticProblem Problem, ReasoningResult Result, bool Traced, TimeSpan Elapsed)
{
    /// <summary>Traced, and the answer text is exactly the expected one.</summary>
    public bool Correct => Traced && string.Equals(Result.Answer, Problem.Answer, StringComparison.Ordinal);

    /// <summary>Tokens the model generated: reasoning, answer and any forced by the pipeline (the end-of-sentence token
    /// carries no text and is not counted, as in <c>deepseek reason</c>).</summary>
    public int GeneratedTokens => Result.ReasoningTokens + Result.AnswerTokens + Result.ForcedTokens;
}
