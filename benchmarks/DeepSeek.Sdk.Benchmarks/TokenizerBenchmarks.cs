using System.Text;
using BenchmarkDotNet.Attributes;
using DeepSeek.Sdk.Tokenization;

namespace DeepSeek.Sdk.Benchmarks;

/// <summary>
/// Encode throughput on ~1 MB of mixed text (English prose, code, CJK, emoji, numbers) and load
/// time of a published tokenizer.json. MB/s = 1.0 / mean seconds of Encode_1MB_mixed_text.
/// Fixtures are read from tests/Fixtures/tokenizers, found by walking up from the binaries.
/// </summary>
[MemoryDiagnoser]
public class TokenizerBenchmarks
{
    private const int TextBytes = 1 << 20;

    private static readonly string[] Paragraphs =
    [
        "The quick brown fox jumps over the lazy dog while the committee deliberates about next year's budget. ",
        "In 2025, DeepSeek-V3 used 671B parameters with 37B active per token; training took 2.788M H800 GPU hours. ",
        "public static int Sum(ReadOnlySpan<int> values) { int total = 0; foreach (var v in values) total += v; return total; }\n",
        "def attention(q, k, v, mask=None):\n    scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))\n    return scores.softmax(-1) @ v\n",
        "多头潜在注意力(MLA)通过低秩联合压缩机制减少键值缓存，混合专家架构让每个词元只激活一部分参数。",
        "日本語のテキストとカタカナ、ひらがなが混ざった文章です。",
        "Emoji 😀🎉👩‍👩‍👧‍👦 and flags 🇨🇳🇺🇸 with math 𝐀𝐁𝐂 and rare CJK 𠀀𠀁. ",
        "3.14159265358979 2.71828182845904 1234567890 0x7FFFFFFF 1e-12 ",
        "Русский текст с цифрами 42 и Ελληνικά κείμενα, naïve café résumé. ",
    ];

    private Tokenizer _tokenizer = null!;
    private string _text = null!;
    private string _jsonPath = null!;

    [Params("deepseek_v3", "qwen3", "llama3_1")]
    public string Name { get; set; } = "deepseek_v3";

    [GlobalSetup]
    public void Setup()
    {
        string directory = FixtureDirectory();
        _jsonPath = Path.Combine(directory, $"{Name}.tokenizer.json.gz");
        _tokenizer = Tokenizer.FromFiles(_jsonPath, Path.Combine(directory, $"{Name}.tokenizer_config.json"));
        var builder = new StringBuilder();
        var random = new Random(1122);
        while (Encoding.UTF8.GetByteCount(builder.ToString()) < TextBytes)
        {
            for (int i = 0; i < 64; i++)
            {
                builder.Append(Paragraphs[random.Next(Paragraphs.Length)]);
                // Fresh numbers and identifiers keep the word cache from seeing only repeats.
                builder.Append(random.Next(100_000)).Append(" item_").Append(random.Next(10_000)).Append('\n');
            }
        }
        _text = builder.ToString();
    }

    [Benchmark]
    public int Encode_1MB_mixed_text() => _tokenizer.CountTokens(_text);

    [Benchmark]
    public int Load_tokenizer_json_gz() => Tokenizer.FromFiles(_jsonPath).VocabularySize;

    private static string FixtureDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "Fixtures", "tokenizers");
            if (Directory.Exists(candidate))
                return candidate;
        }
        throw new DirectoryNotFoundException("tests/Fixtures/tokenizers not found above " + AppContext.BaseDirectory);
    }
}
