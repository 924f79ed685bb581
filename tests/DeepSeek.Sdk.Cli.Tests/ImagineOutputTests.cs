using DeepSeek.Cli.Commands;
using DeepSeek.Sdk.Imaging;

namespace DeepSeek.Sdk.Cli.Tests;

/// <summary><c>imagine -o</c> is checked before any work: a path that cannot be written fails at once (not after the
/// whole generation), a folder receives out.png, and a file that exists is replaced only with --force. A run that
/// fails leaves no empty file behind, and never deletes one it did not create.</summary>
public sealed class ImagineOutputTests : IDisposable
{
    private readonly TempDirectory _model = new();
    private readonly TempDirectory _output = new();

    public ImagineOutputTests() => JanusTinyTokenizer.CopyFixtureWithTokenizer(_model.Path);

    public void Dispose()
    {
        _model.Dispose();
        _output.Dispose();
    }

    private Task<(int ExitCode, string Output, TimeSpan Elapsed)> Imagine(params string[] options) =>
        CliRunner.Timed(["imagine", "--model", _model.Path, "--device", "cpu", "--seed", "3", .. options, "a red cat"]);

    [Fact]
    public async Task An_existing_file_is_refused_before_the_model_loads_and_left_as_it_was()
    {
        string existing = _output.File("keep.png");
        byte[] before = [1, 2, 3, 4];
        await File.WriteAllBytesAsync(existing, before, TestContext.Current.CancellationToken);

        var (rc, output, elapsed) = await Imagine("-o", existing);

        Assert.Equal(ExitCodes.UserError, rc);
        Assert.Contains($"error: {existing} already exists.", output);
        Assert.Contains("hint: --force overwrites it", output);
        Assert.DoesNotContain("loaded", output);
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"{elapsed}");
        Assert.Equal(before, await File.ReadAllBytesAsync(existing, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task One_existing_file_among_several_refuses_them_all_and_creates_none()
    {
        string second = _output.File("cats-1.png");
        await File.WriteAllBytesAsync(second, [9], TestContext.Current.CancellationToken);

        var (rc, output, _) = await Imagine("--parallel", "3", "-o", _output.File("cats.png"));

        Assert.Equal(ExitCodes.UserError, rc);
        Assert.Contains("cats-1.png already exists", output);
        Assert.False(File.Exists(_output.File("cats-0.png")));
        Assert.False(File.Exists(_output.File("cats-2.png")));
        Assert.Equal([9], await File.ReadAllBytesAsync(second, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Force_replaces_an_existing_file_with_the_image()
    {
        string existing = _output.File("replace.png");
        await File.WriteAllBytesAsync(existing, [1, 2, 3], TestContext.Current.CancellationToken);

        var (rc, output, _) = await Imagine("--force", "-o", existing);

        Assert.Equal(0, rc);
        Assert.Contains("wrote", output);
        var image = ImageCodecs.DecodeFile(existing, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal((32, 32), (image.Width, image.Height));
    }

    [Fact]
    public async Task A_folder_receives_out_png()
    {
        var (rc, output, _) = await Imagine("-o", _output.Path);

        Assert.Equal(0, rc);
        Assert.Contains($"wrote {_output.File("out.png")}", output);
        Assert.Equal(32, ImageCodecs.DecodeFile(_output.File("out.png"), cancellationToken: TestContext.Current.CancellationToken).Width);
    }

    [Fact]
    public async Task A_path_under_a_file_fails_before_the_model_loads()
    {
        string file = _output.File("not-a-folder");
        await File.WriteAllTextAsync(file, "x", TestContext.Current.CancellationToken);

        var (rc, output, elapsed) = await Imagine("-o", Path.Combine(file, "cat.png"));

        Assert.Equal(ExitCodes.UserError, rc);
        Assert.StartsWith($"error: {Path.Combine(file, "cat.png")} cannot be written: ", output);
        Assert.DoesNotContain("loaded", output);
        Assert.DoesNotContain("   at ", output);
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"{elapsed}");
    }

    [Fact]
    public async Task A_name_that_is_not_png_is_refused()
    {
        var (rc, output, _) = await Imagine("-o", _output.File("cat.jpg"));
        Assert.Equal(ExitCodes.Usage, rc);
        Assert.Contains("must end in .png", output);
        Assert.False(File.Exists(_output.File("cat.jpg")));
    }

    [Fact]
    public async Task A_run_that_fails_after_claiming_its_file_removes_the_empty_file()
    {
        File.Delete(_model.File("model.safetensors"));
        string target = _output.File("never.png");

        var (rc, output, _) = await Imagine("-o", target);

        Assert.Equal(ExitCodes.UserError, rc);
        Assert.Contains("error:", output);
        Assert.False(File.Exists(target), "the placeholder must go when nothing was written");
    }
}
