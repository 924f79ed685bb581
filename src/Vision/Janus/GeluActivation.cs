using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Configs;

namespace DeepSeek.Sdk.Vision.Janus;

/// <summary>The GELU variants Janus configs name in <c>hidden_act</c> (transformers ACT2FN): "gelu" is the exact erf
/// form (nn.GELU(), what the release's SigLIP, MlpProjector and VisionHead use); "gelu_pytorch_tanh" and "gelu_new"
/// the tanh approximation.</summary>
internal static class GeluActivation
{
    public static GeluApproximation Parse(string hiddenAct, string sourcePath, string field) => hiddenAct switch
    {
        "gelu" => GeluApproximation.Exact,
        "gelu_pytorch_tanh" or "gelu_new" => GeluApproximation.Tanh,
        _ => throw new ConfigException($"'{hiddenAct}' is not supported (gelu, gelu_pytorch_tanh, gelu_new)", sourcePath, field),
    };
}
