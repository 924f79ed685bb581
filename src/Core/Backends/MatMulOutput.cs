using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Backends;

/// <summary>One product of <see cref="IBackend.MatMul(Tensor, ReadOnlySpan{MatMulOutput})"/>: <c>Output = x · Weight^T
/// (+ Bias)</c>.</summary>
public readonly record struct MatMulOutput(Tensor Weight, Tensor? Bias, Tensor Output);
