using System.Globalization;
using System.Text;

namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>Python <c>datetime.strftime</c> in the C locale, for <c>strftime_now</c> (Llama 3.x dates).</summary>
internal static class Strftime
{
    public static string Format(DateTime time, string format, RenderBudget budget)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        for (int i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                sb.Append(format[i]);
                continue;
            }
            char code = format[++i];
            sb.Append(code switch
            {
                'd' => time.ToString("dd", c),
                'm' => time.ToString("MM", c),
                'Y' => time.ToString("yyyy", c),
                'y' => time.ToString("yy", c),
                'H' => time.ToString("HH", c),
                'I' => time.ToString("hh", c),
                'M' => time.ToString("mm", c),
                'S' => time.ToString("ss", c),
                'p' => time.Hour < 12 ? "AM" : "PM",
                'b' => time.ToString("MMM", c),
                'B' => time.ToString("MMMM", c),
                'a' => time.ToString("ddd", c),
                'A' => time.ToString("dddd", c),
                'j' => time.DayOfYear.ToString("000", c),
                'f' => (time.Ticks % TimeSpan.TicksPerSecond / 10).ToString("000000", c),
                '%' => "%",
                _ => throw new TemplateOperationException($"strftime directive '%{code}' is not supported"),
            });
            // A directive prints up to 9 characters (%B) for its 2: the text so far and the rest, at least, must fit.
            budget.CheckString((long)sb.Length + format.Length - i - 1, "strftime_now");
        }
        return sb.ToString();
    }
}
