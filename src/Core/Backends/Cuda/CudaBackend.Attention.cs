using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Backends.Cuda;

// Attention over caches read in place (Kernels/attention.cu). Each query item (a token's head) is split over its
// keys when there are too few items to fill the GPU (decode), and the splits are merged afterwards.
public sealed unsafe partial class CudaBackend
{
    private const uint AttentionBlock = 256;
    private const int AttentionWarps = 8;
    private const int MaxSplits = 64;
    private const int MinKeysPerSplit = 32;

    // ---- Multi-head latent attention (DeepSeek-V2 2.1.2, absorbed) ----

    public void LatentAttention(Tensor query, Tensor latents, Tensor ropeKeys, Tensor kvUpTransposed, int nopeDim, float scale, Tensor output)
    {
        const string op = nameof(LatentAttention);
        Enter();
        _checks.Type(query, DType.F32, op, nameof(query));
        _checks.Type(latents, DType.F32, op, nameof(latents));
        _checks.Type(ropeKeys, DType.F32, op, nameof(ropeKeys));
        _checks.Type(kvUpTransposed, DType.F32, op, nameof(kvUpTransposed));
        _checks.Type(output, DType.F32, op, nameof(output));
        if (query.Rank != 3 || output.Rank != 3 || latents.Rank != 2 || ropeKeys.Rank != 2 || kvUpTransposed.Rank != 2)
            throw new ArgumentException($"{op}: expected query/output [tokens, heads, dim], latents/ropeKeys [keys, dim], kvUpTransposed [rank, n].");
        int tokens = query.Shape[0], heads = query.Shape[1], ropeDim = query.Shape[2] - nopeDim;
        int keys = latents.Shape[0], rank = latents.Shape[1], valueDim = output.Shape[2];
        if (nopeDim <= 0 || ropeDim != ropeKeys.Shape[1])
            throw new ArgumentException($"{op}: query {query.Shape} with nopeDim {nopeDim} does not match ropeKeys {ropeKeys.Shape}.", nameof(query));
        if (ropeKeys.Shape[0] != keys || tokens > keys)
            throw new ArgumentException($"{op}: {tokens} queries need at most latents {latents.Shape} rows and matching ropeKeys {ropeKeys.Shape}.", nameof(latents));
        if (output.Shape[0] != tokens || output.Shape[1] != heads)
            throw new ArgumentException($"{op}: output {output.Shape} must be [{tokens}, {heads}, v].", nameof(output));
        if (kvUpTransposed.Shape[0] != rank || kvUpTransposed.Shape[1] != heads * (nopeDim + valueDim))
            throw new ArgumentException($"{op}: kvUpTransposed {kvUpTransposed.Shape} must be [{rank}, {heads * (nopeDim + valueDim)}].", nameof(kvUpTransposed));
        if (tokens == 0) return;

        int items = tokens * heads, upStride = heads * (nopeDim + valueDim);
        int splits = Splits(items, keys);
        ulong pq = CudaChecks.Address(query), pl = CudaChecks.Address(latents), pr = CudaChecks.Address(ropeKeys);
        ulong pu = CudaChecks.Address(kvUpTransposed), po = CudaChecks.Address(output);
        ulong qLatent = _scratch.Get("attention.query_latent", (long)items * rank * 4);
        ulong oLatent = _scratch.Get("attention.output_latent", (long)items * rank * 4);
        var (pMax, pSum, pValues) = Partials(items, splits, rank);

        void** absorb = stackalloc void*[] { &pq, &heads, &nopeDim, &ropeDim, &pu, &upStride, &valueDim, &rank, &qLatent };
        _graphs.Kernel(_functions.MlaAbsorbQuery, (uint)items, (uint)((rank + 7) / 8), AttentionBlock, 0, absorb, "mla_absorb_query");

        uint shared = AttentionShared(rank, ropeDim, rank, _functions.MlaAttend);
        void** attend = stackalloc void*[] { &qLatent, &pq, &tokens, &heads, &nopeDim, &ropeDim, &rank, &pl, &pr, &keys, &scale, &splits, &pMax, &pSum, &pValues };
        _graphs.Kernel(_functions.MlaAttend, (uint)items, (uint)splits, AttentionBlock, shared, attend, "mla_attend");

        Combine(pMax, pSum, pValues, splits, rank, oLatent, items);

        void** value = stackalloc void*[] { &oLatent, &heads, &rank, &pu, &upStride, &nopeDim, &valueDim, &po };
        _graphs.Kernel(_functions.MlaAbsorbValue, (uint)items, (uint)((valueDim + 31) / 32), AttentionBlock, 0, value, "mla_absorb_value");
    }

    // ---- Grouped-query attention over a slot-based K/V cache (Llama, Qwen2) ----

    public void GroupedQueryAttention(Tensor query, Tensor keys, Tensor values, Tensor cacheKeys, Tensor cacheValues, Tensor slots, Tensor positions, float scale, Tensor output)
    {
        const string op = nameof(GroupedQueryAttention);
        Enter();
        _checks.Type(query, DType.F32, op, nameof(query));
        _checks.Type(keys, DType.F32, op, nameof(keys));
        _checks.Type(values, DType.F32, op, nameof(values));
        _checks.Type(cacheKeys, DType.F32, op, nameof(cacheKeys));
        _checks.Type(cacheValues, DType.F32, op, nameof(cacheValues));
        _checks.Type(slots, DType.I32, op, nameof(slots));
        _checks.Type(positions, DType.I32, op, nameof(positions));
        _checks.Type(output, DType.F32, op, nameof(output));
        if (query.Rank != 3 || keys.Rank != 3 || values.Rank != 3 || output.Rank != 3 || cacheKeys.Rank != 4 || cacheValues.Rank != 4)
            throw new ArgumentException($"{op}: expected query/keys/values/output [rows, heads, dim] and caches [slots, kvHeads, capacity, dim].");
        int rows = query.Shape[0], heads = query.Shape[1], headDim = query.Shape[2];
        int kvHeads = keys.Shape[1], valueDim = values.Shape[2];
        int slotCount = cacheKeys.Shape[0], capacity = cacheKeys.Shape[2];
        if (kvHeads == 0 || heads % kvHeads != 0)
            throw new ArgumentException($"{op}: keys {keys.Shape} must have a number of heads dividing the {heads} query heads.", nameof(keys));
        if (keys.Shape != new Shape(rows, kvHeads, headDim))
            throw new ArgumentException($"{op}: keys {keys.Shape} must be [{rows}, {kvHeads}, {headDim}].", nameof(keys));
        if (values.Shape[0] != rows || values.Shape[1] != kvHeads)
            throw new ArgumentException($"{op}: values {values.Shape} must be [{rows}, {kvHeads}, v].", nameof(values));
        if (cacheKeys.Shape != new Shape(slotCount, kvHeads, capacity, headDim))
            throw new ArgumentException($"{op}: cacheKeys {cacheKeys.Shape} must be [slots, {kvHeads}, capacity, {headDim}].", nameof(cacheKeys));
        if (cacheValues.Shape != new Shape(slotCount, kvHeads, capacity, valueDim))
            throw new ArgumentException($"{op}: cacheValues {cacheValues.Shape} must be [{slotCount}, {kvHeads}, {capacity}, {valueDim}].", nameof(cacheValues));
        if (output.Shape != new Shape(rows, heads, valueDim))
            throw new ArgumentException($"{op}: output {output.Shape} must be [{rows}, {heads}, {valueDim}].", nameof(output));
        if (slots.ElementCount != rows || positions.ElementCount != rows)
            throw new ArgumentException($"{op}: slots {slots.Shape} and positions {positions.Shape} must have one value per row ({rows}).", nameof(slots));
        if (rows == 0) return;

        ulong pq = CudaChecks.Address(query), pk = CudaChecks.Address(keys), pv = CudaChecks.Address(values);
        ulong ck = CudaChecks.Address(cacheKeys), cv = CudaChecks.Address(cacheValues);
        ulong ps = CudaChecks.Address(slots), pp = CudaChecks.Address(positions), po = CudaChecks.Address(output), errors = _errors.DevicePointer;
        void** store = stackalloc void*[] { &pk, &pv, &kvHeads, &headDim, &valueDim, &ck, &cv, &slotCount, &capacity, &ps, &pp, &errors };
        _graphs.Kernel(_functions.GqaStore, (uint)rows, (uint)kvHeads, 128, 0, store, "gqa_store");

        // Visible lengths live on the device; the capacity bounds them, and each split sizes itself to its row.
        int items = rows * heads;
        int splits = Splits(items, capacity);
        var (pMax, pSum, pValues) = Partials(items, splits, valueDim);
        uint shared = AttentionShared(headDim, 0, valueDim, _functions.GqaAttend);
        void** attend = stackalloc void*[] { &pq, &heads, &kvHeads, &headDim, &valueDim, &ck, &cv, &slotCount, &capacity, &ps, &pp, &scale, &splits, &pMax, &pSum, &pValues };
        _graphs.Kernel(_functions.GqaAttend, (uint)items, (uint)splits, AttentionBlock, shared, attend, "gqa_attend");

        Combine(pMax, pSum, pValues, splits, valueDim, po, items);
    }

    // Enough blocks for two per SM, but no split shorter than MinKeysPerSplit keys.
    private int Splits(int items, int keys)
    {
        int wanted = (2 * Info.Multiprocessors + items - 1) / items;
        int byKeys = Math.Max(1, (keys + MinKeysPerSplit - 1) / MinKeysPerSplit);
        return Math.Clamp(Math.Min(wanted, byKeys), 1, MaxSplits);
    }

    private (ulong Max, ulong Sum, ulong Values) Partials(int items, int splits, int dimV)
    {
        long count = (long)items * splits;
        return (_scratch.Get("attention.partial_max", count * 4), _scratch.Get("attention.partial_sum", count * 4),
            _scratch.Get("attention.partial_values", count * dimV * 4));
    }

    private void Combine(ulong pMax, ulong pSum, ulong pValues, int splits, int dimV, ulong output, int items)
    {
        void** args = stackalloc void*[] { &pMax, &pSum, &pValues, &splits, &dimV, &output };
        _graphs.Kernel(_functions.AttentionCombine, (uint)items, 1, 128, 0, args, "attn_combine");
    }

    // attend_split's shared memory: the query parts and, per warp, a value row and its max and sum.
    private uint AttentionShared(int dimA, int dimB, int dimV, IntPtr function)
    {
        int bytes = (dimA + dimB + AttentionWarps * (dimV + 2)) * sizeof(float);
        if (bytes > 48 * 1024)
        {
            lock (_sharedOptIn)
            {
                if (!_sharedOptIn.TryGetValue(function, out int allowed) || allowed < bytes)
                {
                    CudaKernels.AllowSharedMemory(function, bytes);
                    _sharedOptIn[function] = bytes;
                }
            }
        }
        return (uint)bytes;
    }
}
