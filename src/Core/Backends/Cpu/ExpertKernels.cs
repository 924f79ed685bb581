using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Backends.Cpu;

/// <summary>The CPU side of the device-routed mixture of experts (<see cref="IBackend.RouteExperts"/>,
/// <see cref="IBackend.ExpertGateUp"/>, <see cref="IBackend.ExpertDown"/>): routing is <see cref="ExpertRouter.Route"/>
/// row by row, and each chosen expert runs the same kernels in the same order as <see cref="Mlp.Forward"/> followed by
/// <see cref="IBackend.AddScaled"/> would, so the results equal the host-routed path bit for bit and cost the same.</summary>
internal static unsafe class ExpertKernels
{
    // The up product of one (token, expert) pair, or one expert's down product: reused, never shrunk.
    [ThreadStatic]
    private static float[]? t_scratch;

    public static void Route(ExpertRouter router, float* logits, int rows, int* ids, float* weights)
    {
        int experts = router.Experts, k = router.TopK;
        for (int r = 0; r < rows; r++)
            router.Route(new ReadOnlySpan<float>(logits + (long)r * experts, experts), new Span<int>(ids + (long)r * k, k),
                new Span<float>(weights + (long)r * k, k));
    }

    public static void GateUp(CpuThreadPool pool, float* x, int rows, int k, ExpertWeights gate, ExpertWeights up, int* ids, float* hidden)
    {
        int inFeatures = gate.InFeatures, outFeatures = gate.OutFeatures;
        fixed (float* scratch = Scratch(outFeatures))
        {
            for (int r = 0; r < rows; r++)
                for (int j = 0; j < k; j++)
                {
                    int e = Expert(ids, r, j, k, gate.Count);
                    float* h = hidden + ((long)r * k + j) * outFeatures;
                    MatMulKernels.MatMul(pool, x + (long)r * inFeatures, 1, Matrix(gate.Matrices[e]), null, h);
                    MatMulKernels.MatMul(pool, x + (long)r * inFeatures, 1, Matrix(up.Matrices[e]), null, scratch);
                    ActivationKernels.SwiGlu(h, scratch, h, outFeatures);
                }
        }
    }

    public static void Down(CpuThreadPool pool, float* hidden, int rows, int k, ExpertWeights down, int* ids, float* weights,
        float* sharedHidden, Tensor? sharedDown, float* y)
    {
        int inFeatures = down.InFeatures, outFeatures = down.OutFeatures;
        fixed (float* scratch = Scratch(outFeatures))
        {
            for (int r = 0; r < rows; r++)
            {
                float* yRow = y + (long)r * outFeatures;
                // The shared experts' down_proj writes the row first, as Mlp.Forward did into y.
                if (sharedDown is not null)
                    MatMulKernels.MatMul(pool, sharedHidden + (long)r * sharedDown.Shape[1], 1, Matrix(sharedDown), null, yRow);
                int previous = -1;
                for (int done = 0; done < k; done++)
                {
                    // The row's next expert in ascending id (ids of a row are distinct).
                    int next = -1;
                    for (int j = 0; j < k; j++)
                    {
                        int e = Expert(ids, r, j, k, down.Count);
                        if (e > previous && (next < 0 || e < ids[(long)r * k + next])) next = j;
                    }
                    int expert = ids[(long)r * k + next];
                    MatMulKernels.MatMul(pool, hidden + ((long)r * k + next) * inFeatures, 1, Matrix(down.Matrices[expert]), null, scratch);
                    ElementwiseKernels.AddScaled(yRow, scratch, weights[(long)r * k + next], yRow, outFeatures);
                    previous = expert;
                }
            }
        }
    }

    private static int Expert(int* ids, int row, int j, int k, int count)
    {
        int e = ids[(long)row * k + j];
        if ((uint)e >= (uint)count)
            throw new ArgumentOutOfRangeException("experts", e, $"Expert id {e} at [{row}, {j}] is outside 0..{count - 1}.");
        return e;
    }

    private static float[] Scratch(int length)
    {
        var scratch = t_scratch;
        if (scratch is null || scratch.Length < length) t_scratch = scratch = new float[length];
        return scratch;
    }

    // The matrices were checked by OperationShapes.ExpertMatrices when the set was prepared.
    private static WeightMatrix Matrix(Tensor w) => w.Scales is { } s
        ? new WeightMatrix(w.DataPointer, w.DType, w.Shape[0], w.Shape[1], (float*)s.Scales.DataPointer, s.BlockRows, s.BlockCols)
        : new WeightMatrix(w.DataPointer, w.DType, w.Shape[0], w.Shape[1]);
}
