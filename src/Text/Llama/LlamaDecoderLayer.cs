using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Text.Llama;

/// <summary>One pre-norm decoder layer of Llama / Qwen2 (LlamaDecoderLayer, Qwen2DecoderLayer):
/// <c>h = x + GQA(norm(x)); out = h + SwiGLU(norm(h))</c>.</summary>
public sealed class LlamaDecoderLayer
{
    public LlamaDecoderLayer(RmsNorm inputNorm, GroupedQueryAttention attention, RmsNorm postAttentionNorm, Mlp mlp)
    {
        InputNorm = inputNorm;
        Attention = attention;
        PostAttentionNorm = postAttentionNorm;
        Mlp = mlp;
    }

    public RmsNorm InputNorm { get; }

    public GroupedQueryAttention Attention { get; }

    public RmsNorm PostAttentionNorm { get; }

    public Mlp Mlp { get; }

    /// <summary>Updates hidden [rows, hidden] in place: each residual block reads its norm of hidden and adds its result
    /// into it (one call each, so that a backend may fold the norm into the block's first product and the add into its
    /// last). normed and delta are scratch. Row r sits at positions[r] of cache slot slots[r].</summary>
    public void Forward(IBackend backend, Tensor hidden, Tensor positions, Tensor slots, Tensor cacheKeys, Tensor cacheValues, Tensor normed, Tensor delta)
    {
        Attention.AddForward(backend, hidden, InputNorm, normed, positions, slots, cacheKeys, cacheValues, delta);
        Mlp.AddForward(backend, hidden, PostAttentionNorm, normed, delta);
    }

    /// <summary>Builds layer <paramref name="index"/> from <c>{ModelPrefix}layers.{index}.*</c>.</summary>
    public static LlamaDecoderLayer Load(LayerWorkspace workspace, Checkpoint checkpoint, DecoderConfig config, LlamaLayout layout, int index,
        RotaryPositionTables rotary, float softmaxScale)
    {
        var backend = workspace.Backend;
        string prefix = $"{layout.ModelPrefix}layers.{index}.";
        string attention = prefix + "self_attn.", mlp = prefix + "mlp.";
        var quantization = config.Quantization;
        return new LlamaDecoderLayer(
            RmsNorm.Load(backend, checkpoint, prefix + "input_layernorm", config.RmsNormEps),
            new GroupedQueryAttention(workspace, config.NumAttentionHeads, config.NumKeyValueHeads, config.HeadDim,
                Linear.Load(backend, checkpoint, attention + "q_proj", quantization, layout.QkvBias),
                Linear.Load(backend, checkpoint, attention + "k_proj", quantization, layout.QkvBias),
                Linear.Load(backend, checkpoint, attention + "v_proj", quantization, layout.QkvBias),
                Linear.Load(backend, checkpoint, attention + "o_proj", quantization, layout.OutputBias),
                rotary, softmaxScale),
            RmsNorm.Load(backend, checkpoint, prefix + "post_attention_layernorm", config.RmsNormEps),
            new Mlp(workspace,
                Linear.Load(backend, checkpoint, mlp + "gate_proj", quantization, layout.MlpBias),
                Linear.Load(backend, checkpoint, mlp + "up_proj", quantization, layout.MlpBias),
                Linear.Load(backend, checkpoint, mlp + "down_proj", quantization, layout.MlpBias)));
    }
}
