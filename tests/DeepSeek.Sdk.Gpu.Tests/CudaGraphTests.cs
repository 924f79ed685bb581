using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Backends.Cuda;
using DeepSeek.Sdk.Tensors;
using DeepSeek.Sdk.Text;

namespace DeepSeek.Sdk.Gpu.Tests;

/// <summary>Replay of repeated work as CUDA graphs (SegmentGraphs): same results as launching kernel by kernel,
/// with fresh inputs each time, and a fall back to plain launches when a segment differs from the graph. Each test
/// switches replay on for itself, whatever the suite's configuration, and restores it after.</summary>
public sealed class CudaGraphTests(GpuFixture gpu) : IDisposable
{
    private bool? _graphsBefore;

    private CudaBackend RequireGraphs()
    {
        var cuda = gpu.Require();
        _graphsBefore = cuda.CudaGraphs;
        cuda.CudaGraphs = true;
        return cuda;
    }

    public void Dispose()
    {
        if (_graphsBefore is bool before && gpu.Cuda is { } cuda) cuda.CudaGraphs = before;
    }

    // One segment: a small upload of ids, a gather, then a chain of elementwise ops, then a wait.
    private static float[] Segment(IBackend backend, Tensor table, Tensor y, int[] ids, int chain, float factor)
    {
        backend.Embedding(backend.Upload(Parity.Host(ids, ids.Length)), table, y);
        for (int i = 0; i < chain; i++)
        {
            backend.Scale(y, factor, y);
            backend.Silu(y, y);
        }
        return Parity.ToHost(backend, y);
    }

    [Fact]
    public void Repeated_segments_are_replayed_with_their_new_inputs_and_give_the_eager_results()
    {
        var cuda = RequireGraphs();
        var hostTable = Parity.Host(Parity.Random(1, 40 * 64, 3f), 40, 64);
        var table = cuda.Upload(hostTable);
        var y = cuda.Allocate(DType.F32, new Shape(3, 64));
        var hostY = Tensor.Zeros(DType.F32, new Shape(3, 64));
        cuda.Synchronize();
        var before = cuda.Statistics;
        for (int step = 0; step < 6; step++)
        {
            int[] ids = [step, 39 - step, 7];
            var expected = Segment(gpu.Cpu, hostTable, hostY, ids, 12, 1.1f);
            Parity.Close(expected, Segment(cuda, table, y, ids, 12, 1.1f), 1e-5, $"step {step}");
        }
        var after = cuda.Statistics;
        TestContext.Current.TestOutputHelper?.WriteLine($"replays {after.GraphReplays - before.GraphReplays}, captures {after.GraphCaptures - before.GraphCaptures}");
        // Steps 0 and 1 run eagerly and the repeat is captured; steps 2..5 are replays.
        Assert.Equal(1, after.GraphCaptures - before.GraphCaptures);
        Assert.Equal(4, after.GraphReplays - before.GraphReplays);
    }

    [Fact]
    public void A_segment_that_departs_from_the_graph_falls_back_to_plain_launches()
    {
        var cuda = RequireGraphs();
        var hostTable = Parity.Host(Parity.Random(2, 40 * 64, 3f), 40, 64);
        var table = cuda.Upload(hostTable);
        var y = cuda.Allocate(DType.F32, new Shape(3, 64));
        // The upload and the memset end here, so the three segments are alike and the third is a replay even when
        // this test runs first (otherwise the first segment differs and the third is only the capture).
        cuda.Synchronize();
        for (int step = 0; step < 3; step++) Segment(cuda, table, y, [1, 2, 3], 12, 1.1f);
        var before = cuda.Statistics;
        Assert.True(before.GraphReplays > 0);
        // Same beginning (the gather), another factor after it: the held-back gather must still run first.
        var expected = Segment(gpu.Cpu, hostTable, Tensor.Zeros(DType.F32, new Shape(3, 64)), [4, 5, 6], 12, 0.9f);
        Parity.Close(expected, Segment(cuda, table, y, [4, 5, 6], 12, 0.9f), 1e-5, "departing segment");
        Assert.True(cuda.Statistics.GraphFallbacks > before.GraphFallbacks);
    }

    [Fact]
    public void Decoding_a_dense_model_replays_each_step_as_one_graph()
    {
        var cuda = RequireGraphs();
        var oracle = OracleCase.Load("qwen2_f32");
        using var model = TextModels.Load(oracle.Directory, cuda);
        using var cache = model.CreateCache(oracle.SequenceIds.Length);
        var logits = new float[oracle.Vocab];
        var before = cuda.Statistics;
        for (int position = 0; position < oracle.SequenceIds.Length; position++)
        {
            model.Forward(oracle.SequenceIds.AsSpan(position, 1), cache, logits, TestContext.Current.CancellationToken);
            Parity.Close(oracle.SequenceLogits.AsSpan(position * oracle.Vocab, oracle.Vocab), logits, 1e-4, $"position {position}");
        }
        var after = cuda.Statistics;
        long replays = after.GraphReplays - before.GraphReplays;
        TestContext.Current.TestOutputHelper?.WriteLine($"{oracle.SequenceIds.Length} steps: {replays} replays, {after.Launches - before.Launches} launches");
        Assert.True(replays >= oracle.SequenceIds.Length - 3, $"only {replays} of {oracle.SequenceIds.Length} steps were replayed");
    }
}
