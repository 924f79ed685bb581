namespace DeepSeek.Sdk.Tensors;

/// <summary>An immutable list of dimension sizes. Dimensions are int (every published dimension fits);
/// element counts are long (an embedding table does not).</summary>
public readonly struct Shape : IEquatable<Shape>
{
    private readonly int[]? _dims;

    public Shape(params ReadOnlySpan<int> dims)
    {
        foreach (int d in dims)
            if (d < 0) throw new ArgumentOutOfRangeException(nameof(dims), $"Negative dimension in [{string.Join(", ", dims.ToArray())}].");
        _dims = dims.ToArray();
    }

    public static Shape Scalar => new([]);

    public int Rank => _dims?.Length ?? 0;

    public int this[int axis] => _dims![axis < 0 ? axis + Rank : axis];

    public ReadOnlySpan<int> Dims => _dims;

    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (int d in Dims) n = checked(n * d);
            return n;
        }
    }

    /// <summary>Row-major (C order) strides in elements.</summary>
    public long[] ContiguousStrides()
    {
        var strides = new long[Rank];
        long s = 1;
        for (int i = Rank - 1; i >= 0; i--)
        {
            strides[i] = s;
            s *= _dims![i];
        }
        return strides;
    }

    public bool Equals(Shape other) => Dims.SequenceEqual(other.Dims);

    public override bool Equals(object? obj) => obj is Shape s && Equals(s);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (int d in Dims) h.Add(d);
        return h.ToHashCode();
    }

    public static bool operator ==(Shape a, Shape b) => a.Equals(b);

    public static bool operator !=(Shape a, Shape b) => !a.Equals(b);

    public override string ToString() => "[" + string.Join(", ", (_dims ?? [])) + "]";
}
