using System.Globalization;
using System.Text.Json;
using DeepSeek.Sdk.Models.Tasks;

namespace DeepSeek.Sdk.Models.Tests.Tasks;

public sealed class PythonRandomTests
{
    public static TheoryData<string> Seeds()
    {
        var data = new TheoryData<string>();
        foreach (var entry in TasksReference.Section("random")) data.Add(entry.GetProperty("seed").GetString()!);
        return data;
    }

    private static (JsonElement Entry, PythonRandom Random) Seeded(string seed)
    {
        var entry = TasksReference.Section("random").Single(e => e.GetProperty("seed").GetString() == seed);
        var random = entry.GetProperty("seed_type").GetString() == "int"
            ? new PythonRandom(long.Parse(seed, CultureInfo.InvariantCulture))
            : new PythonRandom(seed);
        return (entry, random);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Draws_what_Pythons_random_draws_from_the_same_seed(string seed)
    {
        var (entry, random) = Seeded(seed);
        foreach (var expected in entry.GetProperty("getrandbits32").EnumerateArray())
            Assert.Equal(expected.GetUInt32(), random.GetRandBits(32));
        // repr() of a float is the shortest text that reads back as the same double, so equality is exact.
        foreach (var expected in entry.GetProperty("random").EnumerateArray())
            Assert.Equal(double.Parse(expected.GetString()!, CultureInfo.InvariantCulture), random.NextDouble());
        foreach (var expected in entry.GetProperty("randint_0_9").EnumerateArray())
            Assert.Equal(expected.GetInt32(), random.RandInt(0, 9));
        foreach (var expected in entry.GetProperty("randint_1000_9999").EnumerateArray())
            Assert.Equal(expected.GetInt32(), random.RandInt(1000, 9999));
        // range(100) draws 6 by rejecting repeats, range(10) draws 4 from a shrinking pool: both of random.sample's strategies.
        Assert.Equal(entry.GetProperty("sample_range100_6").EnumerateArray().Select(e => e.GetInt32()), random.SampleRange(100, 6));
        Assert.Equal(entry.GetProperty("sample_range10_4").EnumerateArray().Select(e => e.GetInt32()), random.SampleRange(10, 4));
        var letters = new char[8];
        for (int i = 0; i < letters.Length; i++) letters[i] = random.Choice("abcdefghijklmnopqrstuvwxyz");
        Assert.Equal(entry.GetProperty("choice_letters").GetString(), new string(letters));
    }

    [Fact]
    public void An_int_seed_and_its_negation_give_the_same_draws()
    {
        // CPython seeds with |seed|; the reference has 7 and -7 from Python as well.
        var a = new PythonRandom(7);
        var b = new PythonRandom(-7);
        for (int i = 0; i < 1000; i++) Assert.Equal(a.NextUInt32(), b.NextUInt32());
    }

    [Fact]
    public void Rejects_arguments_Python_rejects()
    {
        var random = new PythonRandom(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => random.RandInt(5, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => random.SampleRange(3, 4));
        Assert.Throws<ArgumentException>(() => random.Choice(Array.Empty<int>()));
        Assert.Throws<ArgumentOutOfRangeException>(() => random.GetRandBits(33));
    }
}
