namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// The template source is malformed or uses a construct this interpreter does not support (an
/// unknown tag, filter, test, function or method). Raised by <see cref="ChatTemplate.Parse"/>.
/// </summary>
public sealed class TemplateSyntaxException(string templateName, int line, int column, string reason)
    : TemplateException(templateName, line, column, reason);
