namespace DeepSeek.Sdk.Tensors;

/// <summary>Per-tile scales of a block-quantized 2-D weight, as DeepSeek-V3 publishes FP8 checkpoints:
/// <c>weight_scale_inv</c> is F32 [ceil(rows / BlockRows), ceil(cols / BlockCols)] and the real weight is
/// <c>fp8_value * scale</c> (the "inv" in the name is the inverse of the quantization scale, so it multiplies;
/// see deepseek-ai/DeepSeek-V3 inference/kernel.py weight_dequant).</summary>
public sealed record BlockScales(Tensor Scales, int BlockRows, int BlockCols)
{
    /// <summary>Checks that <see cref="Scales"/> covers a [rows, cols] weight tile by tile.</summary>
    public void Validate(Shape weightShape, string weightName)
    {
        if (weightShape.Rank != 2)
            throw new ArgumentException($"Block-scaled weight '{weightName}' must be 2-D, got {weightShape}.");
        int expectRows = (weightShape[0] + BlockRows - 1) / BlockRows;
        int expectCols = (weightShape[1] + BlockCols - 1) / BlockCols;
        // Dimension by dimension: a Shape to compare against would allocate, and products check scales on every call.
        if (Scales.DType != DType.F32 || Scales.Rank != 2 || Scales.Shape[0] != expectRows || Scales.Shape[1] != expectCols)
            throw new ArgumentException(
                $"Scales of '{weightName}' {weightShape} with {BlockRows}x{BlockCols} blocks must be F32 [{expectRows}, {expectCols}], got {Scales.DType} {Scales.Shape}.");
    }
}
