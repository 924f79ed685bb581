using System.CommandLine;
using System.Globalization;
using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Runtime;

namespace DeepSeek.Cli.Commands;

/// <summary>The <c>--device</c> and <c>--threads</c> options of the commands that run a model, checked while the
/// command line is parsed (exit <see cref="ExitCodes.Usage"/> before anything is loaded).</summary>
internal static class CommonOptions
{
    public static Option<string> Device()
    {
        var option = new Option<string>("--device") { Description = "auto, cpu, cuda or cuda:N (auto picks the best available backend).", DefaultValueFactory = _ => "auto" };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } text && !DeviceSelection.TryParse(text, out _))
                result.AddError($"'{text}' is not a device for --device: use auto, cpu, cuda or cuda:N.");
        });
        return option;
    }

    /// <summary>CPU threads, capped as the SDK caps them (<see cref="CpuBackend.MaxThreadCount"/>): a count of 100,000
    /// would otherwise start that many threads and end the process.</summary>
    public static Option<int> Threads()
    {
        var option = new Option<int>("--threads") { Description = $"CPU threads: 0 for one per logical processor, at most {CpuBackend.MaxThreadCount}.", DefaultValueFactory = _ => 0 };
        option.Validators.Add(result =>
        {
            // The token itself: a value that is not a number already has the parser's own error, and reading the
            // converted value would throw.
            if (result.Tokens is [.., var token] && int.TryParse(token.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int threads)
                && (threads < 0 || threads > CpuBackend.MaxThreadCount))
                result.AddError($"--threads must be 0 (one per logical processor) or between 1 and {CpuBackend.MaxThreadCount}, not {threads}.");
        });
        return option;
    }

    /// <summary>The CPU and CUDA backends for values the options above accepted (auto prefers a usable GPU).</summary>
    public static BackendProvider OpenBackends(string device, int threads) => BackendProvider.For(DeviceSelection.Parse(device), threads);
}
