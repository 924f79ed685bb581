using DeepSeek.Cli.Benchmarking;
using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Text;
using DeepSeek.Sdk.Vision.Janus;

namespace DeepSeek.Sdk.Cli.Tests;

/// <summary>The random checkpoints of <c>deepseek bench --device cuda</c> load through the normal loaders: checked
/// here on the CPU with small configs of the same architectures, since the GPU suite itself runs only on the GPU
/// machine.</summary>
public sealed class RandomCheckpointTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "oracle", name, "config.json");

    [Theory]
    [InlineData("qwen2_f32")]
    [InlineData("deepseek_v2_f32")]
    public void A_random_text_checkpoint_loads_and_runs(string fixture)
    {
        using var dir = new TempDirectory();
        var (directory, weightBytes, _) = RandomCheckpoint.Write(dir.Path, File.ReadAllText(Fixture(fixture)));
        using (var file = SafetensorsFile.Open(Path.Combine(directory, "model.safetensors")))
        {
            Assert.Equal(weightBytes, file.Tensors.Sum(t => t.ByteLength));
            Assert.All(file.Tensors, t => Assert.Equal(Tensors.DType.BF16, t.DType));
        }
        using var backend = new CpuBackend(1);
        using var model = TextModels.Load(directory, backend);
        using var cache = model.CreateCache(4);
        var logits = new float[model.VocabularySize];
        model.Forward([1, 2, 3], cache, logits, TestContext.Current.CancellationToken);
        Assert.All(logits, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void A_random_checkpoint_is_never_written_over_files_the_bench_did_not_make()
    {
        using var model = new TempDirectory();
        File.WriteAllText(model.File("config.json"), "{\"the\": \"user's own\"}");
        byte[] weights = [7, 7, 7];
        File.WriteAllBytes(model.File("model.safetensors"), weights);

        var e = Assert.Throws<IOException>(() => RandomCheckpoint.Write(model.Path, File.ReadAllText(Fixture("qwen2_f32"))));

        Assert.Contains("did not write", e.Message);
        Assert.Equal("{\"the\": \"user's own\"}", File.ReadAllText(model.File("config.json")));
        Assert.Equal(weights, File.ReadAllBytes(model.File("model.safetensors")));
    }

    [Fact]
    public void A_folder_the_bench_made_is_written_again_by_the_next_run()
    {
        using var work = new TempDirectory();
        string directory = Path.Combine(work.Path, "qwen2");
        RandomCheckpoint.Write(directory, File.ReadAllText(Fixture("qwen2_f32")));
        Assert.True(File.Exists(Path.Combine(directory, BenchWorkFolder.MarkerName)));

        var (_, weightBytes, _) = RandomCheckpoint.Write(directory, File.ReadAllText(Fixture("qwen2_f32")));

        Assert.True(weightBytes > 0);
        Assert.Null(BenchWorkFolder.Refusal(directory));
    }

    [Fact]
    public void A_random_janus_checkpoint_loads_and_decodes_an_image()
    {
        using var dir = new TempDirectory();
        var (directory, _, _) = RandomCheckpoint.Write(dir.Path, File.ReadAllText(Fixture("janus_f32")));
        using var backend = new CpuBackend(1);
        using var model = JanusModel.Load(directory, backend);
        var pixels = new float[model.VqDecoder.ImageSize * model.VqDecoder.ImageSize * model.Config.Vq.OutChannels];
        model.DecodeImageTokens(new int[model.ImageTokensPerImage], pixels);
        Assert.All(pixels, v => Assert.True(float.IsFinite(v)));
    }
}
