using System.Text;

namespace DeepSeek.Sdk.Text.Tests.TinyModel;

public sealed class HeldOutProblemsTests
{
    [Fact]
    public void Crc32_is_zlibs()
    {
        // Python: zlib.crc32("What is 47 × 86?".encode()) == 3173263822, zlib.crc32(b"What is 315 + 756?") == 1765748304
        Assert.Equal(3173263822u, HeldOutProblems.Crc32(Encoding.UTF8.GetBytes("What is 47 × 86?")));
        Assert.Equal(1765748304u, HeldOutProblems.Crc32(Encoding.UTF8.GetBytes("What is 315 + 756?")));
    }

    [Fact]
    public void Every_reference_question_lies_in_the_split_the_trainer_held_out()
    {
        foreach (var example in ReferenceExample.All)
            Assert.True(HeldOutProblems.IsHeldOut(example.Question), example.Question);
    }

    [Fact]
    public void Drawn_problems_are_held_out_and_shaped_as_the_issue_asks()
    {
        var random = new Random(7);
        for (int i = 0; i < 50; i++)
        {
            var (question, answer) = HeldOutProblems.Addition(random);
            Assert.True(HeldOutProblems.IsHeldOut(question));
            Assert.Matches(@"^What is [1-9]\d\d \+ [1-9]\d\d\?$", question);
            Assert.InRange(int.Parse(answer, System.Globalization.CultureInfo.InvariantCulture), 200, 1998);
            (question, _) = HeldOutProblems.Multiplication(random);
            Assert.Matches(@"^What is [1-9]\d × [1-9]\d\?$", question);
        }
    }
}
