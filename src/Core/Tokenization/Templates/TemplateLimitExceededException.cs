using System.Globalization;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>
/// The template reached one of its <see cref="TemplateLimits"/> while being parsed (nesting depth, source
/// length) or rendered (loop iterations, output or list length, work). The message names the template,
/// the line and column of the construct that reached it, and the option that sets it, e.g.
/// <c>(TemplateLimits.MaxLoopIterations = 1000000)</c>, so a caller who trusts the template can raise it.
/// </summary>
public sealed class TemplateLimitExceededException : TemplateException
{
    public TemplateLimitExceededException(string templateName, int line, int column, string reason, string limitName, long limitValue)
        : base(templateName, line, column, $"{reason} (TemplateLimits.{limitName} = {limitValue.ToString(CultureInfo.InvariantCulture)})")
    {
        LimitName = limitName;
        LimitValue = limitValue;
    }

    /// <summary>The <see cref="TemplateLimits"/> property that was reached, e.g. <c>MaxLoopIterations</c>.</summary>
    public string LimitName { get; }

    /// <summary>Its value in the limits the template ran under.</summary>
    public long LimitValue { get; }
}
