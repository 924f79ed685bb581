using System.Text.Json;
using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Tensors;
using DeepSeek.Sdk.Vision.Janus;

namespace DeepSeek.Sdk.Gpu.Tests;

/// <summary>The janus_f32 fixture on the GPU, through the same model code as on the CPU: SigLIP features, the
/// understanding logits, the conditional/unconditional/guided image-token logits and one fed-back step, and the VQ
/// decoder's pixels, each against transformers' float64 values (docs/fixtures.md).</summary>
public sealed class JanusFixtureTests(GpuFixture gpu)
{
    // An F32 checkpoint runs in F32 end to end on the GPU (convolutions are im2col + F32 cuBLAS without TF32), so the
    // CPU's bound of the issue applies: 1e-4 of each tensor's largest magnitude.
    private const double Tolerance = 1e-4;

    private static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "oracle", "janus_f32");

    private static int[] Ids(JsonElement root, string field) => [.. root.GetProperty(field).EnumerateArray().Select(e => e.GetInt32())];

    [Fact]
    public void Every_janus_output_matches_the_reference_on_the_gpu()
    {
        var cuda = gpu.Require();
        using var caseJson = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Directory, "case.json")));
        var root = caseJson.RootElement;
        using var expected = SafetensorsFile.Open(Path.Combine(Directory, "expected.safetensors"));
        using var model = JanusModel.Load(Directory, cuda);
        var pixels = expected.GetTensor("pixel_values");
        void Check(string tensor, ReadOnlySpan<float> actual) => Parity.Close(expected.GetTensor(tensor).ToFloatArray(), actual, Tolerance, $"janus {tensor}");

        int rows = pixels.Shape[0] * model.ImageTokensPerImage;
        var features = cuda.Allocate(DType.F32, new Shape(rows, model.Config.Vision.HiddenSize));
        model.EncodeImages(pixels, features);
        Check("image_embeds", Parity.ToHost(cuda, features));

        int[] ids = Ids(root, "understanding_ids");
        var image = cuda.Allocate(DType.F32, new Shape(rows, model.HiddenSize));
        model.EmbedImages(pixels, image);
        var embeddings = cuda.Allocate(DType.F32, new Shape(ids.Length, model.HiddenSize));
        model.EmbedPrompt(ids, image, embeddings);
        var normed = cuda.Allocate(DType.F32, new Shape(ids.Length, model.HiddenSize));
        using (var cache = model.LanguageModel.CreateCache(ids.Length))
            model.LanguageModel.ForwardEmbeddings(embeddings, cache, normed, TestContext.Current.CancellationToken);
        var logits = new float[ids.Length * model.LanguageModel.VocabularySize];
        model.LanguageModel.ComputeLogits(normed, logits);
        Check("understanding_logits", logits);

        float cfgWeight = (float)root.GetProperty("cfg_weight").GetDouble();
        using (var session = JanusImageGenerationSession.Start(model, Ids(root, "gen_cond_ids"), Ids(root, "gen_uncond_ids"), parallelSize: 1,
                   cancellationToken: TestContext.Current.CancellationToken))
        {
            Check("gen_logits_cond", session.ConditionalLogits(0));
            Check("gen_logits_uncond", session.UnconditionalLogits(0));
            var guided = new float[model.ImageVocabularySize];
            session.GuidedLogits(0, cfgWeight, guided);
            Check("gen_logits_cfg", guided);
            session.Advance([root.GetProperty("gen_step1_token").GetInt32()], TestContext.Current.CancellationToken);
            Check("gen_logits_cond_step2", session.ConditionalLogits(0));
        }

        int size = model.VqDecoder.ImageSize;
        var decoded = new float[size * size * model.Config.Vq.OutChannels];
        model.DecodeImageTokens(Ids(root, "decode_tokens"), decoded);
        Check("decoded_pixels", decoded);
    }
}
