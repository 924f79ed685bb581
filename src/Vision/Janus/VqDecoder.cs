using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Vision.Janus;

/// <summary>Turns a grid of image tokens into RGB: the VQGAN decoder of LlamaGen's VQ-16 (Sun et al. 2024) that
/// Janus generates with (transformers JanusVQVAE.decode). Token ids pick rows of the codebook, L2-normalized
/// (codebook_l2_norm; JanusVQVAEVectorQuantizer.get_codebook_entry), laid out as an image of num_patches² pixels;
/// post_quant_conv lifts them to latent_channels; the decoder's conv_in, mid block (resnet, attention, resnet) and
/// one level per channel multiplier (num_res_blocks + 1 resnet blocks each, attention after each block at the
/// lowest resolution, then ×2 nearest upsampling and a 3×3 convolution except at the last level) bring the map to
/// full resolution; norm_out, swish and conv_out give three channels in about [-1, 1]. Everything runs
/// channels-last, one image at a time (a 384×384 map of 128 channels is 75 MB per buffer).</summary>
public sealed class VqDecoder
{
    private readonly VqLevel[] _levels;
    private readonly VqWorkspace _workspace;
    private readonly int[] _hostIds;
    private readonly Tensor _ids;

    private VqDecoder(IBackend backend, JanusVqConfig config, Tensor codebook, Conv2d postQuantConv, Conv2d convIn, VqResnetBlock midBlock1,
        VqAttentionBlock midAttention, VqResnetBlock midBlock2, VqLevel[] levels, GroupNorm normOut, Conv2d convOut)
    {
        Config = config;
        Codebook = codebook;
        PostQuantConv = postQuantConv;
        ConvIn = convIn;
        MidBlock1 = midBlock1;
        MidAttention = midAttention;
        MidBlock2 = midBlock2;
        _levels = levels;
        NormOut = normOut;
        ConvOut = convOut;
        _workspace = new VqWorkspace(backend);
        _hostIds = new int[config.NumPatches * config.NumPatches];
        _ids = Tensor.Zeros(DType.I32, new Shape(_hostIds.Length));
    }

    public JanusVqConfig Config { get; }

    /// <summary>The codebook with every row L2-normalized, F32 [num_embeddings, embed_dim] on the backend.</summary>
    public Tensor Codebook { get; }

    public Conv2d PostQuantConv { get; }

    public Conv2d ConvIn { get; }

    public VqResnetBlock MidBlock1 { get; }

    public VqAttentionBlock MidAttention { get; }

    public VqResnetBlock MidBlock2 { get; }

    /// <summary>Levels from the lowest resolution (decoder.up.0) to the highest.</summary>
    public IReadOnlyList<VqLevel> Levels => _levels;

    public GroupNorm NormOut { get; }

    public Conv2d ConvOut { get; }

    /// <summary>Tokens per side of the grid.</summary>
    public int GridSize => Config.NumPatches;

    /// <summary>Pixels per side of the decoded image: the grid doubled at every level but the last.</summary>
    public int ImageSize => GridSize << (_levels.Length - 1);

    /// <summary>Loads <c>model.vqmodel.quantize.embedding</c>, <c>post_quant_conv</c> and <c>decoder.*</c> (the VQ encoder
    /// is not needed to generate and stays unread).</summary>
    public static VqDecoder Load(JanusWeights weights, JanusVqConfig config)
    {
        const string vq = "model.vqmodel.";
        const string dec = vq + "decoder.";
        var backend = weights.Backend;
        var codebook = backend.Upload(NormalizedCodebook(weights.Host(vq + "quantize.embedding.weight")));
        var postQuant = weights.LoadConv2d(vq + "post_quant_conv");
        int levels = config.ChannelMultiplier.Count;
        int channels = config.BaseChannels * config.ChannelMultiplier[levels - 1];
        var convIn = weights.LoadConv2d(dec + "conv_in", padding: 1);
        var mid1 = VqResnetBlock.Load(weights, dec + "mid.block_1.", channels, channels);
        var midAttention = VqAttentionBlock.Load(weights, dec + "mid.attn_1.");
        var mid2 = VqResnetBlock.Load(weights, dec + "mid.block_2.", channels, channels);
        var built = new VqLevel[levels];
        for (int u = 0; u < levels; u++)
        {
            int level = levels - 1 - u;
            int outChannels = config.BaseChannels * config.ChannelMultiplier[level];
            var blocks = new VqResnetBlock[config.NumResBlocks + 1];
            var attentions = new VqAttentionBlock[level == levels - 1 ? blocks.Length : 0];
            for (int b = 0; b < blocks.Length; b++)
            {
                blocks[b] = VqResnetBlock.Load(weights, $"{dec}up.{u}.block.{b}.", channels, outChannels);
                channels = outChannels;
                if (attentions.Length > 0) attentions[b] = VqAttentionBlock.Load(weights, $"{dec}up.{u}.attn.{b}.");
            }
            var upsample = level != 0 ? weights.LoadConv2d($"{dec}up.{u}.upsample.conv", padding: 1) : null;
            built[u] = new VqLevel(blocks, attentions, upsample);
        }
        var normOut = weights.LoadGroupNorm(dec + "norm_out", 32, 1e-6);
        var convOut = weights.LoadConv2d(dec + "conv_out", padding: 1);
        return new VqDecoder(backend, config, codebook, postQuant, convIn, mid1, midAttention, mid2, built, normOut, convOut);
    }

    /// <summary>Decodes one image's <paramref name="tokens"/> (num_patches² codebook ids, row-major) into
    /// <paramref name="pixels"/> F32 [ImageSize, ImageSize, out_channels] on the backend, unclamped (about [-1, 1]).</summary>
    public void Decode(IBackend backend, ReadOnlySpan<int> tokens, Tensor pixels)
    {
        int grid = GridSize;
        if (tokens.Length != grid * grid)
            throw new ArgumentException($"An image is {grid}x{grid} = {grid * grid} tokens, got {tokens.Length}.", nameof(tokens));
        if (pixels.Shape != new Shape(ImageSize, ImageSize, Config.OutChannels))
            throw new ArgumentException($"Pixels must be [{ImageSize}, {ImageSize}, {Config.OutChannels}], got {pixels.Shape}.", nameof(pixels));
        var ids = _ids.AsSpan<int>();
        for (int i = 0; i < tokens.Length; i++)
        {
            if ((uint)tokens[i] >= (uint)Config.NumEmbeddings)
                throw new ArgumentOutOfRangeException(nameof(tokens), $"Image token {tokens[i]} at index {i} is outside the codebook of {Config.NumEmbeddings}.");
            ids[i] = tokens[i];
        }
        var ws = _workspace;
        var latent = ws.Scratch1.View(grid * grid, Config.EmbedDim);
        backend.Embedding(backend.Upload(_ids), Codebook, latent);
        var quant = ws.Scratch2.View(1, grid, grid, Config.LatentChannels);
        PostQuantConv.Forward(backend, latent.Reshape(1, grid, grid, Config.EmbedDim), quant);

        var current = ws.Ping.View(1, grid, grid, ConvIn.OutChannels);
        ConvIn.Forward(backend, quant, current);
        current = Step(backend, MidBlock1, current, ws);
        current = Step(backend, MidAttention, current, ws);
        current = Step(backend, MidBlock2, current, ws);

        foreach (var level in _levels)
        {
            for (int b = 0; b < level.Blocks.Count; b++)
            {
                current = Step(backend, level.Blocks[b], current, ws);
                if (level.Attentions.Count > 0) current = Step(backend, level.Attentions[b], current, ws);
            }
            if (level.Upsample is { } conv)
            {
                int height = current.Shape[1] * 2, width = current.Shape[2] * 2, c = current.Shape[3];
                var upsampled = ws.Scratch1.View(1, height, width, c);
                backend.UpsampleNearest(current, upsampled);
                var target = Other(current, ws).View(1, height, width, conv.OutChannels);
                conv.Forward(backend, upsampled, target);
                current = target;
            }
        }

        int size = current.Shape[1], channels = current.Shape[3];
        var normed = ws.Scratch1.View(1, size, size, channels);
        NormOut.Forward(backend, current.Reshape(1, size * size, channels), normed.Reshape(1, size * size, channels));
        backend.Silu(normed, normed);
        ConvOut.Forward(backend, normed, pixels.Reshape(1, size, size, Config.OutChannels));
    }

    // Runs one block from the carrier buffer holding `current` into the other one.
    private static Tensor Step(IBackend backend, IVqBlock block, Tensor current, VqWorkspace ws)
    {
        var target = Other(current, ws).View(1, current.Shape[1], current.Shape[2], block.OutChannels);
        block.Forward(backend, current, target, ws);
        return target;
    }

    private static ActivationBuffer Other(Tensor current, VqWorkspace ws) =>
        ReferenceEquals(current.Storage, ws.Ping.View(1).Storage) ? ws.Pong : ws.Ping;

    /// <summary>F.normalize(embedding, p=2, dim=-1): each row divided by max(‖row‖₂, 1e-12), computed once in double.</summary>
    private static Tensor NormalizedCodebook(Tensor stored)
    {
        if (stored.Rank != 2) throw new ArgumentException($"The VQ codebook must be [entries, dim], got {stored.Shape}.", nameof(stored));
        var values = stored.ToFloatArray();
        int rows = stored.Shape[0], cols = stored.Shape[1];
        var normalized = new float[values.Length];
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int c = 0; c < cols; c++) sum += (double)values[r * cols + c] * values[r * cols + c];
            double inv = 1.0 / Math.Max(Math.Sqrt(sum), 1e-12);
            for (int c = 0; c < cols; c++) normalized[r * cols + c] = (float)(values[r * cols + c] * inv);
        }
        return Tensor.FromArray(normalized, rows, cols);
    }
}
