using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Vision.Janus;
using DeepSeek.Sdk.Vision.Pipelines;

namespace DeepSeek.Sdk.Vision.Tests.Pipelines;

public sealed class ImageGenerationPipelineTests : IDisposable
{
    private readonly JanusPipelineFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private sealed class Recorder : IProgress<ImageGenerationProgress>
    {
        public List<ImageGenerationProgress> Reports { get; } = [];

        public void Report(ImageGenerationProgress value)
        {
            lock (Reports) Reports.Add(value);
        }
    }

    [Fact]
    public async Task Greedy_generation_follows_the_guided_argmax_of_each_step_and_decodes_the_grid()
    {
        var pipeline = ImageGenerationPipeline.FromDirectory(_fixture.Host, _fixture.Directory);
        var progress = new Recorder();
        var result = await pipeline.GenerateAsync("a red cat", new ImageGenerationOptions { Temperature = 0, CfgWeight = 5, ParallelSize = 2 }, progress,
            TestContext.Current.CancellationToken);

        // The same loop by hand: guided logits, argmax, fed back.
        var model = _fixture.Model;
        int[] prompt = pipeline.Format.EncodeGeneration("a red cat");
        using var session = JanusImageGenerationSession.Start(model, prompt, pipeline.Format.Unconditional(prompt), 1, cancellationToken: TestContext.Current.CancellationToken);
        var guided = new float[model.ImageVocabularySize];
        var expected = new int[model.GeneratedTokensPerImage];
        for (int t = 0; t < expected.Length; t++)
        {
            session.GuidedLogits(0, 5, guided);
            expected[t] = Sampler.ArgMax(guided);
            if (t + 1 < expected.Length) session.Advance([expected[t]], TestContext.Current.CancellationToken);
        }
        Assert.Equal(2, result.Images.Count);
        Assert.Equal(expected, result.ImageTokens[0]);
        Assert.Equal(expected, result.ImageTokens[1]);

        var pixels = new float[32 * 32 * 3];
        model.DecodeImageTokens(expected, pixels);
        Assert.Equal(JanusImageOutput.ToImage(pixels, 32, 32).Pixels.ToArray(), result.Images[0].Pixels.ToArray());
        Assert.Equal((32, 32), (result.Images[0].Width, result.Images[0].Height));

        var tokenSteps = progress.Reports.Where(r => r.Stage == ImageGenerationStage.GeneratingTokens).Select(r => r.Completed).ToArray();
        Assert.Equal(Enumerable.Range(1, 16), tokenSteps);
        Assert.Equal([1, 2], progress.Reports.Where(r => r.Stage == ImageGenerationStage.DecodingImages).Select(r => r.Completed));
    }

    [Fact]
    public async Task A_seed_reproduces_sampled_images_and_each_parallel_image_draws_its_own_tokens()
    {
        var pipeline = ImageGenerationPipeline.FromDirectory(_fixture.Host, _fixture.Directory);
        var options = new ImageGenerationOptions { Temperature = 1, ParallelSize = 2, Seed = 42 };
        var first = await pipeline.GenerateAsync("a blue dog", options, null, TestContext.Current.CancellationToken);
        var again = await pipeline.GenerateAsync("a blue dog", options, null, TestContext.Current.CancellationToken);
        Assert.Equal(first.ImageTokens[0], again.ImageTokens[0]);
        Assert.Equal(first.ImageTokens[1], again.ImageTokens[1]);
        // 16 tokens from a 64-entry codebook at temperature 1: two streams agreeing everywhere would be a seeding bug.
        Assert.NotEqual(first.ImageTokens[0], first.ImageTokens[1]);
    }

    [Fact]
    public async Task Guidance_weight_one_is_the_conditional_row_alone()
    {
        var pipeline = ImageGenerationPipeline.FromDirectory(_fixture.Host, _fixture.Directory);
        var result = await pipeline.GenerateAsync("x", new ImageGenerationOptions { Temperature = 0, CfgWeight = 1 }, null, TestContext.Current.CancellationToken);
        int[] prompt = pipeline.Format.EncodeGeneration("x");
        using var session = JanusImageGenerationSession.Start(_fixture.Model, prompt, pipeline.Format.Unconditional(prompt), 1, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(Sampler.ArgMax(session.ConditionalLogits(0)), result.ImageTokens[0][0]);
    }

    [Fact]
    public async Task Invalid_options_are_refused_before_the_model_is_touched()
    {
        var pipeline = ImageGenerationPipeline.FromDirectory(_fixture.Host, _fixture.Directory);
        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            pipeline.GenerateAsync("x", new ImageGenerationOptions { ParallelSize = 0 }, null, TestContext.Current.CancellationToken));
        Assert.Equal("ParallelSize", e.ParamName);
    }

    [Fact]
    public async Task Cancelling_stops_the_token_loop()
    {
        var pipeline = ImageGenerationPipeline.FromDirectory(_fixture.Host, _fixture.Directory);
        using var cancellation = new CancellationTokenSource();
        var progress = new CancelAfter(cancellation, 3);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            pipeline.GenerateAsync("x", new ImageGenerationOptions { Temperature = 0 }, progress, cancellation.Token));
        Assert.True(progress.Steps < 16, $"{progress.Steps} steps ran after cancellation was requested at step 3.");
    }

    private sealed class CancelAfter(CancellationTokenSource source, int steps) : IProgress<ImageGenerationProgress>
    {
        public int Steps { get; private set; }

        public void Report(ImageGenerationProgress value)
        {
            Steps = value.Completed;
            if (value.Completed == steps) source.Cancel();
        }
    }
}
