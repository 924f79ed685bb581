namespace DeepSeek.Sdk.Cli.Tests;

public class TokenizeCommandTests
{
    [Fact]
    public async Task Tokenize_prints_ids_and_pieces_with_the_bos_token_when_asked()
    {
        string dir = Directory.CreateTempSubdirectory("deepseek-tokenize").FullName;
        string source = Path.Combine(CliRunner.Fixtures, "tokenizers");
        File.Copy(Path.Combine(source, "deepseek_v3.tokenizer.json.gz"), Path.Combine(dir, "tokenizer.json.gz"));
        File.Copy(Path.Combine(source, "deepseek_v3.tokenizer_config.json"), Path.Combine(dir, "tokenizer_config.json"));

        var (rc, output) = await CliRunner.Run("tokenize", "--model", dir, "--add-special-tokens", "Hello, world");
        Assert.Equal(0, rc);
        // BOS (id 0) comes first, then the text's pieces, as transformers encodes it for DeepSeek-V3.
        Assert.Contains("tokens: [0, ", output);
        Assert.Contains("Hello", output);
    }

    [Fact]
    public async Task Tokenize_with_a_folder_without_a_tokenizer_fails_clearly()
    {
        string dir = Directory.CreateTempSubdirectory("deepseek-no-tokenizer").FullName;
        var (rc, output) = await CliRunner.Run("tokenize", "--model", dir, "x");
        Assert.Equal(1, rc);
        Assert.Contains("tokenizer.json", output);
    }
}
