using DeepSeek.Sdk.Configs;

namespace DeepSeek.Sdk.Text.Llama;

/// <summary>What tells the Llama-family decoders apart once the config's sizes are known: where the tensors live
/// and which projections carry a bias. Llama (R1-Distill-Llama), Qwen2 (R1-Distill-Qwen) and Janus's language model
/// differ only in these, so one <see cref="LlamaModel"/> runs all three.</summary>
public sealed record LlamaLayout
{
    /// <summary>Prefix of <c>embed_tokens</c>, <c>layers.{i}</c> and <c>norm</c> (Janus: <c>model.language_model.</c>).</summary>
    public string ModelPrefix { get; init; } = "model.";

    /// <summary>The output projection's module name (its weight is <c>{LmHead}.weight</c>).</summary>
    public string LmHead { get; init; } = "lm_head";

    /// <summary>Bias on q_proj, k_proj and v_proj (always in Qwen2; attention_bias in Llama).</summary>
    public bool QkvBias { get; init; }

    /// <summary>Bias on o_proj (attention_bias in Llama; never in Qwen2).</summary>
    public bool OutputBias { get; init; }

    /// <summary>Bias on gate_proj, up_proj and down_proj (Llama's mlp_bias).</summary>
    public bool MlpBias { get; init; }

    /// <summary>lm_head reuses embed_tokens when the checkpoint stores no lm_head of its own.</summary>
    public bool TieWordEmbeddings { get; init; }

    /// <summary>The layout of a standalone Qwen2ForCausalLM or LlamaForCausalLM checkpoint.</summary>
    public static LlamaLayout For(DecoderConfig config) => config switch
    {
        // modeling_qwen2 Qwen2Attention: q/k/v_proj bias=True, o_proj bias=False; Qwen2MLP has no bias.
        Qwen2Config qwen => new LlamaLayout { QkvBias = true, TieWordEmbeddings = qwen.TieWordEmbeddings },
        // modeling_llama LlamaAttention: every projection follows attention_bias; LlamaMLP follows mlp_bias.
        LlamaConfig llama => new LlamaLayout
        {
            QkvBias = llama.AttentionBias, OutputBias = llama.AttentionBias, MlpBias = llama.MlpBias, TieWordEmbeddings = llama.TieWordEmbeddings,
        },
        null => throw new ArgumentNullException(nameof(config)),
        _ => throw new UnsupportedModelException(config.ModelType, config.SourcePath, LlamaModel.ModelTypes),
    };
}
