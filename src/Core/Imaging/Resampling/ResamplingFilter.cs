namespace DeepSeek.Sdk.Imaging.Resampling;

/// <summary>The convolution filters of Pillow's resampler (src/libImaging/Resample.c), with Pillow's names.</summary>
public enum ResamplingFilter
{
    /// <summary>Keys' cubic convolution with a = -0.5, support 2 (<c>Image.Resampling.BICUBIC</c>). Janus-Pro's
    /// preprocessing uses it.</summary>
    Bicubic = 0,

    /// <summary>Triangle, support 1 (<c>Image.Resampling.BILINEAR</c>).</summary>
    Bilinear = 1,

    /// <summary>Lanczos-windowed sinc, support 3 (<c>Image.Resampling.LANCZOS</c>).</summary>
    Lanczos = 2,

    /// <summary>Box, support 0.5 (<c>Image.Resampling.BOX</c>).</summary>
    Box = 3,

    /// <summary>Hamming-windowed sinc, support 1 (<c>Image.Resampling.HAMMING</c>).</summary>
    Hamming = 4,
}
