using System.Runtime.InteropServices;

namespace DeepSeek.Sdk.Tensors;

/// <summary>CPU memory: either owned (64-byte aligned, for AVX-512 loads) or borrowed from an owner
/// that keeps it alive, such as a memory-mapped safetensors file.</summary>
public sealed unsafe class HostStorage : TensorStorage
{
    public const int Alignment = 64;

    private byte* _pointer;
    private readonly long _byteLength;
    private readonly bool _owned;
    // Keeps a borrowed region's owner (e.g. the memory mapping) reachable while tensors use it.
    private readonly object? _owner;

    private HostStorage(byte* pointer, long byteLength, bool owned, object? owner)
    {
        _pointer = pointer;
        _byteLength = byteLength;
        _owned = owned;
        _owner = owner;
    }

    ~HostStorage() => Dispose(false);

    public override Device Device => Device.Cpu;

    public override long ByteLength => _byteLength;

    public byte* Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_pointer == null && _byteLength != 0, this);
            return _pointer;
        }
    }

    /// <summary>The object whose lifetime this borrowed region depends on, or null when owned.</summary>
    public object? Owner => _owner;

    /// <summary>Allocates zeroed, 64-byte aligned memory.</summary>
    public static HostStorage Allocate(long byteLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteLength);
        var p = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(byteLength, 1), Alignment);
        NativeMemory.Clear(p, (nuint)byteLength);
        if (byteLength > 0) GC.AddMemoryPressure(byteLength);
        return new HostStorage(p, byteLength, owned: true, owner: null);
    }

    /// <summary>Wraps memory owned by someone else; <paramref name="owner"/> must keep it valid.</summary>
    public static HostStorage Borrow(byte* pointer, long byteLength, object owner) =>
        new(pointer, byteLength, owned: false, owner);

    public Span<byte> Bytes(long byteOffset, int byteCount)
    {
        if ((ulong)byteOffset + (ulong)byteCount > (ulong)_byteLength)
            throw new ArgumentOutOfRangeException(nameof(byteOffset), $"Range {byteOffset}+{byteCount} is outside the {_byteLength}-byte storage.");
        return new Span<byte>(Pointer + byteOffset, byteCount);
    }

    protected override void Dispose(bool disposing)
    {
        if (_owned && _pointer != null)
        {
            NativeMemory.AlignedFree(_pointer);
            if (_byteLength > 0) GC.RemoveMemoryPressure(_byteLength);
        }
        _pointer = null;
    }
}
