using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Backends.Cpu;

/// <summary>A raw view of a [rows, cols] weight in PyTorch Linear layout (one output feature per row),
/// with FP8 block scales when present. Built by <see cref="CpuBackend"/> from a validated tensor.</summary>
public readonly unsafe struct WeightMatrix
{
    public WeightMatrix(byte* data, DType dtype, int rows, int cols, float* scales = null, int blockRows = 0, int blockCols = 0)
    {
        if (dtype is not (DType.F32 or DType.BF16 or DType.F16 or DType.F8E4M3))
            throw new NotSupportedException($"MatMul weights must be F32, BF16, F16 or F8E4M3, got {dtype}.");
        if (dtype == DType.F8E4M3 && scales == null)
            throw new ArgumentException("An F8E4M3 weight needs its block scales (weight_scale_inv).");
        if (scales != null && (blockRows <= 0 || blockCols <= 0))
            throw new ArgumentException($"Block sizes must be positive, got {blockRows}x{blockCols}.");
        Data = data;
        DType = dtype;
        Rows = rows;
        Cols = cols;
        Scales = scales;
        BlockRows = blockRows;
        BlockCols = blockCols;
        ScaleCols = scales == null ? 0 : (cols + blockCols - 1) / blockCols;
    }

    public byte* Data { get; }

    public DType DType { get; }

    public int Rows { get; }

    public int Cols { get; }

    /// <summary>Row-major F32 [ceil(Rows / BlockRows), ceil(Cols / BlockCols)], or null.</summary>
    public float* Scales { get; }

    public int BlockRows { get; }

    public int BlockCols { get; }

    public int ScaleCols { get; }

    public byte* Row(int row) => Data + (long)row * Cols * DType.SizeOf();

    public float* ScaleRow(int row) => Scales + (long)(row / BlockRows) * ScaleCols;
}
