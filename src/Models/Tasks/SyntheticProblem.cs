namespace DeepSeek.Sdk.Models.Tasks;

/// <summary>One generated problem with its worked trace (tasks.Problem). The assistant's text after the R1 generation
/// prompt (which ends in "&lt;think&gt;\n") is <see cref="Completion"/> followed by the end-of-sentence token.</summary>
/// <param name="Task">The task's name: add, sub, mul, compare, sort, count or convert (<see cref="SyntheticTasks.Names"/>).</param>
/// <param name="Question">The user's message.</param>
/// <param name="Trace">The reasoning, line by line, as the model was trained to write it.</param>
/// <param name="Answer">The exact text expected after the trace.</param>
public sealed record SyntheticProblem(string Task, string Question, string Trace, string Answer)
{
    /// <summary>The trace, <c>&lt;/think&gt;</c> and the answer, as the model should complete the generation prompt.</summary>
    public string Completion => $"{Trace}\n</think>\n\n{Answer}";
}
