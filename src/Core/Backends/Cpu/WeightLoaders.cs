using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Backends.Cpu;

/// <summary>How one stored weight dtype becomes F32: 16 values for the Vector256 path, 32 for the
/// Vector512 path, one for tails. Static abstract members let the JIT specialize and inline each
/// dot-product loop per dtype, with no branch or call per element.</summary>
internal unsafe interface IWeightLoader
{
    static abstract int ElementSize { get; }

    static abstract void Load16(byte* p, out Vector256<float> lo, out Vector256<float> hi);

    static abstract void Load32(byte* p, out Vector512<float> lo, out Vector512<float> hi);

    static abstract float Scalar(byte* p);
}

internal unsafe struct F32Loader : IWeightLoader
{
    public static int ElementSize => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load16(byte* p, out Vector256<float> lo, out Vector256<float> hi)
    {
        lo = Vector256.Load((float*)p);
        hi = Vector256.Load((float*)p + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load32(byte* p, out Vector512<float> lo, out Vector512<float> hi)
    {
        lo = Vector512.Load((float*)p);
        hi = Vector512.Load((float*)p + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Scalar(byte* p) => *(float*)p;
}

internal unsafe struct BF16Loader : IWeightLoader
{
    public static int ElementSize => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load16(byte* p, out Vector256<float> lo, out Vector256<float> hi) => WeightVectors.BF16x16((ushort*)p, out lo, out hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load32(byte* p, out Vector512<float> lo, out Vector512<float> hi) => WeightVectors.BF16x32((ushort*)p, out lo, out hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Scalar(byte* p) => ScalarConversions.BF16ToF32(*(ushort*)p);
}

internal unsafe struct F16Loader : IWeightLoader
{
    public static int ElementSize => 2;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load16(byte* p, out Vector256<float> lo, out Vector256<float> hi) => WeightVectors.F16x16((ushort*)p, out lo, out hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load32(byte* p, out Vector512<float> lo, out Vector512<float> hi) => WeightVectors.F16x32((ushort*)p, out lo, out hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Scalar(byte* p) => ScalarConversions.F16ToF32(*(ushort*)p);
}

internal unsafe struct F8E4M3Loader : IWeightLoader
{
    public static int ElementSize => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load16(byte* p, out Vector256<float> lo, out Vector256<float> hi) => WeightVectors.F8x16(p, out lo, out hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Load32(byte* p, out Vector512<float> lo, out Vector512<float> hi) => WeightVectors.F8x32(p, out lo, out hi);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Scalar(byte* p) => ScalarConversions.F8E4M3ToF32(*p);
}
