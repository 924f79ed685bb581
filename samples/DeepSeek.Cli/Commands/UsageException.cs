namespace DeepSeek.Cli.Commands;

/// <summary>A command-line value that is wrong in itself (out of range, an unknown name, an empty question), found
/// before any work: exit code <see cref="ExitCodes.Usage"/>, like a value the parser could not read.</summary>
internal sealed class UsageException(string message, string? hint = null) : CommandException(message, hint)
{
    public override int ExitCode => ExitCodes.Usage;
}
