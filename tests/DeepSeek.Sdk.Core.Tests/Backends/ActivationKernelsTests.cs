using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Core.Tests.Backends;

public sealed class ActivationKernelsTests : IDisposable
{
    // TensorPrimitives' Sigmoid/Exp/Tanh are accurate to a few F32 ulps (~1e-7 relative); 2e-6 covers the
    // products around them. Near zero crossings the absolute term takes over.
    private const double Tolerance = 2e-6;

    private readonly CpuBackend _backend = new(threadCount: 1);

    public void Dispose() => _backend.Dispose();

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(257)]
    [InlineData(1000)]
    public void Silu_and_SwiGlu_match_the_definition(int count)
    {
        var rng = new Random(count);
        var g = KernelReference.Random(rng, count, 8f);
        var u = KernelReference.Random(rng, count, 2f);
        var silu = new double[count];
        var swiglu = new double[count];
        for (int i = 0; i < count; i++)
        {
            silu[i] = g[i] / (1 + Math.Exp(-g[i]));
            swiglu[i] = silu[i] * u[i];
        }
        var y = Tensor.Zeros(DType.F32, new Shape(count));
        _backend.Silu(KernelReference.F32(g, count), y);
        KernelReference.Close(silu, y.AsSpan<float>(), Tolerance, 1e-7);
        _backend.SwiGlu(KernelReference.F32(g, count), KernelReference.F32(u, count), y);
        KernelReference.Close(swiglu, y.AsSpan<float>(), Tolerance, 1e-7);
    }

    [Fact]
    public void Silu_may_write_over_its_input()
    {
        var x = KernelReference.F32([-2f, 0f, 3f], 3);
        _backend.Silu(x, x);
        KernelReference.Close([-2 / (1 + Math.Exp(2)), 0, 3 / (1 + Math.Exp(-3))], x.AsSpan<float>(), Tolerance, 1e-7);
    }

    [Theory]
    [InlineData(GeluApproximation.Exact)]
    [InlineData(GeluApproximation.Tanh)]
    public void Gelu_matches_the_definition(GeluApproximation approximation)
    {
        var x = new float[401];
        for (int i = 0; i < x.Length; i++) x[i] = (i - 200) / 25f; // -8 .. 8
        var expected = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double v = x[i];
            expected[i] = approximation == GeluApproximation.Exact
                ? 0.5 * v * (1 + ErfReference(v / Math.Sqrt(2)))
                : 0.5 * v * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
        }
        var y = Tensor.Zeros(DType.F32, new Shape(x.Length));
        _backend.Gelu(KernelReference.F32(x, x.Length), y, approximation);
        // Exact: the erfc fit errs by < 1.2e-7 of 1 + erf, i.e. 1.2e-7·|x| absolute. Tanh: F32 tanh ulps.
        KernelReference.Close(expected, y.AsSpan<float>(), Tolerance, 1.2e-7 * 8 + 1e-7);
    }

    // Independent erf: Maclaurin series for |x| < 2.5 (largest term ~ e^(x²) ≈ 500, so cancellation costs
    // ~1e-13), continued fraction for erfc beyond (Abramowitz & Stegun 7.1.14), 80 terms.
    private static double ErfReference(double x)
    {
        double z = Math.Abs(x), result;
        if (z < 2.5)
        {
            double term = z, sum = z;
            for (int n = 1; n < 200; n++)
            {
                term *= -z * z / n;
                sum += term / (2 * n + 1);
            }
            result = 2 / Math.Sqrt(Math.PI) * sum;
        }
        else
        {
            double f = z;
            for (int n = 80; n >= 1; n--) f = z + n / 2.0 / f;
            result = 1 - Math.Exp(-z * z) / Math.Sqrt(Math.PI) / f;
        }
        return x < 0 ? -result : result;
    }
}
