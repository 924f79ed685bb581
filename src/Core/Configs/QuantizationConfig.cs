namespace DeepSeek.Sdk.Configs;

/// <summary>The <c>quantization_config</c> block of an FP8 checkpoint, as DeepSeek-V3 publishes it:
/// <c>{"quant_method": "fp8", "fmt": "e4m3", "activation_scheme": "dynamic", "weight_block_size": [128, 128]}</c>.
/// Each quantized weight W [rows, cols] is stored as F8_E4M3 with an F32 <c>weight_scale_inv</c>
/// [ceil(rows / block_rows), ceil(cols / block_cols)] (deepseek-ai/DeepSeek-V3 inference/kernel.py weight_dequant).</summary>
public sealed record QuantizationConfig
{
    public string QuantMethod { get; init; } = "fp8";

    /// <summary>FP8 element format; only "e4m3" (float8_e4m3fn) is used by the published checkpoints.</summary>
    public string Fmt { get; init; } = "e4m3";

    /// <summary>"dynamic": activations are quantized per token-group at run time (no stored activation scales).</summary>
    public string ActivationScheme { get; init; } = "dynamic";

    /// <summary>[block_rows, block_cols] of a scale tile.</summary>
    public IReadOnlyList<int> WeightBlockSize { get; init; } = [128, 128];

    public int WeightBlockRows => WeightBlockSize[0];

    public int WeightBlockCols => WeightBlockSize[1];

    internal static QuantizationConfig Read(ConfigJson json)
    {
        string method = json.RequiredString("quant_method");
        if (method != "fp8")
            throw json.Error("quant_method", $"'{method}' is not supported; supported: fp8");
        string fmt = json.String("fmt") ?? "e4m3";
        if (fmt != "e4m3")
            throw json.Error("fmt", $"'{fmt}' is not supported; supported: e4m3");
        string activation = json.String("activation_scheme") ?? "dynamic";
        if (activation != "dynamic")
            throw json.Error("activation_scheme", $"'{activation}' is not supported; supported: dynamic");
        var block = json.IntList("weight_block_size");
        if (block.Count != 2 || block[0] <= 0 || block[1] <= 0)
            throw json.Error("weight_block_size", $"must be two positive integers [rows, cols], got [{string.Join(", ", block)}]");
        return new QuantizationConfig { QuantMethod = method, Fmt = fmt, ActivationScheme = activation, WeightBlockSize = block };
    }
}
