"""The built site: questions.json, deep links, and no request to any other host."""

import json
import re
import sqlite3
import tempfile
import zipfile
from html.parser import HTMLParser
from pathlib import Path

from handbook.pages import DIFFICULTIES, ROOT, docs_pages, heading_problems

REQUIRED = {"id", "question", "url", "chapter", "difficulty", "tags", "examples"}


def load_questions(site: Path) -> list[dict]:
    return json.loads((site / "questions.json").read_text(encoding="utf-8"))


def test_questions_json_lists_every_question(site):
    questions = load_questions(site)
    ids = [q["id"] for q in questions]
    assert len(ids) == len(set(ids)), "duplicate ids in questions.json"
    on_pages, seen = set(), {}
    for page in docs_pages():
        src = page.relative_to(ROOT / "docs").as_posix()
        on_pages |= set(heading_problems(src, page.read_text(encoding="utf-8").splitlines(), seen)[1])
    assert set(ids) == on_pages
    for q in questions:
        assert q.keys() >= REQUIRED, q
        assert q["difficulty"] in DIFFICULTIES, q
        assert q["tags"] and all(t == t.strip().lower() for t in q["tags"]), q
        assert q["question"] and "¶" not in q["question"], q
        assert q["examples"], f"{q['id']} has no executed example"
        for target in q["examples"]:
            assert (ROOT / target.split(":")[0]).exists(), f"{q['id']}: {target} does not exist"


def test_every_question_url_opens_its_answer(site):
    for q in load_questions(site):
        page, anchor = q["url"].split("#")
        html = (site / page / "index.html").read_text(encoding="utf-8")
        assert re.search(rf'<h2[^>]*\bid="{re.escape(anchor)}"', html), q["url"]
        assert f'href="#{anchor}"' in html, f"{q['url']} has no permalink"


class _Requests(HTMLParser):
    """URLs a browser would fetch on its own while loading the page (not links a reader clicks)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in {"script", "img", "iframe", "audio", "video", "source", "embed"} and a.get("src"):
            self.urls.append(a["src"])
        if (
            tag == "link"
            and a.get("href")
            and not {"canonical", "alternate"} & set((a.get("rel") or "").split())
        ):
            self.urls.append(a["href"])
        if tag == "object" and a.get("data"):
            self.urls.append(a["data"])


def test_pages_request_nothing_from_other_hosts(site):
    offenders = []
    for page in site.rglob("*.html"):
        reader = _Requests()
        reader.feed(page.read_text(encoding="utf-8"))
        offenders += [f"{page.relative_to(site)}: {u}" for u in reader.urls if re.match(r"^(https?:)?//", u)]
    for sheet in site.rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?((?:https?:)?//[^)'\"]+)", sheet.read_text(encoding="utf-8")):
            offenders.append(f"{sheet.relative_to(site)}: {url}")
    assert not offenders, "third-party requests:\n" + "\n".join(offenders)


def test_no_google_fonts_or_cdn_in_the_theme(site):
    text = "\n".join(p.read_text(encoding="utf-8", errors="ignore") for p in site.rglob("*.html"))
    for host in ("fonts.googleapis.com", "fonts.gstatic.com", "cdn.jsdelivr.net", "unpkg.com", "cdnjs"):
        assert host not in text, host


def test_all_questions_page_links_every_question(site):
    html = (site / "questions" / "index.html").read_text(encoding="utf-8")
    for q in load_questions(site):
        assert f'href="../{q["url"]}"' in html, q["url"]
    assert html.count('<tr data-difficulty="') == len(load_questions(site))


def test_404_page_offers_search_and_chapters(site):
    html = (site / "404.html").read_text(encoding="utf-8")
    assert "This page does not exist" in html and "questions/" in html
    assert "neural-networks/" in html


class _Links(HTMLParser):
    """Every href of an <a>, and every id, in one page."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("href") is not None:
            self.hrefs.append(a["href"])


def test_every_link_on_the_site_resolves(site):
    """Links in what the build wrote itself (Labs, the All-questions table, notebook links, the
    Topics page), which `mkdocs build --strict` does not check: the file and the anchor exist."""
    pages: dict[Path, _Links] = {}

    def read(path: Path) -> _Links:
        if path not in pages:
            pages[path] = _Links()
            pages[path].feed(path.read_text(encoding="utf-8"))
        return pages[path]

    broken = []
    for page in sorted(site.rglob("*.html")):
        for href in read(page).hrefs:
            if re.match(r"^([a-z][a-z0-9+.-]*:|//)", href) or href.startswith("?"):
                continue  # another site, mailto:, javascript:, or a search query on this page
            target, _, anchor = href.partition("#")
            target = target.split("?")[0]
            base = site if target.startswith("/") else page.parent  # 404.html links from the root
            path = (base / target.lstrip("/")).resolve() if target else page
            if path.is_dir():
                path = path / "index.html"
            if not path.exists():
                broken.append(f"{page.relative_to(site)}: {href} (no such file)")
            elif anchor and path.suffix == ".html" and anchor not in read(path).ids:
                broken.append(f"{page.relative_to(site)}: {href} (no #{anchor} there)")
    assert not broken, f"{len(broken)} broken links:\n" + "\n".join(broken[:50])


def test_topics_page_has_a_row_per_tag_linking_to_its_questions_and_at_least_three(site):
    html = (site / "tags" / "index.html").read_text(encoding="utf-8")
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "duplicate ids on the Topics page"
    row = r'<tr id="tag:([^"]+)"><td><a href="\.\./questions/\?tag=([^"]+)">[^<]+</a></td>'
    rows = re.findall(row + r"<td>[^<]+</td><td>(\d+)</td>", html)
    counts: dict[str, int] = {}
    for q in load_questions(site):
        for tag in q["tags"]:
            counts[tag] = counts.get(tag, 0) + 1
    assert {tag: int(n) for tag, linked, n in rows if linked == tag} == counts
    thin = sorted(tag for tag, n in counts.items() if n < 3)
    assert not thin, f"tags on fewer than 3 questions (retag, or merge them in tags.yml): {thin}"


def test_flashcards_hold_every_question_with_its_short_answer(site):
    questions = load_questions(site)
    with zipfile.ZipFile(site / "flashcards.apkg") as package, tempfile.TemporaryDirectory() as tmp:
        package.extract("collection.anki2", tmp)
        with sqlite3.connect(Path(tmp) / "collection.anki2") as db:
            notes = [row[0].split("\x1f") for row in db.execute("SELECT flds FROM notes")]
    assert len(notes) == len(questions)
    by_link = {fields[3]: fields for fields in notes}
    for q in questions:
        fields = next(f for link, f in by_link.items() if link.endswith("/" + q["url"]))
        assert fields[0].startswith(q["question"]) and fields[2].startswith("<p>"), q["id"]
    home = (site / "questions" / "index.html").read_text(encoding="utf-8")
    assert 'href="../flashcards.apkg"' in home
