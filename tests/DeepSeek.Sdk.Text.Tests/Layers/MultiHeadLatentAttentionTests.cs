using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Text.Tests.Layers;

/// <summary>The absorbed attention against the textbook form (DeepSeek-V2 §2.1.2, eqs. 9-19) computed here in
/// double: keys [k_nope | k_rope] and values expanded through kv_b_proj for every cached position. Head widths
/// all differ (the fixtures and published models use nope = v, which would hide a mix-up).</summary>
public sealed class MultiHeadLatentAttentionTests
{
    private const int Hidden = 12, Heads = 2, Nope = 6, Rope = 4, Value = 5, Rank = 7;
    private const float Eps = 1e-6f;

    [Fact]
    public void Prefill_then_decode_from_latents_equals_attention_over_expanded_keys_and_values()
    {
        var random = new Random(7);
        float[] wq = RandomArray(random, Heads * (Nope + Rope) * Hidden);
        float[] wLatent = RandomArray(random, Rank * Hidden);
        float[] wRope = RandomArray(random, Rope * Hidden);
        float[] norm = RandomArray(random, Rank, 1f);
        float[] wUp = RandomArray(random, Heads * (Nope + Value) * Rank);
        float[] wo = RandomArray(random, Hidden * Heads * Value);
        float[] x = RandomArray(random, 5 * Hidden, 1f);
        var rotary = new RotaryEmbedding(Rope, 10000, null, 16);
        float scale = 1f / MathF.Sqrt(Nope + Rope);

        using var backend = new CpuBackend(1);
        var upWeight = Tensor.FromArray(wUp, Heads * (Nope + Value), Rank);
        var attention = new MultiHeadLatentAttention(new LayerWorkspace(backend), Heads, Nope, Rope, Value, null, null,
            new Linear(Tensor.FromArray(wq, Heads * (Nope + Rope), Hidden)),
            new Linear(Tensor.FromArray(wLatent, Rank, Hidden)), new RmsNorm(Tensor.FromArray(norm, Rank), Eps),
            new Linear(Tensor.FromArray(wRope, Rope, Hidden)),
            MultiHeadLatentAttention.TransposeUpProjection(backend, upWeight),
            new Linear(Tensor.FromArray(wo, Hidden, Heads * Value)), new RotaryPositionTables(backend, rotary, 16), scale);
        using var cache = new MlaKvCache(backend, 1, Rank, Rope, 8);
        var actual = new float[5 * Hidden];
        // Three prompt tokens at once, then two single decode steps.
        int[][] steps = [[0, 1, 2], [3], [4]];
        foreach (int[] positions in steps)
        {
            int start = positions[0], count = positions.Length;
            var input = Tensor.FromArray(x.AsSpan(start * Hidden, count * Hidden).ToArray(), count, Hidden);
            var output = Tensor.Zeros(DType.F32, new Shape(count, Hidden));
            attention.Forward(backend, input, Tensor.FromArray(positions, count), start, cache.Latents(0), cache.RopeKeys(0), output);
            cache.Advance(count);
            output.AsSpan<float>().CopyTo(actual.AsSpan(start * Hidden));
        }

        double[] expected = ExpandedReference(x, 5, wq, wLatent, wRope, norm, wUp, wo, rotary.InverseFrequencies.ToArray(), scale);
        double maxDiff = 0, maxRef = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs(actual[i] - expected[i]));
            maxRef = Math.Max(maxRef, Math.Abs(expected[i]));
        }
        // F32 against double over sums of at most 12 products: a few float ulps of the output scale.
        Assert.True(maxDiff / maxRef < 1e-5, $"relative error {maxDiff / maxRef:E3}");
        Assert.Equal(5, cache.Length);
    }

    private static double[] ExpandedReference(float[] x, int tokens, float[] wq, float[] wLatent, float[] wRope, float[] norm,
        float[] wUp, float[] wo, float[] invFreq, float scale)
    {
        var q = new double[tokens, Heads, Nope + Rope];
        var keys = new double[tokens, Heads, Nope + Rope];
        var values = new double[tokens, Heads, Value];
        for (int t = 0; t < tokens; t++)
        {
            var row = x.AsSpan(t * Hidden, Hidden);
            var latent = new double[Rank];
            double meanSquare = 0;
            for (int c = 0; c < Rank; c++)
            {
                latent[c] = Dot(wLatent.AsSpan(c * Hidden, Hidden), row);
                meanSquare += latent[c] * latent[c] / Rank;
            }
            for (int c = 0; c < Rank; c++) latent[c] = latent[c] / Math.Sqrt(meanSquare + Eps) * norm[c];
            var rope = new double[Rope];
            for (int r = 0; r < Rope; r++) rope[r] = Dot(wRope.AsSpan(r * Hidden, Hidden), row);
            Rotate(rope, 0, t, invFreq);
            for (int h = 0; h < Heads; h++)
            {
                var qh = new double[Nope + Rope];
                for (int d = 0; d < Nope + Rope; d++) qh[d] = Dot(wq.AsSpan((h * (Nope + Rope) + d) * Hidden, Hidden), row);
                Rotate(qh, Nope, t, invFreq);
                for (int d = 0; d < Nope + Rope; d++) q[t, h, d] = qh[d];
                for (int d = 0; d < Nope; d++) keys[t, h, d] = Dot(wUp.AsSpan((h * (Nope + Value) + d) * Rank, Rank), latent);
                for (int r = 0; r < Rope; r++) keys[t, h, Nope + r] = rope[r];
                for (int v = 0; v < Value; v++) values[t, h, v] = Dot(wUp.AsSpan((h * (Nope + Value) + Nope + v) * Rank, Rank), latent);
            }
        }
        var result = new double[tokens * Hidden];
        for (int t = 0; t < tokens; t++)
        {
            var attended = new double[Heads * Value];
            for (int h = 0; h < Heads; h++)
            {
                var scores = new double[t + 1];
                double max = double.NegativeInfinity, sum = 0;
                for (int s = 0; s <= t; s++)
                {
                    for (int d = 0; d < Nope + Rope; d++) scores[s] += q[t, h, d] * keys[s, h, d];
                    scores[s] *= scale;
                    max = Math.Max(max, scores[s]);
                }
                for (int s = 0; s <= t; s++) sum += scores[s] = Math.Exp(scores[s] - max);
                for (int s = 0; s <= t; s++)
                    for (int v = 0; v < Value; v++) attended[h * Value + v] += scores[s] / sum * values[s, h, v];
            }
            for (int o = 0; o < Hidden; o++) result[t * Hidden + o] = Dot(wo.AsSpan(o * Heads * Value, Heads * Value), attended);
        }
        return result;
    }

    // Interleaved pairs (2i, 2i+1) rotated by position · inv_freq[i] (DeepSeek's apply_rotary_emb).
    private static void Rotate(double[] v, int offset, int position, float[] invFreq)
    {
        for (int i = 0; i < invFreq.Length; i++)
        {
            double angle = (float)position * invFreq[i];
            double a = v[offset + 2 * i], b = v[offset + 2 * i + 1];
            v[offset + 2 * i] = a * Math.Cos(angle) - b * Math.Sin(angle);
            v[offset + 2 * i + 1] = b * Math.Cos(angle) + a * Math.Sin(angle);
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

    private static float[] RandomArray(Random random, int length, float center = 0f)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = center + (float)(random.NextDouble() - 0.5);
        return values;
    }
}
