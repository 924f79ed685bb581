using System.Text.Json;
using DeepSeek.Sdk.Backends;
using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Layers;
using DeepSeek.Sdk.Tensors;
using DeepSeek.Sdk.Text.Llama;
using DeepSeek.Sdk.Text.Tests.DeepSeek;

namespace DeepSeek.Sdk.Text.Tests.Llama;

/// <summary>Janus-Pro's language model run through the LlamaModel API the Janus pipeline builds on, against the
/// janus_f32 reference (transformers' JanusForConditionalGeneration, float64): understanding with image embeddings
/// at the image-token rows, and a classifier-free-guidance generation step (conditional and unconditional rows
/// decoded as one batch, final-normed hidden states through the generation head). The small MLPs around the
/// language model (aligners, generation head) are written out here from modeling_janus.py: two linears with a GELU
/// between them.</summary>
public sealed class JanusLanguageModelTests
{
    // F32 compute against the float64 reference over 2 layers plus the small MLPs: the same bound as the text fixtures.
    private const double Tolerance = 1e-4;

    [Fact]
    public void Understanding_logits_match_with_aligned_image_embeddings_at_the_image_token_rows()
    {
        using var fixture = JanusFixture.Open();
        var model = fixture.Model;
        var backend = fixture.Backend;
        int[] ids = fixture.Ints("understanding_ids");
        int imageToken = fixture.Config.ImageTokenId, first = Array.IndexOf(ids, imageToken), count = ids.Count(id => id == imageToken);
        // image_embeds is the vision tower's output (get_image_features(...)[0], [1, 16, 32]); the aligner maps it to
        // the language model's width.
        var vision = fixture.Expected.GetTensor("image_embeds");
        var aligned = fixture.Mlp("model.aligner.fc1", "model.aligner.hidden_layers.0", vision.Reshape(vision.Shape[1], vision.Shape[2]));

        var embeddings = backend.Allocate(DType.F32, new Shape(ids.Length, model.HiddenSize));
        model.Embed(ids, embeddings);
        backend.Convert(aligned, embeddings.Slice(0, first, count));
        var hidden = backend.Allocate(DType.F32, new Shape(ids.Length, model.HiddenSize));
        using var cache = model.CreateCache(ids.Length);
        model.ForwardEmbeddings(embeddings, cache, hidden, TestContext.Current.CancellationToken);
        var logits = new float[ids.Length * model.VocabularySize];
        model.ComputeLogits(hidden, logits);

        var expected = fixture.Expected.GetTensor("understanding_logits").ToFloatArray();
        for (int row = 0; row < ids.Length; row++)
        {
            int v = model.VocabularySize;
            double error = LogitComparison.RelativeError(logits.AsSpan(row * v, v), expected.AsSpan(row * v, v));
            Assert.True(error < Tolerance, $"row {row}: relative error {error:E3}");
        }
    }

    [Fact]
    public void A_guided_generation_step_decodes_the_conditional_and_unconditional_rows_as_one_batch()
    {
        using var fixture = JanusFixture.Open();
        var model = fixture.Model;
        var backend = fixture.Backend;
        var ct = TestContext.Current.CancellationToken;
        int[][] prompts = [fixture.Ints("gen_cond_ids"), fixture.Ints("gen_uncond_ids")];
        float cfgWeight = (float)fixture.Case.GetProperty("cfg_weight").GetDouble();
        using var caches = model.CreateCaches(2, 16);
        var last = backend.Allocate(DType.F32, new Shape(1, model.HiddenSize));
        var headLogits = new float[2][];
        for (int s = 0; s < 2; s++)
        {
            var embeddings = backend.Allocate(DType.F32, new Shape(prompts[s].Length, model.HiddenSize));
            model.Embed(prompts[s], embeddings);
            model.ForwardEmbeddings(embeddings, caches[s], last, ct);
            headLogits[s] = fixture.GenerationHead(last);
        }
        var cfg = new float[headLogits[0].Length];
        for (int i = 0; i < cfg.Length; i++) cfg[i] = headLogits[1][i] + cfgWeight * (headLogits[0][i] - headLogits[1][i]);

        // The chosen image token goes back in through generation_embeddings and generation_aligner, once per row.
        int token = fixture.Case.GetProperty("gen_step1_token").GetInt32();
        Assert.Equal(token, LogitComparison.Argmax(cfg));
        var tokenEmbedding = fixture.Checkpoint.GetTensor("model.generation_embeddings.weight").Slice(0, token, 1);
        var aligned = fixture.Mlp("model.generation_aligner.fc1", "model.generation_aligner.hidden_layers.0", tokenEmbedding);
        var step = backend.Allocate(DType.F32, new Shape(2, model.HiddenSize));
        backend.Convert(aligned, step.Slice(0, 0, 1));
        backend.Convert(aligned, step.Slice(0, 1, 1));
        var hidden = backend.Allocate(DType.F32, new Shape(2, model.HiddenSize));
        model.DecodeBatch(step, [caches[0], caches[1]], hidden, ct);
        var step2 = fixture.GenerationHead(hidden.Slice(0, 0, 1));

        Assert.True(LogitComparison.RelativeError(headLogits[0], fixture.Expected.GetTensor("gen_logits_cond").ToFloatArray()) < Tolerance);
        Assert.True(LogitComparison.RelativeError(headLogits[1], fixture.Expected.GetTensor("gen_logits_uncond").ToFloatArray()) < Tolerance);
        Assert.True(LogitComparison.RelativeError(cfg, fixture.Expected.GetTensor("gen_logits_cfg").ToFloatArray()) < Tolerance);
        double error = LogitComparison.RelativeError(step2, fixture.Expected.GetTensor("gen_logits_cond_step2").ToFloatArray());
        Assert.True(error < Tolerance, $"step 2: relative error {error:E3}");
        Assert.Equal(prompts[1].Length + 1, caches[1].Length);
    }

    private sealed class JanusFixture : IDisposable
    {
        private readonly JsonDocument _case;

        private JanusFixture(string directory)
        {
            Config = (JanusConfig)ModelConfig.Load(directory);
            Checkpoint = Checkpoint.Open(directory);
            CheckpointValidator.Validate(Config, Checkpoint);
            Backend = new CpuBackend(1);
            var layout = LlamaLayout.For(Config.Text) with { ModelPrefix = "model.language_model.", TieWordEmbeddings = Config.TieWordEmbeddings };
            Model = LlamaModel.CreateLanguageModel(Config.Text, layout, Checkpoint, Backend);
            Expected = SafetensorsFile.Open(Path.Combine(directory, "expected.safetensors"));
            _case = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, "case.json")));
        }

        public JanusConfig Config { get; }

        public Checkpoint Checkpoint { get; }

        public CpuBackend Backend { get; }

        public LlamaModel Model { get; }

        public SafetensorsFile Expected { get; }

        public JsonElement Case => _case.RootElement;

        public static JanusFixture Open() => new(OracleCase.PathOf("janus_f32"));

        public int[] Ints(string name) => [.. Case.GetProperty(name).EnumerateArray().Select(e => e.GetInt32())];

        /// <summary>JanusVisionAlignerMLP / JanusVQVAEAlignerMLP with depth 2: second(gelu(first(x))).</summary>
        public Tensor Mlp(string first, string second, Tensor x)
        {
            var a = Linear.Load(Backend, Checkpoint, first, null, hasBias: true);
            var b = Linear.Load(Backend, Checkpoint, second, null, hasBias: true);
            var middle = Backend.Allocate(DType.F32, new Shape(x.Shape[0], a.OutFeatures));
            var output = Backend.Allocate(DType.F32, new Shape(x.Shape[0], b.OutFeatures));
            a.Forward(Backend, x, middle);
            Backend.Gelu(middle, middle, GeluApproximation.Exact);
            b.Forward(Backend, middle, output);
            return output;
        }

        /// <summary>JanusVQVAEHead: vision_head(gelu(proj_out(h))) on one final-normed hidden state.</summary>
        public float[] GenerationHead(Tensor hidden) =>
            Mlp("model.generation_head.proj_out", "model.generation_head.vision_head", hidden).ToFloatArray();

        public void Dispose()
        {
            Model.Dispose();
            Expected.Dispose();
            Checkpoint.Dispose();
            Backend.Dispose();
            _case.Dispose();
        }
    }
}
