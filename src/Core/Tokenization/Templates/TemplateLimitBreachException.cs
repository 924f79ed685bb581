namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// An operation reached one of the <see cref="TemplateLimits"/>; like its base, it has no location yet, and the
/// evaluator turns it into a <see cref="TemplateLimitExceededException"/> at the expression being evaluated.
/// </summary>
internal sealed class TemplateLimitBreachException(string reason, string limitName, long limitValue)
    : TemplateOperationException(reason)
{
    public string LimitName { get; } = limitName;

    public long LimitValue { get; } = limitValue;
}
