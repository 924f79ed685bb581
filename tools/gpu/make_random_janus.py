"""Writes a random-weight Janus checkpoint of Janus-Pro-1B's shape in transformers' layout (BF16 safetensors),
for timing text-to-image on the GPU machine (benchmarks/DeepSeek.Sdk.GpuBenchmarks --janus DIR).

Shapes follow deepseek-ai/Janus-Pro-1B: a 24-layer Llama of width 2048 (16 heads, MLP 5632, 102400 ids), SigLIP-L
at 384x384 with 16x16 patches (576 image tokens), and the VQ-16 tokenizer (16384 codes of 8 dims, channels
128 x [1, 1, 2, 2, 4], 2 residual blocks per level, 24x24 latent grid). Weights are N(0, 0.02) as transformers
initializes them; random weights sample random image tokens, which costs exactly what real ones do.

Usage: python3 make_random_janus.py OUT_DIR
"""
import json
import os
import sys

import torch
from transformers import JanusConfig, JanusForConditionalGeneration

out = sys.argv[1]
text = dict(model_type="llama", hidden_size=2048, intermediate_size=5632, num_hidden_layers=24, num_attention_heads=16,
            num_key_value_heads=16, vocab_size=102400, max_position_embeddings=16384, rms_norm_eps=1e-6,
            bos_token_id=0, eos_token_id=1, pad_token_id=2)
vision = dict(hidden_size=1024, num_hidden_layers=24, num_attention_heads=16, mlp_ratio=4.0, image_size=384, patch_size=16,
              num_image_tokens=576, projection_dim=2048, depth=2, attention_bias=True, use_qk_norm=False,
              hidden_act="gelu", layer_norm_eps=1e-6)
vq = dict(embed_dim=8, num_embeddings=16384, base_channels=128, channel_multiplier=[1, 1, 2, 2, 4], num_res_blocks=2,
          latent_channels=256, double_latent=False, in_channels=3, out_channels=3, projection_dim=2048,
          image_token_embed_dim=2048, num_patches=24, num_hidden_layers=2, hidden_act="gelu")
# Special ids as the benchmark's stand-in tokenizer (tests/Shared/JanusTinyTokenizer.cs) numbers them; the release uses
# 100000.. and 100581 for <image_placeholder>. Ids change no shape.
config = JanusConfig(text_config=text, vision_config=vision, vq_config=vq, image_token_id=299)
torch.manual_seed(0)
torch.set_default_dtype(torch.bfloat16)
with torch.device("cuda" if torch.cuda.is_available() else "cpu"):
    model = JanusForConditionalGeneration(config)
model.save_pretrained(out, safe_serialization=True)
params = sum(p.numel() for p in model.parameters())
with open(os.path.join(out, "generation_config.json"), "w") as f:
    json.dump({"bos_token_id": 0, "eos_token_id": 1, "pad_token_id": 2}, f)
print(f"wrote {params / 1e9:.2f}B parameters to {out}")
