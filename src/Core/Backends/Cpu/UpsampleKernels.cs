namespace DeepSeek.Sdk.Backends.Cpu;

/// <summary>Nearest-neighbour upsampling by integer factors on channels-last images, as
/// <c>F.interpolate(x, scale_factor=f, mode="nearest")</c> computes it: output pixel (oy, ox) copies input pixel
/// (⌊oy / fy⌋, ⌊ox / fx⌋), which is what torch's nearest index <c>floor(dst · in / out)</c> gives for an integral
/// factor. Each output pixel is one contiguous run of channels.</summary>
public static unsafe class UpsampleKernels
{
    /// <param name="x">[batch, height, width, channels].</param>
    /// <param name="y">[batch, height · factorY, width · factorX, channels].</param>
    public static void Nearest(CpuThreadPool pool, float* x, int batch, int height, int width, int channels, int factorY, int factorX, float* y)
    {
        var work = new Work { X = x, Height = height, Width = width, Channels = channels, FactorY = factorY, FactorX = factorX, Y = y };
        int outRows = batch * height * factorY;
        // One output row copies width · factorX runs of channels; a few rows are worth a thread.
        pool.Run(ref work, outRows, Math.Max(1, 16384 / Math.Max(1, width * factorX * channels)));
    }

    private struct Work : IRangeWork
    {
        public float* X, Y;
        public int Height, Width, Channels, FactorY, FactorX;

        public readonly void Execute(int start, int end)
        {
            int outHeight = Height * FactorY, outWidth = Width * FactorX;
            long runBytes = (long)Channels * sizeof(float);
            for (int row = start; row < end; row++)
            {
                int b = row / outHeight, oy = row % outHeight;
                float* source = X + ((long)b * Height + oy / FactorY) * Width * Channels;
                float* target = Y + (long)row * outWidth * Channels;
                for (int ox = 0; ox < outWidth; ox++)
                    Buffer.MemoryCopy(source + (long)(ox / FactorX) * Channels, target + (long)ox * Channels, runBytes, runBytes);
            }
        }
    }
}
