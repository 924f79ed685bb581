using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Vision.Janus;

/// <summary>The state of Janus's text-to-image decoding for <see cref="ParallelSize"/> images of one prompt under
/// classifier-free guidance (Ho and Salimans 2022), as the release's generation_inference.py and transformers'
/// JanusForConditionalGeneration.generate run it: every image has a conditional row (the prompt) and an
/// unconditional row (the prompt with its text replaced by the pad token, <see cref="UnconditionalPrompt"/>), all
/// 2 · ParallelSize rows decoded as one batch with the KV cache. After
/// <see cref="Start"/> and after each <see cref="Advance"/>, each row's generation-head logits over the codebook are
/// ready; <see cref="GuidedLogits"/> combines an image's two rows as <c>uncond + cfg_weight · (cond − uncond)</c>.
/// Rows 0..P−1 are conditional, P..2P−1 unconditional.</summary>
public sealed class JanusImageGenerationSession : IDisposable
{
    private readonly JanusModel _model;
    private readonly KvCacheBatch _caches;
    private readonly KvCache[] _rows;
    private readonly RowBuffer _embeddings;
    private readonly RowBuffer _normed;
    private readonly float[] _logits;
    private readonly int[] _rowTokens;

    private JanusImageGenerationSession(JanusModel model, int parallelSize, int capacity)
    {
        _model = model;
        ParallelSize = parallelSize;
        _caches = model.LanguageModel.CreateCaches(2 * parallelSize, capacity);
        _rows = [.. _caches.Sequences];
        _embeddings = new RowBuffer(model.Backend, model.HiddenSize);
        _normed = new RowBuffer(model.Backend, model.HiddenSize);
        _logits = new float[2 * parallelSize * model.ImageVocabularySize];
        _rowTokens = new int[2 * parallelSize];
    }

    /// <summary>Images generated together.</summary>
    public int ParallelSize { get; }

    /// <summary>Image tokens fed back so far.</summary>
    public int TokensFed { get; private set; }

    /// <summary>Image tokens the caches have room for after the prompt.</summary>
    public int TokenCapacity { get; private set; }

    /// <summary>Prefills the conditional rows of <paramref name="parallelSize"/> images with <paramref name="promptIds"/>
    /// (which ends with &lt;begin_of_image&gt;) and the unconditional rows with <paramref name="unconditionalIds"/> (of
    /// the same length, see <see cref="UnconditionalPrompt"/>), and computes their first logits.
    /// <paramref name="imageTokens"/> sizes the caches (the grid, GeneratedTokensPerImage, by default).</summary>
    public static JanusImageGenerationSession Start(JanusModel model, ReadOnlySpan<int> promptIds, ReadOnlySpan<int> unconditionalIds, int parallelSize,
        int? imageTokens = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (promptIds.IsEmpty) throw new ArgumentException("The generation prompt is empty.", nameof(promptIds));
        if (unconditionalIds.Length != promptIds.Length)
            throw new ArgumentException($"The unconditional prompt must have the prompt's {promptIds.Length} tokens, got {unconditionalIds.Length}.", nameof(unconditionalIds));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(parallelSize);
        int tokens = imageTokens ?? model.GeneratedTokensPerImage;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokens);
        // The last image token is sampled but never fed back, so the caches need prompt + tokens − 1 positions.
        int capacity = promptIds.Length + tokens - 1;
        var session = new JanusImageGenerationSession(model, parallelSize, capacity) { TokenCapacity = tokens - 1 };
        try
        {
            session.Prefill(promptIds, unconditionalIds, cancellationToken);
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>The unconditional counterpart of a generation prompt: every token that is neither BOS nor
    /// &lt;begin_of_image&gt; becomes the pad token (transformers' generate masks by these ids; the release's
    /// generation_inference.py pads positions 1..n−2 of a prompt that starts with BOS and ends with
    /// &lt;begin_of_image&gt;, the same thing for its prompts). A negative id matches nothing.</summary>
    public static int[] UnconditionalPrompt(ReadOnlySpan<int> promptIds, int bosTokenId, int beginOfImageTokenId, int padTokenId)
    {
        var result = promptIds.ToArray();
        for (int i = 0; i < result.Length; i++)
            if (result[i] != bosTokenId && result[i] != beginOfImageTokenId) result[i] = padTokenId;
        return result;
    }

    /// <summary>The codebook logits of image <paramref name="image"/>'s conditional row.</summary>
    public ReadOnlySpan<float> ConditionalLogits(int image) => Row(CheckImage(image));

    /// <summary>The codebook logits of image <paramref name="image"/>'s unconditional row.</summary>
    public ReadOnlySpan<float> UnconditionalLogits(int image) => Row(ParallelSize + CheckImage(image));

    /// <summary>Classifier-free guidance: <c>uncond + cfgWeight · (cond − uncond)</c> (the release's generate;
    /// transformers' ClassifierFreeGuidanceLogitsProcessor) into <paramref name="destination"/>.</summary>
    public void GuidedLogits(int image, float cfgWeight, Span<float> destination)
    {
        var cond = ConditionalLogits(image);
        var uncond = UnconditionalLogits(image);
        if (destination.Length != cond.Length)
            throw new ArgumentException($"Guided logits need {cond.Length} values, got {destination.Length}.", nameof(destination));
        for (int i = 0; i < cond.Length; i++) destination[i] = uncond[i] + cfgWeight * (cond[i] - uncond[i]);
    }

    /// <summary>Feeds each image's chosen token (one per image) to both of its rows through the generation embedding
    /// and aligner, decodes all rows as one batch, and computes the next logits.</summary>
    public void Advance(ReadOnlySpan<int> tokens, CancellationToken cancellationToken = default)
    {
        if (tokens.Length != ParallelSize)
            throw new ArgumentException($"One token per image is needed: {ParallelSize} images, {tokens.Length} tokens.", nameof(tokens));
        if (TokensFed >= TokenCapacity)
            throw new InvalidOperationException($"The session was sized for {TokenCapacity} fed tokens; all have been fed.");
        int rows = 2 * ParallelSize;
        tokens.CopyTo(_rowTokens);
        tokens.CopyTo(_rowTokens.AsSpan(ParallelSize));
        var embeddings = _embeddings.Rows(rows);
        _model.EmbedImageTokens(_rowTokens, embeddings);
        var normed = _normed.Rows(rows);
        _model.LanguageModel.DecodeBatch(embeddings, _rows, normed, cancellationToken);
        _model.ImageTokenLogits(normed, _logits);
        TokensFed++;
    }

    public void Dispose() => _caches.Dispose();

    private void Prefill(ReadOnlySpan<int> promptIds, ReadOnlySpan<int> unconditionalIds, CancellationToken cancellationToken)
    {
        var embeddings = _embeddings.Rows(promptIds.Length);
        var normed = _normed.Rows(2 * ParallelSize);
        var lm = _model.LanguageModel;
        for (int half = 0; half < 2; half++)
        {
            // Rows of one half share their prompt: its embeddings are computed once and prefilled into each row.
            _model.EmbedPrompt(half == 0 ? promptIds : unconditionalIds, null, embeddings);
            for (int image = 0; image < ParallelSize; image++)
            {
                int row = half * ParallelSize + image;
                lm.ForwardEmbeddings(embeddings, _rows[row], normed.Slice(0, row, 1), cancellationToken);
            }
        }
        _model.ImageTokenLogits(normed, _logits);
    }

    private int CheckImage(int image)
    {
        if ((uint)image >= (uint)ParallelSize)
            throw new ArgumentOutOfRangeException(nameof(image), image, $"Images are 0..{ParallelSize - 1}.");
        return image;
    }

    private ReadOnlySpan<float> Row(int row) => _logits.AsSpan(row * _model.ImageVocabularySize, _model.ImageVocabularySize);
}
