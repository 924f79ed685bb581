using System.Collections;
using System.Text.Json;
using static DeepSeek.Sdk.Tokenization.JsonFields;

namespace DeepSeek.Sdk.Tokenization;

/// <summary>
/// Reads the id-bearing parts of a tokenizer.json, "model" (vocabulary and merges) and "added_tokens", checking
/// every id before anything is sized by it: ids are integers in [0, <see cref="TokenizerLimits.MaxVocabularySize"/>),
/// no two vocabulary tokens share an id or a text, and no two added tokens share an id.
/// </summary>
internal static class BpeModelReader
{
    public static BytePairEncoding ReadModel(JsonElement model, string file, TokenizerLimits limits)
    {
        const string path = "$.model";
        if (model.TryGetProperty("dropout", out var dropout) && dropout.ValueKind == JsonValueKind.Number
            && (!dropout.TryGetDouble(out double rate) || rate != 0))
            throw new TokenizerFormatException($"{file}: {path}.dropout must be null or 0 for inference.");
        foreach (var affix in (ReadOnlySpan<string>)["continuing_subword_prefix", "end_of_word_suffix"])
            if (!string.IsNullOrEmpty(OptionalString(model, affix, file, path)))
                throw new TokenizerFormatException($"{file}: {path}.{affix} is not supported by byte-level BPE.");

        var vocabulary = ReadVocabulary(Required(model, "vocab", JsonValueKind.Object, file, path), file, limits);
        var merges = ReadMerges(Required(model, "merges", JsonValueKind.Array, file, path), vocabulary, file);
        bool ignoreMerges = OptionalBool(model, "ignore_merges", false, file, path);
        var lookup = vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
        // With every byte in the vocabulary, unk_token and byte_fallback can never take effect.
        Span<char> one = stackalloc char[1];
        for (int b = 0; b < 256; b++)
        {
            one[0] = ByteLevelAlphabet.ByteToChar[b];
            if (!lookup.ContainsKey(one))
                throw new TokenizerFormatException($"{file}: {path}.vocab lacks the byte-level token for byte 0x{b:X2}; not a byte-level BPE vocabulary.");
        }
        return new BytePairEncoding(vocabulary, merges, ignoreMerges);
    }

    private static Dictionary<string, int> ReadVocabulary(JsonElement vocab, string file, TokenizerLimits limits)
    {
        const string path = "$.model.vocab";
        int count = 0;
        foreach (var _ in vocab.EnumerateObject())
            count++;
        if (count > limits.MaxVocabularySize)
            throw new TokenizerFormatException(
                $"{file}: {path} has {count} entries (TokenizerLimits.MaxVocabularySize = {limits.MaxVocabularySize}).");
        var vocabulary = new Dictionary<string, int>(count, StringComparer.Ordinal);
        int maxId = -1;
        foreach (var entry in vocab.EnumerateObject())
        {
            string token = Name(entry, file, path);
            // The path is spelled out only for an error: building it for each of 150k tokens would double the cost.
            if (!TryId(entry.Value, limits, out int id))
                throw BadId(entry.Value, file, Member(path, token), limits);
            if (!vocabulary.TryAdd(token, id))
                throw new TokenizerFormatException($"{file}: {Member(path, token)} appears twice.");
            maxId = Math.Max(maxId, id);
        }
        // Two tokens with one id would make decoding ambiguous; tokenizers' vocab_r keeps an arbitrary one.
        var seen = new BitArray(maxId + 1);
        foreach (var (token, id) in vocabulary)
        {
            if (seen[id])
                throw new TokenizerFormatException($"{file}: {Member(path, token)} has id {id}, which another token of the vocabulary has too.");
            seen[id] = true;
        }
        return vocabulary;
    }

    private static Dictionary<long, long> ReadMerges(JsonElement mergesElement, Dictionary<string, int> vocabulary, string file)
    {
        const string path = "$.model.merges";
        var lookup = vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();
        // Every merge is at least four bytes of JSON ("a b" and a comma), so the file's limit bounds this count.
        var merges = new Dictionary<long, long>(mergesElement.GetArrayLength());
        int rank = 0;
        Span<char> joined = stackalloc char[256];
        foreach (var merge in mergesElement.EnumerateArray())
        {
            ReadOnlySpan<char> leftText, rightText;
            if (merge.ValueKind == JsonValueKind.String)
            {
                // The legacy spelling "left right"; byte-level tokens never contain a space.
                string text = MergeText(merge, file, rank, part: -1);
                int space = text.IndexOf(' ');
                if (space <= 0 || space == text.Length - 1 || text.IndexOf(' ', space + 1) >= 0)
                    throw new TokenizerFormatException($"{file}: {path}[{rank}] {Show(text)} is not two tokens separated by one space.");
                leftText = text.AsSpan(0, space);
                rightText = text.AsSpan(space + 1);
            }
            else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2
                     && merge[0].ValueKind == JsonValueKind.String && merge[1].ValueKind == JsonValueKind.String)
            {
                leftText = MergeText(merge[0], file, rank, part: 0);
                rightText = MergeText(merge[1], file, rank, part: 1);
            }
            else
            {
                throw new TokenizerFormatException($"{file}: {path}[{rank}] must be \"left right\" or [\"left\", \"right\"].");
            }
            if (!lookup.TryGetValue(leftText, out int left) || !lookup.TryGetValue(rightText, out int right))
                throw new TokenizerFormatException($"{file}: {path}[{rank}] names a token missing from the vocabulary.");
            int length = leftText.Length + rightText.Length;
            Span<char> both = length <= joined.Length ? joined[..length] : new char[length];
            leftText.CopyTo(both);
            rightText.CopyTo(both[leftText.Length..]);
            if (!lookup.TryGetValue(both, out int mergedId))
                throw new TokenizerFormatException($"{file}: {path}[{rank}] produces {Show(both.ToString())}, which is missing from the vocabulary.");
            // As in models/bpe/model.rs, a repeated pair keeps the rank of its last occurrence.
            merges[BytePairEncoding.PackPair(left, right)] = BytePairEncoding.PackMerge(rank, mergedId);
            rank++;
        }
        return merges;
    }

    /// <summary>A merge's text, or one side of it (<paramref name="part"/> 0 or 1); the path is spelled out only for an error.</summary>
    private static string MergeText(JsonElement value, string file, int rank, int part)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return Text(value, file, part < 0 ? $"$.model.merges[{rank}]" : $"$.model.merges[{rank}][{part}]");
        }
    }

    public static AddedToken[] ReadAddedTokens(JsonElement root, string file, TokenizerLimits limits)
    {
        if (!root.TryGetProperty("added_tokens", out var array) || array.ValueKind == JsonValueKind.Null)
            return [];
        if (array.ValueKind != JsonValueKind.Array)
            throw new TokenizerFormatException($"{file}: $.added_tokens must be an array.");
        var tokens = new AddedToken[array.GetArrayLength()];
        var indexById = new Dictionary<int, int>(tokens.Length);
        long characters = 0;
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            string where = $"$.added_tokens[{i}]";
            var idElement = Required(item, "id", file, where);
            if (!TryId(idElement, limits, out int id))
                throw BadId(idElement, file, $"{where}.id", limits);
            if (!indexById.TryAdd(id, i))
                throw new TokenizerFormatException($"{file}: {where}.id {id} is already the id of $.added_tokens[{indexById[id]}].");
            string content = RequiredString(item, "content", file, where);
            if (content.Length > limits.MaxAddedTokenLength)
                throw new TokenizerFormatException(
                    $"{file}: {where}.content is {content.Length} characters long (TokenizerLimits.MaxAddedTokenLength = {limits.MaxAddedTokenLength}).");
            characters += content.Length;
            if (characters > limits.MaxAddedTokenCharacters)
                throw new TokenizerFormatException(
                    $"{file}: $.added_tokens hold more than {limits.MaxAddedTokenCharacters} characters by {where} (TokenizerLimits.MaxAddedTokenCharacters = {limits.MaxAddedTokenCharacters}).");
            tokens[i++] = new AddedToken(
                id,
                content,
                OptionalBool(item, "special", false, file, where),
                OptionalBool(item, "lstrip", false, file, where),
                OptionalBool(item, "rstrip", false, file, where),
                OptionalBool(item, "normalized", true, file, where),
                OptionalBool(item, "single_word", false, file, where));
        }
        return tokens;
    }

    /// <summary>
    /// An id: a JSON integer in [0, MaxVocabularySize). The id tables are sized by the highest id, so an id of
    /// 2^31 - 1 (whose successor overflows) or 10^9 (17 GB of tables) is refused here, before any allocation.
    /// </summary>
    private static bool TryId(JsonElement value, TokenizerLimits limits, out int id)
    {
        id = 0;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long wide) || wide < 0 || wide >= limits.MaxVocabularySize)
            return false;
        id = (int)wide;
        return true;
    }

    private static TokenizerFormatException BadId(JsonElement value, string file, string path, TokenizerLimits limits)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long id) && id >= limits.MaxVocabularySize)
            return new TokenizerFormatException(
                $"{file}: {path} is id {id}, beyond the id space (TokenizerLimits.MaxVocabularySize = {limits.MaxVocabularySize}).");
        return new TokenizerFormatException($"{file}: {path} must be a non-negative integer id, found {Show(value.GetRawText())}.");
    }
}
