"""Special tokens, the R1-style chat template and the byte-level BPE tokenizer of deepseek-r1-tiny.

The token spellings are DeepSeek-R1's (fullwidth bars, U+2581 for spaces), so code written for the
published R1 tokenizer finds the same markers here. `render_prompt` is the template's output for one
user turn, written out in Python so that the data generator does not need a Jinja engine; the training
script checks the two agree through transformers' apply_chat_template.
"""
import json
import os

BOS = "<｜begin▁of▁sentence｜>"
EOS = "<｜end▁of▁sentence｜>"
PAD = "<｜▁pad▁｜>"
USER = "<｜User｜>"
ASSISTANT = "<｜Assistant｜>"
THINK = "<think>"
END_THINK = "</think>"

# Ids 0..4 in this order; <think> and </think> are added after BPE training (ids vocab-2, vocab-1) as
# non-special added tokens, as in DeepSeek-R1, so that decoding with skip_special_tokens keeps the trace.
SPECIAL_TOKENS = (BOS, EOS, PAD, USER, ASSISTANT)

# DeepSeek-R1's template reduced to what these models use: system prompts first (after BOS), user turns,
# assistant turns with the reasoning stripped from history, and a generation prompt that opens the trace.
CHAT_TEMPLATE = (
    "{%- if not add_generation_prompt is defined %}{%- set add_generation_prompt = false %}{%- endif %}"
    "{%- set ns = namespace(system_prompt='') %}"
    "{%- for message in messages %}{%- if message['role'] == 'system' %}"
    "{%- set ns.system_prompt = ns.system_prompt + message['content'] %}{%- endif %}{%- endfor %}"
    "{{- bos_token + ns.system_prompt }}"
    "{%- for message in messages %}"
    "{%- if message['role'] == 'user' %}{{- '<｜User｜>' + message['content'] }}"
    "{%- elif message['role'] == 'assistant' %}{%- set content = message['content'] %}"
    "{%- if '</think>' in content %}{%- set content = content.split('</think>')[-1] %}{%- endif %}"
    "{{- '<｜Assistant｜>' + content + '<｜end▁of▁sentence｜>' }}"
    "{%- endif %}"
    "{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<｜Assistant｜><think>\\n' }}{%- endif %}"
)


def render_prompt(question: str) -> str:
    """CHAT_TEMPLATE for [{"role": "user", "content": question}] with add_generation_prompt=True."""
    return f"{BOS}{USER}{question}{ASSISTANT}{THINK}\n"


def train_tokenizer(texts, vocab_size: int):
    """Byte-level BPE over `texts` (prompts and traces without special tokens), then the special and
    added tokens. Digits are split one per token, so numbers are read and written digit by digit."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size - 2,
        special_tokens=[AddedToken(t, special=True, normalized=False) for t in SPECIAL_TOKENS],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer=trainer)
    tok.add_tokens([AddedToken(THINK, special=False, normalized=False),
                    AddedToken(END_THINK, special=False, normalized=False)])
    for i, t in enumerate(SPECIAL_TOKENS):
        assert tok.token_to_id(t) == i, (t, tok.token_to_id(t))
    return tok


def tokenizer_config(model_max_length: int) -> dict:
    return {
        "add_bos_token": False,
        "add_eos_token": False,
        "bos_token": BOS,
        "eos_token": EOS,
        "pad_token": PAD,
        "unk_token": None,
        "clean_up_tokenization_spaces": False,
        "model_max_length": model_max_length,
        "tokenizer_class": "PreTrainedTokenizerFast",
        "chat_template": CHAT_TEMPLATE,
    }


def save_tokenizer(tok, directory: str, model_max_length: int):
    os.makedirs(directory, exist_ok=True)
    tok.save(os.path.join(directory, "tokenizer.json"))
    with open(os.path.join(directory, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_config(model_max_length), f, indent=2, ensure_ascii=False)
        f.write("\n")
