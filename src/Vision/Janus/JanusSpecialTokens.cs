using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Tokenization;

namespace DeepSeek.Sdk.Vision.Janus;

/// <summary>The token ids Janus's prompt formats need. In Janus-Pro's tokenizer: BOS &lt;｜begin▁of▁sentence｜&gt; 100000,
/// pad &lt;｜▁pad▁｜&gt; 100002, &lt;begin_of_image&gt; 100003, &lt;end_of_image&gt; 100580, &lt;image_placeholder&gt; 100581.</summary>
public sealed record JanusSpecialTokens(int Bos, int Pad, int BeginOfImage, int EndOfImage, int ImagePlaceholder)
{
    public const string BeginOfImageToken = "<begin_of_image>";
    public const string EndOfImageToken = "<end_of_image>";
    public const string ImagePlaceholderToken = "<image_placeholder>";
    public const string PadToken = "<｜▁pad▁｜>";

    /// <summary>Reads the ids from the tokenizer (BOS and pad from the config when it names them, as transformers'
    /// converted configs do), and checks that the tokenizer's &lt;image_placeholder&gt; is the config's image_token_id.</summary>
    public static JanusSpecialTokens From(Tokenizer tokenizer, JanusConfig config)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(config);
        int image = Required(tokenizer, ImagePlaceholderToken);
        if (image != config.ImageTokenId)
            throw new ConfigException($"is {config.ImageTokenId} but the tokenizer's {ImagePlaceholderToken} is {image}", config.SourcePath, "image_token_id");
        int bos = config.Text.BosTokenId ?? tokenizer.BosId
            ?? throw new ConfigException("is missing, and the tokenizer names no bos_token either; Janus prompts start with BOS", config.SourcePath, "text_config.bos_token_id");
        // The release's language_config names no pad token; its VLChatProcessor pads with <｜▁pad▁｜>.
        int pad = config.Text.PadTokenId ?? tokenizer.TokenToId(PadToken) ?? tokenizer.PadId
            ?? throw new ConfigException($"is missing, and the tokenizer has neither {PadToken} nor a pad_token; classifier-free guidance needs one", config.SourcePath, "text_config.pad_token_id");
        return new JanusSpecialTokens(bos, pad, Required(tokenizer, BeginOfImageToken), Required(tokenizer, EndOfImageToken), image);
    }

    private static int Required(Tokenizer tokenizer, string token) =>
        tokenizer.TokenToId(token) ?? throw new TokenizerFormatException($"tokenizer.json: $.added_tokens has no {token} token, which Janus prompts use; it is not a Janus tokenizer.");
}
