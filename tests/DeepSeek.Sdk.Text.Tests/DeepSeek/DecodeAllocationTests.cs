using System.Text;
using DeepSeek.Sdk.Backends.Cpu;
using DeepSeek.Sdk.Configs;
using DeepSeek.Sdk.Generation;
using DeepSeek.Sdk.Tensors;
using DeepSeek.Sdk.Text.DeepSeek;

namespace DeepSeek.Sdk.Text.Tests.DeepSeek;

[Collection(nameof(AllocationCollection))]
public sealed class DecodeAllocationTests
{
    // A steady-state decode step builds no workspaces and no views: the step's latents and rotary keys go to workspace
    // rows, and LatentAttention stores them into the cache and attends over it by row index. The quietest of a few
    // rounds is counted, so a stray allocation of the test runner's own threads does not fail the test; one object
    // per step of the model's does.
    [Fact]
    public void A_decode_step_of_the_fixture_model_allocates_nothing()
    {
        using var backend = new CpuBackend(2);
        using var model = DeepSeekV3Model.Load(OracleCase.PathOf("deepseek_v3_fp8"), backend);
        Assert.Equal(0, AllocatedPerDecodeStep(model));
    }

    [Fact]
    public void A_decode_step_whose_products_run_on_the_worker_threads_allocates_nothing()
    {
        // Wide enough that the MatMuls and the attention split across the pool (more than 64K multiply-adds each).
        var config = (DeepSeekV3Config)ModelConfig.Parse(Encoding.UTF8.GetBytes("""
            {"model_type": "deepseek_v3", "vocab_size": 2048, "hidden_size": 512, "intermediate_size": 1024, "moe_intermediate_size": 256,
             "num_hidden_layers": 3, "num_attention_heads": 8, "n_shared_experts": 1, "n_routed_experts": 16, "num_experts_per_tok": 4,
             "kv_lora_rank": 128, "q_lora_rank": 192, "qk_rope_head_dim": 32, "v_head_dim": 64, "qk_nope_head_dim": 64,
             "topk_method": "noaux_tc", "n_group": 4, "topk_group": 2, "first_k_dense_replace": 1, "norm_topk_prob": true,
             "scoring_func": "sigmoid", "routed_scaling_factor": 2.5, "max_position_embeddings": 256}
            """), "allocation-test");
        using var backend = new CpuBackend(2);
        using var model = DeepSeekV3RandomWeights.Create(config, backend, DType.BF16, seed: 3);
        Assert.Equal(0, AllocatedPerDecodeStep(model));
    }

    [Fact]
    public void Random_weights_are_reproducible_from_the_seed_and_give_finite_logits()
    {
        var config = (DeepSeekV3Config)ModelConfig.Load(OracleCase.PathOf("deepseek_v3_bf16"));
        using var backend = new CpuBackend(2);
        float[] Logits(int seed)
        {
            using var model = DeepSeekV3RandomWeights.Create(config, backend, DType.BF16, seed);
            using var cache = model.CreateCache(8);
            var logits = new float[model.VocabularySize];
            model.Forward([5, 6, 7], cache, logits, TestContext.Current.CancellationToken);
            return logits;
        }
        var a = Logits(1);
        Assert.Equal(a, Logits(1));
        Assert.NotEqual(a, Logits(2));
        Assert.All(a, v => Assert.True(float.IsFinite(v)));
    }

    private static long AllocatedPerDecodeStep(ICausalLanguageModel model)
    {
        const int warmup = 4, steps = 16, rounds = 4;
        using var cache = model.CreateCache(8 + warmup + steps * rounds);
        var logits = new float[model.VocabularySize];
        var token = new int[1];
        var cancel = TestContext.Current.CancellationToken;
        model.Forward([3, 1, 4, 1, 5, 9, 2, 6], cache, logits, cancel);
        for (int i = 0; i < warmup; i++)
        {
            token[0] = Sampler.ArgMax(logits);
            model.Forward(token, cache, logits, cancel);
        }
        // Work runs on the CPU pool's threads too, so count allocations of every thread; the test runner's own
        // threads allocate now and then as well, so the quietest of a few rounds is the model's figure.
        long best = long.MaxValue;
        for (int round = 0; round < rounds; round++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < steps; i++)
            {
                token[0] = Sampler.ArgMax(logits);
                model.Forward(token, cache, logits, cancel);
            }
            best = Math.Min(best, (GC.GetTotalAllocatedBytes(precise: true) - before) / steps);
        }
        return best;
    }
}
