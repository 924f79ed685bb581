using System.Drawing;
using DeepSeek.Sdk.Imaging;
using DeepSeek.Sdk.Vision.ImageGenerator;
using DeepSeek.Sdk.Vision.Pipelines;
using DeepSeek.Sdk.Vision.Tests.Pipelines;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using RequestOptions = DeepSeek.Sdk.Vision.Pipelines.ImageGenerationOptions;

namespace DeepSeek.Sdk.Vision.Tests.ImageGenerator;

public sealed class DeepSeekImageGeneratorTests : IDisposable
{
    private readonly JanusPipelineFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task Count_and_additional_properties_reach_the_pipeline_and_images_come_back_as_png()
    {
        var pipeline = ImageGenerationPipeline.FromDirectory(_fixture.Host, _fixture.Directory);
        using var generator = new DeepSeekImageGenerator(pipeline, "janus");
        var options = new Microsoft.Extensions.AI.ImageGenerationOptions
        {
            Count = 2,
            AdditionalProperties = new AdditionalPropertiesDictionary { ["temperature"] = 0, ["cfg_weight"] = 5.0, ["seed"] = 3 },
        };
        var response = await generator.GenerateImagesAsync("a red cat", options, TestContext.Current.CancellationToken);

        var direct = await pipeline.GenerateAsync("a red cat", new RequestOptions { ParallelSize = 2, Temperature = 0, CfgWeight = 5 }, null,
            TestContext.Current.CancellationToken);
        Assert.Equal(2, response.Contents.Count);
        for (int i = 0; i < 2; i++)
        {
            var data = Assert.IsType<DataContent>(response.Contents[i]);
            Assert.Equal("image/png", data.MediaType);
            var image = ImageCodecs.Decode(data.Data.Span, cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal(direct.Images[i].Pixels.ToArray(), image.Pixels.ToArray());
        }
        Assert.Same(pipeline, generator.GetService(typeof(ImageGenerationPipeline)));
    }

    [Fact]
    public void What_the_model_cannot_do_is_refused()
    {
        var defaults = new RequestOptions();
        Assert.Throws<NotSupportedException>(() => DeepSeekImageGenerator.ToOptions(new() { ImageSize = new Size(1024, 1024) }, defaults));
        Assert.Throws<NotSupportedException>(() => DeepSeekImageGenerator.ToOptions(new() { MediaType = "image/jpeg" }, defaults));
        Assert.Throws<NotSupportedException>(() => DeepSeekImageGenerator.ToOptions(new() { ResponseFormat = ImageGenerationResponseFormat.Uri }, defaults));
        Assert.Throws<ArgumentOutOfRangeException>(() => DeepSeekImageGenerator.ToOptions(new() { Count = 0 }, defaults));
        Assert.Same(defaults, DeepSeekImageGenerator.ToOptions(null, defaults));
    }

    [Fact]
    public async Task Editing_an_image_is_refused()
    {
        using var generator = new DeepSeekImageGenerator(ImageGenerationPipeline.FromDirectory(_fixture.Host, _fixture.Directory));
        var request = new ImageGenerationRequest("make it blue", [new DataContent(new byte[] { 1, 2, 3 }, "image/png")]);
        await Assert.ThrowsAsync<NotSupportedException>(() => generator.GenerateAsync(request, null, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void AddVision_registers_the_image_generator_over_the_generation_pipeline()
    {
        var services = new ServiceCollection();
        services.AddDeepSeek(o => o with { ModelPath = _fixture.Directory, CpuThreads = 1 }).AddVision();
        using var provider = services.BuildServiceProvider();
        var generator = provider.GetRequiredService<IImageGenerator>();
        Assert.Same(provider.GetRequiredService<ImageGenerationPipeline>(), generator.GetService(typeof(ImageGenerationPipeline)));
    }
}
