namespace DeepSeek.Cli.Commands;

/// <summary>What <c>deepseek</c> returns to the shell. A script can tell "fix your input" (1, 2) from "this is a bug,
/// report it" (70) and from an interrupted run (130).</summary>
public static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The input was wrong: a model folder, a file, a template, a prompt too long, a device that cannot be used.
    /// One <c>error:</c> line (and a hint) says what.</summary>
    public const int UserError = 1;

    /// <summary>The command line was wrong: an unknown option, a value that does not parse or is out of range.</summary>
    public const int Usage = 2;

    /// <summary>An internal error (sysexits.h's EX_SOFTWARE): the stack trace is printed, with a request to report it.</summary>
    public const int Software = 70;

    /// <summary>Interrupted with Ctrl+C (128 + SIGINT, what a shell reports for a process the signal ended).</summary>
    public const int Cancelled = 130;
}
