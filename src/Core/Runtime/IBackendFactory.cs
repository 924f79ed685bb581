using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Runtime;

/// <summary>Creates the backend of one device kind. The <see cref="BackendProvider"/> chooses among the registered
/// factories, so a new backend (CUDA) plugs in by registering a factory; nothing that uses a backend changes.</summary>
public interface IBackendFactory
{
    DeviceKind Kind { get; }

    /// <summary>Null when device <paramref name="index"/> of this kind can be used here; otherwise a sentence
    /// saying why not (driver library missing, no such device, ...), which Auto logs when it falls back.</summary>
    string? CheckAvailability(int index);

    IBackend Create(int index);
}
