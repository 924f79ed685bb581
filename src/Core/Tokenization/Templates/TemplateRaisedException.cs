namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// The template itself called <c>raise_exception(message)</c> (the global transformers provides,
/// see chat_template_utils.py), typically to reject a conversation it cannot format.
/// <see cref="TemplateException.Reason"/> is the template's message, unchanged.
/// </summary>
public sealed class TemplateRaisedException(string templateName, int line, int column, string message)
    : TemplateRuntimeException(templateName, line, column, message);
