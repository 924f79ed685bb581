using System.Globalization;

namespace DeepSeek.Sdk.Runtime;

/// <summary>Which kind of device a user asks for: <see cref="DeviceSelectionKind.Auto"/> lets the
/// <see cref="BackendProvider"/> pick the best backend this machine can run.</summary>
public enum DeviceSelectionKind
{
    /// <summary>The first available GPU backend, else the CPU.</summary>
    Auto,
    Cpu,
    Cuda,
}

/// <summary>The device a model should run on, as a user states it: <c>Auto</c>, <c>Cpu</c> or <c>Cuda(index)</c>
/// (text form "auto", "cpu", "cuda", "cuda:1", for command lines and configuration). The default value is Auto.</summary>
public readonly record struct DeviceSelection(DeviceSelectionKind Kind, int Index = 0)
{
    public static DeviceSelection Auto => new(DeviceSelectionKind.Auto);

    public static DeviceSelection Cpu => new(DeviceSelectionKind.Cpu);

    public static DeviceSelection Cuda(int index = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new(DeviceSelectionKind.Cuda, index);
    }

    /// <summary>Parses "auto", "cpu", "cuda" or "cuda:N" (case-insensitive).</summary>
    public static DeviceSelection Parse(string text) =>
        TryParse(text, out var device) ? device
            : throw new FormatException($"'{text}' is not a device: use auto, cpu, cuda or cuda:N.");

    public static bool TryParse(string? text, out DeviceSelection device)
    {
        device = Auto;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        if (s.Equals("auto", StringComparison.OrdinalIgnoreCase)) return true;
        if (s.Equals("cpu", StringComparison.OrdinalIgnoreCase))
        {
            device = Cpu;
            return true;
        }
        if (s.Equals("cuda", StringComparison.OrdinalIgnoreCase) || s.Equals("gpu", StringComparison.OrdinalIgnoreCase))
        {
            device = Cuda();
            return true;
        }
        if (s.StartsWith("cuda:", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(s.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            device = Cuda(index);
            return true;
        }
        return false;
    }

    public override string ToString() => Kind switch
    {
        DeviceSelectionKind.Auto => "auto",
        DeviceSelectionKind.Cpu => "cpu",
        _ => $"cuda:{Index.ToString(CultureInfo.InvariantCulture)}",
    };
}
