using System.Text.Json.Nodes;
using DeepSeek.Sdk.Imaging;

namespace DeepSeek.Sdk.Cli.Tests;

public sealed class JanusVerifyTests
{
    [Fact]
    public async Task Verify_passes_every_janus_check()
    {
        var (rc, output) = await CliRunner.Run("verify", CliRunner.Oracle("janus_f32"));
        Assert.Equal(0, rc);
        Assert.Contains("janus_f32 (janus): 9/9 checks passed (100%)", output);
        foreach (string check in new[] { "pixel_values", "image_embeds", "understanding_logits", "gen_logits_cond", "gen_logits_uncond", "gen_logits_cfg", "gen_logits_cond_step2", "decoded_pixels", "decoded.png" })
            Assert.Contains(check, output);
    }

    [Fact]
    public async Task Verify_fails_the_decoder_checks_when_the_token_grid_is_changed()
    {
        string dir = CliRunner.CopyOfFixture("janus_f32");
        string path = Path.Combine(dir, "case.json");
        var doc = JsonNode.Parse(File.ReadAllText(path))!;
        var tokens = doc["decode_tokens"]!.AsArray();
        tokens[0] = (tokens[0]!.GetValue<int>() + 1) % 64;
        File.WriteAllText(path, doc.ToJsonString());

        var (rc, output) = await CliRunner.Run("verify", dir);
        Assert.Equal(1, rc);
        Assert.Contains("7/9 checks passed", output);
    }
}

public sealed class JanusCommandTests : IDisposable
{
    private readonly TempDirectory _model = new();
    private readonly TempDirectory _output = new();

    public JanusCommandTests() => JanusTinyTokenizer.CopyFixtureWithTokenizer(_model.Path);

    public void Dispose()
    {
        _model.Dispose();
        _output.Dispose();
    }

    [Fact]
    public async Task Describe_streams_an_answer_about_the_image()
    {
        string image = Path.Combine(CliRunner.Oracle("janus_f32"), "image.png");
        var (rc, output) = await CliRunner.Run("describe", "--model", _model.Path, "--image", image, "--max-tokens", "5", "--device", "cpu", "--threads", "2", "What is this?");
        Assert.Equal(0, rc);
        Assert.Contains("(1 image(s)), 5 answer tokens", output);
    }

    [Fact]
    public async Task Describe_reports_an_unreadable_image_as_an_error()
    {
        string bogus = _output.File("not-an-image.png");
        await File.WriteAllTextAsync(bogus, "hello", TestContext.Current.CancellationToken);
        var (rc, output) = await CliRunner.Run("describe", "--model", _model.Path, "--image", bogus, "--device", "cpu", "What is this?");
        Assert.Equal(1, rc);
        Assert.Contains("error:", output);
    }

    [Fact]
    public async Task Imagine_writes_a_png_of_the_decoders_size_and_a_seed_reproduces_it()
    {
        string first = _output.File("a.png"), second = _output.File("b.png");
        var (rc, output) = await CliRunner.Run("imagine", "--model", _model.Path, "--seed", "7", "--device", "cpu", "-o", first, "a red cat");
        Assert.Equal(0, rc);
        Assert.Contains("wrote", output);
        Assert.Contains("16 tokens per image", output);
        var image = ImageCodecs.DecodeFile(first, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal((32, 32), (image.Width, image.Height));

        (rc, _) = await CliRunner.Run("imagine", "--model", _model.Path, "--seed", "7", "--device", "cpu", "-o", second, "a red cat");
        Assert.Equal(0, rc);
        Assert.Equal(await File.ReadAllBytesAsync(first, TestContext.Current.CancellationToken), await File.ReadAllBytesAsync(second, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Imagine_with_several_images_numbers_the_files()
    {
        string output = _output.File("cats.png");
        var (rc, _) = await CliRunner.Run("imagine", "--model", _model.Path, "--parallel", "2", "--device", "cpu", "-o", output, "cats");
        Assert.Equal(0, rc);
        Assert.True(File.Exists(_output.File("cats-0.png")));
        Assert.True(File.Exists(_output.File("cats-1.png")));
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Imagine_rejects_an_unknown_device_and_a_bad_parallel_size()
    {
        var (rc, output) = await CliRunner.Run("imagine", "--model", _model.Path, "--device", "tpu", "x");
        Assert.Equal(2, rc);
        Assert.Contains("not a device", output);
        (rc, output) = await CliRunner.Run("imagine", "--model", _model.Path, "--parallel", "0", "--device", "cpu", "x");
        Assert.Equal(2, rc);
        Assert.Contains("--parallel: ParallelSize", output);
    }
}
