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
    private Tensor? _shaped;
    private int _shapedRows = -1, _shapedGroups = -1;
    private Tensor[] _rowViews = [];

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
        _shapedRows = -1;
        return _view;
    }

    /// <summary><see cref="Rows"/> viewed as [rows, groups, Columns / groups] (heads), cached like the rows view.</summary>
    public Tensor Rows(int rows, int groups)
    {
        var flat = Rows(rows);
        if (rows == _shapedRows && groups == _shapedGroups) return _shaped!;
        _shaped = flat.Reshape(rows, groups, Columns / groups);
        (_shapedRows, _shapedGroups) = (rows, groups);
        return _shaped;
    }

    /// <summary>Row <paramref name="row"/> as a [1, Columns] view; views are built once per allocation.</summary>
    public Tensor Row(int row)
    {
        if (_storage is null || row >= _storage.Shape[0]) Rows(row + 1);
        if (_rowViews.Length != _storage!.Shape[0])
        {
            _rowViews = new Tensor[_storage.Shape[0]];
            for (int r = 0; r < _rowViews.Length; r++) _rowViews[r] = _storage.Slice(0, r, 1);
        }
        return _rowViews[row];
    }
}
