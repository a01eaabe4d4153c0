"""Read handbook pages: question headings, code fences, and snippet expansion with a line map.

One parser for the MkDocs hook and for the tests, so the site and the checks agree on what a
question, an anchor and an executed example are.
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import markdown
import yaml

ROOT = Path(__file__).resolve().parent.parent
DIFFICULTIES = ("easy", "medium", "hard")
TAGS_FILE = Path(__file__).resolve().parent / "tags.yml"


def tag_vocabulary() -> dict[str, str]:
    """The controlled vocabulary: tag -> what it covers (handbook/tags.yml)."""
    return load_yaml(TAGS_FILE)


class MkDocsLoader(yaml.SafeLoader):
    """Reads mkdocs.yml; the `!!python/...` tags Material uses are kept as plain strings."""


MkDocsLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: suffix)
MkDocsLoader.add_constructor("!ENV", lambda loader, node: None)


def load_yaml(path: Path, loader: type = yaml.SafeLoader):
    """A YAML file as data, parsed once per version of the file.

    A build asks for tags.yml and mkdocs.yml hundreds of times (once per heading or page), and
    parsing them each time was a third of the build. The cache key includes the file's mtime and
    size, so `mkdocs serve` still sees edits; callers get a copy they may change.
    """
    stat = path.stat()
    return copy.deepcopy(_parsed_yaml(path, stat.st_mtime_ns, stat.st_size, loader))


@functools.lru_cache(maxsize=16)
def _parsed_yaml(path: Path, mtime_ns: int, size: int, loader: type):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)


def tags_of(heading_attrs: dict[str, str]) -> list[str]:
    return [t.strip() for t in heading_attrs.get("data-tags", "").split(",") if t.strip()]


ANCHOR = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")
HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<text>.*?)\s*$")
ATTRS = re.compile(r"\s*\{:?(?P<attrs>[^{}]*)\}\s*$")
ATTR = re.compile(r'#(?P<id>[^\s}]+)|(?P<key>[\w-]+)="(?P<value>[^"]*)"')
FENCE_OPEN = re.compile(r"^(?P<indent>\s*)(?P<ticks>`{3,}|~{3,})(?P<info>.*)$")
MARK = re.compile(r"^\s*<!--\s*(?P<mark>pytest[.-].*?)\s*-->\s*$")
INCLUDE = re.compile(r"""^\s*-{1,}8<-{1,}\s+["'](?P<target>[^"']+)["']\s*$""")


class PageError(Exception):
    """A problem in a page, reported as `path:line: message`."""

    def __init__(self, path: Path | str, line: int, message: str):
        super().__init__(f"{_rel(path)}:{line}: {message}")


def _rel(path: Path | str) -> str:
    path = Path(path)
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


@dataclass
class Heading:
    line: int  # 1-based line in the page source
    level: int
    text: str
    anchor: str | None
    attrs: dict[str, str]


@dataclass
class Fence:
    line: int  # 1-based line of the opening fence in the page source
    end: int  # 1-based line of the closing fence
    indent: str
    info: str
    body: list[str]
    marks: list[str] = field(default_factory=list)  # `<!-- pytest.mark... -->` comments before it

    @property
    def language(self) -> str:
        return self.info.strip().split(" ")[0].lstrip("{.").rstrip("}") if self.info.strip() else ""


def parse_attrs(text: str) -> tuple[str, str | None, dict[str, str]]:
    """Split `Title { #id key="v" }` into the title, the anchor and the other attributes."""
    m = ATTRS.search(text)
    if not m:
        return text, None, {}
    anchor, attrs = None, {}
    for a in ATTR.finditer(m.group("attrs")):
        if a.group("id"):
            anchor = a.group("id")
        else:
            attrs[a.group("key")] = a.group("value")
    return text[: m.start()].rstrip(), anchor, attrs


def scan(lines: list[str]) -> tuple[list[Heading], list[Fence]]:
    """Headings outside code fences, and every fence with the marks written just above it."""
    headings: list[Heading] = []
    fences: list[Fence] = []
    marks: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        m = FENCE_OPEN.match(line)
        if m:
            ticks, indent = m.group("ticks"), m.group("indent")
            close = re.compile(rf"^\s*{re.escape(ticks[0])}{{{len(ticks)},}}\s*$")
            j = i + 1
            while j < len(lines) and not close.match(lines[j]):
                j += 1
            fences.append(Fence(i + 1, j + 1, indent, m.group("info"), lines[i + 1 : j], marks))
            marks = []
            i = j + 1
            continue
        mark = MARK.match(line)
        if mark:
            marks = [*marks, mark.group("mark")]
        elif line.strip():
            marks = []
            h = HEADING.match(line)
            if h:
                text, anchor, attrs = parse_attrs(h.group("text"))
                headings.append(Heading(i + 1, len(h.group("level")), text, anchor, attrs))
        i += 1
    return headings, fences


def docs_pages(docs: Path | None = None) -> list[Path]:
    docs = docs or ROOT / "docs"
    return sorted(p for p in docs.rglob("*.md") if not p.name.startswith("_"))


def mkdocs_config(root: Path | None = None) -> dict:
    """mkdocs.yml as data; the `!!python/...` tags Material uses are kept as plain strings."""
    return load_yaml((root or ROOT) / "mkdocs.yml", MkDocsLoader)


def snippet_config(root: Path | None = None) -> dict:
    """The pymdownx.snippets options from mkdocs.yml, so tests expand pages exactly as the site does."""
    root = root or ROOT
    for ext in mkdocs_config(root)["markdown_extensions"]:
        if isinstance(ext, dict) and "pymdownx.snippets" in ext:
            config = dict(ext["pymdownx.snippets"] or {})
            config["base_path"] = [str(root / p) for p in config.get("base_path", ["."])]
            return config
    raise RuntimeError("mkdocs.yml does not configure pymdownx.snippets")


def expand(path: Path, root: Path | None = None) -> tuple[list[str], list[int]]:
    """The page as the reader sees it (includes expanded), and the source line of each line.

    Lines are expanded one at a time, so an error names the page line that holds the include.
    """
    md = markdown.Markdown(
        extensions=["pymdownx.snippets"], extension_configs={"pymdownx.snippets": snippet_config(root)}
    )
    snippets = md.preprocessors["snippet"]
    out: list[str] = []
    origin: list[int] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if INCLUDE.match(line):
            try:
                expanded = snippets.run([line])
            except Exception as error:  # pymdownx raises SnippetMissingError and friends
                raise PageError(path, number, f"{error} ({line.strip()})") from error
        else:
            expanded = [line]
        out.extend(expanded)
        origin.extend([number] * len(expanded))
    return out, origin


def includes(fence: Fence) -> list[str]:
    """What a fence includes, as written: `snippets/x/y.py` or `snippets/x/y.py:section`."""
    return [m.group("target") for line in fence.body if (m := INCLUDE.match(line))]


def is_skipped(fence: Fence) -> bool:
    return any(m.startswith(("pytest.mark.skip", "pytest-codeblocks:skip")) for m in fence.marks)


def questions(lines: list[str]) -> list[tuple[Heading, list[Fence]]]:
    """Each `h2` with the fences in its section (up to the next `h2` or `h1`)."""
    headings, fences = scan(lines)
    h2s = [h for h in headings if h.level == 2]
    stops = [h.line for h in headings if h.level <= 2] + [len(lines) + 1]
    out = []
    for h in h2s:
        end = min(s for s in stops if s > h.line)
        out.append((h, [f for f in fences if h.line < f.line < end]))
    return out


def is_topic_page(src_uri: str) -> bool:
    """Topic pages hold only questions at h2; the home page and chapter index pages may hold others."""
    return "/" in src_uri and not src_uri.endswith("index.md")


def executed_examples(src_uri: str, fences: list[Fence]) -> list[str]:
    """Each fence that runs (exactly ```python, no skip marker): the snippet it includes, or its line."""
    runs = [f for f in fences if f.info.strip() == "python" and not is_skipped(f)]
    return [t for f in runs for t in (includes(f) or [f"docs/{src_uri}:{f.line}"])]


def heading_problems(src_uri: str, lines: list[str], seen: dict[str, str]) -> tuple[list[str], dict]:
    """Check a page's h2s; return the problems and {anchor: (heading, executed examples)} of its questions.

    `seen` maps anchors to where they were first defined, across pages, and is updated.
    """
    problems, found = [], {}
    vocabulary = tag_vocabulary()
    for heading, fences in questions(lines):
        where = f"docs/{src_uri}:{heading.line}"
        if not heading.anchor:
            problems.append(f"{where}: h2 '{heading.text}' has no explicit anchor {{ #some-id }}")
            continue
        if not ANCHOR.fullmatch(heading.anchor):
            problems.append(
                f"{where}: anchor #{heading.anchor} must be lowercase words joined by hyphens, starting "
                "with a letter (an id that starts with a digit is not a valid CSS selector)"
            )
        if heading.anchor in seen:
            problems.append(f"{where}: anchor #{heading.anchor} is already used at {seen[heading.anchor]}")
        seen.setdefault(heading.anchor, where)
        if "data-difficulty" not in heading.attrs and not is_topic_page(src_uri):
            continue  # a plain section of the home page or a chapter index
        if heading.attrs.get("data-difficulty") not in DIFFICULTIES:
            problems.append(f"{where}: data-difficulty must be one of {', '.join(DIFFICULTIES)}")
        if not heading.attrs.get("data-tags", "").strip():
            problems.append(f'{where}: question has no data-tags="..."')
        unknown = [t for t in tags_of(heading.attrs) if t not in vocabulary]
        if unknown:
            problems.append(
                f"{where}: tag(s) {', '.join(unknown)} not in handbook/tags.yml (use a tag from it, "
                "or add one there that several questions share)"
            )
        examples = executed_examples(src_uri, fences)
        if not examples:
            problems.append(f"{where}: #{heading.anchor} has no executed example (a ```python fence)")
        found[heading.anchor] = (heading, examples)
    return problems, found
