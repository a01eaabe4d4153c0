"""`make bench`, part two: search recall over the readers' queries, how long the first search takes,
and Lighthouse on three pages.

The site is served from loopback with gzip (tests/browser/serve.py), as a static host would.
Lighthouse 12 (npm, package.json) drives Debian's chromium with its default mobile profile
(simulated slow 4G, 4x CPU slowdown) and with its desktop preset.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from handbook.pages import ROOT
from tests.browser.conftest import CHROMIUM_ARGS
from tests.browser.search import QUERIES, SEARCH_INPUT, UNSEEN, load_queries, recall_at, worker_rankings
from tests.browser.serve import serve

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def search_recall(base_url: str, chromium: str) -> None:
    from playwright.sync_api import sync_playwright

    sets = {"reader queries": load_queries(QUERIES), "unseen queries (never tuned on)": load_queries(UNSEEN)}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(base_url)
        ranked = worker_rankings(page, [query for queries in sets.values() for query, _ in queries])
        browser.close()
    for name, queries in sets.items():
        expected = dict(queries)
        r1, r5 = recall_at(ranked, expected, 1), recall_at(ranked, expected, 5)
        print(
            f"search over {len(queries)} {name}: "
            f"recall@1 {r1:.3f} (target >= 0.95), recall@5 {r5:.3f} (target >= 0.99)"
        )
        for query, answers in queries:
            if not set(answers) & set(ranked[query][:1]):
                print(f"  {query!r}: wanted {answers[0]}, first results {ranked[query][:3]}")


def first_search(base_url: str, chromium: str, path: str = "llms/prompting/") -> None:
    """Seconds from typing into the search box of a freshly opened page to the first results: the
    index is fetched and built only then (search-on-demand.js), so the reader waits for all of it.
    At full speed: DevTools' 4x CPU slowdown, Lighthouse's stand-in for a phone, slowed the search
    worker only about 1.5x here, so it would not show a phone's wait. Target: 1 s, the limit for
    the reader's flow of thought not to be interrupted (Nielsen, Usability Engineering, 1993)."""
    from playwright.sync_api import sync_playwright

    # A static host has the index compressed before anyone asks; so has this server after one request.
    warm = urllib.request.Request(base_url + "search/search_index.json", headers={"Accept-Encoding": "gzip"})
    urllib.request.urlopen(warm).read()
    seconds = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        for _ in range(3):
            context = browser.new_context()
            page = context.new_page()
            page.goto(base_url + path)
            page.wait_for_load_state("networkidle")
            start = time.perf_counter()
            page.fill(SEARCH_INPUT, "lora")
            page.press(SEARCH_INPUT, "End")
            page.wait_for_selector(".md-search-result__list li", timeout=180_000)
            seconds.append(time.perf_counter() - start)
            context.close()
        browser.close()
    print(f"first search on a fresh page: {', '.join(f'{s:.1f}' for s in seconds)} s (target <= 1 s)")


def lighthouse(url: str, chromium: str, preset: str | None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.json"
        args = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}"]
        args += [
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags=--headless=new {' '.join(CHROMIUM_ARGS)}",
        ]
        if preset:
            args.append(f"--preset={preset}")
        subprocess.run(args, check=True, env={**os.environ, "CHROME_PATH": chromium}, capture_output=True)
        return json.loads(out.read_text())


def longest_topic_page(site: Path) -> str:
    pages = [p for p in site.glob("*/*/index.html") if p.parent.parent.name != "labs"]
    return max(pages, key=lambda p: p.stat().st_size).parent.relative_to(site).as_posix() + "/"


def page_quality(site: Path, base_url: str, chromium: str) -> None:
    if not LIGHTHOUSE.exists():
        print("lighthouse: not installed (make bench runs npm ci)")
        return
    pages = {"home": "", "all questions": "questions/", "longest topic page": longest_topic_page(site)}
    print("lighthouse (targets: performance >= 0.95; accessibility, best practices, SEO = 1.0):")
    for label, path in pages.items():
        for preset in (None, "desktop"):
            report = lighthouse(base_url + path, chromium, preset)
            scores = " ".join(f"{c} {report['categories'][c]['score']:.2f}" for c in CATEGORIES)
            audits = report["audits"]
            weight = audits["total-byte-weight"]["numericValue"] / 1024
            lcp = audits["largest-contentful-paint"]["numericValue"] / 1000
            print(f"  {label} /{path} [{preset or 'mobile'}]: {scores}; {weight:.0f} KiB; LCP {lcp:.1f} s")


def main(site: Path) -> None:
    chromium = shutil.which("chromium")
    if not chromium:
        print("browser measurements skipped: chromium is not installed")
        return
    server = serve(site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        search_recall(base_url, chromium)
        first_search(base_url, chromium)
        page_quality(site, base_url, chromium)
    finally:
        server.shutdown()
