using System.Text.RegularExpressions;

namespace DeepSeek.Sdk.Cli.Tests;

public sealed class BenchCommandTests
{
    [Fact]
    public async Task Bench_reports_speed_active_bytes_bandwidth_and_the_fraction_of_the_roofline()
    {
        var (rc, output) = await CliRunner.Run("bench", "--preset", "tiny", "--prompt-tokens", "8", "--warmup", "2", "--tokens", "8", "--bandwidth-mib", "16", "--threads", "1");
        Assert.Equal(0, rc);
        Assert.Matches(@"read bandwidth\s+│ \d+\.\d GB/s", output);
        Assert.Matches(@"decode\s+│ \d+\.\d tokens/s", output);
        Assert.Matches(@"fraction of roofline\s+│ \d+%", output);
        Assert.Matches(@"allocated per decode step\s+│ \d+ B", output);
        // tiny: every weight on a token's path. Per layer: norms, MLA (q_a, q_a_norm, q_b, kv_a, kv_a_norm, kv_b as
        // F32, o_proj), then the dense MLP (layer 0) or gate + shared + 2 of 8 experts (layer 1); plus the final norm,
        // one embedding row and lm_head.
        long attention = 2 * (64 * 32 + 32 * 4 * 24 + 64 * 24 + 64 * 4 * 16) + 4 * (16 * 4 * 32) + 4 * (32 + 16);
        long dense = 2 * 3 * 64 * 128, moe = 2 * 8 * 64 + 2 * 3 * 64 * 32 * 3;
        long expected = 2 * (attention + 4 * 2 * 64) + dense + moe + 4 * 64 + 2 * 64 + 2 * 512 * 64;
        var active = Regex.Match(output, @"active per token\s+│ [\d.]+K parameters, ([\d.]+) KiB of weights");
        Assert.True(active.Success, output);
        Assert.Equal(expected / 1024.0, double.Parse(active.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 0.1);
    }

    [Fact]
    public async Task Bench_refuses_an_unknown_preset_naming_the_known_ones()
    {
        var (rc, output) = await CliRunner.Run("bench", "--preset", "huge");
        Assert.Equal(2, rc);
        Assert.Contains("moe-100m", output);
    }

    [Fact]
    public async Task The_gpu_suite_refuses_bad_settings_before_touching_a_device()
    {
        var (rc, output) = await CliRunner.Run("bench", "--device", "cuda:x");
        Assert.Equal(2, rc);
        Assert.Contains("--device must be cpu, cuda or cuda:N", output);
        (rc, output) = await CliRunner.Run("bench", "--device", "cuda", "--tokens", "0");
        Assert.Equal(2, rc);
        Assert.Contains("--tokens", output);
    }

    [Fact]
    public async Task Without_a_gpu_the_gpu_suite_says_why()
    {
        string? why = new DeepSeek.Sdk.Runtime.CudaBackendFactory().CheckAvailability(0);
        Assert.SkipWhen(why is null, "A GPU is usable here; the GPU tests run the suite.");
        using var work = new TempDirectory();
        var (rc, output) = await CliRunner.Run("bench", "--device", "cuda", "--models", "qwen1.5b", "--work", work.Path);
        Assert.Equal(1, rc);
        Assert.Contains("no CUDA backend on cuda", output);
    }

    [Fact]
    public async Task The_gpu_suite_refuses_a_work_folder_it_did_not_make_and_leaves_its_files_as_they_were()
    {
        // A real model folder given as --work by mistake: the bench would have replaced its weights with random ones.
        using var model = new TempDirectory();
        string weights = model.File("model.safetensors");
        byte[] original = [1, 2, 3, 4, 5];
        await File.WriteAllBytesAsync(weights, original, TestContext.Current.CancellationToken);

        var (rc, output, elapsed) = await CliRunner.Timed("bench", "--device", "cuda", "--models", "qwen1.5b", "--work", model.Path);

        Assert.Equal(2, rc);
        Assert.Contains($"error: --work: '{model.Path}' holds files that deepseek bench did not write", output);
        Assert.Contains("hint: give --work a new or empty folder", output);
        Assert.True(elapsed < TimeSpan.FromSeconds(2), $"{elapsed}");
        Assert.Equal(original, await File.ReadAllBytesAsync(weights, TestContext.Current.CancellationToken));
        Assert.Equal([weights], Directory.GetFileSystemEntries(model.Path));
    }

    [Fact]
    public async Task The_gpu_suite_refuses_an_unknown_model_name_before_touching_a_device()
    {
        using var work = new TempDirectory();
        var (rc, output) = await CliRunner.Run("bench", "--device", "cuda", "--models", "qwen1.5b,gpt-5", "--work", work.Path);
        Assert.Equal(2, rc);
        Assert.Contains("'gpt-5'", output);
    }
}
