using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Layers;

/// <summary>lm_head and the two ways decoding reads it: every logit copied into the caller's array, or only the id of
/// the largest chosen on the backend (greedy decoding), so that 4 bytes cross to the host instead of the vocabulary.
/// Its workspaces are shared across calls, like the model's.</summary>
public sealed class LogitsHead
{
    private readonly IBackend _backend;
    private readonly RowBuffer _logits;
    private readonly Tensor _id;
    private readonly int[] _hostId = new int[1];

    public LogitsHead(IBackend backend, Linear weight)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(weight);
        _backend = backend;
        Linear = weight;
        _logits = new RowBuffer(backend, weight.OutFeatures);
        _id = backend.Allocate(DType.I32, new Shape(1));
    }

    public Linear Linear { get; }

    /// <summary>Logits of final-normed hidden states [rows, hidden] into <paramref name="logits"/> [rows, vocab].</summary>
    public void WriteLogits(Tensor normed, Span<float> logits)
    {
        var deviceLogits = _logits.Rows(normed.Shape[0]);
        Linear.Forward(_backend, normed, deviceLogits);
        _backend.CopyToHost(deviceLogits, logits);
    }

    /// <summary>The id of the largest logit of one final-normed row [1, hidden] (ties to the lower id, NaN never wins).</summary>
    public int ArgMax(Tensor normed)
    {
        var deviceLogits = _logits.Rows(1);
        Linear.Forward(_backend, normed, deviceLogits);
        _backend.Argmax(deviceLogits, _id);
        _backend.CopyToHost(_id, _hostId.AsSpan());
        return _hostId[0];
    }
}
