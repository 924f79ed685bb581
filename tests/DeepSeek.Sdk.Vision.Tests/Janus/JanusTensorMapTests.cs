using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Checkpoints;
using DeepSeek.Sdk.Tensors;
using DeepSeek.Sdk.Vision.Janus;

namespace DeepSeek.Sdk.Vision.Tests.Janus;

public sealed class JanusTensorMapTests
{
    [Theory]
    // Pairs from transformers' convert_janus_weights_to_hf.py MAPPINGS (release name → converted name), read backwards.
    [InlineData("model.language_model.layers.3.self_attn.o_proj.weight", "language_model.model.layers.3.self_attn.o_proj.weight")]
    [InlineData("lm_head.weight", "language_model.lm_head.weight")]
    [InlineData("model.vision_model.embeddings.patch_embedding.weight", "vision_model.vision_tower.patch_embed.proj.weight")]
    [InlineData("model.vision_model.encoder.layers.11.layer_norm2.bias", "vision_model.vision_tower.blocks.11.norm2.bias")]
    [InlineData("model.vision_model.encoder.layers.0.self_attn.projection_layer.weight", "vision_model.vision_tower.blocks.0.attn.proj.weight")]
    [InlineData("model.vision_model.encoder.layers.23.mlp.fc2.bias", "vision_model.vision_tower.blocks.23.mlp.fc2.bias")]
    [InlineData("model.vision_model.post_layernorm.weight", "vision_model.vision_tower.norm.weight")]
    [InlineData("model.aligner.fc1.weight", "aligner.layers.0.weight")]
    [InlineData("model.aligner.hidden_layers.0.bias", "aligner.layers.2.bias")]
    [InlineData("model.generation_aligner.hidden_layers.1.weight", "gen_aligner.layers.4.weight")]
    [InlineData("model.generation_embeddings.weight", "gen_embed.weight")]
    [InlineData("model.generation_head.proj_out.weight", "gen_head.output_mlp_projector.weight")]
    [InlineData("model.generation_head.vision_head.bias", "gen_head.vision_head.bias")]
    [InlineData("model.vqmodel.quantize.embedding.weight", "gen_vision_model.quantize.embedding.weight")]
    [InlineData("model.vqmodel.post_quant_conv.weight", "gen_vision_model.post_quant_conv.weight")]
    [InlineData("model.vqmodel.decoder.up.0.block.2.nin_shortcut.weight", "gen_vision_model.decoder.conv_blocks.0.res.2.nin_shortcut.weight")]
    [InlineData("model.vqmodel.decoder.up.0.attn.1.proj_out.bias", "gen_vision_model.decoder.conv_blocks.0.attn.1.proj_out.bias")]
    [InlineData("model.vqmodel.decoder.up.3.upsample.conv.weight", "gen_vision_model.decoder.conv_blocks.3.upsample.conv.weight")]
    [InlineData("model.vqmodel.encoder.down.1.downsample.conv.bias", "gen_vision_model.encoder.conv_blocks.1.downsample.conv.bias")]
    [InlineData("model.vqmodel.decoder.mid.block_1.norm1.weight", "gen_vision_model.decoder.mid.0.norm1.weight")]
    [InlineData("model.vqmodel.decoder.mid.attn_1.q.weight", "gen_vision_model.decoder.mid.1.q.weight")]
    [InlineData("model.vqmodel.encoder.mid.block_2.conv2.bias", "gen_vision_model.encoder.mid.2.conv2.bias")]
    [InlineData("model.vqmodel.decoder.conv_out.weight", "gen_vision_model.decoder.conv_out.weight")]
    public void Release_names_are_the_converters_mapping_read_backwards(string converted, string original)
    {
        var location = JanusTensorMap.Original.Resolve(converted);
        Assert.Equal(new JanusTensorLocation(original), location);
        Assert.Equal(new JanusTensorLocation(converted), JanusTensorMap.Converted.Resolve(converted));
    }

    [Theory]
    [InlineData("q_proj", 0)]
    [InlineData("k_proj", 1)]
    [InlineData("v_proj", 2)]
    public void Siglip_q_k_v_are_thirds_of_the_releases_fused_qkv_in_that_order(string projection, int part)
    {
        var location = JanusTensorMap.Original.Resolve($"model.vision_model.encoder.layers.5.self_attn.{projection}.bias");
        Assert.Equal(new JanusTensorLocation("vision_model.vision_tower.blocks.5.attn.qkv.bias", part, 3), location);
    }

    [Fact]
    public void Position_embedding_is_the_releases_pos_embed_without_its_leading_axis()
    {
        var location = JanusTensorMap.Original.Resolve("model.vision_model.embeddings.position_embedding.weight");
        Assert.Equal(new JanusTensorLocation("vision_model.vision_tower.pos_embed", DropsLeadingAxis: true), location);
    }

    [Fact]
    public void The_release_layout_of_the_fixture_loads_and_reproduces_the_reference_logits_and_pixels()
    {
        var fixture = JanusFixture.Load();
        using var directory = new TempDirectory();
        var unused = new Dictionary<string, Tensor>
        {
            // Present in the release, dropped by the converter: SigLIP's pooling head and the codebook usage counter.
            ["vision_model.vision_tower.attn_pool.latent"] = Tensor.Zeros(DType.F32, new Shape(1, 1, 32)),
            ["gen_vision_model.quantize.codebook_used"] = Tensor.Zeros(DType.F32, new Shape(64)),
        };
        OriginalLayoutWriter.Convert(fixture.Directory, directory.Path, unused);
        using (var stored = Checkpoint.Open(directory.Path))
        {
            Assert.Contains("vision_model.vision_tower.blocks.1.attn.qkv.weight", stored.Names);
            Assert.Equal(new Shape(96, 32), stored.GetTensorInfo("vision_model.vision_tower.blocks.1.attn.qkv.weight").Shape);
            Assert.Equal(new Shape(1, 16, 32), stored.GetTensorInfo("vision_model.vision_tower.pos_embed").Shape);
            Assert.DoesNotContain(stored.Names, n => n.StartsWith("model.", StringComparison.Ordinal));
        }

        using var backend = new CpuBackend(threadCount: 2);
        using var model = JanusModel.Load(directory.Path, backend);
        Assert.Equal(JanusCheckpointLayout.Original, model.Map.Layout);

        var (pixels, shape) = fixture.Expected["pixel_values"];
        var ids = fixture.UnderstandingIds;
        var image = backend.Allocate(DType.F32, new Shape(model.ImageTokensPerImage, model.HiddenSize));
        model.EmbedImages(Tensor.FromSpan<float>(pixels, new Shape(shape), DType.F32), image);
        var embeddings = backend.Allocate(DType.F32, new Shape(ids.Length, model.HiddenSize));
        model.EmbedPrompt(ids, image, embeddings);
        var normed = backend.Allocate(DType.F32, new Shape(ids.Length, model.HiddenSize));
        using (var cache = model.LanguageModel.CreateCache(ids.Length))
            model.LanguageModel.ForwardEmbeddings(embeddings, cache, normed, TestContext.Current.CancellationToken);
        var logits = new float[ids.Length * model.LanguageModel.VocabularySize];
        model.LanguageModel.ComputeLogits(normed, logits);
        Comparison.Within(logits, fixture.Tensor("understanding_logits"), Comparison.F32Relative, "understanding_logits (release layout)");

        using (var session = JanusImageGenerationSession.Start(model, fixture.GenerationConditionalIds, fixture.GenerationUnconditionalIds, 1,
                   cancellationToken: TestContext.Current.CancellationToken))
        {
            session.Advance([fixture.Step1Token], TestContext.Current.CancellationToken);
            Comparison.Within(session.ConditionalLogits(0), fixture.Tensor("gen_logits_cond_step2"), Comparison.F32Relative, "gen_logits_cond_step2 (release layout)");
        }

        var decoded = new float[32 * 32 * 3];
        model.DecodeImageTokens(fixture.DecodeTokens, decoded);
        Comparison.Within(decoded, fixture.Tensor("decoded_pixels"), Comparison.F32Relative, "decoded_pixels (release layout)");
    }

    [Fact]
    public void A_release_tensor_that_nothing_maps_to_is_named_in_the_error()
    {
        var fixture = JanusFixture.Load();
        using var directory = new TempDirectory();
        OriginalLayoutWriter.Convert(fixture.Directory, directory.Path, new Dictionary<string, Tensor>
        {
            ["gen_vision_model.decoder.stray.weight"] = Tensor.Zeros(DType.F32, new Shape(2)),
        });
        using var backend = new CpuBackend(threadCount: 1);
        var e = Assert.Throws<CheckpointMismatchException>(() => JanusModel.Load(directory.Path, backend));
        Assert.Equal("gen_vision_model.decoder.stray.weight", e.TensorName);
    }

    [Fact]
    public void A_fused_qkv_of_the_wrong_size_is_reported_with_the_shape_the_config_implies()
    {
        var fixture = JanusFixture.Load();
        using var directory = new TempDirectory();
        OriginalLayoutWriter.Convert(fixture.Directory, directory.Path, new Dictionary<string, Tensor>
        {
            ["vision_model.vision_tower.blocks.0.attn.qkv.weight"] = Tensor.Zeros(DType.F32, new Shape(64, 32)),
        });
        using var backend = new CpuBackend(threadCount: 1);
        var e = Assert.Throws<CheckpointMismatchException>(() => JanusModel.Load(directory.Path, backend));
        Assert.Equal("vision_model.vision_tower.blocks.0.attn.qkv.weight", e.TensorName);
        Assert.Equal(new Shape(96, 32), e.ExpectedShape);
    }

    [Fact]
    public void A_checkpoint_of_neither_layout_is_refused_with_both_embedding_names()
    {
        using var directory = new TempDirectory();
        SafetensorsWriter.Write(directory.File("model.safetensors"), new Dictionary<string, Tensor> { ["model.embed_tokens.weight"] = Tensor.Zeros(DType.F32, new Shape(2, 2)) });
        using var checkpoint = Checkpoint.Open(directory.Path);
        var e = Assert.Throws<CheckpointException>(() => JanusTensorMap.Detect(checkpoint));
        Assert.Contains("model.language_model.embed_tokens.weight", e.Message);
        Assert.Contains("language_model.model.embed_tokens.weight", e.Message);
    }
}
