using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Text.Tests.Llama;

/// <summary>The attention layer against the textbook form computed here in double: per sequence, q/k/v projections
/// with bias, rotate_half rotary embedding, each kv head repeated for its group of query heads (transformers'
/// repeat_kv), causal softmax, o_proj. Two sequences share one <see cref="KvCacheBatch"/>: prompts go in as rows of
/// one slot, then one decode call carries a row of each slot at different positions, in reverse slot order.</summary>
public sealed class GroupedQueryAttentionTests
{
    private const int Hidden = 10, Heads = 4, KvHeads = 2, HeadDim = 6;

    [Fact]
    public void Prompts_then_a_mixed_decode_batch_equal_attention_computed_per_sequence()
    {
        var random = new Random(11);
        float[] wq = RandomArray(random, Heads * HeadDim * Hidden), bq = RandomArray(random, Heads * HeadDim);
        float[] wk = RandomArray(random, KvHeads * HeadDim * Hidden), bk = RandomArray(random, KvHeads * HeadDim);
        float[] wv = RandomArray(random, KvHeads * HeadDim * Hidden), bv = RandomArray(random, KvHeads * HeadDim);
        float[] wo = RandomArray(random, Hidden * Heads * HeadDim);
        // Sequence 0: 4 tokens (3 prompt + 1 decoded); sequence 1: 3 tokens (2 prompt + 1 decoded).
        float[][] inputs = [RandomArray(random, 4 * Hidden, 2f), RandomArray(random, 3 * Hidden, 2f)];
        var rotary = new RotaryEmbedding(HeadDim, 10000, null, 16);
        float scale = 1f / MathF.Sqrt(HeadDim);

        using var backend = new CpuBackend(1);
        var attention = new GroupedQueryAttention(new LayerWorkspace(backend), Heads, KvHeads, HeadDim,
            new Linear(Tensor.FromArray(wq, Heads * HeadDim, Hidden), Tensor.FromArray(bq, Heads * HeadDim)),
            new Linear(Tensor.FromArray(wk, KvHeads * HeadDim, Hidden), Tensor.FromArray(bk, KvHeads * HeadDim)),
            new Linear(Tensor.FromArray(wv, KvHeads * HeadDim, Hidden), Tensor.FromArray(bv, KvHeads * HeadDim)),
            new Linear(Tensor.FromArray(wo, Hidden, Heads * HeadDim)), new RotaryPositionTables(backend, rotary, 16), scale);
        using var caches = new KvCacheBatch(backend, 1, KvHeads, HeadDim, 8, 2);
        float[][] actual = [new float[4 * Hidden], new float[3 * Hidden]];

        RunRows(backend, attention, caches, inputs, actual, [(0, 0), (0, 1), (0, 2)]);
        RunRows(backend, attention, caches, inputs, actual, [(1, 0), (1, 1)]);
        RunRows(backend, attention, caches, inputs, actual, [(1, 2), (0, 3)]);

        for (int s = 0; s < 2; s++)
        {
            double[] expected = Reference(inputs[s], actual[s].Length / Hidden, wq, bq, wk, bk, wv, bv, wo, rotary.InverseFrequencies.ToArray(), scale);
            double maxDiff = 0, maxRef = 0;
            for (int i = 0; i < expected.Length; i++)
            {
                maxDiff = Math.Max(maxDiff, Math.Abs(actual[s][i] - expected[i]));
                maxRef = Math.Max(maxRef, Math.Abs(expected[i]));
            }
            // F32 against double over sums of at most 24 products: a few float ulps of the output scale.
            Assert.True(maxDiff / maxRef < 1e-5, $"sequence {s}: relative error {maxDiff / maxRef:E3}");
        }
    }

    [Fact]
    public void A_row_sees_only_its_own_slot_and_positions_up_to_its_own()
    {
        // One kv head, one query head, values that tag their slot and position: the output is a convex combination
        // of the visible values, so its range shows which cache rows were read.
        using var backend = new CpuBackend(1);
        var cacheKeys = Tensor.Zeros(DType.F32, new Shape(2, 1, 4, 2));
        var cacheValues = Tensor.Zeros(DType.F32, new Shape(2, 1, 4, 2));
        var values = cacheValues.AsSpan<float>();
        for (int slot = 0; slot < 2; slot++)
            for (int p = 0; p < 4; p++)
                values[(slot * 4 + p) * 2] = values[(slot * 4 + p) * 2 + 1] = 100 * slot + p;
        // Row 0: slot 1 at position 1 (sees slot 1 positions 0..1); row 1: slot 0 at position 2.
        var keys = Tensor.FromArray(new float[] { 0, 0, 0, 0 }, 2, 1, 2);
        var newValues = Tensor.FromArray(new float[] { 101, 101, 2, 2 }, 2, 1, 2);
        var query = Tensor.FromArray(new float[] { 0, 0, 0, 0 }, 2, 1, 2);
        var output = Tensor.Zeros(DType.F32, new Shape(2, 1, 2));

        backend.GroupedQueryAttention(query, keys, newValues, cacheKeys, cacheValues,
            Tensor.FromArray(new[] { 1, 0 }, 2), Tensor.FromArray(new[] { 1, 2 }, 2), 1f, output);

        // Zero scores: uniform weights over the visible positions.
        var o = output.AsSpan<float>();
        Assert.Equal((100f + 101f) / 2, o[0], 4);
        Assert.Equal((0f + 1f + 2f) / 3, o[2], 4);
    }

    private static void RunRows(CpuBackend backend, GroupedQueryAttention attention, KvCacheBatch caches, float[][] inputs, float[][] outputs, (int Slot, int Position)[] rows)
    {
        var x = new float[rows.Length * Hidden];
        for (int r = 0; r < rows.Length; r++) inputs[rows[r].Slot].AsSpan(rows[r].Position * Hidden, Hidden).CopyTo(x.AsSpan(r * Hidden));
        var y = Tensor.Zeros(DType.F32, new Shape(rows.Length, Hidden));
        attention.Forward(backend, Tensor.FromArray(x, rows.Length, Hidden),
            Tensor.FromArray(Array.ConvertAll(rows, r => r.Position), rows.Length), Tensor.FromArray(Array.ConvertAll(rows, r => r.Slot), rows.Length),
            caches.Keys(0), caches.Values(0), y);
        var result = y.AsSpan<float>();
        for (int r = 0; r < rows.Length; r++) result.Slice(r * Hidden, Hidden).CopyTo(outputs[rows[r].Slot].AsSpan(rows[r].Position * Hidden));
    }

    private static double[] Reference(float[] x, int tokens, float[] wq, float[] bq, float[] wk, float[] bk, float[] wv, float[] bv, float[] wo,
        float[] invFreq, float scale)
    {
        var q = new double[tokens, Heads, HeadDim];
        var k = new double[tokens, KvHeads, HeadDim];
        var v = new double[tokens, KvHeads, HeadDim];
        for (int t = 0; t < tokens; t++)
        {
            var row = x.AsSpan(t * Hidden, Hidden);
            for (int h = 0; h < Heads; h++)
            {
                var head = new double[HeadDim];
                for (int d = 0; d < HeadDim; d++) head[d] = Dot(wq.AsSpan((h * HeadDim + d) * Hidden, Hidden), row) + bq[h * HeadDim + d];
                RotateHalf(head, t, invFreq);
                for (int d = 0; d < HeadDim; d++) q[t, h, d] = head[d];
            }
            for (int h = 0; h < KvHeads; h++)
            {
                var head = new double[HeadDim];
                for (int d = 0; d < HeadDim; d++) head[d] = Dot(wk.AsSpan((h * HeadDim + d) * Hidden, Hidden), row) + bk[h * HeadDim + d];
                RotateHalf(head, t, invFreq);
                for (int d = 0; d < HeadDim; d++)
                {
                    k[t, h, d] = head[d];
                    v[t, h, d] = Dot(wv.AsSpan((h * HeadDim + d) * Hidden, Hidden), row) + bv[h * HeadDim + d];
                }
            }
        }
        var result = new double[tokens * Hidden];
        int group = Heads / KvHeads;
        for (int t = 0; t < tokens; t++)
        {
            var attended = new double[Heads * HeadDim];
            for (int h = 0; h < Heads; h++)
            {
                int kv = h / group; // repeat_kv: kv head j serves query heads j·group .. j·group + group - 1
                var scores = new double[t + 1];
                double max = double.NegativeInfinity, sum = 0;
                for (int s = 0; s <= t; s++)
                {
                    for (int d = 0; d < HeadDim; d++) scores[s] += q[t, h, d] * k[s, kv, d];
                    scores[s] *= scale;
                    max = Math.Max(max, scores[s]);
                }
                for (int s = 0; s <= t; s++) sum += scores[s] = Math.Exp(scores[s] - max);
                for (int s = 0; s <= t; s++)
                    for (int d = 0; d < HeadDim; d++) attended[h * HeadDim + d] += scores[s] / sum * v[s, kv, d];
            }
            for (int o = 0; o < Hidden; o++) result[t * Hidden + o] = Dot(wo.AsSpan(o * Heads * HeadDim, Heads * HeadDim), attended);
        }
        return result;
    }

    // transformers' rotate_half: feature i pairs with i + d/2, angle position · inv_freq[i].
    private static void RotateHalf(double[] v, int position, float[] invFreq)
    {
        int half = invFreq.Length;
        for (int i = 0; i < half; i++)
        {
            double angle = (float)position * invFreq[i];
            double a = v[i], b = v[i + half];
            v[i] = a * Math.Cos(angle) - b * Math.Sin(angle);
            v[i + half] = b * Math.Cos(angle) + a * Math.Sin(angle);
        }
    }

    private static double Dot(ReadOnlySpan<float> w, ReadOnlySpan<float> x)
    {
        double sum = 0;
        for (int i = 0; i < w.Length; i++) sum += (double)w[i] * x[i];
        return sum;
    }

    private static double Dot(ReadOnlySpan<float> w, double[] x)
    {
        double sum = 0;
        for (int i = 0; i < w.Length; i++) sum += w[i] * x[i];
        return sum;
    }

    private static float[] RandomArray(Random random, int length, float range = 1f)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)((random.NextDouble() - 0.5) * range);
        return values;
    }
}
