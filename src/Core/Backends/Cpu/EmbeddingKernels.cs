using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Backends.Cpu;

/// <summary>Embedding lookup: copies table rows to F32 output rows, converting BF16/F16 in registers.</summary>
public static unsafe class EmbeddingKernels
{
    /// <param name="ids">Token ids, I32 or I64 per <paramref name="idsAreInt64"/>.</param>
    public static void Gather(void* ids, bool idsAreInt64, int count, byte* table, DType tableType, int vocab, int cols, float* y)
    {
        int size = tableType.SizeOf();
        for (int t = 0; t < count; t++)
        {
            long id = idsAreInt64 ? ((long*)ids)[t] : ((int*)ids)[t];
            if ((ulong)id >= (ulong)vocab)
                throw new ArgumentOutOfRangeException(nameof(ids), $"Token id {id} at position {t} is outside the vocabulary of {vocab}.");
            byte* row = table + id * cols * size;
            float* dst = y + (long)t * cols;
            switch (tableType)
            {
                case DType.F32: new ReadOnlySpan<float>(row, cols).CopyTo(new Span<float>(dst, cols)); break;
                case DType.BF16: DotKernels.Convert<BF16Loader>(row, dst, cols, 1f); break;
                case DType.F16: DotKernels.Convert<F16Loader>(row, dst, cols, 1f); break;
                default: throw new NotSupportedException($"Embedding tables must be F32, BF16 or F16, got {tableType}.");
            }
        }
    }
}
