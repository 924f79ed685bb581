namespace DeepSeek.Sdk.Vision.Janus;

/// <summary>How a Janus checkpoint names its tensors.</summary>
public enum JanusCheckpointLayout
{
    /// <summary>transformers' JanusForConditionalGeneration (<c>model.language_model.*</c>, <c>model.vision_model.*</c>,
    /// <c>model.vqmodel.*</c>, <c>model.generation_*</c>, <c>lm_head</c>): what convert_janus_weights_to_hf.py writes
    /// and what deepseek-community publishes.</summary>
    Converted,

    /// <summary>The deepseek-ai release's MultiModalityCausalLM (<c>language_model.model.*</c>,
    /// <c>vision_model.vision_tower.*</c> with timm's SigLIP names and a fused qkv, <c>aligner.layers.*</c>,
    /// <c>gen_vision_model.*</c> with LlamaGen's VQ names, <c>gen_aligner.*</c>, <c>gen_head.*</c>, <c>gen_embed.*</c>).</summary>
    Original,
}
