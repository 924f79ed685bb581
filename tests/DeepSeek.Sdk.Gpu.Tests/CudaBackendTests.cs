using DeepSeek.Sdk.Backends.Cuda;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Gpu.Tests;

/// <summary>Starting the backend, the kernel cache, memory round trips, and errors reported by kernels.</summary>
public sealed class CudaBackendTests(GpuFixture gpu)
{
    [Fact]
    public void Without_a_GPU_TryCreate_says_why_and_the_tests_skip()
    {
        // On the GPU machine this case has nothing to check; elsewhere it is the skip path every other test takes.
        if (gpu.Cuda is not null) Assert.Skip("A GPU is present.");
        Assert.False(CudaBackend.TryCreate(0, out var backend, out string? whyNot));
        Assert.Null(backend);
        Assert.False(string.IsNullOrWhiteSpace(whyNot));
        Assert.Equal(gpu.WhyNot, whyNot);
        TestContext.Current.TestOutputHelper?.WriteLine($"TryCreate(0): {whyNot}");
    }

    [Fact]
    public void A_device_index_past_the_last_GPU_is_refused_with_the_count()
    {
        var cuda = gpu.Require();
        Assert.False(CudaBackend.TryCreate(64, out _, out string? whyNot));
        Assert.Contains("cuda:64", whyNot);
        TestContext.Current.TestOutputHelper?.WriteLine($"{cuda.Info}; TryCreate(64): {whyNot}");
    }

    [Fact]
    public void Kernels_are_compiled_once_and_then_loaded_from_the_disk_cache()
    {
        gpu.Require();
        using var directory = new TempDirectory();
        var options = new CudaBackendOptions { KernelCacheDirectory = directory.Path };
        using (var first = CudaBackend.Create(0, options))
        {
            Assert.Equal(0, first.KernelCompilation.FromCache);
            Assert.True(first.KernelCompilation.Sources >= 8);
        }
        Assert.NotEmpty(Directory.GetFiles(directory.Path, "*.cubin"));
        using var second = CudaBackend.Create(0, options);
        Assert.Equal(second.KernelCompilation.Sources, second.KernelCompilation.FromCache);
    }

    [Theory]
    [InlineData(DType.F32)]
    [InlineData(DType.BF16)]
    [InlineData(DType.F8E4M3)]
    [InlineData(DType.I64)]
    public void Upload_and_copy_back_round_trip_every_byte(DType dtype)
    {
        var cuda = gpu.Require();
        // Larger than one staging slot, so that the upload cycles through the pinned buffers.
        int count = (40 << 20) / dtype.SizeOf() + 3;
        var host = Tensor.Zeros(dtype, new Shape(count));
        unsafe
        {
            byte* p = host.DataPointer;
            var rng = new Random(count);
            for (long i = 0; i < host.ByteCount; i++) p[i] = (byte)rng.Next(256);
        }
        var device = cuda.Upload(host);
        Assert.Equal(cuda.Device, device.Device);
        var back = Tensor.Zeros(dtype, host.Shape);
        cuda.CopyToHost(device, back);
        unsafe
        {
            Assert.True(new ReadOnlySpan<byte>(host.DataPointer, (int)host.ByteCount).SequenceEqual(new ReadOnlySpan<byte>(back.DataPointer, (int)back.ByteCount)));
        }

        // A view copies only its own rows.
        var rows = host.Slice(0, 5, 100);
        var view = Tensor.Zeros(dtype, rows.Shape);
        cuda.CopyToHost(device.Slice(0, 5, 100), view);
        Assert.Equal(rows.ToFloatArray().Where(v => !float.IsNaN(v)), view.ToFloatArray().Where(v => !float.IsNaN(v)));
    }

    [Fact]
    public void Step_inputs_rewritten_every_step_reach_the_kernels_queued_after_each_copy()
    {
        // The device buffer is rewritten while earlier kernels that read it may still be queued: each embedding must
        // see the ids copied right before it, not the last ones.
        var cuda = gpu.Require();
        var table = cuda.Upload(Parity.Host(Parity.Random(1, 64 * 8), 64, 8));
        var inputs = new DeepSeek.Sdk.Layers.StepInputs(cuda, 2);
        var outputs = new List<Tensor>();
        for (int step = 0; step < 20; step++)
        {
            inputs.Begin(3);
            for (int f = 0; f < 2; f++)
                for (int r = 0; r < 3; r++) inputs.Host(f)[r] = (step * 7 + r + 13 * f) % 64;
            inputs.Upload();
            var rows = cuda.Allocate(DType.F32, new Shape(3, 8));
            cuda.Embedding(inputs.Device(1), table, rows);
            outputs.Add(rows);
        }
        var host = Parity.ToHost(cuda, table);
        for (int step = 0; step < 20; step++)
        {
            var got = new float[24];
            cuda.CopyToHost(outputs[step], got.AsSpan());
            for (int r = 0; r < 3; r++)
                Assert.Equal(host.AsSpan((step * 7 + r + 13) % 64 * 8, 8).ToArray(), got.AsSpan(r * 8, 8).ToArray());
        }
        Assert.Throws<ArgumentException>(() => cuda.CopyToHost(outputs[0], new float[23].AsSpan()));
        Assert.Throws<ArgumentException>(() => cuda.CopyFromHost(Tensor.Zeros(DType.I32, new Shape(3)), outputs[0]));
    }

    [Fact]
    public void Allocate_gives_zeros_even_when_the_pool_reuses_a_block()
    {
        var cuda = gpu.Require();
        var first = cuda.Upload(Parity.Host(Parity.Random(1, 4096), 4096));
        cuda.Synchronize();
        first.Storage.Dispose();
        cuda.Synchronize(); // a released block is reusable after the next wait
        var second = cuda.Allocate(DType.F32, new Shape(4096));
        Assert.All(Parity.ToHost(cuda, second), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void An_id_outside_the_table_is_reported_at_the_next_wait_and_the_backend_goes_on()
    {
        var cuda = gpu.Require();
        var table = cuda.Upload(Parity.Host(Parity.Random(1, 10 * 4), 10, 4));
        var ids = cuda.Upload(Parity.Host(new[] { 1, 10 }, 2));
        var y = cuda.Allocate(DType.F32, new Shape(2, 4));
        cuda.Embedding(ids, table, y);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => cuda.Synchronize());
        Assert.Contains("id 10 at row 1", e.Message);

        cuda.Embedding(cuda.Upload(Parity.Host(new[] { 2, 3 }, 2)), table, y);
        Assert.Equal(8, Parity.ToHost(cuda, y).Length);
    }

    [Fact]
    public void A_tensor_of_the_host_or_of_another_shape_is_refused_with_the_operation_and_argument_named()
    {
        var cuda = gpu.Require();
        var host = Parity.Host(Parity.Random(1, 8), 8);
        var e = Assert.Throws<ArgumentException>(() => cuda.Silu(host, cuda.Allocate(DType.F32, new Shape(8))));
        Assert.Contains("Silu", e.Message);
        Assert.Contains("'x'", e.Message);
        e = Assert.Throws<ArgumentException>(() => cuda.Silu(cuda.Upload(host), cuda.Allocate(DType.F32, new Shape(9))));
        Assert.Contains("'y'", e.Message);
    }
}
