using DeepSeek.Sdk.Tokenization;

namespace DeepSeek.Sdk.Vision.Janus;

/// <summary>Janus-Pro's prompts, as the release's VLChatProcessor ("deepseek" sft format, janus/utils/conversation.py)
/// and generation_inference.py build them, and transformers' JanusProcessor reproduces:
/// <list type="bullet">
/// <item>Understanding: <c>BOS {system}\n\n&lt;|User|&gt;: &lt;image_placeholder&gt;\n{question}\n\n&lt;|Assistant|&gt;:</c>, one
/// placeholder line per image, each placeholder then expanded to <c>&lt;begin_of_image&gt;</c> + image_token_count ×
/// <c>&lt;image_placeholder&gt;</c> + <c>&lt;end_of_image&gt;</c> (VLChatProcessor.add_image_token).</item>
/// <item>Generation: <c>BOS &lt;|User|&gt;: {prompt}\n\n&lt;|Assistant|&gt;:&lt;begin_of_image&gt;</c> (no system prompt).</item>
/// </list></summary>
public sealed class JanusPromptFormat
{
    public const string User = "<|User|>";
    public const string Assistant = "<|Assistant|>";

    /// <summary>VLChatProcessor's default system prompt (transformers' DEFAULT_SYSTEM_PROMPT).</summary>
    public const string DefaultSystemPrompt =
        "You are a helpful language and vision assistant. You are able to understand the visual content that the user provides, " +
        "and assist the user with a variety of tasks using natural language.";

    public JanusPromptFormat(Tokenizer tokenizer, JanusSpecialTokens tokens, int imageTokensPerImage, string? systemPrompt = DefaultSystemPrompt)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageTokensPerImage);
        Tokenizer = tokenizer;
        Tokens = tokens;
        ImageTokensPerImage = imageTokensPerImage;
        SystemPrompt = systemPrompt;
    }

    public Tokenizer Tokenizer { get; }

    public JanusSpecialTokens Tokens { get; }

    public int ImageTokensPerImage { get; }

    /// <summary>Null or empty leaves the system part out (the deepseek format then starts at the user turn).</summary>
    public string? SystemPrompt { get; }

    /// <summary>The understanding prompt's text before the placeholders are expanded (BOS not included).</summary>
    public string UnderstandingText(string question, int images)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentOutOfRangeException.ThrowIfNegative(images);
        var text = new System.Text.StringBuilder();
        if (!string.IsNullOrEmpty(SystemPrompt)) text.Append(SystemPrompt).Append("\n\n");
        text.Append(User).Append(": ");
        for (int i = 0; i < images; i++) text.Append(JanusSpecialTokens.ImagePlaceholderToken).Append('\n');
        text.Append(question.Trim()).Append("\n\n").Append(Assistant).Append(':');
        return text.ToString();
    }

    /// <summary>The understanding prompt's ids: BOS, then the text with each image placeholder expanded to
    /// begin-of-image, ImageTokensPerImage placeholders and end-of-image.</summary>
    public int[] EncodeUnderstanding(string question, int images)
    {
        var ids = Tokenizer.Encode(UnderstandingText(question, images), addSpecialTokens: false);
        var result = new List<int>(ids.Length + 1 + images * (ImageTokensPerImage + 1)) { Tokens.Bos };
        int found = 0;
        foreach (int id in ids)
        {
            if (id != Tokens.ImagePlaceholder)
            {
                result.Add(id);
                continue;
            }
            found++;
            result.Add(Tokens.BeginOfImage);
            for (int i = 0; i < ImageTokensPerImage; i++) result.Add(Tokens.ImagePlaceholder);
            result.Add(Tokens.EndOfImage);
        }
        if (found != images)
            throw new ArgumentException($"The question holds {found - images} {JanusSpecialTokens.ImagePlaceholderToken} of its own; images are placed by the prompt format.", nameof(question));
        return [.. result];
    }

    /// <summary>The text-to-image prompt's text (BOS not included), ending with &lt;begin_of_image&gt;.</summary>
    public static string GenerationText(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return $"{User}: {prompt.Trim()}\n\n{Assistant}:{JanusSpecialTokens.BeginOfImageToken}";
    }

    /// <summary>The text-to-image prompt's ids: BOS, the user turn, the open assistant turn and &lt;begin_of_image&gt;.</summary>
    public int[] EncodeGeneration(string prompt)
    {
        var ids = Tokenizer.Encode(GenerationText(prompt), addSpecialTokens: false);
        if (ids.Length == 0 || ids[^1] != Tokens.BeginOfImage)
            throw new TokenizerFormatException($"tokenizer.json: {JanusSpecialTokens.BeginOfImageToken} is not encoded as its special token (check $.added_tokens and the pre-tokenizer), so the image-generation prompt cannot be built.");
        return [Tokens.Bos, .. ids];
    }

    /// <summary>The unconditional row of <paramref name="promptIds"/> for classifier-free guidance.</summary>
    public int[] Unconditional(ReadOnlySpan<int> promptIds) =>
        JanusImageGenerationSession.UnconditionalPrompt(promptIds, Tokens.Bos, Tokens.BeginOfImage, Tokens.Pad);
}
