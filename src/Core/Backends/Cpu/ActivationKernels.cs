using System.Numerics.Tensors;

namespace DeepSeek.Sdk.Backends.Cpu;

/// <summary>Elementwise activations. Work in stack chunks so that the output may alias an input.</summary>
public static unsafe class ActivationKernels
{
    private const int Chunk = 256;
    private static readonly float s_sqrt2OverPi = MathF.Sqrt(2f / MathF.PI);

    /// <summary>SiLU: <c>x * sigmoid(x)</c>.</summary>
    public static void Silu(float* x, float* y, long count)
    {
        float* t = stackalloc float[Chunk];
        for (long i = 0; i < count; i += Chunk)
        {
            int n = (int)Math.Min(Chunk, count - i);
            var xs = new ReadOnlySpan<float>(x + i, n);
            var ts = new Span<float>(t, n);
            TensorPrimitives.Sigmoid(xs, ts);
            TensorPrimitives.Multiply(xs, ts, new Span<float>(y + i, n));
        }
    }

    /// <summary>The gated MLP product <c>silu(gate) * up</c> (LlamaMLP / DeepseekV3MLP act_fn(gate_proj(x)) * up_proj(x)).</summary>
    public static void SwiGlu(float* gate, float* up, float* y, long count)
    {
        float* t = stackalloc float[Chunk];
        for (long i = 0; i < count; i += Chunk)
        {
            int n = (int)Math.Min(Chunk, count - i);
            var gs = new ReadOnlySpan<float>(gate + i, n);
            var ts = new Span<float>(t, n);
            TensorPrimitives.Sigmoid(gs, ts);
            TensorPrimitives.Multiply(gs, ts, ts);
            TensorPrimitives.Multiply(ts, new ReadOnlySpan<float>(up + i, n), new Span<float>(y + i, n));
        }
    }

    /// <summary>GELU, exact <c>0.5 x (1 + erf(x / √2))</c> or torch's tanh approximation
    /// <c>0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))</c>.</summary>
    public static void Gelu(float* x, float* y, long count, GeluApproximation approximation)
    {
        if (approximation == GeluApproximation.Exact)
        {
            for (long i = 0; i < count; i++)
            {
                double v = x[i];
                y[i] = (float)(0.5 * v * (1 + Erf(v * 0.7071067811865476)));
            }
            return;
        }
        float* t = stackalloc float[Chunk];
        for (long i = 0; i < count; i += Chunk)
        {
            int n = (int)Math.Min(Chunk, count - i);
            for (int j = 0; j < n; j++)
            {
                float v = x[i + j];
                t[j] = s_sqrt2OverPi * (v + 0.044715f * v * v * v);
            }
            var ts = new Span<float>(t, n);
            TensorPrimitives.Tanh(ts, ts);
            for (int j = 0; j < n; j++) y[i + j] = 0.5f * x[i + j] * (1f + t[j]);
        }
    }

    /// <summary>erf via the Chebyshev-fitted erfc of Numerical Recipes (2nd ed., §6.2, erfcc), whose fractional
    /// error is below 1.2e-7 everywhere: finer than F32's 6e-8 half-ulp only by a small factor, which is why the
    /// exact GELU test allows a few ulps.</summary>
    internal static double Erf(double x)
    {
        double z = Math.Abs(x);
        double t = 1 / (1 + 0.5 * z);
        double erfc = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - erfc : erfc - 1;
    }
}
