"""Tune Material for MkDocs' search index for questions (a file in, the same file out).

- Every question is its own result. Material groups a page's sections under the page (by the
  part of a location before "#") and folds all but the best under "N more on this page", so the
  second-best question of a page would be hidden. Each question gets a group of its own: its
  location gains a query string (`rag/pipeline/?a=rag-chunking#rag-chunking` opens the same page
  at the same answer), under a header entry that carries the page title and almost no weight.
  The key is `a`, not `q`: `q` is Material's own search parameter, and a card header linking to
  `?q=anchor` reopened search with the anchor as the query. docs/javascripts/links.js lands a
  header click (`?a=anchor`, no fragment) at the answer and removes the key from the address.
- A topic page's own entry (its title) would otherwise outrank its questions: it is demoted.
- Material gives every section the tags of its whole page, with a boost of a million: every
  question would rank by its neighbours' tags, and each result would list them all. Each
  question's own tags are in its text (the line under its heading) instead.
"""

from __future__ import annotations

import json
from pathlib import Path

TOPIC_PAGE_BOOST = 0.1
GROUP_HEADER_BOOST = 0.001


def tune(index_file: Path, questions: list[dict]) -> None:
    if not index_file.is_file():
        return
    index = json.loads(index_file.read_text(encoding="utf-8"))
    urls = {q["url"] for q in questions}
    titles = {q["url"].split("#")[0]: q["page"] for q in questions}
    docs = []
    for doc in index["docs"]:
        doc.pop("tags", None)
        if doc["location"] in titles:
            doc["boost"] = TOPIC_PAGE_BOOST
        elif doc["location"] in urls:
            page, anchor = doc["location"].split("#")
            header = f"{page}?a={anchor}"
            docs.append({"location": header, "title": titles[page], "text": "", "boost": GROUP_HEADER_BOOST})
            doc["location"] = f"{header}#{anchor}"
        docs.append(doc)
    index["docs"] = docs
    index_file.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
