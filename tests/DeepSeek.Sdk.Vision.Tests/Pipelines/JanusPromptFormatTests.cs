using DeepSeek.Sdk.Tokenization;
using DeepSeek.Sdk.Vision.Janus;

namespace DeepSeek.Sdk.Vision.Tests.Pipelines;

public sealed class JanusPromptFormatTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly JanusPromptFormat _format;

    public JanusPromptFormatTests()
    {
        JanusTinyTokenizer.CopyFixtureWithTokenizer(_directory.Path);
        var tokenizer = Tokenizer.FromDirectory(_directory.Path);
        var config = JanusModel.LoadConfig(_directory.Path);
        _format = new JanusPromptFormat(tokenizer, JanusSpecialTokens.From(tokenizer, config), config.Vision.NumImageTokens);
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Special_tokens_come_from_the_config_and_tokenizer()
    {
        Assert.Equal(new JanusSpecialTokens(0, 2, JanusTinyTokenizer.BeginOfImage, JanusTinyTokenizer.EndOfImage, 299), _format.Tokens);
    }

    [Fact]
    public void Understanding_prompt_is_the_deepseek_sft_format_with_each_image_expanded()
    {
        Assert.Equal(
            JanusPromptFormat.DefaultSystemPrompt + "\n\n<|User|>: <image_placeholder>\nWhat is in the picture?\n\n<|Assistant|>:",
            _format.UnderstandingText("What is in the picture?", 1));

        int[] ids = _format.EncodeUnderstanding("What is in the picture?", 1);
        Assert.Equal(JanusTinyTokenizer.Bos, ids[0]);
        int boi = Array.IndexOf(ids, JanusTinyTokenizer.BeginOfImage);
        Assert.Equal(JanusTinyTokenizer.User, ids[boi - 3]); // "<|User|>", ":", " " then the image
        Assert.Equal(Enumerable.Repeat(299, 16), ids[(boi + 1)..(boi + 17)]);
        Assert.Equal(JanusTinyTokenizer.EndOfImage, ids[boi + 17]);
        Assert.Equal(16, ids.Count(id => id == 299));
        Assert.Equal("\nWhat is in the picture?\n\n<|Assistant|>:", _format.Tokenizer.Decode(ids.AsSpan(boi + 18)));
        Assert.Equal(JanusPromptFormat.DefaultSystemPrompt + "\n\n<|User|>: ", _format.Tokenizer.Decode(ids.AsSpan(1, boi - 1)));
    }

    [Fact]
    public void Several_images_each_get_their_own_begin_and_end_of_image()
    {
        int[] ids = _format.EncodeUnderstanding("Compare them.", 2);
        Assert.Equal(2, ids.Count(id => id == JanusTinyTokenizer.BeginOfImage));
        Assert.Equal(2, ids.Count(id => id == JanusTinyTokenizer.EndOfImage));
        Assert.Equal(32, ids.Count(id => id == 299));
    }

    [Fact]
    public void A_placeholder_typed_into_the_question_is_refused()
    {
        Assert.Throws<ArgumentException>(() => _format.EncodeUnderstanding("look: <image_placeholder>", 1));
    }

    [Fact]
    public void Generation_prompt_opens_the_assistant_turn_with_begin_of_image_and_has_no_system_prompt()
    {
        Assert.Equal("<|User|>: a red cat\n\n<|Assistant|>:<begin_of_image>", JanusPromptFormat.GenerationText(" a red cat "));
        int[] ids = _format.EncodeGeneration("a red cat");
        Assert.Equal(JanusTinyTokenizer.Bos, ids[0]);
        Assert.Equal(JanusTinyTokenizer.User, ids[1]);
        Assert.Equal(JanusTinyTokenizer.BeginOfImage, ids[^1]);
        Assert.Equal(JanusTinyTokenizer.Assistant, ids[^3]);
        int[] unconditional = _format.Unconditional(ids);
        Assert.Equal(JanusTinyTokenizer.Bos, unconditional[0]);
        Assert.Equal(JanusTinyTokenizer.BeginOfImage, unconditional[^1]);
        Assert.All(unconditional[1..^1], id => Assert.Equal(JanusTinyTokenizer.Pad, id));
    }
}
