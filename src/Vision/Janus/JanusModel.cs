using System.Text.Json;
using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Tensors;
using DeepSeek.Sdk.Text.Llama;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DeepSeek.Sdk.Vision.Janus;

/// <summary>Janus / Janus-Pro (Chen et al. 2025), one Llama language model with two visual pathways (transformers
/// JanusForConditionalGeneration; the release's MultiModalityCausalLM). Understanding: a SigLIP tower encodes the
/// image, an aligner maps its patch features into the language model's embedding space, and they replace the
/// embeddings of the prompt's image-placeholder tokens. Generation: the language model predicts image tokens through
/// the generation head; each chosen token is fed back through the generation embedding and aligner; the VQ decoder
/// turns the finished grid into pixels. Works with both checkpoint layouts (<see cref="JanusTensorMap"/>).
/// Workspaces are shared, so one call runs at a time per model.</summary>
public sealed class JanusModel : IDisposable
{
    private readonly Checkpoint? _ownedCheckpoint;
    private readonly RowBuffer _visionFeatures;
    private readonly RowBuffer _codebookRows;
    private readonly RowBuffer _logits;
    private readonly StepInputs _imageTokens;

    private JanusModel(IBackend backend, JanusConfig config, JanusTensorMap map, Checkpoint? ownedCheckpoint, LlamaModel languageModel,
        SiglipVisionTower visionTower, JanusAligner aligner, Tensor generationEmbeddings, JanusAligner generationAligner,
        JanusGenerationHead generationHead, VqDecoder vqDecoder)
    {
        Backend = backend;
        Config = config;
        Map = map;
        _ownedCheckpoint = ownedCheckpoint;
        LanguageModel = languageModel;
        VisionTower = visionTower;
        Aligner = aligner;
        GenerationEmbeddings = generationEmbeddings;
        GenerationAligner = generationAligner;
        GenerationHead = generationHead;
        VqDecoder = vqDecoder;
        _visionFeatures = new RowBuffer(backend, config.Vision.HiddenSize);
        _codebookRows = new RowBuffer(backend, config.Vq.EmbedDim);
        _logits = new RowBuffer(backend, generationHead.ImageVocabularySize);
        _imageTokens = new StepInputs(backend, 1);
    }

    public IBackend Backend { get; }

    public JanusConfig Config { get; }

    /// <summary>The checkpoint's layout.</summary>
    public JanusTensorMap Map { get; }

    public LlamaModel LanguageModel { get; }

    public SiglipVisionTower VisionTower { get; }

    /// <summary>The understanding aligner (model.aligner): SigLIP features to language-model embeddings.</summary>
    public JanusAligner Aligner { get; }

    /// <summary>model.generation_embeddings.weight [codebook size, embed_dim] as stored, on the backend.</summary>
    public Tensor GenerationEmbeddings { get; }

    public JanusAligner GenerationAligner { get; }

    public JanusGenerationHead GenerationHead { get; }

    public VqDecoder VqDecoder { get; }

    /// <summary>Language-model hidden size (the width of every embedding the model is fed).</summary>
    public int HiddenSize => Config.Text.HiddenSize;

    /// <summary>Placeholder tokens per understood image (vision_config.num_image_tokens, 576 for 384×384).</summary>
    public int ImageTokensPerImage => Config.Vision.NumImageTokens;

    /// <summary>Tokens generated per image (num_patches², 576 for 384×384).</summary>
    public int GeneratedTokensPerImage => VqDecoder.GridSize * VqDecoder.GridSize;

    /// <summary>Codebook size: the generation head's vocabulary.</summary>
    public int ImageVocabularySize => GenerationHead.ImageVocabularySize;

    /// <summary>The config of a Janus model directory: transformers' layout (<c>model_type: janus</c>) or the
    /// release's (<c>model_type: multi_modality</c>, translated by <see cref="JanusOriginalConfig"/>), its sizes checked
    /// against <paramref name="limits"/> (<see cref="ConfigLimits.Default"/> when null).</summary>
    public static JanusConfig LoadConfig(string directory, ConfigLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string path = Path.GetFullPath(Path.Combine(directory, ModelConfig.FileName));
        if (!File.Exists(path)) throw new ConfigException("config file not found", path);
        byte[] bytes = File.ReadAllBytes(path);
        string? modelType = null;
        using (var document = ConfigDocument.Parse(bytes, path))
        {
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("model_type", out var mt) && mt.ValueKind == JsonValueKind.String)
                modelType = ConfigDocument.Text(mt, path, "model_type");
        }
        if (modelType == JanusOriginalConfig.ModelType) return JanusOriginalConfig.Parse(bytes, path, limits);
        var config = ModelConfig.Parse(bytes, path, limits);
        return config as JanusConfig ?? throw new UnsupportedModelException(config.ModelType, path, ["janus", JanusOriginalConfig.ModelType]);
    }

    /// <summary>Opens a Janus directory (config.json and safetensors in either layout), validates every tensor
    /// against the config and builds the model, which owns and disposes the checkpoint. config.json's sizes are
    /// checked against <paramref name="limits"/> (<see cref="InputLimits.Default"/> when null) before anything is opened,
    /// and the safetensors headers read within them.</summary>
    public static JanusModel Load(string directory, IBackend backend, ILogger? logger = null, InputLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var config = LoadConfig(directory, limits?.Config);
        var checkpoint = Checkpoint.Open(directory, limits?.Weights);
        try
        {
            return Create(config, checkpoint, backend, logger, ownsCheckpoint: true);
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }

    /// <summary>Builds the model from an open checkpoint, detecting its layout and validating it first.</summary>
    public static JanusModel Create(JanusConfig config, Checkpoint checkpoint, IBackend backend, ILogger? logger = null, bool ownsCheckpoint = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(backend);
        logger ??= NullLogger.Instance;
        var map = JanusTensorMap.Detect(checkpoint);
        JanusWeights.Validate(config, checkpoint, map);
        var weights = new JanusWeights(checkpoint, map, backend);
        var workspace = new LayerWorkspace(backend);

        var layout = LlamaLayout.For(config.Text) with { ModelPrefix = map.LanguageModelPrefix, LmHead = map.LmHead, TieWordEmbeddings = config.TieWordEmbeddings };
        var languageModel = LlamaModel.CreateLanguageModel(config.Text, layout, checkpoint, backend, logger);
        var tower = SiglipVisionTower.Load(workspace, weights, config.Vision, config.SourcePath);
        var visionGelu = GeluActivation.Parse(config.Vision.HiddenAct, config.SourcePath, "vision_config.hidden_act");
        var aligner = JanusAligner.Load(workspace, weights, "model.aligner.", config.Vision.Depth, visionGelu, "understanding");
        var vqGelu = GeluActivation.Parse(config.Vq.HiddenAct, config.SourcePath, "vq_config.hidden_act");
        var generationEmbeddings = weights.Weight("model.generation_embeddings.weight");
        var generationAligner = JanusAligner.Load(workspace, weights, "model.generation_aligner.", config.Vq.NumHiddenLayers, vqGelu, "generation");
        var head = JanusGenerationHead.Load(workspace, weights, vqGelu);
        var decoder = VqDecoder.Load(weights, config.Vq);
        logger.LogInformation("Loaded Janus ({Layout} layout) from {Directory}: SigLIP {VisionLayers}x{VisionWidth} at {ImageSize}px, {ImageTokens} image tokens, codebook {Codebook}, generated images {Generated}px.",
            map.Layout, checkpoint.Directory, config.Vision.NumHiddenLayers, config.Vision.HiddenSize, config.Vision.ImageSize, config.Vision.NumImageTokens,
            config.Vq.NumEmbeddings, decoder.ImageSize);
        return new JanusModel(backend, config, map, ownsCheckpoint ? checkpoint : null, languageModel, tower, aligner, generationEmbeddings,
            generationAligner, head, decoder);
    }

    /// <summary>SigLIP features (after post_layernorm, before the aligner) of <paramref name="pixelValues"/>, host F32
    /// [images, channels, image_size, image_size] as <see cref="Preprocessing.JanusImageProcessor"/> makes them, into
    /// <paramref name="features"/> [images · ImageTokensPerImage, vision hidden_size] on the backend.</summary>
    public void EncodeImages(Tensor pixelValues, Tensor features)
    {
        ArgumentNullException.ThrowIfNull(pixelValues);
        var vision = Config.Vision;
        if (pixelValues.Rank != 4 || pixelValues.Shape[1] != vision.NumChannels || pixelValues.Shape[2] != vision.ImageSize || pixelValues.Shape[3] != vision.ImageSize || pixelValues.DType != DType.F32)
            throw new ArgumentException($"Pixel values must be F32 [images, {vision.NumChannels}, {vision.ImageSize}, {vision.ImageSize}], got {pixelValues.DType} {pixelValues.Shape}.", nameof(pixelValues));
        VisionTower.Forward(Backend, Backend.Upload(ChannelsLast(pixelValues)), features);
    }

    /// <summary>Aligned image embeddings [images · ImageTokensPerImage, HiddenSize] on the backend: SigLIP, then the aligner.</summary>
    public void EmbedImages(Tensor pixelValues, Tensor imageEmbeddings)
    {
        ArgumentNullException.ThrowIfNull(pixelValues);
        ArgumentNullException.ThrowIfNull(imageEmbeddings);
        int rows = pixelValues.Shape[0] * ImageTokensPerImage;
        if (imageEmbeddings.Shape != new Shape(rows, HiddenSize))
            throw new ArgumentException($"Image embeddings must be [{rows}, {HiddenSize}], got {imageEmbeddings.Shape}.", nameof(imageEmbeddings));
        var features = _visionFeatures.Rows(rows);
        EncodeImages(pixelValues, features);
        Aligner.Forward(Backend, features, imageEmbeddings);
    }

    /// <summary>The language model's input embeddings for <paramref name="ids"/> with the rows of image_token_id replaced,
    /// in order, by the rows of <paramref name="imageEmbeddings"/> (JanusModel.forward's masked_scatter; the release's
    /// prepare_inputs_embeds). There must be exactly one image row per placeholder.</summary>
    public void EmbedPrompt(ReadOnlySpan<int> ids, Tensor? imageEmbeddings, Tensor inputEmbeddings)
    {
        ArgumentNullException.ThrowIfNull(inputEmbeddings);
        LanguageModel.Embed(ids, inputEmbeddings);
        int placeholders = 0;
        foreach (int id in ids)
            if (id == Config.ImageTokenId) placeholders++;
        int available = imageEmbeddings?.Shape[0] ?? 0;
        if (placeholders != available)
            throw new ArgumentException($"The prompt has {placeholders} image tokens (id {Config.ImageTokenId}) but {available} image embeddings were given.", nameof(imageEmbeddings));
        if (imageEmbeddings is null) return;
        if (imageEmbeddings.Rank != 2 || imageEmbeddings.Shape[1] != HiddenSize)
            throw new ArgumentException($"Image embeddings must be [rows, {HiddenSize}], got {imageEmbeddings.Shape}.", nameof(imageEmbeddings));
        int next = 0;
        for (int i = 0; i < ids.Length;)
        {
            if (ids[i] != Config.ImageTokenId)
            {
                i++;
                continue;
            }
            int run = 1;
            while (i + run < ids.Length && ids[i + run] == Config.ImageTokenId) run++;
            Backend.Convert(imageEmbeddings.Slice(0, next, run), inputEmbeddings.Slice(0, i, run));
            next += run;
            i += run;
        }
    }

    /// <summary>Generation embeddings of image tokens (model.generation_embeddings, then the generation aligner:
    /// prepare_embeddings_for_image_generation / prepare_gen_img_embeds) into <paramref name="embeddings"/>
    /// [tokens.Length, HiddenSize] on the backend.</summary>
    public void EmbedImageTokens(ReadOnlySpan<int> tokens, Tensor embeddings)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (tokens.IsEmpty) throw new ArgumentException("At least one image token is needed.", nameof(tokens));
        // Dimensions compared one by one: a Shape would allocate, and this runs every image-token step.
        if (embeddings.Rank != 2 || embeddings.Shape[0] != tokens.Length || embeddings.Shape[1] != HiddenSize)
            throw new ArgumentException($"Embeddings must be [{tokens.Length}, {HiddenSize}], got {embeddings.Shape}.", nameof(embeddings));
        _imageTokens.Begin(tokens.Length);
        var ids = _imageTokens.Host(0);
        for (int i = 0; i < tokens.Length; i++)
        {
            if ((uint)tokens[i] >= (uint)ImageVocabularySize)
                throw new ArgumentOutOfRangeException(nameof(tokens), $"Image token {tokens[i]} at index {i} is outside the codebook of {ImageVocabularySize}.");
            ids[i] = tokens[i];
        }
        var rows = _codebookRows.Rows(tokens.Length);
        _imageTokens.Upload();
        Backend.Embedding(_imageTokens.Device(0), GenerationEmbeddings, rows);
        GenerationAligner.Forward(Backend, rows, embeddings);
    }

    /// <summary>Generation-head logits over the codebook for final-normed hidden states [rows, HiddenSize] on the
    /// backend, written to the host as [rows, ImageVocabularySize] row-major.</summary>
    public void ImageTokenLogits(Tensor normedHidden, Span<float> logits)
    {
        ArgumentNullException.ThrowIfNull(normedHidden);
        if (normedHidden.Rank != 2 || normedHidden.Shape[1] != HiddenSize || normedHidden.Shape[0] == 0)
            throw new ArgumentException($"Hidden states must be [rows, {HiddenSize}], got {normedHidden.Shape}.", nameof(normedHidden));
        int rows = normedHidden.Shape[0];
        if (logits.Length != (long)rows * ImageVocabularySize)
            throw new ArgumentException($"Logits need {rows} x {ImageVocabularySize} values, got {logits.Length}.", nameof(logits));
        var device = _logits.Rows(rows);
        GenerationHead.Forward(Backend, normedHidden, device);
        Backend.CopyToHost(device, logits);
    }

    /// <summary>Decodes one image's generated tokens (GeneratedTokensPerImage codebook ids) into host
    /// <paramref name="pixels"/> [size, size, 3] row-major, unclamped (about [-1, 1]; decode_image_tokens).</summary>
    public void DecodeImageTokens(ReadOnlySpan<int> tokens, Span<float> pixels)
    {
        int size = VqDecoder.ImageSize, channels = Config.Vq.OutChannels;
        if (pixels.Length != size * size * channels)
            throw new ArgumentException($"Pixels need {size} x {size} x {channels} values, got {pixels.Length}.", nameof(pixels));
        var device = Backend.Allocate(DType.F32, new Shape(size, size, channels));
        VqDecoder.Decode(Backend, tokens, device);
        var host = Tensor.Zeros(DType.F32, device.Shape);
        Backend.CopyToHost(device, host);
        host.AsSpan<float>().CopyTo(pixels);
    }

    public void Dispose()
    {
        LanguageModel.Dispose();
        _ownedCheckpoint?.Dispose();
    }

    // [images, channels, h, w] → [images, h, w, channels] on the host (the tower's convolution reads channels-last).
    private static Tensor ChannelsLast(Tensor pixelValues)
    {
        int images = pixelValues.Shape[0], channels = pixelValues.Shape[1], height = pixelValues.Shape[2], width = pixelValues.Shape[3];
        var source = pixelValues.IsContiguous ? pixelValues.AsSpan<float>() : pixelValues.ToFloatArray();
        var result = Tensor.Zeros(DType.F32, new Shape(images, height, width, channels));
        var target = result.AsSpan<float>();
        int plane = height * width;
        for (int n = 0; n < images; n++)
            for (int c = 0; c < channels; c++)
                for (int p = 0; p < plane; p++)
                    target[(n * plane + p) * channels + c] = source[(n * channels + c) * plane + p];
        return result;
    }
}
