using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Backends.Cuda;

// Operations of the image encoders and the VQ decoder (Kernels/encoder.cu, full_attend in attention.cu). A
// convolution is a matrix product: each output pixel's patch, laid out in the weight's [in, kh, kw] order by
// im2col, times the weight viewed as [out, in·kh·kw], through the same GEMV/GEMM paths as MatMul (a 1x1 stride-1
// convolution without padding skips im2col: the image already is that matrix). im2col runs over chunks of output
// pixels so that its scratch copy stays under CudaBackendOptions.ConvolutionScratchBytes whatever the image size.
public sealed unsafe partial class CudaBackend
{
    public void Conv2d(Tensor x, Tensor weight, Tensor? bias, int stride, int padding, Tensor y)
    {
        const string op = nameof(Conv2d);
        Enter();
        _checks.Type(x, DType.F32, op, nameof(x));
        _checks.Type(y, DType.F32, op, nameof(y));
        _checks.OnDevice(weight, op, nameof(weight));
        if (bias is not null) _checks.Type(bias, DType.F32, op, nameof(bias));
        var d = OperationShapes.Conv2d(x, weight, bias, stride, padding, y);
        long pixels = (long)d.Batch * d.OutHeight * d.OutWidth;
        if (pixels == 0 || d.OutChannels == 0) return;
        ulong px = CudaChecks.Address(x), pw = CudaChecks.Address(weight), py = CudaChecks.Address(y);
        ulong pb = bias is null ? 0 : CudaChecks.Address(bias);
        int patch = d.PatchSize;
        if (d.KernelH == 1 && d.KernelW == 1 && stride == 1 && padding == 0)
        {
            Product(px, checked((int)pixels), patch, pw, weight.DType, pb, py, d.OutChannels);
            return;
        }
        long chunk = Math.Max(1, _options.ConvolutionScratchBytes / (patch * 4L));
        ulong cols = _scratch.Get("conv2d.cols", Math.Min(chunk, pixels) * patch * 4L);
        int height = d.Height, width = d.Width, channels = d.InChannels, kh = d.KernelH, kw = d.KernelW, outH = d.OutHeight, outW = d.OutWidth;
        long first = 0, count = 0;
        void** args = stackalloc void*[] { &px, &height, &width, &channels, &kh, &kw, &stride, &padding, &outH, &outW, &first, &count, &cols };
        for (; first < pixels; first += chunk)
        {
            count = Math.Min(chunk, pixels - first);
            _graphs.Kernel(_functions.Im2Col, Blocks(count * patch), 1, ElementwiseBlock, 0, args, "im2col_f32");
            Product(cols, (int)count, patch, pw, weight.DType, pb, py + (ulong)(first * d.OutChannels * 4), d.OutChannels);
        }
    }

    public void GroupNorm(Tensor x, int groups, Tensor weight, Tensor bias, float eps, Tensor y)
    {
        const string op = nameof(GroupNorm);
        Enter();
        CheckUnary(x, y, op);
        _checks.Type(weight, DType.F32, op, nameof(weight));
        _checks.Type(bias, DType.F32, op, nameof(bias));
        int channels = OperationShapes.GroupNorm(x, groups, weight, bias);
        int positions = x.Shape[1];
        if (x.ElementCount == 0) return;
        ulong px = CudaChecks.Address(x), pw = CudaChecks.Address(weight), pb = CudaChecks.Address(bias), py = CudaChecks.Address(y);
        void** args = stackalloc void*[] { &px, &positions, &channels, &groups, &pw, &pb, &eps, &py };
        _graphs.Kernel(_functions.GroupNorm, (uint)(x.Shape[0] * groups), 1, 1024, 0, args, "groupnorm_f32");
    }

    public void UpsampleNearest(Tensor x, Tensor y)
    {
        const string op = nameof(UpsampleNearest);
        Enter();
        _checks.Type(x, DType.F32, op, nameof(x));
        _checks.Type(y, DType.F32, op, nameof(y));
        var (fy, fx) = OperationShapes.UpsampleNearest(x, y);
        long n = y.ElementCount;
        if (n == 0) return;
        int height = x.Shape[1], width = x.Shape[2], channels = x.Shape[3];
        ulong px = CudaChecks.Address(x), py = CudaChecks.Address(y);
        void** args = stackalloc void*[] { &px, &height, &width, &channels, &fy, &fx, &py, &n };
        _graphs.Kernel(_functions.UpsampleNearest, Blocks(n), 1, ElementwiseBlock, 0, args, "upsample_nearest_f32");
    }

    public void UnmaskedAttention(Tensor query, Tensor keys, Tensor values, float scale, Tensor output)
    {
        const string op = nameof(UnmaskedAttention);
        Enter();
        _checks.Type(query, DType.F32, op, nameof(query));
        _checks.Type(keys, DType.F32, op, nameof(keys));
        _checks.Type(values, DType.F32, op, nameof(values));
        _checks.Type(output, DType.F32, op, nameof(output));
        var d = OperationShapes.UnmaskedAttention(query, keys, values, output);
        int items = checked(d.Batch * d.Queries * d.Heads);
        if (items == 0) return;
        int splits = Splits(items, d.Keys);
        var (pMax, pSum, pValues) = Partials(items, splits, d.ValueDim);
        ulong pq = CudaChecks.Address(query), pk = CudaChecks.Address(keys), pv = CudaChecks.Address(values), po = CudaChecks.Address(output);
        int queries = d.Queries, keyCount = d.Keys, heads = d.Heads, headDim = d.HeadDim, valueDim = d.ValueDim;
        uint shared = AttentionShared(headDim, 0, valueDim, _functions.FullAttend);
        void** args = stackalloc void*[] { &pq, &pk, &pv, &queries, &keyCount, &heads, &headDim, &valueDim, &scale, &splits, &pMax, &pSum, &pValues };
        _graphs.Kernel(_functions.FullAttend, (uint)items, (uint)splits, AttentionBlock, shared, args, "full_attend");
        Combine(pMax, pSum, pValues, splits, valueDim, po, items);
    }
}
