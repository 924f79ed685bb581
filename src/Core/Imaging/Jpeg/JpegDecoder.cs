namespace DeepSeek.Sdk.Imaging.Jpeg;

/// <summary>Decodes Huffman-coded JPEG (baseline SOF0, extended sequential SOF1, progressive SOF2; 8-bit samples;
/// 1, 3 or 4 components with any integral sampling factors; restart intervals) to RGB the way Pillow does through
/// libjpeg-turbo: islow IDCT (<see cref="JpegIdct"/>), fancy upsampling (<see cref="JpegUpsampler"/>), libjpeg's
/// colour space rules and conversion (<see cref="JpegColorConverter"/>), then the Exif orientation. Markers follow
/// T.81 Annex B; anything malformed, truncated or unsupported ends in an <see cref="ImageFormatException"/> naming the
/// marker and offset.</summary>
internal static class JpegDecoder
{
    public static ImageInfo Identify(ReadOnlySpan<byte> data)
    {
        var state = new JpegHeaders();
        JpegMarkerReader.Read(data, state, options: null, stopAtFirstScan: true);
        var frame = state.Frame ?? throw Error("no SOF frame header before the first scan", data.Length);
        int channels = frame.Components.Length;
        string kind = frame.Progressive ? "progressive" : frame.Marker == JpegMarkers.Sof1 ? "extended sequential" : "baseline";
        return new ImageInfo(ImageFileFormat.Jpeg, frame.Width, frame.Height, channels, 8, false, state.Orientation,
            $"JPEG {kind}, {state.ColorSpaceName()}, sampling {frame.Sampling()}{(state.RestartInterval > 0 ? $", restart interval {state.RestartInterval}" : "")}");
    }

    public static ImageBuffer Decode(ReadOnlySpan<byte> data, ImageDecodeOptions options, CancellationToken cancellationToken)
    {
        var state = new JpegHeaders();
        JpegMarkerReader.Read(data, state, options, stopAtFirstScan: false, cancellationToken);
        var frame = state.Frame!;
        var image = new ImageBuffer(frame.Width, frame.Height, options.PixelFormat);
        Reconstruct(frame, state, image, cancellationToken);
        return options.ApplyExifOrientation ? ExifOrientation.Apply(image, state.Orientation, cancellationToken) : image;
    }

    /// <summary>IDCT every block, then upsample and colour-convert row by row into <paramref name="image"/>.</summary>
    private static void Reconstruct(JpegFrame frame, JpegHeaders state, ImageBuffer image, CancellationToken cancellationToken)
    {
        var components = frame.Components;
        var planes = new byte[components.Length][];
        var upsamplers = new JpegUpsampler[components.Length];
        Span<int> workspace = stackalloc int[64];
        for (int ci = 0; ci < components.Length; ci++)
        {
            var c = components[ci];
            int stride = c.BlocksPerLine * 8;
            var plane = new byte[(long)stride * c.BlocksPerColumn * 8];
            // A component no scan named keeps zero coefficients; libjpeg would not have a table latched either.
            var quant = c.Quantization ?? state.QuantTables[c.QuantTable] ?? new ushort[64];
            // Blocks past the component's own size are MCU padding that no output sample reads.
            int rows = c.HeightInBlocks, columns = c.WidthInBlocks;
            for (int by = 0; by < rows; by++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (int bx = 0; bx < columns; bx++)
                {
                    JpegIdct.Transform(c.Coefficients.AsSpan(c.BlockOffset(by, bx), 64), quant,
                        plane.AsSpan(by * 8 * stride + bx * 8), stride, workspace);
                }
            }
            planes[ci] = plane;
            upsamplers[ci] = new JpegUpsampler(frame, c, plane, stride);
        }

        int channels = image.Channels;
        var buffers = new byte[components.Length][];
        for (int ci = 0; ci < components.Length; ci++)
            buffers[ci] = new byte[upsamplers[ci].BufferLength];
        var space = state.ColorSpace();
        for (int y = 0; y < frame.Height; y++)
        {
            if ((y & 15) == 0)
                cancellationToken.ThrowIfCancellationRequested();
            var output = image.GetRow(y);
            var c0 = upsamplers[0].Row(y, buffers[0]);
            switch (space)
            {
                case JpegColorSpace.Gray:
                    JpegColorConverter.GrayToRgb(c0, output, channels);
                    break;
                case JpegColorSpace.YCbCr:
                    JpegColorConverter.YCbCrToRgb(c0, upsamplers[1].Row(y, buffers[1]), upsamplers[2].Row(y, buffers[2]), output, channels);
                    break;
                case JpegColorSpace.Rgb:
                    JpegColorConverter.RgbToRgb(c0, upsamplers[1].Row(y, buffers[1]), upsamplers[2].Row(y, buffers[2]), output, channels);
                    break;
                default:
                    JpegColorConverter.CmykToRgb(c0, upsamplers[1].Row(y, buffers[1]), upsamplers[2].Row(y, buffers[2]),
                        upsamplers[3].Row(y, buffers[3]), space == JpegColorSpace.Ycck, output, channels);
                    break;
            }
        }
    }

    private static ImageFormatException Error(string message, long offset) => new(ImageFileFormat.Jpeg, message, offset);
}
