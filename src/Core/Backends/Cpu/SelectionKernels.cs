using System.Numerics.Tensors;
namespace DeepSeek.Sdk.Backends.Cpu;

/// <summary>Argmax and top-k per row. Ties go to the lower index, as torch.topk and torch.argmax do on CPU
/// for these shapes, so greedy decoding and expert routing are deterministic.</summary>
public static unsafe class SelectionKernels
{
    public static void Argmax(float* x, int rows, int cols, int* indices)
    {
        for (int r = 0; r < rows; r++) indices[r] = ArgMax(new ReadOnlySpan<float>(x + (long)r * cols, cols));
    }

    /// <summary>Index of the largest value; the lowest index wins ties (torch.argmax's rule) and NaN never wins over a
    /// number (an all-NaN row gives 0).</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        // Vectorized: the maximum, then its first occurrence (two passes over a 600 KB row cost less than one scalar
        // pass, and greedy decoding waits on this between steps). NaN values take the scalar path, which skips them.
        float max = TensorPrimitives.Max(values);
        if (!float.IsNaN(max)) return values.IndexOf(max);
        int best = 0;
        float bestValue = values[0];
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > bestValue || (float.IsNaN(bestValue) && !float.IsNaN(values[i])))
            {
                bestValue = values[i];
                best = i;
            }
        }
        return best;
    }

    /// <summary>The <paramref name="k"/> largest values of each row in descending order, with their indices.
    /// Insertion into a sorted list of k: k is small (experts per token, sampling candidates).</summary>
    public static void TopK(float* x, int rows, int cols, int k, float* values, int* indices)
    {
        for (int r = 0; r < rows; r++)
        {
            float* row = x + (long)r * cols;
            float* v = values + (long)r * k;
            int* ix = indices + (long)r * k;
            int filled = 0;
            for (int i = 0; i < cols; i++)
            {
                float value = row[i];
                // Strictly greater: an equal later value never displaces an earlier one.
                if (filled == k && !(value > v[k - 1])) continue;
                int slot = filled < k ? filled++ : k - 1;
                while (slot > 0 && value > v[slot - 1])
                {
                    v[slot] = v[slot - 1];
                    ix[slot] = ix[slot - 1];
                    slot--;
                }
                v[slot] = value;
                ix[slot] = i;
            }
        }
    }
}
