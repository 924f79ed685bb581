using System.Security.Cryptography;
using System.Text.Json;
using DeepSeek.Sdk.Models.Shapes;
using DeepSeek.Sdk.Models.Tasks;

namespace DeepSeek.Sdk.Models.Tests.Shapes;

/// <summary>The C# world against tools/train/shapes.py (Shapes/shapes_reference.json, written by
/// make_shapes_reference.py): same scenes from the same seeds, same pixels, same pixel analysis.</summary>
public sealed class ShapeWorldTests
{
    private static readonly JsonElement s_reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Shapes", "shapes_reference.json"))).RootElement;

    public static TheoryData<int> Runs()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < s_reference.GetProperty("runs").GetArrayLength(); i++) data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void Sampling_from_a_seed_gives_the_scenes_pixels_and_texts_shapes_py_gives(int index)
    {
        var run = s_reference.GetProperty("runs")[index];
        var scenes = ShapeWorld.SampleEvaluation(new PythonRandom(run.GetProperty("seed").GetString()!), run.GetProperty("count").GetInt32(),
            Split(run), run.GetProperty("centred").GetBoolean());
        for (int i = 0; i < scenes.Count; i++)
        {
            var s = scenes[i];
            int[] expected = [.. run.GetProperty("scenes")[i].EnumerateArray().Select(e => e.GetInt32())];
            Assert.Equal(expected, new[] { s.Shape, s.Colour, s.Background, s.Position, s.Half, s.JitterX, s.JitterY });
            Assert.Equal(run.GetProperty("sha256")[i].GetString(), Convert.ToHexStringLower(SHA256.HashData(s.Render())));
            Assert.Equal(run.GetProperty("descriptions")[i].GetString(), s.Description());
            Assert.Equal(run.GetProperty("prompts")[i].GetString(), s.Prompt(withPosition: false));
        }
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void Pixel_analysis_reads_exact_and_perturbed_pictures_as_shapes_py_does(int index)
    {
        var run = s_reference.GetProperty("runs")[index];
        var scenes = ShapeWorld.SampleEvaluation(new PythonRandom(run.GetProperty("seed").GetString()!), run.GetProperty("count").GetInt32(),
            Split(run), run.GetProperty("centred").GetBoolean());
        for (int k = 0; k < scenes.Count; k++)
        {
            byte[] pixels = scenes[k].Render();
            var exact = ShapePixelAnalyzer.Analyse(pixels);
            AssertSame(run.GetProperty("analysis")[k], exact);
            Assert.True(exact.Matches(scenes[k]), $"exact render of {scenes[k]} read as {exact}");
            AssertSame(run.GetProperty("noisy_analysis")[k], ShapePixelAnalyzer.Analyse(Noisy(pixels, k)));
        }
    }

    [Theory]
    [InlineData(ShapeSplit.Train, 685, 75)]
    [InlineData(ShapeSplit.Validation, 62, 7)]
    [InlineData(ShapeSplit.Test, 63, 8)]
    public void Each_split_holds_shapes_py_s_tuples(ShapeSplit split, int count, int centred)
    {
        var expected = s_reference.GetProperty("tuples").GetProperty(Name(split)).EnumerateArray()
            .Select(t => t.EnumerateArray().Select(e => e.GetInt32()).ToArray()).ToList();
        var actual = ShapeWorld.Tuples(split).Select(t => new[] { t.Shape, t.Colour, t.Background, t.Position }).ToList();
        Assert.Equal(expected, actual);
        Assert.Equal(count, actual.Count);
        Assert.Equal(centred, actual.Count(t => t[3] == ShapeWorld.Center));
    }

    [Fact]
    public void The_splits_are_disjoint_and_cover_every_tuple()
    {
        var all = Enum.GetValues<ShapeSplit>().SelectMany(ShapeWorld.Tuples).ToList();
        Assert.Equal(3 * 6 * 5 * 9, all.Count);
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    [Fact]
    public void Validation_is_the_old_held_out_set_and_test_is_new()
    {
        // The rule of the models before 2026-12-06: index · 7919 mod 13 = 5 held out (62 tuples).
        static int Index((int S, int C, int B, int P) t) => ((t.S * 6 + t.C) * 6 + t.B) * 9 + t.P;
        Assert.All(ShapeWorld.Tuples(ShapeSplit.Validation), t => Assert.Equal(5, Index(t) * 7919 % 13));
        Assert.All(ShapeWorld.Tuples(ShapeSplit.Test), t => Assert.NotEqual(5, Index(t) * 7919 % 13));
    }

    [Theory]
    [InlineData(ShapeSplit.Train)]
    [InlineData(ShapeSplit.Validation)]
    [InlineData(ShapeSplit.Test)]
    public void Sampling_a_split_yields_only_its_tuples(ShapeSplit split)
    {
        foreach (bool centred in (bool[])[false, true])
            foreach (var scene in ShapeWorld.SampleEvaluation(new PythonRandom(3), 200, split, centred))
            {
                Assert.Equal(split, ShapeWorld.SplitOf(scene.Shape, scene.Colour, scene.Background, scene.Position));
                Assert.Equal(split != ShapeSplit.Train, ShapeWorld.IsHeldOut(scene.Shape, scene.Colour, scene.Background, scene.Position));
            }
    }

    [Fact]
    public void The_pixel_judges_thresholds_are_those_fixed_before_any_test_split_scoring()
    {
        // docs/models.md fixes them (2026-12-06): they were chosen on validation outputs (run 3) and must not move after
        // test results are seen. Changing one is a new judge: re-score validation first, and say so in the docs.
        Assert.Equal(24, ShapePixelAnalyzer.MinShapePixels);
        Assert.Equal(0.85, ShapePixelAnalyzer.SquareFill);
        Assert.Equal(0.6, ShapePixelAnalyzer.TriangleTopRatio);
    }

    private static ShapeSplit Split(JsonElement run) => Enum.Parse<ShapeSplit>(run.GetProperty("split").GetString()!, ignoreCase: true);

    private static string Name(ShapeSplit split) => split.ToString().ToLowerInvariant();

    private static void AssertSame(JsonElement expected, ShapeAnalysis actual)
    {
        Assert.Equal(expected[0].GetInt32(), actual.Background);
        Assert.Equal(expected[1].GetInt32(), actual.Colour);
        Assert.Equal(expected[2].GetInt32(), actual.Shape);
        // Python rounds the fill to 9 decimals; the ratio of two small integers is exact to far better than that.
        Assert.Equal(expected[3].GetDouble(), actual.Fill, 1e-9);
    }

    // make_shapes_reference.noisy: byte i moves by ((i * 7919 + k * 31) % 161) - 80, clamped.
    private static byte[] Noisy(byte[] rgb, int k)
    {
        var result = new byte[rgb.Length];
        for (int i = 0; i < rgb.Length; i++) result[i] = (byte)Math.Clamp(rgb[i] + ((i * 7919 + k * 31) % 161) - 80, 0, 255);
        return result;
    }
}
