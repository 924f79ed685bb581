using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Tokenization;

namespace DeepSeek.Sdk.Text.Pipelines;

/// <summary>The ids that end a text model's generation, gathered from its folder as transformers' generate does: the
/// EOS ids of generation_config.json, then config.json's, then the tokenizer's eos_token, each once. Shared by the
/// text and reasoning pipelines, so both stop on the same tokens.</summary>
public static class ModelEosTokens
{
    /// <param name="generationConfig">The folder's generation_config.json, or null when it has none.</param>
    /// <param name="limits">The bounds config.json is read within (<see cref="ConfigLimits.Default"/> when null).</param>
    public static List<int> Gather(string directory, GenerationConfig? generationConfig, Tokenizer tokenizer, ConfigLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var eos = new List<int>();
        if (generationConfig is not null) eos.AddRange(generationConfig.EosTokenIds);
        if (ModelConfig.Load(directory, limits) is DecoderConfig decoder)
            foreach (int id in decoder.EosTokenIds)
                if (!eos.Contains(id)) eos.Add(id);
        if (tokenizer.EosId is int tokenizerEos && !eos.Contains(tokenizerEos)) eos.Add(tokenizerEos);
        return eos;
    }
}
