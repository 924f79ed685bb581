namespace DeepSeek.Sdk.Core.Tests.Configs;

/// <summary>The size fields of published config.json files (Hugging Face, as released; training-only fields left out),
/// the models <see cref="DeepSeek.Sdk.Configs.ConfigLimits.Default"/> must let through.</summary>
internal static class PublishedConfigs
{
    /// <summary>Name → config.json text.</summary>
    public static IReadOnlyDictionary<string, string> All { get; } = new Dictionary<string, string>
    {
        // deepseek-ai/DeepSeek-V3 (and DeepSeek-R1, which shares it): FP8 with 128x128 blocks, one MTP layer.
        ["DeepSeek-V3"] = """
            {"architectures": ["DeepseekV3ForCausalLM"], "model_type": "deepseek_v3", "vocab_size": 129280, "hidden_size": 7168,
             "intermediate_size": 18432, "moe_intermediate_size": 2048, "num_hidden_layers": 61, "num_attention_heads": 128,
             "num_key_value_heads": 128, "n_shared_experts": 1, "n_routed_experts": 256, "routed_scaling_factor": 2.5,
             "kv_lora_rank": 512, "q_lora_rank": 1536, "qk_rope_head_dim": 64, "v_head_dim": 128, "qk_nope_head_dim": 128,
             "topk_method": "noaux_tc", "n_group": 8, "topk_group": 4, "num_experts_per_tok": 8, "moe_layer_freq": 1,
             "first_k_dense_replace": 3, "norm_topk_prob": true, "scoring_func": "sigmoid", "hidden_act": "silu",
             "max_position_embeddings": 163840, "rms_norm_eps": 1e-06, "rope_theta": 10000, "num_nextn_predict_layers": 1,
             "rope_scaling": {"beta_fast": 32, "beta_slow": 1, "factor": 40, "mscale": 1.0, "mscale_all_dim": 1.0,
                              "original_max_position_embeddings": 4096, "type": "yarn"},
             "quantization_config": {"activation_scheme": "dynamic", "fmt": "e4m3", "quant_method": "fp8", "weight_block_size": [128, 128]},
             "attention_bias": false, "tie_word_embeddings": false, "bos_token_id": 0, "eos_token_id": 1, "torch_dtype": "bfloat16"}
            """,
        // moonshotai/Kimi-K2-Instruct: the largest published DeepSeek-V3-architecture model (384 experts).
        ["Kimi-K2"] = """
            {"architectures": ["DeepseekV3ForCausalLM"], "model_type": "deepseek_v3", "vocab_size": 163840, "hidden_size": 7168,
             "intermediate_size": 18432, "moe_intermediate_size": 2048, "num_hidden_layers": 61, "num_attention_heads": 64,
             "num_key_value_heads": 64, "n_shared_experts": 1, "n_routed_experts": 384, "routed_scaling_factor": 2.827,
             "kv_lora_rank": 512, "q_lora_rank": 1536, "qk_rope_head_dim": 64, "v_head_dim": 128, "qk_nope_head_dim": 128,
             "topk_method": "noaux_tc", "n_group": 1, "topk_group": 1, "num_experts_per_tok": 8, "moe_layer_freq": 1,
             "first_k_dense_replace": 1, "norm_topk_prob": true, "scoring_func": "sigmoid", "hidden_act": "silu",
             "max_position_embeddings": 131072, "rms_norm_eps": 1e-06, "rope_theta": 50000.0, "num_nextn_predict_layers": 0,
             "rope_scaling": {"beta_fast": 1.0, "beta_slow": 1.0, "factor": 32.0, "mscale": 1.0, "mscale_all_dim": 1.0,
                              "original_max_position_embeddings": 4096, "type": "yarn"},
             "quantization_config": {"activation_scheme": "dynamic", "fmt": "e4m3", "quant_method": "fp8", "weight_block_size": [128, 128]},
             "attention_bias": false, "tie_word_embeddings": false, "bos_token_id": 163584, "eos_token_id": 163585, "torch_dtype": "bfloat16"}
            """,
        // deepseek-ai/DeepSeek-V2 (236B).
        ["DeepSeek-V2"] = """
            {"architectures": ["DeepseekV2ForCausalLM"], "model_type": "deepseek_v2", "vocab_size": 102400, "hidden_size": 5120,
             "intermediate_size": 12288, "moe_intermediate_size": 1536, "num_hidden_layers": 60, "num_attention_heads": 128,
             "num_key_value_heads": 128, "n_shared_experts": 2, "n_routed_experts": 160, "routed_scaling_factor": 16.0,
             "kv_lora_rank": 512, "q_lora_rank": 1536, "qk_rope_head_dim": 64, "v_head_dim": 128, "qk_nope_head_dim": 128,
             "topk_method": "group_limited_greedy", "n_group": 8, "topk_group": 3, "num_experts_per_tok": 6, "moe_layer_freq": 1,
             "first_k_dense_replace": 1, "norm_topk_prob": false, "scoring_func": "softmax", "hidden_act": "silu",
             "max_position_embeddings": 163840, "rms_norm_eps": 1e-06, "rope_theta": 10000,
             "rope_scaling": {"beta_fast": 32, "beta_slow": 1, "factor": 40, "mscale": 0.707, "mscale_all_dim": 0.707,
                              "original_max_position_embeddings": 4096, "type": "yarn"},
             "attention_bias": false, "tie_word_embeddings": false, "bos_token_id": 100000, "eos_token_id": 100001, "torch_dtype": "bfloat16"}
            """,
        // deepseek-ai/DeepSeek-V2-Lite.
        ["DeepSeek-V2-Lite"] = """
            {"architectures": ["DeepseekV2ForCausalLM"], "model_type": "deepseek_v2", "vocab_size": 102400, "hidden_size": 2048,
             "intermediate_size": 10944, "moe_intermediate_size": 1408, "num_hidden_layers": 27, "num_attention_heads": 16,
             "num_key_value_heads": 16, "n_shared_experts": 2, "n_routed_experts": 64, "routed_scaling_factor": 1.0,
             "kv_lora_rank": 512, "q_lora_rank": null, "qk_rope_head_dim": 64, "v_head_dim": 128, "qk_nope_head_dim": 128,
             "topk_method": "greedy", "n_group": 1, "topk_group": 1, "num_experts_per_tok": 6, "moe_layer_freq": 1,
             "first_k_dense_replace": 1, "norm_topk_prob": false, "scoring_func": "softmax", "hidden_act": "silu",
             "max_position_embeddings": 163840, "rms_norm_eps": 1e-06, "rope_theta": 10000,
             "rope_scaling": {"beta_fast": 32, "beta_slow": 1, "factor": 40, "mscale": 0.707, "mscale_all_dim": 0.707,
                              "original_max_position_embeddings": 4096, "type": "yarn"},
             "attention_bias": false, "tie_word_embeddings": false, "bos_token_id": 100000, "eos_token_id": 100001, "torch_dtype": "bfloat16"}
            """,
        // deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B.
        ["R1-Distill-Qwen-1.5B"] = Qwen2(hidden: 1536, intermediate: 8960, layers: 28, heads: 12, kvHeads: 2, vocab: 151936, tied: false, maxWindowLayers: 21, theta: 10000),
        // deepseek-ai/DeepSeek-R1-Distill-Qwen-7B, -14B and -32B.
        ["R1-Distill-Qwen-7B"] = Qwen2(hidden: 3584, intermediate: 18944, layers: 28, heads: 28, kvHeads: 4, vocab: 152064, tied: false, maxWindowLayers: 28, theta: 10000),
        ["R1-Distill-Qwen-14B"] = Qwen2(hidden: 5120, intermediate: 13824, layers: 48, heads: 40, kvHeads: 8, vocab: 152064, tied: false, maxWindowLayers: 48, theta: 1000000),
        ["R1-Distill-Qwen-32B"] = Qwen2(hidden: 5120, intermediate: 27648, layers: 64, heads: 40, kvHeads: 8, vocab: 152064, tied: false, maxWindowLayers: 64, theta: 1000000),
        // Qwen/Qwen2.5-72B.
        ["Qwen2.5-72B"] = Qwen2(hidden: 8192, intermediate: 29568, layers: 80, heads: 64, kvHeads: 8, vocab: 152064, tied: false, maxWindowLayers: 80, theta: 1000000),
        // deepseek-ai/DeepSeek-R1-Distill-Llama-8B and -70B, and meta-llama/Llama-3.1-405B.
        ["R1-Distill-Llama-8B"] = Llama(hidden: 4096, intermediate: 14336, layers: 32, heads: 32, kvHeads: 8),
        ["R1-Distill-Llama-70B"] = Llama(hidden: 8192, intermediate: 28672, layers: 80, heads: 64, kvHeads: 8),
        ["Llama-3.1-405B"] = Llama(hidden: 16384, intermediate: 53248, layers: 126, heads: 128, kvHeads: 8),
        // deepseek-community/Janus-Pro-1B and -7B (transformers' converted layout).
        ["Janus-Pro-1B"] = Janus(hidden: 2048, intermediate: 5632, layers: 24, heads: 16),
        ["Janus-Pro-7B"] = Janus(hidden: 4096, intermediate: 11008, layers: 30, heads: 32),
    };

    private static string Qwen2(int hidden, int intermediate, int layers, int heads, int kvHeads, int vocab, bool tied, int maxWindowLayers, int theta) => $$"""
        {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "vocab_size": {{vocab}}, "hidden_size": {{hidden}},
         "intermediate_size": {{intermediate}}, "num_hidden_layers": {{layers}}, "num_attention_heads": {{heads}},
         "num_key_value_heads": {{kvHeads}}, "max_position_embeddings": 131072, "rope_theta": {{theta}}.0, "rms_norm_eps": 1e-06,
         "hidden_act": "silu", "tie_word_embeddings": {{(tied ? "true" : "false")}}, "use_sliding_window": false,
         "sliding_window": 4096, "max_window_layers": {{maxWindowLayers}}, "bos_token_id": 151643, "eos_token_id": 151643,
         "torch_dtype": "bfloat16"}
        """;

    private static string Llama(int hidden, int intermediate, int layers, int heads, int kvHeads) => $$"""
        {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 128256, "hidden_size": {{hidden}},
         "intermediate_size": {{intermediate}}, "num_hidden_layers": {{layers}}, "num_attention_heads": {{heads}},
         "num_key_value_heads": {{kvHeads}}, "max_position_embeddings": 131072, "rope_theta": 500000.0, "rms_norm_eps": 1e-05,
         "rope_scaling": {"factor": 8.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0, "original_max_position_embeddings": 8192,
                          "rope_type": "llama3"},
         "hidden_act": "silu", "attention_bias": false, "mlp_bias": false, "tie_word_embeddings": false,
         "bos_token_id": 128000, "eos_token_id": 128001, "torch_dtype": "bfloat16"}
        """;

    private static string Janus(int hidden, int intermediate, int layers, int heads) => $$"""
        {"architectures": ["JanusForConditionalGeneration"], "model_type": "janus", "image_token_id": 100581,
         "text_config": {"model_type": "llama", "vocab_size": 102400, "hidden_size": {{hidden}}, "intermediate_size": {{intermediate}},
                         "num_hidden_layers": {{layers}}, "num_attention_heads": {{heads}}, "num_key_value_heads": {{heads}},
                         "max_position_embeddings": 16384, "rms_norm_eps": 1e-06, "hidden_act": "silu", "rope_theta": 10000.0,
                         "bos_token_id": 100000, "eos_token_id": 100001, "pad_token_id": 100015},
         "vision_config": {"model_type": "janus_vision_model", "hidden_size": 1024, "num_hidden_layers": 24, "num_attention_heads": 16,
                           "mlp_ratio": 4.0, "image_size": 384, "patch_size": 16, "num_channels": 3, "num_image_tokens": 576,
                           "projection_dim": {{hidden}}, "depth": 2, "attention_bias": true, "use_qk_norm": false, "hidden_act": "gelu",
                           "layer_norm_eps": 1e-06},
         "vq_config": {"model_type": "janus_vqgan", "embed_dim": 8, "num_embeddings": 16384, "base_channels": 128,
                       "channel_multiplier": [1, 1, 2, 2, 4], "num_res_blocks": 2, "latent_channels": 256, "double_latent": false,
                       "in_channels": 3, "out_channels": 3, "projection_dim": {{hidden}}, "image_token_embed_dim": {{hidden}},
                       "num_patches": 24, "num_hidden_layers": 2, "hidden_act": "gelu"},
         "tie_word_embeddings": false, "torch_dtype": "bfloat16"}
        """;
}
