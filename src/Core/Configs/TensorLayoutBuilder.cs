using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Configs;

/// <summary>Collects the tensors of an architecture in module order. Linear layers follow torch's nn.Linear
/// layout (weight [out, in], bias [out]); a quantized linear adds its FP8 block scales. The list stops at
/// <see cref="ConfigLimits.MaxTensors"/>: the configs check their multiplicative terms (layers × experts) while they are
/// read, and this bound keeps any term they missed from listing millions of names.</summary>
internal sealed class TensorLayoutBuilder
{
    private readonly List<ExpectedTensor> _tensors = [];
    private readonly ModelConfig _config;
    private readonly QuantizationConfig? _quantization;

    public TensorLayoutBuilder(ModelConfig config)
    {
        _config = config;
        _quantization = config.Quantization;
    }

    public IReadOnlyList<ExpectedTensor> Build() => _tensors;

    public void Add(string name, params int[] dims) => Append(new ExpectedTensor(name, new Shape(dims)));

    public void AddOptional(string name, params int[] dims) => Append(new ExpectedTensor(name, new Shape(dims), IsOptional: true));

    private void Append(ExpectedTensor tensor)
    {
        var limit = _config.Limits.Tensors;
        if (_tensors.Count >= limit.Max)
            throw new ConfigException($"the {_config.ModelType} architecture it describes has more than {limit.Max} tensors {limit}", _config.SourcePath);
        _tensors.Add(tensor);
    }

    /// <summary>A norm or layer with <c>weight</c> and, when <paramref name="bias"/>, <c>bias</c> of [size].</summary>
    public void Norm(string prefix, int size, bool bias = false)
    {
        Add(prefix + ".weight", size);
        if (bias) Add(prefix + ".bias", size);
    }

    /// <summary>nn.Linear(in, out). When <paramref name="quantizable"/> and the checkpoint is FP8, the weight is
    /// F8_E4M3 and <c>weight_scale_inv</c> is F32 [ceil(out / block_rows), ceil(in / block_cols)].</summary>
    public void Linear(string prefix, int outFeatures, int inFeatures, bool bias = false, bool quantizable = true)
    {
        if (quantizable && _quantization is { } q)
        {
            Append(new ExpectedTensor(prefix + ".weight", new Shape(outFeatures, inFeatures), DType.F8E4M3));
            Append(new ExpectedTensor(prefix + ".weight_scale_inv",
                new Shape(CeilDiv(outFeatures, q.WeightBlockRows), CeilDiv(inFeatures, q.WeightBlockCols)), DType.F32));
        }
        else
        {
            Add(prefix + ".weight", outFeatures, inFeatures);
        }
        if (bias) Add(prefix + ".bias", outFeatures);
    }

    /// <summary>nn.Conv2d(in, out, kernel) with bias: weight [out, in, k, k].</summary>
    public void Conv2d(string prefix, int outChannels, int inChannels, int kernel)
    {
        Add(prefix + ".weight", outChannels, inChannels, kernel, kernel);
        Add(prefix + ".bias", outChannels);
    }

    // (a + b - 1) / b would overflow for a weight_block_size near int.MaxValue.
    private static int CeilDiv(int a, int b) => (int)(((long)a + b - 1) / b);
}
