using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Hosting;

namespace DeepSeek.Sdk.Core.Tests.Hosting;

public sealed class DeepSeekOptionsTests
{
    [Fact]
    public void CpuThreads_past_the_cpu_backends_cap_is_rejected_naming_the_option()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(new DeepSeekOptions { CpuThreads = 100_000 }.Validate);
        Assert.Equal("CpuThreads", e.ParamName);
        Assert.StartsWith($"DeepSeekOptions.CpuThreads must be 0 (one per logical processor) or between 1 and {CpuBackend.MaxThreadCount}; got 100000.", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(new DeepSeekOptions { CpuThreads = -1 }.Validate);
        new DeepSeekOptions { CpuThreads = CpuBackend.MaxThreadCount }.Validate();
    }

    [Fact]
    public void Generation_defaults_out_of_range_are_rejected_naming_the_field()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(new DeepSeekOptions { Generation = new GenerationOptions { MaxNewTokens = 0 } }.Validate);
        Assert.Equal("Generation.MaxNewTokens", e.ParamName);
        e = Assert.Throws<ArgumentOutOfRangeException>(new DeepSeekOptions { Generation = new GenerationOptions { Sampling = new SamplingOptions { Temperature = float.PositiveInfinity } } }.Validate);
        Assert.Equal("Temperature", e.ParamName);
    }
}
