using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Vision.Janus;

/// <summary>One pre-norm SigLIP encoder layer (transformers JanusVisionEncoderLayer = SiglipEncoderLayer; timm's
/// ViT Block in the release): <c>x += proj(attention(ln1(x)))</c>, <c>x += fc2(gelu(fc1(ln2(x))))</c>, with
/// unmasked multi-head attention scaled by head_dim^-0.5.</summary>
public sealed class SiglipEncoderLayer
{
    private readonly RowBuffer _normed, _query, _key, _value, _attended, _delta, _mlp;

    public SiglipEncoderLayer(LayerWorkspace workspace, LayerNorm layerNorm1, Linear query, Linear key, Linear value, Linear projection,
        LayerNorm layerNorm2, Linear fc1, Linear fc2, int heads, GeluApproximation gelu)
    {
        int width = query.InFeatures;
        if (query.OutFeatures != width || key.OutFeatures != width || value.OutFeatures != width || projection.InFeatures != width
            || fc1.InFeatures != width || fc2.OutFeatures != width || fc2.InFeatures != fc1.OutFeatures || width % heads != 0)
            throw new ArgumentException($"SigLIP layer shapes disagree: q {query.Weight.Shape}, k {key.Weight.Shape}, v {value.Weight.Shape}, proj {projection.Weight.Shape}, fc1 {fc1.Weight.Shape}, fc2 {fc2.Weight.Shape}, {heads} heads.");
        LayerNorm1 = layerNorm1;
        Query = query;
        Key = key;
        Value = value;
        Projection = projection;
        LayerNorm2 = layerNorm2;
        Fc1 = fc1;
        Fc2 = fc2;
        Heads = heads;
        Gelu = gelu;
        Scale = (float)(1.0 / Math.Sqrt(width / heads));
        _normed = workspace.Buffer("siglip.normed", width);
        _query = workspace.Buffer("siglip.q", width);
        _key = workspace.Buffer("siglip.k", width);
        _value = workspace.Buffer("siglip.v", width);
        _attended = workspace.Buffer("siglip.attended", width);
        _delta = workspace.Buffer("siglip.delta", width);
        _mlp = workspace.Buffer("siglip.mlp", fc1.OutFeatures);
    }

    public LayerNorm LayerNorm1 { get; }

    public Linear Query { get; }

    public Linear Key { get; }

    public Linear Value { get; }

    public Linear Projection { get; }

    public LayerNorm LayerNorm2 { get; }

    public Linear Fc1 { get; }

    public Linear Fc2 { get; }

    public int Heads { get; }

    public GeluApproximation Gelu { get; }

    public float Scale { get; }

    public int Width => Query.InFeatures;

    /// <summary>Loads <c>{prefix}layer_norm1</c>, <c>self_attn.{q,k,v}_proj</c>, <c>self_attn.projection_layer</c>,
    /// <c>layer_norm2</c>, <c>mlp.fc1</c>, <c>mlp.fc2</c> (converted names).</summary>
    public static SiglipEncoderLayer Load(LayerWorkspace workspace, JanusWeights weights, string prefix, int heads, bool attentionBias, double eps, GeluApproximation gelu) =>
        new(workspace,
            weights.LoadLayerNorm(prefix + "layer_norm1", eps),
            weights.LoadLinear(prefix + "self_attn.q_proj", attentionBias),
            weights.LoadLinear(prefix + "self_attn.k_proj", attentionBias),
            weights.LoadLinear(prefix + "self_attn.v_proj", attentionBias),
            weights.LoadLinear(prefix + "self_attn.projection_layer"),
            weights.LoadLayerNorm(prefix + "layer_norm2", eps),
            weights.LoadLinear(prefix + "mlp.fc1"),
            weights.LoadLinear(prefix + "mlp.fc2"),
            heads, gelu);

    /// <summary>Runs the layer in place on <paramref name="hidden"/> [images · tokens, width].</summary>
    public void Forward(IBackend backend, Tensor hidden, int images, int tokens)
    {
        int rows = images * tokens;
        int headDim = Width / Heads;
        var normed = _normed.Rows(rows);
        LayerNorm1.Forward(backend, hidden, normed);
        var q = _query.Rows(rows);
        var k = _key.Rows(rows);
        var v = _value.Rows(rows);
        Query.Forward(backend, normed, q);
        Key.Forward(backend, normed, k);
        Value.Forward(backend, normed, v);
        var attended = _attended.Rows(rows);
        backend.UnmaskedAttention(q.Reshape(images, tokens, Heads, headDim), k.Reshape(images, tokens, Heads, headDim),
            v.Reshape(images, tokens, Heads, headDim), Scale, attended.Reshape(images, tokens, Heads, headDim));
        var delta = _delta.Rows(rows);
        Projection.Forward(backend, attended, delta);
        backend.Add(hidden, delta, hidden);

        LayerNorm2.Forward(backend, hidden, normed);
        var mlp = _mlp.Rows(rows);
        Fc1.Forward(backend, normed, mlp);
        backend.Gelu(mlp, mlp, Gelu);
        Fc2.Forward(backend, mlp, delta);
        backend.Add(hidden, delta, hidden);
    }
}
