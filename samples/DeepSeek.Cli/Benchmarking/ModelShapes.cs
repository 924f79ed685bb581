namespace DeepSeek.Cli.Benchmarking;

/// <summary>The published configs of the models <c>deepseek bench --device cuda</c> measures, as config.json text (the
/// values of deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B, deepseek-ai/DeepSeek-V2-Lite and, in transformers' layout,
/// deepseek-community/Janus-Pro-1B on Hugging Face).</summary>
internal static class ModelShapes
{
    public const string R1DistillQwen15B = """
        {
          "architectures": ["Qwen2ForCausalLM"],
          "model_type": "qwen2",
          "vocab_size": 151936,
          "hidden_size": 1536,
          "intermediate_size": 8960,
          "num_hidden_layers": 28,
          "num_attention_heads": 12,
          "num_key_value_heads": 2,
          "max_position_embeddings": 131072,
          "rope_theta": 10000.0,
          "rms_norm_eps": 1e-06,
          "hidden_act": "silu",
          "tie_word_embeddings": false,
          "use_sliding_window": false,
          "sliding_window": 4096,
          "max_window_layers": 21,
          "bos_token_id": 151646,
          "eos_token_id": 151643,
          "torch_dtype": "bfloat16",
          "use_cache": true
        }
        """;

    public const string DeepSeekV2Lite = """
        {
          "architectures": ["DeepseekV2ForCausalLM"],
          "model_type": "deepseek_v2",
          "vocab_size": 102400,
          "hidden_size": 2048,
          "intermediate_size": 10944,
          "moe_intermediate_size": 1408,
          "num_hidden_layers": 27,
          "num_attention_heads": 16,
          "num_key_value_heads": 16,
          "n_shared_experts": 2,
          "n_routed_experts": 64,
          "routed_scaling_factor": 1.0,
          "kv_lora_rank": 512,
          "q_lora_rank": null,
          "qk_rope_head_dim": 64,
          "v_head_dim": 128,
          "qk_nope_head_dim": 128,
          "topk_method": "greedy",
          "n_group": 1,
          "topk_group": 1,
          "num_experts_per_tok": 6,
          "moe_layer_freq": 1,
          "first_k_dense_replace": 1,
          "norm_topk_prob": false,
          "scoring_func": "softmax",
          "hidden_act": "silu",
          "max_position_embeddings": 163840,
          "rms_norm_eps": 1e-06,
          "rope_theta": 10000,
          "rope_scaling": {
            "beta_fast": 32,
            "beta_slow": 1,
            "factor": 40,
            "mscale": 0.707,
            "mscale_all_dim": 0.707,
            "original_max_position_embeddings": 4096,
            "type": "yarn"
          },
          "attention_bias": false,
          "tie_word_embeddings": false,
          "aux_loss_alpha": 0.001,
          "bos_token_id": 100000,
          "eos_token_id": 100001,
          "torch_dtype": "bfloat16",
          "use_cache": true
        }
        """;

    /// <summary>Janus-Pro-1B: a 24-layer Llama of width 2048, SigLIP-L/16 at 384×384 (576 image tokens) and the VQ-16
    /// tokenizer (16384 codes). Special ids are those of the benchmark's stand-in tokenizer
    /// (<see cref="JanusBenchmark"/>); the release numbers them from 100000 and puts &lt;image_placeholder&gt; at
    /// 100581. Ids change no shape.</summary>
    public const string JanusPro1B = """
        {
          "architectures": ["JanusForConditionalGeneration"],
          "model_type": "janus",
          "image_token_id": 299,
          "text_config": {
            "model_type": "llama", "vocab_size": 102400, "hidden_size": 2048, "intermediate_size": 5632,
            "num_hidden_layers": 24, "num_attention_heads": 16, "num_key_value_heads": 16, "head_dim": 128,
            "max_position_embeddings": 16384, "rms_norm_eps": 1e-06, "hidden_act": "silu", "rope_theta": 10000.0,
            "attention_bias": false, "mlp_bias": false, "tie_word_embeddings": false,
            "bos_token_id": 0, "eos_token_id": 1, "pad_token_id": 2
          },
          "vision_config": {
            "model_type": "janus_vision_model", "hidden_size": 1024, "num_hidden_layers": 24, "num_attention_heads": 16,
            "mlp_ratio": 4.0, "image_size": 384, "patch_size": 16, "num_channels": 3, "num_image_tokens": 576,
            "projection_dim": 2048, "depth": 2, "attention_bias": true, "use_qk_norm": false, "hidden_act": "gelu",
            "layer_norm_eps": 1e-06
          },
          "vq_config": {
            "model_type": "janus_vqgan", "embed_dim": 8, "num_embeddings": 16384, "base_channels": 128,
            "channel_multiplier": [1, 1, 2, 2, 4], "num_res_blocks": 2, "latent_channels": 256, "double_latent": false,
            "in_channels": 3, "out_channels": 3, "projection_dim": 2048, "image_token_embed_dim": 2048, "num_patches": 24,
            "num_hidden_layers": 2, "hidden_act": "gelu"
          },
          "tie_word_embeddings": false,
          "torch_dtype": "bfloat16"
        }
        """;
}
