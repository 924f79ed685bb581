using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Tensors;
using DeepSeek.Sdk.Text.Llama;
using DeepSeek.Sdk.Text.Tests.DeepSeek;

namespace DeepSeek.Sdk.Text.Tests.Llama;

/// <summary>The input-embedding API a multimodal model uses (Janus puts image embeddings at the image-token rows and
/// applies its own head to the final-normed hidden states): with the token embeddings as input it is the ids path.</summary>
public sealed class LlamaEmbeddingInputTests
{
    [Theory]
    [InlineData("qwen2_f32")]
    [InlineData("llama3_bf16")]
    public void Forward_from_the_token_embeddings_equals_forward_from_ids_at_every_position(string name)
    {
        var oracle = OracleCase.Load(name);
        using var backend = new CpuBackend(2);
        using var model = LlamaModel.Load(oracle.Directory, backend);
        var ct = TestContext.Current.CancellationToken;
        int tokens = oracle.PromptIds.Length, vocab = oracle.Vocab;
        var expected = new float[tokens * vocab];
        using (var cache = model.CreateCache(tokens))
            model.ForwardAllLogits(oracle.PromptIds, cache, expected, ct);

        var embeddings = backend.Allocate(DType.F32, new Shape(tokens, model.HiddenSize));
        model.Embed(oracle.PromptIds, embeddings);
        var hidden = backend.Allocate(DType.F32, new Shape(tokens, model.HiddenSize));
        var actual = new float[tokens * vocab];
        using (var cache = model.CreateCache(tokens))
        {
            model.ForwardEmbeddings(embeddings, cache, hidden, ct);
            Assert.Equal(tokens, cache.Length);
        }
        model.ComputeLogits(hidden, actual);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Rows_put_into_the_embeddings_act_as_the_tokens_they_embed_and_the_last_row_alone_can_be_read()
    {
        // Stand-in for Janus's image rows: embeddings of other ids written over prompt rows 2..4.
        var oracle = OracleCase.Load("llama3_f32");
        using var backend = new CpuBackend(2);
        using var model = LlamaModel.Load(oracle.Directory, backend);
        var ct = TestContext.Current.CancellationToken;
        int tokens = oracle.PromptIds.Length, vocab = oracle.Vocab;
        int[] replaced = (int[])oracle.PromptIds.Clone();
        replaced[2] = 7;
        replaced[3] = 8;
        replaced[4] = 9;
        var expected = new float[vocab];
        using (var cache = model.CreateCache(tokens + 1))
        {
            model.Forward(replaced, cache, expected, ct);
        }

        var embeddings = backend.Allocate(DType.F32, new Shape(tokens, model.HiddenSize));
        model.Embed(oracle.PromptIds, embeddings);
        var injected = backend.Allocate(DType.F32, new Shape(3, model.HiddenSize));
        model.Embed([7, 8, 9], injected);
        backend.Convert(injected, embeddings.Slice(0, 2, 3));
        var last = backend.Allocate(DType.F32, new Shape(1, model.HiddenSize));
        var actual = new float[vocab];
        using (var cache = model.CreateCache(tokens + 1))
            model.ForwardEmbeddings(embeddings, cache, last, ct);
        model.ComputeLogits(last, actual);

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void The_final_normed_hidden_state_is_what_lm_head_reads()
    {
        // Applying lm_head by hand (x · W^T over the stored embedding-shaped matrix) to the hidden state gives the
        // model's logits: the hidden state is model.norm's output, ready for another head.
        var oracle = OracleCase.Load("llama3_f32");
        using var backend = new CpuBackend(1);
        using var model = LlamaModel.Load(oracle.Directory, backend);
        var ct = TestContext.Current.CancellationToken;
        var embeddings = backend.Allocate(DType.F32, new Shape(oracle.PromptIds.Length, model.HiddenSize));
        model.Embed(oracle.PromptIds, embeddings);
        var hidden = backend.Allocate(DType.F32, new Shape(1, model.HiddenSize));
        using var cache = model.CreateCache(oracle.PromptIds.Length);

        model.ForwardEmbeddings(embeddings, cache, hidden, ct);

        var h = hidden.AsSpan<float>();
        var head = model.LmHead.Weight.ToFloatArray();
        var logits = new double[oracle.Vocab];
        for (int v = 0; v < oracle.Vocab; v++)
            for (int i = 0; i < model.HiddenSize; i++) logits[v] += (double)h[i] * head[v * model.HiddenSize + i];
        int last = oracle.PromptIds.Length - 1;
        double error = LogitComparison.RelativeError(Array.ConvertAll(logits, x => (float)x), oracle.PrefillLogits.AsSpan(last * oracle.Vocab, oracle.Vocab));
        Assert.True(error < 1e-4, $"relative error {error:E3}"); // F32 compute against the float64 reference, as LlamaModelTests
    }
}
