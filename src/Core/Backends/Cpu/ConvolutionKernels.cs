using System.Buffers;

namespace DeepSeek.Sdk.Backends.Cpu;

/// <summary>2-D convolution as torch.nn.Conv2d computes it (cross-correlation, groups 1, dilation 1, zero padding),
/// on channels-last images. The weight stays as PyTorch stores it, [out, in, kh, kw], which read row by row is a
/// [out, in · kh · kw] matrix; unfolding each output pixel's receptive field in that same (in, ky, kx) order
/// ("im2col", Chellapilla et al. 2006) turns the convolution into <see cref="MatMulKernels.MatMul"/> over tiles of
/// output pixels. Tiles bound the unfolded buffer (a 384×384 image with 128 channels would need 680 MB unfolded at
/// once); a 1×1 convolution with stride 1 needs no unfolding at all.</summary>
public static unsafe class ConvolutionKernels
{
    // Floats of unfolded input per tile: 4 MB keeps a tile in the last-level cache while MatMul sweeps it.
    private const int ColumnBudget = 1 << 20;

    /// <param name="x">[batch, height, width, inChannels].</param>
    /// <param name="w">[outChannels, inChannels · kernelH · kernelW].</param>
    /// <param name="y">[batch, outHeight, outWidth, outChannels].</param>
    public static void Conv2d(CpuThreadPool pool, float* x, int batch, int height, int width, int inChannels,
        in WeightMatrix w, int kernelH, int kernelW, float* bias, int stride, int padding, float* y, int outHeight, int outWidth)
    {
        int pixels = checked(batch * outHeight * outWidth);
        if (kernelH == 1 && kernelW == 1 && stride == 1 && padding == 0)
        {
            MatMulKernels.MatMul(pool, x, pixels, w, bias, y);
            return;
        }
        int k = w.Cols;
        int tile = Math.Min(pixels, Math.Max(16, ColumnBudget / k));
        float[] rented = ArrayPool<float>.Shared.Rent(tile * k);
        try
        {
            fixed (float* columns = rented)
            {
                var unfold = new UnfoldWork
                {
                    X = x, Height = height, Width = width, InChannels = inChannels, KernelH = kernelH, KernelW = kernelW,
                    Stride = stride, Padding = padding, OutHeight = outHeight, OutWidth = outWidth, Columns = columns,
                };
                for (int first = 0; first < pixels; first += tile)
                {
                    int count = Math.Min(tile, pixels - first);
                    unfold.FirstPixel = first;
                    // Unfolding is k copies per pixel against k · outChannels multiply-adds for MatMul; chunks of
                    // 64 pixels are enough work for a thread.
                    pool.Run(ref unfold, count, 64);
                    MatMulKernels.MatMul(pool, columns, count, w, bias, y + (long)first * w.Rows);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>Writes the receptive fields of output pixels [FirstPixel + start, FirstPixel + end) as rows of
    /// Columns, each in the weight's (in, ky, kx) order, zeros where the field reaches into the padding.</summary>
    private struct UnfoldWork : IRangeWork
    {
        public float* X;
        public int Height, Width, InChannels, KernelH, KernelW, Stride, Padding, OutHeight, OutWidth;
        public float* Columns;
        public int FirstPixel;

        public readonly void Execute(int start, int end)
        {
            int taps = KernelH * KernelW;
            int k = InChannels * taps;
            for (int row = start; row < end; row++)
            {
                int pixel = FirstPixel + row;
                int ox = pixel % OutWidth;
                int rest = pixel / OutWidth;
                int oy = rest % OutHeight;
                int b = rest / OutHeight;
                float* column = Columns + (long)row * k;
                for (int ky = 0; ky < KernelH; ky++)
                {
                    int iy = oy * Stride - Padding + ky;
                    for (int kx = 0; kx < KernelW; kx++)
                    {
                        int ix = ox * Stride - Padding + kx;
                        int tap = ky * KernelW + kx;
                        if ((uint)iy >= (uint)Height || (uint)ix >= (uint)Width)
                        {
                            for (int c = 0; c < InChannels; c++) column[c * taps + tap] = 0f;
                            continue;
                        }
                        float* source = X + (((long)b * Height + iy) * Width + ix) * InChannels;
                        for (int c = 0; c < InChannels; c++) column[c * taps + tap] = source[c];
                    }
                }
            }
        }
    }
}
