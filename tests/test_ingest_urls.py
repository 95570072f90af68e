"""URL fetching: private addresses refused (no SSRF), timeouts and size limits, real loopback server."""

from __future__ import annotations

import http.server
import threading
import time

import pytest

from crosswire.ingest import read_inputs
from crosswire.ingest.urls import blocked_kind
from crosswire.records import Article, Failure
from crosswire.settings import Settings

PAGE = (
    b"<html><head><title>Dam inspection finds no new cracks</title></head><body><article>"
    b"<h1>Dam inspection finds no new cracks</h1>"
    b"<p>Inspectors found no new cracks in the northern dam during a two-day survey that ended on Friday, the water authority said.</p>"
    b"<p>The dam was closed to visitors in March after divers reported damage to its spillway.</p>"
    b"</article></body></html>"
)


class Handler(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's naming
        self.hits.append(self.path)
        if self.path == "/slow":
            time.sleep(2)
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/page")
            self.end_headers()
            return
        if self.path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
            return
        body = PAGE if self.path != "/big" else b"<html><body><p>" + b"x" * 200_000 + b"</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if self.path != "/big":
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


@pytest.fixture()
def server():
    Handler.hits = []
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def run(tmp_path, urls, **overrides):
    path = tmp_path / "list.urls"
    path.write_text("# reading list\n\n" + "\n".join(urls) + "\n")
    return list(read_inputs([path], Settings().with_overrides(**overrides)))


def test_loopback_is_refused_by_default_and_nothing_is_fetched(tmp_path, server):
    items = run(tmp_path, [f"{server}/page", server.replace("127.0.0.1", "localhost") + "/page"])
    assert all(isinstance(x, Failure) and x.reason.startswith("refused") and "loopback" in x.reason for x in items)
    assert len(items) == 2 and Handler.hits == []


def test_allowed_private_fetch_reads_the_article(tmp_path, server):
    (a,) = run(tmp_path, [f"{server}/redirect"], allow_private_urls=True)
    assert isinstance(a, Article)
    assert a.id == f"{server}/redirect" and a.url == f"{server}/page"
    assert a.title == "Dam inspection finds no new cracks"
    assert "two-day survey" in a.text
    assert Handler.hits == ["/redirect", "/page"]


def test_timeouts_size_limits_and_redirect_loops(tmp_path, server):
    items = run(
        tmp_path,
        [f"{server}/slow", f"{server}/big", f"{server}/loop"],
        allow_private_urls=True,
        fetch_timeout=0.5,
        fetch_max_bytes=50_000,
    )
    reasons = [x.reason for x in items]
    assert "timed out" in reasons[0]
    assert "too large" in reasons[1]
    assert "too many redirects" in reasons[2]


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.com/x", "gopher://127.0.0.1/", "http://169.254.169.254/latest/meta-data/",
     "http://[::1]/", "http://0.0.0.0/", "http://10.0.0.1/", "http://192.168.1.1/"],
)
def test_other_schemes_and_private_addresses_are_refused_without_connecting(tmp_path, url):
    (f,) = run(tmp_path, [url])
    assert isinstance(f, Failure) and f.reason.startswith("refused")


def test_blocked_kinds():
    assert blocked_kind("127.0.0.1") == "loopback"
    assert blocked_kind("::ffff:127.0.0.1") == "loopback"
    assert blocked_kind("169.254.169.254") == "link-local"
    assert blocked_kind("172.16.5.4") == "private"
    assert blocked_kind("93.184.216.34") is None


def test_a_txt_file_of_urls_is_not_fetched(tmp_path, server):
    path = tmp_path / "links.txt"
    path.write_text(f"{server}/page\nhttps://example.com/a\n")
    (f,) = read_inputs([path], Settings().with_overrides(allow_private_urls=True))
    assert isinstance(f, Failure) and ".urls" in f.reason
    assert Handler.hits == []
