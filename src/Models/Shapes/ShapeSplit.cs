namespace DeepSeek.Sdk.Models.Shapes;

/// <summary>The three splits of the 810 (shape, colour, background, position) tuples (tools/train/shapes.py
/// <c>split_of</c>; <see cref="ShapeWorld.SplitOf"/>).</summary>
public enum ShapeSplit
{
    /// <summary>The 685 tuples training draws from (the VQ autoencoder and the tokenizer included).</summary>
    Train,

    /// <summary>The 62 tuples every choice is made on: checkpoints, hyperparameters, guidance weight, the pixel judge.
    /// (They were the single held-out set before 2026-12-06, on which the earlier models were both selected and
    /// reported.)</summary>
    Validation,

    /// <summary>The 63 tuples (8 in the center) only the reported figures use.</summary>
    Test,
}
