"""A small HTTP server on a free loopback port serving an index feed and CAP documents, for tests."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class CapServer:
    """Serves ``documents`` (path -> bytes) at ``http://127.0.0.1:PORT/path``; counts requests per path.

    Paths not in ``documents`` answer 404. ``stop()`` closes the port: the server is gone.
    """

    def __init__(self, documents: dict[str, bytes] | None = None):
        self.documents: dict[str, bytes] = dict(documents or {})
        self.requests: dict[str, int] = {}
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                with server._lock:
                    server.requests[self.path] = server.requests.get(self.path, 0) + 1
                    body = server.documents.get(self.path)
                if body is None:
                    self.send_error(404, "not here")
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="cap-server", daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def put(self, path: str, body: bytes) -> None:
        with self._lock:
            self.documents[path] = body

    def count(self, path: str) -> int:
        with self._lock:
            return self.requests.get(path, 0)

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(5)


def atom_feed(entries: list[tuple[str, str]], updated: str = "2026-07-21T03:15:00+08:00") -> bytes:
    """An Atom index feed: one entry per (id, link)."""
    items = "".join(f"<entry><id>{entry_id}</id><title>{entry_id}</title><updated>{updated}</updated>"
                    f'<link rel="alternate" href="{link}"/></entry>' for entry_id, link in entries)
    return (f'<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<id>urn:test:feed</id><title>warnings</title><updated>{updated}</updated>{items}</feed>").encode()


def rss_feed(entries: list[tuple[str, str]]) -> bytes:
    items = "".join(f"<item><guid>{entry_id}</guid><title>{entry_id}</title><link>{link}</link>"
                    f"<pubDate>Tue, 21 Jul 2026 03:15:00 +0800</pubDate></item>" for entry_id, link in entries)
    return f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()
