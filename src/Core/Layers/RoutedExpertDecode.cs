using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Layers;

/// <summary>The decode path of a <see cref="MixtureOfExperts"/> for one token: routing and experts through
/// <see cref="IBackend.RouteExperts"/>, <see cref="IBackend.ExpertGateUp"/> and <see cref="IBackend.ExpertDown"/>,
/// which read the chosen ids where the router wrote them, so the choice never reaches the host (on a GPU: no wait
/// in the step). Where their shapes allow, the shared experts' gate/up rows ride along as extra experts of the same
/// gate/up launch — cut into slices as wide as a routed expert, with constant ids after the routed ones — and their
/// down projection runs inside the routed down launch, as the start of the sum: a MoE layer is then the router's
/// GEMV plus three launches. Buffers and views are made once here, so a step allocates nothing.</summary>
internal sealed class RoutedExpertDecode
{
    private readonly ExpertRouter _router;
    private readonly Mlp? _shared;
    private readonly ExpertWeights _gate;
    private readonly ExpertWeights _up;
    private readonly ExpertWeights _down;
    private readonly Tensor? _correctionBias;
    private readonly Tensor _ids;           // [1, k + slices]: the routed ids, then the shared slices' constant ids
    private readonly Tensor _routedIds;     // [1, k] view of its head
    private readonly Tensor _weights;       // [1, k]
    private readonly Tensor _hidden;        // [1, k + slices, intermediate]
    private readonly Tensor _routedHidden;  // [1, k, intermediate] view of its head
    private readonly Tensor? _sharedHidden; // [1, slices · intermediate] view of its tail: the shared MLP's activations

    public RoutedExpertDecode(IBackend backend, ExpertRouter router, IReadOnlyList<Mlp> experts, Mlp? shared)
    {
        _router = router;
        _shared = shared;
        int count = experts.Count, k = router.TopK, intermediate = experts[0].IntermediateSize;
        SharedSlices = FoldableSlices(shared, experts[0]);
        var gates = new Tensor[count + SharedSlices];
        var ups = new Tensor[count + SharedSlices];
        var downs = new Tensor[count];
        for (int e = 0; e < count; e++)
        {
            var expert = experts[e];
            if (expert.Gate.Bias is not null || expert.Up.Bias is not null || expert.Down.Bias is not null)
                throw new ArgumentException($"Expert {e} has a projection bias; DeepSeekMoE experts have none.", nameof(experts));
            (gates[e], ups[e], downs[e]) = (expert.Gate.Weight, expert.Up.Weight, expert.Down.Weight);
        }
        for (int s = 0; s < SharedSlices; s++)
        {
            gates[count + s] = shared!.Gate.SliceOutputs(backend, s * intermediate, intermediate).Weight;
            ups[count + s] = shared.Up.SliceOutputs(backend, s * intermediate, intermediate).Weight;
        }
        _gate = backend.PrepareExperts(gates);
        _up = backend.PrepareExperts(ups);
        _down = backend.PrepareExperts(downs);
        if (!router.CorrectionBias.IsEmpty)
            _correctionBias = backend.Upload(Tensor.FromSpan(router.CorrectionBias, new Shape(router.Experts), DType.F32));

        int width = k + SharedSlices;
        var ids = new int[width];
        for (int s = 0; s < SharedSlices; s++) ids[k + s] = count + s;
        _ids = backend.Upload(Tensor.FromArray(ids, 1, width));
        _routedIds = _ids.Reshape(width).Slice(0, 0, k).Reshape(1, k);
        _weights = backend.Allocate(DType.F32, new Shape(1, k));
        _hidden = backend.Allocate(DType.F32, new Shape(1, width, intermediate));
        var flat = _hidden.Reshape(width * intermediate);
        _routedHidden = flat.Slice(0, 0, k * intermediate).Reshape(1, k, intermediate);
        if (SharedSlices > 0) _sharedHidden = flat.Slice(0, k * intermediate, SharedSlices * intermediate).Reshape(1, SharedSlices * intermediate);
    }

    /// <summary>Slices of the shared experts run inside the routed gate/up launch (0: they run as their own MLP).</summary>
    public int SharedSlices { get; }

    /// <summary><c>y = shared(x) + Σ_j w_j · expert_j(x)</c> for one token x [1, hidden] with gate logits [1, experts].</summary>
    public void Forward(IBackend backend, Tensor x, Tensor logits, Tensor y)
    {
        if (x.Shape[0] != 1) throw new ArgumentException($"The routed decode path takes one token, got x {x.Shape}.", nameof(x));
        backend.RouteExperts(logits, _router, _correctionBias, _routedIds, _weights);
        backend.ExpertGateUp(x, _gate, _up, _ids, _hidden);
        if (_sharedHidden is not null)
        {
            backend.ExpertDown(_routedHidden, _down, _routedIds, _weights, y, _sharedHidden, _shared!.Down.Weight);
            return;
        }
        if (_shared is not null) _shared.Forward(backend, x, y);
        else backend.Scale(x, 0f, y);
        backend.ExpertDown(_routedHidden, _down, _routedIds, _weights, y);
    }

    // The shared experts' gate/up can join the routed launch (and their down the routed down launch) when their width is a whole number of routed widths,
    // their dtype and scale tiling are the routed experts', no slice cuts a scale tile, and they have no bias. True of
    // DeepSeek-V2/V3 (n_shared_experts × moe_intermediate_size; 128-row FP8 tiles and 1408 / 2048 / 1536 widths).
    private static int FoldableSlices(Mlp? shared, Mlp expert)
    {
        if (shared is null || shared.Gate.Bias is not null || shared.Up.Bias is not null || shared.Down.Bias is not null) return 0;
        int width = expert.IntermediateSize;
        var (sg, su, sd, eg) = (shared.Gate.Weight, shared.Up.Weight, shared.Down.Weight, expert.Gate.Weight);
        if (shared.IntermediateSize % width != 0 || sg.Shape[1] != eg.Shape[1] || sg.DType != eg.DType || su.DType != eg.DType
            || sd.DType != expert.Down.Weight.DType || !sg.IsContiguous || !su.IsContiguous || !sd.IsContiguous)
            return 0;
        if (!SameTiling(sg.Scales, eg.Scales, width) || !SameTiling(su.Scales, eg.Scales, width)) return 0;
        return shared.IntermediateSize / width;
    }

    private static bool SameTiling(BlockScales? a, BlockScales? b, int width) =>
        a is null ? b is null : b is not null && a.BlockRows == b.BlockRows && a.BlockCols == b.BlockCols && width % a.BlockRows == 0;
}
