"""Bounded load test of the web app: N clients post articles and read stories for a fixed time.

Loopback only: the server is started here on 127.0.0.1 over a fresh SQLite file and stopped at the end.
Each client loops: post the next unposted article (with probability --write-share, while any are left),
else read the story list, the front page, or one story as JSON or as its page. A story's analysis is
computed on first read and again whenever an article joins it: the expensive path. The JSON API
waits for it; a page already analysed shows that analysis while the new one is computed. When time is up no new request
starts; requests in flight get --timeout seconds. Afterwards the store is opened directly and every
article whose POST succeeded must be in it, in exactly one story ("lost" must be 0).

    python bench/load.py --seconds 60 --clients 8
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import httpx

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DEFAULT_DATA = SHARED / "data" / "giveme5w1h" / "news_cluster.jsonl"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=60.0, help="how long clients send requests")
    ap.add_argument("--clients", type=int, default=8, help="concurrent clients (threads)")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="JSONL articles to post")
    ap.add_argument("--limit", type=int, default=0, help="post at most this many articles (0: all)")
    ap.add_argument("--write-share", type=float, default=0.5, help="share of requests that post, while articles remain")
    ap.add_argument("--story-share", type=float, default=0.4,
                    help="share of reads that fetch one story, half as JSON, half as the page (analysed on demand)")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds one request may take")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true", help="print the result as one JSON object")
    args = ap.parse_args(argv)

    records = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.limit:
        records = records[: args.limit]
    with tempfile.TemporaryDirectory(prefix="crosswire-load-") as tmp:
        db = Path(tmp) / "load.db"
        port = _free_port()
        log = Path(tmp) / "server.log"
        server = _start_server(db, port, log)
        try:
            result = _run(f"http://127.0.0.1:{port}", records, args)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
        result["check"] = _check_store(db, result.pop("posted_ok"), result.pop("refused"))
    if result["errors"]:
        print("server log (last lines):\n  " + "\n  ".join(tail), file=sys.stderr)
    _report(result, args)
    c = result["check"]
    return 0 if c["lost"] == 0 and c["in_no_story"] == 0 and c["in_several_stories"] == 0 else 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_server(db: Path, port: int, log: Path) -> subprocess.Popen:
    code = "import sys; from crosswire.cli import main; sys.exit(main(sys.argv[1:]))"
    cmd = [sys.executable, "-c", code, "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:  # the child keeps its own handle
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with code {proc.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/stories", timeout=5).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start within 60 s")


def _run(base: str, records: list[dict], args: argparse.Namespace) -> dict:
    lock = threading.Lock()
    queue = list(enumerate(records))
    queue.reverse()  # pop() from the end posts the records in file order
    latencies: dict[str, list[float]] = defaultdict(list)
    statuses: dict[str, Counter] = defaultdict(Counter)
    story_ids: list[str] = []
    posted_ok: list[str] = []
    refused: list[str] = []  # records the server refused (not duplicates): no text, too short
    unanswered = Counter()  # POSTs with no answer (timeout, 5xx): stored or not, the check shows
    stop_at = time.monotonic() + args.seconds

    def client(n: int) -> None:
        rng = random.Random(args.seed * 1000 + n)
        with httpx.Client(base_url=base, timeout=args.timeout) as http:
            while time.monotonic() < stop_at:
                with lock:
                    item = queue.pop() if queue and rng.random() < args.write_share else None
                    known = list(story_ids)
                body = None
                if item is not None:
                    kind, path, body = "POST /api/articles", "/api/articles", item[1]
                else:
                    roll = rng.random()
                    if roll < args.story_share / 2 and known:
                        kind, path = "GET /api/stories/{id}", f"/api/stories/{rng.choice(known)}"
                    elif roll < args.story_share and known:  # the page may show the last analysis
                        kind, path = "GET /stories/{id}", f"/stories/{rng.choice(known)}"
                    elif roll < args.story_share + (1 - args.story_share) / 3:
                        kind, path = "GET /", "/"
                    else:
                        kind, path = "GET /api/stories", "/api/stories"
                start = time.perf_counter()
                try:
                    response = http.post(path, json=body) if body is not None else http.get(path)
                    status = str(response.status_code)
                except httpx.HTTPError as exc:
                    response, status = None, type(exc).__name__
                elapsed = time.perf_counter() - start
                with lock:
                    latencies[kind].append(elapsed)
                    statuses[kind][status] += 1
                    if item is not None:
                        if response is None or response.status_code >= 500:
                            unanswered["posts"] += 1
                        else:
                            _note_post(response, posted_ok, refused, story_ids)
                    elif kind == "GET /api/stories" and response is not None and response.status_code == 200:
                        story_ids[:] = [s["id"] for s in response.json()["stories"]]

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=args.seconds + args.timeout + 30)
    wall = time.monotonic() - started
    total = sum(len(v) for v in latencies.values())
    errors = sum(c for counts in statuses.values() for s, c in counts.items() if not s.isdigit() or s >= "500")
    return {
        "seconds": round(wall, 1), "clients": args.clients, "requests": total,
        "requests_per_s": round(total / wall, 2), "errors": errors,
        "overall": _percentiles([x for v in latencies.values() for x in v]),
        "endpoints": {k: {**_percentiles(v), "statuses": dict(statuses[k])} for k, v in sorted(latencies.items())},
        "articles_offered": len(records), "articles_posted": len(records) - len(queue),
        "posts_unanswered": unanswered["posts"], "posted_ok": posted_ok, "refused": refused,
    }


def _note_post(response: httpx.Response, ok: list[str], refused: list[str], story_ids: list[str]) -> None:
    try:
        body = response.json()
    except ValueError:
        return
    for a in body.get("articles", []):
        ok.append(a["id"])
        if a.get("story") and a["story"] not in story_ids:
            story_ids.append(a["story"])
    refused += [f.get("id", f["input"]) for f in body.get("failures", []) if "duplicate" not in f["reason"]]


def _percentiles(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    ordered = sorted(values)

    def pick(q: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {"n": len(values), "p50_ms": pick(0.50), "p99_ms": pick(0.99), "max_ms": round(1000 * ordered[-1], 1)}


def _check_store(db: Path, posted_ok: list[str], refused: list[str]) -> dict:
    """Every article the server accepted is stored once and sits in exactly one story."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        stored = Counter(r[0] for r in conn.execute("SELECT id FROM articles"))
        in_stories = Counter(r[0] for r in conn.execute("SELECT article_id FROM story_articles"))
    finally:
        conn.close()
    return {
        "accepted": len(posted_ok),
        "stored": sum(stored.values()),
        "lost": sum(1 for a in posted_ok if stored[a] != 1),
        "accepted_twice": sum(1 for c in Counter(posted_ok).values() if c > 1),
        "in_no_story": sum(1 for a in stored if in_stories[a] == 0),
        "in_several_stories": sum(1 for c in in_stories.values() if c > 1),
        "refused_records": len(refused),
    }


def _report(result: dict, args: argparse.Namespace) -> None:
    if args.json:
        print(json.dumps(result, indent=2))
        return
    o = result["overall"]
    print(f"{result['requests']} requests in {result['seconds']} s from {result['clients']} clients: "
          f"{result['requests_per_s']} req/s, p50 {o.get('p50_ms')} ms, p99 {o.get('p99_ms')} ms, "
          f"errors {result['errors']}")
    for name, e in result["endpoints"].items():
        print(f"  {name:24} n={e['n']:5} p50={e['p50_ms']:8} ms  p99={e['p99_ms']:8} ms  max={e['max_ms']:8} ms  {e['statuses']}")
    c = result["check"]
    print(f"articles: {result['articles_posted']} posted, {c['accepted']} accepted, {c['stored']} stored, "
          f"lost {c['lost']}, in no story {c['in_no_story']}, in several stories {c['in_several_stories']}, "
          f"refused {c['refused_records']}, posts unanswered {result['posts_unanswered']}")


if __name__ == "__main__":
    sys.exit(main())
