namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary>A node of the template syntax tree; <see cref="Offset"/> locates it in the source for error messages.</summary>
internal abstract record Node(int Offset);
