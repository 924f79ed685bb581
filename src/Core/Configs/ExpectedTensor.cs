using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Configs;

/// <summary>A tensor an architecture needs, under its published checkpoint name. <see cref="DType"/> is set only
/// where the layout fixes it (F8_E4M3 quantized weights and their F32 <c>weight_scale_inv</c>);
/// <see cref="IsOptional"/> marks tensors a checkpoint may omit (a tied lm_head).</summary>
public readonly record struct ExpectedTensor(string Name, Shape Shape, DType? DType = null, bool IsOptional = false);
