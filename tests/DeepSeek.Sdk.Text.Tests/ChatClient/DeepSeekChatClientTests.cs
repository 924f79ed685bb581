using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Text.ChatClient;
using DeepSeek.Sdk.Text.Pipelines;
using DeepSeek.Sdk.Text.Tests.Pipelines;
using DeepSeek.Sdk.Tokenization;
using Microsoft.Extensions.AI;

namespace DeepSeek.Sdk.Text.Tests.ChatClient;

public sealed class DeepSeekChatClientTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static readonly ChatMessage[] Conversation =
    [
        new(ChatRole.System, "Be brief."),
        new(ChatRole.User, "Hello world"),
    ];

    [Fact]
    public async Task A_response_is_the_pipeline_generation_of_the_templated_conversation_with_usage_and_finish_reason()
    {
        using var f = new FixtureModel();
        var client = new DeepSeekChatClient(f.Pipeline, "tiny-v3");
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 6 };

        var response = await client.GetResponseAsync(Conversation, options, Token);
        var expected = await f.Pipeline.GenerateAsync([ChatTurn.System("Be brief."), ChatTurn.User("Hello world")],
            new GenerationOptions { MaxNewTokens = 6, Sampling = SamplingOptions.Greedy }, Token);

        Assert.Equal(expected.Text, response.Text);
        Assert.Equal(ChatRole.Assistant, Assert.Single(response.Messages).Role);
        Assert.Equal(ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(expected.PromptTokens, response.Usage!.InputTokenCount);
        Assert.Equal(6, response.Usage.OutputTokenCount);
        Assert.Equal(expected.PromptTokens + 6, response.Usage.TotalTokenCount);
        Assert.Equal("tiny-v3", response.ModelId);
        Assert.NotNull(response.ResponseId);
        Assert.True((double)response.AdditionalProperties!["time_to_first_token_ms"]! > 0);
    }

    [Fact]
    public async Task A_stop_at_the_models_eos_is_reported_as_stop()
    {
        // Make every token the greedy chat continuation could start with an EOS id, so the first sampled token ends it.
        using var f = new FixtureModel(prepare: dir => File.WriteAllText(Path.Combine(dir, "generation_config.json"),
            $$"""{"eos_token_id": [{{string.Join(", ", Enumerable.Range(0, 320))}}]}"""));
        var client = new DeepSeekChatClient(f.Pipeline);
        var response = await client.GetResponseAsync(Conversation, new ChatOptions { Temperature = 0, MaxOutputTokens = 6 }, Token);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(1, response.Usage!.OutputTokenCount);
        Assert.Equal("", response.Text);
    }

    [Fact]
    public async Task Streaming_updates_concatenate_to_the_response_and_end_with_usage_and_finish_reason()
    {
        using var f = new FixtureModel();
        var client = new DeepSeekChatClient(f.Pipeline, "tiny-v3");
        var options = new ChatOptions { Temperature = 0, MaxOutputTokens = 8 };
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync(Conversation, options, Token)) updates.Add(u);
        var response = await client.GetResponseAsync(Conversation, options, Token);

        Assert.Equal(response.Text, string.Concat(updates.Select(u => u.Text)));
        var last = updates[^1];
        Assert.Equal(ChatFinishReason.Length, last.FinishReason);
        var usage = Assert.IsType<UsageContent>(Assert.Single(last.Contents));
        Assert.Equal(8, usage.Details.OutputTokenCount);
        Assert.All(updates, u => Assert.Equal(updates[0].ResponseId, u.ResponseId));

        // M.E.AI's own aggregation gives the same text, usage and finish reason.
        var combined = updates.ToChatResponse();
        Assert.Equal(response.Text, combined.Text);
        Assert.Equal(8, combined.Usage!.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Length, combined.FinishReason);
    }

    [Fact]
    public async Task A_conversation_continued_with_the_previous_response_renders_the_assistant_turn()
    {
        using var f = new FixtureModel();
        var client = new DeepSeekChatClient(f.Pipeline);
        var history = new List<ChatMessage>(Conversation);
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in client.GetStreamingResponseAsync(history, new ChatOptions { Temperature = 0, MaxOutputTokens = 4 }, Token)) updates.Add(u);
        history.AddMessages(updates); // brings the UsageContent along, which must be ignored, not refused
        history.Add(new ChatMessage(ChatRole.User, "Again"));

        var turns = ChatOptionsMapping.ToTurns(history, null);
        Assert.Equal(["system", "user", "assistant", "user"], turns.Select(t => t.Role));
        var second = await client.GetResponseAsync(history, new ChatOptions { Temperature = 0, MaxOutputTokens = 4 }, Token);
        Assert.Equal(f.Pipeline.EncodeChat(turns, TestContext.Current.CancellationToken).Length, second.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_sampled_response()
    {
        using var f = new FixtureModel();
        var client = new DeepSeekChatClient(f.Pipeline);
        ChatOptions Seeded(long seed) => new() { Temperature = 1, TopK = 100, TopP = 0.99f, MaxOutputTokens = 12, Seed = seed };
        var a = await client.GetResponseAsync(Conversation, Seeded(123456789012), Token);
        var b = await client.GetResponseAsync(Conversation, Seeded(123456789012), Token);
        Assert.Equal(a.Text, b.Text);
    }

    [Fact]
    public void Chat_options_override_each_default_they_set_and_leave_the_rest()
    {
        var defaults = new GenerationOptions
        {
            MaxNewTokens = 100,
            StopStrings = ["</s>"],
            Sampling = new SamplingOptions { Temperature = 0.6f, TopP = 0.95f, TopK = 50, RepetitionPenalty = 1.1f },
        };
        var mapped = ChatOptionsMapping.ToGenerationOptions(new ChatOptions
        {
            Temperature = 0.2f, TopP = 0.5f, TopK = 7, MaxOutputTokens = 9, StopSequences = ["\n\n"],
            Seed = 42, FrequencyPenalty = 0.3f, PresencePenalty = 0.4f,
        }, defaults);

        Assert.Equal(0.2f, mapped.Sampling.Temperature);
        Assert.Equal(0.5f, mapped.Sampling.TopP);
        Assert.Equal(7, mapped.Sampling.TopK);
        Assert.Equal(0.3f, mapped.Sampling.FrequencyPenalty);
        Assert.Equal(0.4f, mapped.Sampling.PresencePenalty);
        Assert.Equal(42, mapped.Sampling.Seed);
        Assert.Equal(1.1f, mapped.Sampling.RepetitionPenalty); // not a ChatOptions field: the default stays
        Assert.Equal(9, mapped.MaxNewTokens);
        Assert.Equal(["</s>", "\n\n"], mapped.StopStrings);

        Assert.Same(defaults, ChatOptionsMapping.ToGenerationOptions(null, defaults));
        var onlyTemperature = ChatOptionsMapping.ToGenerationOptions(new ChatOptions { Temperature = 0 }, defaults);
        Assert.Equal(defaults with { Sampling = defaults.Sampling with { Temperature = 0 } }, onlyTemperature);
    }

    [Fact]
    public void A_64_bit_seed_is_folded_so_that_different_high_halves_still_differ()
    {
        var defaults = new GenerationOptions();
        int? Fold(long seed) => ChatOptionsMapping.ToGenerationOptions(new ChatOptions { Seed = seed }, defaults).Sampling.Seed;
        Assert.Equal(5, Fold(5));
        Assert.NotEqual(Fold(5), Fold(5 + (1L << 32)));
    }

    [Fact]
    public void Out_of_range_options_tools_and_non_text_content_are_refused()
    {
        var defaults = new GenerationOptions();
        Assert.Throws<ArgumentOutOfRangeException>(() => ChatOptionsMapping.ToGenerationOptions(new ChatOptions { TopP = 0 }, defaults));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChatOptionsMapping.ToGenerationOptions(new ChatOptions { MaxOutputTokens = 0 }, defaults));
        Assert.Throws<NotSupportedException>(() => ChatOptionsMapping.ToGenerationOptions(
            new ChatOptions { Tools = [AIFunctionFactory.Create(() => 1, "one")] }, defaults));
        var image = new ChatMessage(ChatRole.User, [new DataContent(new byte[] { 1, 2, 3 }, "image/png")]);
        var e = Assert.Throws<NotSupportedException>(() => ChatOptionsMapping.ToTurns([image], null));
        Assert.Contains("DataContent", e.Message);
    }

    [Fact]
    public void Instructions_become_a_leading_system_turn()
    {
        var turns = ChatOptionsMapping.ToTurns([new ChatMessage(ChatRole.User, "Hi")], new ChatOptions { Instructions = "Answer in French." });
        Assert.Equal([ChatTurn.System("Answer in French."), ChatTurn.User("Hi")], turns);
    }

    [Fact]
    public void GetService_returns_the_client_its_metadata_pipeline_and_tokenizer_and_nothing_for_keys()
    {
        using var f = new FixtureModel();
        IChatClient client = new DeepSeekChatClient(f.Pipeline, "tiny-v3");
        Assert.Same(client, client.GetService<DeepSeekChatClient>());
        Assert.Same(client, client.GetService<IChatClient>());
        Assert.Equal("tiny-v3", client.GetService<ChatClientMetadata>()!.DefaultModelId);
        Assert.Equal(DeepSeekChatClient.ProviderName, client.GetService<ChatClientMetadata>()!.ProviderName);
        Assert.Same(f.Pipeline, client.GetService<TextGenerationPipeline>());
        Assert.Same(f.Pipeline.Tokenizer, client.GetService<Tokenizer>());
        Assert.Null(client.GetService<TextGenerationPipeline>("some key"));
        Assert.Null(client.GetService<string>());
    }
}
