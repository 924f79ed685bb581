#!/usr/bin/env python3
"""Trains janus-pro-tiny (transformers' JanusForConditionalGeneration at small size, ~7M parameters) on the
coloured-shapes world of shapes.py, then exports, reloads and evaluates it with transformers.

One run, on one H100 (docs/models.md has the measured numbers):
  1. train the byte-level BPE tokenizer on the prompts and answers (Janus's special tokens at ids 0..7);
  2. check that this script's forward paths (image features spliced into the prompt; generation embeddings)
     equal transformers' own on the same weights, and stop if they do not;
  3. train the VQ autoencoder (encoder, l2-normalised codebook as Janus's get_codebook_entry decodes it,
     decoder) on reconstruction, with dead codes restarted from encoder outputs;
  4. freeze it and train the vision tower, aligner, language model, generation embeddings/aligner/head on
     understanding (picture + question -> answer) and generation (prompt -> VQ tokens of the picture, the
     prompt blanked to pads 10% of the time for classifier-free guidance), bf16 autocast;
  5. save_pretrained (BF16) with the preprocessor, generation config and tokenizer; reload it in float32
     with output_loading_info (no missing or unexpected keys allowed);
  6. evaluate the reloaded model greedily on validation scenes, never test ones (understanding: transformers'
     forward; generation: CFG over transformers' modules, VQ decode, shapes.analyse) and write greedy reference
     outputs (examples.json) for the .NET engine's tests.

Training scenes (and the tokenizer's texts) come from the training tuples only (shapes.split_of).

Outputs under --out: model.safetensors and bundle.tar.gz (everything else). Seeded (--seed): data, init and the
tokenizer; runs are fixed-length in steps when --vq-steps/--lm-steps are given, else time-boxed (the log prints
the step counts to repeat a run, up to GPU nondeterminism).
"""
import argparse
import io
import json
import math
import os
import random
import shutil
import sys
import tarfile
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shapes  # noqa: E402

BOS, EOS, PAD = "<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜▁pad▁｜>"
BOI, EOI, USER, ASSISTANT, IMG = "<begin_of_image>", "<end_of_image>", "<|User|>", "<|Assistant|>", "<image_placeholder>"
SPECIALS = (BOS, EOS, PAD, BOI, EOI, USER, ASSISTANT, IMG)
BOS_ID, EOS_ID, PAD_ID, BOI_ID, EOI_ID, IMG_ID = 0, 1, 2, 3, 4, 7
VOCAB = 512
NUM_CODES = 1024
GEN_TOKENS = 64  # the 8x8 VQ code grid of a generated picture
UND_TOKENS = 64  # understanding tokens per picture, (64 / patch)^2; set from the model's config in main()
MEAN, STD = 0.5, 0.5
NORMALISED_CODES = True  # transformers' get_codebook_entry l2-normalises (checked in check_paths)

DEVICE = "cuda" if torch.cuda.is_available() else "cpu"
T0 = time.time()
LOG = []


def log(*parts):
    line = f"[{time.time() - T0:7.1f}s] " + " ".join(str(p) for p in parts)
    print(line, flush=True)
    LOG.append(line)


def janus_config(vocab_size, patch=8):
    from transformers import JanusConfig
    text = {"model_type": "llama", "vocab_size": vocab_size, "hidden_size": 256, "intermediate_size": 768,
            "num_hidden_layers": 4, "num_attention_heads": 4, "num_key_value_heads": 4, "head_dim": 64,
            "max_position_embeddings": 512, "rope_theta": 10000.0, "rms_norm_eps": 1e-6,
            "bos_token_id": BOS_ID, "eos_token_id": EOS_ID, "pad_token_id": PAD_ID, "tie_word_embeddings": False}
    vision = {"hidden_size": 128, "num_hidden_layers": 4, "num_attention_heads": 4, "patch_size": patch, "image_size": 64,
              "mlp_ratio": 4.0, "projection_dim": 256, "depth": 2, "num_image_tokens": (64 // patch) ** 2, "hidden_act": "gelu",
              "layer_norm_eps": 1e-6, "use_qk_norm": False, "attention_bias": True}
    vq = {"embed_dim": 16, "num_embeddings": NUM_CODES, "latent_channels": 64, "base_channels": 32,
          "channel_multiplier": [1, 2, 2, 4], "num_res_blocks": 1, "num_patches": 8, "projection_dim": 256,
          "image_token_embed_dim": 256, "num_hidden_layers": 2, "hidden_act": "gelu"}
    return JanusConfig(text_config=text, vision_config=vision, vq_config=vq, image_token_id=IMG_ID)


# ---------------------------------------------------------------- text

def understanding_text(question):
    """JanusPromptFormat.UnderstandingText with one image (the default system prompt)."""
    return f"{shapes.SYSTEM_PROMPT}\n\n{USER}: {IMG}\n{question}\n\n{ASSISTANT}:"


def generation_text(prompt):
    return f"{USER}: {prompt}\n\n{ASSISTANT}:{BOI}"


def train_tokenizer(seed):
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, trainers
    rng = random.Random(f"{seed}-tokenizer")
    texts = [shapes.SYSTEM_PROMPT] * 50
    for s in train_scenes(rng, 3000):
        for _, q in shapes.QUESTIONS:
            texts.append(f"{USER}: \n{q}\n\n{ASSISTANT}:")
        for k, _ in shapes.QUESTIONS:
            texts.append(" " + s.answer(k))
        texts.append(" " + s.description())
        texts.append(generation_text(s.prompt(rng.random() < 0.5)))
    texts.append(shapes.DESCRIBE)
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=VOCAB, special_tokens=[AddedToken(t, special=True, normalized=False) for t in SPECIALS],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(texts, trainer=trainer)
    for i, t in enumerate(SPECIALS):
        assert tok.token_to_id(t) == i, (t, tok.token_to_id(t))
    return tok


def train_scenes(rng, n):
    """n scenes of training tuples (shapes.split_of), by rejection: nothing outside the training split is seen."""
    out = []
    while len(out) < n:
        s = shapes.sample_scene(rng)
        if shapes.split_of(s.shape, s.colour, s.background, s.position) == "train":
            out.append(s)
    return out


def tokenizer_config():
    return {"add_bos_token": False, "add_eos_token": False, "bos_token": BOS, "eos_token": EOS, "pad_token": PAD,
            "unk_token": None, "clean_up_tokenization_spaces": False, "model_max_length": 512,
            "tokenizer_class": "PreTrainedTokenizerFast"}


class Texts:
    """Cached token ids of prompts and answers (the set of distinct texts is small)."""

    def __init__(self, tok):
        self.tok = tok
        self.cache = {}

    def enc(self, text):
        ids = self.cache.get(text)
        if ids is None:
            ids = self.cache[text] = self.tok.encode(text, add_special_tokens=False).ids
        return ids

    def understanding(self, question):
        """BOS + prompt with the placeholder expanded to BOI + UND_TOKENS x IMG + EOI (JanusPromptFormat.EncodeUnderstanding)."""
        key = ("u", question)
        ids = self.cache.get(key)
        if ids is None:
            raw = self.enc(understanding_text(question))
            assert raw.count(IMG_ID) == 1, raw
            k = raw.index(IMG_ID)
            ids = self.cache[key] = [BOS_ID] + raw[:k] + [BOI_ID] + [IMG_ID] * UND_TOKENS + [EOI_ID] + raw[k + 1:]
        return ids

    def generation(self, prompt):
        key = ("g", prompt)
        ids = self.cache.get(key)
        if ids is None:
            ids = self.cache[key] = [BOS_ID] + self.enc(generation_text(prompt))
            assert ids[-1] == BOI_ID, ids
        return ids


# ---------------------------------------------------------------- pictures on the GPU

PALETTE = torch.tensor([c for _, c in shapes.COLOURS], dtype=torch.float32)
ALLOWED = torch.tensor(shapes.tuples("train"), dtype=torch.long)  # validation and test tuples are never drawn
ALLOWED_CENTRED = ALLOWED[ALLOWED[:, 3] == shapes.CENTER]


def sample_params(rng, n, centred_fraction=0.0):
    """Training scenes (numpy rng; only tuples of the training split): columns shape, colour, background,
    position, half, jx, jy, centred-prompt flag (such rows come from the center tuples)."""
    t = ALLOWED[torch.from_numpy(rng.integers(0, len(ALLOWED), n))]
    tc = ALLOWED_CENTRED[torch.from_numpy(rng.integers(0, len(ALLOWED_CENTRED), n))]
    centred = torch.from_numpy(rng.random(n) < centred_fraction)
    t = torch.where(centred[:, None], tc, t)
    half = torch.from_numpy(rng.integers(shapes.HALF_SIZES[0], shapes.HALF_SIZES[1] + 1, n))
    jit = torch.from_numpy(rng.integers(-shapes.JITTER, shapes.JITTER + 1, (n, 2)))
    return torch.cat([t, half[:, None], jit, centred[:, None].long()], 1)


def render(p):
    """[n, 8] params -> uint8-valued float [n, 3, 64, 64], the same pixels as shapes.Scene.pixels."""
    p = p.to(DEVICE)
    cells = torch.tensor(shapes.CELL_CENTRES, device=DEVICE)
    cx = cells[p[:, 3] % 3] + p[:, 5]
    cy = cells[p[:, 3] // 3] + p[:, 6]
    odd = 2 * torch.arange(shapes.SIZE, device=DEVICE) + 1
    dx = odd[None, None, :] - 2 * cx[:, None, None]
    dy = odd[None, :, None] - 2 * cy[:, None, None]
    r = (2 * p[:, 4])[:, None, None]
    circle = dx * dx + dy * dy <= r * r
    square = (dx.abs() <= r) & (dy.abs() <= r)
    triangle = (dy >= -r) & (dy <= r) & (2 * dx.abs() <= dy + r)
    s = p[:, 0][:, None, None]
    mask = torch.where(s == 0, circle, torch.where(s == 1, square, triangle))
    pal = PALETTE.to(DEVICE)
    img = torch.where(mask[:, None], pal[p[:, 1]][:, :, None, None], pal[p[:, 2]][:, :, None, None])
    return img


def normalise(img):
    return (img / 255.0 - MEAN) / STD


def to_u8(x):
    """Decoder output in [-1, 1] -> uint8 HWC (as Janus's generation_inference.py)."""
    return ((x.float().clamp(-1, 1) + 1) / 2 * 255).round().to(torch.uint8).permute(0, 2, 3, 1).cpu().numpy()


# ---------------------------------------------------------------- model pieces

def vq_encode(vq, x):
    """Encoder -> quant_conv -> nearest l2-normalised code (cosine), as the decoder's get_codebook_entry reads codes."""
    z = vq.quant_conv(vq.encoder(x))
    b, c, h, w = z.shape
    zf = z.permute(0, 2, 3, 1).reshape(-1, c)
    e = vq.quantize.embedding.weight
    if NORMALISED_CODES:
        zf, e = F.normalize(zf, dim=1), F.normalize(e, dim=1)
        idx = (zf @ e.t()).argmax(1)
    else:
        idx = ((zf.float() ** 2).sum(1, keepdim=True) - 2 * zf.float() @ e.float().t() + (e.float() ** 2).sum(1)).argmin(1)
    return zf, e, idx, (b, h, w, c)


def edge_map(x):
    """1 where a pixel's 3x3 neighbourhood holds another colour (the shape's outline, both sides), else 0."""
    hi = F.max_pool2d(x, 3, 1, 1)
    lo = -F.max_pool2d(-x, 3, 1, 1)
    return ((hi - lo).abs().sum(1, keepdim=True) > 0).float()


def vq_train_loss(vq, x, edge_weight=0.0):
    """Reconstruction (MSE + L1/2; with edge_weight > 0 the outline pixels count 1 + edge_weight times, so the
    silhouette the pixel analysis judges is not traded for the flat areas) and the codebook/commitment terms."""
    zf, e, idx, (b, h, w, c) = vq_encode(vq, x)
    q = e[idx]
    codebook = F.mse_loss(q, zf.detach()) + 0.25 * F.mse_loss(zf, q.detach())
    qs = zf + (q - zf).detach()
    dec = vq.decoder(vq.post_quant_conv(qs.view(b, h, w, c).permute(0, 3, 1, 2)))
    if edge_weight > 0:
        wgt = 1 + edge_weight * edge_map(x)
        d = dec.float() - x
        rec = ((d * d + 0.5 * d.abs()) * wgt).sum() / (wgt.sum() * x.shape[1])
    else:
        rec = F.mse_loss(dec, x) + 0.5 * F.l1_loss(dec, x)
    return rec, codebook, idx, zf


def image_features(model, pixel_values):
    m = model.model
    return m.aligner(m.vision_model(pixel_values=pixel_values).last_hidden_state)


def understanding_logits(model, ids, mask, pixel_values):
    m = model.model
    emb = m.language_model.embed_tokens(ids)
    feats = image_features(model, pixel_values)
    emb = emb.masked_scatter((ids == IMG_ID)[..., None], feats.to(emb.dtype))
    h = m.language_model(inputs_embeds=emb, attention_mask=mask).last_hidden_state
    return model.lm_head(h)


def generation_hidden(model, ids, mask, codes):
    """Prompt embeddings then generation_aligner(generation_embeddings(code)) for the image tokens."""
    m = model.model
    emb = m.language_model.embed_tokens(ids)
    img = m.generation_aligner(m.generation_embeddings(codes))
    return m.language_model(inputs_embeds=torch.cat([emb, img.to(emb.dtype)], 1), attention_mask=mask).last_hidden_state


def pad_rows(rows, value):
    T = max(len(r) for r in rows)
    out = torch.full((len(rows), T), value, dtype=torch.long)
    for i, r in enumerate(rows):
        out[i, :len(r)] = torch.tensor(r)
    return out


# ---------------------------------------------------------------- batches

def understanding_batch(texts, rng, n, shape_weight=0.4):
    p = sample_params(rng, n)
    # shape questions weighted up: the one answer that no single patch's colour gives away
    rest = (1 - shape_weight) / 4
    kinds = rng.choice(len(shapes.QUESTIONS) + 1, n, p=[shape_weight, rest, rest, rest, rest])
    rows, labels = [], []
    for i in range(n):
        s = shapes.Scene(*[int(v) for v in p[i, :7]])
        if kinds[i] < len(shapes.QUESTIONS):
            kind, q = shapes.QUESTIONS[kinds[i]]
            answer = s.answer(kind)
        else:
            q, answer = shapes.DESCRIBE, s.description()
        prompt = texts.understanding(q)
        ans = texts.enc(" " + answer) + [EOS_ID]
        rows.append(prompt + ans)
        labels.append([-1] * (len(prompt) - 1) + ans + [-1])
    ids = pad_rows(rows, PAD_ID)
    lab = pad_rows(labels, -1)
    mask = (torch.arange(ids.shape[1])[None] < torch.tensor([len(r) for r in rows])[:, None]).long()
    return ids.to(DEVICE), mask.to(DEVICE), lab.to(DEVICE), normalise(render(p)), torch.from_numpy(kinds == 0)


def generation_batch(texts, rng, n, vq, uncond_rate=0.1):
    """Prompts left-aligned and right-padded to a common length P, then the 64 codes; the codes' hidden states
    start at row position len(prompt) - 1 (the <begin_of_image> token), so each row is shifted into place."""
    p = sample_params(rng, n, centred_fraction=0.5)
    blank = rng.random(n) < uncond_rate
    prompts = []
    for i in range(n):
        s = shapes.Scene(*[int(v) for v in p[i, :7]])
        ids = texts.generation(s.prompt(with_position=not bool(p[i, 7])))
        if blank[i]:
            ids = [BOS_ID] + [PAD_ID] * (len(ids) - 2) + [BOI_ID]
        prompts.append(ids)
    with torch.no_grad():
        _, _, codes, (b, h, w, c) = vq_encode(vq, normalise(render(p)))
    codes = codes.view(n, h * w)
    # Left-pad prompts so that every <begin_of_image> sits at the same column; padding masked out, positions
    # follow the mask (position_ids from the cumulative mask), so a row sees the same positions as alone.
    P = max(len(x) for x in prompts)
    ids = torch.full((n, P), PAD_ID, dtype=torch.long)
    mask = torch.zeros((n, P + h * w - 1), dtype=torch.long)
    for i, x in enumerate(prompts):
        ids[i, P - len(x):] = torch.tensor(x)
        mask[i, P - len(x):] = 1
    mask[:, P:] = 1
    return ids.to(DEVICE), mask.to(DEVICE), codes, P


def generation_loss(model, ids, mask, codes, P):
    m = model.model
    emb = m.language_model.embed_tokens(ids)
    img = m.generation_aligner(m.generation_embeddings(codes[:, :-1]))
    x = torch.cat([emb, img.to(emb.dtype)], 1)
    pos = (mask.cumsum(1) - 1).clamp(min=0)
    h = m.language_model(inputs_embeds=x, attention_mask=mask, position_ids=pos).last_hidden_state
    logits = m.generation_head(h[:, P - 1:])
    return F.cross_entropy(logits.float().reshape(-1, logits.shape[-1]), codes.reshape(-1))


# ---------------------------------------------------------------- checks against transformers

@torch.no_grad()
def check_paths(model, texts):
    """Our splice of image features and our generation embeddings against transformers' own methods."""
    model.eval()
    rng = np.random.default_rng(123)
    ids, mask, lab, pv, _ = understanding_batch(texts, rng, 2)
    ours = understanding_logits(model, ids[:1], mask[:1], pv[:1])
    theirs = model(input_ids=ids[:1], pixel_values=pv[:1]).logits
    d1 = (ours - theirs).abs().max().item()
    codes = torch.randint(0, NUM_CODES, (1, 5), device=DEVICE)
    a = model.prepare_embeddings_for_image_generation(codes)
    b = model.model.generation_aligner(model.model.generation_embeddings(codes))
    d2 = (a - b).abs().max().item()
    # the VQ decode of transformers equals our decoder on normalised codes (in float64: TF32 convolutions would
    # blur the comparison)
    import copy
    vq = copy.deepcopy(model.model.vqmodel).double()
    e = F.normalize(vq.quantize.embedding.weight, dim=1)
    codes = torch.randint(0, NUM_CODES, (1, GEN_TOKENS), device=DEVICE)
    ours_px = vq.decoder(vq.post_quant_conv(e[codes].view(1, 8, 8, -1).permute(0, 3, 1, 2)))
    theirs_px = vq.decode(codes)
    d3 = (ours_px - theirs_px).abs().max().item()
    raw = vq.quantize.embedding.weight
    d3_raw = (vq.decoder(vq.post_quant_conv(raw[codes].view(1, 8, 8, -1).permute(0, 3, 1, 2))) - theirs_px).abs().max().item()
    log(f"VQ decode (float64): with l2-normalised codes {d3:.2e}, with raw codes {d3_raw:.2e}")
    global NORMALISED_CODES
    if d3_raw < d3:
        NORMALISED_CODES = False
        d3 = d3_raw
        log("transformers decodes raw codebook entries: training the VQ with euclidean nearest codes")
    del vq
    log(f"path check vs transformers: understanding logits {d1:.2e}, generation embeddings {d2:.2e}, VQ decode {d3:.2e}")
    if max(d1, d2, d3) > 1e-4:
        raise SystemExit("our forward paths disagree with transformers; stopping")
    model.train()


# ---------------------------------------------------------------- evaluation (transformers, greedy)

@torch.no_grad()
def greedy_answer(model, ids, pv, max_new=16):
    seq = list(ids)
    out = []
    for _ in range(max_new):
        logits = model(input_ids=torch.tensor([seq], device=DEVICE), pixel_values=pv).logits[0, -1]
        t = int(logits.float().argmax())
        out.append(t)
        if t == EOS_ID:
            break
        seq.append(t)
    return out


@torch.no_grad()
def greedy_image(model, ids, cfg):
    """CFG over the conditional and the unconditional row (BOS, pads, <begin_of_image>), argmax each step."""
    m = model.model
    uncond = [BOS_ID] + [PAD_ID] * (len(ids) - 2) + [BOI_ID]
    rows = torch.tensor([ids, uncond], device=DEVICE)
    emb = m.language_model.embed_tokens(rows)
    codes = []
    for _ in range(GEN_TOKENS):
        h = m.language_model(inputs_embeds=emb).last_hidden_state[:, -1]
        lg = m.generation_head(h).float()
        g = lg[1] + cfg * (lg[0] - lg[1])
        t = int(g.argmax())
        codes.append(t)
        e = m.generation_aligner(m.generation_embeddings(torch.tensor([[t], [t]], device=DEVICE)))
        emb = torch.cat([emb, e.to(emb.dtype)], 1)
    return codes


@torch.no_grad()
def evaluate(model, texts, tok, seed, n_und, n_gen, cfg, examples_und=0, examples_gen=0):
    model.eval()
    res = {}
    examples = {"understanding": [], "generation": []}
    scenes = shapes.sample_eval(random.Random(shapes.eval_seed(seed, "understanding")), n_und, split="validation")
    correct = {k: 0 for k, _ in shapes.QUESTIONS}
    for i, s in enumerate(scenes):
        img = torch.tensor(list(s.pixels()), dtype=torch.float32).view(1, 64, 64, 3).permute(0, 3, 1, 2).to(DEVICE)
        pv = normalise(img)
        for kind, q in shapes.QUESTIONS:
            ids = texts.understanding(q)
            out = greedy_answer(model, ids, pv)
            text = tok.decode([t for t in out if t != EOS_ID]).strip()
            correct[kind] += text == s.answer(kind)
            if i < examples_und:
                examples["understanding"].append({"scene": s.__dict__, "question": q, "prompt_ids": ids, "output_ids": out, "text": text})
    for k in correct:
        res[f"understanding_{k}"] = correct[k] / max(1, len(scenes))
    res["understanding_all"] = sum(correct.values()) / max(1, 4 * len(scenes))
    gscenes = shapes.sample_eval(random.Random(shapes.eval_seed(seed, "generation")), n_gen, split="validation", centred=True)
    best = None
    for w in cfg:
        ok, pngs, gex = 0, [], []
        for i, s in enumerate(gscenes):
            prompt = s.prompt(with_position=False)
            ids = texts.generation(prompt)
            codes = greedy_image(model, ids, w)
            px = to_u8(model.model.vqmodel.decode(torch.tensor([codes], device=DEVICE)))[0]
            a = shapes.analyse(px.tobytes())
            ok += shapes.matches(s, a)
            if i < 16:
                pngs.append(px)
            if i < examples_gen:
                gex.append({"prompt": prompt, "prompt_ids": ids, "image_tokens": codes, "analysis": a.__dict__,
                            "matches": shapes.matches(s, a)})
        res[f"generation_match_cfg{w:g}"] = ok / max(1, len(gscenes))
        log(f"generation, cfg {w:g}: {ok}/{len(gscenes)} match")
        if best is None or ok > best[0]:
            best = (ok, w, pngs, gex)
    ok, w, pngs, examples["generation"] = best
    examples["cfg_weight"] = w
    res["generation_match"] = ok / max(1, len(gscenes))
    res["generation_cfg"] = w
    # positioned prompts (the engine's default suite): validation scenes where they are, at the chosen weight
    pscenes = shapes.sample_eval(random.Random(shapes.eval_seed(seed, "generation-positioned")), n_gen, split="validation")
    ok = 0
    for s in pscenes:
        codes = greedy_image(model, texts.generation(s.prompt(with_position=True)), w)
        px = to_u8(model.model.vqmodel.decode(torch.tensor([codes], device=DEVICE)))[0]
        ok += shapes.matches(s, shapes.analyse(px.tobytes()))
    res["generation_match_positioned"] = ok / max(1, len(pscenes))
    log(f"generation, positioned prompts, cfg {w:g}: {ok}/{len(pscenes)} match")
    model.train()
    return res, examples, pngs


def png_grid(images):
    from PIL import Image
    n = len(images)
    cols = min(8, n)
    rows = (n + cols - 1) // cols
    grid = np.zeros((rows * 66, cols * 66, 3), np.uint8)
    for i, im in enumerate(images):
        r, c = divmod(i, cols)
        grid[r * 66 + 1:r * 66 + 65, c * 66 + 1:c * 66 + 65] = im
    buf = io.BytesIO()
    Image.fromarray(grid).save(buf, format="PNG")
    return buf.getvalue()


def lr_at(step, total, peak, warmup, fraction=None):
    """Linear warm-up over `warmup` steps, then cosine to 0.1 x peak at step `total`, or, given `fraction` (the
    share of a time box that has passed), at the end of the time box."""
    if step < warmup:
        return peak * (step + 1) / warmup
    t = min(1.0, fraction if fraction is not None else (step - warmup) / max(1, total - warmup))
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * t)))


# ---------------------------------------------------------------- main

def save_vq(vq, directory):
    """The VQ's weights under their names in the full model (model.vqmodel.*), written atomically (a --vq-wait run
    polls for the file)."""
    from safetensors.torch import save_file
    os.makedirs(directory, exist_ok=True)
    sd = {"model.vqmodel." + k: v.detach().float().contiguous().cpu() for k, v in vq.state_dict().items()}
    tmp = os.path.join(directory, "vq.partial")
    save_file(sd, tmp)
    os.replace(tmp, os.path.join(directory, "model.safetensors"))


def load_vq(model, directory):
    """The VQ of a saved run (or of save_vq) into model, in place."""
    from safetensors.torch import load_file
    vsd = {k[len("model.vqmodel."):]: v.float() for k, v in load_file(os.path.join(directory, "model.safetensors")).items()
           if k.startswith("model.vqmodel.")}
    model.model.vqmodel.load_state_dict(vsd)
    log(f"VQ from {directory} ({len(vsd)} tensors)")


@torch.no_grad()
def vq_recon_check(vq, n=384):
    """How often the VQ's reconstruction of a rendered training scene passes the pixel analysis (shapes.analyse,
    the rule our engine's eval uses), overall and per shape: generation can hardly beat it."""
    p = sample_params(np.random.default_rng(999), n)
    idx = torch.cat([vq_encode(vq, normalise(render(p[i:i + 128])))[2] for i in range(0, n, 128)])
    rec_px = np.concatenate([to_u8(vq.decode(idx.view(-1, GEN_TOKENS)[i:i + 128])) for i in range(0, n, 128)])
    ok, per = 0, [[0, 0] for _ in shapes.SHAPES]
    for i in range(n):
        scene = shapes.Scene(*[int(v) for v in p[i, :7]])
        m = shapes.matches(scene, shapes.analyse(rec_px[i].tobytes()))
        ok += m
        per[scene.shape][0] += m
        per[scene.shape][1] += 1
    log(f"vq reconstructions passing the pixel check: {ok}/{n} ("
        + ", ".join(f"{name} {a}/{b}" for name, (a, b) in zip(shapes.SHAPES, per)) + ")")
    return ok / n, png_grid(list(rec_px[:16]))


def train_vq(vq, rng, args, continuing=False):
    """The VQ autoencoder; continuing (from a saved run) uses a lower peak learning rate and a short warm-up."""
    vq.train()
    peak = args.vq_lr if args.vq_lr else (3e-4 if continuing else 1e-3)
    opt = torch.optim.AdamW(vq.parameters(), lr=peak, betas=(0.9, 0.99), weight_decay=0.0)
    vq_steps = 5 if args.smoke else (args.vq_steps or 10 ** 9)
    step, t_start, usage = 0, time.time(), torch.zeros(NUM_CODES, device=DEVICE)
    est_total = args.vq_steps or 3000
    warmup = 20 if continuing else 100
    timed = not args.vq_steps and not args.smoke  # time-boxed: the schedule follows the clock (other jobs share the GPU)
    while step < vq_steps:
        if timed and time.time() - t_start > args.vq_seconds:
            break
        for g in opt.param_groups:
            g["lr"] = lr_at(step, est_total, peak, warmup, (time.time() - t_start) / args.vq_seconds if timed else None)
        x = normalise(render(sample_params(rng, 128)))
        with torch.autocast(DEVICE, dtype=torch.bfloat16):
            rec, cb, idx, zf = vq_train_loss(vq, x, args.vq_edge_weight)
        loss = rec + cb
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(vq.parameters(), 1.0)
        opt.step()
        usage += torch.bincount(idx, minlength=NUM_CODES).float()
        step += 1
        if step % 200 == 0:
            dead = (usage == 0).nonzero().flatten()
            late = (time.time() - t_start) / args.vq_seconds > 0.8 if timed else step >= 0.8 * est_total
            if len(dead) and not late:
                pick = torch.randint(0, zf.shape[0], (len(dead),), device=DEVICE)
                with torch.no_grad():
                    vq.quantize.embedding.weight[dead] = zf.detach()[pick].float()
            log(f"vq step {step}: rec {rec.item():.4f} codebook {cb.item():.4f} used codes {(usage > 0).sum().item()} restarted {len(dead)}")
            usage.zero_()
        if not args.vq_steps and step == 50:
            per = (time.time() - t_start) / 50
            est_total = int(args.vq_seconds / per)
            log(f"vq: {per * 1000:.1f} ms/step, planning {est_total} steps")
    log(f"vq done: {step} steps (repeat with --vq-steps {step})")
    vq.eval()


@torch.no_grad()
def shape_probe(model, texts, n=300, split="validation", label=""):
    """Teacher-forced shape question on n fresh scenes (validation or training tuples; never test): is the first
    answer token the right one? With the weights as they are and rounded to BF16 (as shipped). Returns the accuracy
    as they are."""
    q = dict(shapes.QUESTIONS)["shape"]
    ids = texts.understanding(q)
    first = [texts.enc(" " + name)[0] for name in shapes.SHAPES]
    scenes = shapes.sample_eval(random.Random(f"probe-{split}"), n, split=split)
    pv = torch.stack([normalise(torch.tensor(list(s.pixels()), dtype=torch.float32).view(64, 64, 3).permute(2, 0, 1)) for s in scenes]).to(DEVICE)
    truth = torch.tensor([first[s.shape] for s in scenes], device=DEVICE)
    was_training = model.training
    model.eval()
    out = []
    for rounded in (False, True):
        m = model
        if rounded:
            import copy
            m = copy.deepcopy(model).to(torch.bfloat16).float()
        pred = []
        for i in range(0, n, 100):
            k = pv[i:i + 100].shape[0]
            t = torch.tensor([ids] * k, device=DEVICE)
            pred.append(understanding_logits(m, t, torch.ones_like(t), pv[i:i + 100])[:, -1].argmax(-1))
        pred = torch.cat(pred)
        acc = (pred == truth).float().mean().item()
        conf = [[int(((truth == first[a]) & (pred == first[b])).sum()) for b in range(3)] for a in range(3)]
        out.append(acc)
        log(f"shape probe{label} ({split} tuples, {n} scenes, weights "
            f"{'rounded to BF16' if rounded else 'float32'}): {acc:.3f}; rows truth circle/square/triangle, columns answer: {conf}")
        if rounded:
            del m
    model.train(was_training)
    return out[0]


def load_init(args):
    """A saved run's tokenizer and weights; with --patch other than its patch size the vision tower's patch and
    position embeddings are re-made (the patch kernel summed over its sub-blocks, so a flat patch embeds as before;
    the position grid interpolated), everything else kept."""
    from safetensors.torch import load_file
    from tokenizers import Tokenizer
    from transformers import JanusConfig, JanusForConditionalGeneration
    tok = Tokenizer.from_file(os.path.join(args.init_from, "tokenizer.json"))
    cfg = JanusConfig.from_pretrained(args.init_from)
    old_patch = cfg.vision_config.patch_size
    if not args.patch or args.patch == old_patch:
        model = JanusForConditionalGeneration.from_pretrained(args.init_from, dtype=torch.float32).to(DEVICE)
        log(f"continuing from {args.init_from}")
        return tok, model
    assert old_patch % args.patch == 0, (old_patch, args.patch)
    cfg.vision_config.patch_size = args.patch
    cfg.vision_config.num_image_tokens = (64 // args.patch) ** 2
    model = JanusForConditionalGeneration(cfg).float()
    sd = {k: v.float() for k, v in load_file(os.path.join(args.init_from, "model.safetensors")).items()}
    pk, pe = "model.vision_model.embeddings.patch_embedding.weight", "model.vision_model.embeddings.position_embedding.weight"
    w = sd[pk]  # [hidden, 3, old, old]
    f = old_patch // args.patch
    sd[pk] = w.view(w.shape[0], w.shape[1], f, args.patch, f, args.patch).sum((2, 4))
    g_old, g_new = 64 // old_patch, 64 // args.patch
    pos = sd[pe].view(g_old, g_old, -1).permute(2, 0, 1)[None]
    sd[pe] = F.interpolate(pos, size=(g_new, g_new), mode="bilinear", align_corners=False)[0].permute(1, 2, 0).reshape(g_new * g_new, -1)
    missing, unexpected = model.load_state_dict(sd, strict=False)
    # tied parameters (lm_head <- embed_tokens) are saved once: a missing name whose tensor was loaded is fine
    named = dict(model.named_parameters(remove_duplicate=False))
    loaded = {id(v) for k, v in named.items() if k in sd}
    missing = [k for k in missing if not k.endswith("position_ids") and not (k in named and id(named[k]) in loaded)]
    log(f"continuing from {args.init_from} with patch {args.patch} (was {old_patch}): patch and position embeddings "
        f"re-made; missing {missing}, unexpected {list(unexpected)}")
    if missing or unexpected:
        raise SystemExit("the init checkpoint does not fit")
    return tok, model.to(DEVICE)


def main():
    global UND_TOKENS
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--vq-seconds", type=float, default=100)
    ap.add_argument("--lm-seconds", type=float, default=220)
    ap.add_argument("--vq-steps", type=int, default=0, help="fixed step count (0: fit --vq-seconds)")
    ap.add_argument("--lm-steps", type=int, default=0, help="fixed step count (0: fit --lm-seconds)")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--eval-und", type=int, default=100)
    ap.add_argument("--eval-gen", type=int, default=32)
    ap.add_argument("--cfg", type=str, default="1.5,3,5", help="CFG weights to evaluate; the best is recorded")
    ap.add_argument("--smoke", action="store_true", help="a few steps of everything (catches bugs cheaply)")
    ap.add_argument("--init-from", default=None, help="continue from a saved run (its weights and tokenizer); the VQ is kept")
    ap.add_argument("--lr", type=float, default=1e-3, help="peak learning rate of the understanding/generation phase")
    ap.add_argument("--patch", type=int, default=0, help="vision patch size (0: 8, or the init's); smaller than the init's re-makes the embeddings")
    ap.add_argument("--shape-weight", type=float, default=0.4, help="share of shape questions (the other four share the rest)")
    ap.add_argument("--train-vq", action="store_true", help="with --init-from: continue training its VQ first (kept only if its reconstructions pass the pixel check more often)")
    ap.add_argument("--vq-lr", type=float, default=0.0, help="peak VQ learning rate (0: 1e-3, or 3e-4 when continuing)")
    ap.add_argument("--vq-edge-weight", type=float, default=0.0, help="extra weight of outline pixels in the VQ reconstruction loss")
    ap.add_argument("--vq-from", default=None, help="take the VQ from this saved run instead (with --init-from)")
    ap.add_argument("--vq-only", default=None, metavar="DIR", help="train only the VQ, from scratch, and write it to DIR/model.safetensors (for a --vq-wait run beside this one)")
    ap.add_argument("--vq-wait", default=None, metavar="DIR", help="from scratch: train understanding alone until DIR/model.safetensors (a --vq-only run's VQ) appears, then take that VQ and train both tasks")
    ap.add_argument("--deadline", type=float, default=0, help="seconds from start by which everything, evaluation included, should be done (0: none)")
    ap.add_argument("--eval-reserve", type=float, default=75, help="seconds kept for export and evaluation under --deadline")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    if args.vq_wait and (args.init_from or args.vq_from or args.vq_only):
        raise SystemExit("--vq-wait trains from scratch: not with --init-from, --vq-from or --vq-only")
    # a continuation draws other training scenes than the run it continues; a VQ-only run others than its LM run
    rng = np.random.default_rng([args.seed, 1] if args.init_from else [args.seed, 2] if args.vq_only else args.seed)
    from transformers import JanusForConditionalGeneration

    if args.init_from:
        tok, model = load_init(args)
        texts = Texts(tok)
    else:
        tok = train_tokenizer(args.seed)
        texts = Texts(tok)
        model = JanusForConditionalGeneration(janus_config(tok.get_vocab_size(), args.patch or 8)).to(DEVICE)
    UND_TOKENS = model.config.vision_config.num_image_tokens
    if args.vq_from:
        load_vq(model, args.vq_from)
    log(f"tokenizer: {tok.get_vocab_size()} tokens; understanding prompt {len(texts.understanding(shapes.QUESTIONS[0][1]))} ids, "
        f"generation prompt {len(texts.generation(shapes.Scene(0, 0, 1, 4, 8, 0, 0).prompt(False)))} ids")
    n_params = sum(p.numel() for p in model.parameters())
    log(f"parameters: {n_params} ({n_params * 2 / 2**20:.1f} MiB in BF16); vision patch {model.config.vision_config.patch_size}, {UND_TOKENS} image tokens")
    check_paths(model, texts)
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True
    torch.backends.cudnn.benchmark = True  # fixed shapes: cuDNN picks its fastest convolutions (the VQ is conv-bound)
    vq = model.model.vqmodel
    vq.eval()
    if args.init_from:
        shape_probe(model, texts, split="validation", label=" at start")
        shape_probe(model, texts, split="train", label=" at start")
    vq_ready = True
    if args.vq_wait:
        vq_ready = False
        ok, recon_png = None, b""
        log(f"understanding alone until {args.vq_wait}/model.safetensors appears")
    elif not args.init_from:
        train_vq(vq, rng, args)
        ok, recon_png = vq_recon_check(vq)
        if args.vq_only:
            save_vq(vq, args.vq_only)
            open(os.path.join(args.vq_only, "vq_reconstructions.png"), "wb").write(recon_png)
            log(f"VQ written to {args.vq_only}/model.safetensors")
            open(os.path.join(args.vq_only, "vq_train_log.txt"), "w").write("\n".join(LOG) + "\n")
            return
    elif args.train_vq:
        import copy
        before, _ = vq_recon_check(vq)
        saved = copy.deepcopy(vq.state_dict())
        train_vq(vq, rng, args, continuing=True)
        ok, recon_png = vq_recon_check(vq)
        if ok < before:
            vq.load_state_dict(saved)
            ok = before
            log("the continued VQ passes less often: keeping the one it started from")
    else:
        ok, recon_png = vq_recon_check(vq, n=256) if args.vq_from else (None, b"")
    vq.eval()
    for p_ in vq.parameters():
        p_.requires_grad_(False)

    # --- Janus: understanding + generation
    params = [q for n, q in model.named_parameters() if not n.startswith("model.vqmodel.")]
    opt = torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.98), weight_decay=0.01)
    lm_steps = 5 if args.smoke else (args.lm_steps or 10 ** 9)
    lm_seconds = args.lm_seconds
    if args.deadline:
        lm_seconds = min(lm_seconds, args.deadline - args.eval_reserve - (time.time() - T0))
        log(f"lm: {lm_seconds:.0f} s before the deadline's evaluation reserve")
    step, t_start = 0, time.time()
    est_total = args.lm_steps or 3000
    timed = not args.lm_steps and not args.smoke  # time-boxed: the schedule follows the clock
    und_alone = 0
    # A step whose loss or gradient is not finite is skipped and halves the learning rate from then on (as a loss
    # scaler would): the 2026-12-06 run from scratch at a held-up 1e-3 turned NaN near step 1000 and never came back.
    lr_scale, skipped = 1.0, 0
    model.train()
    vq.eval()
    hits = seen = 0
    while step < lm_steps:
        if timed and time.time() - t_start >= lm_seconds:
            break
        # the smoke run takes two understanding-only steps first, so that both paths run
        if not vq_ready and (not args.smoke or step >= 2) and os.path.exists(os.path.join(args.vq_wait, "model.safetensors")):
            load_vq(model, args.vq_wait)
            vq.eval()
            for p_ in vq.parameters():
                p_.requires_grad_(False)
            ok, recon_png = vq_recon_check(vq)
            vq_ready = True
            log(f"lm: VQ taken after {step} understanding-only steps ({time.time() - t_start:.0f} s); both tasks from here")
        lr = lr_at(step, est_total, args.lr, 150 if not args.init_from else 50,
                   (time.time() - t_start) / lm_seconds if timed else None) * lr_scale
        for g in opt.param_groups:
            g["lr"] = lr
        uids, umask, ulab, upv, ushape = understanding_batch(texts, rng, args.batch, args.shape_weight)
        if vq_ready:
            gids, gmask, gcodes, P = generation_batch(texts, rng, args.batch, vq)
        else:
            und_alone += 1
        with torch.autocast(DEVICE, dtype=torch.bfloat16):
            ul = understanding_logits(model, uids, umask, upv)
            uloss = F.cross_entropy(ul.float().reshape(-1, ul.shape[-1]), ulab.reshape(-1), ignore_index=-1)
            gloss = generation_loss(model, gids, gmask, gcodes, P) if vq_ready else None
        loss = uloss + gloss if gloss is not None else uloss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(params, 1.0)
        if torch.isfinite(loss) and torch.isfinite(grad_norm):
            opt.step()
        else:
            opt.zero_grad(set_to_none=True)
            skipped += 1
            lr_scale *= 0.5
            log(f"lm step {step}: non-finite loss or gradient, step skipped ({skipped} so far), learning rate x{lr_scale:g} from here")
        step += 1
        with torch.no_grad():
            # teacher-forced first answer token of this batch's shape questions
            first = (ulab >= 0).float().argmax(1)
            rows = ushape.to(DEVICE)
            pred = ul.detach()[torch.arange(len(first), device=DEVICE), first].argmax(-1)
            gold = ulab[torch.arange(len(first), device=DEVICE), first]
            hits += int(((pred == gold) & rows).sum())
            seen += int(rows.sum())
        if step % 200 == 0 or args.smoke:
            log(f"lm step {step}: lr {lr:.2e} understanding {uloss.item():.4f} "
                f"generation {gloss.item() if gloss is not None else float('nan'):.4f} "
                f"shape (batch, teacher-forced) {hits / max(1, seen):.3f}")
            hits = seen = 0
        if step == 20:
            t20 = time.time()
        if not args.lm_steps and step == 100:
            per = (time.time() - t20) / 80
            est_total = int((lm_seconds - (time.time() - t_start)) / per) + step
            log(f"lm: {per * 1000:.1f} ms/step, planning {est_total} steps")
    log(f"lm done: {step} steps, {und_alone} of them understanding alone while the VQ trained, {skipped} skipped as non-finite (repeat with --lm-steps {step})")
    if not vq_ready:
        log(f"no VQ appeared in {args.vq_wait}: generation is untrained")
    if step:
        shape_probe(model, texts, split="validation", label=" after training")
        shape_probe(model, texts, split="train", label=" after training")

    # --- export, reload, evaluate
    with tempfile.TemporaryDirectory() as d:
        model.eval()
        model.to(torch.bfloat16).save_pretrained(d, safe_serialization=True)
        tok.save(os.path.join(d, "tokenizer.json"))
        json.dump(tokenizer_config(), open(os.path.join(d, "tokenizer_config.json"), "w", encoding="utf-8"), indent=2, ensure_ascii=False)
        json.dump({"size": {"height": 64, "width": 64}, "do_resize": True, "resample": 3, "do_rescale": True,
                   "rescale_factor": 1 / 255, "do_normalize": True, "do_pad": True, "min_size": 14,
                   "image_mean": [MEAN] * 3, "image_std": [STD] * 3, "background_color": [127, 127, 127],
                   "image_processor_type": "JanusImageProcessor"},
                  open(os.path.join(d, "preprocessor_config.json"), "w"), indent=2)
        json.dump({"bos_token_id": BOS_ID, "eos_token_id": EOS_ID, "pad_token_id": PAD_ID, "do_sample": False,
                   "max_new_tokens": 32},
                  open(os.path.join(d, "generation_config.json"), "w"), indent=2)
        del model
        # the weights and a bundle without evaluation first, so that a run cut short still returns its model
        shutil.copy(os.path.join(d, "model.safetensors"), os.path.join(args.out, "model.safetensors"))
        json.dump({"status": "exported, evaluation pending", "vq_recon_pixel_check": ok}, open(os.path.join(d, "eval.json"), "w"), indent=2)
        if recon_png:
            open(os.path.join(d, "vq_reconstructions.png"), "wb").write(recon_png)
        open(os.path.join(d, "train_log.txt"), "w").write("\n".join(LOG) + "\n")
        write_bundle(args.out, d)
        log("exported (evaluation pending)")
        # evaluate (and write the .NET reference outputs) in full float32: TF32 could flip near-tied greedy choices
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cudnn.benchmark = False
        reloaded, info = JanusForConditionalGeneration.from_pretrained(d, dtype=torch.float32, output_loading_info=True)
        reloaded = reloaded.to(DEVICE).eval()
        info = {k: sorted(v) if isinstance(v, (list, set)) else str(v) for k, v in info.items()}
        log(f"reload (float32): {info}")
        if info.get("missing_keys") or info.get("unexpected_keys"):
            raise SystemExit("reload reported missing or unexpected keys")
        n_und = 4 if args.smoke else args.eval_und
        n_gen = 2 if args.smoke else args.eval_gen
        cfgs = [float(v) for v in args.cfg.split(",")]
        try:
            res, examples, pngs = evaluate(reloaded, texts, tok, args.seed, n_und, n_gen, cfgs, examples_und=6, examples_gen=4)
        except Exception:  # keep the trained weights and the log even so
            import traceback
            log("evaluation failed:\n" + traceback.format_exc())
            res, examples, pngs = {}, {}, []
        res["loading_info"] = info
        res["vq_recon_pixel_check"] = ok
        log(f"eval (transformers, reloaded BF16 weights in float32, validation scenes): {json.dumps({k: v for k, v in res.items() if k != 'loading_info'})}")
        json.dump(res, open(os.path.join(d, "eval.json"), "w"), indent=2)
        json.dump(examples, open(os.path.join(d, "examples.json"), "w"), indent=1)
        open(os.path.join(d, "samples.png"), "wb").write(png_grid(pngs) if pngs else b"")
        log("done")
        open(os.path.join(d, "train_log.txt"), "w").write("\n".join(LOG) + "\n")
        write_bundle(args.out, d)


def write_bundle(out, d):
    """Everything in d but the weights, as out/bundle.tar.gz (written whole, then renamed)."""
    tmp = os.path.join(out, "bundle.partial")
    with tarfile.open(tmp, "w:gz") as tar:
        for f in sorted(os.listdir(d)):
            if f != "model.safetensors":
                tar.add(os.path.join(d, f), arcname=f)
    os.replace(tmp, os.path.join(out, "bundle.tar.gz"))


if __name__ == "__main__":
    main()
