using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Backends.Cuda;

// Row and elementwise operations: validation as in CpuBackend, then one kernel launch each (Kernels/elementwise.cu,
// norm.cu, softmax.cu, rotary.cu, embedding.cu, selection.cu).
public sealed unsafe partial class CudaBackend
{
    private const uint ElementwiseBlock = 256;

    public void RmsNorm(Tensor x, Tensor weight, float eps, Tensor y)
    {
        const string op = nameof(RmsNorm);
        Enter();
        CheckUnary(x, y, op);
        int cols = x.Shape[-1];
        CheckNormWeight(weight, cols, op);
        ulong px = CudaChecks.Address(x), pw = CudaChecks.Address(weight), py = CudaChecks.Address(y);
        int isBF16 = weight.DType == DType.BF16 ? 1 : 0;
        void** args = stackalloc void*[] { &px, &pw, &isBF16, &eps, &py, &cols };
        _graphs.Kernel(_functions.RmsNorm, (uint)OperationShapes.Rows(x), 1, RowBlock(cols), 0, args, "rmsnorm_f32");
    }

    public void AddRmsNorm(Tensor hidden, Tensor delta, Tensor weight, float eps, Tensor normed)
    {
        const string op = nameof(AddRmsNorm);
        Enter();
        CheckUnary(hidden, normed, op);
        _checks.Type(delta, DType.F32, op, nameof(delta));
        OperationShapes.SameShape(hidden, delta, op, nameof(hidden), nameof(delta));
        int cols = hidden.Shape[-1];
        CheckNormWeight(weight, cols, op);
        ulong ph = CudaChecks.Address(hidden), pd = CudaChecks.Address(delta), pw = CudaChecks.Address(weight), py = CudaChecks.Address(normed);
        int isBF16 = weight.DType == DType.BF16 ? 1 : 0;
        void** args = stackalloc void*[] { &ph, &pd, &pw, &isBF16, &eps, &py, &cols };
        // A decode step has one row: a wide block keeps each thread to one or two elements of its latency-bound pass.
        _graphs.Kernel(_functions.AddRmsNorm, (uint)OperationShapes.Rows(hidden), 1, cols >= 1024 ? 1024u : RowBlock(cols), 0, args, "add_rmsnorm_f32");
    }

    public void LayerNorm(Tensor x, Tensor weight, Tensor? bias, float eps, Tensor y)
    {
        const string op = nameof(LayerNorm);
        Enter();
        CheckUnary(x, y, op);
        int cols = x.Shape[-1];
        _checks.Type(weight, DType.F32, op, nameof(weight));
        if (weight.ElementCount != cols) throw new ArgumentException($"{op}: weight {weight.Shape} must have {cols} values.", nameof(weight));
        ulong pb = 0;
        if (bias is not null)
        {
            _checks.Type(bias, DType.F32, op, nameof(bias));
            if (bias.ElementCount != cols) throw new ArgumentException($"{op}: bias {bias.Shape} must have {cols} values.", nameof(bias));
            pb = CudaChecks.Address(bias);
        }
        ulong px = CudaChecks.Address(x), pw = CudaChecks.Address(weight), py = CudaChecks.Address(y);
        void** args = stackalloc void*[] { &px, &pw, &pb, &eps, &py, &cols };
        _graphs.Kernel(_functions.LayerNorm, (uint)OperationShapes.Rows(x), 1, RowBlock(cols), 0, args, "layernorm_f32");
    }

    public void Silu(Tensor x, Tensor y)
    {
        Enter();
        CheckUnary(x, y, nameof(Silu));
        ulong px = CudaChecks.Address(x), py = CudaChecks.Address(y);
        long n = x.ElementCount;
        void** args = stackalloc void*[] { &px, &py, &n };
        _graphs.Kernel(_functions.Silu, Blocks(n), 1, ElementwiseBlock, 0, args, "silu_f32");
    }

    public void SwiGlu(Tensor gate, Tensor up, Tensor y)
    {
        Enter();
        CheckUnary(gate, y, nameof(SwiGlu));
        _checks.Type(up, DType.F32, nameof(SwiGlu), nameof(up));
        OperationShapes.SameShape(gate, up, nameof(SwiGlu), nameof(gate), nameof(up));
        ulong pg = CudaChecks.Address(gate), pu = CudaChecks.Address(up), py = CudaChecks.Address(y);
        long n = y.ElementCount;
        void** args = stackalloc void*[] { &pg, &pu, &py, &n };
        _graphs.Kernel(_functions.SwiGlu, Blocks(n), 1, ElementwiseBlock, 0, args, "swiglu_f32");
    }

    public void Gelu(Tensor x, Tensor y, GeluApproximation approximation)
    {
        Enter();
        CheckUnary(x, y, nameof(Gelu));
        ulong px = CudaChecks.Address(x), py = CudaChecks.Address(y);
        long n = x.ElementCount;
        int tanh = approximation == GeluApproximation.Tanh ? 1 : 0;
        void** args = stackalloc void*[] { &px, &py, &n, &tanh };
        _graphs.Kernel(_functions.Gelu, Blocks(n), 1, ElementwiseBlock, 0, args, "gelu_f32");
    }

    public void Softmax(Tensor x, Tensor y, float scale = 1f, Tensor? validLengths = null)
    {
        const string op = nameof(Softmax);
        Enter();
        CheckUnary(x, y, op);
        int rows = OperationShapes.Rows(x), cols = x.Shape[-1];
        ulong lengths = 0;
        if (validLengths is not null)
        {
            _checks.Type(validLengths, DType.I32, op, nameof(validLengths));
            if (validLengths.ElementCount != rows) throw new ArgumentException($"{op}: validLengths {validLengths.Shape} must have one value per row ({rows}).", nameof(validLengths));
            lengths = CudaChecks.Address(validLengths);
        }
        ulong px = CudaChecks.Address(x), py = CudaChecks.Address(y), errors = _errors.DevicePointer;
        void** args = stackalloc void*[] { &px, &py, &cols, &scale, &lengths, &errors };
        _graphs.Kernel(_functions.Softmax, (uint)rows, 1, RowBlock(cols), 0, args, "softmax_f32");
    }

    public void ApplyRotary(Tensor x, Tensor positions, Tensor cos, Tensor sin, RotaryLayout layout, int rotaryOffset = 0)
    {
        const string op = nameof(ApplyRotary);
        Enter();
        _checks.Type(x, DType.F32, op, nameof(x));
        _checks.Type(positions, DType.I32, op, nameof(positions));
        _checks.Type(cos, DType.F32, op, nameof(cos));
        _checks.Type(sin, DType.F32, op, nameof(sin));
        if (x.Rank != 3) throw new ArgumentException($"{op}: x {x.Shape} must be [tokens, heads, headDim].", nameof(x));
        if (cos.Rank != 2) throw new ArgumentException($"{op}: cos {cos.Shape} must be [maxPositions, rotaryDim / 2].", nameof(cos));
        OperationShapes.SameShape(cos, sin, op, nameof(cos), nameof(sin));
        int half = cos.Shape[1], headDim = x.Shape[2], heads = x.Shape[1], tokens = x.Shape[0], maxPositions = cos.Shape[0];
        if (rotaryOffset < 0 || rotaryOffset + 2 * half > headDim)
            throw new ArgumentException($"{op}: rotary features [{rotaryOffset}, {rotaryOffset + 2 * half}) do not fit a head of {headDim}.", nameof(rotaryOffset));
        if (positions.ElementCount != tokens)
            throw new ArgumentException($"{op}: positions {positions.Shape} must have one value per token ({tokens}).", nameof(positions));
        ulong px = CudaChecks.Address(x), pp = CudaChecks.Address(positions), pc = CudaChecks.Address(cos), ps = CudaChecks.Address(sin), errors = _errors.DevicePointer;
        int interleaved = layout == RotaryLayout.Interleaved ? 1 : 0;
        void** args = stackalloc void*[] { &px, &heads, &headDim, &rotaryOffset, &half, &pp, &pc, &ps, &maxPositions, &interleaved, &errors };
        _graphs.Kernel(_functions.Rotary, (uint)tokens, 1, (uint)Math.Clamp((heads * half + 31) / 32 * 32, 32, 256), 0, args, "rotary_f32");
    }

    public void Embedding(Tensor ids, Tensor table, Tensor y)
    {
        const string op = nameof(Embedding);
        Enter();
        _checks.OnDevice(ids, op, nameof(ids));
        if (ids.DType is not (DType.I32 or DType.I64)) throw new ArgumentException($"{op}: ids must be I32 or I64, got {ids.DType}.", nameof(ids));
        _checks.OnDevice(table, op, nameof(table));
        if (table.Rank != 2) throw new ArgumentException($"{op}: table {table.Shape} must be [vocab, hidden].", nameof(table));
        if (table.DType is not (DType.F32 or DType.BF16 or DType.F16)) throw new NotSupportedException($"Embedding tables must be F32, BF16 or F16, got {table.DType}.");
        _checks.Type(y, DType.F32, op, nameof(y));
        OperationShapes.Features(y, table.Shape[1], op, nameof(y));
        if (OperationShapes.Rows(y) != ids.ElementCount) throw new ArgumentException($"{op}: y {y.Shape} must have one row per id ({ids.ElementCount}).", nameof(y));
        ulong pi = CudaChecks.Address(ids), pt = CudaChecks.Address(table), py = CudaChecks.Address(y), errors = _errors.DevicePointer;
        int isI64 = ids.DType == DType.I64 ? 1 : 0, tableType = (int)table.DType, vocab = table.Shape[0], cols = table.Shape[1];
        void** args = stackalloc void*[] { &pi, &isI64, &pt, &tableType, &vocab, &cols, &py, &errors };
        _graphs.Kernel(_functions.Embedding, (uint)ids.ElementCount, 1, RowBlock(cols), 0, args, "embedding_f32");
    }

    public void Argmax(Tensor x, Tensor indices)
    {
        Enter();
        _checks.Type(x, DType.F32, nameof(Argmax), nameof(x));
        _checks.Type(indices, DType.I32, nameof(Argmax), nameof(indices));
        int rows = OperationShapes.Rows(x), cols = x.Shape[-1];
        if (indices.ElementCount != rows || cols == 0) throw new ArgumentException($"{nameof(Argmax)}: indices {indices.Shape} must have one value per non-empty row of x {x.Shape}.", nameof(indices));
        ulong px = CudaChecks.Address(x), pi = CudaChecks.Address(indices);
        // About 4096 values per block, up to one block per SM for each row.
        int parts = Math.Clamp((cols + 4095) / 4096, 1, Info.Multiprocessors);
        ulong values = _scratch.Get("argmax.part_values", (long)rows * parts * sizeof(float));
        ulong partIndices = _scratch.Get("argmax.part_indices", (long)rows * parts * sizeof(int));
        ulong counters = ZeroedCounters("argmax.counters", rows);
        void** args = stackalloc void*[] { &px, &cols, &pi, &values, &partIndices, &counters };
        _graphs.Kernel(_functions.Argmax, (uint)parts, (uint)rows, 256, 0, args, "argmax_f32");
    }

    public void TopK(Tensor x, Tensor values, Tensor indices)
    {
        const string op = nameof(TopK);
        Enter();
        _checks.Type(x, DType.F32, op, nameof(x));
        _checks.Type(values, DType.F32, op, nameof(values));
        _checks.Type(indices, DType.I32, op, nameof(indices));
        OperationShapes.SameShape(values, indices, op, nameof(values), nameof(indices));
        int rows = OperationShapes.Rows(x), cols = x.Shape[-1], k = values.Shape[-1];
        if (k < 1 || k > cols || OperationShapes.Rows(values) != rows)
            throw new ArgumentException($"{op}: values {values.Shape} must be [rows of x, k] with 1 <= k <= {cols}.", nameof(values));
        ulong px = CudaChecks.Address(x), pv = CudaChecks.Address(values), pi = CudaChecks.Address(indices);
        void** args = stackalloc void*[] { &px, &cols, &k, &pv, &pi };
        _graphs.Kernel(_functions.TopK, (uint)rows, 1, cols >= 4096 ? 1024u : 256u, 0, args, "topk_f32");
    }

    public void Add(Tensor a, Tensor b, Tensor y) => Binary(a, b, y, nameof(Add), _functions.Add, "add_f32");

    public void Mul(Tensor a, Tensor b, Tensor y) => Binary(a, b, y, nameof(Mul), _functions.Mul, "mul_f32");

    public void Scale(Tensor x, float scale, Tensor y)
    {
        Enter();
        CheckUnary(x, y, nameof(Scale));
        ulong px = CudaChecks.Address(x), py = CudaChecks.Address(y);
        long n = x.ElementCount;
        void** args = stackalloc void*[] { &px, &scale, &py, &n };
        _graphs.Kernel(_functions.Scale, Blocks(n), 1, ElementwiseBlock, 0, args, "scale_f32");
    }

    public void AddScaled(Tensor a, Tensor b, float scale, Tensor y)
    {
        Enter();
        CheckUnary(a, y, nameof(AddScaled));
        _checks.Type(b, DType.F32, nameof(AddScaled), nameof(b));
        OperationShapes.SameShape(a, b, nameof(AddScaled), nameof(a), nameof(b));
        ulong pa = CudaChecks.Address(a), pb = CudaChecks.Address(b), py = CudaChecks.Address(y);
        long n = a.ElementCount;
        void** args = stackalloc void*[] { &pa, &pb, &scale, &py, &n };
        _graphs.Kernel(_functions.AddScaled, Blocks(n), 1, ElementwiseBlock, 0, args, "add_scaled_f32");
    }

    public void Convert(Tensor source, Tensor destination)
    {
        const string op = nameof(Convert);
        Enter();
        _checks.OnDevice(source, op, nameof(source));
        _checks.OnDevice(destination, op, nameof(destination));
        OperationShapes.SameShape(source, destination, op, nameof(source), nameof(destination));
        if (source.Scales is not null) throw new ArgumentException($"{op}: block-scaled sources need MatMul or a dequantizing load, not a plain conversion.", nameof(source));
        DType from = source.DType, to = destination.DType;
        long n = source.ElementCount;
        if (from == to)
        {
            if (n > 0) _graphs.CopyDeviceToDevice(CudaChecks.Address(destination), CudaChecks.Address(source), source.ByteCount);
            return;
        }
        bool supported = (to == DType.F32 && from is DType.BF16 or DType.F16 or DType.F8E4M3)
            || (from == DType.F32 && to is DType.BF16 or DType.F16 or DType.F8E4M3);
        if (!supported) throw new NotSupportedException($"Conversion from {from} to {to} is not supported.");
        ConvertRaw(CudaChecks.Address(source), from, CudaChecks.Address(destination), to, n);
    }

    private void ConvertRaw(ulong source, DType from, ulong destination, DType to, long n)
    {
        int f = (int)from, t = (int)to;
        void** args = stackalloc void*[] { &source, &f, &destination, &t, &n };
        _graphs.Kernel(_functions.Convert, Blocks(n), 1, ElementwiseBlock, 0, args, "convert");
    }

    private void Binary(Tensor a, Tensor b, Tensor y, string op, IntPtr function, string name)
    {
        Enter();
        CheckUnary(a, y, op);
        _checks.Type(b, DType.F32, op, nameof(b));
        if (b.Shape != a.Shape && b.ElementCount != a.Shape[-1])
            throw new ArgumentException($"{op}: b {b.Shape} must have a's shape {a.Shape} or be one row of {a.Shape[-1]}.", nameof(b));
        LaunchBinary(function, CudaChecks.Address(a), CudaChecks.Address(b), b.ElementCount, CudaChecks.Address(y), a.ElementCount, name);
    }

    private void LaunchBinary(IntPtr function, ulong a, ulong b, long bCount, ulong y, long n, string name)
    {
        void** args = stackalloc void*[] { &a, &b, &bCount, &y, &n };
        _graphs.Kernel(function, Blocks(n), 1, ElementwiseBlock, 0, args, name);
    }

    private void CheckUnary(Tensor x, Tensor y, string op)
    {
        _checks.Type(x, DType.F32, op, nameof(x));
        _checks.Type(y, DType.F32, op, nameof(y));
        OperationShapes.SameShape(x, y, op, nameof(x), nameof(y));
    }

    // Grid-stride kernels: enough blocks to fill the GPU, no more.
    private uint Blocks(long n) => (uint)Math.Clamp((n + ElementwiseBlock - 1) / ElementwiseBlock, 1, (long)Info.Multiprocessors * 16);

    // One block per row, wide enough that each thread handles a few columns of the row.
    // An RMSNorm weight: on the device, F32 or BF16, one value per column.
    private void CheckNormWeight(Tensor weight, int cols, string op)
    {
        _checks.OnDevice(weight, op, nameof(weight));
        if (weight.DType is not (DType.F32 or DType.BF16)) throw new ArgumentException($"{op}: weight must be F32 or BF16, got {weight.DType}.", nameof(weight));
        if (weight.ElementCount != cols) throw new ArgumentException($"{op}: weight {weight.Shape} must have {cols} values.", nameof(weight));
    }

    private static uint RowBlock(int cols) => cols >= 2048 ? 512u : cols >= 256 ? 256u : 128u;
}
