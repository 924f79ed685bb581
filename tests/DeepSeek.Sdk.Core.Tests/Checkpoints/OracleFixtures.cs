namespace DeepSeek.Sdk.Core.Tests.Checkpoints;

/// <summary>The reference model fixtures (tests/Fixtures/oracle, made by transformers 5.17 in float64).</summary>
public static class OracleFixtures
{
    public static readonly string[] ModelCases =
    [
        "deepseek_v3_f32", "deepseek_v3_bf16", "deepseek_v3_fp8", "deepseek_v2_f32",
        "qwen2_f32", "llama3_f32", "llama3_bf16", "janus_f32",
    ];

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string c in ModelCases) data.Add(c);
        return data;
    }

    public static string Dir(string caseName) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "oracle", caseName);

    public static string Model(string caseName) => Path.Combine(Dir(caseName), "model.safetensors");

    public static string Expected(string caseName) => Path.Combine(Dir(caseName), "expected.safetensors");
}
