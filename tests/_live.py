"""A real uvicorn server for the web tests: the app on 127.0.0.1, a free port, its own SQLite file."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from crosswire.settings import Settings
from crosswire.web import create_app


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # runs in a thread: leave the test runner's signals alone
        pass


@contextmanager
def live_server(db_path: Path, settings: Settings | None = None) -> Iterator[str]:
    """Serve the app over `db_path` in a background thread; yields its base URL, stops on exit."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # the OS picks a free port; binding first leaves no race
    port = sock.getsockname()[1]
    app = create_app(db_path, settings or Settings())
    server = _Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the web server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def seed_records(seeds: Path) -> list[dict]:
    """The seed articles as JSON records, the way a client would post them."""
    return [{"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in sorted(seeds.glob("*.txt"))]
