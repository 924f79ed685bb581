using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Tensors;

namespace DeepSeek.Sdk.Vision.Janus;

/// <summary>The head that turns the language model's final hidden states into logits over the VQ codebook when
/// generating images, in place of lm_head (release: VisionHead output_mlp_projector → GELU → vision_head;
/// transformers JanusVQVAEHead proj_out → gelu → vision_head).</summary>
public sealed class JanusGenerationHead
{
    private readonly RowBuffer _projected;

    public JanusGenerationHead(LayerWorkspace workspace, Linear projOut, Linear visionHead, GeluApproximation gelu)
    {
        if (visionHead.InFeatures != projOut.OutFeatures)
            throw new ArgumentException($"Generation head shapes disagree: proj_out {projOut.Weight.Shape}, vision_head {visionHead.Weight.Shape}.");
        ProjOut = projOut;
        VisionHead = visionHead;
        Gelu = gelu;
        _projected = workspace.Buffer("generation_head.projected", projOut.OutFeatures);
    }

    public Linear ProjOut { get; }

    public Linear VisionHead { get; }

    public GeluApproximation Gelu { get; }

    /// <summary>Codebook size: the number of logits per row.</summary>
    public int ImageVocabularySize => VisionHead.OutFeatures;

    public static JanusGenerationHead Load(LayerWorkspace workspace, JanusWeights weights, GeluApproximation gelu) =>
        new(workspace, weights.LoadLinear("model.generation_head.proj_out"), weights.LoadLinear("model.generation_head.vision_head"), gelu);

    /// <summary>hidden [rows, lm hidden] (final-normed) into logits [rows, codebook size], on the backend.</summary>
    public void Forward(IBackend backend, Tensor hidden, Tensor logits)
    {
        var projected = _projected.Rows(hidden.Shape[0]);
        ProjOut.Forward(backend, hidden, projected);
        backend.Gelu(projected, projected, Gelu);
        VisionHead.Forward(backend, projected, logits);
    }
}
