r"""Tune Material for MkDocs' search index for questions (a file in, the same file out).

- Every question is its own result. Material groups a page's sections under the page (by the
  part of a location before "#") and folds all but the best under "N more on this page", so the
  second-best question of a page would be hidden. Each question gets a group of its own: its
  location gains a query string (`rag/pipeline/?a=rag-chunking#rag-chunking` opens the same page
  at the same answer), under a header entry that carries the page title and almost no weight.
  The key is `a`, not `q`: `q` is Material's own search parameter, and a card header linking to
  `?q=anchor` reopened search with the anchor as the query. docs/javascripts/links.js lands a
  header click (`?a=anchor`, no fragment) at the answer and removes the key from the address.
- The search splits words at hyphens and inside camelCase (so "k-means" and "IndexFlatL2" are
  found by their parts), which made "xgboost", "groupkfold" or "tradeoff" find nothing: each
  entry also gets its camelCase, hyphenated and underscored words whole and lowercase
  ("xgboost", "tradeoff", "dk" for d_k), and its -ise/-ize words in the other spelling
  ("regularization" finds "regularisation"), at the end of its text, those of its heading three
  times so that the answer named after a product ranks above the answers that mention it.
  docs/javascripts/search-worker.js does the query side (stop words, short words) and orders the
  results (BM25F over heading, meta line and text).
- Result teasers cannot render formulas: `\(q \cdot k\)` is written as `q · k`
  (handbook/plain_math.py).
- Each answer carries how many other answers link to it (`cited`): the handbook's own judgement
  of which answer is the reference on a topic. A short query says little about which of several
  answers on its topic the reader wants ("kv cache": how the cache works, or how to shrink it),
  and the search worker ranks the more cited one first when the words do not decide.
- The search worker ranks answers by their words (BM25F), which it used to count itself from
  each answer's HTML when search opened (1.5 s in a profile) from 7.7 MB of text to fetch, and
  then to gather from per-answer word lists into one table (0.45 s). The index now carries that
  table (`config.postings`, the one part of the index besides the documents that Material hands
  its worker): for each word, the answers holding it outside their heading and how often, in
  their meta line and in the rest, as the worker's tokens() splits them. Each answer carries the
  two fields' lengths and, as text, only its opening: the meta line and short answer that a
  result's teaser shows.
- Material gives every section the tags of its whole page, with a boost of a million: every
  question would rank by its neighbours' tags, and each result would list them all. Each
  question's own tags are in its text (the line under its heading) instead.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from handbook.pages import HEADING, parse_attrs
from handbook.plain_math import plain_math

CAMEL_CASE = re.compile(r"\b[A-Za-z]*[a-z][A-Z][A-Za-z0-9]*\b|\b[A-Z]{2,}[a-z][A-Za-z0-9]*\b")
HYPHENATED = re.compile(r"\b[A-Za-z]+(?:-[A-Za-z]+)+\b")
SUBSCRIPTED = re.compile(r"\b[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+\b")  # d_k, max_tokens
TAG = re.compile(r"<[^>]+>")
LINK_TO_ANCHOR = re.compile(r"\]\([^)\s]*#([a-z0-9-]+)\)")
# The pages mix British and American spellings ("regularisation", "tokenizer"), and readers type
# either: each -ise/-ize word is also indexed in the other spelling.
SPELLING = re.compile(r"\b([a-z]{4,})i([sz])(e|es|ed|er|ers|ing|ation|ations)\b")


def whole_words(text: str) -> str:
    """The camelCase, hyphenated and underscored words of `text`, lowercase and whole, and its
    -ise/-ize words in the other spelling, that it lacks as such."""
    plain = TAG.sub(" ", text)
    present = set(re.findall(r"\b[a-z0-9]+\b", plain))  # words the search already holds whole
    found = {w.lower() for w in CAMEL_CASE.findall(plain)}
    found |= {w.replace("-", "").lower() for w in HYPHENATED.findall(plain)}
    found |= {w.replace("_", "").lower() for w in SUBSCRIPTED.findall(plain)}
    found |= {f"{stem}i{'z' if s == 's' else 's'}{end}" for stem, s, end in SPELLING.findall(plain.lower())}
    return " ".join(sorted(found - present))


# The index's separator is a JavaScript pattern, where \s is Unicode white space and \b and \W are
# ASCII: Python's re is given the same meaning (the separator's \s sits in a character class).
JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
META_LINE = re.compile(r"^<p>(.*?)</p>(.*)$", re.DOTALL)
OPENING = re.compile(r"^<p>.*?</p>\s*<p>.*?</p>", re.DOTALL)
TRIM = re.compile(r"^\W+|\W+$", re.ASCII)


def word_splitter(config: dict) -> re.Pattern:
    pattern = config.get("separator") or r"[\s\-]+"
    return re.compile(pattern.replace(r"\s", JS_SPACE), re.ASCII)


def counted(html: str, separator: re.Pattern) -> Counter:
    """The words of `html` as search-worker.js's tokens() reads them, counted, in order of first
    appearance."""
    words = (w.lower() for w in separator.split(TAG.sub(" ", html)))
    return Counter(filter(None, (TRIM.sub("", w) for w in words)))


def answer_words(text: str, separator: re.Pattern, has_meta: bool) -> tuple[Counter, Counter, str]:
    """An answer's word counts, its meta line's (handbook/meta_line.py) and the rest's, and its
    opening."""
    meta_line = has_meta and META_LINE.match(text)
    meta, rest = meta_line.groups() if meta_line else ("", text)
    opening = OPENING.match(text)
    return counted(meta, separator), counted(rest, separator), opening.group(0) if opening else text


def add_postings(postings: dict, position: int, meta: Counter, text: Counter) -> None:
    """Record the answer at `position` in the index under each of its words: position, count in the
    meta line, count in the rest (flat, three numbers per answer)."""
    for word in {**meta, **text}:
        postings.setdefault(word, []).extend((position, meta[word], text[word]))


def served(location: str) -> str:
    """The served site's form of a location: the offline copy (`make offline`) names files,
    `rag/pipeline.html#x` and `rag/index.html`, where the served site has `rag/pipeline/#x`."""
    page, hash_, anchor = location.partition("#")
    if page == "index.html" or page.endswith("/index.html"):
        page = page[: -len("index.html")]
    elif page.endswith(".html"):
        page = page[: -len(".html")] + "/"
    return page + hash_ + anchor


def cited_by(root: Path, questions: list[dict]) -> Counter:
    """For each answer, how many other answers link to it (a link repeated within one answer counts
    once)."""
    answers = {q["id"] for q in questions}
    links = set()
    for src in sorted({q["source"].split("#")[0] for q in questions}):
        current = None
        for line in (root / "docs" / src).read_text(encoding="utf-8").splitlines():
            heading = HEADING.match(line)
            if heading and len(heading.group("level")) == 2:
                current = parse_attrs(heading.group("text"))[1]
            if current in answers:
                links |= {(current, t) for t in LINK_TO_ANCHOR.findall(line) if t in answers and t != current}
    return Counter(target for _, target in links)


def tune(index_file: Path, questions: list[dict], cited: Counter | None = None) -> None:
    if not index_file.is_file():
        return
    index = json.loads(index_file.read_text(encoding="utf-8"))
    urls = {q["url"] for q in questions}
    titles = {q["url"].split("#")[0]: q["page"] for q in questions}
    config = index.setdefault("config", {})
    separator = word_splitter(config)
    docs = []
    postings = {}
    for doc in index["docs"]:
        doc.pop("tags", None)
        doc["title"], doc["text"] = plain_math(doc["title"]), plain_math(doc["text"])
        heading, body = whole_words(doc["title"]), whole_words(doc["text"])
        extra = " ".join(filter(None, [heading, heading, heading, body]))
        if extra:
            doc["text"] = f"{doc['text']} {extra}"
        if served(doc["location"]) in urls:
            page, anchor = doc["location"].split("#")
            header = f"{page}?a={anchor}"
            title = titles[served(page)]
            docs.append({"location": header, "title": title, "text": ""})
            doc["location"] = f"{header}#{anchor}"
            if cited and cited[anchor]:
                doc["cited"] = cited[anchor]
        if "#" in doc["location"]:  # a question, or a Lab's title section
            meta, text, doc["text"] = answer_words(doc["text"], separator, "?a=" in doc["location"])
            doc["lengths"] = [meta.total(), text.total()]
            add_postings(postings, len(docs), meta, text)
        docs.append(doc)
    index["docs"] = docs
    config["postings"] = postings
    index_file.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
