using System.Text.Json;
using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Imaging;
using DeepSeek.Sdk.Tensors;
using DeepSeek.Sdk.Vision.Janus;
using DeepSeek.Sdk.Vision.Preprocessing;

namespace DeepSeek.Cli.Verification;

/// <summary>A Janus case (tools/oracle/make_fixtures.py janus_case): the preprocessing of image.png, the SigLIP
/// features and understanding logits, the generation head's conditional, unconditional and guided logits and the
/// logits after one image token is fed back, and the VQ decoder's pixels and PNG. Each stage starts from the
/// reference's own inputs (the SigLIP and understanding checks from the reference pixel_values), so a failure names
/// the stage that is wrong.</summary>
public sealed class JanusCaseVerifier : ICaseVerifier
{
    /// <summary>F32 compute against the float64 reference: max|Δ| / max|ref|.</summary>
    public const double F32RelativeTolerance = 1e-4;

    /// <summary>pixel_values after normalization: one 8-bit level is 1/255/std ≈ 0.015, so this allows one level of
    /// resampler disagreement (Pillow vs torchvision) and no more.</summary>
    public const double PixelValuesTolerance = 2e-2;

    /// <summary>decoded.png in 0..255: one level for F32-vs-float64 values that straddle a rounding boundary.</summary>
    public const double PngTolerance = 1;

    public string Kind => "janus";

    public bool CanVerify(CaseFolder folder) =>
        folder.ModelType is ("janus" or JanusOriginalConfig.ModelType) && folder.Has("case.json") && folder.Has("expected.safetensors");

    public IReadOnlyList<CheckResult> Verify(CaseFolder folder, VerifyOptions options, CancellationToken cancellationToken)
    {
        using var caseJson = JsonDocument.Parse(File.ReadAllBytes(folder.File("case.json")));
        var root = caseJson.RootElement;
        using var expected = SafetensorsFile.Open(folder.File("expected.safetensors"));
        using var backend = new CpuBackend();
        using var model = JanusModel.Load(folder.Path, backend);
        var results = new List<CheckResult>();
        var referencePixels = expected.GetTensor("pixel_values");

        if (folder.Has("image.png"))
        {
            var processor = JanusImageProcessor.FromDirectory(folder.Path);
            var pixels = processor.Preprocess(ImageCodecs.DecodeFile(folder.File("image.png")));
            results.Add(CheckResult.ForAbsolute("pixel_values (image.png)", Compare(pixels.ToFloatArray(), referencePixels), PixelValuesTolerance));
        }

        var features = backend.Allocate(DType.F32, new Shape(referencePixels.Shape[0] * model.ImageTokensPerImage, model.Config.Vision.HiddenSize));
        model.EncodeImages(referencePixels, features);
        results.Add(Relative("image_embeds (SigLIP features)", features.ToFloatArray(), expected, "image_embeds"));

        int[] ids = Ids(root, "understanding_ids");
        var image = backend.Allocate(DType.F32, new Shape(referencePixels.Shape[0] * model.ImageTokensPerImage, model.HiddenSize));
        model.EmbedImages(referencePixels, image);
        var embeddings = backend.Allocate(DType.F32, new Shape(ids.Length, model.HiddenSize));
        model.EmbedPrompt(ids, image, embeddings);
        var normed = backend.Allocate(DType.F32, new Shape(ids.Length, model.HiddenSize));
        using (var cache = model.LanguageModel.CreateCache(ids.Length))
            model.LanguageModel.ForwardEmbeddings(embeddings, cache, normed, cancellationToken);
        var logits = new float[ids.Length * model.LanguageModel.VocabularySize];
        model.LanguageModel.ComputeLogits(normed, logits);
        results.Add(Relative("understanding_logits", logits, expected, "understanding_logits"));

        float cfgWeight = (float)root.GetProperty("cfg_weight").GetDouble();
        int step1 = root.GetProperty("gen_step1_token").GetInt32();
        using (var session = JanusImageGenerationSession.Start(model, Ids(root, "gen_cond_ids"), Ids(root, "gen_uncond_ids"), parallelSize: 1, cancellationToken: cancellationToken))
        {
            results.Add(Relative("gen_logits_cond", session.ConditionalLogits(0).ToArray(), expected, "gen_logits_cond"));
            results.Add(Relative("gen_logits_uncond", session.UnconditionalLogits(0).ToArray(), expected, "gen_logits_uncond"));
            var guided = new float[model.ImageVocabularySize];
            session.GuidedLogits(0, cfgWeight, guided);
            results.Add(Relative($"gen_logits_cfg (cfg_weight {cfgWeight})", guided, expected, "gen_logits_cfg"));
            session.Advance([step1], cancellationToken);
            results.Add(Relative($"gen_logits_cond_step2 (token {step1} fed back)", session.ConditionalLogits(0).ToArray(), expected, "gen_logits_cond_step2"));
        }

        int size = model.VqDecoder.ImageSize;
        var decoded = new float[size * size * model.Config.Vq.OutChannels];
        model.DecodeImageTokens(Ids(root, "decode_tokens"), decoded);
        results.Add(Relative("decoded_pixels (VQ decoder)", decoded, expected, "decoded_pixels"));
        if (folder.Has("decoded.png"))
        {
            var png = ImageCodecs.DecodeFile(folder.File("decoded.png")).ToRgb24();
            var ours = JanusImageOutput.ToImage(decoded, size, size);
            results.Add(CheckResult.ForAbsolute("decoded.png (0..255)", TensorComparison.Compare(Floats(ours.Pixels), Floats(png.Pixels)), PngTolerance));
        }
        return results;
    }

    private static CheckResult Relative(string name, float[] actual, SafetensorsFile expected, string tensor) =>
        CheckResult.ForTensor(name, Compare(actual, expected.GetTensor(tensor)), F32RelativeTolerance);

    private static TensorComparison Compare(float[] actual, Tensor reference) => TensorComparison.Compare(actual, reference.ToFloatArray());

    private static float[] Floats(ReadOnlySpan<byte> bytes)
    {
        var result = new float[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) result[i] = bytes[i];
        return result;
    }

    private static int[] Ids(JsonElement root, string field) => [.. root.GetProperty(field).EnumerateArray().Select(e => e.GetInt32())];
}
