namespace DeepSeek.Sdk.Backends.Cpu;

/// <summary>Rotary position embedding applied in place. For pair (a, b) with angle θ = pos · inv_freq[i]:
/// <c>a' = a cos θ - b sin θ</c>, <c>b' = b cos θ + a sin θ</c> (RoFormer, Su et al. 2021, eq. 34).
/// Half-split pairs feature i with i + d/2 (transformers' rotate_half). Interleaved pairs 2i with 2i+1, which
/// is DeepSeek's inference/model.py apply_rotary_emb (view_as_complex); transformers' apply_rotary_pos_emb_interleave
/// computes the same rotated values but returns them permuted to [evens..., odds...], a fixed permutation that
/// both q and k share, so attention scores are identical. We keep the pairs in place.</summary>
public static unsafe class RotaryKernels
{
    /// <param name="x">[tokens, heads, headStride] F32.</param>
    /// <param name="rotaryOffset">First rotated feature within each head (MLA rotates the trailing qk_rope_head_dim).</param>
    /// <param name="cos">[maxPositions, rotaryDim / 2] table, attention scaling already applied.</param>
    public static void Apply(float* x, int tokens, int heads, int headStride, int rotaryOffset, int rotaryDim,
        int* positions, float* cos, float* sin, int maxPositions, RotaryLayout layout)
    {
        int half = rotaryDim / 2;
        for (int t = 0; t < tokens; t++)
        {
            int pos = positions[t];
            if ((uint)pos >= (uint)maxPositions)
                throw new ArgumentOutOfRangeException(nameof(positions), $"Position {pos} of token {t} is outside the rotary table of {maxPositions} positions.");
            float* c = cos + (long)pos * half;
            float* s = sin + (long)pos * half;
            for (int h = 0; h < heads; h++)
            {
                float* v = x + ((long)t * heads + h) * headStride + rotaryOffset;
                if (layout == RotaryLayout.HalfSplit)
                {
                    for (int i = 0; i < half; i++)
                    {
                        float a = v[i], b = v[i + half];
                        v[i] = a * c[i] - b * s[i];
                        v[i + half] = b * c[i] + a * s[i];
                    }
                }
                else
                {
                    for (int i = 0; i < half; i++)
                    {
                        float a = v[2 * i], b = v[2 * i + 1];
                        v[2 * i] = a * c[i] - b * s[i];
                        v[2 * i + 1] = b * c[i] + a * s[i];
                    }
                }
            }
        }
    }
}
