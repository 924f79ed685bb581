using DeepSeek.Sdk.Backends.Cuda.Interop;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Backends.Cuda;

// y = x . W^T (+ bias). Decode shapes (at most GemvMaxRows rows of x) are bandwidth-bound: the GEMV kernel
// (Kernels/matmul.cu) streams W once in its stored dtype, FP8 tiles scaled inside the product. Larger shapes are
// compute-bound and go to cuBLAS: BF16/F16 weights with x converted to the same half type, F32 accumulation and
// F32 output; F32 weights in F32 (CUBLAS_COMPUTE_32F, no TF32, so F32 checkpoints keep F32 results); FP8 weights
// dequantized tile by tile into an F32 scratch copy first and multiplied in F32. Dequantizing per product keeps
// device memory at one byte per weight (the reason to ship FP8), at the cost of one extra pass over the weight per
// prompt, small next to the GEMM it feeds; F32 rather than BF16 keeps fp8 * scale exact, so FP8 checkpoints give
// the CPU's results on both paths. (Checkpoints that do not fit in FP8 would not fit once expanded either.)
public sealed unsafe partial class CudaBackend
{
    private const uint GemvWarps = 4;

    public void MatMul(Tensor x, Tensor weight, Tensor? bias, Tensor y)
    {
        const string op = nameof(MatMul);
        Enter();
        _checks.Type(x, DType.F32, op, nameof(x));
        _checks.Type(y, DType.F32, op, nameof(y));
        _checks.OnDevice(weight, op, nameof(weight));
        if (weight.Rank != 2) throw new ArgumentException($"{op}: weight {weight.Shape} must be 2-D [out, in].", nameof(weight));
        if (weight.DType is not (DType.F32 or DType.BF16 or DType.F16 or DType.F8E4M3))
            throw new NotSupportedException($"MatMul weights must be F32, BF16, F16 or F8E4M3, got {weight.DType}.");
        int n = weight.Shape[0], k = weight.Shape[1];
        OperationShapes.Features(x, k, op, nameof(x));
        OperationShapes.Features(y, n, op, nameof(y));
        int m = OperationShapes.Rows(x);
        if (OperationShapes.Rows(y) != m) throw new ArgumentException($"{op}: y {y.Shape} must have the {m} rows of x {x.Shape}.", nameof(y));
        ulong pb = 0;
        if (bias is not null)
        {
            _checks.Type(bias, DType.F32, op, nameof(bias));
            if (bias.ElementCount != n) throw new ArgumentException($"{op}: bias {bias.Shape} must have {n} values.", nameof(bias));
            pb = CudaChecks.Address(bias);
        }
        ulong scales = 0;
        long scaleStride = 0;
        int blockRows = 1, blockCols = 1;
        if (weight.Scales is { } s)
        {
            s.Validate(weight.Shape, "weight");
            _checks.OnDevice(s.Scales, op, "weight.Scales");
            scales = CudaChecks.Address(s.Scales);
            scaleStride = s.Scales.Strides[0];
            (blockRows, blockCols) = (s.BlockRows, s.BlockCols);
        }
        else if (weight.DType == DType.F8E4M3)
        {
            throw new ArgumentException($"{op}: an F8E4M3 weight needs its block scales (weight_scale_inv).", nameof(weight));
        }
        if (m == 0 || n == 0) return;
        ulong px = CudaChecks.Address(x), pw = CudaChecks.Address(weight), py = CudaChecks.Address(y);
        if (m <= _options.GemvMaxRows) Gemv(px, m, k, pw, weight.DType, scales, scaleStride, blockRows, blockCols, pb, py, n);
        else Gemm(px, m, k, pw, weight.DType, scales, scaleStride, blockRows, blockCols, pb, py, n);
    }

    // y[m, n] = x[m, k] . W[n, k]^T (+ bias) for an unscaled F32/BF16/F16 weight (convolutions).
    private void Product(ulong x, int m, int k, ulong w, DType dtype, ulong bias, ulong y, int n)
    {
        if (m <= _options.GemvMaxRows) Gemv(x, m, k, w, dtype, 0, 0, 1, 1, bias, y, n);
        else Gemm(x, m, k, w, dtype, 0, 0, 1, 1, bias, y, n);
    }

    private void Gemv(ulong x, int m, int k, ulong w, DType dtype, ulong scales, long scaleStride, int blockRows, int blockCols, ulong bias, ulong y, int n)
    {
        // One row of x (batch-1 decode) has its own instances with a single accumulator.
        var (function, name) = (dtype, m == 1) switch
        {
            (DType.F32, true) => (_functions.Gemv1F32, "gemv1_f32"),
            (DType.BF16, true) => (_functions.Gemv1BF16, "gemv1_bf16"),
            (DType.F16, true) => (_functions.Gemv1F16, "gemv1_f16"),
            (_, true) => (_functions.Gemv1Fp8, "gemv1_fp8"),
            (DType.F32, false) => (_functions.GemvF32, "gemv_f32"),
            (DType.BF16, false) => (_functions.GemvBF16, "gemv_bf16"),
            (DType.F16, false) => (_functions.GemvF16, "gemv_f16"),
            _ => (_functions.GemvFp8, "gemv_fp8"),
        };
        // 8-wide chunks need k % 8 == 0 and aligned rows (16 bytes for the x loads and the 2- and 4-byte weights,
        // 8 for FP8), and for FP8 that no chunk straddles two scale tiles.
        int vectorized = k % 8 == 0 && x % 16 == 0 && w % 16 == 0 && (scales == 0 || blockCols % 8 == 0) ? 1 : 0;
        int split = GemvSplit(n, k, Info.Multiprocessors);
        long rowStride = k;
        void** args = stackalloc void*[] { &x, &m, &k, &w, &rowStride, &scales, &scaleStride, &blockRows, &blockCols, &bias, &y, &n, &vectorized, &split };
        _graphs.Kernel(function, (uint)(((long)n * split + GemvWarps - 1) / GemvWarps), 1, GemvWarps * 32, 0, args, name);
    }

    // Warps per output feature: a product with few output features (q/o_proj, down_proj) would leave SMs short of
    // warps, and so of loads in flight, with one warp per feature; splitting each row over 2 or 4 warps restores
    // about 32 warps per SM, as long as every warp keeps at least two 8-wide chunks per lane (512 columns).
    internal static int GemvSplit(int n, int k, int multiprocessors)
    {
        long target = Math.Max(1, multiprocessors) * 32L;
        int split = 1;
        while (split < 4 && (long)n * split < target && k >= split * 2 * 512) split *= 2;
        return split;
    }

    private void Gemm(ulong x, int m, int k, ulong w, DType dtype, ulong scales, long scaleStride, int blockRows, int blockCols, ulong bias, ulong y, int n)
    {
        int type;
        ulong a = w, b = x;
        switch (dtype)
        {
            case DType.F32:
                type = Cublas.DataF32;
                break;
            case DType.F16:
                type = Cublas.DataF16;
                b = _scratch.Get("matmul.x", (long)m * k * 2);
                ConvertRaw(x, DType.F32, b, DType.F16, (long)m * k);
                break;
            case DType.F8E4M3:
                type = Cublas.DataF32;
                a = _scratch.Get("matmul.weight", (long)n * k * 4);
                DequantizeFp8(w, scales, scaleStride, blockRows, blockCols, a, n, k);
                break;
            default:
                type = Cublas.DataBF16;
                b = _scratch.Get("matmul.x", (long)m * k * 2);
                ConvertRaw(x, DType.F32, b, DType.BF16, (long)m * k);
                break;
        }
        // Row-major y[m, n] = x[m, k] . W[n, k]^T is column-major y^T[n, m] = W^T(op T of the [k, n] view) . x^T.
        _graphs.Gemm(Cublas.OpT, Cublas.OpN, n, m, k, 1f, a, type, k, b, type, k, 0f, y, Cublas.DataF32, n);
        if (bias != 0) LaunchBinary(_functions.Add, y, bias, n, y, (long)m * n, "add_f32");
    }

    private void DequantizeFp8(ulong weight, ulong scales, long scaleStride, int blockRows, int blockCols, ulong output, int rows, int cols)
    {
        long rowStride = cols;
        void** args = stackalloc void*[] { &weight, &rowStride, &scales, &scaleStride, &blockRows, &blockCols, &output, &rows, &cols };
        _graphs.Kernel(_functions.DequantizeFp8, Blocks((long)rows * cols), 1, ElementwiseBlock, 0, args, "dequantize_fp8_f32");
    }
}
