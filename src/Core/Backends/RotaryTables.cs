using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Backends;

/// <summary>A rotary embedding as <see cref="IBackend.ApplyRotary"/> takes it: F32 cos/sin tables [maxPositions,
/// rotaryDim / 2] (attention scaling applied) and the pairing of features.</summary>
public sealed record RotaryTables(Tensor Cos, Tensor Sin, RotaryLayout Layout);
