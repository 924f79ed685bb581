namespace DeepSeek.Cli.Verification;

/// <summary>Options of <c>deepseek verify</c> that some case kinds need.</summary>
/// <param name="TokenizersDirectory">Folder holding <c>&lt;name&gt;.tokenizer.json[.gz]</c> and
/// <c>&lt;name&gt;.tokenizer_config.json</c> for a tokenizers case.</param>
public sealed record VerifyOptions(string? TokenizersDirectory = null);
