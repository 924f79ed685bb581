namespace DeepSeek.Sdk.Generation;

/// <summary>A step of the model produced no finite logit to choose from (every candidate is NaN or -inf). With weights
/// that load and validate, this means the checkpoint itself holds NaN or infinite values, or values so large that the
/// activations overflow: the model folder is broken, so it is reported as the input's error rather than a crash.</summary>
public sealed class NonFiniteLogitsException()
    : DeepSeekException("The model produced no finite logit (every candidate is NaN or -inf): its weights hold NaN or infinite values, or overflow in float32; check the checkpoint.");
