namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// Raised by value operations, filters, tests and methods, which do not know where in the template
/// they were called from; the evaluator turns it into a <see cref="TemplateRuntimeException"/>
/// carrying the location of the expression being evaluated.
/// </summary>
internal class TemplateOperationException(string message) : Exception(message);
