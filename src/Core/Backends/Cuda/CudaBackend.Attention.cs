using DeepSeek.Sdk.Backends.Cuda.Interop;
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
    // gqa_decode: threads per block (16 warps: with one block per SM, enough to hide each other's latencies), keys
    // per block and round (DECODE_KEYS), feature slices of the scores (DECODE_SLICES), the cluster size asked for
    // where the GPU has thread block clusters (the portable maximum, DECODE_MAX_CLUSTER), and the most blocks per
    // key/value head.
    private const uint DecodeBlock = 512;
    private const int DecodeKeys = 32;
    private const int DecodeSlices = 8;
    private const int DecodeClusterSize = 8;
    private const int MaxDecodeBlocks = 128;
    private const int FunctionAttributeRequiredClusterWidth = 11, FunctionAttributeRequiredClusterHeight = 12, FunctionAttributeRequiredClusterDepth = 13;
    private int _decodeCluster;

    // ---- Multi-head latent attention (DeepSeek-V2 2.1.2, absorbed) ----

    public void LatentAttention(Tensor query, Tensor latents, Tensor ropeKeys, Tensor cacheLatents, Tensor cacheRopeKeys, int start,
        Tensor kvUpTransposed, int nopeDim, float scale, Tensor output)
    {
        const string op = nameof(LatentAttention);
        Enter();
        _checks.Type(query, DType.F32, op, nameof(query));
        _checks.Type(latents, DType.F32, op, nameof(latents));
        _checks.Type(ropeKeys, DType.F32, op, nameof(ropeKeys));
        _checks.Type(cacheLatents, DType.F32, op, nameof(cacheLatents));
        _checks.Type(cacheRopeKeys, DType.F32, op, nameof(cacheRopeKeys));
        _checks.Type(kvUpTransposed, DType.F32, op, nameof(kvUpTransposed));
        _checks.Type(output, DType.F32, op, nameof(output));
        var d = OperationShapes.LatentAttention(query, latents, ropeKeys, cacheLatents, cacheRopeKeys, start, kvUpTransposed, nopeDim, output);
        int tokens = d.Tokens, heads = d.Heads, ropeDim = d.RopeDim, keys = d.Keys, rank = d.Rank, valueDim = d.ValueDim;
        if (tokens == 0) return;

        int items = tokens * heads, upStride = heads * (nopeDim + valueDim);
        int splits = Splits(items, keys);
        ulong pq = CudaChecks.Address(query), pl = CudaChecks.Address(cacheLatents), pr = CudaChecks.Address(cacheRopeKeys);
        ulong pnl = CudaChecks.Address(latents), pnr = CudaChecks.Address(ropeKeys);
        ulong pu = CudaChecks.Address(kvUpTransposed), po = CudaChecks.Address(output);
        ulong qLatent = _scratch.Get("attention.query_latent", (long)items * rank * 4);
        ulong oLatent = _scratch.Get("attention.output_latent", (long)items * rank * 4);
        var (pMax, pSum, pValues) = Partials(items, splits, rank);

        // The query absorption also stores the step's latents and rotary keys into the cache rows start.., so that
        // the attention kernel after it (which waits for it) reads them there.
        void** absorb = stackalloc void*[] { &pq, &heads, &nopeDim, &ropeDim, &pu, &upStride, &valueDim, &rank, &qLatent, &pnl, &pnr, &pl, &pr, &start };
        _graphs.Kernel(_functions.MlaAbsorbQuery, (uint)items, (uint)((rank + 7) / 8), AttentionBlock, 0, absorb, "mla_absorb_query");

        uint shared = AttentionShared(rank, ropeDim, rank, _functions.MlaAttend);
        void** attend = stackalloc void*[] { &qLatent, &pq, &tokens, &heads, &nopeDim, &ropeDim, &rank, &pl, &pr, &keys, &scale, &splits, &pMax, &pSum, &pValues };
        _graphs.Kernel(_functions.MlaAttend, (uint)items, (uint)splits, AttentionBlock, shared, attend, "mla_attend");

        Combine(pMax, pSum, pValues, splits, rank, oLatent, items);

        void** value = stackalloc void*[] { &oLatent, &heads, &rank, &pu, &upStride, &nopeDim, &valueDim, &po };
        _graphs.Kernel(_functions.MlaAbsorbValue, (uint)items, (uint)((valueDim + 31) / 32), AttentionBlock, 0, value, "mla_absorb_value");
    }

    // ---- Grouped-query attention over a slot-based K/V cache (Llama, Qwen2) ----

    public void GroupedQueryAttention(Tensor query, Tensor keys, Tensor values, Tensor cacheKeys, Tensor cacheValues, Tensor slots, Tensor positions, float scale, Tensor output,
        RotaryTables? rotary = null)
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
        var d = OperationShapes.GroupedQueryAttention(query, keys, values, cacheKeys, cacheValues, slots, positions, output);
        int rows = d.Rows, heads = d.Heads, kvHeads = d.KvHeads, headDim = d.HeadDim, valueDim = d.ValueDim, slotCount = d.SlotCount, capacity = d.Capacity;
        if (rows == 0) return;

        ulong cos = 0, sin = 0;
        int half = 0, maxPositions = 0, interleaved = 0;
        if (rotary is not null)
        {
            _checks.Type(rotary.Cos, DType.F32, op, "rotary.Cos");
            _checks.Type(rotary.Sin, DType.F32, op, "rotary.Sin");
            if (rotary.Cos.Rank != 2) throw new ArgumentException($"{op}: rotary.Cos {rotary.Cos.Shape} must be [maxPositions, rotaryDim / 2].", nameof(rotary));
            OperationShapes.SameShape(rotary.Cos, rotary.Sin, op, "rotary.Cos", "rotary.Sin");
            (half, maxPositions) = (rotary.Cos.Shape[1], rotary.Cos.Shape[0]);
            if (2 * half > headDim) throw new ArgumentException($"{op}: {2 * half} rotary features do not fit a head of {headDim}.", nameof(rotary));
            (cos, sin, interleaved) = (CudaChecks.Address(rotary.Cos), CudaChecks.Address(rotary.Sin), rotary.Layout == RotaryLayout.Interleaved ? 1 : 0);
        }
        ulong pq = CudaChecks.Address(query), pk = CudaChecks.Address(keys), pv = CudaChecks.Address(values);
        ulong ck = CudaChecks.Address(cacheKeys), cv = CudaChecks.Address(cacheValues);
        ulong ps = CudaChecks.Address(slots), pp = CudaChecks.Address(positions), po = CudaChecks.Address(output), errors = _errors.DevicePointer;
        if (rows == 1)
        {
            // Batch-1 decode: everything in one kernel (gqa_decode). One row cannot depend on another row's keys.
            // The grid is sized from the capacity, so that it stays the same from step to step; the kernel uses
            // only the blocks that the visible length needs.
            int cluster = DecodeCluster();
            int clusters = DecodeClusters(kvHeads, capacity, cluster);
            var (dMax, dSum, dValues) = Partials(heads, clusters, valueDim);
            // Finished clusters, one counter per key/value head and block rank.
            ulong counters = ZeroedCounters("attention.decode_counters", kvHeads * cluster);
            int group = heads / kvHeads;
            // A second pair of key/value tiles only where a block can have more than one round of keys, so that the
            // next round's copies are in flight during this one.
            int buffers = (capacity + cluster * clusters - 1) / (cluster * clusters) > DecodeKeys ? 2 : 1;
            // gqa_decode's sections, each from a multiple of 4 floats: query heads, angles, key and value tiles, partial
            // scores per feature slice, weighted values, softmax state, and the partials the cluster pushes.
            int strideK = headDim % 4 == 0 ? headDim + 4 : headDim + 1;
            int tile = DecodeKeys * strideK + Round4(DecodeKeys * valueDim);
            int share = (valueDim + cluster - 1) / cluster;
            int floats = Round4(group * headDim) + 2 * Round4(half) + buffers * tile + DecodeSlices * group * DecodeKeys + group * valueDim + 3 * group
                + cluster * (2 * group + group * share);
            uint decodeShared = OptInShared(floats * sizeof(float), _functions.GqaDecode);
            void** decode = stackalloc void*[] { &pq, &heads, &pk, &pv, &kvHeads, &headDim, &valueDim, &ck, &cv, &slotCount, &capacity, &ps, &pp,
                &cos, &sin, &half, &maxPositions, &interleaved, &scale, &buffers, &dMax, &dSum, &dValues, &counters, &po, &errors };
            _graphs.Kernel(_functions.GqaDecode, (uint)(cluster * clusters), (uint)kvHeads, DecodeBlock, decodeShared, decode, "gqa_decode");
            return;
        }
        int items = rows * heads;
        int splits = Splits(items, capacity);
        var (pMax, pSum, pValues) = Partials(items, splits, valueDim);
        void** store = stackalloc void*[] { &pq, &heads, &pk, &pv, &kvHeads, &headDim, &valueDim, &ck, &cv, &slotCount, &capacity, &ps, &pp,
            &cos, &sin, &half, &maxPositions, &interleaved, &errors };
        _graphs.Kernel(_functions.GqaStore, (uint)rows, (uint)kvHeads, 128, 0, store, "gqa_store");

        // Visible lengths live on the device; the capacity bounds them, and each split sizes itself to its row.
        uint shared = AttentionShared(headDim, 0, valueDim, _functions.GqaAttend);
        void** attend = stackalloc void*[] { &pq, &heads, &kvHeads, &headDim, &valueDim, &ck, &cv, &slotCount, &capacity, &ps, &pp, &scale, &splits, &pMax, &pSum, &pValues };
        _graphs.Kernel(_functions.GqaAttend, (uint)items, (uint)splits, AttentionBlock, shared, attend, "gqa_attend");

        Combine(pMax, pSum, pValues, splits, valueDim, po, items);
    }

    // gqa_decode's cluster size: DecodeClusterSize blocks where the GPU has thread block clusters (sm_90 and later),
    // set once as the function's required cluster dimensions so that every launch (and graph capture) of it gets
    // them; else 1, which the kernel reads from the hardware and handles (its splits then merge through global memory).
    private int DecodeCluster()
    {
        if (_decodeCluster == 0)
        {
            lock (_sharedOptIn)
            {
                int size = 1;
                IntPtr f = _functions.GqaDecode;
                if (Info.ComputeCapabilityMajor >= 9 && CudaDriver.FuncSetAttribute(f, FunctionAttributeRequiredClusterWidth, DecodeClusterSize) == CudaDriver.Success)
                {
                    if (CudaDriver.FuncSetAttribute(f, FunctionAttributeRequiredClusterHeight, 1) == CudaDriver.Success
                        && CudaDriver.FuncSetAttribute(f, FunctionAttributeRequiredClusterDepth, 1) == CudaDriver.Success)
                        size = DecodeClusterSize;
                    else
                        CudaDriver.FuncSetAttribute(f, FunctionAttributeRequiredClusterWidth, 0);
                }
                _decodeCluster = size;
            }
        }
        return _decodeCluster;
    }

    // Clusters per key/value head for gqa_decode: as many as can be resident at once over all key/value heads (one
    // 512-thread block per SM, its registers allowing no second; a cluster needs `cluster` SMs of one GPC, and the
    // H100's 132 SMs hold 15 clusters of 8, hence the margin), but none that the capacity could give fewer than
    // DecodeKeys keys (the kernel takes fewer clusters when fewer keys are visible).
    private int DecodeClusters(int kvHeads, int capacity, int cluster)
    {
        int resident = cluster == 1 ? Info.Multiprocessors : Info.Multiprocessors / (cluster + 1);
        int wanted = Math.Max(1, resident / kvHeads);
        int byKeys = (capacity + cluster * DecodeKeys - 1) / (cluster * DecodeKeys);
        return Math.Clamp(Math.Min(wanted, byKeys), 1, MaxDecodeBlocks / cluster);
    }

    private static int Round4(int n) => (n + 3) & ~3;

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
    private uint AttentionShared(int dimA, int dimB, int dimV, IntPtr function) =>
        OptInShared((dimA + dimB + AttentionWarps * (dimV + 2)) * sizeof(float), function);

    // Dynamic shared memory past the default 48 KiB must be allowed per function first.
    private uint OptInShared(int bytes, IntPtr function)
    {
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
