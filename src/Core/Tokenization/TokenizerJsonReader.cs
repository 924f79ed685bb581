using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using static DeepSeek.Sdk.Tokenization.JsonFields;

namespace DeepSeek.Sdk.Tokenization;

/// <summary>
/// Reads a Hugging Face tokenizer.json (the serde layout of huggingface/tokenizers) into a
/// <see cref="TokenizerDefinition"/>. Component types outside the byte-level BPE family are
/// rejected with the JSON path that named them, rather than silently tokenizing differently.
/// </summary>
internal static class TokenizerJsonReader
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Regex> CompiledPatterns = new(StringComparer.Ordinal);

    public static TokenizerDefinition Read(ReadOnlyMemory<byte> json, string file)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new TokenizerFormatException($"{file}: not valid JSON ({e.Message}).", e);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new TokenizerFormatException($"{file}: $ must be an object.");
            var modelElement = Required(root, "model", JsonValueKind.Object, file, "$");
            string modelType = OptionalString(modelElement, "type", file, "$.model") ?? "BPE";
            if (modelType != "BPE")
                throw new TokenizerFormatException($"{file}: $.model.type '{modelType}' is not supported; only BPE is.");
            var normalizer = root.TryGetProperty("normalizer", out var n) ? ReadNormalizer(n, file, "$.normalizer") : null;
            var preTokenizers = new List<PreTokenizer>();
            if (root.TryGetProperty("pre_tokenizer", out var p))
                ReadPreTokenizer(p, file, "$.pre_tokenizer", preTokenizers);
            if (preTokenizers.Count == 0 || preTokenizers[^1] is not ByteLevelPreTokenizer)
                throw new TokenizerFormatException($"{file}: $.pre_tokenizer must end with a ByteLevel step; only byte-level BPE tokenizers are supported.");
            var prefix = new List<int>();
            var suffix = new List<int>();
            if (root.TryGetProperty("post_processor", out var post))
                ReadPostProcessor(post, file, "$.post_processor", prefix, suffix);
            bool byteLevelDecoder = ReadDecoder(root, file);
            var model = ReadModel(modelElement, file);
            var added = ReadAddedTokens(root, file);
            return new TokenizerDefinition(model, added, normalizer, [.. preTokenizers], [.. prefix], [.. suffix], byteLevelDecoder);
        }
    }

    private static BytePairEncoding ReadModel(JsonElement model, string file)
    {
        const string path = "$.model";
        if (model.TryGetProperty("dropout", out var dropout) && dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() != 0)
            throw new TokenizerFormatException($"{file}: {path}.dropout must be null or 0 for inference.");
        foreach (var affix in (ReadOnlySpan<string>)["continuing_subword_prefix", "end_of_word_suffix"])
            if (!string.IsNullOrEmpty(OptionalString(model, affix, file, path)))
                throw new TokenizerFormatException($"{file}: {path}.{affix} is not supported by byte-level BPE.");

        var vocabElement = Required(model, "vocab", JsonValueKind.Object, file, path);
        var vocabulary = new Dictionary<string, int>(CountProperties(vocabElement), StringComparer.Ordinal);
        foreach (var entry in vocabElement.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Number || !entry.Value.TryGetInt32(out int id) || id < 0)
                throw new TokenizerFormatException($"{file}: {path}.vocab[\"{entry.Name}\"] must be a non-negative integer id.");
            vocabulary[entry.Name] = id;
        }

        var lookup = vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
        var mergesElement = Required(model, "merges", JsonValueKind.Array, file, path);
        var merges = new Dictionary<long, long>(mergesElement.GetArrayLength());
        int rank = 0;
        Span<char> joined = stackalloc char[256];
        foreach (var merge in mergesElement.EnumerateArray())
        {
            ReadOnlySpan<char> leftText, rightText;
            if (merge.ValueKind == JsonValueKind.String)
            {
                // The legacy spelling "left right"; byte-level tokens never contain a space.
                string text = merge.GetString()!;
                int space = text.IndexOf(' ');
                if (space <= 0 || space == text.Length - 1 || text.IndexOf(' ', space + 1) >= 0)
                    throw new TokenizerFormatException($"{file}: {path}.merges[{rank}] \"{text}\" is not two tokens separated by one space.");
                leftText = text.AsSpan(0, space);
                rightText = text.AsSpan(space + 1);
            }
            else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2
                     && merge[0].ValueKind == JsonValueKind.String && merge[1].ValueKind == JsonValueKind.String)
            {
                leftText = merge[0].GetString()!;
                rightText = merge[1].GetString()!;
            }
            else
            {
                throw new TokenizerFormatException($"{file}: {path}.merges[{rank}] must be \"left right\" or [\"left\", \"right\"].");
            }
            if (!lookup.TryGetValue(leftText, out int left) || !lookup.TryGetValue(rightText, out int right))
                throw new TokenizerFormatException($"{file}: {path}.merges[{rank}] names a token missing from the vocabulary.");
            int length = leftText.Length + rightText.Length;
            Span<char> both = length <= joined.Length ? joined[..length] : new char[length];
            leftText.CopyTo(both);
            rightText.CopyTo(both[leftText.Length..]);
            if (!lookup.TryGetValue(both, out int mergedId))
                throw new TokenizerFormatException($"{file}: {path}.merges[{rank}] produces \"{both}\", which is missing from the vocabulary.");
            // As in models/bpe/model.rs, a repeated pair keeps the rank of its last occurrence.
            merges[BytePairEncoding.PackPair(left, right)] = BytePairEncoding.PackMerge(rank, mergedId);
            rank++;
        }

        bool ignoreMerges = OptionalBool(model, "ignore_merges", false, file, path);
        var bpe = new BytePairEncoding(vocabulary, merges, ignoreMerges);
        // With every byte in the vocabulary, unk_token and byte_fallback can never take effect.
        Span<char> one = stackalloc char[1];
        for (int b = 0; b < 256; b++)
        {
            one[0] = ByteLevelAlphabet.ByteToChar[b];
            if (!lookup.ContainsKey(one))
                throw new TokenizerFormatException($"{file}: {path}.vocab lacks the byte-level token for byte 0x{b:X2}; not a byte-level BPE vocabulary.");
        }
        return bpe;
    }

    private static AddedToken[] ReadAddedTokens(JsonElement root, string file)
    {
        if (!root.TryGetProperty("added_tokens", out var array) || array.ValueKind == JsonValueKind.Null)
            return [];
        if (array.ValueKind != JsonValueKind.Array)
            throw new TokenizerFormatException($"{file}: $.added_tokens must be an array.");
        var tokens = new AddedToken[array.GetArrayLength()];
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            string where = $"$.added_tokens[{i}]";
            tokens[i++] = new AddedToken(
                RequiredInt(item, "id", file, where),
                RequiredString(item, "content", file, where),
                OptionalBool(item, "special", false, file, where),
                OptionalBool(item, "lstrip", false, file, where),
                OptionalBool(item, "rstrip", false, file, where),
                OptionalBool(item, "normalized", true, file, where),
                OptionalBool(item, "single_word", false, file, where));
        }
        return tokens;
    }

    private static TextNormalizer? ReadNormalizer(JsonElement element, string file, string path)
    {
        if (element.ValueKind == JsonValueKind.Null)
            return null;
        string type = RequiredString(element, "type", file, path);
        switch (type)
        {
            case "Sequence":
            {
                var list = new List<TextNormalizer>();
                int i = 0;
                foreach (var child in Required(element, "normalizers", JsonValueKind.Array, file, path).EnumerateArray())
                    if (ReadNormalizer(child, file, $"{path}.normalizers[{i++}]") is { } normalizer)
                        list.Add(normalizer);
                return list.Count switch { 0 => null, 1 => list[0], _ => new TextNormalizer.Sequence([.. list]) };
            }
            case "NFC": return new TextNormalizer.Unicode(NormalizationForm.FormC);
            case "NFD": return new TextNormalizer.Unicode(NormalizationForm.FormD);
            case "NFKC": return new TextNormalizer.Unicode(NormalizationForm.FormKC);
            case "NFKD": return new TextNormalizer.Unicode(NormalizationForm.FormKD);
            case "Lowercase": return new TextNormalizer.Lowercase();
            case "Prepend": return new TextNormalizer.Prepend(RequiredString(element, "prepend", file, path));
            case "Strip":
                return new TextNormalizer.Strip(
                    OptionalBool(element, "strip_left", true, file, path), OptionalBool(element, "strip_right", true, file, path));
            case "Replace":
                return new TextNormalizer.Replace(
                    ReadPattern(Required(element, "pattern", file, path), file, $"{path}.pattern"),
                    RequiredString(element, "content", file, path));
            default:
                throw new TokenizerFormatException($"{file}: {path}.type '{type}' is not a supported normalizer.");
        }
    }

    private static void ReadPreTokenizer(JsonElement element, string file, string path, List<PreTokenizer> steps)
    {
        if (element.ValueKind == JsonValueKind.Null)
            return;
        string type = RequiredString(element, "type", file, path);
        switch (type)
        {
            case "Sequence":
                int i = 0;
                foreach (var child in Required(element, "pretokenizers", JsonValueKind.Array, file, path).EnumerateArray())
                    ReadPreTokenizer(child, file, $"{path}.pretokenizers[{i++}]", steps);
                break;
            case "Split":
                string behaviorName = RequiredString(element, "behavior", file, path);
                if (!Enum.TryParse<SplitDelimiterBehavior>(behaviorName, ignoreCase: false, out var behavior) || !Enum.IsDefined(behavior))
                    throw new TokenizerFormatException($"{file}: {path}.behavior '{behaviorName}' is not a split behavior.");
                steps.Add(new SplitPreTokenizer(
                    ReadPattern(Required(element, "pattern", file, path), file, $"{path}.pattern"),
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
                throw new TokenizerFormatException($"{file}: {path}.type '{type}' is not a supported pre-tokenizer.");
        }
    }

    private static void ReadPostProcessor(JsonElement element, string file, string path, List<int> prefix, List<int> suffix)
    {
        if (element.ValueKind == JsonValueKind.Null)
            return;
        string type = RequiredString(element, "type", file, path);
        switch (type)
        {
            case "ByteLevel":
                // Only adjusts offsets; ids are untouched (processors/byte_level.rs).
                break;
            case "Sequence":
                int i = 0;
                foreach (var child in Required(element, "processors", JsonValueKind.Array, file, path).EnumerateArray())
                    ReadPostProcessor(child, file, $"{path}.processors[{i++}]", prefix, suffix);
                break;
            case "TemplateProcessing":
                ReadTemplate(element, file, path, prefix, suffix);
                break;
            default:
                throw new TokenizerFormatException($"{file}: {path}.type '{type}' is not a supported post-processor.");
        }
    }

    /// <summary>The "single" template: special tokens before the sequence "A" form the prefix, after it the suffix.</summary>
    private static void ReadTemplate(JsonElement element, string file, string path, List<int> prefix, List<int> suffix)
    {
        var specials = Required(element, "special_tokens", JsonValueKind.Object, file, path);
        bool seenSequence = false;
        int i = 0;
        foreach (var piece in Required(element, "single", JsonValueKind.Array, file, path).EnumerateArray())
        {
            string where = $"{path}.single[{i++}]";
            if (piece.TryGetProperty("Sequence", out _))
            {
                seenSequence = true;
                continue;
            }
            var special = Required(piece, "SpecialToken", JsonValueKind.Object, file, where);
            string name = RequiredString(special, "id", file, $"{where}.SpecialToken");
            var entry = Required(specials, name, JsonValueKind.Object, file, $"{path}.special_tokens");
            foreach (var id in Required(entry, "ids", JsonValueKind.Array, file, $"{path}.special_tokens.{name}").EnumerateArray())
            {
                if (!id.TryGetInt32(out int value) || value < 0)
                    throw new TokenizerFormatException($"{file}: {path}.special_tokens.{name}.ids holds an invalid id.");
                (seenSequence ? suffix : prefix).Add(value);
            }
        }
        if (!seenSequence)
            throw new TokenizerFormatException($"{file}: {path}.single has no Sequence entry.");
    }

    private static bool ReadDecoder(JsonElement root, string file)
    {
        if (!root.TryGetProperty("decoder", out var decoder) || decoder.ValueKind == JsonValueKind.Null)
            return false;
        string type = RequiredString(decoder, "type", file, "$.decoder");
        if (type != "ByteLevel")
            throw new TokenizerFormatException($"{file}: $.decoder.type '{type}' is not supported; only ByteLevel is.");
        return true;
    }

    /// <summary>A split or replace pattern: {"String": literal} or {"Regex": Oniguruma pattern}.</summary>
    private static Regex ReadPattern(JsonElement pattern, string file, string path)
    {
        string source;
        if (pattern.ValueKind != JsonValueKind.Object)
            throw new TokenizerFormatException($"{file}: {path} must be {{\"String\": ...}} or {{\"Regex\": ...}}.");
        if (pattern.TryGetProperty("String", out var literal) && literal.ValueKind == JsonValueKind.String)
            source = Regex.Escape(literal.GetString()!);
        else if (pattern.TryGetProperty("Regex", out var regex) && regex.ValueKind == JsonValueKind.String)
            source = regex.GetString()!;
        else
            throw new TokenizerFormatException($"{file}: {path} must be {{\"String\": ...}} or {{\"Regex\": ...}}.");
        if (CompiledPatterns.TryGetValue(source, out var cached))
            return cached;
        // Astral characters reach patterns as category stand-ins (CodePointProxy); a pattern that
        // spells one out could not match them.
        if (source.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0 || source.Contains("\\U", StringComparison.Ordinal) || source.Contains("\\x{", StringComparison.Ordinal))
            throw new TokenizerFormatException($"{file}: {path} names characters outside the Basic Multilingual Plane, which is not supported.");
        try
        {
            // Compiling costs tens of milliseconds per pattern; a compiled Regex is immutable and
            // thread-safe, so tokenizers loaded later in the process share it.
            return CompiledPatterns.GetOrAdd(source, new Regex(source, RegexOptions.Compiled | RegexOptions.CultureInvariant));
        }
        catch (ArgumentException e)
        {
            throw new TokenizerFormatException($"{file}: {path} is not a pattern .NET can compile: {e.Message}", e);
        }
    }

    private static int CountProperties(JsonElement obj)
    {
        int count = 0;
        foreach (var _ in obj.EnumerateObject())
            count++;
        return count;
    }
}
