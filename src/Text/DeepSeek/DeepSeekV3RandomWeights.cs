using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Text.DeepSeek;

/// <summary>Builds a DeepSeek-V3/V2 model of a config's real shapes with random weights, in memory, for benchmarks:
/// decode speed depends on the shapes and dtypes a token streams, not on what the weights say. Weights are uniform in
/// ±sqrt(3 / fan_in) (unit-variance outputs for unit-variance inputs), norms are ones and the routing bias is zero,
/// so activations stay finite and routing spreads over the experts as it would in a trained model. The same seed
/// gives the same model.</summary>
public static class DeepSeekV3RandomWeights
{
    /// <param name="weightType">F32, BF16 or F16 for every projection, the embedding and lm_head.</param>
    public static DeepSeekV3Model Create(DeepSeekV3Config config, IBackend backend, DType weightType, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(backend);
        if (weightType is not (DType.F32 or DType.BF16 or DType.F16))
            throw new ArgumentException($"Random weights are F32, BF16 or F16, not {weightType}.", nameof(weightType));
        var random = new Builder(backend, weightType, seed);
        var (rotary, scale) = DeepSeekV3Model.RotaryTables(config, backend);
        var workspace = new LayerWorkspace(backend);
        var layers = new DeepSeekV3DecoderLayer[config.NumHiddenLayers];
        for (int i = 0; i < layers.Length; i++)
        {
            IFeedForward feedForward = config.IsMoeLayer(i)
                ? Mixture(random, workspace, config)
                : random.Mlp(workspace, config.HiddenSize, config.IntermediateSize);
            layers[i] = new DeepSeekV3DecoderLayer(random.Norm(config.HiddenSize, config.RmsNormEps), Attention(random, workspace, config, rotary, scale),
                random.Norm(config.HiddenSize, config.RmsNormEps), feedForward);
        }
        var embedding = random.Weight(config.VocabSize, config.HiddenSize);
        var lmHead = config.TieWordEmbeddings ? new Linear(embedding) : random.Linear(config.VocabSize, config.HiddenSize);
        return new DeepSeekV3Model(backend, config, null, embedding, layers, random.Norm(config.HiddenSize, config.RmsNormEps), lmHead, rotary, []);
    }

    private static MultiHeadLatentAttention Attention(Builder random, LayerWorkspace workspace, DeepSeekV3Config config, RotaryPositionTables rotary, float scale)
    {
        int heads = config.NumAttentionHeads, hidden = config.HiddenSize;
        Linear? queryDown = null;
        RmsNorm? queryNorm = null;
        Linear query;
        if (config.QLoraRank is { } qRank)
        {
            queryDown = random.Linear(qRank, hidden);
            queryNorm = random.Norm(qRank, config.RmsNormEps);
            query = random.Linear(heads * config.QkHeadDim, qRank);
        }
        else
        {
            query = random.Linear(heads * config.QkHeadDim, hidden);
        }
        var kvDown = random.Linear(config.KvLoraRank + config.QkRopeHeadDim, hidden);
        var kvUp = random.Weight(heads * (config.QkNopeHeadDim + config.VHeadDim), config.KvLoraRank);
        return new MultiHeadLatentAttention(workspace, heads, config.QkNopeHeadDim, config.QkRopeHeadDim, config.VHeadDim,
            queryDown, queryNorm, query,
            kvDown.SliceOutputs(random.Backend, 0, config.KvLoraRank), random.Norm(config.KvLoraRank, config.RmsNormEps), kvDown.SliceOutputs(random.Backend, config.KvLoraRank, config.QkRopeHeadDim),
            MultiHeadLatentAttention.TransposeUpProjection(random.Backend, kvUp),
            random.Linear(hidden, heads * config.VHeadDim), rotary, scale);
    }

    private static MixtureOfExperts Mixture(Builder random, LayerWorkspace workspace, DeepSeekV3Config config)
    {
        int count = config.NRoutedExperts!.Value;
        var experts = new Mlp[count];
        for (int e = 0; e < count; e++) experts[e] = random.Mlp(workspace, config.HiddenSize, config.MoeIntermediateSize);
        Mlp? shared = config.NSharedExperts > 0 ? random.Mlp(workspace, config.HiddenSize, config.MoeIntermediateSize * config.NSharedExperts) : null;
        // The router reads F32 logits of an F32 gate in the FP8 release; a random gate in the weight dtype routes alike.
        var router = DeepSeekV3DecoderLayer.CreateRouter(config, new float[count]);
        return new MixtureOfExperts(workspace, random.Linear(count, config.HiddenSize), router, experts, shared);
    }

    private sealed class Builder(IBackend backend, DType weightType, int seed)
    {
        private int _tensors;

        public IBackend Backend => backend;

        public Linear Linear(int outFeatures, int inFeatures) => new(Weight(outFeatures, inFeatures));

        public Mlp Mlp(LayerWorkspace workspace, int hidden, int intermediate) =>
            new(workspace, Linear(intermediate, hidden), Linear(intermediate, hidden), Linear(hidden, intermediate));

        public RmsNorm Norm(int size, double eps)
        {
            var ones = Tensor.Zeros(DType.F32, new Shape(size));
            ones.AsSpan<float>().Fill(1f);
            return new RmsNorm(backend.Upload(ones), (float)eps);
        }

        /// <summary>[rows, cols] uniform in ±sqrt(3 / cols), filled in parallel from per-chunk xorshift streams.</summary>
        public Tensor Weight(int rows, int cols)
        {
            var tensor = Tensor.Zeros(weightType, new Shape(rows, cols));
            float bound = MathF.Sqrt(3f / cols);
            long count = tensor.ElementCount;
            ulong stream = (ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)_tensors++;
            const long chunk = 1 << 16;
            int chunks = (int)((count + chunk - 1) / chunk);
            var type = weightType;
            Parallel.For(0, chunks, c =>
            {
                ulong state = Mix(stream * 0x100000001B3UL + (ulong)c) | 1;
                int start = (int)(c * chunk), length = (int)Math.Min(count - start, chunk);
                switch (type)
                {
                    case DType.F32:
                        foreach (ref float v in tensor.AsSpan<float>().Slice(start, length)) v = Next(ref state, bound);
                        break;
                    case DType.BF16:
                        foreach (ref ushort v in tensor.AsSpan<ushort>().Slice(start, length)) v = (ushort)(BitConverter.SingleToUInt32Bits(Next(ref state, bound)) >> 16);
                        break;
                    default:
                        foreach (ref Half v in tensor.AsSpan<Half>().Slice(start, length)) v = (Half)Next(ref state, bound);
                        break;
                }
            });
            return backend.Upload(tensor);
        }

        // xorshift64, top 24 bits as a uniform value in [-bound, bound).
        private static float Next(ref ulong state, float bound)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            return ((state >> 40) * (1f / (1 << 24)) * 2f - 1f) * bound;
        }

        // splitmix64's finalizer: decorrelates neighbouring stream ids.
        private static ulong Mix(ulong z)
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
