using System.Text;

namespace DeepSeek.Sdk.Tokenization;

/// <summary>Loading: reading the files within <see cref="TokenizerLimits"/> and building the id tables and matchers.</summary>
public sealed partial class Tokenizer
{
    private Tokenizer(TokenizerDefinition definition, TokenizerConfig config, TokenizerLimits limits)
    {
        _model = definition.Model;
        _normalizer = definition.Normalizer;
        _preTokenizers = definition.PreTokenizers;
        _addedTokens = definition.AddedTokens;
        ByteLevelDecoder = definition.ByteLevelDecoder;

        // Every id is below TokenizerLimits.MaxVocabularySize (BpeModelReader), so this neither overflows nor
        // allocates more than the limit allows.
        int size = 0;
        foreach (var (_, id) in _model.Vocabulary)
            size = Math.Max(size, id + 1);
        foreach (var token in _addedTokens)
            size = Math.Max(size, token.Id + 1);
        _idToToken = new string?[size];
        _idToBytes = new byte[]?[size];
        _isSpecial = new bool[size];
        foreach (var (token, id) in _model.Vocabulary)
            _idToToken[id] = token;
        var raw = new List<AddedToken>();
        var normalized = new List<AddedToken>();
        var normalizedPatterns = new List<string>();
        for (int i = 0; i < _addedTokens.Length; i++)
        {
            var token = _addedTokens[i];
            // Added tokens take precedence over the model's vocabulary in both directions.
            _idToToken[token.Id] = token.Content;
            _isSpecial[token.Id] = token.Special;
            _addedTokenIds[token.Content] = token.Id;
            if (token.Normalized)
            {
                string pattern = _normalizer?.Normalize(token.Content) ?? token.Content;
                // NFKC can lengthen a text many times (U+FDFA becomes 18 characters).
                if (pattern.Length > limits.MaxAddedTokenLength)
                    throw new TokenizerFormatException(
                        $"{definition.File}: $.added_tokens[{i}].content is {pattern.Length} characters long once normalized (TokenizerLimits.MaxAddedTokenLength = {limits.MaxAddedTokenLength}).");
                normalized.Add(token);
                normalizedPatterns.Add(pattern);
            }
            else
            {
                raw.Add(token);
            }
        }
        var rawPatterns = new List<string>(raw.Count);
        foreach (var token in raw)
            rawPatterns.Add(token.Content);
        _rawAddedTokens = new AddedTokenMatcher(raw, rawPatterns);
        _normalizedAddedTokens = new AddedTokenMatcher(normalized, normalizedPatterns);
        for (int id = 0; id < size; id++)
            if (_idToToken[id] is { } token)
                _idToBytes[id] = ByteLevelDecoder ? ByteLevelAlphabet.DecodeToken(token) : Encoding.UTF8.GetBytes(token);

        BosToken = config.BosToken;
        EosToken = config.EosToken;
        PadToken = config.PadToken;
        UnkToken = config.UnkToken;
        BosId = BosToken is null ? null : TokenToId(BosToken);
        EosId = EosToken is null ? null : TokenToId(EosToken);
        PadId = PadToken is null ? null : TokenToId(PadToken);
        ChatTemplateSources = config.ChatTemplates;

        // transformers' LlamaTokenizerFast rebuilds the post-processor from add_bos_token/add_eos_token
        // (update_post_processor), so where tokenizer_config.json states them they decide; otherwise
        // tokenizer.json's post-processor (TemplateProcessing for Llama 3) does, as in tokenizers.
        if (config.AddBosToken is not null || config.AddEosToken is not null)
        {
            _specialPrefix = config.AddBosToken == true ? [AddedId(config, "bos_token", BosToken, BosId, definition.File)] : [];
            _specialSuffix = config.AddEosToken == true ? [AddedId(config, "eos_token", EosToken, EosId, definition.File)] : [];
        }
        else
        {
            _specialPrefix = definition.PostProcessorPrefix;
            _specialSuffix = definition.PostProcessorSuffix;
            foreach (int id in (int[])[.. _specialPrefix, .. _specialSuffix])
                if (IdToToken(id) is null)
                    throw new TokenizerFormatException(
                        $"{definition.File}: $.post_processor adds id {id}, which is neither a vocabulary nor an added token.");
        }
    }

    /// <summary>
    /// The id that add_bos_token or add_eos_token adds. transformers refuses add_bos_token without a bos_token
    /// (update_post_processor raises); a bos_token outside the vocabulary would be silently left out, so both are
    /// errors rather than prompts without the token the model was trained to see.
    /// </summary>
    private static int AddedId(TokenizerConfig config, string field, string? token, int? id, string tokenizerJson)
    {
        string flag = field == "bos_token" ? "add_bos_token" : "add_eos_token";
        if (token is null)
            throw new TokenizerFormatException($"{config.File}: $.{flag} is true but $.{field} is null or missing.");
        return id ?? throw new TokenizerFormatException(
            $"{config.File}: $.{field} {JsonFields.Show(token)} is not a token of {tokenizerJson}, and $.{flag} asks to add it.");
    }

    /// <summary>
    /// Loads tokenizer.json (or tokenizer.json.gz) and, when present, tokenizer_config.json and
    /// chat_template.jinja from a model directory.
    /// </summary>
    /// <param name="limits">bounds on the files (<see cref="TokenizerLimits.Default"/> when null); a file beyond
    /// them is refused with a <see cref="TokenizerFormatException"/> naming the file, the field and the limit</param>
    public static Tokenizer FromDirectory(string directory, TokenizerLimits? limits = null)
    {
        limits ??= TokenizerLimits.Default;
        limits.Validate();
        string json = Path.Combine(directory, "tokenizer.json");
        if (!File.Exists(json))
            json += ".gz";
        if (!File.Exists(json))
            throw new FileNotFoundException($"Neither tokenizer.json nor tokenizer.json.gz exists in '{directory}'.", json);
        string config = Path.Combine(directory, "tokenizer_config.json");
        var tokenizer = FromFiles(json, File.Exists(config) ? config : null, limits);
        string jinja = Path.Combine(directory, "chat_template.jinja");
        if (File.Exists(jinja) && !tokenizer.ChatTemplateSources.ContainsKey("default"))
        {
            var templates = new Dictionary<string, string>(tokenizer.ChatTemplateSources, StringComparer.Ordinal)
            {
                ["default"] = TokenizerFileReader.ReadText(jinja, jinja, limits),
            };
            tokenizer.ChatTemplateSources = templates;
        }
        return tokenizer;
    }

    /// <summary>Loads a tokenizer.json (gzip-compressed when it starts with the gzip magic bytes) and an optional
    /// tokenizer_config.json.</summary>
    /// <param name="limits">bounds on the files (<see cref="TokenizerLimits.Default"/> when null)</param>
    public static Tokenizer FromFiles(string tokenizerJsonPath, string? tokenizerConfigPath = null, TokenizerLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizerJsonPath);
        limits ??= TokenizerLimits.Default;
        limits.Validate();
        var json = TokenizerFileReader.ReadFile(tokenizerJsonPath, tokenizerJsonPath, limits);
        var definition = TokenizerJsonReader.Read(json, tokenizerJsonPath, limits);
        var config = tokenizerConfigPath is null
            ? TokenizerConfig.Empty
            : TokenizerConfig.Read(TokenizerFileReader.ReadFile(tokenizerConfigPath, tokenizerConfigPath, limits), tokenizerConfigPath);
        return new Tokenizer(definition, config, limits);
    }

    /// <summary>
    /// Loads from streams; a stream starting with the gzip magic bytes is decompressed.
    /// The names are used in error messages only.
    /// </summary>
    /// <param name="limits">bounds on the files (<see cref="TokenizerLimits.Default"/> when null)</param>
    public static Tokenizer FromStreams(Stream tokenizerJson, Stream? tokenizerConfig = null,
        string tokenizerJsonName = "tokenizer.json", string? tokenizerConfigName = "tokenizer_config.json", TokenizerLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizerJson);
        limits ??= TokenizerLimits.Default;
        limits.Validate();
        var definition = TokenizerJsonReader.Read(TokenizerFileReader.ReadStream(tokenizerJson, tokenizerJsonName, limits), tokenizerJsonName, limits);
        string configName = tokenizerConfigName ?? "tokenizer_config.json";
        var config = tokenizerConfig is null
            ? TokenizerConfig.Empty
            : TokenizerConfig.Read(TokenizerFileReader.ReadStream(tokenizerConfig, configName, limits), configName);
        return new Tokenizer(definition, config, limits);
    }
}
