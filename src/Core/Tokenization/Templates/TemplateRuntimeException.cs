namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// Rendering failed: an undefined value was used where Jinja fails on it, an operation had
/// operands of the wrong type, or the template called <c>raise_exception</c>.
/// </summary>
public class TemplateRuntimeException : TemplateException
{
    public TemplateRuntimeException(string templateName, int line, int column, string reason)
        : base(templateName, line, column, reason)
    {
    }

    public TemplateRuntimeException(string templateName, int line, int column, string reason, Exception inner)
        : base(templateName, line, column, reason, inner)
    {
    }
}
