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

    /// <summary>Whether decode products fold their input RMSNorm into the GEMV (<see cref="RmsNormInput"/>; the default)
    /// rather than running it as a kernel of its own first. A switch for measuring the two.</summary>
    public bool FoldInputNorms { get; set; } = true;

    public void MatMul(Tensor x, Tensor weight, Tensor? bias, Tensor y)
    {
        const string op = nameof(MatMul);
        Enter();
        var w = CheckWeight(weight, op, nameof(weight));
        int m = CheckProduct(x, w, y, op, nameof(y));
        ulong pb = CheckBias(bias, w.N, op, nameof(bias));
        if (m == 0 || w.N == 0) return;
        ulong px = CudaChecks.Address(x), py = CudaChecks.Address(y);
        if (m <= _options.GemvMaxRows) Gemv(px, m, w, pb, py);
        else Gemm(px, m, w.K, w.Address, w.DType, w.Scales, w.ScaleStride, w.BlockRows, w.BlockCols, pb, py, w.N);
    }

    // Decode rows: the GEMV adds its result into y. Prompts: cuBLAS into scratch, then Add, as the CPU composes it.
    public void MatMulAdd(Tensor x, Tensor weight, Tensor? bias, Tensor scratch, Tensor y)
    {
        const string op = nameof(MatMulAdd);
        Enter();
        var w = CheckWeight(weight, op, nameof(weight));
        int m = CheckProduct(x, w, y, op, nameof(y));
        ulong pb = CheckBias(bias, w.N, op, nameof(bias));
        OperationShapes.SameShape(y, scratch, op, nameof(y), nameof(scratch));
        _checks.Type(scratch, DType.F32, op, nameof(scratch));
        if (m == 0 || w.N == 0) return;
        if (m > _options.GemvMaxRows)
        {
            MatMul(x, weight, bias, scratch);
            Add(y, scratch, y);
            return;
        }
        Gemv(CudaChecks.Address(x), m, w, pb, CudaChecks.Address(y), accumulate: 1);
    }

    // Decode rows with up to three weights of one dtype, k and scale tiling: one launch for all (gemv_group);
    // anything else, product by product.
    public void MatMul(Tensor x, ReadOnlySpan<MatMulOutput> products, RmsNormInput? norm = null)
    {
        const string op = nameof(MatMul);
        Enter();
        int count = products.Length;
        if (count == 0) return;
        bool together = count <= 3 && OperationShapes.Rows(x) is > 0 and var rows && rows <= _options.GemvMaxRows;
        Span<GemvWeight> weights = stackalloc GemvWeight[3];
        Span<ulong> biases = stackalloc ulong[3], outputs = stackalloc ulong[3];
        for (int i = 0; i < count && together; i++)
        {
            var p = products[i];
            weights[i] = CheckWeight(p.Weight, op, $"products[{i}].Weight");
            CheckProduct(x, weights[i], p.Output, op, $"products[{i}].Output");
            biases[i] = CheckBias(p.Bias, weights[i].N, op, $"products[{i}].Bias");
            outputs[i] = CudaChecks.Address(p.Output);
            together = weights[i].N > 0 && weights[i].SameLayout(weights[0]);
        }
        var (normWeight, normBF16, eps) = FoldedNorm(ref x, norm, together, op);
        if (!together)
        {
            foreach (var p in products) MatMul(x, p.Weight, p.Bias, p.Output);
            return;
        }
        ulong px = CudaChecks.Address(x);
        int m = OperationShapes.Rows(x), k = weights[0].K, n = 0;
        int vectorized = normWeight % 16 == 0 ? 1 : 0;
        for (int i = 0; i < count; i++)
        {
            n += weights[i].N;
            vectorized &= Vectorized(px, weights[i]);
        }
        int split = GemvSplit(n, k, Info.Multiprocessors);
        long blocks = 0;
        for (int i = 0; i < count; i++) blocks += GemvBlocks(weights[i].N, split);
        ulong w0 = weights[0].Address, s0 = weights[0].Scales, b0 = biases[0], y0 = outputs[0];
        ulong w1 = weights[1].Address, s1 = weights[1].Scales, b1 = biases[1], y1 = outputs[1];
        ulong w2 = weights[2].Address, s2 = weights[2].Scales, b2 = biases[2], y2 = outputs[2];
        int n0 = weights[0].N, n1 = weights[1].N, n2 = weights[2].N;
        long scaleStride = weights[0].ScaleStride;
        int blockRows = weights[0].BlockRows, blockCols = weights[0].BlockCols;
        var (function, name) = _functions.GemvGroup.For(weights[0].DType, m);
        void** args = stackalloc void*[] { &px, &m, &k, &vectorized, &split, &scaleStride, &blockRows, &blockCols, &normWeight, &normBF16, &eps,
            &w0, &s0, &b0, &y0, &n0, &w1, &s1, &b1, &y1, &n1, &w2, &s2, &b2, &y2, &n2 };
        _graphs.Kernel(function, (uint)blocks, 1, GemvWarps * 32, 0, args, name);
    }

    public void SwiGluMatMul(Tensor x, Tensor gate, Tensor up, Tensor scratch, Tensor y, RmsNormInput? norm = null)
    {
        const string op = nameof(SwiGluMatMul);
        Enter();
        var g = CheckWeight(gate, op, nameof(gate));
        var u = CheckWeight(up, op, nameof(up));
        if (!u.SameLayout(g) || u.N != g.N)
            throw new ArgumentException($"{op}: up {up.Shape} ({up.DType}) must match gate {gate.Shape} ({gate.DType}), block scales included.", nameof(up));
        int m = CheckProduct(x, g, y, op, nameof(y));
        OperationShapes.SameShape(y, scratch, op, nameof(y), nameof(scratch));
        _checks.Type(scratch, DType.F32, op, nameof(scratch));
        if (m == 0 || g.N == 0) return;
        var (normWeight, normBF16, eps) = FoldedNorm(ref x, norm, m <= _options.GemvMaxRows, op);
        ulong px = CudaChecks.Address(x), py = CudaChecks.Address(y);
        if (m > _options.GemvMaxRows)
        {
            // Prompts: two cuBLAS products and the SwiGLU kernel, as the CPU composes it.
            MatMul(x, gate, null, y);
            MatMul(x, up, null, scratch);
            SwiGlu(y, scratch, y);
            return;
        }
        int k = g.K, n = g.N, blockRows = g.BlockRows, blockCols = g.BlockCols;
        int vectorized = Vectorized(px, g) & Vectorized(px, u) & (normWeight % 16 == 0 ? 1 : 0);
        int split = GemvSplit(n, k, Info.Multiprocessors);
        ulong pg = g.Address, sg = g.Scales, pu = u.Address, su = u.Scales;
        long scaleStride = g.ScaleStride;
        var (function, name) = _functions.GemvSwiGlu.For(g.DType, m);
        void** args = stackalloc void*[] { &px, &m, &k, &pg, &sg, &pu, &su, &scaleStride, &blockRows, &blockCols, &py, &n, &vectorized, &split,
            &normWeight, &normBF16, &eps };
        _graphs.Kernel(function, (uint)GemvBlocks(n, split), 1, GemvWarps * 32, 0, args, name);
    }

    // An input norm for the GEMV to fold in (decode rows): its weight's address, dtype flag and eps. Otherwise (prompts,
    // products that do not share a launch, or FoldInputNorms off) the rows are normalized into norm.Normed here, x
    // becomes that workspace, and address 0 is returned.
    private (ulong Weight, int BF16, float Eps) FoldedNorm(ref Tensor x, RmsNormInput? norm, bool fold, string op)
    {
        if (norm is not { } n) return (0, 0, 0f);
        _checks.Type(x, DType.F32, op, nameof(x));
        CheckNormWeight(n.Weight, x.Shape[-1], op);
        if (fold && FoldInputNorms) return (CudaChecks.Address(n.Weight), n.Weight.DType == DType.BF16 ? 1 : 0, n.Eps);
        OperationShapes.SameShape(x, n.Normed, op, nameof(x), "norm.Normed");
        RmsNorm(x, n.Weight, n.Eps, n.Normed);
        x = n.Normed;
        return (0, 0, 0f);
    }

    // y[m, n] = x[m, k] . W[n, k]^T (+ bias) for an unscaled F32/BF16/F16 weight (convolutions).
    private void Product(ulong x, int m, int k, ulong w, DType dtype, ulong bias, ulong y, int n)
    {
        if (m <= _options.GemvMaxRows) Gemv(x, m, new GemvWeight(w, dtype, n, k, 0, 0, 1, 1), bias, y);
        else Gemm(x, m, k, w, dtype, 0, 0, 1, 1, bias, y, n);
    }

    // A product's weight as the kernels take it: address, dtype, [n, k], and FP8 block scales (0 when none).
    private readonly record struct GemvWeight(ulong Address, DType DType, int N, int K, ulong Scales, long ScaleStride, int BlockRows, int BlockCols)
    {
        public bool SameLayout(GemvWeight other) => DType == other.DType && K == other.K && (Scales == 0) == (other.Scales == 0)
            && ScaleStride == other.ScaleStride && BlockRows == other.BlockRows && BlockCols == other.BlockCols;
    }

    private GemvWeight CheckWeight(Tensor weight, string op, string name)
    {
        _checks.OnDevice(weight, op, name);
        if (weight.Rank != 2) throw new ArgumentException($"{op}: {name} {weight.Shape} must be 2-D [out, in].", name);
        if (weight.DType is not (DType.F32 or DType.BF16 or DType.F16 or DType.F8E4M3))
            throw new NotSupportedException($"{op}: weights must be F32, BF16, F16 or F8E4M3, got {weight.DType} for {name}.");
        ulong scales = 0;
        long scaleStride = 0;
        int blockRows = 1, blockCols = 1;
        if (weight.Scales is { } s)
        {
            s.Validate(weight.Shape, name);
            _checks.OnDevice(s.Scales, op, name + ".Scales");
            scales = CudaChecks.Address(s.Scales);
            scaleStride = s.Scales.Strides[0];
            (blockRows, blockCols) = (s.BlockRows, s.BlockCols);
        }
        else if (weight.DType == DType.F8E4M3)
        {
            throw new ArgumentException($"{op}: an F8E4M3 weight needs its block scales (weight_scale_inv).", name);
        }
        return new GemvWeight(CudaChecks.Address(weight), weight.DType, weight.Shape[0], weight.Shape[1], scales, scaleStride, blockRows, blockCols);
    }

    // Checks x [m, k] and y [m, n] against the weight; returns m.
    private int CheckProduct(Tensor x, GemvWeight w, Tensor y, string op, string yName)
    {
        _checks.Type(x, DType.F32, op, nameof(x));
        _checks.Type(y, DType.F32, op, yName);
        OperationShapes.Features(x, w.K, op, nameof(x));
        OperationShapes.Features(y, w.N, op, yName);
        int m = OperationShapes.Rows(x);
        if (OperationShapes.Rows(y) != m) throw new ArgumentException($"{op}: {yName} {y.Shape} must have the {m} rows of x {x.Shape}.", yName);
        return m;
    }

    private ulong CheckBias(Tensor? bias, int n, string op, string name)
    {
        if (bias is null) return 0;
        _checks.Type(bias, DType.F32, op, name);
        if (bias.ElementCount != n) throw new ArgumentException($"{op}: {name} {bias.Shape} must have {n} values.", name);
        return CudaChecks.Address(bias);
    }

    // 8-wide chunks need k % 8 == 0 and aligned rows (16 bytes for the x loads and the 2- and 4-byte weights, 8 for
    // FP8), and for FP8 that no chunk straddles two scale tiles.
    private static int Vectorized(ulong x, GemvWeight w) =>
        w.K % 8 == 0 && x % 16 == 0 && w.Address % 16 == 0 && (w.Scales == 0 || w.BlockCols % 8 == 0) ? 1 : 0;

    private static long GemvBlocks(int n, int split) => ((long)n * split + GemvWarps - 1) / GemvWarps;

    private void Gemv(ulong x, int m, GemvWeight weight, ulong bias, ulong y, int accumulate = 0)
    {
        var (function, name) = _functions.Gemv.For(weight.DType, m);
        int k = weight.K, n = weight.N, blockRows = weight.BlockRows, blockCols = weight.BlockCols;
        int vectorized = Vectorized(x, weight);
        int split = GemvSplit(n, k, Info.Multiprocessors);
        ulong w = weight.Address, scales = weight.Scales;
        long rowStride = k, scaleStride = weight.ScaleStride;
        void** args = stackalloc void*[] { &x, &m, &k, &w, &rowStride, &scales, &scaleStride, &blockRows, &blockCols, &bias, &y, &n, &vectorized, &split, &accumulate };
        _graphs.Kernel(function, (uint)GemvBlocks(n, split), 1, GemvWarps * 32, 0, args, name);
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
