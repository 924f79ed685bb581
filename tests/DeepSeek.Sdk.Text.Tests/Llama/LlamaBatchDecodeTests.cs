using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Tensors;
using DeepSeek.Sdk.Text.Llama;
using DeepSeek.Sdk.Text.Tests.DeepSeek;

namespace DeepSeek.Sdk.Text.Tests.Llama;

/// <summary>Decoding several sequences as one batch (Janus's classifier-free guidance, batched serving) gives each
/// sequence what decoding it alone gives.</summary>
public sealed class LlamaBatchDecodeTests
{
    // A batch changes only how rows are grouped in the MatMul kernels (a decode row alone or among others), which
    // may reorder F32 sums: differences stay at float rounding of the logits' scale.
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData("qwen2_f32")]
    [InlineData("llama3_bf16")]
    public void Batched_decode_of_sequences_at_different_lengths_equals_decoding_each_alone(string name)
    {
        var oracle = OracleCase.Load(name);
        using var backend = new CpuBackend(2);
        using var model = LlamaModel.Load(oracle.Directory, backend);
        int vocab = oracle.Vocab;
        var ct = TestContext.Current.CancellationToken;
        // Three prompts of different lengths; the batch is stepped in an order other than slot order.
        int[][] prompts = [oracle.PromptIds, oracle.PromptIds[3..9], oracle.SequenceIds[10..]];
        const int steps = 4;
        using var batch = model.CreateCaches(3, 32);
        KvCache[] order = [batch[2], batch[0], batch[1]];
        int[] promptOf = [2, 0, 1];
        var logits = new float[vocab];
        var next = new int[3];
        for (int r = 0; r < 3; r++)
        {
            model.Forward(prompts[promptOf[r]], order[r], logits, ct);
            next[r] = LogitComparison.Argmax(logits);
        }

        var batched = new float[steps][];
        var tokens = new int[steps][];
        for (int step = 0; step < steps; step++)
        {
            tokens[step] = (int[])next.Clone();
            batched[step] = new float[3 * vocab];
            model.DecodeBatch(next, order, batched[step], ct);
            for (int r = 0; r < 3; r++) next[r] = LogitComparison.Argmax(batched[step].AsSpan(r * vocab, vocab));
        }

        for (int r = 0; r < 3; r++)
        {
            Assert.Equal(prompts[promptOf[r]].Length + steps, order[r].Length);
            using var alone = model.CreateCache(32);
            model.Forward(prompts[promptOf[r]], alone, logits, ct);
            for (int step = 0; step < steps; step++)
            {
                model.Forward([tokens[step][r]], alone, logits, ct);
                double error = LogitComparison.RelativeError(batched[step].AsSpan(r * vocab, vocab), logits);
                Assert.True(error < Tolerance, $"{name} sequence {r} step {step}: relative error {error:E3}");
            }
        }
    }

    [Fact]
    public void Batched_decode_from_embeddings_gives_hidden_states_whose_logits_equal_the_token_batch()
    {
        var oracle = OracleCase.Load("llama3_f32");
        using var backend = new CpuBackend(2);
        using var model = LlamaModel.Load(oracle.Directory, backend);
        var ct = TestContext.Current.CancellationToken;
        int vocab = oracle.Vocab;
        using var byTokens = model.CreateCaches(2, 24);
        using var byEmbeddings = model.CreateCaches(2, 24);
        var scratch = new float[vocab];
        // A conditional and an "unconditional" prompt of the same length, as Janus's CFG pair.
        int[][] prompts = [oracle.PromptIds, [.. oracle.PromptIds.Select(id => id == oracle.PromptIds[0] ? id : 3)]];
        for (int s = 0; s < 2; s++)
        {
            model.Forward(prompts[s], byTokens[s], scratch, ct);
            model.Forward(prompts[s], byEmbeddings[s], scratch, ct);
        }
        int[] step = [oracle.GreedyNewIds[0], oracle.GreedyNewIds[1]];
        var expected = new float[2 * vocab];
        model.DecodeBatch(step, [byTokens[0], byTokens[1]], expected, ct);

        var embeddings = backend.Allocate(DType.F32, new Shape(2, model.HiddenSize));
        model.Embed(step, embeddings);
        var hidden = backend.Allocate(DType.F32, new Shape(2, model.HiddenSize));
        model.DecodeBatch(embeddings, [byEmbeddings[0], byEmbeddings[1]], hidden, ct);
        var actual = new float[2 * vocab];
        model.ComputeLogits(hidden, actual);

        Assert.Equal(expected, actual);
        Assert.Equal(byTokens[1].Length, byEmbeddings[1].Length);
    }

    [Fact]
    public void A_batched_decode_step_after_warm_up_allocates_nothing_on_the_calling_thread()
    {
        var oracle = OracleCase.Load("qwen2_f32");
        // One thread: every kernel runs on the caller, so its allocation counter sees the whole step.
        using var backend = new CpuBackend(1);
        using var model = LlamaModel.Load(oracle.Directory, backend);
        using var batch = model.CreateCaches(3, 16);
        var caches = batch.Sequences.ToArray();
        var logits = new float[3 * oracle.Vocab];
        int[] tokens = [5, 6, 7];
        var ct = TestContext.Current.CancellationToken;
        model.DecodeBatch(tokens, caches, logits, ct);
        model.DecodeBatch(tokens, caches, logits, ct);

        long before = GC.GetAllocatedBytesForCurrentThread();
        model.DecodeBatch(tokens, caches, logits, ct);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.All(caches, cache => Assert.Equal(3, cache.Length));
    }

    [Fact]
    public void A_batch_of_caches_from_different_batches_or_with_a_repeated_cache_is_refused()
    {
        var oracle = OracleCase.Load("llama3_f32");
        using var backend = new CpuBackend(1);
        using var model = LlamaModel.Load(oracle.Directory, backend);
        using var first = model.CreateCaches(2, 8);
        using var second = model.CreateCaches(1, 8);
        var logits = new float[2 * oracle.Vocab];

        var mixed = Assert.Throws<ArgumentException>(() => model.DecodeBatch([1, 2], [first[0], second[0]], logits, TestContext.Current.CancellationToken));
        var repeated = Assert.Throws<ArgumentException>(() => model.DecodeBatch([1, 2], [first[1], first[1]], logits, TestContext.Current.CancellationToken));

        Assert.Contains("another KvCacheBatch", mixed.Message, StringComparison.Ordinal);
        Assert.Contains("same cache", repeated.Message, StringComparison.Ordinal);
        Assert.Equal(0, first[0].Length);
        Assert.Equal(0, first[1].Length);
    }
}
