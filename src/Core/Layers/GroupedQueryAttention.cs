using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Layers;

/// <summary>Grouped-query self-attention (Ainslie et al. 2023) as LlamaAttention and Qwen2Attention compute it:
/// q_proj, k_proj, v_proj (with optional biases), rotary embedding on queries and keys, causal softmax attention in
/// which every kv head serves heads / kv_heads query heads, and o_proj. Keys (rotated) and values are kept in a
/// <see cref="KvCacheBatch"/>; <see cref="IBackend.GroupedQueryAttention"/> stores them and attends in one call,
/// for a prompt (rows of one sequence) and a decode batch (one row per sequence) alike.</summary>
public sealed class GroupedQueryAttention
{
    private readonly RowBuffer _query;
    private readonly RowBuffer _key;
    private readonly RowBuffer _value;
    private readonly RowBuffer _attention;

    /// <param name="rotary">The model's rotary tables (rotating the whole head), shared by its layers.</param>
    /// <param name="softmaxScale">1/sqrt(head_dim) for Llama and Qwen2.</param>
    /// <param name="layout">How the rotary pairs features: transformers' rotate_half for Llama and Qwen2 checkpoints.</param>
    public GroupedQueryAttention(LayerWorkspace workspace, int heads, int kvHeads, int headDim,
        Linear query, Linear key, Linear value, Linear output, RotaryPositionTables rotary, float softmaxScale,
        RotaryLayout layout = RotaryLayout.HalfSplit)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kvHeads);
        if (heads % kvHeads != 0) throw new ArgumentException($"{kvHeads} key/value heads do not divide {heads} query heads.", nameof(kvHeads));
        if (query.OutFeatures != heads * headDim)
            throw new ArgumentException($"q_proj {query.Weight.Shape} must give {heads} heads of {headDim}.", nameof(query));
        if (key.OutFeatures != kvHeads * headDim || key.InFeatures != query.InFeatures)
            throw new ArgumentException($"k_proj {key.Weight.Shape} must be [{kvHeads * headDim}, {query.InFeatures}].", nameof(key));
        if (value.OutFeatures != kvHeads * headDim || value.InFeatures != query.InFeatures)
            throw new ArgumentException($"v_proj {value.Weight.Shape} must be [{kvHeads * headDim}, {query.InFeatures}].", nameof(value));
        if (output.InFeatures != heads * headDim) throw new ArgumentException($"o_proj {output.Weight.Shape} must take {heads * headDim}.", nameof(output));
        ArgumentNullException.ThrowIfNull(rotary);
        if (rotary.RotaryDim != headDim)
            throw new ArgumentException($"Rotary tables of {rotary.RotaryDim} features must rotate the whole head of {headDim}.", nameof(rotary));
        Heads = heads;
        KvHeads = kvHeads;
        HeadDim = headDim;
        Query = query;
        Key = key;
        Value = value;
        Output = output;
        Rotary = rotary;
        SoftmaxScale = softmaxScale;
        Layout = layout;
        _query = workspace.Buffer("gqa.query", heads * headDim);
        _key = workspace.Buffer("gqa.key", kvHeads * headDim);
        _value = workspace.Buffer("gqa.value", kvHeads * headDim);
        _attention = workspace.Buffer("gqa.attention", heads * headDim);
    }

    public int Heads { get; }

    public int KvHeads { get; }

    public int HeadDim { get; }

    public Linear Query { get; }

    public Linear Key { get; }

    public Linear Value { get; }

    public Linear Output { get; }

    public RotaryPositionTables Rotary { get; }

    public float SoftmaxScale { get; }

    public RotaryLayout Layout { get; }

    /// <summary>Attends x [rows, hidden]: row r at position positions[r] (I32 [rows]) of cache slot slots[r] (I32
    /// [rows]) stores its key and value there and attends over positions 0..positions[r] of its slot. Writes the
    /// o_proj output to y [rows, hidden].</summary>
    /// <param name="cacheKeys">This layer's <see cref="KvCacheBatch.Keys"/>.</param>
    /// <param name="cacheValues">This layer's <see cref="KvCacheBatch.Values"/>.</param>
    public void Forward(IBackend backend, Tensor x, Tensor positions, Tensor slots, Tensor cacheKeys, Tensor cacheValues, Tensor y)
    {
        var attention = Attend(backend, x, null, positions, slots, cacheKeys, cacheValues);
        Output.Forward(backend, attention, y);
    }

    /// <summary><c>hidden += attention(norm(hidden))</c> through o_proj, a pre-norm residual block in one call, so that a
    /// backend may fold the norm into the q/k/v product and the residual add into o_proj. normed and scratch: F32
    /// workspaces of hidden's shape.</summary>
    public void AddForward(IBackend backend, Tensor hidden, RmsNorm norm, Tensor normed, Tensor positions, Tensor slots, Tensor cacheKeys, Tensor cacheValues,
        Tensor scratch)
    {
        var attention = Attend(backend, hidden, new RmsNormInput(norm.Weight, norm.Eps, normed), positions, slots, cacheKeys, cacheValues);
        backend.MatMulAdd(attention, Output.Weight, Output.Bias, scratch, hidden);
    }

    // q/k/v of x (normalized first when a norm is given), then attention over the cache: the heads' outputs, before o_proj.
    private Tensor Attend(IBackend backend, Tensor x, RmsNormInput? norm, Tensor positions, Tensor slots, Tensor cacheKeys, Tensor cacheValues)
    {
        int rows = x.Shape[0];
        backend.MatMul(x, [new(Query.Weight, Query.Bias, _query.Rows(rows)), new(Key.Weight, Key.Bias, _key.Rows(rows)),
            new(Value.Weight, Value.Bias, _value.Rows(rows))], norm);
        backend.GroupedQueryAttention(_query.Rows(rows, Heads), _key.Rows(rows, KvHeads), _value.Rows(rows, KvHeads), cacheKeys, cacheValues, slots, positions,
            SoftmaxScale, _attention.Rows(rows, Heads), Rotary.For(Layout));
        return _attention.Rows(rows);
    }
}
