using System.Text;
using System.Text.RegularExpressions;

namespace DeepSeek.Sdk.Tokenization;

/// <summary>
/// A tokenizer.json "normalizer": rewrites each stretch of text between added tokens before it is
/// pre-tokenized. Only the kinds published tokenizers use are implemented; any other type is
/// rejected at load time. Reference: tokenizers normalizers/{unicode,utils,prepend,replace,strip}.rs.
/// </summary>
internal abstract class TextNormalizer
{
    public abstract string Normalize(string text);

    /// <summary>Unicode normalization (NFC, NFD, NFKC, NFKD).</summary>
    public sealed class Unicode(NormalizationForm form) : TextNormalizer
    {
        public override string Normalize(string text) => UnicodeText.Normalize(text, form);
    }

    public sealed class Lowercase : TextNormalizer
    {
        public override string Normalize(string text) => text.ToLowerInvariant();
    }

    public sealed class Prepend(string prefix) : TextNormalizer
    {
        // normalizers/prepend.rs: nothing is prepended to an empty string.
        public override string Normalize(string text) => text.Length == 0 ? text : prefix + text;
    }

    public sealed class Strip(bool left, bool right) : TextNormalizer
    {
        public override string Normalize(string text) =>
            left && right ? text.Trim() : left ? text.TrimStart() : right ? text.TrimEnd() : text;
    }

    /// <summary>Replace every match of a literal string or a regex with a fixed content.</summary>
    public sealed class Replace(TokenizerPattern pattern, string content) : TextNormalizer
    {
        private readonly string _replacement = content.Replace("$", "$$", StringComparison.Ordinal);

        public override string Normalize(string text)
        {
            try
            {
                return pattern.Regex.Replace(text, _replacement);
            }
            catch (RegexMatchTimeoutException e)
            {
                throw pattern.TimedOut(e, text.Length);
            }
        }
    }

    public sealed class Sequence(TextNormalizer[] normalizers) : TextNormalizer
    {
        public override string Normalize(string text)
        {
            foreach (var normalizer in normalizers)
                text = normalizer.Normalize(text);
            return text;
        }
    }
}
