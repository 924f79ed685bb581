using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Gpu.Tests;

/// <summary>The attention kernels against the CPU's: multi-head latent attention (absorbed, over the latent cache)
/// and grouped-query attention (over a slot-based K/V cache), for prefill and for decode, where the GPU splits each
/// query's keys across blocks and merges the splits.</summary>
public sealed class AttentionParityTests(GpuFixture gpu)
{
    // Both sides are F32; the GPU's online softmax rescales partial sums where the CPU normalizes once, and sums in
    // another order: a few F32 ulps per key, far below 1e-5 of the output's scale.
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData(5, 5, 4, 16, 16, 8, 16)]      // a fixture-sized prompt
    [InlineData(3, 40, 4, 64, 32, 16, 32)]    // a chunk appended to a cache
    [InlineData(1, 300, 16, 512, 128, 64, 128)] // DeepSeek-V2-Lite decode
    [InlineData(1, 2000, 2, 32, 16, 8, 16)]   // few heads, long cache: many splits
    [InlineData(64, 64, 2, 16, 16, 8, 16)]    // longer prompt
    public void Latent_attention_matches_the_cpu(int tokens, int keys, int heads, int rank, int nope, int rope, int valueDim)
    {
        // The step's rows are the last `tokens` of `keys`: LatentAttention stores them at start = keys - tokens of
        // caches with room to spare (capacity keys + 3, so the kernels must not read past the visible rows).
        var cuda = gpu.Require();
        int start = keys - tokens, capacity = keys + 3;
        var query = Parity.Host(Parity.Random(1, tokens * heads * (nope + rope), 0.5f), tokens, heads, nope + rope);
        var cachedLatents = Parity.Random(2, capacity * rank, 0.5f);
        var cachedRopeKeys = Parity.Random(3, capacity * rope, 0.5f);
        var latents = Parity.Host(Parity.Random(5, tokens * rank, 0.5f), tokens, rank);
        var ropeKeys = Parity.Host(Parity.Random(6, tokens * rope, 0.5f), tokens, 1, rope);
        var up = Parity.Host(Parity.Random(4, rank * heads * (nope + valueDim), 0.2f), rank, heads * (nope + valueDim));
        float scale = 1f / MathF.Sqrt(nope + rope);
        var expected = Tensor.Zeros(DType.F32, new Shape(tokens, heads, valueDim));
        var cpuLatents = Parity.Host((float[])cachedLatents.Clone(), capacity, rank);
        var cpuRopeKeys = Parity.Host((float[])cachedRopeKeys.Clone(), capacity, rope);
        gpu.Cpu.LatentAttention(query, latents, ropeKeys, cpuLatents, cpuRopeKeys, start, up, nope, scale, expected);

        var output = cuda.Allocate(DType.F32, new Shape(tokens, heads, valueDim));
        var gpuLatents = cuda.Upload(Parity.Host((float[])cachedLatents.Clone(), capacity, rank));
        var gpuRopeKeys = cuda.Upload(Parity.Host((float[])cachedRopeKeys.Clone(), capacity, rope));
        cuda.LatentAttention(cuda.Upload(query), cuda.Upload(latents), cuda.Upload(ropeKeys), gpuLatents, gpuRopeKeys, start, cuda.Upload(up), nope, scale, output);
        Parity.Close(expected.AsSpan<float>(), Parity.ToHost(cuda, output), Tolerance, $"mla tokens={tokens} keys={keys} heads={heads} rank={rank}");
        Assert.Equal(cpuLatents.AsSpan<float>().ToArray(), Parity.ToHost(cuda, gpuLatents));
        Assert.Equal(cpuRopeKeys.AsSpan<float>().ToArray(), Parity.ToHost(cuda, gpuRopeKeys));
    }

    // One backend's caches, empty or filled with given contents (copied: the CPU's Upload is the host tensor itself).
    private sealed class Side(IBackend backend, int slots, int kvHeads, int capacity, int headDim, float[]? keys = null, float[]? values = null)
    {
        public IBackend Backend { get; } = backend;
        public Tensor Keys { get; } = Cache(backend, keys, slots, kvHeads, capacity, headDim);
        public Tensor Values { get; } = Cache(backend, values, slots, kvHeads, capacity, headDim);

        private static Tensor Cache(IBackend backend, float[]? contents, int slots, int kvHeads, int capacity, int headDim) => contents is null
            ? backend.Allocate(DType.F32, new Shape(slots, kvHeads, capacity, headDim))
            : backend.Upload(Parity.Host((float[])contents.Clone(), slots, kvHeads, capacity, headDim));

        public float[] Attend(Tensor q, Tensor k, Tensor v, int[] slotIds, int[] positions, float scale, RotaryTables? rotary = null)
        {
            var b = Backend;
            int rows = q.Shape[0];
            var output = b.Allocate(DType.F32, new Shape(rows, q.Shape[1], q.Shape[2]));
            // Copies: the call may rotate query and keys in place, and the CPU's Upload is the host tensor itself.
            var (deviceQ, deviceK) = (b.Upload(Copy(q)), b.Upload(Copy(k)));
            b.GroupedQueryAttention(deviceQ, deviceK, b.Upload(v), Keys, Values,
                b.Upload(Parity.Host(slotIds, rows)), b.Upload(Parity.Host(positions, rows)), scale, output,
                rotary is null ? null : new RotaryTables(b.Upload(rotary.Cos), b.Upload(rotary.Sin), rotary.Layout));
            return Parity.ToHost(b, output);
        }

        private static Tensor Copy(Tensor t) => Tensor.FromSpan<float>(t.ToFloatArray(), t.Shape, DType.F32);
    }

    private static RotaryTables Rotary(int maxPositions, int half, RotaryLayout layout)
    {
        var angles = new float[maxPositions * half];
        for (int i = 0; i < angles.Length; i++) angles[i] = (i / half) * MathF.Pow(10000f, -(i % half) / (float)half);
        return new RotaryTables(Parity.Host(angles.Select(MathF.Cos).ToArray(), maxPositions, half),
            Parity.Host(angles.Select(MathF.Sin).ToArray(), maxPositions, half), layout);
    }

    [Theory]
    [InlineData(6, 2, 32, 40)]
    [InlineData(12, 2, 128, 1300)] // R1-Distill-Qwen-1.5B heads; a long prompt, then decode over it
    public void Grouped_query_attention_matches_the_cpu_for_prompts_and_a_decode_batch(int heads, int kvHeads, int headDim, int prompt)
    {
        var cuda = gpu.Require();
        int capacity = prompt + 8;
        var cpu = new Side(gpu.Cpu, 2, kvHeads, capacity, headDim);
        var dev = new Side(cuda, 2, kvHeads, capacity, headDim);
        float scale = 1f / MathF.Sqrt(headDim);
        int seed = 10;

        void Step(int[] slotIds, int[] positions, string what)
        {
            int rows = slotIds.Length;
            var q = Parity.Host(Parity.Random(seed++, rows * heads * headDim), rows, heads, headDim);
            var k = Parity.Host(Parity.Random(seed++, rows * kvHeads * headDim), rows, kvHeads, headDim);
            var v = Parity.Host(Parity.Random(seed++, rows * kvHeads * headDim), rows, kvHeads, headDim);
            Parity.Close(cpu.Attend(q, k, v, slotIds, positions, scale), dev.Attend(q, k, v, slotIds, positions, scale), Tolerance, what);
        }

        // A prompt in slot 0, a shorter one in slot 1, then two decode steps of both together.
        Step(Enumerable.Repeat(0, prompt).ToArray(), Enumerable.Range(0, prompt).ToArray(), "prompt slot 0");
        Step([1, 1, 1], [0, 1, 2], "prompt slot 1");
        Step([0, 1], [prompt, 3], "decode batch 1");
        Step([1, 0], [4, prompt + 1], "decode batch 2");
        Step([0], [prompt + 2], "decode one row");     // gqa_decode: store, attention and merge in one kernel
        Step([1], [5], "decode one row, short");

        Parity.Close(Parity.ToHost(cpu.Backend, cpu.Keys), Parity.ToHost(cuda, dev.Keys), 0, "cached keys");
        Parity.Close(Parity.ToHost(cpu.Backend, cpu.Values), Parity.ToHost(cuda, dev.Values), 0, "cached values");
    }

    /// <summary>The fused form: query and keys rotated inside the call (the GPU's store kernel for a prompt, gqa_decode
    /// for one row) attend as after the CPU's ApplyRotary; the decode steps read the keys the earlier calls cached, so
    /// the cache must hold them rotated.</summary>
    [Theory]
    [InlineData(12, 2, 128, 64, RotaryLayout.HalfSplit)]   // R1-Distill-Qwen-1.5B heads
    [InlineData(4, 4, 16, 8, RotaryLayout.Interleaved)]    // no grouping, interleaved pairs
    [InlineData(6, 3, 32, 8, RotaryLayout.HalfSplit)]      // rotary over the first 16 features only
    public void Grouped_query_attention_rotates_query_and_keys_as_ApplyRotary(int heads, int kvHeads, int headDim, int half, RotaryLayout layout)
    {
        var cuda = gpu.Require();
        int prompt = 20, capacity = 32, maxPositions = 40;
        var cpu = new Side(gpu.Cpu, 1, kvHeads, capacity, headDim);
        var dev = new Side(cuda, 1, kvHeads, capacity, headDim);
        var rotary = Rotary(maxPositions, half, layout);
        float scale = 1f / MathF.Sqrt(headDim);
        int seed = 40;
        foreach (var (rows, start) in new[] { (prompt, 0), (1, prompt), (1, prompt + 1) })
        {
            var q = Parity.Host(Parity.Random(seed++, rows * heads * headDim), rows, heads, headDim);
            var k = Parity.Host(Parity.Random(seed++, rows * kvHeads * headDim), rows, kvHeads, headDim);
            var v = Parity.Host(Parity.Random(seed++, rows * kvHeads * headDim), rows, kvHeads, headDim);
            int[] slots = new int[rows], positions = Enumerable.Range(start, rows).ToArray();
            string what = $"gqa+rotary {layout} heads={heads}/{kvHeads} rows={rows} at {start}";
            var expected = cpu.Attend(q, k, v, slots, positions, scale, rotary);
            var actual = dev.Attend(q, k, v, slots, positions, scale, rotary);
            Parity.Close(expected, actual, Tolerance, what);
        }
    }

    /// <summary>Batch-1 decode (gqa_decode) over caches filled beforehand, at lengths around its split boundaries: the
    /// visible length, not the capacity, decides how many blocks and clusters attend, one cluster merging in shared
    /// memory or several through global memory; the new key is rotated and cached by whichever block holds it.</summary>
    [Theory]
    [InlineData(12, 2, 128, 208, 140, 4)]     // R1-Distill-Qwen-1.5B heads and the decode benchmark's cache
    [InlineData(12, 2, 128, 32768, 150, 2)]   // a large capacity, a short context
    [InlineData(12, 2, 128, 4200, 4090, 3)]   // a long context: several clusters
    [InlineData(12, 2, 128, 6000, 4999, 2)]   // blocks of two rounds of keys, the new key in the second
    [InlineData(32, 8, 128, 1100, 1000, 2)]   // Llama-3-8B heads
    [InlineData(7, 1, 64, 300, 250, 10)]      // seven query heads on one key/value head; crosses 256 keys
    [InlineData(4, 4, 20, 64, 0, 3)]          // no grouping, heads of 20 features, from an empty cache
    [InlineData(6, 2, 18, 300, 270, 2)]       // heads of 18 features (no float4 rows), two clusters
    public void Batch_one_decode_matches_the_cpu_at_any_length_and_capacity(int heads, int kvHeads, int headDim, int capacity, int position, int steps)
    {
        var cuda = gpu.Require();
        const int slots = 2, slot = 1;
        long cacheSize = (long)slots * kvHeads * capacity * headDim;
        float[] keys = Parity.Random(60, cacheSize), values = Parity.Random(61, cacheSize);
        var cpu = new Side(gpu.Cpu, slots, kvHeads, capacity, headDim, keys, values);
        var dev = new Side(cuda, slots, kvHeads, capacity, headDim, keys, values);
        var rotary = Rotary(capacity, headDim / 4, RotaryLayout.HalfSplit);
        float scale = 1f / MathF.Sqrt(headDim);
        for (int step = 0; step < steps; step++)
        {
            int seed = 70 + 3 * step;
            var q = Parity.Host(Parity.Random(seed, heads * headDim), 1, heads, headDim);
            var k = Parity.Host(Parity.Random(seed + 1, kvHeads * headDim), 1, kvHeads, headDim);
            var v = Parity.Host(Parity.Random(seed + 2, kvHeads * headDim), 1, kvHeads, headDim);
            string what = $"decode heads={heads}/{kvHeads} dim={headDim} capacity={capacity} at {position + step}";
            Parity.Close(cpu.Attend(q, k, v, [slot], [position + step], scale, rotary),
                dev.Attend(q, k, v, [slot], [position + step], scale, rotary), Tolerance, what);
        }

        // Rotated on both sides by the same formula, up to fused multiply-adds.
        Parity.Close(Parity.ToHost(cpu.Backend, cpu.Keys), Parity.ToHost(cuda, dev.Keys), 1e-6, "cached keys");
        Parity.Close(Parity.ToHost(cpu.Backend, cpu.Values), Parity.ToHost(cuda, dev.Values), 0, "cached values");
    }

    [Fact]
    public void Batch_one_decode_reports_a_position_outside_the_cache_at_the_next_wait_and_the_backend_goes_on()
    {
        var cuda = gpu.Require();
        var dev = new Side(cuda, 1, 2, 16, 8);
        var q = Parity.Host(Parity.Random(80, 4 * 8), 1, 4, 8);
        var kv = Parity.Host(Parity.Random(81, 2 * 8), 1, 2, 8);
        var output = cuda.Allocate(DType.F32, new Shape(1, 4, 8));
        cuda.GroupedQueryAttention(cuda.Upload(q), cuda.Upload(kv), cuda.Upload(kv), dev.Keys, dev.Values,
            cuda.Upload(Parity.Host(new[] { 0 }, 1)), cuda.Upload(Parity.Host(new[] { 16 }, 1)), 0.5f, output);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => cuda.Synchronize());
        Assert.Contains("position 16 of row 0", e.Message);

        Assert.Equal(32, dev.Attend(q, kv, kv, [0], [15], 0.5f).Length);
    }
}
