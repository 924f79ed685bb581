using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Tokenization;

namespace DeepSeek.Cli.Commands;

/// <summary>Exceptions that mean "the user's input or model folder is wrong" and are shown as one error line
/// (anything else is a bug and keeps its stack trace).</summary>
internal static class CliErrors
{
    public static bool IsUserError(Exception e) => e is IOException or UnauthorizedAccessException or ConfigException or CheckpointException
        or UnsupportedModelException or TokenizerFormatException or DeviceUnavailableException or ContextLengthExceededException
        or ArgumentException or FormatException or InvalidOperationException and not ObjectDisposedException;
}
