using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Configs;

/// <summary>Collects the tensors of an architecture in module order. Linear layers follow torch's nn.Linear
/// layout (weight [out, in], bias [out]); a quantized linear adds its FP8 block scales.</summary>
internal sealed class TensorLayoutBuilder
{
    private readonly List<ExpectedTensor> _tensors = [];
    private readonly QuantizationConfig? _quantization;

    public TensorLayoutBuilder(QuantizationConfig? quantization) => _quantization = quantization;

    public IReadOnlyList<ExpectedTensor> Build() => _tensors;

    public void Add(string name, params int[] dims) => _tensors.Add(new ExpectedTensor(name, new Shape(dims)));

    public void AddOptional(string name, params int[] dims) => _tensors.Add(new ExpectedTensor(name, new Shape(dims), IsOptional: true));

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
            _tensors.Add(new ExpectedTensor(prefix + ".weight", new Shape(outFeatures, inFeatures), DType.F8E4M3));
            _tensors.Add(new ExpectedTensor(prefix + ".weight_scale_inv",
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

    private static int CeilDiv(int a, int b) => (a + b - 1) / b;
}
