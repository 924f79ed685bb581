"""A training-speed implementation of DeepseekV3ForCausalLM, exported in the published checkpoint layout.

Same function as transformers' modeling_deepseek_v3 (the training script checks the logits of both on
the same weights before training and again on the final weights):

  * MLA with a q LoRA (DeepSeek-V2 paper §2.1): q = q_b(norm(q_a(x))), the key/value latent
    c = norm(kv_a(x)[:kv_lora_rank]) expanded by kv_b, a decoupled rotary key shared by all heads.
    Rotary pairs are (2i, 2i+1) as in DeepSeek's inference/model.py (transformers' default
    rope_interleave=True); the softmax scale is qk_head_dim^-0.5 (no YaRN here).
  * DeepSeekMoE with auxiliary-loss-free balancing (DeepSeek-V3 §2.1.2): sigmoid router scores, the
    top-k chosen on score + e_score_correction_bias, weights from the scores alone, normalised and
    multiplied by routed_scaling_factor; a shared expert always added.

The routed experts are computed densely (every expert on every token, unselected ones weighted 0) as two
large matmuls: for a model this small that is far faster on a GPU than gathering tokens per expert, and
the forward value and gradients are exactly those of the sparse computation.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class RMSNorm(nn.Module):
    def __init__(self, n, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))
        self.eps = eps

    def forward(self, x):
        dtype = x.dtype
        h = x.float()
        h = h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * h.to(dtype)


def rotary_tables(dim, theta, length, device):
    inv_freq = 1.0 / (theta ** (torch.arange(0, dim, 2, dtype=torch.float32, device=device) / dim))
    angles = torch.outer(torch.arange(length, dtype=torch.float32, device=device), inv_freq)
    return angles.cos(), angles.sin()


def apply_rotary(x, cos, sin):
    """Rotates pairs (x[2i], x[2i+1]) by position * theta^(-2i/d); x is [B, heads, T, d]."""
    dtype = x.dtype
    x = x.float()
    x1, x2 = x[..., 0::2], x[..., 1::2]
    out = torch.stack((x1 * cos - x2 * sin, x1 * sin + x2 * cos), dim=-1).flatten(-2)
    return out.to(dtype)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.nh, self.nope, self.rope, self.v = c["num_attention_heads"], c["qk_nope_head_dim"], c["qk_rope_head_dim"], c["v_head_dim"]
        self.kv_rank = c["kv_lora_rank"]
        H, qk = c["hidden_size"], self.nope + self.rope
        self.q_a_proj = nn.Linear(H, c["q_lora_rank"], bias=False)
        # transformers builds both latent norms with the default eps (1e-6); the config uses the same value.
        self.q_a_layernorm = RMSNorm(c["q_lora_rank"], 1e-6)
        self.q_b_proj = nn.Linear(c["q_lora_rank"], self.nh * qk, bias=False)
        self.kv_a_proj_with_mqa = nn.Linear(H, self.kv_rank + self.rope, bias=False)
        self.kv_a_layernorm = RMSNorm(self.kv_rank, 1e-6)
        self.kv_b_proj = nn.Linear(self.kv_rank, self.nh * (self.nope + self.v), bias=False)
        self.o_proj = nn.Linear(self.nh * self.v, H, bias=False)
        self.scale = qk ** -0.5

    def forward(self, x, cos, sin):
        B, T, _ = x.shape
        q = self.q_b_proj(self.q_a_layernorm(self.q_a_proj(x))).view(B, T, self.nh, -1).transpose(1, 2)
        q_nope, q_rope = q.split([self.nope, self.rope], dim=-1)
        c, k_rope = self.kv_a_proj_with_mqa(x).split([self.kv_rank, self.rope], dim=-1)
        kv = self.kv_b_proj(self.kv_a_layernorm(c)).view(B, T, self.nh, -1).transpose(1, 2)
        k_nope, v = kv.split([self.nope, self.v], dim=-1)
        q_rope = apply_rotary(q_rope, cos, sin)
        k_rope = apply_rotary(k_rope.view(B, 1, T, self.rope), cos, sin).expand(B, self.nh, T, self.rope)
        q = torch.cat((q_nope, q_rope), dim=-1)
        k = torch.cat((k_nope, k_rope), dim=-1)
        o = F.scaled_dot_product_attention(q, k, v, is_causal=True, scale=self.scale)
        return self.o_proj(o.transpose(1, 2).reshape(B, T, self.nh * self.v))


class Mlp(nn.Module):
    def __init__(self, hidden, width):
        super().__init__()
        self.gate_proj = nn.Linear(hidden, width, bias=False)
        self.up_proj = nn.Linear(hidden, width, bias=False)
        self.down_proj = nn.Linear(width, hidden, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Gate(nn.Module):
    def __init__(self, experts, hidden):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(experts, hidden))
        # Not trained by gradients: nudged after each step towards balanced expert load (DeepSeek-V3 §2.1.2).
        self.register_buffer("e_score_correction_bias", torch.zeros(experts, dtype=torch.float32))


class RoutedExperts(nn.Module):
    """Expert e's gate_proj/up_proj are gate_up[e, :I] / gate_up[e, I:], its down_proj down[e]."""

    def __init__(self, experts, hidden, width):
        super().__init__()
        self.gate_up = nn.Parameter(torch.empty(experts, 2 * width, hidden))
        self.down = nn.Parameter(torch.empty(experts, hidden, width))


class MoE(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.E, self.k, self.I = c["n_routed_experts"], c["num_experts_per_tok"], c["moe_intermediate_size"]
        self.scaling, self.norm_topk = c["routed_scaling_factor"], c["norm_topk_prob"]
        assert c["n_group"] == 1 and c["topk_group"] == 1, "group-limited routing is not implemented here"
        H = c["hidden_size"]
        self.gate = Gate(self.E, H)
        self.experts = RoutedExperts(self.E, H, self.I)
        self.shared_experts = Mlp(H, self.I * c["n_shared_experts"])
        self.load = None          # tokens per expert in the last forward (for the bias update)
        self.min_gap = None       # smallest k-th vs (k+1)-th choice score in the last forward, when asked

    def forward(self, x, record_gap=False, mask=None):
        B, T, H = x.shape
        h = x.reshape(-1, H)
        # The router runs in float32 even under autocast, as transformers' DeepseekV3TopkRouter does.
        with torch.autocast(device_type=h.device.type, enabled=False):
            scores = F.linear(h.float(), self.gate.weight.float()).sigmoid()
        with torch.no_grad():
            choice = scores + self.gate.e_score_correction_bias
            top = choice.topk(self.k + 1 if record_gap else self.k, dim=-1)
            idx = top.indices[:, : self.k]
            # Load over real tokens only (padding would skew the balance), without a host sync.
            weights = None if mask is None else mask.reshape(-1, 1).expand(-1, self.k).flatten().float()
            self.load = torch.bincount(idx.flatten(), weights=weights, minlength=self.E)
            if record_gap:
                self.min_gap = (top.values[:, self.k - 1] - top.values[:, self.k]).min()
        w = scores.gather(1, idx)
        if self.norm_topk:
            w = w / (w.sum(dim=-1, keepdim=True) + 1e-20)
        w = w * self.scaling
        dense_w = torch.zeros(h.shape[0], self.E, device=h.device, dtype=w.dtype).scatter(1, idx, w)
        gu = F.linear(h, self.experts.gate_up.reshape(self.E * 2 * self.I, H)).view(-1, self.E, 2 * self.I)
        g, u = gu.split(self.I, dim=-1)
        a = F.silu(g) * u * dense_w.unsqueeze(-1).to(gu.dtype)
        down = self.experts.down.permute(0, 2, 1).reshape(self.E * self.I, H)
        routed = a.reshape(-1, self.E * self.I) @ down.to(a.dtype)
        return routed.view(B, T, H) + self.shared_experts(x)


class DecoderLayer(nn.Module):
    def __init__(self, c, index):
        super().__init__()
        self.input_layernorm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])
        self.post_attention_layernorm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])
        self.self_attn = Attention(c)
        self.is_moe = index >= c["first_k_dense_replace"]
        self.mlp = MoE(c) if self.is_moe else Mlp(c["hidden_size"], c["intermediate_size"])

    def forward(self, x, cos, sin, record_gap=False, mask=None):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin)
        h = self.post_attention_layernorm(x)
        return x + (self.mlp(h, record_gap, mask) if self.is_moe else self.mlp(h))


class Body(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embed_tokens = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.layers = nn.ModuleList(DecoderLayer(c, i) for i in range(c["num_hidden_layers"]))
        self.norm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])


class TinyDeepseekV3(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.model = Body(c)
        self.lm_head = nn.Linear(c["hidden_size"], c["vocab_size"], bias=False)
        self._rope = None

    def init_weights(self, generator):
        std = self.c["initializer_range"]
        out_std = std / math.sqrt(2 * self.c["num_hidden_layers"])  # residual-branch outputs (GPT-2)
        for name, p in self.named_parameters():
            if name.endswith("layernorm.weight") or name.endswith("norm.weight"):
                nn.init.ones_(p)
            elif name.endswith(("o_proj.weight", "down_proj.weight", "experts.down")):
                with torch.no_grad():
                    p.copy_(torch.randn(p.shape, generator=generator) * out_std)
            else:
                with torch.no_grad():
                    p.copy_(torch.randn(p.shape, generator=generator) * std)
        for m in self.moe_layers():
            m.gate.e_score_correction_bias.zero_()

    def moe_layers(self):
        return [layer.mlp for layer in self.model.layers if layer.is_moe]

    def rope(self, T, device):
        if self._rope is None or self._rope[0].shape[0] < T or self._rope[0].device != device:
            self._rope = rotary_tables(self.c["qk_rope_head_dim"], self.c["rope_theta"], max(T, 512), device)
        return self._rope[0][:T], self._rope[1][:T]

    def hidden(self, ids, record_gap=False, mask=None):
        cos, sin = self.rope(ids.shape[1], ids.device)
        x = self.model.embed_tokens(ids)
        for layer in self.model.layers:
            x = layer(x, cos, sin, record_gap, mask)
        return self.model.norm(x)

    def forward(self, ids, record_gap=False):
        return self.lm_head(self.hidden(ids, record_gap))


# ---------------------------------------------------------------- published layout

def export_state(model):
    """State dict under the names of DeepSeek's published checkpoints (per-expert tensors); float32."""
    out = {}
    I = model.c["moe_intermediate_size"]
    for name, t in model.state_dict().items():
        t = t.detach().float().cpu()
        if name.endswith("mlp.experts.gate_up"):
            prefix = name[: -len("gate_up")]
            for e in range(t.shape[0]):
                out[f"{prefix}{e}.gate_proj.weight"] = t[e, :I].clone()
                out[f"{prefix}{e}.up_proj.weight"] = t[e, I:].clone()
        elif name.endswith("mlp.experts.down"):
            prefix = name[: -len("down")]
            for e in range(t.shape[0]):
                out[f"{prefix}{e}.down_proj.weight"] = t[e].clone()
        else:
            out[name] = t
    return out


def import_state(model, state):
    """Loads a published-layout state dict (any float dtype) into `model`."""
    own = model.state_dict()
    E, I = model.c["n_routed_experts"], model.c["moe_intermediate_size"]
    for name in own:
        if name.endswith("mlp.experts.gate_up"):
            prefix = name[: -len("gate_up")]
            own[name] = torch.stack([torch.cat([state[f"{prefix}{e}.gate_proj.weight"], state[f"{prefix}{e}.up_proj.weight"]])
                                     for e in range(E)])
        elif name.endswith("mlp.experts.down"):
            prefix = name[: -len("down")]
            own[name] = torch.stack([state[f"{prefix}{e}.down_proj.weight"] for e in range(E)])
        else:
            own[name] = state[name]
    model.load_state_dict({k: v.float() for k, v in own.items()})


def storage_dtypes(state):
    """BF16 for everything but the router correction bias, which DeepSeek's release keeps in float32."""
    return {k: (v.float() if k.endswith("e_score_correction_bias") else v.to(torch.bfloat16)).contiguous()
            for k, v in state.items()}
