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
V, d, n_layers, heads = (
    1000,
    64,
    2,
    4,
)  # the same tiny width and depth for all three; random weights
eager = {"attn_implementation": "eager"}  # the eager path can return attention weights
bert = BertForMaskedLM(
    BertConfig(
        vocab_size=V,
        hidden_size=d,
        num_hidden_layers=n_layers,
        num_attention_heads=heads,
        intermediate_size=4 * d,
        **eager,
    )
).eval()
gpt = GPT2LMHeadModel(
    GPT2Config(
        vocab_size=V,
        n_embd=d,
        n_layer=n_layers,
        n_head=heads,
        bos_token_id=0,
        eos_token_id=0,
        **eager,
    )
).eval()
t5 = T5ForConditionalGeneration(
    T5Config(
        vocab_size=V,
        d_model=d,
        d_kv=d // heads,
        d_ff=4 * d,
        num_layers=n_layers,
        num_heads=heads,
        decoder_start_token_id=0,
        pad_token_id=0,
        **eager,
    )
).eval()

g = torch.Generator().manual_seed(1)
tokens = torch.randint(5, 900, (1, 12), generator=g)


def future_weight(attn):  # share of attention that queries put on keys to their right
    T_q, T_k = attn.shape[-2:]
    future = torch.ones(T_q, T_k, dtype=torch.bool).triu(1)
    return (attn[..., future].sum() / attn.sum()).item()


with torch.no_grad():
    # BERT: masked language modelling. Hide 15% of the tokens, predict them from BOTH sides.
    masked = tokens.clone()
    hidden = torch.zeros_like(tokens, dtype=torch.bool)
    hidden[0, [2, 7]] = True
    masked[hidden] = 3  # stand-in [MASK] id
    mlm_labels = torch.where(hidden, tokens, -100)  # loss only on the hidden positions
    b = bert(
        masked, labels=mlm_labels, output_attentions=True, output_hidden_states=True
    )
    # GPT: causal language modelling. Predict every next token from the tokens to its left.
    o = gpt(
        tokens, labels=tokens, output_attentions=True, output_hidden_states=True
    )  # shifted inside
    # T5: span corruption. Replace spans with sentinels; the decoder writes out the missing spans.
    sentinel0, sentinel1 = V - 1, V - 2
    src = torch.cat(
        [
            tokens[:, :3],
            torch.tensor([[sentinel0]]),
            tokens[:, 6:9],
            torch.tensor([[sentinel1]]),
            tokens[:, 11:],
        ],
        1,
    )
    tgt = torch.cat(
        [
            torch.tensor([[sentinel0]]),
            tokens[:, 3:6],
            torch.tensor([[sentinel1]]),
            tokens[:, 9:11],
        ],
        1,
    )
    t = t5(input_ids=src, labels=tgt, output_attentions=True)

print(f"loss at initialisation, close to ln(V) = {math.log(V):.2f} for random weights:")
print(
    f"  BERT masked-LM {b.loss:.2f} | GPT causal-LM {o.loss:.2f} | T5 span corruption {t.loss:.2f}"
)
print(
    "parameters:",
    ", ".join(
        f"{n} {sum(p.numel() for p in m.parameters()):,}"
        for n, m in (("BERT", bert), ("GPT-2", gpt), ("T5", t5))
    ),
)
print(
    "attention shapes (batch, heads, queries, keys) and share of weight on later positions:"
)
print(
    f"  BERT self        {tuple(b.attentions[0].shape)}  {future_weight(b.attentions[0]):.2f}"
)
print(
    f"  GPT-2 self       {tuple(o.attentions[0].shape)}  {future_weight(o.attentions[0]):.2f}"
)
print(
    f"  T5 encoder self  {tuple(t.encoder_attentions[0].shape)}  {future_weight(t.encoder_attentions[0]):.2f}"
)
print(
    f"  T5 decoder self  {tuple(t.decoder_attentions[0].shape)}  {future_weight(t.decoder_attentions[0]):.2f}"
)
print(
    f"  T5 cross         {tuple(t.cross_attentions[0].shape)}  (every target token sees every source token)"
)

# Does token 0's representation depend on the LAST token? Edit it and look.
edited = tokens.clone()
edited[0, -1] = 950
with torch.no_grad():
    b2 = bert(edited, output_hidden_states=True).hidden_states[-1]
    b1 = bert(tokens, output_hidden_states=True).hidden_states[-1]
    o2 = gpt(edited, output_hidden_states=True).hidden_states[-1]
    o1 = gpt(tokens, output_hidden_states=True).hidden_states[-1]
print(
    f"editing the last token changes token 0's output: BERT {not torch.allclose(b1[0, 0], b2[0, 0])},"
    f" GPT-2 {not torch.allclose(o1[0, 0], o2[0, 0])}"
)
