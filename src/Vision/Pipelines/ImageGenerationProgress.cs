namespace DeepSeek.Sdk.Vision.Pipelines;

/// <summary>Progress of an image generation: <see cref="Completed"/> of <see cref="Total"/> image tokens per image
/// (576 for 384×384) while generating tokens, or images while decoding.</summary>
public readonly record struct ImageGenerationProgress(ImageGenerationStage Stage, int Completed, int Total);
