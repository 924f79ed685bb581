namespace DeepSeek.Sdk.Configs;

/// <summary>Janus / Janus-Pro in transformers' converted layout (<c>model_type: janus</c>,
/// JanusForConditionalGeneration): a Llama language model, a SigLIP understanding encoder with aligner, and a
/// VQ image tokenizer with generation embeddings, aligner and head.</summary>
public sealed record JanusConfig : ModelConfig
{
    private JanusConfig(ConfigJson json, LlamaConfig text, JanusVisionConfig vision, JanusVqConfig vq)
        : base("janus", json.FilePath, text.Quantization, json.Limits)
    {
        Text = text;
        Vision = vision;
        Vq = vq;
        ImageTokenId = json.Int("image_token_id", 100581);
        TieWordEmbeddings = json.Bool("tie_word_embeddings", text.TieWordEmbeddings);
        DeclaredDType = ReadTorchDType(json);
    }

    public LlamaConfig Text { get; init; }

    public JanusVisionConfig Vision { get; init; }

    public JanusVqConfig Vq { get; init; }

    /// <summary>The placeholder id whose positions receive the aligned image embeddings.</summary>
    public int ImageTokenId { get; init; }

    /// <summary>Whether lm_head reuses the language model's embed_tokens (the top-level flag decides for
    /// JanusForConditionalGeneration).</summary>
    public bool TieWordEmbeddings { get; init; }

    internal static JanusConfig Read(ConfigJson json)
    {
        var text = LlamaConfig.Read(json.RequiredObject("text_config"));
        var vision = JanusVisionConfig.Read(json.RequiredObject("vision_config"));
        var vqJson = json.RequiredObject("vq_config");
        var vq = JanusVqConfig.Read(vqJson);
        // transformers derives the token grid of generated images from the vision config (JanusConfig.__init__).
        vq = vq with { NumPatches = vision.PatchesPerSide };
        vq.CheckImageSize(vqJson);
        var config = new JanusConfig(json, text, vision, vq);
        if (config.ImageTokenId < 0 || config.ImageTokenId >= text.VocabSize)
            throw json.Error("image_token_id", $"{config.ImageTokenId} is outside the text vocabulary of {text.VocabSize}");
        if (vision.ProjectionDim != text.HiddenSize)
            throw json.Error("vision_config.projection_dim", $"{vision.ProjectionDim} contradicts text_config.hidden_size {text.HiddenSize} (the aligner feeds the language model)");
        if (vq.ProjectionDim != text.HiddenSize)
            throw json.Error("vq_config.projection_dim", $"{vq.ProjectionDim} contradicts text_config.hidden_size {text.HiddenSize} (the generation aligner feeds the language model)");
        if (vq.ImageTokenEmbedDim != text.HiddenSize)
            throw json.Error("vq_config.image_token_embed_dim", $"{vq.ImageTokenEmbedDim} contradicts text_config.hidden_size {text.HiddenSize} (the generation head reads the language model)");
        return config;
    }

    public override IReadOnlyList<ExpectedTensor> ExpectedTensors()
    {
        var layout = new TensorLayoutBuilder(this);
        Vision.AddTensors(layout, "model.vision_model.", "model.aligner.");
        Vq.AddTensors(layout, "model.");
        Text.AddTensors(layout, "model.language_model.", "lm_head.weight", TieWordEmbeddings);
        return layout.Build();
    }
}
