using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Imaging;
using DeepSeek.Sdk.Tensors;
using DeepSeek.Sdk.Vision.Pipelines;
using DeepSeek.Sdk.Vision.Preprocessing;

namespace DeepSeek.Sdk.Vision.Tests.Pipelines;

public sealed class ImageUnderstandingPipelineTests : IDisposable
{
    private readonly JanusPipelineFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static ImageBuffer FixtureImage() =>
        ImageCodecs.DecodeFile(Path.Combine(AppContext.BaseDirectory, "Fixtures", "oracle", "janus_f32", "image.png"));

    /// <summary>Greedy continuation computed from the model's parts: the processed image aligned into the prompt's
    /// placeholders, one embedding prefill, then plain token steps through the same cache.</summary>
    private int[] ReferenceGreedy(int[] promptIds, IReadOnlyList<ImageBuffer> images, int count)
    {
        var model = _fixture.Model;
        var lm = model.LanguageModel;
        var pixels = JanusImageProcessor.FromDirectory(_fixture.Directory).Preprocess(images);
        var aligned = model.Backend.Allocate(DType.F32, new Shape(images.Count * model.ImageTokensPerImage, model.HiddenSize));
        model.EmbedImages(pixels, aligned);
        var embeddings = model.Backend.Allocate(DType.F32, new Shape(promptIds.Length, model.HiddenSize));
        model.EmbedPrompt(promptIds, aligned, embeddings);
        var normed = model.Backend.Allocate(DType.F32, new Shape(1, model.HiddenSize));
        using var cache = lm.CreateCache(promptIds.Length + count);
        lm.ForwardEmbeddings(embeddings, cache, normed, TestContext.Current.CancellationToken);
        var logits = new float[lm.VocabularySize];
        lm.ComputeLogits(normed, logits);
        var ids = new int[count];
        for (int i = 0; i < count; i++)
        {
            ids[i] = Sampler.ArgMax(logits);
            if (i + 1 < count) lm.Forward(ids.AsSpan(i, 1), cache, logits, TestContext.Current.CancellationToken);
        }
        return ids;
    }

    [Fact]
    public async Task Greedy_answer_is_the_models_continuation_of_the_prompt_with_the_image_in_place()
    {
        var pipeline = ImageUnderstandingPipeline.FromDirectory(_fixture.Host, _fixture.Directory);
        var image = FixtureImage();
        const string question = "What is in the picture?";
        var options = new GenerationOptions { MaxNewTokens = 6, Sampling = SamplingOptions.Greedy, StopTokenIds = [] };
        var noEos = new ImageUnderstandingPipelineOptions { EosTokenIds = [], Defaults = options };
        pipeline = new ImageUnderstandingPipeline(_fixture.Host, pipeline.Format, pipeline.Processor, noEos);

        var result = await pipeline.DescribeAsync([image], question, options, TestContext.Current.CancellationToken);

        int[] prompt = pipeline.Format.EncodeUnderstanding(question, 1);
        Assert.Equal(prompt.Length, result.PromptTokens);
        Assert.Equal(ReferenceGreedy(prompt, [image], 6), result.TokenIds);
        Assert.Equal(FinishReason.MaxTokens, result.FinishReason);
    }

    [Fact]
    public async Task The_answer_streams_token_by_token_with_statistics_at_the_end()
    {
        var options = new GenerationOptions { MaxNewTokens = 8, Sampling = SamplingOptions.Greedy };
        var pipeline = new ImageUnderstandingPipeline(_fixture.Host, ImageUnderstandingPipeline.FromDirectory(_fixture.Host, _fixture.Directory).Format,
            JanusImageProcessor.FromDirectory(_fixture.Directory), new ImageUnderstandingPipelineOptions { EosTokenIds = [] });
        var updates = new List<Text.Pipelines.TextGenerationUpdate>();
        await foreach (var update in pipeline.DescribeStreamingAsync([FixtureImage()], "Describe it.", options, TestContext.Current.CancellationToken))
            updates.Add(update);
        Assert.Equal(8, updates.Count(u => u.TokenId >= 0));
        Assert.All(updates[..^1], u => Assert.False(u.IsFinal));
        Assert.True(updates[^1].IsFinal);
        Assert.Equal(8, updates[^1].Statistics!.CompletionTokens);
    }

    [Fact]
    public async Task Two_images_fill_their_placeholders_in_order()
    {
        var grey = new byte[30 * 20 * 3];
        Array.Fill(grey, (byte)127);
        ImageBuffer[] images = [FixtureImage(), ImageCodecs.FromRgb24(grey, 30, 20)];
        var options = new GenerationOptions { MaxNewTokens = 4, Sampling = SamplingOptions.Greedy };
        var pipeline = new ImageUnderstandingPipeline(_fixture.Host, ImageUnderstandingPipeline.FromDirectory(_fixture.Host, _fixture.Directory).Format,
            JanusImageProcessor.FromDirectory(_fixture.Directory), new ImageUnderstandingPipelineOptions { EosTokenIds = [] });
        var result = await pipeline.DescribeAsync(images, "Compare.", options, TestContext.Current.CancellationToken);
        int[] prompt = pipeline.Format.EncodeUnderstanding("Compare.", 2);
        Assert.Equal(prompt.Length, result.PromptTokens);
        Assert.Equal(ReferenceGreedy(prompt, images, 4), result.TokenIds);
    }

    [Fact]
    public async Task The_models_eos_ends_the_answer()
    {
        var pipeline = ImageUnderstandingPipeline.FromDirectory(_fixture.Host, _fixture.Directory);
        Assert.Contains(JanusTinyTokenizer.Eos, pipeline.EosTokenIds);
        // Make every id an EOS: the first sampled token must end the answer with no text.
        var everything = Enumerable.Range(0, 300).ToArray();
        var result = await pipeline.DescribeAsync([FixtureImage()], "Hi", new GenerationOptions { MaxNewTokens = 5, Sampling = SamplingOptions.Greedy, StopTokenIds = everything },
            TestContext.Current.CancellationToken);
        Assert.Equal(FinishReason.StopToken, result.FinishReason);
        Assert.Equal("", result.Text);
    }
}
