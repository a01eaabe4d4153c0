"""Two small character-level GPT-2 models for this chapter's inference examples.

Both are trained here, on CPU, on the handbook's story corpus (data/llms/corpus.txt):
a *target* (2 layers, width 64) and a smaller *draft* (1 layer, width 32) for
speculative decoding. Cached, so every example on a page shares one training run.
"""

import functools

import torch
from transformers import GPT2Config, GPT2LMHeadModel


@functools.cache
def corpus() -> tuple[str, list[str]]:
    with open("data/llms/corpus.txt", encoding="utf-8") as f:
        text = f.read()
    return text, sorted(set(text))


def encode(s: str) -> list[int]:
    chars = corpus()[1]
    return [chars.index(c) for c in s]


def decode(ids) -> str:
    chars = corpus()[1]
    return "".join(chars[i] for i in ids)


def _train(n_layer: int, n_embd: int, steps: int, seed: int) -> GPT2LMHeadModel:
    text, chars = corpus()
    data = torch.tensor(encode(text))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    config = GPT2Config(
        vocab_size=len(chars), n_positions=256, n_embd=n_embd, n_layer=n_layer,
        n_head=4, bos_token_id=None, eos_token_id=None,  # no EOS: lengths are set
        resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0,
    )  # fmt: skip
    model = GPT2LMHeadModel(config)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    for _ in range(steps):
        idx = torch.randint(len(data) - 64, (16,))
        xb = torch.stack([data[i : i + 64] for i in idx])
        loss = model(input_ids=xb, labels=xb).loss
        opt.zero_grad()
        loss.backward()
        opt.step()
    torch.set_num_threads(threads)
    return model.eval()


@functools.cache
def target() -> GPT2LMHeadModel:
    return _train(n_layer=2, n_embd=64, steps=300, seed=0)


@functools.cache
def draft() -> GPT2LMHeadModel:
    return _train(n_layer=1, n_embd=32, steps=400, seed=1)
