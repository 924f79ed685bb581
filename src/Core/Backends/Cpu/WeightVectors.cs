using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace DeepSeek.Sdk.Backends.Cpu;

/// <summary>Loads of 16 (Vector256 pair) or 32 (Vector512 pair) stored weights converted to F32 in registers,
/// so that no weight matrix is ever materialized in F32.</summary>
internal static unsafe class WeightVectors
{
    // 2^120 moves an E4M3 exponent (bias 7) placed in the F32 exponent field (bias 127) to its value;
    // the same multiply turns E4M3 subnormals, which land in F32 subnormals, into exact F32 values.
    private const float E4M3Rebias = 1.329228e36f; // 2^120
    // 2^112 does the same for F16 (bias 15).
    private const float F16Rebias = 5.192297e33f; // 2^112

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void BF16x16(ushort* p, out Vector256<float> lo, out Vector256<float> hi)
    {
        if (Avx2.IsSupported)
        {
            // vpmovzxwd straight from memory: one instruction per 8 lanes instead of a load plus two widens.
            lo = (Avx2.ConvertToVector256Int32(p).AsUInt32() << 16).AsSingle();
            hi = (Avx2.ConvertToVector256Int32(p + 8).AsUInt32() << 16).AsSingle();
            return;
        }
        var (a, b) = Vector256.Widen(Vector256.Load(p));
        lo = (a << 16).AsSingle();
        hi = (b << 16).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void BF16x32(ushort* p, out Vector512<float> lo, out Vector512<float> hi)
    {
        var (a, b) = Vector512.Widen(Vector512.Load(p));
        lo = (a << 16).AsSingle();
        hi = (b << 16).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void F8x16(byte* p, out Vector256<float> lo, out Vector256<float> hi)
    {
        if (Avx2.IsSupported)
        {
            // vpmovzxbd straight from memory, 8 bytes to 8 lanes.
            lo = E4M3(Avx2.ConvertToVector256Int32(p).AsUInt32());
            hi = E4M3(Avx2.ConvertToVector256Int32(p + 8).AsUInt32());
            return;
        }
        var (w0, w1) = Vector128.Widen(Vector128.Load(p));
        var (a, b) = Vector256.Widen(Vector256.Create(w0, w1));
        lo = E4M3(a);
        hi = E4M3(b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void F8x32(byte* p, out Vector512<float> lo, out Vector512<float> hi)
    {
        var (w0, w1) = Vector256.Widen(Vector256.Load(p));
        var (a, b) = Vector512.Widen(Vector512.Create(w0, w1));
        lo = E4M3(a);
        hi = E4M3(b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void F16x16(ushort* p, out Vector256<float> lo, out Vector256<float> hi)
    {
        if (Avx2.IsSupported)
        {
            lo = F16(Avx2.ConvertToVector256Int32(p).AsUInt32());
            hi = F16(Avx2.ConvertToVector256Int32(p + 8).AsUInt32());
            return;
        }
        var (a, b) = Vector256.Widen(Vector256.Load(p));
        lo = F16(a);
        hi = F16(b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void F16x32(ushort* p, out Vector512<float> lo, out Vector512<float> hi)
    {
        var (a, b) = Vector512.Widen(Vector512.Load(p));
        lo = F16(a);
        hi = F16(b);
    }

    // E4M3 "fn" has no infinities; its single NaN code (S.1111.111) would decode as ±480, which a
    // published weight never holds. Checkpoint loading is where NaN weights are rejected.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> E4M3(Vector256<uint> b) =>
        ((((b & Vector256.Create(0x7Fu)) << 20).AsSingle() * Vector256.Create(E4M3Rebias)).AsUInt32()
            | ((b & Vector256.Create(0x80u)) << 24)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> E4M3(Vector512<uint> b) =>
        ((((b & Vector512.Create(0x7Fu)) << 20).AsSingle() * Vector512.Create(E4M3Rebias)).AsUInt32()
            | ((b & Vector512.Create(0x80u)) << 24)).AsSingle();

    // Exponent 31 (inf/NaN) does not survive the rebias multiply, so those lanes get F32 inf/NaN bits directly.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> F16(Vector256<uint> h)
    {
        var magnitude = h & Vector256.Create(0x7FFFu);
        var scaled = ((magnitude << 13).AsSingle() * Vector256.Create(F16Rebias)).AsUInt32();
        var special = Vector256.GreaterThanOrEqual(magnitude, Vector256.Create(0x7C00u));
        var value = Vector256.ConditionalSelect(special, (magnitude << 13) | Vector256.Create(0x7F800000u), scaled);
        return (value | ((h & Vector256.Create(0x8000u)) << 16)).AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> F16(Vector512<uint> h)
    {
        var magnitude = h & Vector512.Create(0x7FFFu);
        var scaled = ((magnitude << 13).AsSingle() * Vector512.Create(F16Rebias)).AsUInt32();
        var special = Vector512.GreaterThanOrEqual(magnitude, Vector512.Create(0x7C00u));
        var value = Vector512.ConditionalSelect(special, (magnitude << 13) | Vector512.Create(0x7F800000u), scaled);
        return (value | ((h & Vector512.Create(0x8000u)) << 16)).AsSingle();
    }
}
