// Shared by every test project (compiled into each through tests/Directory.Build.props).
using System.Text.Json;
using DeepSeek.Sdk.Checkpoints;

namespace DeepSeek.Sdk.Tests;

/// <summary>One reference fixture of tests/Fixtures/oracle (docs/fixtures.md): a random
/// checkpoint, its prompt, greedy continuation, and the logits transformers computed for them in float64.</summary>
internal sealed class OracleCase
{
    private OracleCase(string directory, int[] promptIds, int[] greedyNewIds, int[] sequenceIds, float[] prefillLogits, float[] sequenceLogits, int vocab)
    {
        Directory = directory;
        PromptIds = promptIds;
        GreedyNewIds = greedyNewIds;
        SequenceIds = sequenceIds;
        PrefillLogits = prefillLogits;
        SequenceLogits = sequenceLogits;
        Vocab = vocab;
    }

    public string Directory { get; }

    public int[] PromptIds { get; }

    public int[] GreedyNewIds { get; }

    public int[] SequenceIds { get; }

    /// <summary>[prompt, vocab] row-major.</summary>
    public float[] PrefillLogits { get; }

    /// <summary>[sequence, vocab] row-major.</summary>
    public float[] SequenceLogits { get; }

    public int Vocab { get; }

    /// <summary>F32 checkpoints are computed in F32 throughout on the GPU. The others hold BF16 matrices (all of
    /// them, or, in the FP8 release, lm_head, the router and the embeddings) that go through BF16 activations in
    /// cuBLAS for prompts.</summary>
    public static bool ComputesInF32(string name) => name.EndsWith("_f32", StringComparison.Ordinal);

    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "oracle", name);

    public static OracleCase Load(string name)
    {
        string directory = PathOf(name);
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, "case.json")));
        var root = json.RootElement;
        using var expected = SafetensorsFile.Open(Path.Combine(directory, "expected.safetensors"));
        var prefill = expected.GetTensor("prefill_logits");
        var sequence = expected.GetTensor("sequence_logits");
        return new OracleCase(directory, Ints(root, "prompt_ids"), Ints(root, "greedy_new_ids"), Ints(root, "sequence_ids"),
            prefill.ToFloatArray(), sequence.ToFloatArray(), prefill.Shape[1]);
    }

    private static int[] Ints(JsonElement root, string property)
    {
        var array = root.GetProperty(property);
        var result = new int[array.GetArrayLength()];
        int i = 0;
        foreach (var item in array.EnumerateArray()) result[i++] = item.GetInt32();
        return result;
    }

    public static int Argmax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int i = 1; i < row.Length; i++)
            if (row[i] > row[best]) best = i;
        return best;
    }
}
