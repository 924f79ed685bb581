using System.Text;
using DeepSeek.Sdk.Models.Tasks;

namespace DeepSeek.Sdk.Models.Tests.Tasks;

public sealed class SyntheticTasksTests
{
    public static TheoryData<int> MakerRuns() => Indices("makers");

    public static TheoryData<int> SuiteRuns() => Indices("suites");

    private static TheoryData<int> Indices(string section)
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < TasksReference.Section(section).Count(); i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(MakerRuns))]
    public void Each_maker_generates_the_problems_tasks_py_generates_from_the_same_seed(int run)
    {
        var entry = TasksReference.Section("makers").ElementAt(run);
        string task = entry.GetProperty("task").GetString()!;
        OperandShape? shape = entry.GetProperty("shape") is { ValueKind: System.Text.Json.JsonValueKind.Array } s
            ? new OperandShape(s[0].GetInt32(), s[1].GetInt32())
            : null;
        var random = new PythonRandom(entry.GetProperty("seed").GetInt64());
        var problems = new List<SyntheticProblem>();
        for (int i = 0; i < entry.GetProperty("count").GetInt32(); i++) problems.Add(SyntheticTasks.Make(task, random, shape));
        TasksReference.AssertSameRun(entry, problems, $"{task} {shape}");
    }

    [Theory]
    [MemberData(nameof(SuiteRuns))]
    public void Each_evaluation_suite_samples_the_held_out_problems_the_training_run_evaluated(int run)
    {
        // Seed "1234-eval-<suite>", 500 problems: what train_r1_tiny.py (run seed 1234) scored the shipped model on,
        // and what `deepseek eval` runs by default. Letter counting has only 434 held-out questions, so its 500 include
        // repeats after sample_eval's patience runs out.
        var entry = TasksReference.Section("suites").ElementAt(run);
        var suite = EvaluationSuites.Find(entry.GetProperty("suite").GetString()!);
        var problems = suite.Sample(new PythonRandom(entry.GetProperty("seed").GetString()!), entry.GetProperty("count").GetInt32());
        TasksReference.AssertSameRun(entry, problems, suite.Name);
        Assert.All(problems, p => Assert.True(HeldOutSplit.IsHeldOut(p.Question), p.Question));
    }

    [Fact]
    public void The_seed_text_is_the_training_runs()
    {
        Assert.Equal("1234-eval-mul_2x2", EvaluationSuites.Multiplication2x2.SeedText(1234));
        var viaSeed = EvaluationSuites.Multiplication2x2.Sample(1234, 20);
        var viaText = EvaluationSuites.Multiplication2x2.Sample(new PythonRandom("1234-eval-mul_2x2"), 20);
        Assert.Equal(viaText, viaSeed);
    }

    [Fact]
    public void Suites_are_found_by_name_or_alias_and_an_unknown_name_lists_them()
    {
        Assert.Same(EvaluationSuites.Addition3Digit, EvaluationSuites.Find("add3"));
        Assert.Same(EvaluationSuites.Multiplication2x2, EvaluationSuites.Find("MUL_2x2"));
        Assert.Same(EvaluationSuites.LetterCounting, EvaluationSuites.Find("count"));
        var e = Assert.Throws<ArgumentException>(() => EvaluationSuites.Find("div"));
        Assert.Contains("add_3digit", e.Message);
        Assert.Contains("convert", e.Message);
        Assert.Equal(7, EvaluationSuites.All.Count);
        Assert.Equal(SyntheticTasks.Names, EvaluationSuites.All.Select(s => s.Task));
    }

    [Fact]
    public void Unknown_tasks_are_named_in_the_error()
    {
        var e = Assert.Throws<ArgumentException>(() => SyntheticTasks.Make("divide", new PythonRandom(0)));
        Assert.Contains("'divide'", e.Message);
    }

    [Fact]
    public void The_counting_words_are_tasks_pys_266()
    {
        Assert.Equal(266, CountingWords.All.Count);
        Assert.Equal("apple", CountingWords.All[0]);
        Assert.Equal("division", CountingWords.All[^1]);
        Assert.Equal(CountingWords.All.Count, CountingWords.All.Distinct().Count());
    }

    [Fact]
    public void Crc32_is_zlibs_and_decides_the_split()
    {
        // Python: zlib.crc32("What is 47 × 86?".encode()) == 3173263822, zlib.crc32(b"What is 315 + 756?") == 1765748304
        Assert.Equal(3173263822u, HeldOutSplit.Crc32(Encoding.UTF8.GetBytes("What is 47 × 86?")));
        Assert.Equal(1765748304u, HeldOutSplit.Crc32(Encoding.UTF8.GetBytes("What is 315 + 756?")));
        Assert.Equal(3173263822u % 16 == 0, HeldOutSplit.IsHeldOut("What is 47 × 86?"));
        Assert.Equal(1765748304u % 16 == 0, HeldOutSplit.IsHeldOut("What is 315 + 756?"));
    }

    [Fact]
    public void The_completion_is_trace_close_tag_blank_line_answer()
    {
        var problem = SyntheticTasks.Addition(new PythonRandom(3), new OperandShape(1, 1));
        Assert.Equal($"{problem.Trace}\n</think>\n\n{problem.Answer}", problem.Completion);
    }
}
