using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Gpu.Tests;

/// <summary>The device-routed mixture of experts (RouteExperts, ExpertGateUp, ExpertDown; Kernels/moe.cu) against the
/// CPU backend, and against the GPU's own MatMul/SwiGlu/AddScaled sequence that it replaces in decode.</summary>
public sealed class RoutedExpertParityTests(GpuFixture gpu)
{
    // The device router does the host's arithmetic in the host's order; only expf may differ from the host's MathF.Exp
    // by an ulp or two (CUDA's documented bound for expf is 2 ulp), so ids must match and weights agree to ~2.4e-7.
    private const double RoutingTolerance = 1e-6;
    // F32 activations against the CPU: the products differ only in summation order (MatMulParityTests' bound).
    private const double ProductTolerance = 2e-5;

    public static TheoryData<string> Routers() => ["v3", "v2", "v2-lite", "greedy-normalized", "v3-256"];

    private static ExpertRouter Router(string name) => name switch
    {
        "v3" => new ExpertRouter(32, 4, RouterScoring.Sigmoid, RouterSelection.NoAuxTopKGroups, groups: 8, topKGroups: 3,
            normalize: true, scalingFactor: 2.5f, correctionBias: Parity.Random(5, 32, 0.1f)),
        // DeepSeek-V3's own shape: 256 experts in 8 groups, 4 kept, top-8.
        "v3-256" => new ExpertRouter(256, 8, RouterScoring.Sigmoid, RouterSelection.NoAuxTopKGroups, groups: 8, topKGroups: 4,
            normalize: true, scalingFactor: 2.5f, correctionBias: Parity.Random(6, 256, 0.1f)),
        "v2" => new ExpertRouter(20, 3, RouterScoring.Softmax, RouterSelection.GroupLimitedGreedy, groups: 4, topKGroups: 2, scalingFactor: 16f),
        "v2-lite" => new ExpertRouter(64, 6, RouterScoring.Softmax, RouterSelection.Greedy),
        _ => new ExpertRouter(12, 2, RouterScoring.Softmax, RouterSelection.Greedy, normalize: true),
    };

    private static Tensor? HostBias(ExpertRouter router) =>
        router.CorrectionBias.IsEmpty ? null : Tensor.FromSpan(router.CorrectionBias, new Shape(router.Experts), DType.F32);

    [Theory]
    [MemberData(nameof(Routers))]
    public void RouteExperts_matches_the_cpu_router(string name)
    {
        var cuda = gpu.Require();
        var router = Router(name);
        int rows = 9, k = router.TopK, experts = router.Experts;
        var logits = Parity.Random(17, rows * experts, 3f);
        for (int e = 0; e < experts; e++) logits[(rows - 1) * experts + e] = e % 3 == 0 ? 0.25f : -1f; // ties
        var hostLogits = Parity.Host(logits, rows, experts);

        var expectedIds = Tensor.Zeros(DType.I32, new Shape(rows, k));
        var expectedWeights = Tensor.Zeros(DType.F32, new Shape(rows, k));
        gpu.Cpu.RouteExperts(hostLogits, router, HostBias(router), expectedIds, expectedWeights);

        var ids = cuda.Allocate(DType.I32, new Shape(rows, k));
        var weights = cuda.Allocate(DType.F32, new Shape(rows, k));
        var bias = HostBias(router) is { } b ? cuda.Upload(b) : null;
        cuda.RouteExperts(cuda.Upload(hostLogits), router, bias, ids, weights);

        Assert.Equal(expectedIds.AsSpan<int>().ToArray(), Parity.ToHostInts(cuda, ids));
        Parity.Close(expectedWeights.AsSpan<float>(), Parity.ToHost(cuda, weights), RoutingTolerance, $"{name} routing weights");
    }

    public static TheoryData<DType, int, int, int, int, int> ProductCases()
    {
        var data = new TheoryData<DType, int, int, int, int, int>();
        foreach (var dtype in (DType[])[DType.F32, DType.BF16, DType.F16, DType.F8E4M3])
        {
            data.Add(dtype, 1, 6, 8, 64, 40);    // vectorized, 8-wide scale tiles
            data.Add(dtype, 3, 2, 5, 60, 36);    // k not a multiple of 8: gemv's scalar path
        }
        // DeepSeek-V2-Lite's expert shape (2048 × 1408), top-6: the gate/up product split over two warps per feature.
        data.Add(DType.BF16, 1, 6, 8, 2048, 1408);
        data.Add(DType.F8E4M3, 1, 6, 8, 2048, 1408);
        return data;
    }

    [Theory]
    [MemberData(nameof(ProductCases))]
    public void Routed_expert_products_match_the_cpu(DType dtype, int rows, int k, int experts, int hidden, int intermediate)
    {
        var cuda = gpu.Require();
        var (gate, up, down) = RandomExperts(dtype, experts, hidden, intermediate, seed: hidden + experts);
        var x = Parity.Host(Parity.Random(41, rows * hidden), rows, hidden);
        var start = Parity.Random(42, rows * hidden, 0.5f);
        var ids = Parity.Host(RandomChoice(rows, k, experts, seed: 43), rows, k);
        var weights = Parity.Host(Parity.Random(44, rows * k, 0.7f), rows, k);

        var expectedHidden = Tensor.Zeros(DType.F32, new Shape(rows, k, intermediate));
        var expected = Parity.Host((float[])start.Clone(), rows, hidden);
        gpu.Cpu.ExpertGateUp(x, gpu.Cpu.PrepareExperts(gate), gpu.Cpu.PrepareExperts(up), ids, expectedHidden);
        gpu.Cpu.ExpertDown(expectedHidden, gpu.Cpu.PrepareExperts(down), ids, weights, expected);

        var deviceHidden = cuda.Allocate(DType.F32, new Shape(rows, k, intermediate));
        var y = cuda.Upload(Parity.Host((float[])start.Clone(), rows, hidden));
        var deviceIds = cuda.Upload(ids);
        cuda.ExpertGateUp(cuda.Upload(x), cuda.PrepareExperts(Upload(cuda, gate)), cuda.PrepareExperts(Upload(cuda, up)), deviceIds, deviceHidden);
        cuda.ExpertDown(deviceHidden, cuda.PrepareExperts(Upload(cuda, down)), deviceIds, cuda.Upload(weights), y);

        Parity.Close(expectedHidden.AsSpan<float>(), Parity.ToHost(cuda, deviceHidden), ProductTolerance, $"{dtype} gate/up");
        Parity.Close(expected.AsSpan<float>(), Parity.ToHost(cuda, y), ProductTolerance, $"{dtype} down");

        // With the shared experts' down product (twice the experts' width) as the start of the sum.
        var sharedDown = Weight(dtype, hidden, 2 * intermediate, seed: 45);
        var sharedHidden = Parity.Host(Parity.Random(46, rows * 2 * intermediate), rows, 2 * intermediate);
        gpu.Cpu.ExpertDown(expectedHidden, gpu.Cpu.PrepareExperts(down), ids, weights, expected, sharedHidden, sharedDown);
        cuda.ExpertDown(deviceHidden, cuda.PrepareExperts(Upload(cuda, down)), deviceIds, cuda.Upload(weights), y,
            cuda.Upload(sharedHidden), cuda.Upload(sharedDown));
        Parity.Close(expected.AsSpan<float>(), Parity.ToHost(cuda, y), ProductTolerance, $"{dtype} down with the shared experts");
    }

    [Theory]
    [InlineData(DType.BF16)]
    [InlineData(DType.F8E4M3)]
    public void Routed_products_equal_the_gpus_expert_mlps(DType dtype)
    {
        // Same gemv, same split, same SwiGLU and fmaf: the fused launches give what the per-expert launches gave.
        var cuda = gpu.Require();
        int k = 6, experts = 8, hidden = 2048, intermediate = 1408;
        var (gate, up, down) = RandomExperts(dtype, experts, hidden, intermediate, seed: 7);
        var (g, u, d) = (Upload(cuda, gate), Upload(cuda, up), Upload(cuda, down));
        var x = cuda.Upload(Parity.Host(Parity.Random(51, hidden), 1, hidden));
        int[] chosen = RandomChoice(1, k, experts, seed: 52);
        float[] chosenWeights = Parity.Random(53, k, 0.7f);
        var start = Parity.Host(Parity.Random(54, hidden, 0.5f), 1, hidden);

        var expected = cuda.Upload(start);
        var gateOut = cuda.Allocate(DType.F32, new Shape(1, intermediate));
        var upOut = cuda.Allocate(DType.F32, new Shape(1, intermediate));
        var output = cuda.Allocate(DType.F32, new Shape(1, hidden));
        foreach (int j in Enumerable.Range(0, k).OrderBy(j => chosen[j]))
        {
            cuda.MatMul(x, g[chosen[j]], null, gateOut);
            cuda.MatMul(x, u[chosen[j]], null, upOut);
            cuda.SwiGlu(gateOut, upOut, gateOut);
            cuda.MatMul(gateOut, d[chosen[j]], null, output);
            cuda.AddScaled(expected, output, chosenWeights[j], expected);
        }

        var y = cuda.Upload(start);
        var ids = cuda.Upload(Parity.Host(chosen, 1, k));
        var hiddenActivations = cuda.Allocate(DType.F32, new Shape(1, k, intermediate));
        cuda.ExpertGateUp(x, cuda.PrepareExperts(g), cuda.PrepareExperts(u), ids, hiddenActivations);
        cuda.ExpertDown(hiddenActivations, cuda.PrepareExperts(d), ids, cuda.Upload(Parity.Host(chosenWeights, 1, k)), y);

        Parity.Close(Parity.ToHost(cuda, expected), Parity.ToHost(cuda, y), 1e-6, $"{dtype} routed vs per-expert launches");
    }

    [Fact]
    public void A_decode_step_of_the_mixture_is_four_launches_and_matches_the_cpu()
    {
        var cuda = gpu.Require();
        var router = Router("v3");
        int hidden = 256, intermediate = 128;
        var (gate, up, down) = RandomExperts(DType.BF16, router.Experts, hidden, intermediate, seed: 61);
        var (sg, su, sd) = RandomExperts(DType.BF16, 1, hidden, 2 * intermediate, seed: 62);
        var gateWeight = Parity.Host(Parity.Random(63, router.Experts * hidden, 0.2f), router.Experts, hidden);
        var x = Parity.Host(Parity.Random(64, hidden), 1, hidden);

        MixtureOfExperts Build(IBackend backend, Func<Tensor, Tensor> place)
        {
            var workspace = new LayerWorkspace(backend);
            var mlps = Enumerable.Range(0, router.Experts)
                .Select(e => new Mlp(workspace, new Linear(place(gate[e])), new Linear(place(up[e])), new Linear(place(down[e])))).ToArray();
            var shared = new Mlp(workspace, new Linear(place(sg[0])), new Linear(place(su[0])), new Linear(place(sd[0])));
            return new MixtureOfExperts(workspace, new Linear(place(gateWeight)), router, mlps, shared);
        }

        var expected = Tensor.Zeros(DType.F32, new Shape(1, hidden));
        Build(gpu.Cpu, t => t).Forward(gpu.Cpu, x, expected);

        var moe = Build(cuda, cuda.Upload);
        var deviceX = cuda.Upload(x);
        var y = cuda.Allocate(DType.F32, new Shape(1, hidden));
        moe.Forward(cuda, deviceX, y);
        cuda.Synchronize();
        bool graphs = cuda.CudaGraphs;
        cuda.CudaGraphs = false;
        try
        {
            long before = cuda.Statistics.Launches;
            moe.Forward(cuda, deviceX, y);
            long launches = cuda.Statistics.Launches - before;
            // Router gate, route, routed + shared gate/up (the shared MLP as two slices), routed + shared down.
            Assert.Equal(4, launches);
        }
        finally
        {
            cuda.CudaGraphs = graphs;
        }
        Parity.Close(expected.AsSpan<float>(), Parity.ToHost(cuda, y), ProductTolerance, "MoE decode step");
    }

    private static Tensor[] Upload(IBackend backend, Tensor[] host) => host.Select(backend.Upload).ToArray();

    // k distinct experts per row, in random order.
    private static int[] RandomChoice(int rows, int k, int experts, int seed)
    {
        var rng = new Random(seed);
        var ids = new int[rows * k];
        for (int r = 0; r < rows; r++)
        {
            var order = Enumerable.Range(0, experts).OrderBy(_ => rng.Next()).Take(k).ToArray();
            order.CopyTo(ids, r * k);
        }
        return ids;
    }

    private static (Tensor[] Gate, Tensor[] Up, Tensor[] Down) RandomExperts(DType dtype, int experts, int hidden, int intermediate, int seed)
    {
        var gate = new Tensor[experts];
        var up = new Tensor[experts];
        var down = new Tensor[experts];
        for (int e = 0; e < experts; e++)
        {
            gate[e] = Weight(dtype, intermediate, hidden, seed * 1000 + 3 * e);
            up[e] = Weight(dtype, intermediate, hidden, seed * 1000 + 3 * e + 1);
            down[e] = Weight(dtype, hidden, intermediate, seed * 1000 + 3 * e + 2);
        }
        return (gate, up, down);
    }

    // FP8 with DeepSeek-V3's 128 × 128 tiles where the matrix is that large, else 8 × 8.
    private static Tensor Weight(DType dtype, int rows, int cols, int seed)
    {
        var weight = Parity.Stored(Parity.Random(seed, (long)rows * cols, 0.1f), dtype, rows, cols);
        if (dtype != DType.F8E4M3) return weight;
        int block = Math.Min(rows, cols) >= 128 ? 128 : 8;
        int sr = (rows + block - 1) / block, sc = (cols + block - 1) / block;
        var scales = Parity.Host(Parity.Random(seed + 7, sr * sc, 0.01f).Select(v => Math.Abs(v) + 0.001f).ToArray(), sr, sc);
        return weight.WithScales(new BlockScales(scales, block, block), "expert weight");
    }
}
