"""The search index tuning: whole lowercase words and readable formulas (handbook/search_index.py)."""

import json
from collections import Counter

from handbook.plain_math import plain_math
from handbook.search_index import cited_by, tune, whole_words


def test_camel_case_and_hyphenated_words_are_added_whole_and_lowercase():
    text = "XGBoost and <code>GroupKFold</code>, the bias-variance trade-off, kmeans and k-means"
    assert whole_words(text).split() == ["biasvariance", "groupkfold", "tradeoff", "xgboost"]


def test_formulas_read_as_plain_text():
    assert plain_math(r"score \(q \cdot k\) here") == "score q · k here"
    assert plain_math(r"\(\frac{QK^\top}{\sqrt{d_k}}\)") == "(QK^ᵀ)/(√d_k)"
    assert plain_math(r"\[\mathbb{E}[r] \approx 0.82\]") == "E[r] ≈ 0.82"


def test_each_question_is_its_own_group_keyed_by_a_not_q(tmp_path):
    index = tmp_path / "search_index.json"
    docs = [
        {"location": "rag/pipeline/", "title": "RAG", "text": "intro"},
        {
            "location": "rag/pipeline/#rag-chunking",
            "title": "Chunking a YouTube?",
            "text": r"\(k\) in LangChain",
        },
    ]
    index.write_text(json.dumps({"config": {}, "docs": docs}), encoding="utf-8")
    question = {"url": "rag/pipeline/#rag-chunking", "page": "Building a RAG pipeline"}
    tune(index, [question])
    tuned = json.loads(index.read_text(encoding="utf-8"))
    header, entry = tuned["docs"][1:]
    assert header["location"] == "rag/pipeline/?a=rag-chunking"
    assert header["title"] == "Building a RAG pipeline"
    assert entry["location"] == "rag/pipeline/?a=rag-chunking#rag-chunking"
    # the heading's words count three times, so the answer named after them ranks above mentions
    assert entry["text"] == "k in LangChain youtube youtube youtube langchain"
    # the answer (position 2 in the index) under each of its words: no meta line, its text's counts
    postings = tuned["config"]["postings"]
    assert postings == {"k": [2, 0, 1], "in": [2, 0, 1], "langchain": [2, 0, 2], "youtube": [2, 0, 3]}
    assert entry["lengths"] == [0, 7]


def test_an_answer_ships_its_opening_as_text_and_all_its_words_counted(tmp_path):
    index = tmp_path / "search_index.json"
    opening = "<p>medium · rag</p><p><strong>Short answer.</strong> Chunks of 512 tokens.</p>"
    text = f"{opening}<p>Chunks overlap.</p>"
    docs = [{"location": "rag/pipeline/#rag-chunking", "title": "Chunking?", "text": text}]
    separator = r"[\s\-,:;!?=\[\]()\"`|*+<>{}]+|(?!\b)(?=[A-Z][a-z])|\.(?!\d)|&[lg]t;"
    index.write_text(json.dumps({"config": {"separator": separator}, "docs": docs}), encoding="utf-8")
    tune(index, [{"url": "rag/pipeline/#rag-chunking", "page": "RAG"}])
    tuned = json.loads(index.read_text(encoding="utf-8"))
    entry = tuned["docs"][1]
    # the result's teaser gets the meta line and the short answer; the ranking, every word
    assert entry["text"] == opening
    counts = {word: found[1:] for word, found in tuned["config"]["postings"].items()}
    assert counts == {
        "medium": [1, 0],
        "rag": [1, 0],
        "short": [0, 1],
        "answer": [0, 1],
        "chunks": [0, 2],
        "of": [0, 1],
        "512": [0, 1],
        "tokens": [0, 1],
        "overlap": [0, 1],
    }
    assert entry["lengths"] == [2, 8]


def test_the_offline_copy_is_grouped_too(tmp_path):
    # `make offline` names files (`rag/pipeline.html#x`); the questions use the served form.
    index = tmp_path / "search_index.json"
    docs = [
        {"location": "rag/pipeline.html", "title": "RAG", "text": "intro"},
        {"location": "rag/pipeline.html#rag-chunking", "title": "Chunking?", "text": "chunks"},
    ]
    index.write_text(json.dumps({"config": {}, "docs": docs}), encoding="utf-8")
    tune(index, [{"url": "rag/pipeline/#rag-chunking", "page": "Building a RAG pipeline"}])
    page, header, entry = json.loads(index.read_text(encoding="utf-8"))["docs"]
    assert page == {"location": "rag/pipeline.html", "title": "RAG", "text": "intro"}
    assert header == {
        "location": "rag/pipeline.html?a=rag-chunking",
        "title": "Building a RAG pipeline",
        "text": "",
    }
    assert entry["location"] == "rag/pipeline.html?a=rag-chunking#rag-chunking"


def test_an_answer_carries_how_many_other_answers_link_to_it(tmp_path):
    page = tmp_path / "docs" / "rag" / "pipeline.md"
    page.parent.mkdir(parents=True)
    page.write_text(
        "# RAG\n\n## A? { #a }\n\nSee [b](#b), [b again](#b) and [itself](#a).\n\n"
        "## B? { #b }\n\nSee [a](../rag/pipeline.md#a).\n\n"
        "## C? { #c }\n\nSee [b](pipeline.md#b) and [a page](https://example.com/#b-c).\n",
        encoding="utf-8",
    )
    questions = [{"id": x, "source": f"rag/pipeline.md#{x}"} for x in "abc"]
    # a link repeated within one answer counts once; a link to itself or outside counts not at all
    assert cited_by(tmp_path, questions) == Counter({"b": 2, "a": 1})

    index = tmp_path / "search_index.json"
    docs = [{"location": f"rag/pipeline/#{x}", "title": f"{x.upper()}?", "text": "words"} for x in "ab"]
    index.write_text(json.dumps({"config": {}, "docs": docs}), encoding="utf-8")
    tune(index, [{"url": f"rag/pipeline/#{x}", "page": "RAG"} for x in "ab"], Counter({"b": 2}))
    entries = [d for d in json.loads(index.read_text(encoding="utf-8"))["docs"] if "#" in d["location"]]
    assert [d.get("cited") for d in entries] == [None, 2]
