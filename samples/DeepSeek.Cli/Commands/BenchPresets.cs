using System.Text;
using DeepSeek.Sdk.Configs;

namespace DeepSeek.Cli.Commands;

/// <summary>DeepSeek-V3-architecture configs for <c>deepseek bench</c>: MLA with a low-rank query, sigmoid routing
/// with noaux_tc groups, shared experts and a first dense layer, as in DeepSeek-V3's config.json, scaled down so the
/// weights fit a developer machine.</summary>
internal static class BenchPresets
{
    /// <summary>Name → (summary, config.json). Active parameters per token are approximate (BF16: twice in bytes).</summary>
    public static IReadOnlyDictionary<string, (string Summary, string Json)> All { get; } = new Dictionary<string, (string, string)>(StringComparer.OrdinalIgnoreCase)
    {
        ["moe-100m"] = ("~112M active / ~515M total parameters: 5 layers (1 dense), hidden 1024, 64 experts top-6 + 2 shared, vocab 32000",
            Config(vocab: 32000, hidden: 1024, layers: 5, heads: 16, qLora: 512, kvLora: 256, nope: 64, rope: 32, v: 64,
                dense: 4096, moe: 512, experts: 64, topK: 6, shared: 2, groups: 8, topKGroups: 4)),
        ["moe-300m"] = ("~340M active / ~1.9B total parameters: 8 layers (1 dense), hidden 1536, 64 experts top-6 + 2 shared, vocab 32000",
            Config(vocab: 32000, hidden: 1536, layers: 8, heads: 12, qLora: 768, kvLora: 512, nope: 128, rope: 64, v: 128,
                dense: 6144, moe: 768, experts: 64, topK: 6, shared: 2, groups: 8, topKGroups: 4)),
        ["tiny"] = ("~0.3M parameters, for smoke tests: 2 layers (1 dense), hidden 64, 8 experts top-2 + 1 shared, vocab 512",
            Config(vocab: 512, hidden: 64, layers: 2, heads: 4, qLora: 32, kvLora: 16, nope: 16, rope: 8, v: 16,
                dense: 128, moe: 32, experts: 8, topK: 2, shared: 1, groups: 4, topKGroups: 2)),
    };

    public static DeepSeekV3Config Load(string name)
    {
        if (!All.TryGetValue(name, out var preset))
            throw new ArgumentException($"Unknown preset '{name}'; choose one of: {string.Join(", ", All.Keys)}.");
        return (DeepSeekV3Config)ModelConfig.Parse(Encoding.UTF8.GetBytes(preset.Json), $"preset:{name}");
    }

    private static string Config(int vocab, int hidden, int layers, int heads, int qLora, int kvLora, int nope, int rope, int v,
        int dense, int moe, int experts, int topK, int shared, int groups, int topKGroups) => $$"""
        {
          "architectures": ["DeepseekV3ForCausalLM"], "model_type": "deepseek_v3",
          "vocab_size": {{vocab}}, "hidden_size": {{hidden}}, "intermediate_size": {{dense}}, "moe_intermediate_size": {{moe}},
          "num_hidden_layers": {{layers}}, "num_attention_heads": {{heads}}, "num_key_value_heads": {{heads}},
          "n_shared_experts": {{shared}}, "n_routed_experts": {{experts}}, "routed_scaling_factor": 2.5,
          "kv_lora_rank": {{kvLora}}, "q_lora_rank": {{qLora}}, "qk_rope_head_dim": {{rope}}, "v_head_dim": {{v}}, "qk_nope_head_dim": {{nope}},
          "topk_method": "noaux_tc", "n_group": {{groups}}, "topk_group": {{topKGroups}}, "num_experts_per_tok": {{topK}},
          "moe_layer_freq": 1, "first_k_dense_replace": 1, "norm_topk_prob": true, "scoring_func": "sigmoid",
          "hidden_act": "silu", "max_position_embeddings": 4096, "rms_norm_eps": 1e-6, "rope_theta": 10000.0,
          "attention_bias": false, "tie_word_embeddings": false, "bos_token_id": 0, "eos_token_id": 1
        }
        """;
}
