using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DeepSeek.Sdk.Imaging.Jpeg;

/// <summary>Brings one component's samples to full resolution, row by row, choosing the method libjpeg-turbo's
/// jdsample.c jinit_upsampler chooses with do_fancy_upsampling on (Pillow's setting):
/// <list type="bullet">
/// <item>full size: the samples themselves;</item>
/// <item>2:1 horizontal (4:2:2): "fancy" triangle filter, 3/4 nearer + 1/4 further sample, rounding biased +1 / +2
/// on alternate outputs (h2v1_fancy_upsample) when the component is wider than 2 samples, else replication;</item>
/// <item>2:1 vertical only (4:4:0): the triangle filter between rows, biases +1 above / +2 below
/// (h1v2_fancy_upsample);</item>
/// <item>2:1 both ways (4:2:0): the triangle filter in both directions, 9/16, 3/16, 3/16, 1/16, biases +8 / +7
/// (h2v2_fancy_upsample) when wider than 2 samples, else replication;</item>
/// <item>any other integral ratio: replication (int_upsample).</item>
/// </list>
/// Neighbours past the component's edges are the edge samples (jdmainct.c duplicates the first and last real rows
/// as context; the column loops special-case the first and last columns), using the component's own width and
/// height (ceil(X H_i / Hmax), ceil(Y V_i / Vmax)), not the padded block grid.</summary>
internal sealed class JpegUpsampler
{
    private enum Method
    {
        FullSize,
        H2V1Fancy,
        H1V2Fancy,
        H2V2Fancy,
        Replicate,
    }

    private readonly Method _method;
    private readonly int _hExpand;
    private readonly int _vExpand;
    private readonly byte[] _plane;
    private readonly int _stride;
    private readonly int _width;
    private readonly int _height;
    private readonly int _outputWidth;
    private readonly int[] _columnSums;

    public JpegUpsampler(JpegFrame frame, JpegComponent component, byte[] plane, int stride)
    {
        _plane = plane;
        _stride = stride;
        _width = component.Width;
        _height = component.Height;
        _outputWidth = frame.Width;
        _hExpand = frame.HMax / component.H;
        _vExpand = frame.VMax / component.V;
        bool h2 = component.H * 2 == frame.HMax, v2 = component.V * 2 == frame.VMax;
        bool hSame = component.H == frame.HMax, vSame = component.V == frame.VMax;
        _method = (hSame, vSame, h2, v2) switch
        {
            (true, true, _, _) => Method.FullSize,
            (_, true, true, _) => _width > 2 ? Method.H2V1Fancy : Method.Replicate,
            (true, _, _, true) => Method.H1V2Fancy,
            (_, _, true, true) => _width > 2 ? Method.H2V2Fancy : Method.Replicate,
            _ => Method.Replicate,
        };
        _columnSums = _method == Method.H2V2Fancy ? new int[_width] : [];
    }

    /// <summary>Largest row this upsampler writes into a caller's buffer (whole expanded samples).</summary>
    public int BufferLength => Math.Max(_outputWidth, _width * _hExpand);

    /// <summary>Full-resolution samples of output row <paramref name="y"/> (the first <c>frame.Width</c> of them
    /// matter), either a view of the plane or written into <paramref name="buffer"/>.</summary>
    public ReadOnlySpan<byte> Row(int y, Span<byte> buffer)
    {
        switch (_method)
        {
            case Method.FullSize:
                return _plane.AsSpan(y * _stride, _outputWidth);
            case Method.H2V1Fancy:
            {
                var input = _plane.AsSpan(y * _stride, _width);
                HorizontalFancy(input, buffer);
                return buffer;
            }
            case Method.H1V2Fancy:
            {
                int r = y >> 1;
                bool upper = (y & 1) == 0;
                var near = _plane.AsSpan(r * _stride, _width);
                var far = _plane.AsSpan(Neighbour(r, upper) * _stride, _width);
                int bias = upper ? 1 : 2;
                for (int i = 0; i < near.Length; i++)
                    buffer[i] = (byte)((near[i] * 3 + far[i] + bias) >> 2);
                return buffer;
            }
            case Method.H2V2Fancy:
            {
                int r = y >> 1;
                bool upper = (y & 1) == 0;
                var near = _plane.AsSpan(r * _stride, _width);
                var far = _plane.AsSpan(Neighbour(r, upper) * _stride, _width);
                var sums = _columnSums.AsSpan(0, near.Length);
                for (int i = 0; i < sums.Length; i++)
                    sums[i] = near[i] * 3 + far[i];
                // First and last columns use themselves as the missing neighbour (h2v2_fancy_upsample's special cases).
                var o = buffer[..(2 * sums.Length)];
                int last = sums.Length - 1;
                o[0] = (byte)((sums[0] * 4 + 8) >> 4);
                o[1] = (byte)((sums[0] * 3 + sums[1] + 7) >> 4);
                ref int s0 = ref MemoryMarshal.GetReference(sums);
                ref byte o0 = ref MemoryMarshal.GetReference(o);
                for (int i = 1; i < last; i++)
                {
                    int here = Unsafe.Add(ref s0, i) * 3;
                    Unsafe.Add(ref o0, 2 * i) = (byte)((here + Unsafe.Add(ref s0, i - 1) + 8) >> 4);
                    Unsafe.Add(ref o0, 2 * i + 1) = (byte)((here + Unsafe.Add(ref s0, i + 1) + 7) >> 4);
                }
                o[2 * last] = (byte)((sums[last] * 3 + sums[last - 1] + 8) >> 4);
                o[2 * last + 1] = (byte)((sums[last] * 4 + 7) >> 4);
                return buffer;
            }
            default:
            {
                var input = _plane.AsSpan(y / _vExpand * _stride, _width);
                int h = _hExpand;
                for (int i = 0; i < input.Length; i++)
                    buffer.Slice(i * h, h).Fill(input[i]);
                return buffer;
            }
        }
    }

    /// <summary>h2v1_fancy_upsample on one row (at least 3 samples wide).</summary>
    private static void HorizontalFancy(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var o = output[..(2 * input.Length)];
        int last = input.Length - 1;
        o[0] = input[0];
        o[1] = (byte)((input[0] * 3 + input[1] + 2) >> 2);
        ref byte i0 = ref MemoryMarshal.GetReference(input);
        ref byte o0 = ref MemoryMarshal.GetReference(o);
        for (int i = 1; i < last; i++)
        {
            int here = Unsafe.Add(ref i0, i) * 3;
            Unsafe.Add(ref o0, 2 * i) = (byte)((here + Unsafe.Add(ref i0, i - 1) + 1) >> 2);
            Unsafe.Add(ref o0, 2 * i + 1) = (byte)((here + Unsafe.Add(ref i0, i + 1) + 2) >> 2);
        }
        o[2 * last] = (byte)((input[last] * 3 + input[last - 1] + 1) >> 2);
        o[2 * last + 1] = input[last];
    }

    /// <summary>The next-nearest row: above for the upper output row of a pair, below for the lower, the edge row
    /// standing in past the top and bottom.</summary>
    private int Neighbour(int row, bool above) => above ? Math.Max(row - 1, 0) : Math.Min(row + 1, _height - 1);
}
