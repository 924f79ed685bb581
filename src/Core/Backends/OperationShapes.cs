using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Backends;

/// <summary>Shape rules of the <see cref="IBackend"/> operations, shared by every backend so that a wrong shape reads
/// the same on each device. Types and placement (host memory, this GPU) are each backend's own check, made before
/// these. Nothing here allocates: decode steps run these checks hundreds of times a token.</summary>
internal static class OperationShapes
{
    public static void SameShape(Tensor a, Tensor b, string op, string nameA, string nameB)
    {
        if (a.Shape != b.Shape)
            throw new ArgumentException($"{op}: '{nameB}' {b.Shape} must have the shape of '{nameA}' {a.Shape}.", nameB);
    }

    /// <summary>The rows of <paramref name="t"/> seen as a matrix over its last axis.</summary>
    public static int Rows(Tensor t) => checked((int)(t.ElementCount / Math.Max(1, t.Shape[-1])));

    public static void Features(Tensor t, int expected, string op, string name)
    {
        if (t.Shape[-1] != expected)
            throw new ArgumentException($"{op}: '{name}' {t.Shape} must have {expected} features in its last axis.", name);
    }

    public readonly record struct LatentAttentionDims(int Tokens, int Heads, int NopeDim, int RopeDim, int Keys, int Rank, int ValueDim);

    /// <summary>Checks <see cref="IBackend.LatentAttention"/>'s operands; <c>Keys</c> is start + tokens, the cache rows
    /// the last query sees.</summary>
    public static LatentAttentionDims LatentAttention(Tensor query, Tensor latents, Tensor ropeKeys, Tensor cacheLatents, Tensor cacheRopeKeys, int start,
        Tensor kvUpTransposed, int nopeDim, Tensor output)
    {
        const string op = nameof(IBackend.LatentAttention);
        if (query.Rank != 3 || output.Rank != 3 || latents.Rank != 2 || cacheLatents.Rank != 2 || cacheRopeKeys.Rank != 2 || kvUpTransposed.Rank != 2
            || !(ropeKeys.Rank == 2 || ropeKeys.Rank == 3 && ropeKeys.Shape[1] == 1))
            throw new ArgumentException($"{op}: expected query/output [tokens, heads, dim], latents [tokens, rank], ropeKeys [tokens, (1,) rope], caches [capacity, dim], kvUpTransposed [rank, n].");
        int tokens = query.Shape[0], heads = query.Shape[1], ropeDim = query.Shape[2] - nopeDim;
        int capacity = cacheLatents.Shape[0], rank = cacheLatents.Shape[1], valueDim = output.Shape[2];
        if (nopeDim <= 0 || ropeDim != ropeKeys.Shape[-1] || ropeDim != cacheRopeKeys.Shape[1])
            throw new ArgumentException($"{op}: query {query.Shape} with nopeDim {nopeDim} does not match ropeKeys {ropeKeys.Shape} and the rotary key cache {cacheRopeKeys.Shape}.", nameof(query));
        if (latents.Shape[0] != tokens || latents.Shape[1] != rank || ropeKeys.Shape[0] != tokens)
            throw new ArgumentException($"{op}: the step's latents {latents.Shape} and ropeKeys {ropeKeys.Shape} must hold {tokens} rows of the caches' widths {rank} and {ropeDim}.", nameof(latents));
        if (cacheRopeKeys.Shape[0] != capacity || start < 0 || start > capacity - tokens)
            throw new ArgumentOutOfRangeException(nameof(start), $"{op}: rows {start}..{(long)start + tokens - 1} are outside the caches {cacheLatents.Shape} and {cacheRopeKeys.Shape}.");
        if (!latents.IsContiguous || !ropeKeys.IsContiguous || !cacheLatents.IsContiguous || !cacheRopeKeys.IsContiguous)
            throw new ArgumentException($"{op}: the step's rows and the caches must be contiguous.", nameof(cacheLatents));
        int keys = start + tokens;
        if (output.Shape[0] != tokens || output.Shape[1] != heads)
            throw new ArgumentException($"{op}: output {output.Shape} must be [{tokens}, {heads}, v].", nameof(output));
        if (kvUpTransposed.Shape[0] != rank || kvUpTransposed.Shape[1] != heads * (nopeDim + valueDim))
            throw new ArgumentException($"{op}: kvUpTransposed {kvUpTransposed.Shape} must be [{rank}, {heads * (nopeDim + valueDim)}].", nameof(kvUpTransposed));
        return new LatentAttentionDims(tokens, heads, nopeDim, ropeDim, keys, rank, valueDim);
    }

    public readonly record struct GroupedQueryDims(int Rows, int Heads, int KvHeads, int HeadDim, int ValueDim, int SlotCount, int Capacity);

    public static GroupedQueryDims GroupedQueryAttention(Tensor query, Tensor keys, Tensor values, Tensor cacheKeys, Tensor cacheValues, Tensor slots, Tensor positions, Tensor output)
    {
        const string op = nameof(IBackend.GroupedQueryAttention);
        if (query.Rank != 3 || keys.Rank != 3 || values.Rank != 3 || output.Rank != 3 || cacheKeys.Rank != 4 || cacheValues.Rank != 4)
            throw new ArgumentException($"{op}: expected query/keys/values/output [rows, heads, dim] and caches [slots, kvHeads, capacity, dim].");
        int rows = query.Shape[0], heads = query.Shape[1], headDim = query.Shape[2];
        int kvHeads = keys.Shape[1], valueDim = values.Shape[2];
        int slotCount = cacheKeys.Shape[0], capacity = cacheKeys.Shape[2];
        if (kvHeads == 0 || heads % kvHeads != 0)
            throw new ArgumentException($"{op}: keys {keys.Shape} must have a number of heads dividing the {heads} query heads.", nameof(keys));
        // Dimension by dimension: a Shape to compare against would allocate on every decode step.
        if (keys.Shape[0] != rows || keys.Shape[2] != headDim)
            throw new ArgumentException($"{op}: keys {keys.Shape} must be [{rows}, {kvHeads}, {headDim}].", nameof(keys));
        if (values.Shape[0] != rows || values.Shape[1] != kvHeads)
            throw new ArgumentException($"{op}: values {values.Shape} must be [{rows}, {kvHeads}, v].", nameof(values));
        if (cacheKeys.Shape[1] != kvHeads || cacheKeys.Shape[3] != headDim)
            throw new ArgumentException($"{op}: cacheKeys {cacheKeys.Shape} must be [slots, {kvHeads}, capacity, {headDim}].", nameof(cacheKeys));
        if (cacheValues.Shape[0] != slotCount || cacheValues.Shape[1] != kvHeads || cacheValues.Shape[2] != capacity || cacheValues.Shape[3] != valueDim)
            throw new ArgumentException($"{op}: cacheValues {cacheValues.Shape} must be [{slotCount}, {kvHeads}, {capacity}, {valueDim}].", nameof(cacheValues));
        if (output.Shape[0] != rows || output.Shape[1] != heads || output.Shape[2] != valueDim)
            throw new ArgumentException($"{op}: output {output.Shape} must be [{rows}, {heads}, {valueDim}].", nameof(output));
        if (slots.ElementCount != rows || positions.ElementCount != rows)
            throw new ArgumentException($"{op}: slots {slots.Shape} and positions {positions.Shape} must have one value per row ({rows}).", nameof(slots));
        return new GroupedQueryDims(rows, heads, kvHeads, headDim, valueDim, slotCount, capacity);
    }

    public readonly record struct Conv2dDims(int Batch, int Height, int Width, int InChannels, int OutChannels,
        int KernelH, int KernelW, int OutHeight, int OutWidth)
    {
        /// <summary>Inputs per output: the row length of the weight viewed as a matrix [out, in·kh·kw].</summary>
        public int PatchSize => checked(InChannels * KernelH * KernelW);
    }

    public static Conv2dDims Conv2d(Tensor x, Tensor weight, Tensor? bias, int stride, int padding, Tensor y)
    {
        const string op = nameof(IBackend.Conv2d);
        if (x.Rank != 4 || y.Rank != 4 || weight.Rank != 4)
            throw new ArgumentException($"{op}: expected x [batch, height, width, in], weight [out, in, kh, kw] and y [batch, outHeight, outWidth, out]; got x {x.Shape}, weight {weight.Shape}, y {y.Shape}.");
        if (weight.DType is not (DType.F32 or DType.BF16 or DType.F16))
            throw new ArgumentException($"{op}: weight must be F32, BF16 or F16, got {weight.DType}.", nameof(weight));
        if (stride < 1) throw new ArgumentOutOfRangeException(nameof(stride), stride, $"{op}: stride must be at least 1.");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), padding, $"{op}: padding must not be negative.");
        int batch = x.Shape[0], height = x.Shape[1], width = x.Shape[2], inChannels = x.Shape[3];
        int outChannels = weight.Shape[0], kernelH = weight.Shape[2], kernelW = weight.Shape[3];
        if (weight.Shape[1] != inChannels)
            throw new ArgumentException($"{op}: weight {weight.Shape} must take the {inChannels} channels of x {x.Shape}.", nameof(weight));
        int outHeight = (height + 2 * padding - kernelH) / stride + 1, outWidth = (width + 2 * padding - kernelW) / stride + 1;
        if (height + 2 * padding < kernelH || width + 2 * padding < kernelW || y.Shape != new Shape(batch, outHeight, outWidth, outChannels))
            throw new ArgumentException($"{op}: y {y.Shape} must be [{batch}, {outHeight}, {outWidth}, {outChannels}] for x {x.Shape}, a {kernelH}x{kernelW} kernel, stride {stride} and padding {padding}.", nameof(y));
        if (bias is not null && bias.ElementCount != outChannels)
            throw new ArgumentException($"{op}: bias {bias.Shape} must have {outChannels} values.", nameof(bias));
        return new Conv2dDims(batch, height, width, inChannels, outChannels, kernelH, kernelW, outHeight, outWidth);
    }

    /// <summary>Checks GroupNorm's arguments and returns the channel count.</summary>
    public static int GroupNorm(Tensor x, int groups, Tensor weight, Tensor bias)
    {
        const string op = nameof(IBackend.GroupNorm);
        if (x.Rank != 3) throw new ArgumentException($"{op}: x {x.Shape} must be [batch, positions, channels].", nameof(x));
        int channels = x.Shape[2];
        if (groups < 1 || channels % groups != 0)
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"{op}: the number of groups must divide the {channels} channels.");
        if (weight.ElementCount != channels || bias.ElementCount != channels)
            throw new ArgumentException($"{op}: weight {weight.Shape} and bias {bias.Shape} must have {channels} values.", nameof(weight));
        return channels;
    }

    /// <summary>Checks the shapes of a nearest upsampling and returns its vertical and horizontal factors.</summary>
    public static (int Fy, int Fx) UpsampleNearest(Tensor x, Tensor y)
    {
        if (x.Rank != 4 || y.Rank != 4 || x.Shape[0] != y.Shape[0] || x.Shape[3] != y.Shape[3]
            || x.Shape[1] == 0 || x.Shape[2] == 0 || y.Shape[1] % x.Shape[1] != 0 || y.Shape[2] % x.Shape[2] != 0 || y.Shape[1] < x.Shape[1] || y.Shape[2] < x.Shape[2])
            throw new ArgumentException($"{nameof(IBackend.UpsampleNearest)}: y {y.Shape} must be x {x.Shape} ([batch, height, width, channels]) with height and width multiplied by whole factors.", nameof(y));
        return (y.Shape[1] / x.Shape[1], y.Shape[2] / x.Shape[2]);
    }

    public readonly record struct AttentionDims(int Batch, int Queries, int Keys, int Heads, int HeadDim, int ValueDim);

    public static AttentionDims UnmaskedAttention(Tensor query, Tensor keys, Tensor values, Tensor output)
    {
        const string op = nameof(IBackend.UnmaskedAttention);
        if (query.Rank != 4 || keys.Rank != 4 || values.Rank != 4 || output.Rank != 4)
            throw new ArgumentException($"{op}: expected query/keys/values/output [batch, tokens, heads, dim].");
        int batch = query.Shape[0], queries = query.Shape[1], heads = query.Shape[2], headDim = query.Shape[3];
        int keyCount = keys.Shape[1], valueDim = values.Shape[3];
        if (keys.Shape != new Shape(batch, keyCount, heads, headDim) || keyCount == 0)
            throw new ArgumentException($"{op}: keys {keys.Shape} must be [{batch}, keys ≥ 1, {heads}, {headDim}].", nameof(keys));
        if (values.Shape != new Shape(batch, keyCount, heads, valueDim))
            throw new ArgumentException($"{op}: values {values.Shape} must be [{batch}, {keyCount}, {heads}, v].", nameof(values));
        if (output.Shape != new Shape(batch, queries, heads, valueDim))
            throw new ArgumentException($"{op}: output {output.Shape} must be [{batch}, {queries}, {heads}, {valueDim}].", nameof(output));
        return new AttentionDims(batch, queries, keyCount, heads, headDim, valueDim);
    }

    /// <summary>The matrices of <see cref="IBackend.PrepareExperts"/>: at least one, each 2-D and contiguous, all of one
    /// shape and dtype (F32, BF16, F16, or F8E4M3 with block scales), scales of one tiling or none.</summary>
    public static void ExpertMatrices(IReadOnlyList<Tensor> matrices)
    {
        const string op = nameof(IBackend.PrepareExperts);
        ArgumentNullException.ThrowIfNull(matrices);
        if (matrices.Count == 0) throw new ArgumentException($"{op}: no expert matrices.", nameof(matrices));
        var first = matrices[0];
        if (first.Rank != 2) throw new ArgumentException($"{op}: expert 0's matrix {first.Shape} must be 2-D [out, in].", nameof(matrices));
        if (first.DType is not (DType.F32 or DType.BF16 or DType.F16 or DType.F8E4M3))
            throw new NotSupportedException($"{op}: expert weights must be F32, BF16, F16 or F8E4M3, got {first.DType}.");
        if (first.DType == DType.F8E4M3 && first.Scales is null)
            throw new ArgumentException($"{op}: F8E4M3 expert weights need their block scales (weight_scale_inv).", nameof(matrices));
        for (int e = 0; e < matrices.Count; e++)
        {
            var m = matrices[e];
            if (m.Shape != first.Shape || m.DType != first.DType)
                throw new ArgumentException($"{op}: expert {e}'s matrix {m.DType} {m.Shape} differs from expert 0's {first.DType} {first.Shape}.", nameof(matrices));
            if (!m.IsContiguous) throw new ArgumentException($"{op}: expert {e}'s matrix {m.Shape} must be contiguous.", nameof(matrices));
            var s = m.Scales;
            if ((s is null) != (first.Scales is null)
                || (s is not null && (s.BlockRows != first.Scales!.BlockRows || s.BlockCols != first.Scales.BlockCols || !s.Scales.IsContiguous)))
                throw new ArgumentException($"{op}: expert {e}'s block scales differ in presence or tiling from expert 0's.", nameof(matrices));
            s?.Validate(m.Shape, $"expert {e}");
        }
    }

    /// <summary>Rows of <see cref="IBackend.RouteExperts"/>: logits [rows, experts], ids and weights [rows, k].</summary>
    public static int RouteExperts(Tensor logits, int experts, int k, Tensor? correctionBias, bool routerHasBias, Tensor ids, Tensor weights)
    {
        const string op = nameof(IBackend.RouteExperts);
        Features(logits, experts, op, nameof(logits));
        int rows = Rows(logits);
        if (ids.ElementCount != (long)rows * k || ids.Shape[-1] != k)
            throw new ArgumentException($"{op}: experts {ids.Shape} must be [{rows}, {k}].", "experts");
        SameShape(ids, weights, op, "experts", nameof(weights));
        if (routerHasBias != correctionBias is not null)
            throw new ArgumentException($"{op}: pass the router's e_score_correction_bias exactly when it has one (it {(routerHasBias ? "has" : "has none")}).", nameof(correctionBias));
        if (correctionBias is not null && correctionBias.ElementCount != experts)
            throw new ArgumentException($"{op}: correctionBias {correctionBias.Shape} must have {experts} values.", nameof(correctionBias));
        return rows;
    }

    /// <summary>(rows, k) of <see cref="IBackend.ExpertGateUp"/>: x [rows, in], experts [rows, k], hidden [rows, k, out].</summary>
    public static (int Rows, int K) ExpertGateUp(Tensor x, ExpertWeights gate, ExpertWeights up, Tensor ids, Tensor hidden)
    {
        const string op = nameof(IBackend.ExpertGateUp);
        if (up.Count != gate.Count || up.OutFeatures != gate.OutFeatures || up.InFeatures != gate.InFeatures || up.DType != gate.DType)
            throw new ArgumentException($"{op}: up ({up.Count} × {up.DType} [{up.OutFeatures}, {up.InFeatures}]) must match gate ({gate.Count} × {gate.DType} [{gate.OutFeatures}, {gate.InFeatures}]).", nameof(up));
        Features(x, gate.InFeatures, op, nameof(x));
        int rows = Rows(x), k = ids.Shape[-1];
        if (ids.ElementCount != (long)rows * k) throw new ArgumentException($"{op}: experts {ids.Shape} must be [{rows}, k].", "experts");
        if (hidden.Rank != 3 || hidden.Shape[0] != rows || hidden.Shape[1] != k || hidden.Shape[2] != gate.OutFeatures)
            throw new ArgumentException($"{op}: hidden {hidden.Shape} must be [{rows}, {k}, {gate.OutFeatures}].", nameof(hidden));
        return (rows, k);
    }

    /// <summary>(rows, k) of <see cref="IBackend.ExpertDown"/>: hidden [rows, k, in], experts and weights [rows, k], y [rows, out].</summary>
    public static (int Rows, int K) ExpertDown(Tensor hidden, ExpertWeights down, Tensor ids, Tensor weights, Tensor y)
    {
        const string op = nameof(IBackend.ExpertDown);
        if (hidden.Rank != 3 || hidden.Shape[2] != down.InFeatures)
            throw new ArgumentException($"{op}: hidden {hidden.Shape} must be [rows, k, {down.InFeatures}].", nameof(hidden));
        int rows = hidden.Shape[0], k = hidden.Shape[1];
        if (ids.ElementCount != (long)rows * k || ids.Shape[-1] != k)
            throw new ArgumentException($"{op}: experts {ids.Shape} must be [{rows}, {k}].", "experts");
        SameShape(ids, weights, op, "experts", nameof(weights));
        Features(y, down.OutFeatures, op, nameof(y));
        if (Rows(y) != rows) throw new ArgumentException($"{op}: y {y.Shape} must have {rows} rows.", nameof(y));
        return (rows, k);
    }

    /// <summary>The optional shared-experts product of <see cref="IBackend.ExpertDown"/>: both or neither; sharedDown
    /// [out, sharedIn] of the experts' dtype (FP8 with scales), sharedHidden [rows, sharedIn].</summary>
    public static bool ExpertDownShared(Tensor? sharedHidden, Tensor? sharedDown, ExpertWeights down, int rows)
    {
        const string op = nameof(IBackend.ExpertDown);
        if (sharedHidden is null && sharedDown is null) return false;
        if (sharedHidden is null || sharedDown is null)
            throw new ArgumentException($"{op}: give both sharedHidden and sharedDown, or neither.", sharedHidden is null ? nameof(sharedHidden) : nameof(sharedDown));
        if (sharedDown.Rank != 2 || sharedDown.Shape[0] != down.OutFeatures || sharedDown.DType != down.DType || !sharedDown.IsContiguous)
            throw new ArgumentException($"{op}: sharedDown {sharedDown.DType} {sharedDown.Shape} must be a contiguous {down.DType} [{down.OutFeatures}, in].", nameof(sharedDown));
        if (sharedDown.DType == DType.F8E4M3 && sharedDown.Scales is null)
            throw new ArgumentException($"{op}: an F8E4M3 sharedDown needs its block scales.", nameof(sharedDown));
        sharedDown.Scales?.Validate(sharedDown.Shape, nameof(sharedDown));
        Features(sharedHidden, sharedDown.Shape[1], op, nameof(sharedHidden));
        if (Rows(sharedHidden) != rows) throw new ArgumentException($"{op}: sharedHidden {sharedHidden.Shape} must have {rows} rows.", nameof(sharedHidden));
        return true;
    }
}
