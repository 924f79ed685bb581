using System.Globalization;
using System.Text.RegularExpressions;
using DeepSeek.Sdk.Checkpoints;

namespace DeepSeek.Sdk.Vision.Janus;

/// <summary>The one name map between Janus's two checkpoint layouts. Models name every tensor in the converted layout
/// (transformers' JanusForConditionalGeneration); <see cref="Resolve"/> says where that tensor is stored in a
/// checkpoint of <see cref="Layout"/>. The rules are the inverse of transformers' convert_janus_weights_to_hf.py
/// MAPPINGS and split_tensor (which splits the release's fused <c>attn.qkv</c> into q/k/v in that order and squeezes
/// <c>pos_embed</c>); MlpProjector's Sequential puts GELUs between its Linears, so converted
/// <c>hidden_layers.j</c> is the release's <c>layers.{2j + 2}</c>.</summary>
public sealed class JanusTensorMap
{
    private const string Tower = "vision_model.vision_tower.";
    private const string Layers = @"^model\.vision_model\.encoder\.layers\.(\d+)\.";

    // Release tensors that the converted layout drops: SigLIP's attention-pooling head (Janus reads the patch
    // features, select_feature "same") and the VQ codebook's usage counter (a training statistic).
    private static readonly Regex[] s_unusedOriginal =
    [
        new(@"^vision_model\.vision_tower\.attn_pool\.", RegexOptions.CultureInvariant),
        new(@"^gen_vision_model\.quantize\.codebook_used$", RegexOptions.CultureInvariant),
    ];

    private static readonly Rule[] s_rules =
    [
        new(@"^model\.language_model\.(.+)$", m => "language_model.model." + m.Groups[1].Value),
        new(@"^lm_head\.(.+)$", m => "language_model.lm_head." + m.Groups[1].Value),

        // SigLIP (timm VisionTransformer names in the release).
        new(@"^model\.vision_model\.embeddings\.patch_embedding\.(weight|bias)$", m => Tower + "patch_embed.proj." + m.Groups[1].Value),
        new(@"^model\.vision_model\.embeddings\.position_embedding\.weight$", _ => Tower + "pos_embed", DropsLeadingAxis: true),
        new(Layers + @"layer_norm([12])\.(weight|bias)$", m => $"{Tower}blocks.{m.Groups[1].Value}.norm{m.Groups[2].Value}.{m.Groups[3].Value}"),
        new(Layers + @"self_attn\.q_proj\.(weight|bias)$", m => $"{Tower}blocks.{m.Groups[1].Value}.attn.qkv.{m.Groups[2].Value}", Part: 0, Parts: 3),
        new(Layers + @"self_attn\.k_proj\.(weight|bias)$", m => $"{Tower}blocks.{m.Groups[1].Value}.attn.qkv.{m.Groups[2].Value}", Part: 1, Parts: 3),
        new(Layers + @"self_attn\.v_proj\.(weight|bias)$", m => $"{Tower}blocks.{m.Groups[1].Value}.attn.qkv.{m.Groups[2].Value}", Part: 2, Parts: 3),
        new(Layers + @"self_attn\.projection_layer\.(weight|bias)$", m => $"{Tower}blocks.{m.Groups[1].Value}.attn.proj.{m.Groups[2].Value}"),
        new(Layers + @"self_attn\.([qk])_norm\.(weight|bias)$", m => $"{Tower}blocks.{m.Groups[1].Value}.attn.{m.Groups[2].Value}_norm.{m.Groups[3].Value}"),
        new(Layers + @"mlp\.(fc[12])\.(weight|bias)$", m => $"{Tower}blocks.{m.Groups[1].Value}.mlp.{m.Groups[2].Value}.{m.Groups[3].Value}"),
        new(@"^model\.vision_model\.post_layernorm\.(weight|bias)$", m => Tower + "norm." + m.Groups[1].Value),

        // Aligners (MlpProjector: Linear, GELU, Linear, ...).
        new(@"^model\.(aligner|generation_aligner)\.fc1\.(weight|bias)$", m => $"{Projector(m.Groups[1].Value)}.layers.0.{m.Groups[2].Value}"),
        new(@"^model\.(aligner|generation_aligner)\.hidden_layers\.(\d+)\.(weight|bias)$",
            m => $"{Projector(m.Groups[1].Value)}.layers.{2 * int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) + 2}.{m.Groups[3].Value}"),

        // Generation embeddings and head.
        new(@"^model\.generation_embeddings\.weight$", _ => "gen_embed.weight"),
        new(@"^model\.generation_head\.proj_out\.(weight|bias)$", m => "gen_head.output_mlp_projector." + m.Groups[1].Value),
        new(@"^model\.generation_head\.vision_head\.(weight|bias)$", m => "gen_head.vision_head." + m.Groups[1].Value),

        // VQ model (LlamaGen's names in the release: conv_blocks with res/attn lists, mid as a list).
        new(@"^model\.vqmodel\.(encoder|decoder)\.(?:down|up)\.(\d+)\.block\.(\d+)\.(.+)$",
            m => $"gen_vision_model.{m.Groups[1].Value}.conv_blocks.{m.Groups[2].Value}.res.{m.Groups[3].Value}.{m.Groups[4].Value}"),
        new(@"^model\.vqmodel\.(encoder|decoder)\.(?:down|up)\.(\d+)\.((?:attn|downsample|upsample)\..+)$",
            m => $"gen_vision_model.{m.Groups[1].Value}.conv_blocks.{m.Groups[2].Value}.{m.Groups[3].Value}"),
        new(@"^model\.vqmodel\.(encoder|decoder)\.mid\.(block_1|attn_1|block_2)\.(.+)$",
            m => $"gen_vision_model.{m.Groups[1].Value}.mid.{MidIndex(m.Groups[2].Value)}.{m.Groups[3].Value}"),
        new(@"^model\.vqmodel\.(.+)$", m => "gen_vision_model." + m.Groups[1].Value),
    ];

    private JanusTensorMap(JanusCheckpointLayout layout) => Layout = layout;

    public static JanusTensorMap Converted { get; } = new(JanusCheckpointLayout.Converted);

    public static JanusTensorMap Original { get; } = new(JanusCheckpointLayout.Original);

    public JanusCheckpointLayout Layout { get; }

    /// <summary>Prefix of the language model's embed_tokens, layers and norm in this layout.</summary>
    public string LanguageModelPrefix => Layout == JanusCheckpointLayout.Converted ? "model.language_model." : "language_model.model.";

    /// <summary>The language model's output projection module in this layout.</summary>
    public string LmHead => Layout == JanusCheckpointLayout.Converted ? "lm_head" : "language_model.lm_head";

    public static JanusTensorMap For(JanusCheckpointLayout layout) => layout == JanusCheckpointLayout.Converted ? Converted : Original;

    /// <summary>The layout of a checkpoint, told by where its token embedding lives.</summary>
    public static JanusTensorMap Detect(Checkpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (checkpoint.Contains(Converted.LanguageModelPrefix + "embed_tokens.weight")) return Converted;
        if (checkpoint.Contains(Original.LanguageModelPrefix + "embed_tokens.weight")) return Original;
        throw new CheckpointException(
            $"not a Janus checkpoint: neither '{Converted.LanguageModelPrefix}embed_tokens.weight' (transformers layout) nor '{Original.LanguageModelPrefix}embed_tokens.weight' (deepseek-ai release) is present",
            checkpoint.Directory);
    }

    /// <summary>Where the converted-layout tensor <paramref name="convertedName"/> is stored in this layout.</summary>
    public JanusTensorLocation Resolve(string convertedName)
    {
        ArgumentException.ThrowIfNullOrEmpty(convertedName);
        if (Layout == JanusCheckpointLayout.Converted) return new JanusTensorLocation(convertedName);
        foreach (var rule in s_rules)
        {
            var match = rule.Pattern.Match(convertedName);
            if (match.Success) return new JanusTensorLocation(rule.Rename(match), rule.Part, rule.Parts, rule.DropsLeadingAxis);
        }
        throw new ArgumentException($"'{convertedName}' is not a tensor name of the Janus converted layout.", nameof(convertedName));
    }

    /// <summary>Whether a stored tensor that no converted tensor maps to is one the converted layout drops on purpose.</summary>
    public bool IsUnused(string storedName)
    {
        if (Layout == JanusCheckpointLayout.Converted) return false;
        foreach (var pattern in s_unusedOriginal)
            if (pattern.IsMatch(storedName)) return true;
        return false;
    }

    private static string Projector(string converted) => converted == "aligner" ? "aligner" : "gen_aligner";

    private static string MidIndex(string converted) => converted switch
    {
        "block_1" => "0",
        "attn_1" => "1",
        _ => "2",
    };

    private sealed record Rule(Regex Pattern, Func<Match, string> Rename, int Part = 0, int Parts = 1, bool DropsLeadingAxis = false)
    {
        public Rule(string pattern, Func<Match, string> rename, int Part = 0, int Parts = 1, bool DropsLeadingAxis = false)
            : this(new Regex(pattern, RegexOptions.CultureInvariant), rename, Part, Parts, DropsLeadingAxis)
        {
        }
    }
}
