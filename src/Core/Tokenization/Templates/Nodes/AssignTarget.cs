namespace DeepSeek.Sdk.Tokenization.Templates.Nodes;

/// <summary>What a <c>set</c> assigns: one or more names (tuple unpacking), or <c>namespace.attribute</c> when <see cref="Attribute"/> is set.</summary>
internal sealed record AssignTarget(IReadOnlyList<string> Names, string? Attribute);
