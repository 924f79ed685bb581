using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Runtime;
using DeepSeek.Sdk.Tensors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DeepSeek.Sdk.Text.DeepSeek;

/// <summary>DeepseekV3ForCausalLM and DeepseekV2ForCausalLM (DeepSeek-V3/R1, V2, V2-Lite): token embedding,
/// <c>num_hidden_layers</c> decoder layers of multi-head latent attention and DeepSeekMoE, a final RMSNorm and
/// lm_head. Weights are used in place from the memory-mapped checkpoint; the attention state lives in an
/// <see cref="MlaKvCache"/>. Multi-token-prediction modules (layers at and past num_hidden_layers, DeepSeek-V3
/// §2.2) serve speculative decoding and training only and are not loaded. Workspaces are shared across calls, so
/// one forward runs at a time per model.</summary>
public sealed class DeepSeekV3Model : ICausalLanguageModel
{
    private readonly IBackend _backend;
    private readonly Checkpoint? _ownedCheckpoint;
    private readonly Tensor _embedding;
    private readonly DeepSeekV3DecoderLayer[] _layers;
    private readonly RmsNorm _finalNorm;
    private readonly RowBuffer _hidden;
    private readonly RowBuffer _normed;
    private readonly RowBuffer _delta;
    // Per-step inputs: token ids and positions, one value per row each.
    private const int Ids = 0, Positions = 1;
    private readonly StepInputs _inputs;
    private readonly LogitsHead _head;
    private readonly RotaryPositionTables _rotary;

    internal DeepSeekV3Model(IBackend backend, DeepSeekV3Config config, Checkpoint? ownedCheckpoint, Tensor embedding,
        DeepSeekV3DecoderLayer[] layers, RmsNorm finalNorm, Linear lmHead, RotaryPositionTables rotary, string[] multiTokenPredictionTensors)
    {
        _rotary = rotary;
        MultiTokenPredictionTensors = multiTokenPredictionTensors;
        _backend = backend;
        Config = config;
        _ownedCheckpoint = ownedCheckpoint;
        _embedding = embedding;
        _layers = layers;
        _finalNorm = finalNorm;
        _hidden = new RowBuffer(backend, config.HiddenSize);
        _normed = new RowBuffer(backend, config.HiddenSize);
        _delta = new RowBuffer(backend, config.HiddenSize);
        _inputs = new StepInputs(backend, 2);
        _head = new LogitsHead(backend, lmHead);
    }

    public DeepSeekV3Config Config { get; }

    public int VocabularySize => Config.VocabSize;

    public int MaxContextLength => Config.MaxPositionEmbeddings;

    public IReadOnlyList<DeepSeekV3DecoderLayer> Layers => _layers;

    /// <summary>model.embed_tokens.weight [vocab, hidden] as stored.</summary>
    public Tensor Embedding => _embedding;

    public RmsNorm FinalNorm => _finalNorm;

    /// <summary>lm_head (the embedding itself when the checkpoint ties them).</summary>
    public Linear LmHead => _head.Linear;

    /// <summary>Checkpoint names of the multi-token-prediction modules (layers num_hidden_layers ..), set aside
    /// unloaded for speculative decoding; empty when the checkpoint has none.</summary>
    public IReadOnlyList<string> MultiTokenPredictionTensors { get; }

    /// <summary>Opens <paramref name="directory"/> (config.json and safetensors), checks every tensor's shape against
    /// the config (<see cref="CheckpointMismatchException"/> names the first that disagrees) and builds the model.
    /// The model owns and disposes the checkpoint. config.json's sizes are checked against <paramref name="limits"/>
    /// (<see cref="InputLimits.Default"/> when null) before anything is opened, and the safetensors headers read within
    /// them.</summary>
    public static DeepSeekV3Model Load(string directory, IBackend backend, ILogger? logger = null, IProgress<ModelLoadProgress>? progress = null,
        InputLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var loaded = ModelConfig.Load(Path.Combine(directory, ModelConfig.FileName), limits?.Config);
        if (loaded is not DeepSeekV3Config config)
            throw new UnsupportedModelException(loaded.ModelType, loaded.SourcePath, ["deepseek_v3", "deepseek_v2"]);
        progress?.Report(new ModelLoadProgress("opening checkpoint", 0, 0, 0, 0));
        var checkpoint = Checkpoint.Open(directory, limits?.Weights);
        try
        {
            return Create(config, checkpoint, backend, logger, ownsCheckpoint: true, progress);
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }

    /// <summary>Builds the model from an open checkpoint, validating it against <paramref name="config"/> first.</summary>
    public static DeepSeekV3Model Create(DeepSeekV3Config config, Checkpoint checkpoint, IBackend backend, ILogger? logger = null, bool ownsCheckpoint = false,
        IProgress<ModelLoadProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(backend);
        logger ??= NullLogger.Instance;
        // The feed-forward kernels are SwiGLU (silu); every published DeepSeek-V2/V3 config says so.
        if (config.HiddenAct != "silu")
            throw new ConfigException($"hidden_act '{config.HiddenAct}' is not supported by DeepSeek-V3/V2 models (silu only)", config.SourcePath, "hidden_act");
        var report = new CheckpointLoadProgress(progress, checkpoint, config.NumHiddenLayers, config.IsAllowedExtra);
        report.Stage("validating");
        CheckpointValidator.Validate(config, checkpoint);
        string[] multiTokenPrediction = MultiTokenPredictionNames(config, checkpoint, logger);

        var (rotary, scale) = RotaryTables(config, backend);

        var workspace = new LayerWorkspace(backend);
        var layers = new DeepSeekV3DecoderLayer[config.NumHiddenLayers];
        for (int i = 0; i < layers.Length; i++)
        {
            layers[i] = DeepSeekV3DecoderLayer.Load(workspace, checkpoint, config, i, rotary, scale);
            report.LayerLoaded(i);
        }
        var embedding = backend.Upload(checkpoint.GetTensor("model.embed_tokens.weight"));
        var finalNorm = RmsNorm.Load(backend, checkpoint, "model.norm", config.RmsNormEps);
        var lmHead = config.TieWordEmbeddings && !checkpoint.Contains("lm_head.weight")
            ? new Linear(embedding)
            : Linear.Load(backend, checkpoint, "lm_head", config.Quantization);
        report.Completed();
        logger.LogInformation("Loaded {ModelType} from {Directory}: {Layers} layers, {Experts} routed experts, kv_lora_rank {Rank}.",
            config.ModelType, checkpoint.Directory, layers.Length, config.NRoutedExperts ?? 0, config.KvLoraRank);
        return new DeepSeekV3Model(backend, config, ownsCheckpoint ? checkpoint : null, embedding, layers, finalNorm, lmHead, rotary, multiTokenPrediction);
    }

    /// <summary>The rotary cos/sin tables of qk_rope_head_dim on the backend (grown to what the caches hold), and the
    /// attention softmax scale.</summary>
    internal static (RotaryPositionTables Rotary, float SoftmaxScale) RotaryTables(DeepSeekV3Config config, IBackend backend)
    {
        var rotary = new RotaryEmbedding(config.QkRopeHeadDim, config.RopeTheta, config.RopeScaling, config.MaxPositionEmbeddings);
        // DeepseekV3Attention.softmax_scale: qk_head_dim^-0.5, times mscale(factor, mscale_all_dim)² under YaRN.
        // DeepSeek's own V2 modeling code applies the same correction; transformers' V2 port omits it, which
        // only matters for V2 configs with YaRN (the V2 fixture has none), and we follow the checkpoint's authors.
        float scale = (float)(RotaryEmbedding.SoftmaxScaleMultiplier(config.RopeScaling) / Math.Sqrt(config.QkHeadDim));
        return (new RotaryPositionTables(backend, rotary, config.MaxPositionEmbeddings), scale);
    }

    public IKvCache CreateCache(int capacity)
    {
        if (capacity <= 0 || capacity > MaxContextLength)
            throw new ArgumentOutOfRangeException(nameof(capacity), $"Cache capacity must be in 1..{MaxContextLength}, got {capacity}.");
        _rotary.EnsurePositions(capacity);
        return new MlaKvCache(_backend, _layers.Length, Config.KvLoraRank, Config.QkRopeHeadDim, capacity);
    }

    public void Forward(ReadOnlySpan<int> tokens, IKvCache cache, Span<float> lastLogits, CancellationToken cancellationToken = default)
    {
        if (lastLogits.Length != VocabularySize)
            throw new ArgumentException($"Logits need {VocabularySize} values, got {lastLogits.Length}.", nameof(lastLogits));
        var normed = Run(tokens, cache, allPositions: false, cancellationToken);
        _head.WriteLogits(normed, lastLogits);
    }

    /// <summary>Like <see cref="Forward"/>, but returns the id of the last token's largest logit (greedy decoding: ties
    /// go to the lower id, NaN never wins), chosen on the backend so that only the id comes back to the host.</summary>
    public int ForwardGreedy(ReadOnlySpan<int> tokens, IKvCache cache, CancellationToken cancellationToken = default)
    {
        var normed = Run(tokens, cache, allPositions: false, cancellationToken);
        return _head.ArgMax(normed);
    }

    /// <summary>Like <see cref="Forward"/>, but writes the logits of every token, [tokens.Length, vocab] row-major
    /// (scoring a prompt, or checking against a reference).</summary>
    public void ForwardAllLogits(ReadOnlySpan<int> tokens, IKvCache cache, Span<float> logits, CancellationToken cancellationToken = default)
    {
        if (logits.Length != (long)tokens.Length * VocabularySize)
            throw new ArgumentException($"Logits need {tokens.Length} x {VocabularySize} values, got {logits.Length}.", nameof(logits));
        var normed = Run(tokens, cache, allPositions: true, cancellationToken);
        _head.WriteLogits(normed, logits);
    }

    public void Dispose() => _ownedCheckpoint?.Dispose();

    // Runs the tokens through the layers and returns the final-normed hidden states: the last row's, or every row's.
    private Tensor Run(ReadOnlySpan<int> tokens, IKvCache cache, bool allPositions, CancellationToken cancellationToken)
    {
        if (cache is not MlaKvCache mla || mla.Layers != _layers.Length || mla.LatentRank != Config.KvLoraRank || mla.RopeDim != Config.QkRopeHeadDim)
            throw new ArgumentException("The cache was not created by this model's CreateCache.", nameof(cache));
        int count = tokens.Length;
        if (count == 0) throw new ArgumentException("At least one token is needed.", nameof(tokens));
        int start = mla.Length;
        if (start + count > mla.Capacity)
            throw new ContextLengthExceededException(start + count, mla.Capacity);
        cancellationToken.ThrowIfCancellationRequested();
        // CreateCache sized the tables for the cache; this covers a cache made elsewhere (one int compare per step).
        _rotary.EnsurePositions(start + count);

        _inputs.Begin(count);
        var idSpan = _inputs.Host(Ids);
        var positionSpan = _inputs.Host(Positions);
        for (int i = 0; i < count; i++)
        {
            if ((uint)tokens[i] >= (uint)VocabularySize)
                throw new ArgumentOutOfRangeException(nameof(tokens), $"Token {tokens[i]} at index {i} is outside the vocabulary of {VocabularySize}.");
            idSpan[i] = tokens[i];
            positionSpan[i] = start + i;
        }
        _inputs.Upload();
        var deviceIds = _inputs.Device(Ids);
        var devicePositions = _inputs.Device(Positions);

        var hidden = _hidden.Rows(count);
        var normed = _normed.Rows(count);
        var delta = _delta.Rows(count);
        _backend.Embedding(deviceIds, _embedding, hidden);
        for (int l = 0; l < _layers.Length; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _layers[l].Forward(_backend, hidden, devicePositions, start, mla.Latents(l), mla.RopeKeys(l), normed, delta);
        }
        // Every layer has written rows start.. of its cache; only now do they count.
        mla.Advance(count);

        // A decode step (one token) uses the workspaces whole: no views to build.
        var last = allPositions || count == 1 ? hidden : hidden.Slice(0, count - 1, 1);
        var lastNormed = allPositions || count == 1 ? normed : normed.Slice(0, 0, 1);
        _finalNorm.Forward(_backend, last, lastNormed);
        return lastNormed;
    }


    // DeepSeek-V3 ships one MTP module as model.layers.61 (num_nextn_predict_layers: 1); inference ignores it.
    private static string[] MultiTokenPredictionNames(DeepSeekV3Config config, Checkpoint checkpoint, ILogger logger)
    {
        var names = new List<string>();
        foreach (string name in checkpoint.Names)
            if (config.IsAllowedExtra(name)) names.Add(name);
        if (names.Count > 0)
            logger.LogInformation("Setting aside {Count} multi-token-prediction tensors (model.layers.{First}..): {Modules} MTP module(s), not loaded for generation.",
                names.Count, config.NumHiddenLayers, config.NumNextnPredictLayers);
        return [.. names];
    }
}
