using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Vision.Janus;

/// <summary>The MLP that maps encoder features into the language model's embedding space (the release's MlpProjector
/// "mlp_gelu"; transformers JanusVisionAlignerMLP and JanusVQVAEAlignerMLP): <c>fc1</c>, then for each hidden layer
/// <c>gelu</c> followed by that layer — no activation after the last. Janus has two: the understanding aligner
/// (SigLIP features → LM) and the generation aligner (VQ codebook embeddings → LM).</summary>
public sealed class JanusAligner
{
    private readonly Linear[] _hidden;
    private readonly RowBuffer _scratch;

    public JanusAligner(LayerWorkspace workspace, string role, Linear fc1, IReadOnlyList<Linear> hiddenLayers, GeluApproximation gelu)
    {
        ArgumentNullException.ThrowIfNull(fc1);
        foreach (var layer in hiddenLayers)
            if (layer.InFeatures != fc1.OutFeatures || layer.OutFeatures != fc1.OutFeatures)
                throw new ArgumentException($"Aligner hidden layer {layer.Weight.Shape} must be [{fc1.OutFeatures}, {fc1.OutFeatures}].", nameof(hiddenLayers));
        Fc1 = fc1;
        _hidden = [.. hiddenLayers];
        Gelu = gelu;
        _scratch = workspace.Buffer(role + ".aligner", fc1.OutFeatures);
    }

    public Linear Fc1 { get; }

    public IReadOnlyList<Linear> HiddenLayers => _hidden;

    public GeluApproximation Gelu { get; }

    public int InFeatures => Fc1.InFeatures;

    public int OutFeatures => Fc1.OutFeatures;

    /// <summary>Loads <c>{prefix}fc1</c> and <c>{prefix}hidden_layers.{0..depth-2}</c>.</summary>
    public static JanusAligner Load(LayerWorkspace workspace, JanusWeights weights, string prefix, int depth, GeluApproximation gelu, string role)
    {
        var hidden = new Linear[depth - 1];
        for (int i = 0; i < hidden.Length; i++) hidden[i] = weights.LoadLinear($"{prefix}hidden_layers.{i}");
        return new JanusAligner(workspace, role, weights.LoadLinear(prefix + "fc1"), hidden, gelu);
    }

    /// <summary>x [rows, in] into y [rows, out]; y must not alias x.</summary>
    public void Forward(IBackend backend, Tensor x, Tensor y)
    {
        if (_hidden.Length == 0)
        {
            Fc1.Forward(backend, x, y);
            return;
        }
        // Alternate between y and scratch rows, starting where an even number of flips ends in y.
        var scratch = _scratch.Rows(x.Shape[0]);
        var current = _hidden.Length % 2 == 0 ? y : scratch;
        Fc1.Forward(backend, x, current);
        foreach (var layer in _hidden)
        {
            backend.Gelu(current, current, Gelu);
            var target = ReferenceEquals(current, y) ? scratch : y;
            layer.Forward(backend, current, target);
            current = target;
        }
    }
}
