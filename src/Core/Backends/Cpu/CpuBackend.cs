using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Backends.Cpu;

/// <summary>The host backend: tensors in <see cref="HostStorage"/>, kernels run synchronously on the calling
/// thread plus a persistent <see cref="CpuThreadPool"/>. Validates arguments and delegates to the kernel classes.</summary>
public sealed unsafe class CpuBackend : IBackend
{
    private readonly CpuThreadPool _pool;

    /// <param name="threadCount">Threads for parallel kernels; 0 means Environment.ProcessorCount; at most
    /// <see cref="MaxThreadCount"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threadCount"/> is negative or above <see cref="MaxThreadCount"/>.</exception>
    public CpuBackend(int threadCount = 0) => _pool = new CpuThreadPool(threadCount);

    /// <summary>The most threads the backend accepts (<see cref="CpuThreadPool.MaxThreadCount"/>).</summary>
    public static int MaxThreadCount => CpuThreadPool.MaxThreadCount;

    public Device Device => Device.Cpu;

    public int ThreadCount => _pool.ThreadCount;

    public Tensor Allocate(DType dtype, Shape shape) => Tensor.Zeros(dtype, shape);

    public Tensor Upload(Tensor host)
    {
        TensorChecks.Host(host, nameof(Upload), nameof(host));
        return host;
    }

    public void CopyToHost(Tensor source, Tensor destination)
    {
        TensorChecks.Host(source, nameof(CopyToHost), nameof(source));
        TensorChecks.Type(destination, source.DType, nameof(CopyToHost), nameof(destination));
        OperationShapes.SameShape(source, destination, nameof(CopyToHost), nameof(source), nameof(destination));
        Buffer.MemoryCopy(source.DataPointer, destination.DataPointer, destination.ByteCount, source.ByteCount);
    }

    public void CopyToHost<T>(Tensor source, Span<T> destination) where T : unmanaged
    {
        TensorChecks.Host(source, nameof(CopyToHost), nameof(source));
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination);
        if (bytes.Length != source.ByteCount)
            throw new ArgumentException($"{nameof(CopyToHost)}: 'destination' holds {bytes.Length} bytes; source {source.Shape} {source.DType} has {source.ByteCount}.", nameof(destination));
        new ReadOnlySpan<byte>(source.DataPointer, bytes.Length).CopyTo(bytes);
    }

    public void CopyFromHost(Tensor source, Tensor destination)
    {
        TensorChecks.Host(source, nameof(CopyFromHost), nameof(source));
        TensorChecks.Host(destination, nameof(CopyFromHost), nameof(destination));
        TensorChecks.Type(destination, source.DType, nameof(CopyFromHost), nameof(destination));
        OperationShapes.SameShape(source, destination, nameof(CopyFromHost), nameof(source), nameof(destination));
        Buffer.MemoryCopy(source.DataPointer, destination.DataPointer, destination.ByteCount, source.ByteCount);
    }

    public void Synchronize()
    {
    }

    public void MatMul(Tensor x, Tensor weight, Tensor? bias, Tensor y)
    {
        const string op = nameof(MatMul);
        TensorChecks.Type(x, DType.F32, op, nameof(x));
        TensorChecks.Type(y, DType.F32, op, nameof(y));
        TensorChecks.Host(weight, op, nameof(weight));
        if (weight.Rank != 2) throw new ArgumentException($"{op}: weight {weight.Shape} must be 2-D [out, in].", nameof(weight));
        int n = weight.Shape[0], k = weight.Shape[1];
        OperationShapes.Features(x, k, op, nameof(x));
        OperationShapes.Features(y, n, op, nameof(y));
        int m = OperationShapes.Rows(x);
        if (OperationShapes.Rows(y) != m) throw new ArgumentException($"{op}: y {y.Shape} must have the {m} rows of x {x.Shape}.", nameof(y));
        float* biasPtr = null;
        if (bias is not null)
        {
            TensorChecks.Type(bias, DType.F32, op, nameof(bias));
            if (bias.ElementCount != n) throw new ArgumentException($"{op}: bias {bias.Shape} must have {n} values.", nameof(bias));
            biasPtr = (float*)bias.DataPointer;
        }
        WeightMatrix w;
        if (weight.Scales is { } scales)
        {
            scales.Validate(weight.Shape, "weight");
            TensorChecks.Host(scales.Scales, op, "weight.Scales");
            w = new WeightMatrix(weight.DataPointer, weight.DType, n, k, (float*)scales.Scales.DataPointer, scales.BlockRows, scales.BlockCols);
        }
        else
        {
            w = new WeightMatrix(weight.DataPointer, weight.DType, n, k);
        }
        MatMulKernels.MatMul(_pool, (float*)x.DataPointer, m, w, biasPtr, (float*)y.DataPointer);
    }

    public void MatMul(Tensor x, ReadOnlySpan<MatMulOutput> products, RmsNormInput? norm = null)
    {
        x = Normalized(x, norm, nameof(MatMul));
        foreach (var p in products) MatMul(x, p.Weight, p.Bias, p.Output);
    }

    public void MatMulAdd(Tensor x, Tensor weight, Tensor? bias, Tensor scratch, Tensor y)
    {
        OperationShapes.SameShape(y, scratch, nameof(MatMulAdd), nameof(y), nameof(scratch));
        MatMul(x, weight, bias, scratch);
        Add(y, scratch, y);
    }

    public void SwiGluMatMul(Tensor x, Tensor gate, Tensor up, Tensor scratch, Tensor y, RmsNormInput? norm = null)
    {
        OperationShapes.SameShape(y, scratch, nameof(SwiGluMatMul), nameof(y), nameof(scratch));
        x = Normalized(x, norm, nameof(SwiGluMatMul));
        MatMul(x, gate, null, y);
        MatMul(x, up, null, scratch);
        SwiGlu(y, scratch, y);
    }

    // The rows a product with an input norm reads: RMSNorm(x) in norm.Normed, or x itself.
    private Tensor Normalized(Tensor x, RmsNormInput? norm, string op)
    {
        if (norm is not { } n) return x;
        OperationShapes.SameShape(x, n.Normed, op, nameof(x), "norm.Normed");
        RmsNorm(x, n.Weight, n.Eps, n.Normed);
        return n.Normed;
    }

    public void AddRmsNorm(Tensor hidden, Tensor delta, Tensor weight, float eps, Tensor normed)
    {
        OperationShapes.SameShape(hidden, delta, nameof(AddRmsNorm), nameof(hidden), nameof(delta));
        Add(hidden, delta, hidden);
        RmsNorm(hidden, weight, eps, normed);
    }

    public void RmsNorm(Tensor x, Tensor weight, float eps, Tensor y)
    {
        const string op = nameof(RmsNorm);
        CheckUnary(x, y, op);
        TensorChecks.Host(weight, op, nameof(weight));
        if (weight.DType is not (DType.F32 or DType.BF16)) throw new ArgumentException($"{op}: weight must be F32 or BF16, got {weight.DType}.", nameof(weight));
        int cols = x.Shape[-1];
        if (weight.ElementCount != cols) throw new ArgumentException($"{op}: weight {weight.Shape} must have {cols} values.", nameof(weight));
        NormKernels.RmsNorm((float*)x.DataPointer, OperationShapes.Rows(x), cols, weight.DataPointer, weight.DType == DType.BF16, eps, (float*)y.DataPointer);
    }

    public void LayerNorm(Tensor x, Tensor weight, Tensor? bias, float eps, Tensor y)
    {
        const string op = nameof(LayerNorm);
        CheckUnary(x, y, op);
        int cols = x.Shape[-1];
        TensorChecks.Type(weight, DType.F32, op, nameof(weight));
        if (weight.ElementCount != cols) throw new ArgumentException($"{op}: weight {weight.Shape} must have {cols} values.", nameof(weight));
        float* biasPtr = null;
        if (bias is not null)
        {
            TensorChecks.Type(bias, DType.F32, op, nameof(bias));
            if (bias.ElementCount != cols) throw new ArgumentException($"{op}: bias {bias.Shape} must have {cols} values.", nameof(bias));
            biasPtr = (float*)bias.DataPointer;
        }
        NormKernels.LayerNorm((float*)x.DataPointer, OperationShapes.Rows(x), cols, (float*)weight.DataPointer, biasPtr, eps, (float*)y.DataPointer);
    }

    public void Silu(Tensor x, Tensor y)
    {
        CheckUnary(x, y, nameof(Silu));
        ActivationKernels.Silu((float*)x.DataPointer, (float*)y.DataPointer, x.ElementCount);
    }

    public void SwiGlu(Tensor gate, Tensor up, Tensor y)
    {
        CheckUnary(gate, y, nameof(SwiGlu));
        TensorChecks.Type(up, DType.F32, nameof(SwiGlu), nameof(up));
        OperationShapes.SameShape(gate, up, nameof(SwiGlu), nameof(gate), nameof(up));
        ActivationKernels.SwiGlu((float*)gate.DataPointer, (float*)up.DataPointer, (float*)y.DataPointer, y.ElementCount);
    }

    public void Gelu(Tensor x, Tensor y, GeluApproximation approximation)
    {
        CheckUnary(x, y, nameof(Gelu));
        ActivationKernels.Gelu((float*)x.DataPointer, (float*)y.DataPointer, x.ElementCount, approximation);
    }

    public void Softmax(Tensor x, Tensor y, float scale = 1f, Tensor? validLengths = null)
    {
        const string op = nameof(Softmax);
        CheckUnary(x, y, op);
        int rows = OperationShapes.Rows(x);
        int* lengths = null;
        if (validLengths is not null)
        {
            TensorChecks.Type(validLengths, DType.I32, op, nameof(validLengths));
            if (validLengths.ElementCount != rows) throw new ArgumentException($"{op}: validLengths {validLengths.Shape} must have one value per row ({rows}).", nameof(validLengths));
            lengths = (int*)validLengths.DataPointer;
        }
        SoftmaxKernels.Softmax((float*)x.DataPointer, rows, x.Shape[-1], scale, lengths, (float*)y.DataPointer);
    }

    public void ApplyRotary(Tensor x, Tensor positions, Tensor cos, Tensor sin, RotaryLayout layout, int rotaryOffset = 0)
    {
        const string op = nameof(ApplyRotary);
        TensorChecks.Type(x, DType.F32, op, nameof(x));
        TensorChecks.Type(positions, DType.I32, op, nameof(positions));
        TensorChecks.Type(cos, DType.F32, op, nameof(cos));
        TensorChecks.Type(sin, DType.F32, op, nameof(sin));
        if (x.Rank != 3) throw new ArgumentException($"{op}: x {x.Shape} must be [tokens, heads, headDim].", nameof(x));
        if (cos.Rank != 2) throw new ArgumentException($"{op}: cos {cos.Shape} must be [maxPositions, rotaryDim / 2].", nameof(cos));
        OperationShapes.SameShape(cos, sin, op, nameof(cos), nameof(sin));
        int rotaryDim = 2 * cos.Shape[1], headDim = x.Shape[2];
        if (rotaryOffset < 0 || rotaryOffset + rotaryDim > headDim)
            throw new ArgumentException($"{op}: rotary features [{rotaryOffset}, {rotaryOffset + rotaryDim}) do not fit a head of {headDim}.", nameof(rotaryOffset));
        if (positions.ElementCount != x.Shape[0])
            throw new ArgumentException($"{op}: positions {positions.Shape} must have one value per token ({x.Shape[0]}).", nameof(positions));
        RotaryKernels.Apply((float*)x.DataPointer, x.Shape[0], x.Shape[1], headDim, rotaryOffset, rotaryDim,
            (int*)positions.DataPointer, (float*)cos.DataPointer, (float*)sin.DataPointer, cos.Shape[0], layout);
    }

    public void Embedding(Tensor ids, Tensor table, Tensor y)
    {
        const string op = nameof(Embedding);
        TensorChecks.Host(ids, op, nameof(ids));
        if (ids.DType is not (DType.I32 or DType.I64)) throw new ArgumentException($"{op}: ids must be I32 or I64, got {ids.DType}.", nameof(ids));
        TensorChecks.Host(table, op, nameof(table));
        if (table.Rank != 2) throw new ArgumentException($"{op}: table {table.Shape} must be [vocab, hidden].", nameof(table));
        TensorChecks.Type(y, DType.F32, op, nameof(y));
        OperationShapes.Features(y, table.Shape[1], op, nameof(y));
        if (OperationShapes.Rows(y) != ids.ElementCount) throw new ArgumentException($"{op}: y {y.Shape} must have one row per id ({ids.ElementCount}).", nameof(y));
        EmbeddingKernels.Gather(ids.DataPointer, ids.DType == DType.I64, (int)ids.ElementCount, table.DataPointer, table.DType, table.Shape[0], table.Shape[1], (float*)y.DataPointer);
    }

    public void Argmax(Tensor x, Tensor indices)
    {
        TensorChecks.Type(x, DType.F32, nameof(Argmax), nameof(x));
        TensorChecks.Type(indices, DType.I32, nameof(Argmax), nameof(indices));
        int rows = OperationShapes.Rows(x);
        if (indices.ElementCount != rows || x.Shape[-1] == 0) throw new ArgumentException($"{nameof(Argmax)}: indices {indices.Shape} must have one value per non-empty row of x {x.Shape}.", nameof(indices));
        SelectionKernels.Argmax((float*)x.DataPointer, rows, x.Shape[-1], (int*)indices.DataPointer);
    }

    public void TopK(Tensor x, Tensor values, Tensor indices)
    {
        const string op = nameof(TopK);
        TensorChecks.Type(x, DType.F32, op, nameof(x));
        TensorChecks.Type(values, DType.F32, op, nameof(values));
        TensorChecks.Type(indices, DType.I32, op, nameof(indices));
        OperationShapes.SameShape(values, indices, op, nameof(values), nameof(indices));
        int rows = OperationShapes.Rows(x), k = values.Shape[-1];
        if (k < 1 || k > x.Shape[-1] || OperationShapes.Rows(values) != rows)
            throw new ArgumentException($"{op}: values {values.Shape} must be [rows of x, k] with 1 <= k <= {x.Shape[-1]}.", nameof(values));
        SelectionKernels.TopK((float*)x.DataPointer, rows, x.Shape[-1], k, (float*)values.DataPointer, (int*)indices.DataPointer);
    }

    public void Add(Tensor a, Tensor b, Tensor y) => Binary(a, b, y, nameof(Add), multiply: false);

    public void Mul(Tensor a, Tensor b, Tensor y) => Binary(a, b, y, nameof(Mul), multiply: true);

    public void Scale(Tensor x, float scale, Tensor y)
    {
        CheckUnary(x, y, nameof(Scale));
        ElementwiseKernels.Scale((float*)x.DataPointer, scale, (float*)y.DataPointer, x.ElementCount);
    }

    public void AddScaled(Tensor a, Tensor b, float scale, Tensor y)
    {
        CheckUnary(a, y, nameof(AddScaled));
        TensorChecks.Type(b, DType.F32, nameof(AddScaled), nameof(b));
        OperationShapes.SameShape(a, b, nameof(AddScaled), nameof(a), nameof(b));
        ElementwiseKernels.AddScaled((float*)a.DataPointer, (float*)b.DataPointer, scale, (float*)y.DataPointer, a.ElementCount);
    }

    public void Convert(Tensor source, Tensor destination)
    {
        TensorChecks.Host(source, nameof(Convert), nameof(source));
        TensorChecks.Host(destination, nameof(Convert), nameof(destination));
        OperationShapes.SameShape(source, destination, nameof(Convert), nameof(source), nameof(destination));
        if (source.Scales is not null) throw new ArgumentException($"{nameof(Convert)}: block-scaled sources need MatMul or a dequantizing load, not a plain conversion.", nameof(source));
        ElementwiseKernels.Convert(source.DataPointer, source.DType, destination.DataPointer, destination.DType, source.ElementCount);
    }

    public void Dispose() => _pool.Dispose();

    private static void CheckUnary(Tensor x, Tensor y, string op)
    {
        TensorChecks.Type(x, DType.F32, op, nameof(x));
        TensorChecks.Type(y, DType.F32, op, nameof(y));
        OperationShapes.SameShape(x, y, op, nameof(x), nameof(y));
    }

    private static void Binary(Tensor a, Tensor b, Tensor y, string op, bool multiply)
    {
        CheckUnary(a, y, op);
        TensorChecks.Type(b, DType.F32, op, nameof(b));
        if (b.Shape != a.Shape && b.ElementCount != a.Shape[-1])
            throw new ArgumentException($"{op}: b {b.Shape} must have a's shape {a.Shape} or be one row of {a.Shape[-1]}.", nameof(b));
        if (multiply) ElementwiseKernels.Mul((float*)a.DataPointer, (float*)b.DataPointer, b.ElementCount, (float*)y.DataPointer, a.ElementCount);
        else ElementwiseKernels.Add((float*)a.DataPointer, (float*)b.DataPointer, b.ElementCount, (float*)y.DataPointer, a.ElementCount);
    }

    // ---- Multi-head latent attention ----

    public void LatentAttention(Tensor query, Tensor latents, Tensor ropeKeys, Tensor cacheLatents, Tensor cacheRopeKeys, int start,
        Tensor kvUpTransposed, int nopeDim, float scale, Tensor output)
    {
        const string op = nameof(LatentAttention);
        TensorChecks.Type(query, DType.F32, op, nameof(query));
        TensorChecks.Type(latents, DType.F32, op, nameof(latents));
        TensorChecks.Type(ropeKeys, DType.F32, op, nameof(ropeKeys));
        TensorChecks.Type(cacheLatents, DType.F32, op, nameof(cacheLatents));
        TensorChecks.Type(cacheRopeKeys, DType.F32, op, nameof(cacheRopeKeys));
        TensorChecks.Type(kvUpTransposed, DType.F32, op, nameof(kvUpTransposed));
        TensorChecks.Type(output, DType.F32, op, nameof(output));
        var d = OperationShapes.LatentAttention(query, latents, ropeKeys, cacheLatents, cacheRopeKeys, start, kvUpTransposed, nopeDim, output);
        float* cachedLatents = (float*)cacheLatents.DataPointer, cachedRopeKeys = (float*)cacheRopeKeys.DataPointer;
        new ReadOnlySpan<float>((float*)latents.DataPointer, d.Tokens * d.Rank).CopyTo(new Span<float>(cachedLatents + (long)start * d.Rank, d.Tokens * d.Rank));
        new ReadOnlySpan<float>((float*)ropeKeys.DataPointer, d.Tokens * d.RopeDim).CopyTo(new Span<float>(cachedRopeKeys + (long)start * d.RopeDim, d.Tokens * d.RopeDim));
        AttentionKernels.LatentAttention(_pool, (float*)query.DataPointer, d.Tokens, d.Heads, nopeDim, d.RopeDim,
            cachedLatents, cachedRopeKeys, d.Keys, d.Rank, (float*)kvUpTransposed.DataPointer, d.ValueDim, scale, (float*)output.DataPointer);
    }

    // ---- Grouped-query attention over a slot-based K/V cache ----

    public void GroupedQueryAttention(Tensor query, Tensor keys, Tensor values, Tensor cacheKeys, Tensor cacheValues, Tensor slots, Tensor positions, float scale, Tensor output,
        RotaryTables? rotary = null)
    {
        const string op = nameof(GroupedQueryAttention);
        TensorChecks.Type(query, DType.F32, op, nameof(query));
        TensorChecks.Type(keys, DType.F32, op, nameof(keys));
        TensorChecks.Type(values, DType.F32, op, nameof(values));
        TensorChecks.Type(cacheKeys, DType.F32, op, nameof(cacheKeys));
        TensorChecks.Type(cacheValues, DType.F32, op, nameof(cacheValues));
        TensorChecks.Type(slots, DType.I32, op, nameof(slots));
        TensorChecks.Type(positions, DType.I32, op, nameof(positions));
        TensorChecks.Type(output, DType.F32, op, nameof(output));
        var d = OperationShapes.GroupedQueryAttention(query, keys, values, cacheKeys, cacheValues, slots, positions, output);
        if (rotary is not null)
        {
            ApplyRotary(query, positions, rotary.Cos, rotary.Sin, rotary.Layout);
            ApplyRotary(keys, positions, rotary.Cos, rotary.Sin, rotary.Layout);
        }
        GroupedQueryAttentionKernels.Store((float*)keys.DataPointer, (float*)values.DataPointer, d.Rows, d.KvHeads, d.HeadDim, d.ValueDim,
            (float*)cacheKeys.DataPointer, (float*)cacheValues.DataPointer, d.SlotCount, d.Capacity, (int*)slots.DataPointer, (int*)positions.DataPointer);
        GroupedQueryAttentionKernels.Attend(_pool, (float*)query.DataPointer, d.Rows, d.Heads, d.KvHeads, d.HeadDim, d.ValueDim,
            (float*)cacheKeys.DataPointer, (float*)cacheValues.DataPointer, d.Capacity, (int*)slots.DataPointer, (int*)positions.DataPointer, scale, (float*)output.DataPointer);
    }

    // ---- Encoders and the VQ decoder: convolution, group norm, upsampling, unmasked attention (OperationShapes) ----

    public void Conv2d(Tensor x, Tensor weight, Tensor? bias, int stride, int padding, Tensor y)
    {
        const string op = nameof(Conv2d);
        TensorChecks.Type(x, DType.F32, op, nameof(x));
        TensorChecks.Type(y, DType.F32, op, nameof(y));
        TensorChecks.Host(weight, op, nameof(weight));
        if (bias is not null) TensorChecks.Type(bias, DType.F32, op, nameof(bias));
        var d = OperationShapes.Conv2d(x, weight, bias, stride, padding, y);
        var w = new WeightMatrix(weight.DataPointer, weight.DType, d.OutChannels, d.PatchSize);
        ConvolutionKernels.Conv2d(_pool, (float*)x.DataPointer, d.Batch, d.Height, d.Width, d.InChannels, w, d.KernelH, d.KernelW,
            bias is null ? null : (float*)bias.DataPointer, stride, padding, (float*)y.DataPointer, d.OutHeight, d.OutWidth);
    }

    public void GroupNorm(Tensor x, int groups, Tensor weight, Tensor bias, float eps, Tensor y)
    {
        const string op = nameof(GroupNorm);
        CheckUnary(x, y, op);
        TensorChecks.Type(weight, DType.F32, op, nameof(weight));
        TensorChecks.Type(bias, DType.F32, op, nameof(bias));
        int channels = OperationShapes.GroupNorm(x, groups, weight, bias);
        GroupNormKernels.GroupNorm(_pool, (float*)x.DataPointer, x.Shape[0], x.Shape[1], channels, groups,
            (float*)weight.DataPointer, (float*)bias.DataPointer, eps, (float*)y.DataPointer);
    }

    public void UpsampleNearest(Tensor x, Tensor y)
    {
        const string op = nameof(UpsampleNearest);
        TensorChecks.Type(x, DType.F32, op, nameof(x));
        TensorChecks.Type(y, DType.F32, op, nameof(y));
        var (fy, fx) = OperationShapes.UpsampleNearest(x, y);
        UpsampleKernels.Nearest(_pool, (float*)x.DataPointer, x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3], fy, fx, (float*)y.DataPointer);
    }

    public void UnmaskedAttention(Tensor query, Tensor keys, Tensor values, float scale, Tensor output)
    {
        const string op = nameof(UnmaskedAttention);
        TensorChecks.Type(query, DType.F32, op, nameof(query));
        TensorChecks.Type(keys, DType.F32, op, nameof(keys));
        TensorChecks.Type(values, DType.F32, op, nameof(values));
        TensorChecks.Type(output, DType.F32, op, nameof(output));
        var d = OperationShapes.UnmaskedAttention(query, keys, values, output);
        UnmaskedAttentionKernels.Attend(_pool, (float*)query.DataPointer, (float*)keys.DataPointer, (float*)values.DataPointer,
            d.Batch, d.Queries, d.Keys, d.Heads, d.HeadDim, d.ValueDim, scale, (float*)output.DataPointer);
    }

    // ---- Mixture of experts routed without leaving the backend (Cpu/ExpertKernels.cs; OperationShapes) ----

    public ExpertWeights PrepareExperts(IReadOnlyList<Tensor> matrices)
    {
        OperationShapes.ExpertMatrices(matrices);
        foreach (var m in matrices)
        {
            TensorChecks.Host(m, nameof(PrepareExperts), nameof(matrices));
            if (m.Scales is { } s) TensorChecks.Host(s.Scales, nameof(PrepareExperts), "matrices.Scales");
        }
        return new ExpertWeights(matrices.ToArray(), addressTable: null, aligned: true);
    }

    public void RouteExperts(Tensor logits, Layers.ExpertRouter router, Tensor? correctionBias, Tensor experts, Tensor weights)
    {
        const string op = nameof(RouteExperts);
        ArgumentNullException.ThrowIfNull(router);
        TensorChecks.Type(logits, DType.F32, op, nameof(logits));
        TensorChecks.Type(experts, DType.I32, op, nameof(experts));
        TensorChecks.Type(weights, DType.F32, op, nameof(weights));
        if (correctionBias is not null) TensorChecks.Type(correctionBias, DType.F32, op, nameof(correctionBias));
        int rows = OperationShapes.RouteExperts(logits, router.Experts, router.TopK, correctionBias, !router.CorrectionBias.IsEmpty, experts, weights);
        // The router applies its own copy of the bias, equal to correctionBias by the contract of the operation.
        ExpertKernels.Route(router, (float*)logits.DataPointer, rows, (int*)experts.DataPointer, (float*)weights.DataPointer);
    }

    public void ExpertGateUp(Tensor x, ExpertWeights gate, ExpertWeights up, Tensor experts, Tensor hidden)
    {
        const string op = nameof(ExpertGateUp);
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(up);
        TensorChecks.Type(x, DType.F32, op, nameof(x));
        TensorChecks.Type(experts, DType.I32, op, nameof(experts));
        TensorChecks.Type(hidden, DType.F32, op, nameof(hidden));
        var (rows, k) = OperationShapes.ExpertGateUp(x, gate, up, experts, hidden);
        ExpertKernels.GateUp(_pool, (float*)x.DataPointer, rows, k, gate, up, (int*)experts.DataPointer, (float*)hidden.DataPointer);
    }

    public void ExpertDown(Tensor hidden, ExpertWeights down, Tensor experts, Tensor weights, Tensor y, Tensor? sharedHidden = null, Tensor? sharedDown = null)
    {
        const string op = nameof(ExpertDown);
        ArgumentNullException.ThrowIfNull(down);
        TensorChecks.Type(hidden, DType.F32, op, nameof(hidden));
        TensorChecks.Type(experts, DType.I32, op, nameof(experts));
        TensorChecks.Type(weights, DType.F32, op, nameof(weights));
        TensorChecks.Type(y, DType.F32, op, nameof(y));
        var (rows, k) = OperationShapes.ExpertDown(hidden, down, experts, weights, y);
        float* shared = null;
        if (OperationShapes.ExpertDownShared(sharedHidden, sharedDown, down, rows))
        {
            TensorChecks.Type(sharedHidden!, DType.F32, op, nameof(sharedHidden));
            TensorChecks.Host(sharedDown!, op, nameof(sharedDown));
            if (sharedDown!.Scales is { } s) TensorChecks.Host(s.Scales, op, "sharedDown.Scales");
            shared = (float*)sharedHidden!.DataPointer;
        }
        ExpertKernels.Down(_pool, (float*)hidden.DataPointer, rows, k, down, (int*)experts.DataPointer, (float*)weights.DataPointer,
            shared, shared == null ? null : sharedDown, (float*)y.DataPointer);
    }
}
