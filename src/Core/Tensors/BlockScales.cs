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
        if (BlockRows <= 0 || BlockCols <= 0)
            throw new ArgumentException($"Block sizes of '{weightName}' must be positive, got {BlockRows}x{BlockCols}.");
        int expectRows = CeilDiv(weightShape[0], BlockRows);
        int expectCols = CeilDiv(weightShape[1], BlockCols);
        // Dimension by dimension: a Shape to compare against would allocate, and products check scales on every call.
        if (Scales.DType != DType.F32 || Scales.Rank != 2 || Scales.Shape[0] != expectRows || Scales.Shape[1] != expectCols)
            throw new ArgumentException(
                $"Scales of '{weightName}' {weightShape} with {BlockRows}x{BlockCols} blocks must be F32 [{expectRows}, {expectCols}], got {Scales.DType} {Scales.Shape}.");
    }

    /// <summary>Whether a slice of the weight starting at <paramref name="start"/> along <paramref name="axis"/> starts
    /// on a tile boundary, so that its scales are a plain view of these (any length: a partial last tile is fine).</summary>
    public bool StartsTile(int axis, int start) => start % Block(axis) == 0;

    /// <summary>The scales of weight elements [start, start + length) along <paramref name="axis"/> (0: rows, 1: columns).
    /// A slice that starts on a tile boundary gets a view of these scales. One that starts inside a tile (a
    /// weight_block_size that does not divide a split point, e.g. 32-row tiles and DeepSeek's kv_a_proj_with_mqa
    /// split at kv_lora_rank = 16) gets an equivalent grid of smaller tiles, g = gcd(block, offset) wide: every
    /// original tile boundary then falls on a multiple of g inside the slice, so each new tile lies in one original
    /// tile and takes its scale unchanged. The result is exact, the FP8 bytes stay where they are, and kernels keep
    /// reading "scale of (row / BlockRows, col / BlockCols)" with no offset to carry; the cost is a scale grid up to
    /// block / g times taller (at most one F32 per row and column tile). Built once, on the host, from host scales.</summary>
    public BlockScales Slice(int axis, int start, int length)
    {
        if (axis is not (0 or 1)) throw new ArgumentOutOfRangeException(nameof(axis), $"Block-scaled weights are 2-D; axis {axis} does not exist.");
        int block = Block(axis);
        int offset = start % block;
        if (offset == 0) return this with { Scales = Scales.Slice(axis, start / block, CeilDiv(length, block)) };
        if (Scales.Storage is not HostStorage)
            throw new InvalidOperationException(
                $"Slicing a block-scaled tensor at {start} (inside a {BlockRows}x{BlockCols} tile) re-tiles its scales on the host; these live on {Scales.Device}: slice before upload, or through Linear.SliceOutputs(backend, ...).");
        return Retiled(axis, start, length, Gcd(block, offset));
    }

    private BlockScales Retiled(int axis, int start, int length, int tile)
    {
        int block = Block(axis);
        int tiles = CeilDiv(length, tile);
        int across = Scales.Shape[1 - axis];
        var result = Tensor.Zeros(DType.F32, axis == 0 ? new Shape(tiles, across) : new Shape(across, tiles));
        var values = result.AsSpan<float>();
        for (int t = 0; t < tiles; t++)
        {
            int source = (start + t * tile) / block;
            for (int a = 0; a < across; a++)
            {
                if (axis == 0) values[t * across + a] = Scales.ToFloatAt(source, a);
                else values[a * tiles + t] = Scales.ToFloatAt(a, source);
            }
        }
        return axis == 0 ? new BlockScales(result, tile, BlockCols) : new BlockScales(result, BlockRows, tile);
    }

    private int Block(int axis) => axis == 0 ? BlockRows : BlockCols;

    private static int CeilDiv(int a, int b) => (int)(((long)a + b - 1) / b);

    private static int Gcd(int a, int b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }
}
