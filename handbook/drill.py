"""Drill mode's data: every question with its short answer as HTML, for the Drill page.

The build writes it into the site as a script, `drill-data.js`, that sets a global;
docs/javascripts/drill.js adds a `<script src>` for it on the Drill page. A script and not JSON:
a page opened from file:// (`make offline`) can load a script but cannot fetch() a file.

The answers are the flashcards' (handbook/flashcards.py): the **Short answer.** paragraph, or a
coding exercise's **Task.** (shown with the question) and **Complexity.** Links become their text
(they are relative to their page; the card links to the full answer), and formulas are written as
the site writes them (pymdownx.arithmatex, generic), for docs/javascripts/drill.js to typeset.

    python -m handbook.drill SITE_DIR   # writes SITE_DIR/drill-data.js
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import markdown

from handbook.flashcards import LINK, sides
from handbook.pages import ROOT
from handbook.questions import collect

FILE = "drill-data.js"
GLOBAL = "HANDBOOK_DRILL"
MATH = {"pymdownx.arithmatex": {"generic": True}}


def to_html(text: str) -> str:
    return markdown.markdown(LINK.sub(r"\1", text), extensions=list(MATH), extension_configs=MATH)


def entries(root: Path = ROOT, found: list[dict] | None = None) -> list[dict]:
    """One entry per question, in reading order."""
    found = collect(root) if found is None else found
    parts = sides(root, found)
    result = []
    for q in found:
        task, answer = parts[q["id"]]
        entry = {k: q[k] for k in ("id", "question", "url", "page", "chapter", "difficulty", "tags")}
        result.append({**entry, "task": to_html(task) if task else "", "answer": to_html(answer)})
    return result


def script(data: list[dict]) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # JSON allows these two line separators inside strings; older JavaScript engines do not.
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.{GLOBAL} = {text};\n"


def read(path: Path) -> list[dict]:
    """The entries back from a written file (for the tests)."""
    text = path.read_text(encoding="utf-8")
    prefix = f"window.{GLOBAL} = "
    assert text.startswith(prefix) and text.endswith(";\n"), f"{path} is not a drill data file"
    return json.loads(text[len(prefix) : -2])


def write(site_dir: Path, root: Path = ROOT, found: list[dict] | None = None) -> Path:
    target = site_dir / FILE
    target.write_text(script(entries(root, found)), encoding="utf-8")
    return target


if __name__ == "__main__":
    print(write(Path(sys.argv[1])))
