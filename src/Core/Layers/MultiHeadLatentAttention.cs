using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Layers;

/// <summary>Multi-head latent attention (DeepSeek-V2 §2.1, DeepseekV3Attention): queries through a low-rank
/// q_a_proj → q_a_layernorm → q_b_proj (or a plain q_proj when q_lora_rank is null); keys and values compressed by
/// kv_a_proj_with_mqa into a latent c_KV [kv_lora_rank] (normalized by kv_a_layernorm) and one rotary key
/// [qk_rope_head_dim] shared by all heads. Only those two are cached; attention runs in the absorbed form
/// (<see cref="IBackend.LatentAttention"/>) for prefill and decode alike, with kv_b_proj folded into the query and
/// output sides.</summary>
public sealed class MultiHeadLatentAttention
{
    private readonly RowBuffer _queryLatent;
    private readonly RowBuffer _query;
    private readonly RowBuffer _attention;
    private readonly RowBuffer _latents;
    private readonly RowBuffer _ropeKeys;

    /// <param name="kvLatent">kv_a_proj_with_mqa's first kv_lora_rank output rows.</param>
    /// <param name="kvRope">Its last qk_rope_head_dim output rows.</param>
    /// <param name="kvUpTransposed">F32 [kv_lora_rank, heads · (nope + v)]: kv_b_proj's weight transposed (and dequantized).</param>
    public MultiHeadLatentAttention(LayerWorkspace workspace, int heads, int nopeDim, int ropeDim, int valueDim,
        Linear? queryDown, RmsNorm? queryNorm, Linear query, Linear kvLatent, RmsNorm kvNorm, Linear kvRope,
        Tensor kvUpTransposed, Linear output, RotaryPositionTables rotary, float softmaxScale)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(rotary);
        if (rotary.RotaryDim != ropeDim) throw new ArgumentException($"Rotary tables of {rotary.RotaryDim} features must rotate the {ropeDim} rotary features.", nameof(rotary));
        if ((queryDown is null) != (queryNorm is null)) throw new ArgumentException("q_a_proj and q_a_layernorm come together.");
        if (query.OutFeatures != heads * (nopeDim + ropeDim))
            throw new ArgumentException($"Query projection {query.Weight.Shape} must give {heads} heads of {nopeDim + ropeDim}.", nameof(query));
        if (kvRope.OutFeatures != ropeDim) throw new ArgumentException($"Rotary key projection {kvRope.Weight.Shape} must give {ropeDim}.", nameof(kvRope));
        if (kvUpTransposed.Shape != new Shape(kvLatent.OutFeatures, heads * (nopeDim + valueDim)))
            throw new ArgumentException($"kv_b_proj transposed {kvUpTransposed.Shape} must be [{kvLatent.OutFeatures}, {heads * (nopeDim + valueDim)}].", nameof(kvUpTransposed));
        if (output.InFeatures != heads * valueDim) throw new ArgumentException($"o_proj {output.Weight.Shape} must take {heads * valueDim}.", nameof(output));
        Heads = heads;
        NopeDim = nopeDim;
        RopeDim = ropeDim;
        ValueDim = valueDim;
        QueryDown = queryDown;
        QueryNorm = queryNorm;
        Query = query;
        KvLatent = kvLatent;
        KvNorm = kvNorm;
        KvRope = kvRope;
        KvUpTransposed = kvUpTransposed;
        Output = output;
        Rotary = rotary;
        SoftmaxScale = softmaxScale;
        _queryLatent = workspace.Buffer("mla.query_latent", queryDown?.OutFeatures ?? 1);
        _query = workspace.Buffer("mla.query", query.OutFeatures);
        _attention = workspace.Buffer("mla.attention", heads * valueDim);
        _latents = workspace.Buffer("mla.latents", kvLatent.OutFeatures);
        _ropeKeys = workspace.Buffer("mla.rope_keys", ropeDim);
    }

    public int Heads { get; }

    public int NopeDim { get; }

    public int RopeDim { get; }

    public int ValueDim { get; }

    public Linear? QueryDown { get; }

    public RmsNorm? QueryNorm { get; }

    public Linear Query { get; }

    public Linear KvLatent { get; }

    public RmsNorm KvNorm { get; }

    public Linear KvRope { get; }

    public Tensor KvUpTransposed { get; }

    public Linear Output { get; }

    /// <summary>The model's rotary tables for qk_rope_head_dim, shared by its layers.</summary>
    public RotaryPositionTables Rotary { get; }

    /// <summary>1/sqrt(qk_head_dim), times YaRN's mscale² where rope_scaling sets mscale_all_dim.</summary>
    public float SoftmaxScale { get; }

    /// <summary>kv_b_proj's weight [heads · (nope + v), rank] as F32 [rank, heads · (nope + v)]: one MatMul of the
    /// identity against it, which dequantizes FP8 block scales exactly as every other MatMul does.</summary>
    public static Tensor TransposeUpProjection(IBackend backend, Tensor kvUpWeight)
    {
        int rank = kvUpWeight.Shape[1];
        var identity = Tensor.Zeros(DType.F32, new Shape(rank, rank));
        var span = identity.AsSpan<float>();
        for (int i = 0; i < rank; i++) span[i * rank + i] = 1f;
        var transposed = backend.Allocate(DType.F32, new Shape(rank, kvUpWeight.Shape[0]));
        backend.MatMul(backend.Upload(identity), kvUpWeight, null, transposed);
        return transposed;
    }

    /// <summary>Attends x [tokens, hidden] at positions (I32 [tokens], = start..start+tokens-1) over the cache's
    /// positions 0..start-1 and themselves, writing their latents and rotary keys into rows start.. of this
    /// layer's cache, and the o_proj output to y [tokens, hidden].</summary>
    public void Forward(IBackend backend, Tensor x, Tensor positions, int start, Tensor cacheLatents, Tensor cacheRopeKeys, Tensor y)
    {
        int tokens = x.Shape[0];
        var query = _query.Rows(tokens);
        if (QueryDown is not null)
        {
            var latent = _queryLatent.Rows(tokens);
            QueryDown.Forward(backend, x, latent);
            QueryNorm!.Forward(backend, latent, latent);
            Query.Forward(backend, latent, query);
        }
        else
        {
            Query.Forward(backend, x, query);
        }
        var queryHeads = _query.Rows(tokens, Heads);
        // One snapshot for both rotations: the tables may grow between steps, never within one.
        var rotary = Rotary.For(RotaryLayout.Interleaved);
        backend.ApplyRotary(queryHeads, positions, rotary.Cos, rotary.Sin, RotaryLayout.Interleaved, NopeDim);

        // The step's latents and rotary keys go to workspace rows; LatentAttention stores them into the cache and
        // attends over it, so no view of the cache is built per step.
        var latents = _latents.Rows(tokens);
        KvLatent.Forward(backend, x, latents);
        KvNorm.Forward(backend, latents, latents);
        var ropeKeys = _ropeKeys.Rows(tokens, 1);
        KvRope.Forward(backend, x, _ropeKeys.Rows(tokens));
        backend.ApplyRotary(ropeKeys, positions, rotary.Cos, rotary.Sin, RotaryLayout.Interleaved);

        var attention = _attention.Rows(tokens);
        backend.LatentAttention(queryHeads, latents, ropeKeys, cacheLatents, cacheRopeKeys, start, KvUpTransposed, NopeDim, SoftmaxScale,
            _attention.Rows(tokens, Heads));
        Output.Forward(backend, attention, y);
    }
}
