namespace DeepSeek.Sdk.Tokenization.Templates;

internal enum TokenKind
{
    Text,
    BlockBegin,
    BlockEnd,
    VariableBegin,
    VariableEnd,
    Name,
    String,
    Integer,
    Float,
    Operator,
    EndOfTemplate,
}
