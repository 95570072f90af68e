"""Features of a candidate attribution: what the logistic filter in `model.py` weighs.

Lexicalised on the cue lemma (alone and with the construction and the kind of source), because
which words introduce attributions ("said", but also "called", "support", "declined") is exactly
what the training data knows and rules do not.
"""

from __future__ import annotations

from typing import Any

from .candidates import _SUBJ_DEPS, Candidate
from .speakers import mention_kind

_LEN_BUCKETS = (1, 3, 7, 15, 30)


def _bucket(n: int) -> str:
    for b in _LEN_BUCKETS:
        if n <= b:
            return str(b)
    return "more"


def features(doc: Any, c: Candidate, in_quote: list[bool], text: str) -> dict[str, float]:
    """Sparse features of one candidate for the attribution model (names are the model's keys)."""
    f: dict[str, float] = {"bias": 1.0, "kind=" + c.kind: 1.0}
    span = doc.char_span(c.start, c.end, alignment_mode="expand")
    n = len(span) if span is not None else 0
    f["len=" + _bucket(n)] = 1.0
    f[c.kind + "|len=" + _bucket(n)] = 1.0
    skind = mention_kind(c.source) if c.source is not None else "none"
    f["src=" + skind] = 1.0
    f[c.kind + "|src=" + skind] = 1.0
    if c.direct:
        f["direct"] = 1.0
        f[c.kind + "|direct"] = 1.0
    if span is not None and n:
        first = span[0].lower_
        if first in ("that", "if", "whether", "to", "how", "what", "why"):
            f["first=" + first] = 1.0
        if any(t.dep_ in _SUBJ_DEPS for t in span):
            f["clause"] = 1.0
            f[c.kind + "|clause"] = 1.0
    if c.source is not None and c.source.pos_ in ("NOUN", "PROPN") and c.source.ent_type_ != "PERSON":
        f["srclem=" + c.source.lemma_.lower()] = 1.0
    if span is not None and n and c.kind in ("dobj", "prep", "xcomp", "attr"):
        f[c.kind + "|head=" + span.root.lemma_.lower()] = 1.0
    if c.cue is not None:
        v = c.cue
        if c.kind != "ccomp" and any(x.dep_ == "ccomp" for x in v.children):
            f["cue_has_ccomp"] = 1.0
        lem = v.lemma_.lower()
        key = lem + ("_" + c.prep if c.prep else "")
        f["lem=" + key] = 1.0
        f["lem=" + key + "|" + c.kind] = 1.0
        f["lem=" + key + "|src=" + skind] = 1.0
        f["tag=" + v.tag_] = 1.0
        f["cuedep=" + v.dep_] = 1.0
        if in_quote[v.i]:
            f["cue_in_quote"] = 1.0
        if any(x.dep_ == "neg" for x in v.children):
            f["neg"] = 1.0
        f["after" if c.start > v.idx else "before"] = 1.0
        f[c.kind + ("|after" if c.start > v.idx else "|before")] = 1.0
    else:
        f["nocue"] = 1.0
    if c.start < 200 and "\n" not in text[: c.start].strip():
        f["first_line"] = 1.0
        f[c.kind + "|first_line"] = 1.0
    return f
