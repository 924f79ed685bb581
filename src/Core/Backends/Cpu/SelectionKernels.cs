namespace DeepSeek.Sdk.Backends.Cpu;

/// <summary>Argmax and top-k per row. Ties go to the lower index, as torch.topk and torch.argmax do on CPU
/// for these shapes, so greedy decoding and expert routing are deterministic.</summary>
public static unsafe class SelectionKernels
{
    public static void Argmax(float* x, int rows, int cols, int* indices)
    {
        for (int r = 0; r < rows; r++)
        {
            float* row = x + (long)r * cols;
            int best = 0;
            float bestValue = row[0];
            for (int i = 1; i < cols; i++)
                if (row[i] > bestValue)
                {
                    bestValue = row[i];
                    best = i;
                }
            indices[r] = best;
        }
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
