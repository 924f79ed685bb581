using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Backends;

/// <summary>Tensors and kernels on one device. Models call only this interface, so a CUDA backend (device
/// memory, work queued on a stream) plugs in without model changes: every operation writes into an output
/// the caller allocated once, may run asynchronously, and results are visible on the host after
/// <see cref="CopyToHost"/> (which synchronizes) or <see cref="Synchronize"/>. Operations work on rows of
/// contiguous tensors: the last axis is the feature axis, all leading axes are rows.</summary>
public interface IBackend : IDisposable
{
    Device Device { get; }

    /// <summary>A zeroed, contiguous tensor on this device.</summary>
    Tensor Allocate(DType dtype, Shape shape);

    /// <summary>A device copy of a host tensor (the same tensor when the device is the host), keeping block scales.</summary>
    Tensor Upload(Tensor host);

    /// <summary>Copies a device tensor into a host tensor of the same dtype and shape, after pending work.</summary>
    void CopyToHost(Tensor source, Tensor destination);

    /// <summary>Copies a device tensor into host memory of exactly its size (logits into the caller's array), after
    /// pending work.</summary>
    void CopyToHost<T>(Tensor source, Span<T> destination) where T : unmanaged;

    /// <summary>Copies a host tensor into a tensor of this backend of the same dtype and shape, ordered after the work
    /// already queued (per-step inputs such as token ids and positions, written into buffers allocated once). The
    /// source may be reused as soon as this returns.</summary>
    void CopyFromHost(Tensor source, Tensor destination);

    /// <summary>Waits for all queued work.</summary>
    void Synchronize();

    /// <summary><c>y[.., n] = x[.., k] · w[n, k]^T (+ bias[n])</c>; x, y, bias F32; w F32, BF16, F16, or F8E4M3 with block scales.</summary>
    void MatMul(Tensor x, Tensor weight, Tensor? bias, Tensor y);

    /// <summary>Several products of one input, <c>Output = x · Weight^T (+ Bias)</c> for each, with
    /// <see cref="MatMul(Tensor, Tensor, Tensor?, Tensor)"/>'s rules (attention's q/k/v projections). A backend may run
    /// them as one pass over x; the results are those of separate calls. With <paramref name="norm"/> the products
    /// read RMSNorm(x) instead of x.</summary>
    void MatMul(Tensor x, ReadOnlySpan<MatMulOutput> products, RmsNormInput? norm = null);

    /// <summary><c>y += x · w^T (+ bias)</c>: a residual projection (o_proj, down_proj) added into the hidden state, with
    /// <see cref="MatMul(Tensor, Tensor, Tensor?, Tensor)"/>'s rules. scratch, F32 like y, holds the product on backends
    /// that compute it apart; the result is that of MatMul and Add.</summary>
    void MatMulAdd(Tensor x, Tensor weight, Tensor? bias, Tensor scratch, Tensor y);

    /// <summary>The gated feed-forward input <c>y = silu(x · gate^T) * (x · up^T)</c> (SwiGLU's first half): gate and
    /// up weights [n, k] of one dtype (as MatMul), y and scratch F32 [rows, n]. scratch holds <c>x · up^T</c> on
    /// backends that compute the two products apart; the results are those of MatMul, MatMul and SwiGlu. With
    /// <paramref name="norm"/> the products read RMSNorm(x) instead of x.</summary>
    void SwiGluMatMul(Tensor x, Tensor gate, Tensor up, Tensor scratch, Tensor y, RmsNormInput? norm = null);

    /// <summary>RMSNorm over the last axis; weight F32 or BF16.</summary>
    void RmsNorm(Tensor x, Tensor weight, float eps, Tensor y);

    /// <summary>A residual add followed by RMSNorm, as one pass: <c>hidden += delta; normed = RMSNorm(hidden)</c>
    /// (weight F32 or BF16). The results are those of Add then RmsNorm.</summary>
    void AddRmsNorm(Tensor hidden, Tensor delta, Tensor weight, float eps, Tensor normed);

    /// <summary>LayerNorm over the last axis; weight and optional bias F32.</summary>
    void LayerNorm(Tensor x, Tensor weight, Tensor? bias, float eps, Tensor y);

    void Silu(Tensor x, Tensor y);

    /// <summary><c>y = silu(gate) * up</c>.</summary>
    void SwiGlu(Tensor gate, Tensor up, Tensor y);

    void Gelu(Tensor x, Tensor y, GeluApproximation approximation);

    /// <summary>Softmax of <c>x * scale</c> over the last axis, restricted to the first validLengths[row]
    /// columns (I32, one per row; null for all), the rest set to 0.</summary>
    void Softmax(Tensor x, Tensor y, float scale = 1f, Tensor? validLengths = null);

    /// <summary>Rotates x [tokens, heads, headDim] in place over features [rotaryOffset, rotaryOffset + rotaryDim)
    /// of each head, rotaryDim = 2 * cos.Shape[1], at positions (I32 [tokens]), with F32 cos/sin tables
    /// [maxPositions, rotaryDim / 2].</summary>
    void ApplyRotary(Tensor x, Tensor positions, Tensor cos, Tensor sin, RotaryLayout layout, int rotaryOffset = 0);

    /// <summary>Gathers table rows (F32, BF16 or F16) for ids (I32 or I64) into F32 y [.., cols].</summary>
    void Embedding(Tensor ids, Tensor table, Tensor y);

    /// <summary>Index (I32) of each row's maximum; ties to the lower index.</summary>
    void Argmax(Tensor x, Tensor indices);

    /// <summary>The k = values.Shape[-1] largest values of each row, descending, and their I32 indices.</summary>
    void TopK(Tensor x, Tensor values, Tensor indices);

    /// <summary><c>y = a + b</c>; b has a's shape or is one row broadcast over a's rows.</summary>
    void Add(Tensor a, Tensor b, Tensor y);

    /// <summary><c>y = a * b</c>; b has a's shape or is one row broadcast over a's rows.</summary>
    void Mul(Tensor a, Tensor b, Tensor y);

    void Scale(Tensor x, float scale, Tensor y);

    /// <summary><c>y = a + scale * b</c>.</summary>
    void AddScaled(Tensor a, Tensor b, float scale, Tensor y);

    /// <summary>Copies source into destination of the same shape, converting dtype (F32 to/from BF16/F16, FP8 to F32).</summary>
    void Convert(Tensor source, Tensor destination);

    // ---- Multi-head latent attention (added by the model branch; kernel in Cpu/AttentionKernels.cs) ----

    /// <summary>Causal MLA attention in the absorbed form (DeepSeek-V2 §2.1.2) over a latent cache: stores the step's
    /// latents [tokens, rank] (normalized) and ropeKeys [tokens, rope] or [tokens, 1, rope] (rotated) into rows
    /// start.. of cacheLatents [capacity, rank] and cacheRopeKeys [capacity, rope], then attends query [tokens, heads,
    /// nope + rope] (rotated) — token t at position start + t — over cache rows 0..start + t. kvUpTransposed is F32
    /// [rank, heads · (nope + v)] (kv_b_proj's weight transposed), output [tokens, heads, v]. Keys and values are never
    /// expanded, and the caller builds no per-step view of the cache (a decode step allocates nothing).</summary>
    void LatentAttention(Tensor query, Tensor latents, Tensor ropeKeys, Tensor cacheLatents, Tensor cacheRopeKeys, int start,
        Tensor kvUpTransposed, int nopeDim, float scale, Tensor output);

    // ---- Grouped-query attention over a standard K/V cache (added by the distill branch; kernel in Cpu/GroupedQueryAttentionKernels.cs) ----

    /// <summary>Causal grouped-query attention (Llama, Qwen2) over a standard key/value cache. Row r of the batch
    /// belongs to cache slot <c>slots[r]</c> (I32 [rows]) at position <c>positions[r]</c> (I32 [rows]): first its new
    /// keys [rows, kvHeads, headDim] and values [rows, kvHeads, valueDim] are stored at that position of cacheKeys
    /// [slots, kvHeads, capacity, headDim] and cacheValues [slots, kvHeads, capacity, valueDim]; then its query
    /// [rows, heads, headDim] (rotated) attends over positions 0..positions[r] of its slot, query head h reading
    /// key/value head h / (heads / kvHeads), softmax of <c>q·k · scale</c>, into output [rows, heads, valueDim].
    /// Positions below positions[r] must already be in the cache or be stored by another row of the same call (a
    /// prompt's rows share a slot; a decode batch has one row per slot). With <paramref name="rotary"/>, query and keys
    /// are first rotated at their positions, as <see cref="ApplyRotary"/> with offset 0 would (one call replaces two
    /// rotations and the attention); the rotated keys are what the cache keeps. The query and keys tensors are scratch
    /// then: a backend may rotate them in place or leave them as they were.</summary>
    void GroupedQueryAttention(Tensor query, Tensor keys, Tensor values, Tensor cacheKeys, Tensor cacheValues, Tensor slots, Tensor positions, float scale, Tensor output,
        RotaryTables? rotary = null);

    // ---- Vision: convolution, group norm, upsampling, unmasked attention (added by the janus branch; kernels in
    // Cpu/ConvolutionKernels.cs, Cpu/GroupNormKernels.cs, Cpu/UpsampleKernels.cs, Cpu/UnmaskedAttentionKernels.cs) ----

    /// <summary>2-D convolution as torch.nn.Conv2d (cross-correlation, groups 1, dilation 1) on channels-last images:
    /// x F32 [batch, height, width, inChannels]; weight [outChannels, inChannels, kernelH, kernelW] as PyTorch stores it
    /// (F32, BF16 or F16); optional F32 bias [outChannels]; <paramref name="padding"/> zeros on every side and
    /// <paramref name="stride"/> in both directions; y F32 [batch, outHeight, outWidth, outChannels] with
    /// outHeight = (height + 2·padding − kernelH) / stride + 1 (likewise the width).</summary>
    void Conv2d(Tensor x, Tensor weight, Tensor? bias, int stride, int padding, Tensor y);

    /// <summary>GroupNorm as torch.nn.GroupNorm on channels-last x F32 [batch, positions, channels]: per batch item,
    /// each of <paramref name="groups"/> consecutive channel groups is normalized over its positions × channels with
    /// the biased variance, then <c>· weight[c] + bias[c]</c> (F32 [channels]). y may be x.</summary>
    void GroupNorm(Tensor x, int groups, Tensor weight, Tensor bias, float eps, Tensor y);

    /// <summary>Nearest-neighbour upsampling by the integer factors that y's shape implies (F.interpolate mode
    /// "nearest"): x F32 [batch, height, width, channels] into y [batch, height·fy, width·fx, channels].</summary>
    void UpsampleNearest(Tensor x, Tensor y);

    /// <summary>Scaled dot-product attention without a mask (encoders): query [batch, queries, heads, headDim], keys
    /// [batch, keys, heads, headDim], values [batch, keys, heads, valueDim], all F32; each query of a batch item attends
    /// to every key of that item with softmax(q·k · scale); output [batch, queries, heads, valueDim].</summary>
    void UnmaskedAttention(Tensor query, Tensor keys, Tensor values, float scale, Tensor output);

    // ---- Mixture of experts with the routing kept on the device (added by the gpumoe branch; kernels in
    // Cpu/ExpertKernels.cs, Cuda/Kernels/moe.cu). Decode uses them so that no step waits on the host. ----

    /// <summary>Gathers one projection of every routed expert (matrices of one shape and dtype) for
    /// <see cref="ExpertGateUp"/> and <see cref="ExpertDown"/>; done once at load.</summary>
    ExpertWeights PrepareExperts(IReadOnlyList<Tensor> matrices);

    /// <summary>Routes each row of gate logits (F32 [rows, router.Experts]) exactly as
    /// <see cref="Layers.ExpertRouter.Route"/> does: the chosen expert ids into experts (I32 [rows, router.TopK]),
    /// in the router's order (selection score descending, ties to the lower index), and their combination weights
    /// into weights (F32 [rows, router.TopK]). correctionBias: the router's e_score_correction_bias as an F32
    /// [router.Experts] tensor on this backend when it has one (noaux_tc), else null.</summary>
    void RouteExperts(Tensor logits, Layers.ExpertRouter router, Tensor? correctionBias, Tensor experts, Tensor weights);

    /// <summary>The first half of each chosen expert's SwiGLU MLP: for row r of x (F32 [rows, in]) and its j-th
    /// expert e = experts[r, j] (I32 [rows, k]), <c>hidden[r, j] = silu(x[r] · gate[e]ᵀ) * (x[r] · up[e]ᵀ)</c>,
    /// hidden F32 [rows, k, out].</summary>
    void ExpertGateUp(Tensor x, ExpertWeights gate, ExpertWeights up, Tensor experts, Tensor hidden);

    /// <summary>The second half, summed into y (F32 [rows, out]): for each row r, over its experts in ascending id
    /// order (the order in which the grouped path adds them), <c>y[r] = y[r] + weights[r, j] · (hidden[r, j] ·
    /// down[e]ᵀ)</c> with e = experts[r, j], hidden F32 [rows, k, in], weights F32 [rows, k]. When
    /// <paramref name="sharedDown"/> (a weight [out, sharedIn] of the experts' dtype: the shared experts' down_proj)
    /// and <paramref name="sharedHidden"/> (F32 [rows, sharedIn]) are given, the sum starts from
    /// <c>sharedHidden[r] · sharedDownᵀ</c> instead of y's contents. Deterministic: the same inputs give the same y
    /// on every run.</summary>
    void ExpertDown(Tensor hidden, ExpertWeights down, Tensor experts, Tensor weights, Tensor y, Tensor? sharedHidden = null, Tensor? sharedDown = null);
}
