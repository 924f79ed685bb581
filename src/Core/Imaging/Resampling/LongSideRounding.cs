namespace DeepSeek.Sdk.Imaging.Resampling;

/// <summary>How the short side is rounded when an image is scaled so its long side hits a target. The two Janus
/// preprocessors differ here, by at most one pixel.</summary>
public enum LongSideRounding
{
    /// <summary>deepseek-ai/Janus <c>VLMImageProcessor.resize</c> (janus/models/image_processing_vlm.py):
    /// <c>int(side / max_side * target)</c>, truncation of the float64 product.</summary>
    Truncate = 0,

    /// <summary>transformers <c>JanusImageProcessor.resize</c> (models/janus/image_processing_janus.py):
    /// <c>round(side * (target / max_side))</c>, Python's round half to even.</summary>
    RoundHalfToEven = 1,
}
