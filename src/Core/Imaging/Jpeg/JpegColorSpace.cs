namespace DeepSeek.Sdk.Imaging.Jpeg;

/// <summary>The colour space of the stored components, as libjpeg decides it.</summary>
internal enum JpegColorSpace
{
    Gray,
    YCbCr,
    Rgb,
    Cmyk,
    Ycck,
}
