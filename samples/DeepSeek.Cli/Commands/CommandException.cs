namespace DeepSeek.Cli.Commands;

/// <summary>An error a command found in what the user gave it (an output file that exists, a model without a chat
/// template, a work folder the command did not make): reported by <see cref="CliErrors"/> as one <c>error:</c> line, an
/// optional hint line, and <see cref="ExitCode"/>.</summary>
internal class CommandException(string message, string? hint = null) : Exception(message)
{
    /// <summary>What the user can do about it (an option to pass, a path to check); null when the message says it all.</summary>
    public string? Hint { get; } = hint;

    public virtual int ExitCode => ExitCodes.UserError;
}
