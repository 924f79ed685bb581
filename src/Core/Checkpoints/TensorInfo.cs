using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Checkpoints;

/// <summary>One entry of a safetensors header: the tensor's dtype and shape, where its bytes lie relative to
/// the start of the data section (after the 8-byte length and the JSON header), and which file holds it.</summary>
public sealed record TensorInfo(string Name, DType DType, Shape Shape, long DataBegin, long DataEnd, string FilePath)
{
    public long ByteLength => DataEnd - DataBegin;
}
