using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Backends.Cuda;

// Mixture-of-experts decode without a host wait (Kernels/moe.cu): moe_route routes on the device, one warp per token;
// moe_gate_up_* runs gate and up of every chosen expert of every token in one launch with SwiGLU fused; moe_down_*
// runs the down products (and, optionally, the shared experts' down product that the sum starts from) and adds them,
// weighted, into y in ascending expert order. Both products are matmul.cu's
// gemv (same split, same loads), reading each chosen expert's weight through the ExpertWeights address table.
public sealed unsafe partial class CudaBackend
{
    // moe_route keeps one bit per expert and lane (32 lanes × 32) and one bit per group.
    private const int MaxRoutedExperts = 1024;
    private const int MaxExpertGroups = 64;

    public ExpertWeights PrepareExperts(IReadOnlyList<Tensor> matrices)
    {
        const string op = nameof(PrepareExperts);
        Enter();
        OperationShapes.ExpertMatrices(matrices);
        int count = matrices.Count;
        var table = Tensor.Zeros(DType.I64, new Shape(2, count));
        var addresses = table.AsSpan<long>();
        bool aligned = true;
        for (int e = 0; e < count; e++)
        {
            var m = matrices[e];
            _checks.OnDevice(m, op, nameof(matrices));
            ulong w = CudaChecks.Address(m);
            aligned &= w % 16 == 0;
            addresses[e] = (long)w;
            if (m.Scales is { } s)
            {
                _checks.OnDevice(s.Scales, op, "matrices.Scales");
                addresses[count + e] = (long)CudaChecks.Address(s.Scales);
            }
        }
        return new ExpertWeights(matrices.ToArray(), Upload(table), aligned);
    }

    public void RouteExperts(Tensor logits, Layers.ExpertRouter router, Tensor? correctionBias, Tensor experts, Tensor weights)
    {
        const string op = nameof(RouteExperts);
        ArgumentNullException.ThrowIfNull(router);
        Enter();
        _checks.Type(logits, DType.F32, op, nameof(logits));
        _checks.Type(experts, DType.I32, op, nameof(experts));
        _checks.Type(weights, DType.F32, op, nameof(weights));
        ulong bias = 0;
        if (correctionBias is not null)
        {
            _checks.Type(correctionBias, DType.F32, op, nameof(correctionBias));
            bias = CudaChecks.Address(correctionBias);
        }
        int rows = OperationShapes.RouteExperts(logits, router.Experts, router.TopK, correctionBias, !router.CorrectionBias.IsEmpty, experts, weights);
        if (router.Experts > MaxRoutedExperts || router.Groups > MaxExpertGroups)
            throw new NotSupportedException($"{op}: the device router takes at most {MaxRoutedExperts} experts in at most {MaxExpertGroups} groups, got {router.Experts} in {router.Groups}.");
        if (rows == 0) return;
        ulong pl = CudaChecks.Address(logits), pi = CudaChecks.Address(experts), pw = CudaChecks.Address(weights);
        int count = router.Experts, k = router.TopK, groups = router.Groups, topKGroups = router.TopKGroups;
        int sigmoid = router.Scoring == Layers.RouterScoring.Sigmoid ? 1 : 0, selection = (int)router.Selection;
        int normalize = router.Normalize ? 1 : 0;
        float scaling = router.ScalingFactor;
        void** args = stackalloc void*[] { &pl, &count, &k, &sigmoid, &selection, &groups, &topKGroups, &normalize, &scaling, &bias, &pi, &pw };
        _graphs.Kernel(_functions.MoeRoute, (uint)rows, 1, 32, (uint)((2 * count + groups) * sizeof(float)), args, "moe_route");
    }

    public void ExpertGateUp(Tensor x, ExpertWeights gate, ExpertWeights up, Tensor experts, Tensor hidden)
    {
        const string op = nameof(ExpertGateUp);
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(up);
        Enter();
        _checks.Type(x, DType.F32, op, nameof(x));
        _checks.Type(experts, DType.I32, op, nameof(experts));
        _checks.Type(hidden, DType.F32, op, nameof(hidden));
        var (rows, k) = OperationShapes.ExpertGateUp(x, gate, up, experts, hidden);
        if (rows == 0 || k == 0) return;
        ulong px = CudaChecks.Address(x), pi = CudaChecks.Address(experts), ph = CudaChecks.Address(hidden);
        ulong gateTable = TableOf(gate, op, nameof(gate)), upTable = TableOf(up, op, nameof(up));
        int dim = gate.InFeatures, inter = gate.OutFeatures, count = gate.Count;
        var (scaleStride, blockRows, blockCols) = Tiling(gate);
        if (up.Scales is { } us && (us.BlockRows != blockRows || us.BlockCols != blockCols))
            throw new ArgumentException($"{op}: up's scale tiles {us.BlockRows}x{us.BlockCols} must match gate's {blockRows}x{blockCols}.", nameof(up));
        int vectorized = Vectorized(dim, px, gate) && up.Aligned ? 1 : 0;
        int split = GemvSplit(inter, dim, Info.Multiprocessors);
        var (function, name) = gate.DType switch
        {
            DType.F32 => (_functions.MoeGateUpF32, "moe_gate_up_f32"),
            DType.BF16 => (_functions.MoeGateUpBF16, "moe_gate_up_bf16"),
            DType.F16 => (_functions.MoeGateUpF16, "moe_gate_up_f16"),
            _ => (_functions.MoeGateUpFp8, "moe_gate_up_fp8"),
        };
        void** args = stackalloc void*[] { &px, &dim, &k, &pi, &count, &gateTable, &upTable, &scaleStride, &blockRows, &blockCols, &ph, &inter, &vectorized, &split };
        _graphs.Kernel(function, (uint)(((long)inter * split + GemvWarps - 1) / GemvWarps), (uint)(rows * k), GemvWarps * 32, 0, args, name);
    }

    public void ExpertDown(Tensor hidden, ExpertWeights down, Tensor experts, Tensor weights, Tensor y, Tensor? sharedHidden = null, Tensor? sharedDown = null)
    {
        const string op = nameof(ExpertDown);
        ArgumentNullException.ThrowIfNull(down);
        Enter();
        _checks.Type(hidden, DType.F32, op, nameof(hidden));
        _checks.Type(experts, DType.I32, op, nameof(experts));
        _checks.Type(weights, DType.F32, op, nameof(weights));
        _checks.Type(y, DType.F32, op, nameof(y));
        var (rows, k) = OperationShapes.ExpertDown(hidden, down, experts, weights, y);
        if (rows == 0 || k == 0) return;
        ulong ph = CudaChecks.Address(hidden), pi = CudaChecks.Address(experts), pw = CudaChecks.Address(weights), py = CudaChecks.Address(y);
        ulong downTable = TableOf(down, op, nameof(down));
        int inter = down.InFeatures, dim = down.OutFeatures, count = down.Count;
        var (scaleStride, blockRows, blockCols) = Tiling(down);
        ulong outScratch = _scratch.Get("moe.down", (long)rows * (k + 1) * dim * sizeof(float));
        int vectorized = Vectorized(inter, ph, down) ? 1 : 0;
        int split = GemvSplit(dim, inter, Info.Multiprocessors);
        // The shared experts' down product, run by the same blocks with the routed products' split.
        ulong sharedW = 0, sharedScales = 0, sharedX = 0;
        long sharedScaleStride = 0;
        int sharedBlockRows = 1, sharedBlockCols = 1, sharedK = 0, sharedVectorized = 0;
        if (OperationShapes.ExpertDownShared(sharedHidden, sharedDown, down, rows))
        {
            _checks.Type(sharedHidden!, DType.F32, op, nameof(sharedHidden));
            _checks.OnDevice(sharedDown!, op, nameof(sharedDown));
            sharedW = CudaChecks.Address(sharedDown!);
            sharedX = CudaChecks.Address(sharedHidden!);
            sharedK = sharedDown!.Shape[1];
            if (sharedDown.Scales is { } s)
            {
                _checks.OnDevice(s.Scales, op, "sharedDown.Scales");
                (sharedScales, sharedScaleStride, sharedBlockRows, sharedBlockCols) = (CudaChecks.Address(s.Scales), s.Scales.Strides[0], s.BlockRows, s.BlockCols);
            }
            sharedVectorized = sharedK % 8 == 0 && sharedX % 16 == 0 && sharedW % 16 == 0 && (sharedScales == 0 || sharedBlockCols % 8 == 0) ? 1 : 0;
        }
        var (function, name) = down.DType switch
        {
            DType.F32 => (_functions.MoeDownF32, "moe_down_f32"),
            DType.BF16 => (_functions.MoeDownBF16, "moe_down_bf16"),
            DType.F16 => (_functions.MoeDownF16, "moe_down_f16"),
            _ => (_functions.MoeDownFp8, "moe_down_fp8"),
        };
        void** args = stackalloc void*[] { &ph, &inter, &k, &pi, &pw, &count, &downTable, &scaleStride, &blockRows, &blockCols, &outScratch, &py, &dim, &vectorized, &split,
            &sharedW, &sharedScales, &sharedScaleStride, &sharedBlockRows, &sharedBlockCols, &sharedX, &sharedK, &sharedVectorized };
        _graphs.Kernel(function, (uint)(((long)dim * split + GemvWarps - 1) / GemvWarps), (uint)rows, GemvWarps * 32, 0, args, name);
    }

    private ulong TableOf(ExpertWeights weights, string op, string name)
    {
        if (weights.AddressTable is not { } table)
            throw new ArgumentException($"{op}: '{name}' was prepared by another backend; use this backend's PrepareExperts.", name);
        _checks.OnDevice(table, op, name + ".AddressTable");
        return CudaChecks.Address(table);
    }

    private static (long ScaleStride, int BlockRows, int BlockCols) Tiling(ExpertWeights weights) =>
        weights.Scales is { } s ? (s.Scales.Strides[0], s.BlockRows, s.BlockCols) : (0L, 1, 1);

    // gemv's 8-wide chunks, as in Gemv: k % 8 == 0, 16-byte aligned rows of x (every row, since k % 8 == 0) and of
    // every expert's weight, and scale tiles no narrower than a chunk.
    private static bool Vectorized(int k, ulong x, ExpertWeights weights) =>
        k % 8 == 0 && x % 16 == 0 && weights.Aligned && (weights.Scales is null || weights.Scales.BlockCols % 8 == 0);
}
