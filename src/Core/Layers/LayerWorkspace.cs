using DeepSeek.Sdk.Backends;

namespace DeepSeek.Sdk.Layers;

/// <summary>Scratch buffers shared by the layers of one model. Layers run one after another, so a buffer that a
/// layer uses only inside its own Forward can serve every layer of the same kind: layers ask for it by role and
/// width at construction and get the same <see cref="RowBuffer"/>. Without this, 61 layers × 256 experts would
/// each keep buffers sized by the longest prompt.</summary>
public sealed class LayerWorkspace
{
    private readonly Dictionary<(string, int), RowBuffer> _buffers = [];

    public LayerWorkspace(IBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        Backend = backend;
    }

    public IBackend Backend { get; }

    /// <summary>The buffer for <paramref name="role"/> and <paramref name="columns"/>, created on first request.
    /// Roles must be distinct for buffers that are live at the same time.</summary>
    public RowBuffer Buffer(string role, int columns)
    {
        if (!_buffers.TryGetValue((role, columns), out var buffer))
        {
            buffer = new RowBuffer(Backend, columns);
            _buffers.Add((role, columns), buffer);
        }
        return buffer;
    }
}
