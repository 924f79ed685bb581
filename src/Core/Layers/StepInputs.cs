using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Layers;

/// <summary>The integer inputs of a forward pass: a fixed set of fields (token ids, positions, cache slots) with one
/// value per row each. They are written on the host and copied to the backend in one transfer, into a buffer allocated
/// once (each field a segment of it), so that a decode step allocates no device memory and queues a single small
/// copy. The views are kept while the row count repeats.</summary>
public sealed class StepInputs
{
    private readonly IBackend _backend;
    private readonly int _fields;
    private Tensor? _host;
    private Tensor? _device;
    private int _capacity;
    private int _rows = -1;
    private Tensor[] _hostFields = [];
    private Tensor[] _deviceFields = [];
    private Tensor? _hostUsed;
    private Tensor? _deviceUsed;

    public StepInputs(IBackend backend, int fields)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fields);
        _backend = backend;
        _fields = fields;
    }

    /// <summary>Starts a pass of <paramref name="rows"/> rows; the fields' earlier values are not kept when the row
    /// count changes.</summary>
    public void Begin(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        if (rows == _rows) return;
        if (rows > _capacity)
        {
            _capacity = rows;
            _host = Tensor.Zeros(DType.I32, new Shape(_fields * rows));
            _device = _backend.Allocate(DType.I32, new Shape(_fields * rows));
        }
        _hostFields = new Tensor[_fields];
        _deviceFields = new Tensor[_fields];
        for (int f = 0; f < _fields; f++)
        {
            _hostFields[f] = _host!.Slice(0, f * _capacity, rows);
            _deviceFields[f] = _device!.Slice(0, f * _capacity, rows);
        }
        // One copy covers every field: from the first value of field 0 to the last row of the last field.
        int used = (_fields - 1) * _capacity + rows;
        _hostUsed = _host!.Slice(0, 0, used);
        _deviceUsed = _device!.Slice(0, 0, used);
        _rows = rows;
    }

    /// <summary>The host values of <paramref name="field"/> for the current rows, to fill before <see cref="Upload"/>.</summary>
    public Span<int> Host(int field) => Current(_hostFields, field).AsSpan<int>();

    /// <summary>The backend's copy of <paramref name="field"/>, [rows] I32; current after <see cref="Upload"/>.</summary>
    public Tensor Device(int field) => Current(_deviceFields, field);

    /// <summary>Queues the copy of every field to the backend, ordered after the work that read the previous values.</summary>
    public void Upload()
    {
        if (_rows < 0) throw new InvalidOperationException($"{nameof(Begin)} must come first.");
        _backend.CopyFromHost(_hostUsed!, _deviceUsed!);
    }

    private Tensor Current(Tensor[] views, int field)
    {
        if (_rows < 0) throw new InvalidOperationException($"{nameof(Begin)} must come first.");
        ArgumentOutOfRangeException.ThrowIfNegative(field);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(field, _fields);
        return views[field];
    }
}
