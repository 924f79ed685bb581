using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Vision.Janus;

/// <summary>A host tensor of rows grown to the largest row count asked for, whose [rows, ..] view is kept while the
/// row count repeats, so that image-token steps of one batch size allocate nothing.</summary>
internal sealed class HostBuffer(DType dtype, int columns = 0)
{
    private Tensor? _storage;
    private Tensor? _view;
    private int _viewRows = -1;

    /// <summary>[rows] when built with no columns, else [rows, columns].</summary>
    public Tensor Rows(int rows)
    {
        if (rows == _viewRows) return _view!;
        if (_storage is null || _storage.Shape[0] < rows)
            _storage = Tensor.Zeros(dtype, columns == 0 ? new Shape(rows) : new Shape(rows, columns));
        _view = rows == _storage.Shape[0] ? _storage : _storage.Slice(0, 0, rows);
        _viewRows = rows;
        return _view;
    }
}
