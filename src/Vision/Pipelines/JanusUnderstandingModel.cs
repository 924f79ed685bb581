using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Tensors;
using DeepSeek.Sdk.Vision.Janus;

namespace DeepSeek.Sdk.Vision.Pipelines;

/// <summary>Janus's language model as the generation loop sees it for one understanding request: a step whose tokens
/// hold image placeholders is run from input embeddings with the request's aligned image rows in their places (in
/// order, across steps); every other step is the plain language model. This lets <see cref="TokenGenerator"/>
/// (sampling, stop tokens and strings, streaming) drive a prompt with images.</summary>
internal sealed class JanusUnderstandingModel(JanusModel model, Tensor imageEmbeddings) : ICausalLanguageModel
{
    private int _nextImageRow;

    public int VocabularySize => model.LanguageModel.VocabularySize;

    public int MaxContextLength => model.LanguageModel.MaxContextLength;

    public IKvCache CreateCache(int capacity) => model.LanguageModel.CreateCache(capacity);

    public void Forward(ReadOnlySpan<int> tokens, IKvCache cache, Span<float> lastLogits, CancellationToken cancellationToken = default)
    {
        if (!HasImageTokens(tokens))
        {
            model.LanguageModel.Forward(tokens, cache, lastLogits, cancellationToken);
            return;
        }
        var normed = Run(tokens, cache, lastOnly: true, cancellationToken);
        model.LanguageModel.ComputeLogits(normed, lastLogits);
    }

    // Decode steps go to the language model, which picks the argmax on its backend; the one step with image rows (the
    // prompt) scans its logits on the host, as the interface's default does.
    public int ForwardGreedy(ReadOnlySpan<int> tokens, IKvCache cache, CancellationToken cancellationToken = default)
    {
        if (!HasImageTokens(tokens)) return model.LanguageModel.ForwardGreedy(tokens, cache, cancellationToken);
        var logits = new float[VocabularySize];
        Forward(tokens, cache, logits, cancellationToken);
        return Sampler.ArgMax(logits);
    }

    public void ForwardAllLogits(ReadOnlySpan<int> tokens, IKvCache cache, Span<float> logits, CancellationToken cancellationToken = default)
    {
        if (!HasImageTokens(tokens))
        {
            model.LanguageModel.ForwardAllLogits(tokens, cache, logits, cancellationToken);
            return;
        }
        var normed = Run(tokens, cache, lastOnly: false, cancellationToken);
        model.LanguageModel.ComputeLogits(normed, logits);
    }

    /// <summary>The language model is the host's; nothing here owns it.</summary>
    public void Dispose()
    {
    }

    private Tensor Run(ReadOnlySpan<int> tokens, IKvCache cache, bool lastOnly, CancellationToken cancellationToken)
    {
        int images = 0;
        foreach (int id in tokens)
            if (id == model.Config.ImageTokenId) images++;
        if (_nextImageRow + images > imageEmbeddings.Shape[0])
            throw new InvalidOperationException($"The prompt holds more image tokens than the {imageEmbeddings.Shape[0]} image rows of this request.");
        var backend = model.Backend;
        var embeddings = backend.Allocate(DType.F32, new Shape(tokens.Length, model.HiddenSize));
        model.EmbedPrompt(tokens, imageEmbeddings.Slice(0, _nextImageRow, images), embeddings);
        _nextImageRow += images;
        var normed = backend.Allocate(DType.F32, new Shape(lastOnly ? 1 : tokens.Length, model.HiddenSize));
        model.LanguageModel.ForwardEmbeddings(embeddings, cache, normed, cancellationToken);
        return normed;
    }

    private bool HasImageTokens(ReadOnlySpan<int> tokens) => tokens.Contains(model.Config.ImageTokenId);
}
