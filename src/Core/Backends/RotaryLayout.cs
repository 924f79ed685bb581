namespace DeepSeek.Sdk.Backends;

/// <summary>How the rotary part of a head pairs its features.</summary>
public enum RotaryLayout
{
    /// <summary>Feature i pairs with i + d/2 (transformers' rotate_half; Llama, Qwen2).</summary>
    HalfSplit,
    /// <summary>Feature 2i pairs with 2i + 1 (DeepSeek-V2/V3 checkpoints; DeepSeek's inference/model.py treats
    /// each pair as a complex number).</summary>
    Interleaved,
}
