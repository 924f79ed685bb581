using System.Text.Json;
using System.Text.Json.Serialization;

namespace DeepSeek.Sdk.Text.Tests.TinyModel;

/// <summary>One greedy generation by transformers (see <see cref="TinyModelFiles.ReferenceExamples"/>), with the numerical
/// slack it leaves: the smallest gap between the top two logits along the output, and the smallest gap between the
/// k-th and (k+1)-th router choice scores (score + e_score_correction_bias) over every token and MoE layer.</summary>
public sealed record ReferenceExample(
    [property: JsonPropertyName("suite")] string Suite,
    [property: JsonPropertyName("question")] string Question,
    [property: JsonPropertyName("prompt")] string Prompt,
    [property: JsonPropertyName("prompt_ids")] int[] PromptIds,
    [property: JsonPropertyName("output_ids")] int[] OutputIds,
    [property: JsonPropertyName("output_text")] string OutputText,
    [property: JsonPropertyName("answer")] string Answer,
    [property: JsonPropertyName("min_logit_margin")] double MinLogitMargin,
    [property: JsonPropertyName("min_router_gap")] double MinRouterGap,
    [property: JsonPropertyName("first_step_top5")] double[][] FirstStepTop5)
{
    private static readonly Lazy<ReferenceExample[]> Loaded = new(() =>
        JsonSerializer.Deserialize<ReferenceExample[]>(File.ReadAllText(TinyModelFiles.ReferenceExamples))
        ?? throw new InvalidDataException($"{TinyModelFiles.ReferenceExamples} holds no examples."));

    public static IReadOnlyList<ReferenceExample> All => Loaded.Value;

    public override string ToString() => $"{Suite}: {Question}";
}
