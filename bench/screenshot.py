"""Screenshot of the seeds' Sochi story page with a citation opened, for the docs.

Starts the server on 127.0.0.1 over a fresh store, posts the five seeds, opens the story that holds the
hand-labelled Sochi articles, clicks the first citation marker and saves a PNG (default
docs/sochi-story.png). Needs Debian's chromium at /usr/bin/chromium.

    python bench/screenshot.py [--out docs/sochi-story.png]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import httpx
from load import _free_port, _start_server

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "sochi-story.png")
    ap.add_argument("--width", type=int, default=1100)
    ap.add_argument("--height", type=int, default=1250, help="height of the captured page area (px)")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    records = [{"id": p.stem, "text": p.read_text(encoding="utf-8")} for p in sorted((SHARED / "seeds").glob("*.txt"))]
    gold = next(s for s in json.loads((SHARED / "gold" / "seeds.json").read_text())["stories"] if s["place"] == "Sochi")
    with tempfile.TemporaryDirectory(prefix="crosswire-shot-") as tmp:
        port = _free_port()
        server = _start_server(Path(tmp) / "seeds.db", port, Path(tmp) / "server.log")
        base = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=base, timeout=600) as client:
                client.post("/api/articles", json=records).raise_for_status()
                stories = client.get("/api/stories").json()["stories"]
                story = max(stories, key=lambda s: sum(a.split("_")[0] in gold["docs"] for a in s["articles"]))
                client.get(f"/api/stories/{story['id']}").raise_for_status()  # analyse before the browser waits
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                page = browser.new_page(viewport={"width": args.width, "height": args.height})
                page.goto(f"{base}/stories/{story['id']}")
                page.locator(".summary .cite").first.click()
                args.out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(args.out), clip={"x": 0, "y": 0, "width": args.width, "height": args.height})
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"{args.out}: {args.out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
