using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using static DeepSeek.Sdk.Tokenization.JsonFields;

namespace DeepSeek.Sdk.Tokenization;

/// <summary>
/// Reads a Hugging Face tokenizer.json (the serde layout of huggingface/tokenizers) into a
/// <see cref="TokenizerDefinition"/>. Component types outside the byte-level BPE family are
/// rejected with the JSON path that named them, rather than silently tokenizing differently.
/// Every field is checked for kind and range before it is used, within <see cref="TokenizerLimits"/>.
/// </summary>
internal sealed class TokenizerJsonReader
{
    private readonly string _file;
    private readonly TokenizerLimits _limits;
    private int _steps;

    private TokenizerJsonReader(string file, TokenizerLimits limits)
    {
        _file = file;
        _limits = limits;
    }

    public static TokenizerDefinition Read(ReadOnlyMemory<byte> json, string file, TokenizerLimits limits)
    {
        JsonDocument document;
        try
        {
            // 64 levels bound the recursion of nested Sequences.
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new TokenizerFormatException($"{file}: not valid JSON ({e.Message}).", e);
        }
        using (document)
        {
            try
            {
                return new TokenizerJsonReader(file, limits).ReadRoot(document.RootElement);
            }
            catch (InvalidOperationException e) when (e.Source == "System.Text.Json")
            {
                // Property names are unescaped when compared; one holding a lone surrogate escape throws there.
                throw new TokenizerFormatException($"{file}: holds a name that is not valid Unicode text ({e.Message})", e);
            }
        }
    }

    private TokenizerDefinition ReadRoot(JsonElement root)
    {
        string file = _file;
        if (root.ValueKind != JsonValueKind.Object)
            throw new TokenizerFormatException($"{file}: $ must be an object.");
        var modelElement = Required(root, "model", JsonValueKind.Object, file, "$");
        string modelType = OptionalString(modelElement, "type", file, "$.model") ?? "BPE";
        if (modelType != "BPE")
            throw new TokenizerFormatException($"{file}: $.model.type {Show(modelType)} is not supported; only BPE is.");
        var normalizer = root.TryGetProperty("normalizer", out var n) ? ReadNormalizer(n, "$.normalizer") : null;
        var preTokenizers = new List<PreTokenizer>();
        if (root.TryGetProperty("pre_tokenizer", out var p))
            ReadPreTokenizer(p, "$.pre_tokenizer", preTokenizers);
        if (preTokenizers.Count == 0 || preTokenizers[^1] is not ByteLevelPreTokenizer)
            throw new TokenizerFormatException($"{file}: $.pre_tokenizer must end with a ByteLevel step; only byte-level BPE tokenizers are supported.");
        var prefix = new List<int>();
        var suffix = new List<int>();
        if (root.TryGetProperty("post_processor", out var post))
            ReadPostProcessor(post, "$.post_processor", prefix, suffix);
        bool byteLevelDecoder = ReadDecoder(root);
        var model = BpeModelReader.ReadModel(modelElement, file, _limits);
        var added = BpeModelReader.ReadAddedTokens(root, file, _limits);
        return new TokenizerDefinition(file, model, added, normalizer, [.. preTokenizers], [.. prefix], [.. suffix], byteLevelDecoder);
    }

    /// <summary>Counts a component against <see cref="TokenizerLimits.MaxPipelineSteps"/>.</summary>
    private string Step(JsonElement element, string path)
    {
        if (++_steps > _limits.MaxPipelineSteps)
            throw new TokenizerFormatException(
                $"{_file}: {path} is one normalizer, pre-tokenizer or post-processor too many (TokenizerLimits.MaxPipelineSteps = {_limits.MaxPipelineSteps}).");
        return RequiredString(element, "type", _file, path);
    }

    private TextNormalizer? ReadNormalizer(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Null)
            return null;
        string file = _file;
        string type = Step(element, path);
        switch (type)
        {
            case "Sequence":
            {
                var list = new List<TextNormalizer>();
                int i = 0;
                foreach (var child in Required(element, "normalizers", JsonValueKind.Array, file, path).EnumerateArray())
                    if (ReadNormalizer(child, $"{path}.normalizers[{i++}]") is { } normalizer)
                        list.Add(normalizer);
                return list.Count switch { 0 => null, 1 => list[0], _ => new TextNormalizer.Sequence([.. list]) };
            }
            case "NFC": return new TextNormalizer.Unicode(NormalizationForm.FormC);
            case "NFD": return new TextNormalizer.Unicode(NormalizationForm.FormD);
            case "NFKC": return new TextNormalizer.Unicode(NormalizationForm.FormKC);
            case "NFKD": return new TextNormalizer.Unicode(NormalizationForm.FormKD);
            case "Lowercase": return new TextNormalizer.Lowercase();
            case "Prepend": return new TextNormalizer.Prepend(InsertedText(element, "prepend", path));
            case "Strip":
                return new TextNormalizer.Strip(
                    OptionalBool(element, "strip_left", true, file, path), OptionalBool(element, "strip_right", true, file, path));
            case "Replace":
                return new TextNormalizer.Replace(
                    ReadPattern(Required(element, "pattern", file, path), $"{path}.pattern"),
                    InsertedText(element, "content", path));
            default:
                throw new TokenizerFormatException($"{file}: {path}.type {Show(type)} is not a supported normalizer.");
        }
    }

    /// <summary>Text a normalizer inserts, bounded like an added token: Replace inserts it at every match.</summary>
    private string InsertedText(JsonElement element, string name, string path)
    {
        string text = RequiredString(element, name, _file, path);
        if (text.Length > _limits.MaxAddedTokenLength)
            throw new TokenizerFormatException(
                $"{_file}: {path}.{name} is {text.Length} characters long (TokenizerLimits.MaxAddedTokenLength = {_limits.MaxAddedTokenLength}).");
        return text;
    }

    private void ReadPreTokenizer(JsonElement element, string path, List<PreTokenizer> steps)
    {
        if (element.ValueKind == JsonValueKind.Null)
            return;
        string file = _file;
        string type = Step(element, path);
        switch (type)
        {
            case "Sequence":
                int i = 0;
                foreach (var child in Required(element, "pretokenizers", JsonValueKind.Array, file, path).EnumerateArray())
                    ReadPreTokenizer(child, $"{path}.pretokenizers[{i++}]", steps);
                break;
            case "Split":
                string behaviorName = RequiredString(element, "behavior", file, path);
                // Only the names: Enum.TryParse would also take "1".
                if (!Enum.TryParse<SplitDelimiterBehavior>(behaviorName, ignoreCase: false, out var behavior) || behavior.ToString() != behaviorName)
                    throw new TokenizerFormatException($"{file}: {path}.behavior {Show(behaviorName)} is not a split behavior.");
                steps.Add(new SplitPreTokenizer(
                    ReadPattern(Required(element, "pattern", file, path), $"{path}.pattern"),
                    behavior,
                    OptionalBool(element, "invert", false, file, path)));
                break;
            case "ByteLevel":
                steps.Add(new ByteLevelPreTokenizer(
                    OptionalBool(element, "add_prefix_space", true, file, path),
                    OptionalBool(element, "use_regex", true, file, path)));
                break;
            case "Digits":
                steps.Add(new DigitsPreTokenizer(OptionalBool(element, "individual_digits", false, file, path)));
                break;
            default:
                throw new TokenizerFormatException($"{file}: {path}.type {Show(type)} is not a supported pre-tokenizer.");
        }
    }

    private void ReadPostProcessor(JsonElement element, string path, List<int> prefix, List<int> suffix)
    {
        if (element.ValueKind == JsonValueKind.Null)
            return;
        string type = Step(element, path);
        switch (type)
        {
            case "ByteLevel":
                // Only adjusts offsets; ids are untouched (processors/byte_level.rs).
                break;
            case "Sequence":
                int i = 0;
                foreach (var child in Required(element, "processors", JsonValueKind.Array, _file, path).EnumerateArray())
                    ReadPostProcessor(child, $"{path}.processors[{i++}]", prefix, suffix);
                break;
            case "TemplateProcessing":
                ReadTemplate(element, path, prefix, suffix);
                break;
            default:
                throw new TokenizerFormatException($"{_file}: {path}.type {Show(type)} is not a supported post-processor.");
        }
    }

    /// <summary>The "single" template: special tokens before the sequence "A" form the prefix, after it the suffix.
    /// Whether each id names a token is checked once the vocabulary is known (<see cref="Tokenizer"/>).</summary>
    private void ReadTemplate(JsonElement element, string path, List<int> prefix, List<int> suffix)
    {
        string file = _file;
        var specials = Required(element, "special_tokens", JsonValueKind.Object, file, path);
        bool seenSequence = false;
        int i = 0;
        foreach (var piece in Required(element, "single", JsonValueKind.Array, file, path).EnumerateArray())
        {
            string where = $"{path}.single[{i++}]";
            if (piece.ValueKind != JsonValueKind.Object)
                throw new TokenizerFormatException($"{file}: {where} must be an object, found {piece.ValueKind}.");
            if (piece.TryGetProperty("Sequence", out _))
            {
                seenSequence = true;
                continue;
            }
            var special = Required(piece, "SpecialToken", JsonValueKind.Object, file, where);
            string name = RequiredString(special, "id", file, $"{where}.SpecialToken");
            var entry = Required(specials, name, JsonValueKind.Object, file, $"{path}.special_tokens");
            string idsPath = $"{Member($"{path}.special_tokens", name)}.ids";
            foreach (var id in Required(entry, "ids", JsonValueKind.Array, file, Member($"{path}.special_tokens", name)).EnumerateArray())
            {
                if (id.ValueKind != JsonValueKind.Number || !id.TryGetInt32(out int value) || value < 0)
                    throw new TokenizerFormatException($"{file}: {idsPath} holds {Show(id.GetRawText())}, which is not an id.");
                (seenSequence ? suffix : prefix).Add(value);
            }
        }
        if (!seenSequence)
            throw new TokenizerFormatException($"{file}: {path}.single has no Sequence entry.");
    }

    private bool ReadDecoder(JsonElement root)
    {
        if (!root.TryGetProperty("decoder", out var decoder) || decoder.ValueKind == JsonValueKind.Null)
            return false;
        string type = RequiredString(decoder, "type", _file, "$.decoder");
        if (type != "ByteLevel")
            throw new TokenizerFormatException($"{_file}: $.decoder.type {Show(type)} is not supported; only ByteLevel is.");
        return true;
    }

    /// <summary>A split or replace pattern: {"String": literal} or {"Regex": Oniguruma pattern}.</summary>
    private TokenizerPattern ReadPattern(JsonElement pattern, string path)
    {
        string source;
        if (pattern.ValueKind != JsonValueKind.Object)
            throw new TokenizerFormatException($"{_file}: {path} must be {{\"String\": ...}} or {{\"Regex\": ...}}.");
        if (pattern.TryGetProperty("String", out var literal) && literal.ValueKind == JsonValueKind.String)
            source = Regex.Escape(Text(literal, _file, $"{path}.String"));
        else if (pattern.TryGetProperty("Regex", out var regex) && regex.ValueKind == JsonValueKind.String)
            source = Text(regex, _file, $"{path}.Regex");
        else
            throw new TokenizerFormatException($"{_file}: {path} must be {{\"String\": ...}} or {{\"Regex\": ...}}.");
        return TokenizerPattern.Compile(source, _file, path, _limits);
    }
}
