using DeepSeek.Sdk.Fuzzing;

namespace DeepSeek.Sdk.Core.Tests.Fuzz;

/// <summary>Replays every input under Fixtures/fuzz/&lt;target&gt;/ (the regression files of fuzz/run.sh: inputs that once
/// crashed or hung a parser, and a sample of the inputs AFL found interesting) through the target that found it, the
/// same code the fuzzer runs (fuzz/DeepSeek.Sdk.Fuzz/Targets). Each must end in success or the SDK's typed
/// <see cref="DeepSeekException"/>, within two seconds, within the target's allocation budget, on a 1 MB stack.</summary>
public sealed class FuzzRegressionTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(2);

    /// <summary>How long a run may go on before it is reported as a hang (a first run also compiles the parser).</summary>
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);

    private static string Root => Path.Combine(AppContext.BaseDirectory, "Fixtures", "fuzz");

    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var target in FuzzTargets.All)
        {
            string folder = Path.Combine(Root, target.Name);
            if (!Directory.Exists(folder))
                continue;
            foreach (string file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                data.Add(target.Name, Path.GetRelativePath(folder, file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Regression_input_is_accepted_or_refused_with_a_typed_exception_within_two_seconds(string target, string file)
    {
        var fuzzTarget = FuzzTargets.Find(target)!;
        byte[] input = File.ReadAllBytes(Path.Combine(Root, target, file));
        var elapsed = Replay(fuzzTarget, input, file);
        // The first run of a target in this process also JIT-compiles the parser; only a second slow run counts.
        if (elapsed > Bound)
            elapsed = Replay(fuzzTarget, input, file);
        Assert.True(elapsed <= Bound, $"{target}/{file} took {elapsed.TotalMilliseconds:F0} ms, over the {Bound.TotalSeconds} s bound");
    }

    [Fact]
    public void Every_target_has_regression_inputs_and_every_folder_names_a_target()
    {
        foreach (var target in FuzzTargets.All)
            Assert.True(Directory.Exists(Path.Combine(Root, target.Name)) && Directory.EnumerateFiles(Path.Combine(Root, target.Name)).Any(),
                $"Fixtures/fuzz/{target.Name} holds no regression input");
        foreach (string folder in Directory.EnumerateDirectories(Root))
            Assert.True(FuzzTargets.Find(Path.GetFileName(folder)) is not null, $"Fixtures/fuzz/{Path.GetFileName(folder)} is not a fuzz target");
    }

    private static TimeSpan Replay(FuzzTarget target, byte[] input, string file)
    {
        TimeSpan? elapsed;
        try
        {
            elapsed = FuzzThread.Run(() => FuzzExecution.Run(target, input), HangLimit);
        }
        catch (Exception e)
        {
            Assert.Fail($"{target.Name}/{file}: {e.GetType().FullName} escaped (only DeepSeekException may): {e.Message}\n{e.StackTrace}");
            throw;
        }
        Assert.True(elapsed is not null, $"{target.Name}/{file} was still running after {HangLimit.TotalSeconds} s");
        return elapsed.Value;
    }
}
