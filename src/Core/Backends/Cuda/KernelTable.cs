namespace DeepSeek.Sdk.Backends.Cuda;

/// <summary>Function handles of every kernel, resolved once so that launches do no lookups.</summary>
internal sealed class KernelTable(CudaKernels k)
{
    public readonly IntPtr Silu = k["silu_f32"];
    public readonly IntPtr SwiGlu = k["swiglu_f32"];
    public readonly IntPtr Gelu = k["gelu_f32"];
    public readonly IntPtr Add = k["add_f32"];
    public readonly IntPtr Mul = k["mul_f32"];
    public readonly IntPtr Scale = k["scale_f32"];
    public readonly IntPtr AddScaled = k["add_scaled_f32"];
    public readonly IntPtr Convert = k["convert"];
    public readonly IntPtr DequantizeFp8 = k["dequantize_fp8_f32"];
    public readonly IntPtr RmsNorm = k["rmsnorm_f32"];
    public readonly IntPtr LayerNorm = k["layernorm_f32"];
    public readonly IntPtr Softmax = k["softmax_f32"];
    public readonly IntPtr Rotary = k["rotary_f32"];
    public readonly IntPtr Embedding = k["embedding_f32"];
    public readonly IntPtr Argmax = k["argmax_f32"];
    public readonly IntPtr TopK = k["topk_f32"];
    public readonly GemvFamily Gemv = new(k, "gemv");
    public readonly GemvFamily GemvGroup = new(k, "gemv_group");
    public readonly GemvFamily GemvSwiGlu = new(k, "gemv_swiglu");
    public readonly IntPtr AddRmsNorm = k["add_rmsnorm_f32"];
    public readonly IntPtr AttentionCombine = k["attn_combine"];
    public readonly IntPtr MlaAbsorbQuery = k["mla_absorb_query"];
    public readonly IntPtr MlaAttend = k["mla_attend"];
    public readonly IntPtr MlaAbsorbValue = k["mla_absorb_value"];
    public readonly IntPtr GqaStore = k["gqa_store"];
    public readonly IntPtr GqaAttend = k["gqa_attend"];
    public readonly IntPtr GqaDecode = k["gqa_decode"];
    public readonly IntPtr FullAttend = k["full_attend"];
    public readonly IntPtr Im2Col = k["im2col_f32"];
    public readonly IntPtr GroupNorm = k["groupnorm_f32"];
    public readonly IntPtr UpsampleNearest = k["upsample_nearest_f32"];
    public readonly IntPtr MoeRoute = k["moe_route"];
    public readonly IntPtr MoeGateUpF32 = k["moe_gate_up_f32"];
    public readonly IntPtr MoeGateUpBF16 = k["moe_gate_up_bf16"];
    public readonly IntPtr MoeGateUpF16 = k["moe_gate_up_f16"];
    public readonly IntPtr MoeGateUpFp8 = k["moe_gate_up_fp8"];
    public readonly IntPtr MoeDownF32 = k["moe_down_f32"];
    public readonly IntPtr MoeDownBF16 = k["moe_down_bf16"];
    public readonly IntPtr MoeDownF16 = k["moe_down_f16"];
    public readonly IntPtr MoeDownFp8 = k["moe_down_fp8"];
}
