namespace DeepSeek.Sdk.Imaging;

/// <summary>How <see cref="ImageCodecs"/> decodes. Immutable; <see cref="Default"/> suits vision preprocessing.</summary>
public sealed record ImageDecodeOptions
{
    /// <summary>Pillow's <c>Image.MAX_IMAGE_PIXELS</c> (1024 * 1024 * 1024 / 4 / 3): the size at which Pillow starts
    /// warning about decompression bombs. We refuse instead of warning.</summary>
    public const long DefaultMaxPixelCount = 89_478_485;

    /// <summary>256 MiB of encoded bytes read from a stream.</summary>
    public const long DefaultMaxEncodedBytes = 256L * 1024 * 1024;

    /// <summary>The scan limit libjpeg-turbo's own fuzz targets set for untrusted input
    /// (<c>tj3Set(handle, TJPARAM_SCANLIMIT, 500)</c>; <c>djpeg -maxscans</c> is the same guard). Real files have
    /// 1 to 4 scans (sequential) or about 10 (libjpeg's progressive script: 10 for colour, 6 for greyscale; mozjpeg's
    /// optimised scripts stay in the tens).</summary>
    public const int DefaultMaxScans = 500;

    public static ImageDecodeOptions Default { get; } = new();

    /// <summary>Width times height above which decoding stops with <see cref="ImageTooLargeException"/>, checked
    /// against the header before any pixel buffer is allocated.</summary>
    public long MaxPixelCount { get; init; } = DefaultMaxPixelCount;

    /// <summary>Largest encoded input read from a <see cref="Stream"/>.</summary>
    public long MaxEncodedBytes { get; init; } = DefaultMaxEncodedBytes;

    /// <summary>JPEG scans (SOS segments) after which decoding stops with <see cref="ImageTooLargeException"/>. Each
    /// scan of a progressive file may cover the whole image with a few bytes of end-of-band runs, so the number of
    /// scans, not the file size, bounds the work that carries no data: without a limit a 300 KB file of 2000
    /// refinement scans kept the decoder busy for minutes.</summary>
    public int MaxScans { get; init; } = DefaultMaxScans;

    /// <summary>Pixel layout of the result. <see cref="ImagePixelFormat.Rgb24"/> drops alpha the way Pillow's
    /// <c>convert("RGB")</c> does (no compositing onto a background).</summary>
    public ImagePixelFormat PixelFormat { get; init; } = ImagePixelFormat.Rgb24;

    /// <summary>Rotate/flip by the Exif Orientation tag (JPEG APP1, PNG eXIf) as Pillow's
    /// <c>ImageOps.exif_transpose</c> does, so width and height are those of the upright image.</summary>
    public bool ApplyExifOrientation { get; init; } = true;
}
