"""CPU checks of model.py and the batch packing, against a plain per-token reference written the way
transformers' modeling_deepseek_v3 computes (de-interleave + rotate_half rotary, a loop over the chosen
experts). Skipped where torch or numpy is missing. `python3 -m unittest test_model_cpu`.

The real check against transformers itself runs at the start of every training run (train_r1_tiny.py
stops before training when the logits differ by more than 1e-4 relative)."""
import math
import random
import unittest

try:
    import numpy as np
    import torch
    import torch.nn.functional as F
except ImportError:  # pragma: no cover
    torch = None

if torch is not None and not hasattr(F, "scaled_dot_product_attention"):
    def _sdpa(q, k, v, is_causal=False, scale=None):  # torch < 2.0 on the development machine
        s = (q @ k.transpose(-1, -2)) * (scale if scale is not None else q.shape[-1] ** -0.5)
        if is_causal:
            T = q.shape[-2]
            s = s.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
        return s.softmax(-1) @ v
    F.scaled_dot_product_attention = _sdpa

SMALL = {
    "vocab_size": 40, "hidden_size": 32, "intermediate_size": 48, "moe_intermediate_size": 16,
    "num_hidden_layers": 3, "num_attention_heads": 4, "num_key_value_heads": 4, "n_shared_experts": 1,
    "n_routed_experts": 8, "num_experts_per_tok": 2, "routed_scaling_factor": 2.5, "kv_lora_rank": 12,
    "q_lora_rank": 20, "qk_rope_head_dim": 8, "v_head_dim": 10, "qk_nope_head_dim": 6, "n_group": 1,
    "topk_group": 1, "norm_topk_prob": True, "first_k_dense_replace": 1, "max_position_embeddings": 64,
    "initializer_range": 0.2, "rms_norm_eps": 1e-6, "rope_theta": 10000.0,
}


def reference_logits(c, s, ids):
    """Per-token DeepSeek-V3 forward over a published-layout state dict `s` (float64)."""
    s = {k: v.double() for k, v in s.items()}
    T = ids.shape[0]
    H, nh = c["hidden_size"], c["num_attention_heads"]
    nope, rope, vd, rank = c["qk_nope_head_dim"], c["qk_rope_head_dim"], c["v_head_dim"], c["kv_lora_rank"]

    def norm(x, w, eps=1e-6):
        return w * x / torch.sqrt(x.pow(2).mean(-1, keepdim=True) + eps)

    def rotary(x):  # x [heads, T, rope]: transformers' apply_rotary_pos_emb_interleave
        inv = 1.0 / (c["rope_theta"] ** (torch.arange(0, rope, 2, dtype=torch.float64) / rope))
        f = torch.outer(torch.arange(T, dtype=torch.float64), inv)
        cos, sin = torch.cat([f, f], -1).cos(), torch.cat([f, f], -1).sin()
        h, t, d = x.shape
        x = x.view(h, t, d // 2, 2).transpose(3, 2).reshape(h, t, d)
        rot = torch.cat([-x[..., d // 2:], x[..., : d // 2]], -1)
        return x * cos + rot * sin

    def mlp(p, x):
        return (F.silu(x @ s[p + "gate_proj.weight"].T) * (x @ s[p + "up_proj.weight"].T)) @ s[p + "down_proj.weight"].T

    x = s["model.embed_tokens.weight"][ids]
    for i in range(c["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = norm(x, s[p + "input_layernorm.weight"], c["rms_norm_eps"])
        a = p + "self_attn."
        q = norm(h @ s[a + "q_a_proj.weight"].T, s[a + "q_a_layernorm.weight"]) @ s[a + "q_b_proj.weight"].T
        q = q.view(T, nh, nope + rope).transpose(0, 1)
        ckv = h @ s[a + "kv_a_proj_with_mqa.weight"].T
        kv = (norm(ckv[:, :rank], s[a + "kv_a_layernorm.weight"]) @ s[a + "kv_b_proj.weight"].T).view(T, nh, nope + vd).transpose(0, 1)
        k_rot = rotary(ckv[:, rank:].view(1, T, rope)).expand(nh, T, rope)
        qq = torch.cat([q[..., :nope], rotary(q[..., nope:])], -1)
        kk = torch.cat([kv[..., :nope], k_rot], -1)
        att = (qq @ kk.transpose(-1, -2)) * (nope + rope) ** -0.5
        att = att.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf")).softmax(-1)
        o = (att @ kv[..., nope:]).transpose(0, 1).reshape(T, nh * vd)
        x = x + o @ s[a + "o_proj.weight"].T
        h = norm(x, s[p + "post_attention_layernorm.weight"], c["rms_norm_eps"])
        m = p + "mlp."
        if i < c["first_k_dense_replace"]:
            x = x + mlp(m, h)
            continue
        scores = (h @ s[m + "gate.weight"].T).sigmoid()
        out = mlp(m + "shared_experts.", h)
        for t in range(T):
            chosen = (scores[t] + s[m + "gate.e_score_correction_bias"]).topk(c["num_experts_per_tok"]).indices
            w = scores[t, chosen]
            w = w / w.sum() * c["routed_scaling_factor"]
            for e, we in zip(chosen.tolist(), w):
                out[t] = out[t] + we * mlp(f"{m}experts.{e}.", h[t])
        x = x + out
    x = norm(x, s["model.norm.weight"], c["rms_norm_eps"])
    return x @ s["lm_head.weight"].T


@unittest.skipIf(torch is None, "needs torch and numpy")
class ModelTests(unittest.TestCase):
    def model(self, seed=0):
        from model import TinyDeepseekV3
        m = TinyDeepseekV3(SMALL)
        m.init_weights(torch.Generator().manual_seed(seed))
        with torch.no_grad():
            for moe in m.moe_layers():
                moe.gate.e_score_correction_bias.copy_(torch.randn(moe.E, generator=torch.Generator().manual_seed(seed + 1)) * 0.1)
        return m.eval()

    def test_forward_matches_a_per_token_reference_on_published_names(self):
        from model import export_state
        m = self.model()
        ids = torch.tensor([random.Random(1).randrange(40) for _ in range(17)])
        with torch.no_grad():
            got = m(ids[None])[0].double()
        want = reference_logits(SMALL, export_state(m), ids)
        self.assertLess(((got - want).abs().max() / want.abs().max()).item(), 1e-5)

    def test_export_names_are_the_published_layout_and_import_round_trips(self):
        from model import TinyDeepseekV3, export_state, import_state, storage_dtypes
        m = self.model()
        state = export_state(m)
        self.assertIn("model.layers.1.mlp.experts.7.gate_proj.weight", state)
        self.assertIn("model.layers.1.mlp.gate.e_score_correction_bias", state)
        self.assertIn("model.layers.2.mlp.shared_experts.down_proj.weight", state)
        self.assertIn("model.layers.0.mlp.up_proj.weight", state)
        self.assertIn("model.layers.0.self_attn.kv_a_proj_with_mqa.weight", state)
        self.assertFalse(any("gate_up" in k or k.endswith("experts.down") for k in state))
        self.assertEqual(tuple(state["model.layers.1.mlp.experts.3.down_proj.weight"].shape), (32, 16))
        stored = storage_dtypes(state)
        self.assertEqual(stored["model.layers.1.mlp.gate.e_score_correction_bias"].dtype, torch.float32)
        self.assertEqual(stored["lm_head.weight"].dtype, torch.bfloat16)
        other = TinyDeepseekV3(SMALL)
        import_state(other, state)
        for k, v in other.state_dict().items():
            self.assertTrue(torch.equal(v, m.state_dict()[k]), k)

    def test_gradients_reach_only_the_chosen_experts_and_the_router(self):
        m = self.model().train()
        ids = torch.tensor([[3, 5, 7]])
        m(ids).sum().backward()
        moe = m.moe_layers()[0]
        used = set(torch.nonzero(moe.load).flatten().tolist())
        for e in range(moe.E):
            has = moe.experts.gate_up.grad[e].abs().sum().item() > 0
            self.assertEqual(has, e in used, e)
        self.assertGreater(moe.gate.weight.grad.abs().sum().item(), 0)

    def test_load_counts_only_masked_tokens(self):
        m = self.model()
        ids = torch.tensor([[3, 5, 7, 2, 2]])
        with torch.no_grad():
            m.hidden(ids, mask=ids != 2)
        for moe in m.moe_layers():
            self.assertEqual(moe.load.sum().item(), 3 * moe.k)

    def test_training_steps_learn_a_toy_task_and_move_the_correction_bias(self):
        import train_r1_tiny as t
        torch.manual_seed(0)
        m = self.model().train()
        for moe in m.moe_layers():
            moe.gate.e_score_correction_bias.zero_()
        opt = torch.optim.AdamW(m.parameters(), lr=3e-3)
        rng = random.Random(0)
        seqs = []
        for _ in range(64 * 120):
            a, b = rng.randrange(5, 40), rng.randrange(5, 40)
            seqs.append(([0, a, b, 4, b, a, 1], 4))  # answer: the two tokens reversed, then EOS
        losses = [t.train_step(m, opt, torch.from_numpy(i).long(), torch.from_numpy(l).long(), 3e-3, 1e-3).item()
                  for i, l in t.pack_batches(seqs, 64)]
        self.assertLess(sum(losses[-10:]) / 10, 0.5 * sum(losses[:10]) / 10)
        self.assertTrue(all(moe.gate.e_score_correction_bias.abs().max().item() > 0 for moe in m.moe_layers()))

    def test_packing_masks_the_prompt_and_padding(self):
        import train_r1_tiny as t
        batches = t.pack_batches([([0, 3, 4, 5, 9, 1], 4), ([0, 3, 8, 1], 2)], 2)
        ids, labels = batches[0]
        self.assertEqual(ids.tolist(), [[0, 3, 4, 5, 9, 1], [0, 3, 8, 1, 2, 2]])
        self.assertEqual(labels.tolist(), [[-1, -1, -1, 9, 1, -1], [-1, 8, 1, -1, -1, -1]])


if __name__ == "__main__":
    unittest.main()
