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
        // Seed "1234-eval-<suite>", 500 problems: what train_r1_tiny.py (run seed 1234) scored transformers on; seed
        // 20261206: what `deepseek eval` runs by default. 2-digit products have only 245 held-out problems and letter
        // counting 435, so their 500 include repeats after sample_eval's patience runs out.
        var entry = TasksReference.Section("suites").ElementAt(run);
        var suite = EvaluationSuites.Find(entry.GetProperty("suite").GetString()!);
        var problems = suite.Sample(new PythonRandom(entry.GetProperty("seed").GetString()!), entry.GetProperty("count").GetInt32());
        TasksReference.AssertSameRun(entry, problems, suite.Name);
        Assert.All(problems, p => Assert.True(HeldOutSplit.IsHeldOut(p.Question), p.Question));
    }

    [Fact]
    public void Canonical_keys_and_the_split_of_chosen_questions_are_tasks_pys()
    {
        foreach (var entry in TasksReference.Section("keys"))
        {
            string question = entry.GetProperty("question").GetString()!;
            Assert.Equal(entry.GetProperty("key").GetString(), HeldOutSplit.CanonicalKey(question));
            Assert.Equal(entry.GetProperty("held_out").GetBoolean(), HeldOutSplit.IsHeldOut(question));
        }
    }

    [Theory]
    [InlineData("What is 1 / 2?")]
    [InlineData("Convert 5 km to kg.")]
    [InlineData("What is 1 + 2")]
    [InlineData("What is 1 + 2?\n")]
    [InlineData("What is ١ + 2?")]
    public void A_question_of_no_task_is_rejected_with_the_question(string question)
    {
        var e = Assert.Throws<ArgumentException>(() => HeldOutSplit.IsHeldOut(question));
        Assert.Contains(question, e.Message);
    }

    [Fact]
    public void Twins_of_held_out_problems_are_held_out_so_no_training_draw_yields_them()
    {
        // Built from each question alone (TwinQuestions), not from CanonicalKey: a key that missed a twin fails here.
        foreach (var suite in EvaluationSuites.All)
            foreach (var problem in suite.Sample(20261206, 500))
                foreach (string twin in TwinQuestions.Of(problem.Question))
                    Assert.True(HeldOutSplit.IsHeldOut(twin), $"{problem.Question} is held out, its twin {twin} is not");
    }

    [Fact]
    public void No_held_out_multiplication_has_a_trainable_swapped_twin()
    {
        // Split by question text, 458 of these 500 had one.
        foreach (var problem in EvaluationSuites.Multiplication2x2.Sample(1234, 500))
        {
            string[] operands = problem.Question["What is ".Length..^1].Split(" × ");
            Assert.True(HeldOutSplit.IsHeldOut($"What is {operands[1]} × {operands[0]}?"), problem.Question);
        }
    }

    [Fact]
    public void An_evaluation_sample_counts_its_distinct_problems_not_its_questions()
    {
        var mul = EvaluationSuites.Multiplication2x2.Sample(20261206, 500);
        Assert.Equal(245, EvaluationSuite.DistinctProblems(mul));
        Assert.True(mul.Select(p => p.Question).Distinct().Count() > 245);
        Assert.Equal(500, EvaluationSuite.DistinctProblems(EvaluationSuites.Addition3Digit.Sample(20261206, 500)));
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
    public void Crc32_is_zlibs_and_decides_the_split_by_the_canonical_key()
    {
        // Python: zlib.crc32("What is 47 × 86?".encode()) == 3173263822, zlib.crc32(b"sum:315+756") == 2717266608
        Assert.Equal(3173263822u, HeldOutSplit.Crc32(Encoding.UTF8.GetBytes("What is 47 × 86?")));
        Assert.Equal(2717266608u, HeldOutSplit.Crc32(Encoding.UTF8.GetBytes("sum:315+756")));
        Assert.True(HeldOutSplit.IsHeldOut("What is 315 + 756?"));
        Assert.True(HeldOutSplit.IsHeldOut("What is 756 + 315?"));
        Assert.True(HeldOutSplit.IsHeldOut("What is 1071 - 756?"));
    }

    [Fact]
    public void The_completion_is_trace_close_tag_blank_line_answer()
    {
        var problem = SyntheticTasks.Addition(new PythonRandom(3), new OperandShape(1, 1));
        Assert.Equal($"{problem.Trace}\n</think>\n\n{problem.Answer}", problem.Completion);
    }
}
