using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Text.Pipelines;
using DeepSeek.Sdk.Tokenization;

namespace DeepSeek.Sdk.Text.Tests.Pipelines;

public sealed class TextGenerationPipelineTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("deepseek_v3_bf16")]
    [InlineData("deepseek_v2_f32")]
    public async Task Greedy_generation_reproduces_the_reference_continuation_and_its_decoded_text(string fixture)
    {
        using var f = new FixtureModel(fixture);
        var result = await Collect(f.Pipeline.GenerateStreamingAsync(f.Oracle.PromptIds, f.Greedy, Token));

        Assert.Equal(f.Oracle.GreedyNewIds, result.TokenIds);
        Assert.Equal(f.Pipeline.Tokenizer.Decode(f.Oracle.GreedyNewIds, skipSpecialTokens: true), result.Text);
        Assert.Equal(FinishReason.MaxTokens, result.FinishReason);
    }

    [Fact]
    public async Task The_result_counts_prompt_and_completion_tokens_and_times_the_first_token_and_decoding()
    {
        using var f = new FixtureModel();
        var result = await Collect(f.Pipeline.GenerateStreamingAsync(f.Oracle.PromptIds, f.Greedy, Token));

        var s = result.Statistics;
        Assert.Equal(f.Oracle.PromptIds.Length, s.PromptTokens);
        Assert.Equal(f.Oracle.GreedyNewIds.Length, s.CompletionTokens);
        Assert.Equal(s.PromptTokens + s.CompletionTokens, s.TotalTokens);
        Assert.True(s.TimeToFirstToken > TimeSpan.Zero);
        Assert.True(s.Duration >= s.TimeToFirstToken);
        Assert.True(s.DecodeTokensPerSecond > 0);
        // 11 decode steps between the first and last token: the rate must be consistent with the two times.
        double expected = (s.CompletionTokens - 1) / (s.Duration - s.TimeToFirstToken).TotalSeconds;
        Assert.Equal(expected, s.DecodeTokensPerSecond, expected * 0.05); // both come from the same timestamps; 5% covers rounding of TimeSpan ticks
    }

    [Fact]
    public async Task A_plain_prompt_is_encoded_with_bos_and_a_chat_prompt_through_the_template_without_extra_bos()
    {
        using var f = new FixtureModel();
        int[] plain = f.Pipeline.EncodePrompt("Hello world");
        Assert.Equal(TinyTokenizer.BosId, plain[0]);
        Assert.Equal(f.Pipeline.Tokenizer.Encode("Hello world"), plain[1..]);

        var chat = new[] { ChatTurn.System("Be brief."), ChatTurn.User("Hello") };
        string rendered = f.Pipeline.FormatChat(chat, TestContext.Current.CancellationToken);
        Assert.Equal($"{TinyTokenizer.Bos}Be brief.<｜User｜>Hello<｜Assistant｜>", rendered);
        int[] ids = f.Pipeline.EncodeChat(chat, TestContext.Current.CancellationToken);
        Assert.Equal(TinyTokenizer.BosId, ids[0]);
        Assert.NotEqual(TinyTokenizer.BosId, ids[1]);

        var result = await f.Pipeline.GenerateAsync(chat, f.Greedy, Token);
        Assert.Equal(ids.Length, result.PromptTokens);
    }

    [Fact]
    public async Task Chat_without_a_template_fails_naming_the_missing_chat_template()
    {
        using var f = new FixtureModel(withChatTemplate: false);
        var e = await Assert.ThrowsAsync<TokenizerFormatException>(() => f.Pipeline.GenerateAsync([ChatTurn.User("hi")], f.Greedy, Token));
        Assert.Contains("chat_template", e.Message);
    }

    [Fact]
    public async Task The_eos_id_from_generation_config_ends_the_generation_and_is_not_in_the_text()
    {
        // The fourth greedy token becomes an end-of-sequence id through generation_config.json only.
        var oracle = OracleCase.Load("deepseek_v3_bf16");
        int stop = oracle.GreedyNewIds[3];
        using var f = new FixtureModel(prepare: dir => File.WriteAllText(Path.Combine(dir, "generation_config.json"), $$"""{"eos_token_id": [1, {{stop}}]}"""));
        Assert.Contains(stop, f.Pipeline.EosTokenIds);

        var result = await Collect(f.Pipeline.GenerateStreamingAsync(f.Oracle.PromptIds, f.Greedy, Token));
        Assert.Equal(FinishReason.StopToken, result.FinishReason);
        Assert.Equal(f.Oracle.GreedyNewIds[..4], result.TokenIds);
        Assert.Equal(f.Pipeline.Tokenizer.Decode(f.Oracle.GreedyNewIds[..3], skipSpecialTokens: true), result.Text);
    }

    [Fact]
    public async Task Generation_config_sampling_becomes_the_default_and_explicit_defaults_replace_it()
    {
        using var f = new FixtureModel(prepare: dir => File.WriteAllText(Path.Combine(dir, "generation_config.json"),
            """{"eos_token_id": 1, "do_sample": true, "temperature": 0.6, "top_p": 0.95, "max_new_tokens": 7}"""));
        var defaults = f.Pipeline.Options.Defaults;
        Assert.Equal(0.6f, defaults.Sampling.Temperature);
        Assert.Equal(0.95f, defaults.Sampling.TopP);
        Assert.Equal(50, defaults.Sampling.TopK); // transformers' default top_k applies when do_sample is set
        Assert.Equal(7, defaults.MaxNewTokens);

        var result = await f.Pipeline.GenerateAsync("Hello", cancellationToken: Token);
        Assert.True(result.CompletionTokens <= 7);

        var explicitDefaults = new GenerationOptions { MaxNewTokens = 3, Sampling = SamplingOptions.Greedy };
        using var pipeline = TextGenerationPipeline.FromDirectory(f.Host, f.Directory, explicitDefaults);
        Assert.Same(explicitDefaults, pipeline.Options.Defaults);
    }

    [Fact]
    public async Task A_stop_string_from_the_defaults_cuts_the_text_before_it()
    {
        using var f = new FixtureModel();
        var free = await Collect(f.Pipeline.GenerateStreamingAsync(f.Oracle.PromptIds, f.Greedy, Token));
        // Stop at the first ASCII letter or digit after the first character of whatever the random model wrote.
        int at = free.Text.AsSpan(1).IndexOfAny(System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")) + 1;
        Assert.True(at > 0, $"The reference continuation '{free.Text}' has no ASCII letter or digit to stop at.");
        string stop = free.Text.Substring(at, 1);
        int expectedCut = free.Text.IndexOf(stop, StringComparison.Ordinal);

        var result = await Collect(f.Pipeline.GenerateStreamingAsync(f.Oracle.PromptIds, f.Greedy with { StopStrings = [stop] }, Token));
        Assert.Equal(FinishReason.StopString, result.FinishReason);
        Assert.Equal(free.Text[..expectedCut], result.Text);
    }

    [Fact]
    public async Task A_prompt_that_fills_the_context_window_is_refused_with_its_length()
    {
        using var f = new FixtureModel();
        var prompt = Enumerable.Repeat(42, f.Model.MaxContextLength).ToArray();
        var e = await Assert.ThrowsAsync<ContextLengthExceededException>(() => Collect(f.Pipeline.GenerateStreamingAsync(prompt, f.Greedy, Token)));
        Assert.Equal(f.Model.MaxContextLength, e.PromptTokens);
        Assert.Equal(f.Model.MaxContextLength, e.MaxContextLength);
        Assert.Equal(0, f.Host.QueueLength);

        // The model is free again: a normal request still runs.
        var result = await Collect(f.Pipeline.GenerateStreamingAsync(f.Oracle.PromptIds, f.Greedy, Token));
        Assert.Equal(f.Oracle.GreedyNewIds, result.TokenIds);
    }

    [Fact]
    public async Task Cancelling_mid_stream_stops_at_the_next_step_and_frees_the_model()
    {
        using var f = new FixtureModel();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Token);
        int received = 0;
        var options = f.Greedy with { MaxNewTokens = 400 };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in f.Pipeline.GenerateStreamingAsync(f.Oracle.PromptIds, options, cts.Token))
            {
                if (++received == 2) await cts.CancelAsync();
            }
        });
        Assert.Equal(2, received); // the step after the cancellation never ran

        var result = await Collect(f.Pipeline.GenerateStreamingAsync(f.Oracle.PromptIds, f.Greedy, Token));
        Assert.Equal(f.Oracle.GreedyNewIds, result.TokenIds);
    }

    [Fact]
    public async Task Cancelling_while_queued_behind_another_request_gives_up_the_place_in_the_queue()
    {
        using var f = new FixtureModel();
        using var held = await f.Host.AcquireAsync(Token);
        using var cts = new CancellationTokenSource();
        var queued = f.Pipeline.GenerateAsync("Hello", f.Greedy, cts.Token);
        await WaitUntil(() => f.Host.QueueLength == 1);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        Assert.Equal(0, f.Host.QueueLength);
    }

    [Fact]
    public async Task Concurrent_callers_share_one_pipeline_and_each_gets_the_reference_continuation()
    {
        using var f = new FixtureModel();
        // The model's workspaces are shared, so interleaved forwards would corrupt each other's logits; the host
        // serializes requests and every caller must see exactly what a lone caller sees.
        // Holding the model first makes all eight callers queue up, so they really do compete for it.
        Task<TextGenerationResult>[] tasks;
        using (await f.Host.AcquireAsync(Token))
        {
            tasks = Enumerable.Range(0, 8)
                .Select(_ => Task.Run(() => Collect(f.Pipeline.GenerateStreamingAsync(f.Oracle.PromptIds, f.Greedy, Token)), Token))
                .ToArray();
            await WaitUntil(() => f.Host.QueueLength == 8);
        }
        var results = await Task.WhenAll(tasks);
        foreach (var result in results) Assert.Equal(f.Oracle.GreedyNewIds, result.TokenIds);
    }

    [Fact]
    public async Task Sampling_with_a_seed_repeats_and_a_different_seed_differs()
    {
        using var f = new FixtureModel();
        GenerationOptions Seeded(int seed) => new() { MaxNewTokens = 16, Sampling = new SamplingOptions { Temperature = 1f, Seed = seed } };
        var a = await f.Pipeline.GenerateAsync("Hello", Seeded(7), Token);
        var b = await f.Pipeline.GenerateAsync("Hello", Seeded(7), Token);
        var c = await f.Pipeline.GenerateAsync("Hello", Seeded(8), Token);
        Assert.Equal(a.TokenIds, b.TokenIds);
        // A random 320-token model gives nearly flat distributions: two seeds agreeing on 16 tokens is ~impossible.
        Assert.NotEqual(a.TokenIds, c.TokenIds);
    }

    [Fact]
    public async Task Streamed_text_concatenates_to_the_collected_text_and_only_the_last_update_carries_statistics()
    {
        using var f = new FixtureModel();
        var updates = new List<TextGenerationUpdate>();
        await foreach (var u in f.Pipeline.GenerateStreamingAsync("Hello world", f.Greedy, Token)) updates.Add(u);
        var collected = await f.Pipeline.GenerateAsync("Hello world", f.Greedy, Token);

        Assert.Equal(collected.Text, string.Concat(updates.Select(u => u.Text)));
        Assert.All(updates[..^1], u => Assert.Null(u.Statistics));
        Assert.NotNull(updates[^1].Statistics);
        Assert.True(updates[^1].IsFinal);
    }

    internal static async Task<TextGenerationResult> Collect(IAsyncEnumerable<TextGenerationUpdate> updates)
    {
        var text = new System.Text.StringBuilder();
        var ids = new List<int>();
        await foreach (var update in updates)
        {
            text.Append(update.Text);
            ids.Add(update.TokenId);
            if (update.Statistics is { } s) return new TextGenerationResult(text.ToString(), update.FinishReason, ids, s);
        }
        throw new InvalidOperationException("No final update.");
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        for (int i = 0; i < 500 && !condition(); i++) await Task.Delay(10, Token);
        Assert.True(condition());
    }
}
