namespace DeepSeek.Sdk.Backends.Cuda;

/// <summary>One recorded piece of stream work: a kernel launch with its parameter values, a cuBLAS GEMM, a memset
/// or a device copy. Every 8-byte value that points into a small upload of the same segment is also kept as a
/// symbol (the upload's index and the offset into it), so that two steps whose inputs were uploaded to different
/// blocks still compare equal. Slots are reused from segment to segment, so recording allocates nothing.</summary>
internal sealed class StreamOp
{
    public const int MaxValues = 32;

    public StreamOpKind Kind;
    public IntPtr Function;
    public uint GridX, GridY, Block, Shared;
    public int Count;
    public string Name = "";
    public readonly ulong[] Values = new ulong[MaxValues];
    public readonly byte[] Sizes = new byte[MaxValues];
    public readonly short[] Symbols = new short[MaxValues];
    public readonly ulong[] Offsets = new ulong[MaxValues];

    /// <summary>Same work on the same data: equal fields, equal raw values, equal symbols where symbolic.</summary>
    public bool SameAs(StreamOp other)
    {
        if (Kind != other.Kind || Function != other.Function || GridX != other.GridX || GridY != other.GridY
            || Block != other.Block || Shared != other.Shared || Count != other.Count)
            return false;
        for (int i = 0; i < Count; i++)
        {
            if (Sizes[i] != other.Sizes[i] || Symbols[i] != other.Symbols[i]) return false;
            if (Symbols[i] >= 0 ? Offsets[i] != other.Offsets[i] : Values[i] != other.Values[i]) return false;
        }
        return true;
    }

    public void CopyFrom(StreamOp other)
    {
        (Kind, Function, GridX, GridY, Block, Shared, Count, Name) =
            (other.Kind, other.Function, other.GridX, other.GridY, other.Block, other.Shared, other.Count, other.Name);
        Array.Copy(other.Values, Values, Count);
        Array.Copy(other.Sizes, Sizes, Count);
        Array.Copy(other.Symbols, Symbols, Count);
        Array.Copy(other.Offsets, Offsets, Count);
    }

    /// <summary>A 64-bit digest of the symbolic form (FNV-1a over the fields), for spotting a repeated segment.</summary>
    public ulong Mix(ulong hash)
    {
        hash = Step(hash, (ulong)Kind);
        hash = Step(hash, (ulong)Function);
        hash = Step(hash, GridX | ((ulong)GridY << 32));
        hash = Step(hash, Block | ((ulong)Shared << 32));
        for (int i = 0; i < Count; i++)
            hash = Step(hash, Symbols[i] >= 0 ? Offsets[i] ^ ((ulong)(Symbols[i] + 1) << 56) : Values[i]);
        return hash;
    }

    private static ulong Step(ulong hash, ulong value) => (hash ^ value) * 0x100000001B3UL;
}
