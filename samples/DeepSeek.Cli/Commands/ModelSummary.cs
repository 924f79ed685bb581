using DeepSeek.Sdk.Configs;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace DeepSeek.Cli.Commands;

/// <summary>The architecture facts a user wants to see first, per config type.</summary>
internal static class ModelSummary
{
    public static IRenderable Describe(ModelConfig config)
    {
        var grid = new Grid().AddColumn().AddColumn();
        void Row(string key, string value) => grid.AddRow($"[grey]{Markup.Escape(key)}[/]", Markup.Escape(value));

        Row("model_type", config.ModelType);
        switch (config)
        {
            case DeepSeekV3Config d:
                Row("architecture", config.ModelType == "deepseek_v2" ? "DeepseekV2ForCausalLM" : "DeepseekV3ForCausalLM");
                Decoder(d, Row);
                Row("attention", $"MLA: q_lora_rank {(d.QLoraRank?.ToString() ?? "none")}, kv_lora_rank {d.KvLoraRank}, qk_nope {d.QkNopeHeadDim} + qk_rope {d.QkRopeHeadDim}, v {d.VHeadDim}");
                if (d.NRoutedExperts is { } routed)
                    Row("experts", $"{routed} routed (top-{d.NumExpertsPerTok}, {d.ScoringFunc}, {d.TopkMethod}, {d.NGroup} groups keep {d.TopkGroup}) + {d.NSharedExperts} shared; first {d.FirstKDenseReplace} layers dense");
                if (d.NumNextnPredictLayers > 0) Row("MTP layers", d.NumNextnPredictLayers.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            case JanusConfig j:
                Row("architecture", "JanusForConditionalGeneration");
                Decoder(j.Text, Row);
                Row("image tokens", $"id {j.ImageTokenId}");
                break;
            case DecoderConfig d:
                Row("architecture", config.ModelType == "qwen2" ? "Qwen2ForCausalLM" : "LlamaForCausalLM");
                Decoder(d, Row);
                Row("attention", $"GQA: {d.NumAttentionHeads} query heads, {d.NumKeyValueHeads} key/value heads, head_dim {d.HeadDim}");
                break;
        }
        if (config.Quantization is { } q)
            Row("quantization", $"{q.QuantMethod} {q.Fmt}, {q.WeightBlockSize[0]}x{q.WeightBlockSize[1]} blocks, activations {q.ActivationScheme}");
        return grid;
    }

    /// <summary>Bytes of F32 cache per token: MLA keeps the latent and the rotary key per layer; GQA keeps
    /// keys and values for every key/value head.</summary>
    public static long KvCacheBytesPerToken(ModelConfig config) => config switch
    {
        DeepSeekV3Config d => (long)d.NumHiddenLayers * (d.KvLoraRank + d.QkRopeHeadDim) * sizeof(float),
        JanusConfig j => KvCacheBytesPerToken(j.Text),
        DecoderConfig d => (long)d.NumHiddenLayers * 2 * d.NumKeyValueHeads * d.HeadDim * sizeof(float),
        _ => 0,
    };

    private static void Decoder(DecoderConfig d, Action<string, string> row)
    {
        row("layers", $"{d.NumHiddenLayers}, hidden {d.HiddenSize}, {d.NumAttentionHeads} heads, vocab {d.VocabSize}");
        row("context", $"{d.MaxPositionEmbeddings} positions, rope theta {d.RopeTheta}{(d.RopeScaling.Type != RopeType.Default ? $", {d.RopeScaling.Type} x{d.RopeScaling.Factor}" : "")}");
    }
}
