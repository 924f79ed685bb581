namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// A chat template could not be parsed or rendered. The message names the template, the line and
/// the column, so that a wrong prompt is never produced silently.
/// </summary>
public class TemplateException : DeepSeekException
{
    public TemplateException(string templateName, int line, int column, string reason)
        : base($"{templateName}, line {line}, column {column}: {reason}")
    {
        TemplateName = templateName;
        Line = line;
        Column = column;
        Reason = reason;
    }

    public TemplateException(string templateName, int line, int column, string reason, Exception inner)
        : base($"{templateName}, line {line}, column {column}: {reason}", inner)
    {
        TemplateName = templateName;
        Line = line;
        Column = column;
        Reason = reason;
    }

    public string TemplateName { get; }

    /// <summary>1-based line in the template source.</summary>
    public int Line { get; }

    /// <summary>1-based column in the template source.</summary>
    public int Column { get; }

    /// <summary>What was wrong, without the location prefix.</summary>
    public string Reason { get; }
}
