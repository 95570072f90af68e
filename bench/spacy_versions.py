"""Parse cost and output of crosswire's parse under different spaCy 3.8 releases, side by side.

Why the project pins spaCy: the wheels of 3.8.8 and later are built with a newer Cython, and their
parser and entity recogniser take and release the GIL around calls to the parser's state methods,
millions of times per brief. This runs `crosswire.nlp.parse` on the same texts under each release,
each in its own subprocess (single process, one BLAS thread, CPU seconds of the warm runs), and
compares every token's tag, dependency, head and entity label, and the lemmas, with the first release
listed. Releases other than the installed one are fetched once from PyPI (`pip install --no-deps
--target`) into a cache folder, so this bench needs PyPI the first time.

    python bench/spacy_versions.py                          # installed release against 3.8.18
    python bench/spacy_versions.py --versions 3.8.7,3.8.11,3.8.18 --limit 120 --reps 3
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data" / "giveme5w1h" / "news_cluster.jsonl"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "crosswire-bench"

_CHILD = r"""
import hashlib, json, sys, time
import spacy
from threadpoolctl import threadpool_limits
from crosswire import nlp

texts, reps = json.load(sys.stdin)
list(nlp.parse(["Warm up the pipeline."]))
seconds = []
with threadpool_limits(limits=1, user_api="blas"):
    for _ in range(reps + 1):
        start = time.process_time()
        docs = list(nlp.parse(texts, batch_size=64))
        seconds.append(time.process_time() - start)
annotations = [[(t.tag_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in d] for d in docs]
lemmas = [[nlp.lemma(t) for t in d] for d in docs]
json.dump({"version": spacy.__version__, "path": spacy.__file__, "seconds": seconds[1:],
           "annotations": annotations, "lemmas": lemmas}, sys.stdout)
"""


def _installed() -> str:
    from importlib.metadata import version

    return version("spacy")


def _target(version: str) -> Path | None:
    """A folder holding that spaCy release (None: the installed one), fetched on first use."""
    if version == _installed():
        return None
    folder = CACHE / f"spacy-{version}"
    if not (folder / "spacy" / "__init__.py").exists():
        print(f"fetching spaCy {version} into {folder} ...", file=sys.stderr)
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--no-deps", f"spacy=={version}", "--target", str(folder)],
            check=True,
        )
    return folder


def _cython(folder: Path) -> str:
    """The Cython release named inside the parser's compiled state module ('?' if it does not say)."""
    found = sorted(folder.glob("pipeline/_parser_internals/stateclass.*.so"))
    if not found:
        return "?"
    match = re.search(rb"_cython_(\d+)_(\d+)_(\d+)", found[0].read_bytes())
    return ".".join(m.decode() for m in match.groups()) if match else "before 3.1"


def _run(version: str, texts: list[str], reps: int) -> dict:
    folder = _target(version)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(folder) if folder else "", str(REPO)) if p)
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD], input=json.dumps([texts, reps]), capture_output=True, text=True, env=env
    )
    if proc.returncode != 0:
        raise SystemExit(f"spaCy {version} failed:\n{proc.stderr[-2000:]}")
    out = json.loads(proc.stdout)
    if out["version"] != version:
        raise SystemExit(f"asked for spaCy {version}, the child imported {out['version']} from {out['path']}")
    out["cython"] = _cython(Path(out["path"]).parent)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--versions", default=None, help="comma-separated spaCy releases (default: installed,3.8.18)")
    ap.add_argument("--limit", type=int, default=120, help="news_cluster articles to parse")
    ap.add_argument("--reps", type=int, default=2, help="timed runs after one warm-up run")
    args = ap.parse_args()
    versions = args.versions.split(",") if args.versions else list(dict.fromkeys([_installed(), "3.8.18"]))
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = [r["text"] for r in rows][: args.limit]
    results = [_run(v, texts, args.reps) for v in versions]
    base = results[0]
    n_tokens = sum(len(d) for d in base["annotations"])
    print(f"{len(texts)} news_cluster articles, {n_tokens:,} tokens; CPU seconds of {args.reps} warm runs each")
    print(f"{'spaCy':8} {'Cython':>10} {'parse CPU s (median)':>21} {'vs first':>9} {'annotations':>12} {'lemmas differing':>17}")
    for r in results:
        median = statistics.median(r["seconds"])
        same = "same" if r["annotations"] == base["annotations"] else "DIFFERENT"
        lemma_diff = sum(a != b for da, db in zip(base["lemmas"], r["lemmas"], strict=True) for a, b in zip(da, db, strict=True))
        print(
            f"{r['version']:8} {r['cython']:>10} {median:>21.2f} {median / statistics.median(base['seconds']):>8.2f}x"
            f" {same:>12} {lemma_diff:>17,}"
        )


if __name__ == "__main__":
    main()
