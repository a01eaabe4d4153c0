import math

import torch
from transformers import (
    BertConfig,
    BertForMaskedLM,
    GPT2Config,
    GPT2LMHeadModel,
    T5Config,
    T5ForConditionalGeneration,
)

torch.manual_seed(0)
V, d, L, H = 1000, 64, 2, 4  # the same tiny size for all three; random weights
eager = {"attn_implementation": "eager"}  # the eager path can return attention weights
bert_config = BertConfig(
    vocab_size=V,
    hidden_size=d,
    num_hidden_layers=L,
    num_attention_heads=H,
    intermediate_size=4 * d,
    **eager,
)
gpt_config = GPT2Config(
    vocab_size=V, n_embd=d, n_layer=L, n_head=H, bos_token_id=0, eos_token_id=0, **eager
)
t5_config = T5Config(
    vocab_size=V,
    d_model=d,
    d_kv=d // H,
    d_ff=4 * d,
    num_layers=L,
    num_heads=H,
    decoder_start_token_id=0,
    pad_token_id=0,
    **eager,
)
bert = BertForMaskedLM(bert_config).eval()
gpt = GPT2LMHeadModel(gpt_config).eval()
t5 = T5ForConditionalGeneration(t5_config).eval()

tokens = torch.randint(5, 900, (1, 12), generator=torch.Generator().manual_seed(1))
MASK, S0, S1 = 3, V - 1, V - 2  # stand-ins for [MASK] and T5's sentinels <X>, <Y>

with torch.no_grad():
    # BERT, masked LM: hide some tokens, predict them from BOTH sides.
    hide = torch.zeros_like(tokens, dtype=torch.bool)
    hide[0, [2, 7]] = True
    labels = torch.where(hide, tokens, -100)  # loss only on the hidden positions
    b = bert(tokens.masked_fill(hide, MASK), labels=labels, output_attentions=True)
    # GPT, causal LM: predict every next token from the tokens to its left.
    o = gpt(tokens, labels=tokens, output_attentions=True)  # labels shifted inside
    # T5, span corruption: spans become sentinels; the decoder writes the spans out.
    t = tokens[0].tolist()
    src = torch.tensor([t[:3] + [S0] + t[6:9] + [S1] + t[11:]])  # 9 tokens
    tgt = torch.tensor([[S0] + t[3:6] + [S1] + t[9:11]])  # 7 tokens
    t5_out = t5(input_ids=src, labels=tgt, output_attentions=True)


def later_share(attn):  # share of attention weight on keys to the right of the query
    later = torch.ones(attn.shape[-2:], dtype=torch.bool).triu(1)
    return f"{(attn[..., later].sum() / attn.sum()).item():.2f}"


print(f"loss at initialisation (random weights; ln V = {math.log(V):.2f}):")
print(
    f"  BERT masked LM {b.loss:.2f}, GPT causal LM {o.loss:.2f}, "
    f"T5 spans {t5_out.loss:.2f}"
)
spreads = [out.logits.std().item() for out in (b, o, t5_out)]
print(
    "std of the initial logits: BERT {:.2f}, GPT-2 {:.2f}, T5 {:.2f}".format(*spreads)
)
counts = [sum(p.numel() for p in m.parameters()) for m in (bert, gpt, t5)]
print("parameters: BERT {:,}, GPT-2 {:,}, T5 {:,}".format(*counts))
print("attention (batch, heads, queries, keys), share of weight on later tokens:")
rows = [
    ("BERT self", b.attentions[0]),
    ("GPT-2 self", o.attentions[0]),
    ("T5 encoder self", t5_out.encoder_attentions[0]),
    ("T5 decoder self", t5_out.decoder_attentions[0]),
]
for name, attn in rows:
    print(f"  {name:<16} {tuple(attn.shape)}  {later_share(attn)}")
cross = t5_out.cross_attentions[0]
print(f"  {'T5 cross':<16} {tuple(cross.shape)}  (target queries, source keys)")

# Does token 0's output depend on the LAST token? Edit the last token and look.
edited = tokens.clone()
edited[0, -1] = 950
with torch.no_grad():
    changed = {}
    for name, model in (("BERT", bert.bert), ("GPT-2", gpt.transformer)):
        h1, h2 = model(tokens).last_hidden_state, model(edited).last_hidden_state
        changed[name] = not torch.allclose(h1[0, 0], h2[0, 0])
print(f"editing the last token changes token 0's output: {changed}")
