"""Drill mode's data: every question, and its short answer as HTML, for the Drill page.

The build writes it into the site as scripts that set globals, which docs/javascripts/drill.js
loads with `<script src>` on the Drill page. Scripts and not JSON: a page opened from file://
(`make offline`) can load a script but cannot fetch() a file.

- `drill-data.js`: one entry per question (question, link, chapter, difficulty, topics, a coding
  exercise's task) and the file that holds its answer. The page needs all of it to filter.
- `drill-answers/<page>.js`: the short answers of one page's questions. The Drill page loads only
  the file of the question it shows, so a first visit does not carry 600 KB of answers the reader
  has not asked for (issue #14: 300 KB per page).

The answers are the flashcards' (handbook/flashcards.py): the **Short answer.** paragraph, or a
coding exercise's **Task.** (shown with the question) and **Complexity.** Links become their text
(they are relative to their page; the card links to the full answer), and formulas are written as
the site writes them (pymdownx.arithmatex, generic), for docs/javascripts/drill.js to typeset.

    python -m handbook.drill SITE_DIR   # writes SITE_DIR/drill-data.js and SITE_DIR/drill-answers/
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import markdown

from handbook.flashcards import LINK, sides
from handbook.pages import ROOT
from handbook.questions import collect

FILE = "drill-data.js"
ANSWERS = "drill-answers"
GLOBAL = "HANDBOOK_DRILL"
ANSWERS_GLOBAL = "HANDBOOK_DRILL_ANSWERS"
INDEX_START = f"window.{GLOBAL} = "
ANSWERS_START = f"window.{ANSWERS_GLOBAL} = Object.assign(window.{ANSWERS_GLOBAL} || {{}}, "
MATH = {"pymdownx.arithmatex": {"generic": True}}


def to_html(text: str) -> str:
    # An escaped dollar (an amount written \$0.36 in Markdown) becomes an entity, so that a "$"
    # left in the HTML can only be a formula that was not converted (tests/test_drill.py checks).
    text = LINK.sub(r"\1", text).replace("\\$", "&#36;")
    return markdown.markdown(text, extensions=list(MATH), extension_configs=MATH)


def answers_file(url: str) -> str:
    """The answers' script of a question's page: `rag/pipeline/#x` -> `drill-answers/rag/pipeline.js`."""
    return f"{ANSWERS}/{url.split('#')[0].strip('/')}.js"


def entries(root: Path = ROOT, found: list[dict] | None = None) -> list[dict]:
    """One entry per question, in reading order, with its answer."""
    found = collect(root) if found is None else found
    parts = sides(root, found)
    result = []
    for q in found:
        task, answer = parts[q["id"]]
        entry = {k: q[k] for k in ("id", "question", "url", "chapter", "difficulty", "tags")}
        result.append({**entry, "task": to_html(task) if task else "", "answer": to_html(answer)})
    return result


def as_js(value) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    # JSON allows these two line separators inside strings; older JavaScript engines do not.
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def scripts(data: list[dict]) -> dict[str, str]:
    """The files to write, by path in the site."""
    index, answers = [], {}
    for entry in data:
        source = answers_file(entry["url"])
        index.append({**{k: v for k, v in entry.items() if k != "answer"}, "answers": source})
        answers.setdefault(source, {})[entry["id"]] = entry["answer"]
    files = {FILE: f"{INDEX_START}{as_js(index)};\n"}
    for source, by_id in answers.items():
        files[source] = f"{ANSWERS_START}{as_js(by_id)});\n"
    return files


def payload(path: Path, prefix: str, suffix: str):
    text = path.read_text(encoding="utf-8")
    assert text.startswith(prefix) and text.endswith(suffix), f"{path} is not a drill data file"
    return json.loads(text[len(prefix) : -len(suffix)])


def read(site_dir: Path) -> list[dict]:
    """The entries back from a written site, each with its answer (for the tests)."""
    index = payload(site_dir / FILE, INDEX_START, ";\n")
    answers: dict[str, dict] = {}
    for entry in index:
        if entry["answers"] not in answers:
            answers[entry["answers"]] = payload(site_dir / entry["answers"], ANSWERS_START, ");\n")
    return [{**entry, "answer": answers[entry["answers"]][entry["id"]]} for entry in index]


def write(site_dir: Path, root: Path = ROOT, found: list[dict] | None = None) -> list[Path]:
    shutil.rmtree(site_dir / ANSWERS, ignore_errors=True)  # no answers left from pages since removed
    written = []
    for name, text in scripts(entries(root, found)).items():
        target = site_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


if __name__ == "__main__":
    print(*write(Path(sys.argv[1])), sep="\n")
