using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Tensors;
using DeepSeek.Sdk.Vision.Janus;

namespace DeepSeek.Sdk.Vision.Tests.Janus;

/// <summary>The Janus model against transformers' float64 reference (janus_f32), each pathway from its own inputs.</summary>
public sealed class JanusModelTests : IDisposable
{
    private readonly CpuBackend _backend = new(threadCount: 2);
    private readonly JanusFixture _fixture = JanusFixture.Load();
    private readonly JanusModel _model;

    public JanusModelTests() => _model = JanusModel.Load(_fixture.Directory, _backend);

    public void Dispose()
    {
        _model.Dispose();
        _backend.Dispose();
    }

    [Fact]
    public void Vision_tower_reproduces_the_siglip_features_of_the_reference_pixel_values()
    {
        var (pixels, shape) = _fixture.Expected["pixel_values"];
        var pixelValues = Tensor.FromSpan<float>(pixels, new Shape(shape), DType.F32);
        var features = _backend.Allocate(DType.F32, new Shape(_model.ImageTokensPerImage, _model.Config.Vision.HiddenSize));
        _model.EncodeImages(pixelValues, features);
        // image_embeds is get_image_features(...)[0]: the vision model's last_hidden_state (after post_layernorm),
        // [1, 16, 32]; the aligner's output is what understanding_logits checks.
        Comparison.Within(features.ToFloatArray(), _fixture.Tensor("image_embeds"), Comparison.F32Relative, "image_embeds");
    }

    [Fact]
    public void Understanding_logits_match_with_the_aligned_image_at_the_placeholder_positions()
    {
        var (pixels, shape) = _fixture.Expected["pixel_values"];
        var ids = _fixture.UnderstandingIds;
        var image = _backend.Allocate(DType.F32, new Shape(_model.ImageTokensPerImage, _model.HiddenSize));
        _model.EmbedImages(Tensor.FromSpan<float>(pixels, new Shape(shape), DType.F32), image);
        var embeddings = _backend.Allocate(DType.F32, new Shape(ids.Length, _model.HiddenSize));
        _model.EmbedPrompt(ids, image, embeddings);
        var lm = _model.LanguageModel;
        var normed = _backend.Allocate(DType.F32, new Shape(ids.Length, _model.HiddenSize));
        using var cache = lm.CreateCache(ids.Length);
        lm.ForwardEmbeddings(embeddings, cache, normed, TestContext.Current.CancellationToken);
        var logits = new float[ids.Length * lm.VocabularySize];
        lm.ComputeLogits(normed, logits);
        Comparison.Within(logits, _fixture.Tensor("understanding_logits"), Comparison.F32Relative, "understanding_logits");
    }

    [Fact]
    public void Generation_logits_of_the_conditional_and_unconditional_rows_and_their_guidance_match()
    {
        using var session = JanusImageGenerationSession.Start(_model, _fixture.GenerationConditionalIds, _fixture.GenerationUnconditionalIds, parallelSize: 1,
            cancellationToken: TestContext.Current.CancellationToken);
        Comparison.Within(session.ConditionalLogits(0), _fixture.Tensor("gen_logits_cond"), Comparison.F32Relative, "gen_logits_cond");
        Comparison.Within(session.UnconditionalLogits(0), _fixture.Tensor("gen_logits_uncond"), Comparison.F32Relative, "gen_logits_uncond");
        var guided = new float[_model.ImageVocabularySize];
        session.GuidedLogits(0, _fixture.CfgWeight, guided);
        Comparison.Within(guided, _fixture.Tensor("gen_logits_cfg"), Comparison.F32Relative, "gen_logits_cfg");
    }

    [Theory]
    [InlineData(new[] { 0, 11, 12, 13, 14 }, -1, new[] { 0, 2, 2, 2, 2 })]   // case.json: no <begin_of_image> in the prompt
    [InlineData(new[] { 0, 11, 0, 13, 7 }, 7, new[] { 0, 2, 0, 2, 7 })]      // BOS and <begin_of_image> survive wherever they are
    public void The_unconditional_prompt_pads_everything_but_bos_and_begin_of_image(int[] prompt, int beginOfImage, int[] expected)
    {
        Assert.Equal(expected, JanusImageGenerationSession.UnconditionalPrompt(prompt, bosTokenId: 0, beginOfImage, padTokenId: 2));
        Assert.Equal(_fixture.GenerationUnconditionalIds, JanusImageGenerationSession.UnconditionalPrompt(_fixture.GenerationConditionalIds, 0, -1, 2));
    }

    [Fact]
    public void Feeding_the_first_token_back_through_the_generation_embedding_gives_the_second_step_logits()
    {
        using var session = JanusImageGenerationSession.Start(_model, _fixture.GenerationConditionalIds, _fixture.GenerationUnconditionalIds, parallelSize: 1,
            cancellationToken: TestContext.Current.CancellationToken);
        var guided = new float[_model.ImageVocabularySize];
        session.GuidedLogits(0, _fixture.CfgWeight, guided);
        Assert.Equal(_fixture.Step1Token, Generation.Sampler.ArgMax(guided));
        session.Advance([_fixture.Step1Token], TestContext.Current.CancellationToken);
        Comparison.Within(session.ConditionalLogits(0), _fixture.Tensor("gen_logits_cond_step2"), Comparison.F32Relative, "gen_logits_cond_step2");
    }

    [Fact]
    public void Parallel_images_decode_as_one_batch_with_the_same_logits_per_image()
    {
        var ct = TestContext.Current.CancellationToken;
        int first = _fixture.Step1Token, second = (_fixture.Step1Token + 7) % _model.ImageVocabularySize;
        var references = new float[2][];
        for (int k = 0; k < 2; k++)
        {
            using var single = JanusImageGenerationSession.Start(_model, _fixture.GenerationConditionalIds, _fixture.GenerationUnconditionalIds, parallelSize: 1, cancellationToken: ct);
            single.Advance([k == 0 ? first : second], ct);
            references[k] = [.. single.ConditionalLogits(0), .. single.UnconditionalLogits(0)];
        }
        Assert.True(Comparison.RelativeToMax(references[0], references[1]) > 1e-5, "the two tokens must lead to different logits");
        using var batch = JanusImageGenerationSession.Start(_model, _fixture.GenerationConditionalIds, _fixture.GenerationUnconditionalIds, parallelSize: 3, cancellationToken: ct);
        batch.Advance([second, first, second], ct);
        // Batched rows run the same kernels on the same data; only the summation order of a few kernels may differ.
        for (int image = 0; image < 3; image++)
        {
            float[] actual = [.. batch.ConditionalLogits(image), .. batch.UnconditionalLogits(image)];
            Comparison.Within(actual, references[image == 1 ? 0 : 1], 1e-6, $"image {image} of 3");
        }
    }

    [Fact]
    public void An_image_token_step_allocates_nothing_after_warm_up()
    {
        var ct = TestContext.Current.CancellationToken;
        using var session = JanusImageGenerationSession.Start(_model, _fixture.GenerationConditionalIds, _fixture.GenerationUnconditionalIds, parallelSize: 2, cancellationToken: ct);
        var guided = new float[_model.ImageVocabularySize];
        int[] tokens = [3, 4];
        session.Advance(tokens, ct);
        session.Advance(tokens, ct);

        long before = GC.GetAllocatedBytesForCurrentThread();
        session.GuidedLogits(1, _fixture.CfgWeight, guided);
        session.Advance(tokens, ct);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Equal(3, session.TokensFed);
    }

    [Fact]
    public void Vq_decoder_reproduces_the_reference_pixels_of_the_token_grid()
    {
        var pixels = new float[_model.VqDecoder.ImageSize * _model.VqDecoder.ImageSize * 3];
        _model.DecodeImageTokens(_fixture.DecodeTokens, pixels);
        Assert.Equal([32, 32, 3], _fixture.Expected["decoded_pixels"].Shape);
        Comparison.Within(pixels, _fixture.Tensor("decoded_pixels"), Comparison.F32Relative, "decoded_pixels");
    }
}
