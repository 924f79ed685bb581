using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DeepSeek.Sdk.Models.Tasks;

namespace DeepSeek.Sdk.Models.Tests.Tasks;

/// <summary>tasks_reference.json: what tools/train/tasks.py generated for fixed seeds (written by
/// make_tasks_reference.py next to it, Python 3.11.7).</summary>
internal static class TasksReference
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Tasks", "tasks_reference.json"))));

    public static JsonElement Root => Document.Value.RootElement;

    public static IEnumerable<JsonElement> Section(string name) => Root.GetProperty(name).EnumerateArray();

    /// <summary>The Python script's digest: SHA-256 over task, question, trace and answer of every problem, each field
    /// followed by U+001F and each problem by U+001E, in UTF-8.</summary>
    public static string Digest(IEnumerable<SyntheticProblem> problems)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var p in problems)
            hash.AppendData(Encoding.UTF8.GetBytes($"{p.Task}\u001f{p.Question}\u001f{p.Trace}\u001f{p.Answer}\u001f\u001e"));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>make_tasks_reference.key_digest: SHA-256 over each problem's canonical key followed by U+001E, in UTF-8.</summary>
    public static string KeyDigest(IEnumerable<SyntheticProblem> problems)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var p in problems) hash.AppendData(Encoding.UTF8.GetBytes($"{HeldOutSplit.CanonicalKey(p.Question)}\u001e"));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Compares a run with a reference entry: the spelled-out first problems field by field (so a mismatch
    /// reads as a diff), then counts and the digest of the whole run.</summary>
    public static void AssertSameRun(JsonElement expected, IReadOnlyList<SyntheticProblem> actual, string what)
    {
        int i = 0;
        foreach (var first in expected.GetProperty("first").EnumerateArray())
        {
            var p = actual[i++];
            Assert.Equal(first.GetProperty("task").GetString(), p.Task);
            Assert.Equal(first.GetProperty("question").GetString(), p.Question);
            Assert.Equal(first.GetProperty("trace").GetString(), p.Trace);
            Assert.Equal(first.GetProperty("answer").GetString(), p.Answer);
        }
        Assert.Equal(expected.GetProperty("count").GetInt32(), actual.Count);
        Assert.Equal(expected.GetProperty("distinct").GetInt32(), actual.Select(p => p.Question).Distinct().Count());
        Assert.Equal(expected.GetProperty("distinct_problems").GetInt32(), EvaluationSuite.DistinctProblems(actual));
        Assert.Equal(expected.GetProperty("held_out").GetInt32(), actual.Count(p => HeldOutSplit.IsHeldOut(p.Question)));
        Assert.True(expected.GetProperty("sha256").GetString() == Digest(actual), $"{what}: the problems differ from tasks.py's after the first {i}");
        Assert.True(expected.GetProperty("keys_sha256").GetString() == KeyDigest(actual), $"{what}: the canonical keys differ from tasks.py's");
    }
}
