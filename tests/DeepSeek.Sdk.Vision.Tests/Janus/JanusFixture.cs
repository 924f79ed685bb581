using System.Text.Json;
using DeepSeek.Sdk.Checkpoints;

namespace DeepSeek.Sdk.Vision.Tests.Janus;

/// <summary>tests/Fixtures/oracle/janus_f32 (tools/oracle/make_fixtures.py janus_case): a random
/// JanusForConditionalGeneration, the inputs in case.json and what transformers computed for them in float64.</summary>
internal sealed class JanusFixture
{
    private JanusFixture(string directory, JsonElement root, Dictionary<string, (float[] Values, int[] Shape)> expected)
    {
        Directory = directory;
        UnderstandingIds = Ints(root, "understanding_ids");
        GenerationConditionalIds = Ints(root, "gen_cond_ids");
        GenerationUnconditionalIds = Ints(root, "gen_uncond_ids");
        CfgWeight = (float)root.GetProperty("cfg_weight").GetDouble();
        Step1Token = root.GetProperty("gen_step1_token").GetInt32();
        DecodeTokens = Ints(root, "decode_tokens");
        Expected = expected;
    }

    public const string Name = "janus_f32";

    public string Directory { get; }

    public int[] UnderstandingIds { get; }

    public int[] GenerationConditionalIds { get; }

    public int[] GenerationUnconditionalIds { get; }

    public float CfgWeight { get; }

    public int Step1Token { get; }

    public int[] DecodeTokens { get; }

    public IReadOnlyDictionary<string, (float[] Values, int[] Shape)> Expected { get; }

    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "oracle", name);

    public static JanusFixture Load()
    {
        string directory = PathOf(Name);
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, "case.json")));
        var expected = new Dictionary<string, (float[], int[])>(StringComparer.Ordinal);
        using (var file = SafetensorsFile.Open(Path.Combine(directory, "expected.safetensors")))
        {
            foreach (var info in file.Tensors)
            {
                var tensor = file.GetTensor(info.Name);
                expected[info.Name] = (tensor.ToFloatArray(), tensor.Shape.Dims.ToArray());
            }
        }
        return new JanusFixture(directory, json.RootElement.Clone(), expected);
    }

    public float[] Tensor(string name) => Expected[name].Values;

    private static int[] Ints(JsonElement root, string property) =>
        [.. root.GetProperty(property).EnumerateArray().Select(e => e.GetInt32())];
}
