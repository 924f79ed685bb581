using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Text.Llama;

/// <summary>A host tensor of rows (ids, positions, slots, logits) grown to the largest row count asked for, whose
/// [rows, ..] view is kept while the row count repeats, so that decode steps of one size allocate nothing.</summary>
internal sealed class HostRows
{
    private readonly DType _dtype;
    private readonly int _columns;
    private Tensor? _storage;
    private Tensor? _view;
    private int _viewRows = -1;

    /// <param name="columns">Values per row; 0 for a 1-D tensor of one value per row.</param>
    public HostRows(DType dtype, int columns = 0)
    {
        _dtype = dtype;
        _columns = columns;
    }

    public Tensor Rows(int rows)
    {
        if (rows == _viewRows) return _view!;
        if (_storage is null || _storage.Shape[0] < rows)
            _storage = Tensor.Zeros(_dtype, _columns == 0 ? new Shape(rows) : new Shape(rows, _columns));
        _view = rows == _storage.Shape[0] ? _storage : _storage.Slice(0, 0, rows);
        _viewRows = rows;
        return _view;
    }
}
