namespace DeepSeek.Sdk.Runtime;

/// <summary>The device a user asked for cannot be used on this machine; the message names it and says why.</summary>
public sealed class DeviceUnavailableException(string device, string reason)
    : DeepSeekException($"Device '{device}' cannot be used: {reason}.")
{
    public string Device { get; } = device;

    public string Reason { get; } = reason;
}
