using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Backends;

/// <summary>One projection (gate_proj, up_proj or down_proj) of every routed expert of a mixture-of-experts layer:
/// matrices of one shape and dtype (FP8 ones with block scales of one tiling) that <see cref="IBackend.ExpertGateUp"/>
/// and <see cref="IBackend.ExpertDown"/> pick by the expert ids that <see cref="IBackend.RouteExperts"/> wrote, so
/// the choice never has to reach the host. Made once at load by <see cref="IBackend.PrepareExperts"/>. The matrices
/// stay where they were loaded: the CUDA backend keeps a device table of their addresses (and their scales'), which
/// a kernel indexes by id, rather than a stacked copy that would double the experts' memory while it is built.</summary>
public sealed class ExpertWeights
{
    internal ExpertWeights(IReadOnlyList<Tensor> matrices, Tensor? addressTable, bool aligned)
    {
        Matrices = matrices;
        AddressTable = addressTable;
        Aligned = aligned;
    }

    /// <summary>Expert e's matrix [OutFeatures, InFeatures] at index e.</summary>
    public IReadOnlyList<Tensor> Matrices { get; }

    public int Count => Matrices.Count;

    public int OutFeatures => Matrices[0].Shape[0];

    public int InFeatures => Matrices[0].Shape[1];

    public DType DType => Matrices[0].DType;

    /// <summary>The block scales' tiling, shared by every expert; null for unscaled weights.</summary>
    public BlockScales? Scales => Matrices[0].Scales;

    /// <summary>Backend-specific: on the GPU an I64 [2, Count] device tensor, each matrix's address, then its scales'
    /// (0 when unscaled); null on the CPU, which reads <see cref="Matrices"/>.</summary>
    internal Tensor? AddressTable { get; }

    /// <summary>Every matrix starts on a 16-byte boundary (the GPU's vector loads need it).</summary>
    internal bool Aligned { get; }
}
