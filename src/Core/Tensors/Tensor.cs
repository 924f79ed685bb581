using System.Runtime.InteropServices;

namespace DeepSeek.Sdk.Tensors;

/// <summary>A typed, shaped, strided view of a <see cref="TensorStorage"/>. Views (slice, select,
/// reshape, transpose) share the storage and never copy. Offsets and strides are in elements.</summary>
public sealed class Tensor
{
    private readonly long[] _strides;

    public Tensor(TensorStorage storage, DType dtype, Shape shape, ReadOnlySpan<long> strides = default, long elementOffset = 0, BlockScales? scales = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        Storage = storage;
        DType = dtype;
        Shape = shape;
        _strides = strides.IsEmpty && shape.Rank > 0 ? shape.ContiguousStrides() : strides.ToArray();
        if (_strides.Length != shape.Rank)
            throw new ArgumentException($"Strides rank {_strides.Length} does not match shape {shape}.", nameof(strides));
        ArgumentOutOfRangeException.ThrowIfNegative(elementOffset);
        ElementOffset = elementOffset;
        Scales = scales;
        long last = LastElementIndex();
        if (shape.ElementCount > 0 && (last + 1) * dtype.SizeOf() > storage.ByteLength)
            throw new ArgumentException($"A {dtype} tensor {shape} at element offset {elementOffset} does not fit in {storage.ByteLength} bytes of storage.");
    }

    public TensorStorage Storage { get; }

    public DType DType { get; }

    public Shape Shape { get; }

    public ReadOnlySpan<long> Strides => _strides;

    public long ElementOffset { get; }

    /// <summary>Per-tile scales for block-quantized (FP8) weights; null otherwise.</summary>
    public BlockScales? Scales { get; }

    public Device Device => Storage.Device;

    public int Rank => Shape.Rank;

    public long ElementCount => Shape.ElementCount;

    public long ByteCount => ElementCount * DType.SizeOf();

    public bool IsContiguous
    {
        get
        {
            long expected = 1;
            for (int i = Rank - 1; i >= 0; i--)
            {
                if (Shape[i] != 1 && _strides[i] != expected) return false;
                expected *= Shape[i];
            }
            return true;
        }
    }

    /// <summary>Allocates a zeroed, contiguous host tensor.</summary>
    public static Tensor Zeros(DType dtype, Shape shape) =>
        new(HostStorage.Allocate(shape.ElementCount * dtype.SizeOf()), dtype, shape);

    /// <summary>Copies <paramref name="data"/> into a new contiguous host tensor of the given dtype,
    /// whose element size must match <typeparamref name="T"/>.</summary>
    public static Tensor FromSpan<T>(ReadOnlySpan<T> data, Shape shape, DType dtype)
        where T : unmanaged
    {
        CheckElementType<T>(dtype);
        if (data.Length != shape.ElementCount)
            throw new ArgumentException($"{data.Length} values cannot fill shape {shape}.", nameof(data));
        var t = Zeros(dtype, shape);
        data.CopyTo(t.AsSpan<T>());
        return t;
    }

    public static Tensor FromArray(float[] data, params int[] shape) => FromSpan<float>(data, new Shape(shape), DType.F32);

    public static Tensor FromArray(int[] data, params int[] shape) => FromSpan<int>(data, new Shape(shape), DType.I32);

    /// <summary>The elements of a contiguous host tensor, typed as <typeparamref name="T"/> (ushort for
    /// BF16/F16 bits, byte for FP8).</summary>
    public unsafe Span<T> AsSpan<T>()
        where T : unmanaged
    {
        CheckElementType<T>(DType);
        if (!IsContiguous) throw new InvalidOperationException($"Tensor {Shape} with strides [{string.Join(", ", _strides)}] is not contiguous.");
        if (ElementCount > int.MaxValue) throw new InvalidOperationException($"Tensor {Shape} has more than int.MaxValue elements; use rows.");
        return new Span<T>(DataPointer, (int)ElementCount);
    }

    /// <summary>Address of the first element of a host tensor.</summary>
    public unsafe byte* DataPointer => Host().Pointer + ElementOffset * DType.SizeOf();

    /// <summary>A view of <paramref name="length"/> entries of <paramref name="axis"/> starting at <paramref name="start"/>.
    /// Block scales come along (<see cref="BlockScales.Slice"/>: a view, or a re-tiled host copy when the slice starts
    /// inside a tile).</summary>
    public Tensor Slice(int axis, int start, int length)
    {
        axis = NormalizeAxis(axis);
        if (start < 0 || length < 0 || start + length > Shape[axis])
            throw new ArgumentOutOfRangeException(nameof(start), $"Slice {start}..{start + length} of axis {axis} is outside {Shape}.");
        var dims = Shape.Dims.ToArray();
        dims[axis] = length;
        return new Tensor(Storage, DType, new Shape(dims), _strides, ElementOffset + start * _strides[axis], SliceScales(axis, start, length));
    }

    /// <summary>A view of index <paramref name="index"/> of <paramref name="axis"/>, with that axis removed.</summary>
    public Tensor Select(int axis, int index)
    {
        axis = NormalizeAxis(axis);
        if ((uint)index >= (uint)Shape[axis])
            throw new ArgumentOutOfRangeException(nameof(index), $"Index {index} is outside axis {axis} of {Shape}.");
        if (Scales is not null)
            throw new InvalidOperationException("Selecting from a block-scaled tensor would drop its scales; slice instead.");
        var dims = new List<int>(Shape.Dims.ToArray());
        var strides = new List<long>(_strides);
        dims.RemoveAt(axis);
        strides.RemoveAt(axis);
        return new Tensor(Storage, DType, new Shape(dims.ToArray()), strides.ToArray(), ElementOffset + index * _strides[axis]);
    }

    /// <summary>A view with a new shape of the same element count; the tensor must be contiguous.</summary>
    public Tensor Reshape(params int[] dims)
    {
        var shape = new Shape(dims);
        if (shape.ElementCount != ElementCount)
            throw new ArgumentException($"Cannot reshape {Shape} ({ElementCount} elements) to {shape}.");
        if (!IsContiguous)
            throw new InvalidOperationException($"Cannot reshape non-contiguous tensor {Shape} without a copy.");
        return new Tensor(Storage, DType, shape, default, ElementOffset);
    }

    /// <summary>A view with two axes swapped.</summary>
    public Tensor Transpose(int axisA, int axisB)
    {
        axisA = NormalizeAxis(axisA);
        axisB = NormalizeAxis(axisB);
        var dims = Shape.Dims.ToArray();
        var strides = _strides.ToArray();
        (dims[axisA], dims[axisB]) = (dims[axisB], dims[axisA]);
        (strides[axisA], strides[axisB]) = (strides[axisB], strides[axisA]);
        return new Tensor(Storage, DType, new Shape(dims), strides, ElementOffset);
    }

    /// <summary>The same view with block scales attached (used when a checkpoint pairs an FP8 weight with its scales).</summary>
    public Tensor WithScales(BlockScales scales, string name)
    {
        scales.Validate(Shape, name);
        return new Tensor(Storage, DType, Shape, _strides, ElementOffset, scales);
    }

    /// <summary>Copies a host tensor of any floating-point dtype (or I32/I64) into F32 values, applying
    /// block scales. For tests, verification and small tensors, not hot paths.</summary>
    public float[] ToFloatArray()
    {
        var result = new float[checked((int)ElementCount)];
        var index = new int[Rank];
        unsafe
        {
            byte* basePtr = Host().Pointer;
            for (int i = 0; i < result.Length; i++)
            {
                long offset = ElementOffset;
                for (int d = 0; d < Rank; d++) offset += index[d] * _strides[d];
                float v = ReadAsFloat(basePtr, offset);
                if (Scales is { } s)
                    v *= s.Scales.ToFloatAt(index[0] / s.BlockRows, index[1] / s.BlockCols);
                result[i] = v;
                for (int d = Rank - 1; d >= 0; d--)
                {
                    if (++index[d] < Shape[d]) break;
                    index[d] = 0;
                }
            }
        }
        return result;
    }

    public override string ToString() => $"Tensor({DType}, {Shape}, {Device}{(Scales is null ? "" : $", scales {Scales.BlockRows}x{Scales.BlockCols}")})";

    internal float ToFloatAt(int row, int col)
    {
        unsafe
        {
            return ReadAsFloat(Host().Pointer, ElementOffset + row * _strides[0] + col * _strides[1]);
        }
    }

    private unsafe float ReadAsFloat(byte* basePtr, long elementIndex)
    {
        byte* p = basePtr + elementIndex * DType.SizeOf();
        return DType switch
        {
            DType.F32 => *(float*)p,
            DType.F64 => (float)*(double*)p,
            DType.BF16 => ScalarConversions.BF16ToF32(*(ushort*)p),
            DType.F16 => ScalarConversions.F16ToF32(*(ushort*)p),
            DType.F8E4M3 => ScalarConversions.F8E4M3ToF32(*p),
            DType.I32 => *(int*)p,
            DType.I64 => *(long*)p,
            DType.U8 => *p,
            DType.I8 => *(sbyte*)p,
            _ => throw new NotSupportedException($"Reading {DType} as float is not supported."),
        };
    }

    private HostStorage Host() =>
        Storage as HostStorage ?? throw new InvalidOperationException($"Tensor lives on {Device}; copy it to the host first.");

    private BlockScales? SliceScales(int axis, int start, int length) => Scales?.Slice(axis, start, length);

    private int NormalizeAxis(int axis)
    {
        int a = axis < 0 ? axis + Rank : axis;
        if ((uint)a >= (uint)Rank) throw new ArgumentOutOfRangeException(nameof(axis), $"Axis {axis} is outside a rank-{Rank} tensor.");
        return a;
    }

    private long LastElementIndex()
    {
        long last = ElementOffset;
        for (int i = 0; i < Rank; i++)
            if (Shape[i] > 0) last += (Shape[i] - 1) * _strides[i];
        return last;
    }

    private static void CheckElementType<T>(DType dtype)
        where T : unmanaged
    {
        if (Marshal.SizeOf<T>() != dtype.SizeOf())
            throw new InvalidOperationException($"Element type {typeof(T).Name} ({Marshal.SizeOf<T>()} bytes) does not match dtype {dtype} ({dtype.SizeOf()} bytes).");
    }
}
