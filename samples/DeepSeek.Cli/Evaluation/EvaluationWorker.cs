using System.Diagnostics;
using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Models.Tasks;
using DeepSeek.Sdk.Reasoning;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Text;

namespace DeepSeek.Cli.Evaluation;

/// <summary>One model on a one-thread CPU backend with its own <see cref="ReasoningPipeline"/>. A model this small
/// (deepseek-r1-tiny decodes a token in about a millisecond) gains little from splitting one token's work across
/// cores, so an evaluation runs one worker per core instead, each on its own problems; the weights are memory-mapped,
/// so the copies share them.</summary>
public sealed class EvaluationWorker : IDisposable
{
    private readonly CpuBackend _backend;
    private readonly ModelHost<ICausalLanguageModel> _host;

    private EvaluationWorker(CpuBackend backend, ModelHost<ICausalLanguageModel> host, ReasoningPipeline pipeline)
    {
        _backend = backend;
        _host = host;
        Pipeline = pipeline;
    }

    public ReasoningPipeline Pipeline { get; }

    public static EvaluationWorker Open(string modelDirectory)
    {
        var backend = new CpuBackend(1);
        ModelHost<ICausalLanguageModel>? host = null;
        try
        {
            var model = TextModels.Load(modelDirectory, backend);
            host = new ModelHost<ICausalLanguageModel>(model, Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(modelDirectory))), ownsModel: true);
            return new EvaluationWorker(backend, host, ReasoningPipeline.FromDirectory(host, modelDirectory));
        }
        catch
        {
            host?.Dispose();
            backend.Dispose();
            throw;
        }
    }

    /// <summary>Asks one question and checks the order of what streams back: the trace must end
    /// (<see cref="ThinkingCompleted"/>) before any of the answer arrives.</summary>
    public async Task<ProblemOutcome> SolveAsync(SyntheticProblem problem, ReasoningOptions options, CancellationToken cancellationToken)
    {
        long start = Stopwatch.GetTimestamp();
        bool thinkingCompleted = false, answerBeforeTrace = false;
        ReasoningResult? result = null;
        await foreach (var update in Pipeline.StreamAsync(problem.Question, options, cancellationToken).ConfigureAwait(false))
        {
            switch (update)
            {
                case ThinkingCompleted:
                    thinkingCompleted = true;
                    break;
                case AnswerDelta when !thinkingCompleted:
                    answerBeforeTrace = true;
                    break;
                case ReasoningCompleted completed:
                    result = completed.Result;
                    break;
            }
        }
        if (result is null) throw new InvalidOperationException("The reasoning stream ended without a result.");
        bool traced = thinkingCompleted && !answerBeforeTrace && !string.IsNullOrWhiteSpace(result.Reasoning)
            && result.FinishReason == ReasoningFinishReason.StopToken;
        return new ProblemOutcome(problem, result, traced, Stopwatch.GetElapsedTime(start));
    }

    public void Dispose()
    {
        Pipeline.Dispose();
        _host.Dispose();
        _backend.Dispose();
    }
}
