using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Backends;

/// <summary>Shape rules of the encoder and decoder operations (<see cref="IBackend.Conv2d"/>,
/// <see cref="IBackend.GroupNorm"/>, <see cref="IBackend.UpsampleNearest"/>, <see cref="IBackend.UnmaskedAttention"/>),
/// shared by every backend so that a wrong shape reads the same on each device. Types and placement are each
/// backend's own check, made before these.</summary>
internal static class EncoderShapes
{
    public readonly record struct Conv2dDims(int Batch, int Height, int Width, int InChannels, int OutChannels,
        int KernelH, int KernelW, int OutHeight, int OutWidth)
    {
        /// <summary>Inputs per output: the row length of the weight viewed as a matrix [out, in·kh·kw].</summary>
        public int PatchSize => checked(InChannels * KernelH * KernelW);
    }

    public static Conv2dDims Conv2d(Tensor x, Tensor weight, Tensor? bias, int stride, int padding, Tensor y)
    {
        const string op = nameof(IBackend.Conv2d);
        if (x.Rank != 4 || y.Rank != 4 || weight.Rank != 4)
            throw new ArgumentException($"{op}: expected x [batch, height, width, in], weight [out, in, kh, kw] and y [batch, outHeight, outWidth, out]; got x {x.Shape}, weight {weight.Shape}, y {y.Shape}.");
        if (weight.DType is not (DType.F32 or DType.BF16 or DType.F16))
            throw new ArgumentException($"{op}: weight must be F32, BF16 or F16, got {weight.DType}.", nameof(weight));
        if (stride < 1) throw new ArgumentOutOfRangeException(nameof(stride), stride, $"{op}: stride must be at least 1.");
        if (padding < 0) throw new ArgumentOutOfRangeException(nameof(padding), padding, $"{op}: padding must not be negative.");
        int batch = x.Shape[0], height = x.Shape[1], width = x.Shape[2], inChannels = x.Shape[3];
        int outChannels = weight.Shape[0], kernelH = weight.Shape[2], kernelW = weight.Shape[3];
        if (weight.Shape[1] != inChannels)
            throw new ArgumentException($"{op}: weight {weight.Shape} must take the {inChannels} channels of x {x.Shape}.", nameof(weight));
        int outHeight = (height + 2 * padding - kernelH) / stride + 1, outWidth = (width + 2 * padding - kernelW) / stride + 1;
        if (height + 2 * padding < kernelH || width + 2 * padding < kernelW || y.Shape != new Shape(batch, outHeight, outWidth, outChannels))
            throw new ArgumentException($"{op}: y {y.Shape} must be [{batch}, {outHeight}, {outWidth}, {outChannels}] for x {x.Shape}, a {kernelH}x{kernelW} kernel, stride {stride} and padding {padding}.", nameof(y));
        if (bias is not null && bias.ElementCount != outChannels)
            throw new ArgumentException($"{op}: bias {bias.Shape} must have {outChannels} values.", nameof(bias));
        return new Conv2dDims(batch, height, width, inChannels, outChannels, kernelH, kernelW, outHeight, outWidth);
    }

    /// <summary>Checks GroupNorm's arguments and returns the channel count.</summary>
    public static int GroupNorm(Tensor x, int groups, Tensor weight, Tensor bias)
    {
        const string op = nameof(IBackend.GroupNorm);
        if (x.Rank != 3) throw new ArgumentException($"{op}: x {x.Shape} must be [batch, positions, channels].", nameof(x));
        int channels = x.Shape[2];
        if (groups < 1 || channels % groups != 0)
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"{op}: the number of groups must divide the {channels} channels.");
        if (weight.ElementCount != channels || bias.ElementCount != channels)
            throw new ArgumentException($"{op}: weight {weight.Shape} and bias {bias.Shape} must have {channels} values.", nameof(weight));
        return channels;
    }

    /// <summary>Checks the shapes of a nearest upsampling and returns its vertical and horizontal factors.</summary>
    public static (int Fy, int Fx) UpsampleNearest(Tensor x, Tensor y)
    {
        if (x.Rank != 4 || y.Rank != 4 || x.Shape[0] != y.Shape[0] || x.Shape[3] != y.Shape[3]
            || x.Shape[1] == 0 || x.Shape[2] == 0 || y.Shape[1] % x.Shape[1] != 0 || y.Shape[2] % x.Shape[2] != 0 || y.Shape[1] < x.Shape[1] || y.Shape[2] < x.Shape[2])
            throw new ArgumentException($"{nameof(IBackend.UpsampleNearest)}: y {y.Shape} must be x {x.Shape} ([batch, height, width, channels]) with height and width multiplied by whole factors.", nameof(y));
        return (y.Shape[1] / x.Shape[1], y.Shape[2] / x.Shape[2]);
    }

    public readonly record struct AttentionDims(int Batch, int Queries, int Keys, int Heads, int HeadDim, int ValueDim);

    public static AttentionDims UnmaskedAttention(Tensor query, Tensor keys, Tensor values, Tensor output)
    {
        const string op = nameof(IBackend.UnmaskedAttention);
        if (query.Rank != 4 || keys.Rank != 4 || values.Rank != 4 || output.Rank != 4)
            throw new ArgumentException($"{op}: expected query/keys/values/output [batch, tokens, heads, dim].");
        int batch = query.Shape[0], queries = query.Shape[1], heads = query.Shape[2], headDim = query.Shape[3];
        int keyCount = keys.Shape[1], valueDim = values.Shape[3];
        if (keys.Shape != new Shape(batch, keyCount, heads, headDim) || keyCount == 0)
            throw new ArgumentException($"{op}: keys {keys.Shape} must be [{batch}, keys ≥ 1, {heads}, {headDim}].", nameof(keys));
        if (values.Shape != new Shape(batch, keyCount, heads, valueDim))
            throw new ArgumentException($"{op}: values {values.Shape} must be [{batch}, {keyCount}, {heads}, v].", nameof(values));
        if (output.Shape != new Shape(batch, queries, heads, valueDim))
            throw new ArgumentException($"{op}: output {output.Shape} must be [{batch}, {queries}, {heads}, {valueDim}].", nameof(output));
        return new AttentionDims(batch, queries, keyCount, heads, headDim, valueDim);
    }
}
