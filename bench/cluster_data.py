"""Datasets for bench/cluster.py: the seeds, ECB+, news_cluster, and synthetic scale sets.

Scale sets (`scaled(n)`) are built from the real articles: news_cluster and ECB+ documents are drawn
in whole gold groups, replica after replica, until n articles are reached. Replica r of a group
  * renames every Title-case word (names, places, organisations, sentence starts) by appending a
    replica tag ("Sochi" -> "SochiQ3"), so a replica reads like another event of the same kind with
    other participants (its common words are unchanged), and
  * is re-dated: its publication dates are shifted by r * 41 days (ECB+ gets a synthetic base date),
so gold stays known (group id + replica) and the set keeps the real texts' length and vocabulary.
The draw is seeded (random.Random(0)), so a size always gives the same set.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from dataclasses import replace
from pathlib import Path

from crosswire.records import Article

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DATA = SHARED / "data"


def seeds() -> tuple[list[Article], list[str], list[str]]:
    """Seed articles (id = file stem, text = file text), gold story and storyline labels."""
    gold = json.loads((SHARED / "gold" / "seeds.json").read_text())
    story_of = {d: s["id"] for s in gold["stories"] for d in s["docs"]}
    arts, stories = [], []
    for path in sorted((SHARED / "seeds").glob("*.txt")):
        arts.append(Article(id=path.stem, text=path.read_text(encoding="utf-8")))
        stories.append(story_of[path.stem[:3]])
    return arts, stories, ["seeds"] * len(arts)


def ecbplus() -> tuple[list[Article], list[str], list[str]]:
    """ECB+ documents: text = the sentences one per line; gold subtopic (story) and topic (storyline).

    The first line of the ECB+ documents is sometimes the page's URL (tokenized); it is page metadata,
    not article text, so it is left out as any cleaner would.
    """
    arts, stories, lines = [], [], []
    for line in (DATA / "ecbplus" / "topics_01-35.jsonl").read_text().splitlines():
        row = json.loads(line)
        sents = [s for s in row["sentences"] if not s.lstrip().lower().startswith(("http", "www"))]
        arts.append(Article(id=row["doc_name"], text="\n".join(sents)))
        stories.append(str(row["subtopic"]))
        lines.append(str(row["topic"]))
    return arts, stories, lines


def news_cluster() -> tuple[list[Article], list[str]]:
    """news_cluster articles (title, date, outlet) and gold storyline (`event_id`)."""
    arts, lines = [], []
    for line in (DATA / "giveme5w1h" / "news_cluster.jsonl").read_text().splitlines():
        row = json.loads(line)
        arts.append(
            Article(
                id=row["dId"],
                text=row["text"],
                title=row.get("title"),
                published=row.get("date_publish"),
                source=row.get("source_domain"),
            )
        )
        lines.append(str(row["event_id"]))
    return arts, lines


_CAPWORD = re.compile(r"\b([A-Z][a-z]+)\b")


def _rename(text: str | None, tag: str) -> str | None:
    return None if text is None else _CAPWORD.sub(lambda m: m.group(1) + tag, text)


def scaled(n: int) -> tuple[list[Article], list[str]]:
    """About n articles (whole gold groups) built from real ones; gold storyline labels."""
    groups: dict[str, list[Article]] = {}
    nc, nc_lines = news_cluster()
    for a, g in zip(nc, nc_lines, strict=True):
        groups.setdefault("nc" + g, []).append(a)
    ecb, ecb_stories, _ = ecbplus()
    base = dt.datetime(2012, 1, 1)
    for i, (a, g) in enumerate(zip(ecb, ecb_stories, strict=True)):
        # ECB+ has no dates: give each subtopic a base date so re-dating has something to shift.
        day = base + dt.timedelta(days=hash_int(g) % 900, hours=i % 24)
        groups.setdefault("ecb" + g, []).append(replace(a, published=day.isoformat()))
    keys = sorted(groups)
    rng = random.Random(0)
    arts: list[Article] = []
    gold: list[str] = []
    replica = 0
    while len(arts) < n:
        order = keys[:]
        rng.shuffle(order)
        for key in order:
            if len(arts) >= n:
                break
            tag = f"Q{replica}" if replica else ""
            for a in groups[key]:
                shift = dt.timedelta(days=41 * replica)
                pub = a.published
                if pub:
                    pub = (dt.datetime.fromisoformat(pub[:19]) + shift).isoformat()
                arts.append(
                    replace(a, id=f"{a.id}#{replica}", text=_rename(a.text, tag), title=_rename(a.title, tag), published=pub)
                )
                gold.append(f"{key}#{replica}")
        replica += 1
    return arts[:n], gold[:n]


def hash_int(s: str) -> int:
    """A process-independent small hash (Python's hash() is salted per run)."""
    import zlib

    return zlib.crc32(s.encode())
