namespace DeepSeek.Sdk.Backends;

/// <summary>Which GELU: torch's default (exact, via erf) or approximate='tanh' ("gelu_pytorch_tanh").</summary>
public enum GeluApproximation
{
    Exact,
    Tanh,
}
