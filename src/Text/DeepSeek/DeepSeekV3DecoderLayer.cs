using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Text.DeepSeek;

/// <summary>One pre-norm decoder layer of DeepSeek-V3/V2 (DeepseekV3DecoderLayer):
/// <c>h = x + MLA(norm(x)); out = h + FFN(norm(h))</c>, the FFN a dense MLP below first_k_dense_replace and a
/// mixture of experts above.</summary>
public sealed class DeepSeekV3DecoderLayer
{
    public DeepSeekV3DecoderLayer(RmsNorm inputNorm, MultiHeadLatentAttention attention, RmsNorm postAttentionNorm, IFeedForward feedForward)
    {
        InputNorm = inputNorm;
        Attention = attention;
        PostAttentionNorm = postAttentionNorm;
        FeedForward = feedForward;
    }

    public RmsNorm InputNorm { get; }

    public MultiHeadLatentAttention Attention { get; }

    public RmsNorm PostAttentionNorm { get; }

    public IFeedForward FeedForward { get; }

    /// <summary>Updates hidden [tokens, hidden] in place; normed and delta are scratch of the same shape.</summary>
    public void Forward(IBackend backend, Tensor hidden, Tensor positions, int start, Tensor cacheLatents, Tensor cacheRopeKeys, Tensor normed, Tensor delta)
    {
        InputNorm.Forward(backend, hidden, normed);
        Attention.Forward(backend, normed, positions, start, cacheLatents, cacheRopeKeys, delta);
        PostAttentionNorm.AddForward(backend, hidden, delta, normed);
        FeedForward.Forward(backend, normed, delta);
        backend.Add(hidden, delta, hidden);
    }

    /// <summary>Builds layer <paramref name="index"/> from <c>model.layers.{index}.*</c>.</summary>
    public static DeepSeekV3DecoderLayer Load(LayerWorkspace workspace, Checkpoint checkpoint, DeepSeekV3Config config, int index, RotaryPositionTables rotary, float softmaxScale)
    {
        var backend = workspace.Backend;
        string prefix = $"model.layers.{index}.";
        var quantization = config.Quantization;
        double eps = config.RmsNormEps;
        return new DeepSeekV3DecoderLayer(
            RmsNorm.Load(backend, checkpoint, prefix + "input_layernorm", eps),
            LoadAttention(workspace, checkpoint, config, prefix + "self_attn.", rotary, softmaxScale),
            RmsNorm.Load(backend, checkpoint, prefix + "post_attention_layernorm", eps),
            config.IsMoeLayer(index)
                ? LoadMixture(workspace, checkpoint, config, prefix + "mlp.")
                : Mlp.Load(workspace, checkpoint, prefix + "mlp.", quantization));
    }

    private static MultiHeadLatentAttention LoadAttention(LayerWorkspace workspace, Checkpoint checkpoint, DeepSeekV3Config config, string prefix,
        RotaryPositionTables rotary, float softmaxScale)
    {
        var backend = workspace.Backend;
        var quantization = config.Quantization;
        bool bias = config.AttentionBias;
        Linear? queryDown = null;
        RmsNorm? queryNorm = null;
        Linear query;
        if (config.QLoraRank is not null)
        {
            queryDown = Linear.Load(backend, checkpoint, prefix + "q_a_proj", quantization, bias);
            queryNorm = RmsNorm.Load(backend, checkpoint, prefix + "q_a_layernorm", config.RmsNormEps);
            query = Linear.Load(backend, checkpoint, prefix + "q_b_proj", quantization);
        }
        else
        {
            query = Linear.Load(backend, checkpoint, prefix + "q_proj", quantization);
        }
        // kv_a_proj_with_mqa's outputs are [c_KV (kv_lora_rank) | k_rope (qk_rope_head_dim)]; splitting its rows
        // lets each half be written straight into its cache tensor.
        var kvDown = Linear.Load(backend, checkpoint, prefix + "kv_a_proj_with_mqa", quantization, bias);
        var kvUp = Linear.Load(backend, checkpoint, prefix + "kv_b_proj", quantization);
        return new MultiHeadLatentAttention(workspace, config.NumAttentionHeads, config.QkNopeHeadDim, config.QkRopeHeadDim, config.VHeadDim,
            queryDown, queryNorm, query,
            kvDown.SliceOutputs(backend, 0, config.KvLoraRank),
            RmsNorm.Load(backend, checkpoint, prefix + "kv_a_layernorm", config.RmsNormEps),
            kvDown.SliceOutputs(backend, config.KvLoraRank, config.QkRopeHeadDim),
            MultiHeadLatentAttention.TransposeUpProjection(backend, kvUp.Weight),
            Linear.Load(backend, checkpoint, prefix + "o_proj", quantization, bias),
            rotary, softmaxScale);
    }

    /// <summary>The gate's routing rule from the config (topk_method, scoring_func, groups, scaling), with noaux_tc's
    /// e_score_correction_bias.</summary>
    internal static ExpertRouter CreateRouter(DeepSeekV3Config config, float[] correctionBias)
    {
        var selection = config.TopkMethod switch
        {
            "noaux_tc" => RouterSelection.NoAuxTopKGroups,
            "group_limited_greedy" => RouterSelection.GroupLimitedGreedy,
            _ => RouterSelection.Greedy,
        };
        return new ExpertRouter(config.NRoutedExperts!.Value, config.NumExpertsPerTok,
            config.ScoringFunc == "sigmoid" ? RouterScoring.Sigmoid : RouterScoring.Softmax, selection,
            config.NGroup, config.TopkGroup, config.NormTopkProb, (float)config.RoutedScalingFactor,
            selection == RouterSelection.NoAuxTopKGroups ? correctionBias : []);
    }

    private static MixtureOfExperts LoadMixture(LayerWorkspace workspace, Checkpoint checkpoint, DeepSeekV3Config config, string prefix)
    {
        var backend = workspace.Backend;
        var quantization = config.Quantization;
        int count = config.NRoutedExperts!.Value;
        var experts = new Mlp[count];
        for (int e = 0; e < count; e++) experts[e] = Mlp.Load(workspace, checkpoint, $"{prefix}experts.{e}.", quantization);
        Mlp? shared = config.NSharedExperts > 0 ? Mlp.Load(workspace, checkpoint, prefix + "shared_experts.", quantization) : null;
        float[] bias = config.TopkMethod == "noaux_tc"
            ? checkpoint.GetTensor(prefix + "gate.e_score_correction_bias", CheckpointDTypes.Floating, "the router's correction bias").ToFloatArray()
            : [];
        var router = CreateRouter(config, bias);
        // The router stays unquantized in the FP8 release; no quantization config is needed to read it.
        var gate = Linear.Load(backend, checkpoint, prefix + "gate", quantization: null);
        return new MixtureOfExperts(workspace, gate, router, experts, shared);
    }
}
