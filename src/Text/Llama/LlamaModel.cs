using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Tensors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DeepSeek.Sdk.Text.Llama;

/// <summary>The Llama family of decoders: LlamaForCausalLM (DeepSeek-R1-Distill-Llama, Janus's language model) and
/// Qwen2ForCausalLM (DeepSeek-R1-Distill-Qwen), one class driven by the config and a <see cref="LlamaLayout"/>:
/// token embedding, <c>num_hidden_layers</c> pre-norm layers of grouped-query attention and a SwiGLU MLP, a final
/// RMSNorm and lm_head (tied to the embedding or not). Weights are used in place from the memory-mapped checkpoint;
/// attention state lives in a <see cref="KvCache"/> (a slot of a <see cref="KvCacheBatch"/>).
/// <para>Beyond <see cref="ICausalLanguageModel"/>, multimodal models (Janus) drive it with input embeddings
/// (<see cref="Embed"/>, <see cref="ForwardEmbeddings"/>), read the final-normed hidden states to apply a head of
/// their own, and decode many sequences as one batch (<see cref="DecodeBatch(ReadOnlySpan{int}, ReadOnlySpan{KvCache}, Span{float}, CancellationToken)"/>)
/// so that the weights are read once per step for all of them.</para>
/// Workspaces are shared across calls, so one forward runs at a time per model.</summary>
public sealed class LlamaModel : ICausalLanguageModel
{
    private readonly IBackend _backend;
    private readonly Checkpoint? _ownedCheckpoint;
    private readonly LlamaDecoderLayer[] _layers;
    private readonly RowBuffer _hidden;
    private readonly RowBuffer _normed;
    private readonly RowBuffer _delta;
    // Per-step inputs: token ids, positions and cache slots, one value per row each.
    private const int Ids = 0, Positions = 1, Slots = 2;
    private readonly StepInputs _inputs;
    private readonly LogitsHead _head;
    private readonly RotaryPositionTables _rotary;

    private LlamaModel(IBackend backend, DecoderConfig config, LlamaLayout layout, Checkpoint? ownedCheckpoint, Tensor embedTokens,
        LlamaDecoderLayer[] layers, RmsNorm finalNorm, Linear lmHead, RotaryPositionTables rotary)
    {
        _rotary = rotary;
        _backend = backend;
        Config = config;
        Layout = layout;
        _ownedCheckpoint = ownedCheckpoint;
        EmbedTokens = embedTokens;
        _layers = layers;
        FinalNorm = finalNorm;
        _hidden = new RowBuffer(backend, config.HiddenSize);
        _normed = new RowBuffer(backend, config.HiddenSize);
        _delta = new RowBuffer(backend, config.HiddenSize);
        _inputs = new StepInputs(backend, 3);
        _head = new LogitsHead(backend, lmHead);
    }

    /// <summary>The <c>model_type</c> values this class runs.</summary>
    public static IReadOnlyList<string> ModelTypes { get; } = ["llama", "qwen2"];

    /// <summary>A <see cref="LlamaConfig"/> or <see cref="Qwen2Config"/>.</summary>
    public DecoderConfig Config { get; }

    public LlamaLayout Layout { get; }

    public IBackend Backend => _backend;

    public int VocabularySize => Config.VocabSize;

    public int HiddenSize => Config.HiddenSize;

    public int MaxContextLength => Config.MaxPositionEmbeddings;

    public IReadOnlyList<LlamaDecoderLayer> Layers => _layers;

    /// <summary>embed_tokens.weight [vocab, hidden] as stored (F32 or BF16), on the backend.</summary>
    public Tensor EmbedTokens { get; }

    /// <summary>The final RMSNorm (model.norm).</summary>
    public RmsNorm FinalNorm { get; }

    /// <summary>lm_head, or a view of <see cref="EmbedTokens"/> when the embeddings are tied.</summary>
    public Linear LmHead => _head.Linear;

    /// <summary>Opens <paramref name="directory"/> (config.json with model_type llama or qwen2, and safetensors), checks
    /// every tensor's shape against the config (<see cref="CheckpointMismatchException"/> names the first that
    /// disagrees) and builds the model. The model owns and disposes the checkpoint. config.json's sizes are checked
    /// against <paramref name="limits"/> (<see cref="InputLimits.Default"/> when null) before anything is opened, and the
    /// safetensors headers read within them.</summary>
    public static LlamaModel Load(string directory, IBackend backend, ILogger? logger = null, InputLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(backend);
        var loaded = ModelConfig.Load(Path.Combine(directory, ModelConfig.FileName), limits?.Config);
        if (loaded is not (LlamaConfig or Qwen2Config))
            throw new UnsupportedModelException(loaded.ModelType, loaded.SourcePath, ModelTypes);
        var checkpoint = Checkpoint.Open(directory, limits?.Weights);
        try
        {
            return Create((DecoderConfig)loaded, checkpoint, backend, logger, ownsCheckpoint: true);
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }

    /// <summary>Builds a standalone LlamaForCausalLM or Qwen2ForCausalLM from an open checkpoint, validating it against
    /// <paramref name="config"/> first.</summary>
    public static LlamaModel Create(DecoderConfig config, Checkpoint checkpoint, IBackend backend, ILogger? logger = null, bool ownsCheckpoint = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(checkpoint);
        var layout = LlamaLayout.For(config);
        CheckSupported(config);
        CheckpointValidator.Validate(config, checkpoint);
        return Build(config, layout, checkpoint, backend, logger, ownsCheckpoint);
    }

    /// <summary>Builds the language model inside a larger checkpoint (Janus: <c>LlamaLayout.For(janus.Text) with {
    /// ModelPrefix = "model.language_model.", TieWordEmbeddings = janus.TieWordEmbeddings }</c>). The caller validates
    /// the whole checkpoint against its own config and keeps ownership of it.</summary>
    public static LlamaModel CreateLanguageModel(DecoderConfig config, LlamaLayout layout, Checkpoint checkpoint, IBackend backend, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(checkpoint);
        CheckSupported(config);
        return Build(config, layout, checkpoint, backend, logger, ownsCheckpoint: false);
    }

    /// <summary>A cache for one sequence of up to <paramref name="capacity"/> positions (a <see cref="KvCache"/>).</summary>
    public IKvCache CreateCache(int capacity)
    {
        CheckCapacity(capacity);
        _rotary.EnsurePositions(capacity);
        return KvCache.Create(_backend, _layers.Length, Config.NumKeyValueHeads, Config.HeadDim, capacity);
    }

    /// <summary>Caches for <paramref name="sequences"/> sequences that <see cref="DecodeBatch(ReadOnlySpan{int}, ReadOnlySpan{KvCache}, Span{float}, CancellationToken)"/>
    /// can step together; each sequence (<see cref="KvCacheBatch.Sequences"/>) is filled on its own with
    /// <see cref="Forward"/> or <see cref="ForwardEmbeddings"/> first.</summary>
    public KvCacheBatch CreateCaches(int sequences, int capacity)
    {
        CheckCapacity(capacity);
        _rotary.EnsurePositions(capacity);
        return new KvCacheBatch(_backend, _layers.Length, Config.NumKeyValueHeads, Config.HeadDim, capacity, sequences);
    }

    /// <summary>Embedding lookup: rows of embed_tokens for <paramref name="ids"/> into F32 <paramref name="output"/>
    /// [ids.Length, hidden] on the backend (Janus then overwrites the image-token rows).</summary>
    public void Embed(ReadOnlySpan<int> ids, Tensor output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (ids.IsEmpty) throw new ArgumentException("At least one id is needed.", nameof(ids));
        if (!IsRows(output, ids.Length))
            throw new ArgumentException($"Embeddings of {ids.Length} ids need [{ids.Length}, {HiddenSize}], got {output.Shape}.", nameof(output));
        _inputs.Begin(ids.Length);
        FillIds(ids, nameof(ids));
        _inputs.Upload();
        _backend.Embedding(_inputs.Device(Ids), EmbedTokens, output);
    }

    public void Forward(ReadOnlySpan<int> tokens, IKvCache cache, Span<float> lastLogits, CancellationToken cancellationToken = default)
    {
        if (lastLogits.Length != VocabularySize)
            throw new ArgumentException($"Logits need {VocabularySize} values, got {lastLogits.Length}.", nameof(lastLogits));
        var normed = RunTokens(tokens, cache, allPositions: false, cancellationToken);
        _head.WriteLogits(normed, lastLogits);
    }

    /// <summary>Like <see cref="Forward"/>, but returns the id of the last token's largest logit (greedy decoding: ties
    /// go to the lower id, NaN never wins), chosen on the backend so that only the id comes back to the host.</summary>
    public int ForwardGreedy(ReadOnlySpan<int> tokens, IKvCache cache, CancellationToken cancellationToken = default)
    {
        var normed = RunTokens(tokens, cache, allPositions: false, cancellationToken);
        return _head.ArgMax(normed);
    }

    public void ForwardAllLogits(ReadOnlySpan<int> tokens, IKvCache cache, Span<float> logits, CancellationToken cancellationToken = default)
    {
        if (logits.Length != (long)tokens.Length * VocabularySize)
            throw new ArgumentException($"Logits need {tokens.Length} x {VocabularySize} values, got {logits.Length}.", nameof(logits));
        var normed = RunTokens(tokens, cache, allPositions: true, cancellationToken);
        _head.WriteLogits(normed, logits);
    }

    /// <summary>Runs input embeddings (F32 [tokens, hidden] on the backend, in place of embed_tokens rows) at positions
    /// <c>cache.Length</c> onwards, appends them to the cache, and writes the final-normed hidden states (model.norm's
    /// output, before lm_head) to <paramref name="normedHidden"/>: [1, hidden] for the last token or [tokens, hidden]
    /// for all. Apply <see cref="ComputeLogits"/> for text logits or another head (Janus's gen_head) to them.</summary>
    public void ForwardEmbeddings(Tensor inputEmbeddings, IKvCache cache, Tensor normedHidden, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputEmbeddings);
        ArgumentNullException.ThrowIfNull(normedHidden);
        var kv = CheckCache(cache);
        int count = inputEmbeddings.Rank == 2 ? inputEmbeddings.Shape[0] : 0;
        if (count == 0 || inputEmbeddings.Shape[1] != HiddenSize)
            throw new ArgumentException($"Input embeddings must be [tokens, {HiddenSize}], got {inputEmbeddings.Shape}.", nameof(inputEmbeddings));
        if (!IsRows(normedHidden, 1) && !IsRows(normedHidden, count))
            throw new ArgumentException($"Hidden states must be [1, {HiddenSize}] or [{count}, {HiddenSize}], got {normedHidden.Shape}.", nameof(normedHidden));
        PrepareSequence(kv, count, cancellationToken);
        _inputs.Upload();
        var hidden = _hidden.Rows(count);
        _backend.Convert(inputEmbeddings, hidden);
        RunLayers(hidden, count, kv.Batch, cancellationToken);
        kv.Advance(count);
        FinalNorm.Forward(_backend, normedHidden.Shape[0] == count ? hidden : _hidden.Row(count - 1), normedHidden);
    }

    /// <summary>Decodes one token for each of <c>caches.Length</c> sequences as one batch: every MatMul reads the
    /// weights once for all rows, and one attention call serves all sequences. The caches must be distinct sequences of
    /// one <see cref="KvCacheBatch"/> (<see cref="CreateCaches"/>), each at its own length. Writes [sequences, vocab]
    /// logits row-major.</summary>
    public void DecodeBatch(ReadOnlySpan<int> tokens, ReadOnlySpan<KvCache> caches, Span<float> logits, CancellationToken cancellationToken = default)
    {
        int rows = caches.Length;
        if (tokens.Length != rows) throw new ArgumentException($"One token per sequence is needed: {rows} caches, {tokens.Length} tokens.", nameof(tokens));
        if (logits.Length != (long)rows * VocabularySize)
            throw new ArgumentException($"Logits need {rows} x {VocabularySize} values, got {logits.Length}.", nameof(logits));
        var storage = PrepareBatch(caches, cancellationToken);
        FillIds(tokens, nameof(tokens));
        _inputs.Upload();
        var hidden = _hidden.Rows(rows);
        _backend.Embedding(_inputs.Device(Ids), EmbedTokens, hidden);
        RunLayers(hidden, rows, storage, cancellationToken);
        foreach (var cache in caches) cache.Advance(1);
        var normed = _normed.Rows(rows);
        FinalNorm.Forward(_backend, hidden, normed);
        _head.WriteLogits(normed, logits);
    }

    /// <summary>Like <see cref="DecodeBatch(ReadOnlySpan{int}, ReadOnlySpan{KvCache}, Span{float}, CancellationToken)"/>
    /// with one input embedding per sequence (F32 [sequences, hidden] on the backend), writing the final-normed hidden
    /// states [sequences, hidden] (Janus's classifier-free guidance: a conditional and an unconditional row).</summary>
    public void DecodeBatch(Tensor inputEmbeddings, ReadOnlySpan<KvCache> caches, Tensor normedHidden, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(inputEmbeddings);
        ArgumentNullException.ThrowIfNull(normedHidden);
        int rows = caches.Length;
        if (!IsRows(inputEmbeddings, rows))
            throw new ArgumentException($"Input embeddings must be [{rows}, {HiddenSize}] (one per sequence), got {inputEmbeddings.Shape}.", nameof(inputEmbeddings));
        if (!IsRows(normedHidden, rows))
            throw new ArgumentException($"Hidden states must be [{rows}, {HiddenSize}], got {normedHidden.Shape}.", nameof(normedHidden));
        var storage = PrepareBatch(caches, cancellationToken);
        _inputs.Upload();
        var hidden = _hidden.Rows(rows);
        _backend.Convert(inputEmbeddings, hidden);
        RunLayers(hidden, rows, storage, cancellationToken);
        foreach (var cache in caches) cache.Advance(1);
        FinalNorm.Forward(_backend, hidden, normedHidden);
    }

    /// <summary>lm_head applied to final-normed hidden states [rows, hidden] on the backend, written to the host as
    /// [rows, vocab] row-major.</summary>
    public void ComputeLogits(Tensor normedHidden, Span<float> logits)
    {
        ArgumentNullException.ThrowIfNull(normedHidden);
        if (normedHidden.Rank != 2 || normedHidden.Shape[1] != HiddenSize || normedHidden.Shape[0] == 0)
            throw new ArgumentException($"Hidden states must be [rows, {HiddenSize}], got {normedHidden.Shape}.", nameof(normedHidden));
        int rows = normedHidden.Shape[0];
        if (logits.Length != (long)rows * VocabularySize)
            throw new ArgumentException($"Logits need {rows} x {VocabularySize} values, got {logits.Length}.", nameof(logits));
        _head.WriteLogits(normedHidden, logits);
    }

    public void Dispose() => _ownedCheckpoint?.Dispose();

    private static LlamaModel Build(DecoderConfig config, LlamaLayout layout, Checkpoint checkpoint, IBackend backend, ILogger? logger, bool ownsCheckpoint)
    {
        ArgumentNullException.ThrowIfNull(backend);
        logger ??= NullLogger.Instance;
        // Tabulated for the positions the caches hold, not for max_position_embeddings (RotaryPositionTables).
        var rotary = new RotaryPositionTables(backend,
            new RotaryEmbedding(config.HeadDim, config.RopeTheta, config.RopeScaling, config.MaxPositionEmbeddings), config.MaxPositionEmbeddings);
        // LlamaAttention.scaling = head_dim ** -0.5 (llama3 rope scaling leaves the attention factor at 1).
        float scale = (float)(1.0 / Math.Sqrt(config.HeadDim));
        var workspace = new LayerWorkspace(backend);
        var layers = new LlamaDecoderLayer[config.NumHiddenLayers];
        for (int i = 0; i < layers.Length; i++)
            layers[i] = LlamaDecoderLayer.Load(workspace, checkpoint, config, layout, i, rotary, scale);
        var embedding = backend.Upload(checkpoint.GetTensor(layout.ModelPrefix + "embed_tokens.weight"));
        var finalNorm = RmsNorm.Load(backend, checkpoint, layout.ModelPrefix + "norm", config.RmsNormEps);
        // Tied (tie_word_embeddings): transformers makes lm_head.weight the embedding matrix itself, so a stored
        // lm_head, if any, is ignored there too.
        var lmHead = layout.TieWordEmbeddings ? new Linear(embedding) : Linear.Load(backend, checkpoint, layout.LmHead, config.Quantization);
        logger.LogInformation("Loaded {ModelType} from {Directory}: {Layers} layers, {Heads} heads over {KvHeads} key/value heads of {HeadDim}, {Tied} embeddings.",
            config.ModelType, checkpoint.Directory, layers.Length, config.NumAttentionHeads, config.NumKeyValueHeads, config.HeadDim,
            layout.TieWordEmbeddings ? "tied" : "untied");
        return new LlamaModel(backend, config, layout, ownsCheckpoint ? checkpoint : null, embedding, layers, finalNorm, lmHead, rotary);
    }

    private static void CheckSupported(DecoderConfig config)
    {
        // The MLP kernels are SwiGLU; every Llama-3 and Qwen2 (and R1-Distill) config says silu.
        if (config.HiddenAct != "silu")
            throw new ConfigException($"hidden_act '{config.HiddenAct}' is not supported by Llama/Qwen2 models (silu only)", config.SourcePath, "hidden_act");
        // Qwen2 applies its sliding window to layers from max_window_layers on (Qwen2Config.layer_types); the
        // R1-Distill-Qwen configs disable it, and full attention would silently differ where it is on.
        if (config is Qwen2Config { UseSlidingWindow: true } qwen && qwen.MaxWindowLayers < qwen.NumHiddenLayers)
            throw new ConfigException($"sliding-window attention (layers {qwen.MaxWindowLayers}.. with window {qwen.SlidingWindow}) is not supported", config.SourcePath, "use_sliding_window");
    }

    // Compared dimension by dimension: building a Shape to compare against would allocate on every decode step.
    private bool IsRows(Tensor t, int rows) => t.Rank == 2 && t.Shape[0] == rows && t.Shape[1] == HiddenSize;

    private void CheckCapacity(int capacity)
    {
        if (capacity <= 0 || capacity > MaxContextLength)
            throw new ArgumentOutOfRangeException(nameof(capacity), $"Cache capacity must be in 1..{MaxContextLength}, got {capacity}.");
    }

    private KvCache CheckCache(IKvCache cache)
    {
        if (cache is not KvCache kv || kv.Batch.Layers != _layers.Length || kv.Batch.KvHeads != Config.NumKeyValueHeads || kv.Batch.HeadDim != Config.HeadDim)
            throw new ArgumentException("The cache was not created by this model's CreateCache or CreateCaches.", nameof(cache));
        return kv;
    }

    // Runs the tokens through the layers and returns the final-normed hidden states: the last row's, or every row's.
    private Tensor RunTokens(ReadOnlySpan<int> tokens, IKvCache cache, bool allPositions, CancellationToken cancellationToken)
    {
        var kv = CheckCache(cache);
        int count = tokens.Length;
        if (count == 0) throw new ArgumentException("At least one token is needed.", nameof(tokens));
        PrepareSequence(kv, count, cancellationToken);
        FillIds(tokens, nameof(tokens));
        _inputs.Upload();
        var hidden = _hidden.Rows(count);
        _backend.Embedding(_inputs.Device(Ids), EmbedTokens, hidden);
        RunLayers(hidden, count, kv.Batch, cancellationToken);
        kv.Advance(count);
        var normed = _normed.Rows(allPositions ? count : 1);
        FinalNorm.Forward(_backend, allPositions ? hidden : _hidden.Row(count - 1), normed);
        return normed;
    }

    /// <summary>Host positions cache.Length.. and the cache's slot for <paramref name="count"/> rows of one sequence.</summary>
    private void PrepareSequence(KvCache cache, int count, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(cache.Batch.IsDisposed, cache);
        int start = cache.Length;
        if (start + count > cache.Capacity)
            throw new ContextLengthExceededException(start + count, cache.Capacity);
        cancellationToken.ThrowIfCancellationRequested();
        // CreateCache(s) sized the rotary tables; this covers a cache made elsewhere (one compare per step).
        _rotary.EnsurePositions(start + count);
        _inputs.Begin(count);
        var positions = _inputs.Host(Positions);
        var slots = _inputs.Host(Slots);
        for (int i = 0; i < count; i++)
        {
            positions[i] = start + i;
            slots[i] = cache.Slot;
        }
    }

    /// <summary>Host positions and slots for one row per cache, after checking that the caches are distinct sequences
    /// of one batch with room for a token.</summary>
    private KvCacheBatch PrepareBatch(ReadOnlySpan<KvCache> caches, CancellationToken cancellationToken)
    {
        int rows = caches.Length;
        if (rows == 0) throw new ArgumentException("At least one sequence is needed.", nameof(caches));
        var storage = CheckCache(caches[0]).Batch;
        ObjectDisposedException.ThrowIf(storage.IsDisposed, storage);
        _inputs.Begin(rows);
        var positions = _inputs.Host(Positions);
        var slots = _inputs.Host(Slots);
        int end = 0;
        for (int r = 0; r < rows; r++)
        {
            var cache = caches[r];
            if (!ReferenceEquals(cache.Batch, storage))
                throw new ArgumentException($"Sequence {r} belongs to another KvCacheBatch; a decode batch steps sequences of one batch (CreateCaches).", nameof(caches));
            for (int other = 0; other < r; other++)
                if (caches[other].Slot == cache.Slot)
                    throw new ArgumentException($"Sequences {other} and {r} are the same cache.", nameof(caches));
            if (cache.Length + 1 > cache.Capacity)
                throw new ContextLengthExceededException(cache.Length + 1, cache.Capacity);
            positions[r] = cache.Length;
            slots[r] = cache.Slot;
            end = Math.Max(end, cache.Length + 1);
        }
        _rotary.EnsurePositions(end);
        cancellationToken.ThrowIfCancellationRequested();
        return storage;
    }

    // Writes the ids into the step inputs (Begin has sized them), checking each against the vocabulary.
    private void FillIds(ReadOnlySpan<int> ids, string parameter)
    {
        var span = _inputs.Host(Ids);
        for (int i = 0; i < ids.Length; i++)
        {
            if ((uint)ids[i] >= (uint)VocabularySize)
                throw new ArgumentOutOfRangeException(parameter, $"Token {ids[i]} at index {i} is outside the vocabulary of {VocabularySize}.");
            span[i] = ids[i];
        }
    }

    private void RunLayers(Tensor hidden, int rows, KvCacheBatch storage, CancellationToken cancellationToken)
    {
        var positions = _inputs.Device(Positions);
        var slots = _inputs.Device(Slots);
        var normed = _normed.Rows(rows);
        var delta = _delta.Rows(rows);
        for (int l = 0; l < _layers.Length; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _layers[l].Forward(_backend, hidden, positions, slots, storage.Keys(l), storage.Values(l), normed, delta);
        }
    }

}
