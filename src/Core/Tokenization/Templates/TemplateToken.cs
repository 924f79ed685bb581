namespace DeepSeek.Sdk.Tokenization.Templates;

/// <summary>One lexical token; <see cref="Value"/> is the unescaped text of strings and names.</summary>
internal readonly record struct TemplateToken(TokenKind Kind, string Value, int Offset)
{
    public bool Is(TokenKind kind, string value) => Kind == kind && Value == value;

    public bool IsName(string value) => Kind == TokenKind.Name && Value == value;

    public bool IsOperator(string value) => Kind == TokenKind.Operator && Value == value;
}
