namespace DeepSeek.Sdk.Models.Tasks;

/// <summary>Digits of the two operands of an arithmetic problem (tasks.py's <c>shape</c> tuple), e.g. (2, 2) for
/// 2-digit × 2-digit multiplication. A 1-digit operand can be 0; longer ones have no leading zero.</summary>
public readonly record struct OperandShape(int FirstDigits, int SecondDigits);
