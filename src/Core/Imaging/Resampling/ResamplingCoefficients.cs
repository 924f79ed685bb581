namespace DeepSeek.Sdk.Imaging.Resampling;

/// <summary>Resample.c precompute_coeffs + normalize_coeffs_8bpc for one axis.</summary>
internal sealed class ResamplingCoefficients
{
    // Resample.c: "8 bits for result. Filter can have negative areas ... two extra bits for overflow and int type."
    public const int PrecisionBits = 32 - 8 - 2;

    private ResamplingCoefficients(int kernelSize, int[] bounds, int[] weights)
    {
        KernelSize = kernelSize;
        Bounds = bounds;
        Weights = weights;
    }

    public int KernelSize { get; }

    /// <summary>Per output pixel: first source index, number of source pixels.</summary>
    public int[] Bounds { get; }

    /// <summary><see cref="KernelSize"/> fixed-point weights per output pixel.</summary>
    public int[] Weights { get; }

    public static ResamplingCoefficients Compute(int inSize, int outSize, ResamplingFilter filter)
    {
        double support = Support(filter);
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        support *= filterScale;
        int kernelSize = (int)Math.Ceiling(support) * 2 + 1;
        var bounds = new int[outSize * 2];
        var weights = new int[(long)outSize * kernelSize];
        var w = new double[kernelSize];
        double inverseScale = 1.0 / filterScale;
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = (xx + 0.5) * scale;
            // C's (int) truncates toward zero, as does the cast here; the +0.5 rounds the window ends.
            int xmin = Math.Max((int)(center - support + 0.5), 0);
            int xmax = Math.Min((int)(center + support + 0.5), inSize) - xmin;
            double total = 0;
            for (int x = 0; x < xmax; x++)
            {
                w[x] = Evaluate(filter, (x + xmin - center + 0.5) * inverseScale);
                total += w[x];
            }
            for (int x = 0; x < xmax; x++)
            {
                double normalised = total != 0.0 ? w[x] / total : w[x];
                // normalize_coeffs_8bpc rounds half away from zero.
                weights[xx * kernelSize + x] = normalised < 0
                    ? (int)(-0.5 + normalised * (1 << PrecisionBits))
                    : (int)(0.5 + normalised * (1 << PrecisionBits));
            }
            bounds[2 * xx] = xmin;
            bounds[2 * xx + 1] = xmax;
        }
        return new ResamplingCoefficients(kernelSize, bounds, weights);
    }

    private static double Support(ResamplingFilter filter) => filter switch
    {
        ResamplingFilter.Box => 0.5,
        ResamplingFilter.Bilinear or ResamplingFilter.Hamming => 1.0,
        ResamplingFilter.Bicubic => 2.0,
        _ => 3.0,
    };

    private static double Evaluate(ResamplingFilter filter, double x)
    {
        switch (filter)
        {
            case ResamplingFilter.Box:
                return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
            case ResamplingFilter.Bilinear:
                x = Math.Abs(x);
                return x < 1.0 ? 1.0 - x : 0.0;
            case ResamplingFilter.Hamming:
                x = Math.Abs(x);
                if (x == 0.0)
                    return 1.0;
                if (x >= 1.0)
                    return 0.0;
                x *= Math.PI;
                // Resample.c writes the window constants as float literals (0.54f, 0.46f).
                return Math.Sin(x) / x * ((double)0.54f + (double)0.46f * Math.Cos(x));
            case ResamplingFilter.Bicubic:
                const double a = -0.5;
                x = Math.Abs(x);
                if (x < 1.0)
                    return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
                if (x < 2.0)
                    return (((x - 5) * x + 8) * x - 4) * a;
                return 0.0;
            default:
                return x >= -3.0 && x < 3.0 ? Sinc(x) * Sinc(x / 3) : 0.0;
        }
    }

    private static double Sinc(double x)
    {
        if (x == 0.0)
            return 1.0;
        x *= Math.PI;
        return Math.Sin(x) / x;
    }
}
