using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Layers;

/// <summary>The SwiGLU feed-forward block (Shazeer 2020): <c>down(silu(gate(x)) · up(x))</c>, as
/// DeepseekV3MLP / LlamaMLP with hidden_act silu.</summary>
public sealed class Mlp : IFeedForward
{
    private readonly RowBuffer _gate;
    private readonly RowBuffer _up;

    public Mlp(LayerWorkspace workspace, Linear gate, Linear up, Linear down)
    {
        if (gate.OutFeatures != up.OutFeatures || gate.InFeatures != up.InFeatures || down.InFeatures != gate.OutFeatures)
            throw new ArgumentException($"MLP shapes disagree: gate {gate.Weight.Shape}, up {up.Weight.Shape}, down {down.Weight.Shape}.");
        Gate = gate;
        Up = up;
        Down = down;
        _gate = workspace.Buffer("mlp.gate", gate.OutFeatures);
        _up = workspace.Buffer("mlp.up", gate.OutFeatures);
    }

    public Linear Gate { get; }

    public Linear Up { get; }

    public Linear Down { get; }

    public int IntermediateSize => Gate.OutFeatures;

    /// <summary>Loads <c>{prefix}gate_proj</c>, <c>up_proj</c>, <c>down_proj</c>.</summary>
    public static Mlp Load(LayerWorkspace workspace, Checkpoint checkpoint, string prefix, QuantizationConfig? quantization)
    {
        var backend = workspace.Backend;
        return new(workspace,
            Linear.Load(backend, checkpoint, prefix + "gate_proj", quantization),
            Linear.Load(backend, checkpoint, prefix + "up_proj", quantization),
            Linear.Load(backend, checkpoint, prefix + "down_proj", quantization));
    }

    public void Forward(IBackend backend, Tensor x, Tensor y)
    {
        var gate = GatedProducts(backend, x, null);
        Down.Forward(backend, gate, y);
    }

    /// <summary><c>hidden += MLP(norm(hidden))</c>, a pre-norm residual block in one call, so that a backend may fold
    /// the norm into the gate/up product and the residual add into down_proj. normed and scratch: F32 workspaces of
    /// hidden's shape.</summary>
    public void AddForward(IBackend backend, Tensor hidden, RmsNorm norm, Tensor normed, Tensor scratch)
    {
        var gate = GatedProducts(backend, hidden, new RmsNormInput(norm.Weight, norm.Eps, normed));
        backend.MatMulAdd(gate, Down.Weight, Down.Bias, scratch, hidden);
    }

    // silu(gate(x)) * up(x), x normalized first when a norm is given.
    private Tensor GatedProducts(IBackend backend, Tensor x, RmsNormInput? norm)
    {
        int rows = x.Shape[0];
        var gate = _gate.Rows(rows);
        if (Gate.Bias is null && Up.Bias is null)
        {
            // One pass over gate and up where the backend fuses it (the decode GEMV), SwiGLU included.
            backend.SwiGluMatMul(x, Gate.Weight, Up.Weight, _up.Rows(rows), gate, norm);
            return gate;
        }
        if (norm is { } n)
        {
            backend.RmsNorm(x, n.Weight, n.Eps, n.Normed);
            x = n.Normed;
        }
        var up = _up.Rows(rows);
        Gate.Forward(backend, x, gate);
        Up.Forward(backend, x, up);
        backend.SwiGlu(gate, up, gate);
        return gate;
    }
}
