using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Text.Tests.Runtime;

public sealed class BackendProviderTests
{
    /// <summary>Stands in for the CUDA backend's factory (which lives on another branch).</summary>
    private sealed class FakeGpuFactory(string? unavailable) : IBackendFactory
    {
        public int Created { get; private set; }

        public DeviceKind Kind => DeviceKind.Cuda;

        public string? CheckAvailability(int index) => unavailable;

        public IBackend Create(int index)
        {
            Created++;
            return new Backends.Cpu.CpuBackend(1); // any backend will do: the test checks the choice, not the kernels
        }
    }

    [Theory]
    [InlineData("auto", DeviceSelectionKind.Auto, 0)]
    [InlineData("CPU", DeviceSelectionKind.Cpu, 0)]
    [InlineData("cuda", DeviceSelectionKind.Cuda, 0)]
    [InlineData("cuda:3", DeviceSelectionKind.Cuda, 3)]
    public void Device_selections_parse_from_their_text_form_and_print_back(string text, DeviceSelectionKind kind, int index)
    {
        var device = DeviceSelection.Parse(text);
        Assert.Equal(kind, device.Kind);
        Assert.Equal(index, device.Index);
        Assert.Equal(device, DeviceSelection.Parse(device.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("tpu")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    public void Unknown_device_text_is_rejected(string text)
    {
        Assert.False(DeviceSelection.TryParse(text, out _));
        Assert.Throws<FormatException>(() => DeviceSelection.Parse(text));
    }

    [Fact]
    public void The_default_device_selection_is_auto()
    {
        Assert.Equal(DeviceSelection.Auto, default);
        Assert.Equal(DeviceSelection.Auto, new global::DeepSeek.Sdk.Hosting.DeepSeekOptions().Device);
    }

    [Fact]
    public void Auto_without_a_gpu_backend_resolves_to_the_cpu_and_says_why()
    {
        var (factory, index, reason) = BackendProvider.Resolve(DeviceSelection.Auto, [new CpuBackendFactory()]);
        Assert.Equal(DeviceKind.Cpu, factory.Kind);
        Assert.Equal(0, index);
        Assert.Contains("no GPU backend is registered", reason);
    }

    [Fact]
    public void Auto_falls_back_to_the_cpu_when_the_gpu_backend_is_unavailable_and_passes_on_its_reason()
    {
        var gpu = new FakeGpuFactory("libcuda.so.1 was not found");
        var (factory, _, reason) = BackendProvider.Resolve(DeviceSelection.Auto, [new CpuBackendFactory(), gpu]);
        Assert.Equal(DeviceKind.Cpu, factory.Kind);
        Assert.Contains("libcuda.so.1 was not found", reason);
    }

    [Fact]
    public void Auto_prefers_an_available_gpu_backend()
    {
        var gpu = new FakeGpuFactory(null);
        using var provider = new BackendProvider(DeviceSelection.Auto, [new CpuBackendFactory(), gpu]);
        _ = provider.Backend;
        _ = provider.Backend;
        Assert.Equal(1, gpu.Created); // one backend for the process, created once
    }

    [Fact]
    public void An_explicit_cuda_request_fails_clearly_when_no_cuda_backend_can_run()
    {
        var none = Assert.Throws<DeviceUnavailableException>(() => BackendProvider.Resolve(DeviceSelection.Cuda(1), [new CpuBackendFactory()]));
        Assert.Equal("cuda:1", none.Device);
        Assert.Contains("no cuda backend is registered", none.Message);

        var broken = Assert.Throws<DeviceUnavailableException>(() => BackendProvider.Resolve(DeviceSelection.Cuda(), [new CpuBackendFactory(), new FakeGpuFactory("driver too old")]));
        Assert.Contains("driver too old", broken.Message);
    }
}
