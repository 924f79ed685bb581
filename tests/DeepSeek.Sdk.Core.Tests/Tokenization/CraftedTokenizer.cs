using System.Diagnostics;
using System.Text;
using System.Text.Json;
using DeepSeek.Sdk.Tokenization;

namespace DeepSeek.Sdk.Core.Tests.Tokenization;

/// <summary>
/// Small tokenizer.json files as a stranger might publish them: a valid byte-level BPE vocabulary (the 256 byte
/// tokens with id = byte value, then "ab" 256) with one part replaced by the caller, and a way to run a probe on
/// a worker thread so that a hang fails the test instead of stalling the run.
/// </summary>
internal static class CraftedTokenizer
{
    /// <summary>A pre-tokenizer that leaves the text whole, so a Split before it decides the pieces.</summary>
    public const string ByteLevelOnly = """{"type": "ByteLevel", "add_prefix_space": false, "use_regex": false}""";

    /// <summary>A probe's allowance of wall-clock time: every probe answers in well under 2 s on a quiet machine
    /// (see the report); the margin absorbs a shared, loaded test machine while still failing on a hang.</summary>
    public static readonly TimeSpan Allowance = TimeSpan.FromSeconds(10);

    /// <summary>The 256 byte tokens as JSON members ("!": 33, ...), without braces.</summary>
    public static string ByteVocabulary()
    {
        var vocab = new Dictionary<string, int>();
        for (int b = 0; b < 256; b++)
            vocab[ByteLevelAlphabet.ByteToChar[b].ToString()] = b;
        string json = JsonSerializer.Serialize(vocab);
        return json[1..^1];
    }

    public static string Json(
        string? vocab = null,
        string merges = """["a b"]""",
        string preTokenizer = ByteLevelOnly,
        string normalizer = "null",
        string addedTokens = "[]",
        string postProcessor = "null")
    {
        vocab ??= $$"""{{{ByteVocabulary()}}, "ab": 256}""";
        return $$"""
            {"added_tokens": {{addedTokens}},
             "normalizer": {{normalizer}},
             "pre_tokenizer": {{preTokenizer}},
             "post_processor": {{postProcessor}},
             "decoder": {"type": "ByteLevel"},
             "model": {"type": "BPE", "vocab": {{vocab}}, "merges": {{merges}} } }
            """;
    }

    public static Tokenizer Load(string json, string? config = null, TokenizerLimits? limits = null) =>
        Tokenizer.FromStreams(
            new MemoryStream(Encoding.UTF8.GetBytes(json)),
            config is null ? null : new MemoryStream(Encoding.UTF8.GetBytes(config)),
            "crafted/tokenizer.json", "crafted/tokenizer_config.json", limits);

    /// <summary>Runs <paramref name="probe"/> on a worker thread and returns what it threw, failing when it threw
    /// nothing, threw another type, or ran past <see cref="Allowance"/>. The message must be one line.</summary>
    public static async Task<TException> ThrowsWithin<TException>(Func<object?> probe) where TException : Exception
    {
        var (result, _, _) = await Measure(() =>
        {
            try
            {
                return (object?)probe();
            }
            catch (Exception e)
            {
                return e;
            }
        });
        var error = Assert.IsType<TException>(result, exactMatch: false);
        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain('\r', error.Message);
        return error;
    }

    /// <summary>Runs <paramref name="probe"/> on a worker thread; returns its result, the wall-clock time and the bytes
    /// it allocated, failing when it ran past <see cref="Allowance"/>.</summary>
    public static async Task<(T Result, TimeSpan Elapsed, long AllocatedBytes)> Measure<T>(Func<T> probe)
    {
        var work = Task.Factory.StartNew(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            T result = probe();
            return (result, clock.Elapsed, GC.GetAllocatedBytesForCurrentThread() - before);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var finished = await Task.WhenAny(work, Task.Delay(Allowance, TestContext.Current.CancellationToken));
        Assert.True(finished == work, $"The probe ran past {Allowance.TotalSeconds} s.");
        return await work;
    }
}
