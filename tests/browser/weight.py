"""What a first visit to a page transfers: every response's encoded body and headers until the
network is idle, and which requests should have waited for the reader (search, drill mode)."""

BUDGET = 300_000  # bytes transferred on a first visit (issue #14)
SEARCH_WORKERS = ("/javascripts/search-worker.js", "/assets/javascripts/workers/search.")


def early_loads(path: str, urls: list[str]) -> list[str]:
    """What a first visit to `path` fetched that should wait until the reader asks for it."""
    problems = []
    if [u for u in urls if "search_index" in u]:
        problems.append("the search index loaded before search was opened")
    if [u for u in urls if any(w in u for w in SEARCH_WORKERS)]:
        problems.append("a search worker started early")
    if path not in ("questions/", "drill/") and [u for u in urls if u.endswith("/drill.js")]:
        problems.append("drill mode's script loaded off its pages")
    return problems


def transferred(page, url: str) -> tuple[int, list[str]]:
    sizes, urls = [], []

    def finished(request):
        urls.append(request.url)
        s = request.sizes()
        sizes.append(s["responseBodySize"] + s["responseHeadersSize"])

    page.on("requestfinished", finished)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.remove_listener("requestfinished", finished)
    return sum(sizes), urls
