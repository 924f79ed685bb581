namespace DeepSeek.Sdk.Runtime;

/// <summary>How far a model load has come: the stage being worked on and the checkpoint tensors (and their bytes)
/// built into the model so far, out of all the model uses. Loaders report after each layer, so a 61-layer model
/// reports about 63 times.</summary>
public readonly record struct ModelLoadProgress(string Stage, int TensorsLoaded, int TotalTensors, long BytesLoaded, long TotalBytes)
{
    /// <summary>0..1 by bytes (by tensors when the byte total is unknown).</summary>
    public double Fraction =>
        TotalBytes > 0 ? Math.Clamp((double)BytesLoaded / TotalBytes, 0, 1)
        : TotalTensors > 0 ? Math.Clamp((double)TensorsLoaded / TotalTensors, 0, 1)
        : 0;

    public bool IsComplete => TotalTensors > 0 && TensorsLoaded >= TotalTensors;
}
