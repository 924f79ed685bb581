namespace DeepSeek.Sdk.Vision.Janus;

/// <summary>Where a tensor of the converted layout lives in a checkpoint: the stored tensor <see cref="Name"/>, or
/// part <see cref="Part"/> of <see cref="Parts"/> equal row blocks of it (q, k or v of a fused qkv projection), with a
/// leading axis of 1 dropped when <see cref="DropsLeadingAxis"/> (timm's pos_embed is [1, positions, width]).</summary>
public readonly record struct JanusTensorLocation(string Name, int Part = 0, int Parts = 1, bool DropsLeadingAxis = false)
{
    /// <summary>Whether the tensor is a block of rows of the stored one.</summary>
    public bool IsRowBlock => Parts > 1;
}
