"""The handbook's questions as data, read from the page sources: no site generator needed.

    python -m handbook.questions SITE_DIR   # writes SITE_DIR/questions.json

The MkDocs hook writes the same file after a build; another generator (Zensical runs no MkDocs
hooks) gets it from this command.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

import markdown

from handbook.pages import ROOT, heading_problems, mkdocs_config, tags_of

TAG = re.compile(r"<[^>]+>")


def nav_pages(nav: list) -> list[tuple[str, str, str]]:
    """(source path, chapter title, page title) of every page in the navigation, in order."""
    found = []

    def walk(items: list, chapter: str | None) -> None:
        for item in items:
            title, value = next(iter(item.items())) if isinstance(item, dict) else (None, item)
            if isinstance(value, list):
                walk(value, chapter or title)
            elif isinstance(value, str):
                found.append((value, chapter or title or "", title or ""))

    walk(nav, None)
    return found


def page_url(src: str) -> str:
    """The address of a page relative to the site root, as MkDocs writes it (directory URLs)."""
    stem = src.removesuffix(".md").removesuffix(".ipynb")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


def nav_urls(nav: list) -> list[str]:
    """The address of every page in the navigation, in order ("" for the home page)."""
    return [page_url(src) for src, _, _ in nav_pages(nav)]


def plain(markdown_text: str) -> str:
    return html.unescape(TAG.sub("", markdown.markdown(markdown_text))).strip()


def first_heading(lines: list[str]) -> str:
    return next((plain(line[2:]) for line in lines if line.startswith("# ")), "")


def collect(root: Path = ROOT) -> list[dict]:
    """Every question in reading (navigation) order, with what the site and the tests need."""
    questions, seen = [], {}
    for src, chapter, title in nav_pages(mkdocs_config(root)["nav"]):
        page = root / "docs" / src
        if page.suffix != ".md" or not page.is_file():
            continue
        lines = page.read_text(encoding="utf-8").splitlines()
        _, found = heading_problems(src, lines, seen)
        for anchor, (heading, examples) in found.items():
            questions.append(
                {
                    "id": anchor,
                    "question": plain(heading.text),
                    "url": f"{page_url(src)}#{anchor}",
                    "source": f"{src}#{anchor}",
                    "page": title or first_heading(lines),
                    "chapter": chapter,
                    "difficulty": heading.attrs.get("data-difficulty"),
                    "tags": tags_of(heading.attrs),
                    "keywords": [
                        k.strip() for k in heading.attrs.get("data-keywords", "").split(",") if k.strip()
                    ],
                    "examples": examples,
                }
            )
    return questions


def write_json(site_dir: Path, questions: list[dict]) -> None:
    text = json.dumps(questions, indent=1, ensure_ascii=False) + "\n"
    (site_dir / "questions.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write_json(Path(sys.argv[1]), collect())
