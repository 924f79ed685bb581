using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Layers;

/// <summary>A workspace of rows of fixed width on a backend, grown (never shrunk) to the largest row count asked
/// for, so that a forward pass of a given size allocates its buffers once and decoding reuses them.</summary>
public sealed class RowBuffer
{
    private readonly IBackend _backend;
    private readonly DType _dtype;
    private Tensor? _storage;
    private Tensor? _view;
    private int _viewRows = -1;

    public RowBuffer(IBackend backend, int columns, DType dtype = DType.F32)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        _backend = backend;
        _dtype = dtype;
        Columns = columns;
    }

    public int Columns { get; }

    /// <summary>A contiguous [rows, Columns] view; its contents are whatever the last user left there.</summary>
    public Tensor Rows(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        if (rows == _viewRows) return _view!;
        if (_storage is null || _storage.Shape[0] < rows)
            _storage = _backend.Allocate(_dtype, new Shape(rows, Columns));
        _view = rows == _storage.Shape[0] ? _storage : _storage.Slice(0, 0, rows);
        _viewRows = rows;
        return _view;
    }
}
