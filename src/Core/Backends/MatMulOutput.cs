using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Backends;

/// <summary>One product of <see cref="IBackend.MatMul(Tensor, ReadOnlySpan{MatMulOutput}, RmsNormInput?)"/>: <c>Output = x · Weight^T
/// (+ Bias)</c>.</summary>
public readonly record struct MatMulOutput(Tensor Weight, Tensor? Bias, Tensor Output);

/// <summary>An RMSNorm applied to a product's input rows on the way in (a layer's pre-norm): the product reads
/// <c>x * rsqrt(mean(x²) + Eps) * Weight</c>, what <see cref="IBackend.RmsNorm"/> computes, instead of x. Weight is
/// F32 or BF16 [k]. <paramref name="Normed"/> (F32, x's shape) is a workspace for a backend that normalizes into memory
/// first; a backend that folds the norm into the product leaves it untouched.</summary>
public readonly record struct RmsNormInput(Tensor Weight, float Eps, Tensor Normed);
