using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Layers;

/// <summary>DeepSeekMoE (Dai et al. 2024; DeepSeek-V3 §2.1.2): <c>y = Σ shared(x) + Σ_i g_i · expert_i(x)</c> over
/// the experts the <see cref="ExpertRouter"/> picks. Two paths, chosen in <see cref="Forward"/> by the row count
/// alone. Decode (at most <see cref="InPlaceRoutingMaxRows"/> rows) routes and runs the experts without the choice
/// leaving the backend (<see cref="RoutedExpertDecode"/>): on a GPU a step has no host wait, and the MoE layer is
/// four launches.
/// Prompts copy the routing to the host and group tokens by expert (a counting sort), so each chosen expert runs
/// one MLP over all of its tokens rather than one per token.</summary>
public sealed class MixtureOfExperts : IFeedForward
{
    /// <summary>Rows up to which the routed path is taken. Above it the grouped path reads each chosen expert's
    /// weights once for all of its tokens, where the routed path reads them once per (token, expert) pair.</summary>
    public const int InPlaceRoutingMaxRows = 1;

    private readonly RoutedExpertDecode _decode;
    private readonly RowBuffer _logits;
    private readonly RowBuffer _gathered;
    private readonly RowBuffer _expertOutput;
    private Tensor? _hostLogits;
    private Tensor? _hostLogitsView;
    private int _hostLogitsViewRows = -1;
    private Tensor? _hostTokenIds;
    private int[] _chosen = [];
    private float[] _weights = [];
    private int[] _slotToken = [];
    private float[] _slotWeight = [];
    private readonly int[] _expertStart;
    private readonly int[] _expertFill;
    private Tensor? _rowsOf;
    private Tensor[] _targetRows = [];

    public MixtureOfExperts(LayerWorkspace workspace, Linear gate, ExpertRouter router, IReadOnlyList<Mlp> experts, Mlp? sharedExperts)
    {
        ArgumentNullException.ThrowIfNull(gate);
        ArgumentNullException.ThrowIfNull(router);
        ArgumentNullException.ThrowIfNull(experts);
        if (gate.OutFeatures != router.Experts || experts.Count != router.Experts)
            throw new ArgumentException($"Gate {gate.Weight.Shape}, router ({router.Experts} experts) and {experts.Count} expert MLPs disagree.");
        Gate = gate;
        Router = router;
        Experts = experts;
        SharedExperts = sharedExperts;
        int hidden = gate.InFeatures;
        _logits = workspace.Buffer("moe.logits", router.Experts);
        _gathered = workspace.Buffer("moe.gathered", hidden);
        _expertOutput = workspace.Buffer("moe.expert_output", hidden);
        _expertStart = new int[router.Experts + 1];
        _expertFill = new int[router.Experts];

        _decode = new RoutedExpertDecode(workspace.Backend, router, experts, sharedExperts);
    }

    public Linear Gate { get; }

    public ExpertRouter Router { get; }

    public IReadOnlyList<Mlp> Experts { get; }

    public Mlp? SharedExperts { get; }

    public void Forward(IBackend backend, Tensor x, Tensor y)
    {
        int rows = x.Shape[0];
        // Router logits in F32 (the references compute the gate in float32 whatever the weights' dtype).
        var logits = _logits.Rows(rows);
        Gate.Forward(backend, x, logits);
        if (rows <= InPlaceRoutingMaxRows) _decode.Forward(backend, x, logits, y);
        else ForwardGrouped(backend, x, y, logits, rows);
    }

    private void ForwardGrouped(IBackend backend, Tensor x, Tensor y, Tensor logits, int rows)
    {
        int k = Router.TopK, experts = Router.Experts;
        EnsureCapacity(rows);
        var hostLogits = HostLogits(rows);
        backend.CopyToHost(logits, hostLogits);
        var logitSpan = hostLogits.AsSpan<float>();
        for (int r = 0; r < rows; r++)
            Router.Route(logitSpan.Slice(r * experts, experts), _chosen.AsSpan(r * k, k), _weights.AsSpan(r * k, k));

        // Counting sort of (token, expert) pairs by expert.
        Array.Clear(_expertStart);
        for (int i = 0; i < rows * k; i++) _expertStart[_chosen[i] + 1]++;
        for (int e = 0; e < experts; e++) _expertStart[e + 1] += _expertStart[e];
        Array.Copy(_expertStart, _expertFill, experts);
        var tokenIds = _hostTokenIds!.AsSpan<int>();
        for (int i = 0; i < rows * k; i++)
        {
            int slot = _expertFill[_chosen[i]]++;
            _slotToken[slot] = i / k;
            _slotWeight[slot] = _weights[i];
            tokenIds[slot] = i / k;
        }
        var deviceTokenIds = backend.Upload(_hostTokenIds!);

        if (SharedExperts is not null) SharedExperts.Forward(backend, x, y);
        else backend.Scale(x, 0f, y);

        for (int e = 0; e < experts; e++)
        {
            int start = _expertStart[e], count = _expertStart[e + 1] - start;
            if (count == 0) continue;
            var gathered = _gathered.Rows(count);
            var output = _expertOutput.Rows(count);
            // Embedding is a row gather: x is the table, the expert's token indices the ids.
            backend.Embedding(deviceTokenIds.Slice(0, start, count), x, gathered);
            Experts[e].Forward(backend, gathered, output);
            for (int j = 0; j < count; j++)
            {
                var target = TargetRow(y, _slotToken[start + j]);
                backend.AddScaled(target, _expertOutput.Row(j), _slotWeight[start + j], target);
            }
        }
    }

    private Tensor HostLogits(int rows)
    {
        if (rows != _hostLogitsViewRows)
        {
            _hostLogitsView = _hostLogits!.Shape[0] == rows ? _hostLogits : _hostLogits.Slice(0, 0, rows);
            _hostLogitsViewRows = rows;
        }
        return _hostLogitsView!;
    }

    // Row views of the output, built once per output tensor (the caller's workspace is reused across steps).
    private Tensor TargetRow(Tensor y, int row)
    {
        if (!ReferenceEquals(y, _rowsOf))
        {
            _targetRows = new Tensor[y.Shape[0]];
            for (int r = 0; r < _targetRows.Length; r++) _targetRows[r] = y.Slice(0, r, 1);
            _rowsOf = y;
        }
        return _targetRows[row];
    }

    private void EnsureCapacity(int rows)
    {
        int pairs = rows * Router.TopK;
        if (_chosen.Length >= pairs) return;
        _chosen = new int[pairs];
        _weights = new float[pairs];
        _slotToken = new int[pairs];
        _slotWeight = new float[pairs];
        _hostLogits = Tensor.Zeros(DType.F32, new Shape(rows, Router.Experts));
        _hostLogitsViewRows = -1;
        _hostTokenIds = Tensor.Zeros(DType.I32, new Shape(pairs));
    }
}
