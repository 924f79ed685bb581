using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Core.Tests.Layers;

/// <summary>The backend's routed-expert operations (RouteExperts, ExpertGateUp, ExpertDown) against the host router
/// and the expert MLPs they replace in decode: on the CPU they must give the same bits.</summary>
public sealed class RoutedExpertOpsTests : IDisposable
{
    private readonly CpuBackend _cpu = new(threadCount: 2);

    public void Dispose() => _cpu.Dispose();

    /// <summary>Router configurations of the released models, shrunk: V3 (sigmoid, noaux_tc, groups), V2 (softmax,
    /// group_limited_greedy), V2-Lite (softmax, greedy), and a normalized greedy one.</summary>
    public static TheoryData<string> Routers() => ["v3", "v2", "v2-lite", "greedy-normalized"];

    internal static ExpertRouter Router(string name, int seed = 5) => name switch
    {
        "v3" => new ExpertRouter(32, 4, RouterScoring.Sigmoid, RouterSelection.NoAuxTopKGroups, groups: 8, topKGroups: 3,
            normalize: true, scalingFactor: 2.5f, correctionBias: Random(new Random(seed), 32, 0.1f)),
        "v2" => new ExpertRouter(20, 3, RouterScoring.Softmax, RouterSelection.GroupLimitedGreedy, groups: 4, topKGroups: 2,
            scalingFactor: 16f),
        "v2-lite" => new ExpertRouter(64, 6, RouterScoring.Softmax, RouterSelection.Greedy),
        _ => new ExpertRouter(12, 2, RouterScoring.Softmax, RouterSelection.Greedy, normalize: true),
    };

    [Theory]
    [MemberData(nameof(Routers))]
    public void RouteExperts_chooses_and_weighs_exactly_as_the_router(string name)
    {
        var router = Router(name);
        int rows = 7, k = router.TopK, experts = router.Experts;
        var logits = Random(new Random(11), rows * experts, 3f);
        // Ties: the last row repeats one value, so the order must fall back to the lower index as the host's does.
        for (int e = 0; e < experts; e++) logits[(rows - 1) * experts + e] = e % 3 == 0 ? 0.25f : -1f;
        var ids = Tensor.Zeros(DType.I32, new Shape(rows, k));
        var weights = Tensor.Zeros(DType.F32, new Shape(rows, k));

        _cpu.RouteExperts(Tensor.FromArray(logits, rows, experts), router, Bias(router), ids, weights);

        var expectedIds = new int[k];
        var expectedWeights = new float[k];
        for (int r = 0; r < rows; r++)
        {
            router.Route(logits.AsSpan(r * experts, experts), expectedIds, expectedWeights);
            Assert.Equal(expectedIds, ids.AsSpan<int>().Slice(r * k, k).ToArray());
            Assert.Equal(expectedWeights, weights.AsSpan<float>().Slice(r * k, k).ToArray());
        }
    }

    [Theory]
    [InlineData(DType.BF16, "v2-lite", 1)]
    [InlineData(DType.BF16, "v3", 3)]
    [InlineData(DType.F8E4M3, "v3", 1)]
    [InlineData(DType.F8E4M3, "v2", 2)]
    [InlineData(DType.F32, "greedy-normalized", 1)]
    public void Routed_experts_add_the_same_bits_as_the_expert_mlps(DType dtype, string name, int rows)
    {
        var router = Router(name);
        var workspace = new LayerWorkspace(_cpu);
        var mlps = RandomExperts(workspace, router.Experts, dtype, hidden: 64, intermediate: 40, seed: 3);
        int k = router.TopK;
        var x = Tensor.FromArray(Random(new Random(21), rows * 64, 1f), rows, 64);
        var logits = Tensor.FromArray(Random(new Random(22), rows * router.Experts, 2f), rows, router.Experts);
        var start = Random(new Random(23), rows * 64, 0.5f);

        // Expected: the host-routed decode path, one MLP per chosen expert in ascending id, then AddScaled.
        var expected = Tensor.FromArray((float[])start.Clone(), rows, 64);
        var chosen = new int[k];
        var chosenWeights = new float[k];
        var output = Tensor.Zeros(DType.F32, new Shape(1, 64));
        for (int r = 0; r < rows; r++)
        {
            router.Route(logits.AsSpan<float>().Slice(r * router.Experts, router.Experts), chosen, chosenWeights);
            var order = Enumerable.Range(0, k).OrderBy(j => chosen[j]).ToArray();
            var row = expected.Slice(0, r, 1);
            foreach (int j in order)
            {
                mlps[chosen[j]].Forward(_cpu, x.Slice(0, r, 1), output);
                _cpu.AddScaled(row, output, chosenWeights[j], row);
            }
        }

        var ids = Tensor.Zeros(DType.I32, new Shape(rows, k));
        var weights = Tensor.Zeros(DType.F32, new Shape(rows, k));
        var hiddenActivations = Tensor.Zeros(DType.F32, new Shape(rows, k, 40));
        var y = Tensor.FromArray((float[])start.Clone(), rows, 64);
        _cpu.RouteExperts(logits, router, Bias(router), ids, weights);
        _cpu.ExpertGateUp(x, _cpu.PrepareExperts(mlps.Select(m => m.Gate.Weight).ToArray()),
            _cpu.PrepareExperts(mlps.Select(m => m.Up.Weight).ToArray()), ids, hiddenActivations);
        _cpu.ExpertDown(hiddenActivations, _cpu.PrepareExperts(mlps.Select(m => m.Down.Weight).ToArray()), ids, weights, y);

        Assert.Equal(expected.AsSpan<float>().ToArray(), y.AsSpan<float>().ToArray());
    }

    // Shared width 48 runs the shared MLP as its own (bit-exact); 80 = 2 × 40 folds it into the routed gate/up
    // launch as two slices, where only SwiGLU over 40-wide spans instead of 80-wide rows may round differently.
    [Theory]
    [InlineData(DType.BF16, "v3", 48)]
    [InlineData(DType.F8E4M3, "v2", 48)]
    [InlineData(DType.BF16, "v3", 80)]
    [InlineData(DType.F8E4M3, "v2-lite", 80)]
    public void A_decode_row_equals_that_row_of_the_grouped_prompt_path(DType dtype, string name, int sharedWidth)
    {
        var router = Router(name);
        var workspace = new LayerWorkspace(_cpu);
        var mlps = RandomExperts(workspace, router.Experts, dtype, hidden: 64, intermediate: 40, seed: 9);
        var gate = new Linear(Tensor.FromArray(Random(new Random(31), router.Experts * 64, 0.3f), router.Experts, 64));
        var shared = RandomExperts(workspace, 1, dtype, hidden: 64, intermediate: sharedWidth, seed: 10)[0];
        var moe = new MixtureOfExperts(workspace, gate, router, mlps, shared);
        var x = Random(new Random(32), 3 * 64, 1f);

        var grouped = Tensor.Zeros(DType.F32, new Shape(3, 64));
        moe.Forward(_cpu, Tensor.FromArray(x, 3, 64), grouped);
        for (int r = 0; r < 3; r++)
        {
            var decoded = Tensor.Zeros(DType.F32, new Shape(1, 64));
            moe.Forward(_cpu, Tensor.FromArray(x[(r * 64)..((r + 1) * 64)], 1, 64), decoded);
            var expected = grouped.AsSpan<float>().Slice(r * 64, 64).ToArray();
            var actual = decoded.AsSpan<float>().ToArray();
            if (sharedWidth % 40 != 0) Assert.Equal(expected, actual);
            else
            {
                float scale = expected.Max(MathF.Abs);
                for (int i = 0; i < 64; i++) Assert.True(MathF.Abs(actual[i] - expected[i]) <= 1e-6f * scale, $"row {r}, feature {i}: {actual[i]} vs {expected[i]}");
            }
        }
    }

    [Fact]
    public void ExpertDown_rejects_an_expert_id_outside_the_set()
    {
        var workspace = new LayerWorkspace(_cpu);
        var mlps = RandomExperts(workspace, 4, DType.BF16, hidden: 16, intermediate: 8, seed: 1);
        var down = _cpu.PrepareExperts(mlps.Select(m => m.Down.Weight).ToArray());
        var ids = Tensor.FromArray(new[] { 1, 4 }, 1, 2);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            _cpu.ExpertDown(Tensor.Zeros(DType.F32, new Shape(1, 2, 8)), down, ids, Tensor.Zeros(DType.F32, new Shape(1, 2)), Tensor.Zeros(DType.F32, new Shape(1, 16))));
        Assert.Contains("Expert id 4", e.Message);
    }

    [Fact]
    public void ExpertDown_with_the_shared_experts_starts_from_their_product_not_from_y()
    {
        var workspace = new LayerWorkspace(_cpu);
        var mlps = RandomExperts(workspace, 4, DType.BF16, hidden: 16, intermediate: 8, seed: 2);
        var shared = RandomExperts(workspace, 1, DType.BF16, hidden: 16, intermediate: 16, seed: 4)[0];
        var down = _cpu.PrepareExperts(mlps.Select(m => m.Down.Weight).ToArray());
        var hidden = Tensor.FromArray(Random(new Random(5), 2 * 8, 1f), 1, 2, 8);
        var sharedHidden = Tensor.FromArray(Random(new Random(6), 16, 1f), 1, 16);
        var ids = Tensor.FromArray(new[] { 3, 1 }, 1, 2);
        var weights = Tensor.FromArray(new[] { 0.25f, 0.5f }, 1, 2);

        var expected = Tensor.Zeros(DType.F32, new Shape(1, 16));
        shared.Down.Forward(_cpu, sharedHidden, expected);
        _cpu.ExpertDown(hidden, down, ids, weights, expected);
        var y = Tensor.FromArray(Enumerable.Repeat(1e3f, 16).ToArray(), 1, 16); // must be ignored
        _cpu.ExpertDown(hidden, down, ids, weights, y, sharedHidden, shared.Down.Weight);

        Assert.Equal(expected.AsSpan<float>().ToArray(), y.AsSpan<float>().ToArray());
        Assert.Throws<ArgumentException>(() => _cpu.ExpertDown(hidden, down, ids, weights, y, sharedHidden, null));
    }

    [Fact]
    public void PrepareExperts_rejects_matrices_of_different_shapes()
    {
        var e = Assert.Throws<ArgumentException>(() => _cpu.PrepareExperts([Tensor.Zeros(DType.BF16, new Shape(8, 16)), Tensor.Zeros(DType.BF16, new Shape(8, 24))]));
        Assert.Contains("expert 1", e.Message);
    }

    [Fact]
    public void RouteExperts_needs_the_correction_bias_exactly_when_the_router_has_one()
    {
        var router = Router("v3");
        var logits = Tensor.Zeros(DType.F32, new Shape(1, 32));
        var ids = Tensor.Zeros(DType.I32, new Shape(1, 4));
        var weights = Tensor.Zeros(DType.F32, new Shape(1, 4));
        Assert.Throws<ArgumentException>(() => _cpu.RouteExperts(logits, router, null, ids, weights));
        var unbiased = Router("v2-lite");
        Assert.Throws<ArgumentException>(() => _cpu.RouteExperts(Tensor.Zeros(DType.F32, new Shape(1, 64)), unbiased,
            Tensor.Zeros(DType.F32, new Shape(64)), Tensor.Zeros(DType.I32, new Shape(1, 6)), Tensor.Zeros(DType.F32, new Shape(1, 6))));
    }

    internal static Tensor? Bias(ExpertRouter router) =>
        router.CorrectionBias.IsEmpty ? null : Tensor.FromSpan(router.CorrectionBias, new Shape(router.Experts), DType.F32);

    internal static float[] Random(Random rng, int count, float scale)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return values;
    }

    /// <summary>SwiGLU experts with weights rounded to <paramref name="dtype"/>; FP8 ones with 16×16 block scales.</summary>
    internal static Mlp[] RandomExperts(LayerWorkspace workspace, int count, DType dtype, int hidden, int intermediate, int seed)
    {
        var rng = new Random(seed);
        var mlps = new Mlp[count];
        for (int e = 0; e < count; e++)
            mlps[e] = new Mlp(workspace, new Linear(Weight(rng, dtype, intermediate, hidden)), new Linear(Weight(rng, dtype, intermediate, hidden)),
                new Linear(Weight(rng, dtype, hidden, intermediate)));
        return mlps;
    }

    private static Tensor Weight(Random rng, DType dtype, int rows, int cols)
    {
        var f32 = Tensor.FromArray(Random(rng, rows * cols, 0.2f), rows, cols);
        if (dtype == DType.F32) return f32;
        var stored = Tensor.Zeros(dtype, new Shape(rows, cols));
        using (var cpu = new CpuBackend(1)) cpu.Convert(f32, stored);
        if (dtype != DType.F8E4M3) return stored;
        int sr = (rows + 15) / 16, sc = (cols + 15) / 16;
        var scales = Random(rng, sr * sc, 0.01f).Select(v => Math.Abs(v) + 0.005f).ToArray();
        return stored.WithScales(new BlockScales(Tensor.FromArray(scales, sr, sc), 16, 16), "expert weight");
    }
}
