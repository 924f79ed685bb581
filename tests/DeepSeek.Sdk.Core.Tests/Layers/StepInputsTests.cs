using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Core.Tests.Layers;

public sealed class StepInputsTests : IDisposable
{
    private readonly CpuBackend _backend = new(1);

    public void Dispose() => _backend.Dispose();

    private static void Fill(StepInputs inputs, int fields, int rows, int seed)
    {
        for (int f = 0; f < fields; f++)
        {
            var span = inputs.Host(f);
            Assert.Equal(rows, span.Length);
            for (int r = 0; r < rows; r++) span[r] = seed + 100 * f + r;
        }
    }

    private static void AssertDevice(StepInputs inputs, int fields, int rows, int seed)
    {
        for (int f = 0; f < fields; f++)
        {
            var device = inputs.Device(f);
            Assert.Equal(new Shape(rows), device.Shape);
            Assert.Equal(DType.I32, device.DType);
            var values = device.AsSpan<int>();
            for (int r = 0; r < rows; r++) Assert.Equal(seed + 100 * f + r, values[r]);
        }
    }

    [Fact]
    public void Every_field_reaches_the_backend_in_one_upload_as_the_row_count_grows_and_shrinks()
    {
        var inputs = new StepInputs(_backend, 3);
        foreach (var (rows, seed) in new[] { (4, 1), (9, 2000), (1, 30000), (9, 4000) })
        {
            inputs.Begin(rows);
            Fill(inputs, 3, rows, seed);
            inputs.Upload();
            AssertDevice(inputs, 3, rows, seed);
        }
    }

    [Fact]
    public void Steps_of_a_repeated_row_count_reuse_the_same_device_views()
    {
        var inputs = new StepInputs(_backend, 2);
        inputs.Begin(1);
        var first = inputs.Device(1);
        inputs.Begin(1);
        Assert.Same(first, inputs.Device(1));
    }

    [Fact]
    public void Fields_are_refused_before_Begin_and_outside_the_set()
    {
        var inputs = new StepInputs(_backend, 2);
        Assert.Throws<InvalidOperationException>(() => inputs.Host(0).Length);
        Assert.Throws<InvalidOperationException>(inputs.Upload);
        inputs.Begin(2);
        Assert.Throws<ArgumentOutOfRangeException>(() => inputs.Device(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => inputs.Host(-1).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => inputs.Begin(0));
    }

    [Fact]
    public void The_backend_copies_between_host_tensors_and_spans_of_exactly_their_size()
    {
        var source = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        var copy = _backend.Allocate(DType.F32, new Shape(2, 3));
        _backend.CopyFromHost(source, copy);
        var back = new float[6];
        _backend.CopyToHost(copy, back.AsSpan());
        Assert.Equal([1f, 2, 3, 4, 5, 6], back);

        Assert.Throws<ArgumentException>(() => _backend.CopyToHost(copy, new float[5].AsSpan()));
        Assert.Throws<ArgumentException>(() => _backend.CopyFromHost(source, _backend.Allocate(DType.F32, new Shape(3, 2))));
        Assert.Throws<ArgumentException>(() => _backend.CopyFromHost(source, _backend.Allocate(DType.I32, new Shape(2, 3))));
    }
}
