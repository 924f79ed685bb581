using DeepSeek.Sdk.Reasoning.ChatClient;
using DeepSeek.Sdk.Tokenization;
using Microsoft.Extensions.AI;
using AIReasoningOptions = Microsoft.Extensions.AI.ReasoningOptions;

namespace DeepSeek.Sdk.Reasoning.Tests;

/// <summary>The IChatClient over the reasoning pipeline, on the scripted model: trace and answer come back as separate
/// contents, streamed or whole; the reasoning effort sets the thinking budget; usage counts reasoning tokens.</summary>
public sealed class ReasoningChatClientTests : IDisposable
{
    private const string Thought = "Let me add two and two: that is four.";
    private const string Answer = "The answer is 4.";

    private readonly TempDirectory _dir = new();
    private readonly Tokenizer _tokenizer;

    public ReasoningChatClientTests()
    {
        TinyR1Tokenizer.Write(_dir.Path, thinkTagsAreAddedTokens: true);
        _tokenizer = Tokenizer.FromDirectory(_dir.Path);
    }

    public void Dispose() => _dir.Dispose();

    private ReasoningChatClient Client(bool closesTrace = true) =>
        new(new ReasoningPipeline(new ScriptedReasoningModel(_tokenizer, Thought, Answer, closesTrace), _tokenizer), "r1-scripted");

    [Fact]
    public async Task A_response_holds_the_trace_as_reasoning_content_and_the_answer_as_text()
    {
        var response = await Client().GetResponseAsync("What is 2+2?", cancellationToken: TestContext.Current.CancellationToken);

        var message = Assert.Single(response.Messages);
        Assert.Equal(Thought, Assert.IsType<TextReasoningContent>(message.Contents[0]).Text);
        Assert.Equal(Answer, Assert.IsType<TextContent>(message.Contents[1]).Text);
        Assert.Equal(Answer, response.Text); // Text is the answer alone
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal("r1-scripted", response.ModelId);
        int reasoning = _tokenizer.Encode(Thought).Length + _tokenizer.Encode("\n</think>").Length;
        Assert.Equal(reasoning, response.Usage!.ReasoningTokenCount);
        Assert.True(response.Usage.OutputTokenCount > reasoning);
        Assert.Equal(response.Usage.InputTokenCount + response.Usage.OutputTokenCount, response.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task Streaming_yields_reasoning_updates_then_answer_updates_then_usage()
    {
        var kinds = new List<char>();
        string reasoning = "", answer = "";
        ChatResponseUpdate? last = null;
        await foreach (var update in Client().GetStreamingResponseAsync("What is 2+2?", cancellationToken: TestContext.Current.CancellationToken))
        {
            foreach (var content in update.Contents)
            {
                char kind = content switch { TextReasoningContent r => 'R', TextContent => 'A', UsageContent => 'U', _ => '?' };
                if (content is TextReasoningContent rc) reasoning += rc.Text;
                if (content is TextContent tc) answer += tc.Text;
                if (kinds.Count == 0 || kinds[^1] != kind) kinds.Add(kind);
            }
            last = update;
        }
        Assert.Equal("RAU", string.Concat(kinds));
        Assert.Equal(Thought, reasoning);
        Assert.Equal(Answer, answer);
        Assert.Equal(ChatFinishReason.Stop, last!.FinishReason);
    }

    [Fact]
    public async Task Effort_none_skips_thinking_and_output_none_leaves_the_trace_out()
    {
        // The scripted model never closes its trace: only the budget can end it.
        var options = new ChatOptions { Reasoning = new AIReasoningOptions { Effort = ReasoningEffort.None, Output = ReasoningOutput.None } };
        var response = await Client(closesTrace: false).GetResponseAsync("What is 2+2?", options, TestContext.Current.CancellationToken);

        Assert.Equal(Answer, Assert.IsType<TextContent>(Assert.Single(response.Messages[0].Contents)).Text);
        Assert.Equal(0, response.Usage!.ReasoningTokenCount);
    }

    [Theory]
    [InlineData(ReasoningEffort.None, 0)]
    [InlineData(ReasoningEffort.Low, 512)]
    [InlineData(ReasoningEffort.Medium, 2048)]
    [InlineData(ReasoningEffort.High, 8192)]
    [InlineData(ReasoningEffort.ExtraHigh, null)]
    public void Effort_maps_to_the_thinking_budget_and_other_options_map_like_the_text_client(ReasoningEffort effort, int? budget)
    {
        var defaults = new ReasoningOptions { MaxThinkingTokens = 100 };
        var options = new ChatOptions { Reasoning = new AIReasoningOptions { Effort = effort }, Temperature = 0.2f, MaxOutputTokens = 300, StopSequences = ["END"] };
        var mapped = ReasoningChatClient.ToReasoningOptions(options, defaults);
        Assert.Equal(budget, mapped.MaxThinkingTokens);
        Assert.Equal(0.2f, mapped.Sampling.Temperature);
        Assert.Equal(defaults.Sampling.TopP, mapped.Sampling.TopP);
        Assert.Equal(300, mapped.MaxNewTokens);
        Assert.Equal(["END"], mapped.StopStrings);
        // Without a reasoning option the defaults' budget stays.
        Assert.Equal(100, ReasoningChatClient.ToReasoningOptions(new ChatOptions { Temperature = 0.2f }, defaults).MaxThinkingTokens);
    }

    [Fact]
    public async Task Earlier_assistant_turns_are_sent_without_their_reasoning()
    {
        var model = new ScriptedReasoningModel(_tokenizer, Thought, Answer, closesTrace: true);
        var client = new ReasoningChatClient(new ReasoningPipeline(model, _tokenizer));
        var first = await client.GetResponseAsync("What is 2+2?", cancellationToken: TestContext.Current.CancellationToken);
        List<ChatMessage> history = [new(ChatRole.User, "What is 2+2?"), .. first.Messages, new(ChatRole.User, "And 3+3?")];

        int calls = model.Fed.Count;
        await client.GetResponseAsync(history, cancellationToken: TestContext.Current.CancellationToken);

        string prompt = _tokenizer.Decode(model.Fed[calls]); // the second request's prompt
        Assert.Contains("And 3+3?", prompt);
        Assert.Contains(Answer, prompt);
        Assert.DoesNotContain(Thought, prompt);
    }

    [Fact]
    public void Tools_are_refused()
    {
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create(() => 4, "four")] };
        Assert.Throws<NotSupportedException>(() => ReasoningChatClient.ToReasoningOptions(options, new ReasoningOptions()));
    }
}
