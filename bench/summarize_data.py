"""The summary datasets as the summary benchmarks read them: one cluster per JSON line.

Shared by bench/summarize.py, bench/summarize_train.py and bench/summarize_crossfit.py, so the three
build a cluster's articles and its reference in exactly the same way.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crosswire.records import Article  # noqa: E402
from crosswire.segment import split_spans  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
NEUS_TRAIN = DATA / "neus" / "train.jsonl"


def read_rows(path: Path) -> list[dict]:
    """Every row of a JSONL dataset file."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def cluster(row: dict, name: str) -> tuple[str, list[Article], list[str]]:
    """(cluster id, raw articles, reference sentences) of one row of a dataset (multinews or neus)."""
    if name == "multinews":
        arts = [Article(id=f"{row['id']}-{i}", text=d) for i, d in enumerate(row["documents"]) if d.strip()]
        ref = row["summary"].lstrip("–- ").strip()
    else:
        arts = [Article(id=f"{row['id']}-{i}", text=a["text"], title=a.get("title"))
                for i, a in enumerate(row["articles"])]
        ref = row["neutral_summary"]["text"]
    return row["id"], arts, [ref[s:e] for s, e in split_spans(ref)]
