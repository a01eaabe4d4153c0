"""Serve a built site on loopback the way a static host does: gzip for text, 404.html for misses.

A file is compressed once (at gzip's highest level, as a host that stores compressed copies does)
and then served from memory: compressing the 5 MB search index at that level takes about 2 s,
which a reader of a real host never waits for, and the browser tests load the same pages and
assets hundreds of times.

A published site is served at its site_url, which its sitemap names. Material's instant navigation
only takes over links to addresses in the sitemap; served anywhere else, every click is a full page
load (and the search box loads its index again after each one). So the sitemap is served with this
server's own address in place of site_url: pages navigate here as they do for a reader.
"""

from __future__ import annotations

import gzip
import io
import re
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map")
_compressed: dict[tuple, bytes] = {}  # (path, hash of the body) -> gzip of the body


def gzipped(path: Path, body: bytes) -> bytes:
    key = (path, hash(body))
    if key not in _compressed:
        _compressed[key] = gzip.compress(body, mtime=0)
    return _compressed[key]


class StaticHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # quiet: the tests report what matters
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and not self.path.split("?")[0].endswith("/"):
            return super().send_head()  # redirects /dir to /dir/
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            return self._not_found()
        body = path.read_bytes()
        if path == Path(self.directory, "sitemap.xml"):
            body = self._as_served_here(body)
        compressed = path.suffix in COMPRESSIBLE and "gzip" in self.headers.get("Accept-Encoding", "")
        if compressed:
            body = gzipped(path, body)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        if compressed:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=3600")
        self.end_headers()
        return io.BytesIO(body)

    def _as_served_here(self, sitemap: bytes) -> bytes:
        """The sitemap with its first address (the site's root, site_url) replaced by this server's."""
        first = re.search(rb"<loc>\s*(\S+?)\s*</loc>", sitemap)
        if first is None:
            return sitemap
        host = self.headers.get("Host") or f"127.0.0.1:{self.server.server_address[1]}"
        return sitemap.replace(first.group(1), f"http://{host}/".encode())

    def _not_found(self):
        page = Path(self.directory) / "404.html"
        body = page.read_bytes() if page.is_file() else b"Not found"
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def serve(site: Path, port: int = 0) -> ThreadingHTTPServer:
    """A server for `site` on 127.0.0.1 (port 0: any free port); call serve_forever() on it."""
    return ThreadingHTTPServer(("127.0.0.1", port), partial(StaticHandler, directory=str(site)))
