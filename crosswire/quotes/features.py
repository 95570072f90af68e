"""Features of a candidate attribution: what the logistic filter in `model.py` weighs.

Lexicalised on the cue lemma (alone and with the construction, the kind of source and the shape of
the content), because which words introduce attributions ("said", but also "called", "support",
"declined") is exactly what the training data knows and rules do not. Where the content starts and
stops is described too, so the model can choose between extents of one phrase.

An article yields a few hundred candidates, so the parse is read once into plain lists (`DocInfo`)
rather than through spaCy Token objects per candidate, which used to dominate extraction time.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Any

from ..nlp import lemma
from .candidates import Candidate
from .speakers import mention_kind

_LEN_BUCKETS = (1, 3, 7, 15, 30)
_SUBJ = ("nsubj", "nsubjpass", "csubj")
_FIRST_WORDS = {"that", "if", "whether", "to", "how", "what", "why"}
_HEAD_KINDS = {"dobj", "dobj_core", "dobj_plus", "passive", "prep", "xcomp", "attr"}
_PRONOUN_CONTENT = {"it", "which", "that", "this", "what", "who", "whom", "so"}
_DOUBLE_RE = re.compile("[\"\u201c\u201d]")
_EDGE_PUNCT = {",", ".", ":", ";", "\u2014", "\u2013", "-", "(", ")"}
_QUOTE_PUNCT = {'"', "\u201c", "\u201d", "'", "\u2018", "\u2019", "''", "``"}


def _bucket(n: int) -> str:
    for b in _LEN_BUCKETS:
        if n <= b:
            return str(b)
    return "more"


class DocInfo:
    """One parse as plain per-token lists, plus the quotation flags and mark counts features need."""

    def __init__(self, doc: Any, in_quote: list[bool], text: str) -> None:
        import numpy as np
        from spacy import attrs as A

        self.doc, self.text, self.in_quote = doc, text, in_quote
        n = len(doc)
        attrs = [A.IDX, A.HEAD, A.DEP, A.POS, A.LEMMA, A.LOWER, A.ENT_TYPE, A.IS_PUNCT, A.IS_SPACE, A.SENT_START, A.LENGTH]
        raw = doc.to_array(attrs) if n else np.zeros((0, len(attrs)), np.uint64)
        arr = raw.astype(np.int64)  # offsets and flags; the string hashes stay unsigned in `raw`
        strings = doc.vocab.strings
        names = {h: strings[h] if h else "" for h in set(raw[:, 2:7].ravel().tolist())}
        self.idx = arr[:, 0].tolist()
        self.end = (arr[:, 0] + arr[:, 10]).tolist()
        at = np.arange(n)
        head = at + arr[:, 1]  # HEAD is stored as an offset (two's complement in an unsigned array)
        self.head = head.tolist()
        self.dep = [names[h] for h in raw[:, 2].tolist()]
        self.pos = [names[h] for h in raw[:, 3].tolist()]
        self._lemma, self._lower, self._ent = (raw[:, k].tolist() for k in (4, 5, 6))
        self._names = names
        punct = (arr[:, 7] | arr[:, 8]).astype(bool)
        self.punct = punct.tolist()
        sent = np.cumsum(arr[:, 9] == 1)
        self.sent = sent.tolist()
        # Whether only punctuation separates token i from its sentence's start (before it) or end
        # (from it on): the nearest word before i is in an earlier sentence, the nearest word from
        # i on in a later one.
        words = np.where(~punct, at, -1)
        prev_word = np.concatenate(([-1], np.maximum.accumulate(words)[:-1])) if n else at
        nxt = np.where(~punct, at, n)
        next_word = np.minimum.accumulate(nxt[::-1])[::-1] if n else at
        sent_ext = np.concatenate((sent, [sent[-1] + 1 if n else 0]))
        self.bare_before = ((prev_word < 0) | (sent_ext[np.maximum(prev_word, 0)] != sent)).tolist()
        self.bare_after = (sent_ext[next_word] != sent).tolist()
        # distance to the sentence root, by walking every token up one step at a time together
        depth, cur = np.zeros(n, np.int64), at
        for _ in range(n):
            up = head[cur]
            moved = up != cur
            if not moved.any():
                break
            depth += moved
            cur = up
        self.depth = depth.tolist()
        self.kids: dict[int, list[int]] = {}
        for i, h in enumerate(self.head):
            if h != i:
                self.kids.setdefault(h, []).append(i)
        self.marks = [m.start() for m in _DOUBLE_RE.finditer(text)]
        # running counts, so any span's unquoted words and line breaks cost two look-ups
        unq = (~punct) & ~np.array(in_quote, dtype=bool) if n else np.zeros(0, bool)
        self.unquoted = np.concatenate(([0], np.cumsum(unq))).tolist()
        self.breaks = [m.start() for m in re.finditer("\n", text)]

    def lemma(self, i: int) -> str:
        h = self._lemma[i]
        return (self._names[h] if h else lemma(self.doc[i])).lower()

    def lower(self, i: int) -> str:
        return self._names[self._lower[i]]

    def ent(self, i: int) -> str:
        return self._names[self._ent[i]]

    def has_mark(self, start: int, end: int) -> bool:
        """Whether characters [start, end) hold a double quotation mark."""
        k = bisect_left(self.marks, start)
        return k < len(self.marks) and self.marks[k] < end

    def tokens(self, start: int, end: int) -> tuple[int, int]:
        """Token range [a, b) covering characters [start, end) (spaCy's "expand" alignment)."""
        a = bisect_right(self.end, start)
        b = bisect_left(self.idx, end)
        return a, max(a, b)

    def root(self, a: int, b: int) -> int:
        """The word of [a, b) nearest the root of the parse tree (like spaCy's Span.root, but a
        trailing full stop attached to the sentence root does not count)."""
        return min(range(a, b), key=lambda i: (self.punct[i], self.depth[i], i))

    def edge(self, i: int) -> str:
        """A coarse class of the token at i, for what borders a content span."""
        if i < 0 or i >= len(self.idx):
            return "EOD"
        gap_end = self.idx[i + 1] if i + 1 < len(self.idx) else len(self.text)
        word = self.text[self.idx[i] : self.end[i]]
        if self.punct[i] and ("\n" in self.text[self.end[i] : gap_end] or not word.strip()):
            return "NL"
        if self.punct[i]:
            return word if word in _EDGE_PUNCT else "Q" if word in _QUOTE_PUNCT else "P"
        return self.pos[i]


def features(info: DocInfo, c: Candidate) -> dict[str, float]:
    """Sparse indicator features (all 1.0) of one candidate; the names are the model's keys."""
    k = c.kind
    f: dict[str, float] = {"bias": 1.0, "kind=" + k: 1.0}
    a, b = info.tokens(c.start, c.end)
    n = b - a
    f["len=" + _bucket(n)] = 1.0
    f[k + "|len=" + _bucket(n)] = 1.0
    skind = mention_kind(c.source) if c.source is not None else "none"
    f["src=" + skind] = 1.0
    f[k + "|src=" + skind] = 1.0
    if c.direct:
        f["direct"] = 1.0
        f[k + "|direct"] = 1.0
    if n:
        first = info.lower(a)
        if first in _FIRST_WORDS:
            f["first=" + first] = 1.0
        if any(info.dep[i] in _SUBJ for i in range(a, b)):
            f["clause"] = 1.0
            f[k + "|clause"] = 1.0
    if c.source is not None and c.source.pos_ in ("NOUN", "PROPN") and c.source.ent_type_ != "PERSON":
        f["srclem=" + lemma(c.source).lower()] = 1.0
    r = info.root(a, b) if n else -1
    if n and k in _HEAD_KINDS:
        f[k + "|head=" + info.lemma(r)] = 1.0
    if c.cue is not None:
        v = c.cue
        kid_deps = {info.dep[j] for j in info.kids.get(v.i, ())}
        if k != "ccomp" and "ccomp" in kid_deps:
            f["cue_has_ccomp"] = 1.0
        key = lemma(v).lower() + ("_" + c.prep if c.prep else "")
        f["lem=" + key] = 1.0
        f["lem=" + key + "|" + k] = 1.0
        f["lem=" + key + "|src=" + skind] = 1.0
        f["tag=" + v.tag_] = 1.0
        f["cuedep=" + v.dep_] = 1.0
        if info.in_quote[v.i]:
            f["cue_in_quote"] = 1.0
        if "neg" in kid_deps:
            f["neg"] = 1.0
        f["after" if c.start > v.idx else "before"] = 1.0
        f[k + ("|after" if c.start > v.idx else "|before")] = 1.0
    else:
        f["nocue"] = 1.0
    if c.start < 200 and "\n" not in info.text[: c.start].strip():
        f["first_line"] = 1.0
        f[k + "|first_line"] = 1.0
    _lexical(f, info, c, r, n, skind)
    if n:
        _extent(f, info, k, a, b, r)
        _inner(f, info, c, k, a, b)
        _words(f, info, k, a, b)
        _distance(f, info, c, k, a, b)
    if c.source is not None:
        # a person, an organisation ("the White House said") and a place are sources of different kinds
        f["srcent=" + (info.ent(c.source.i) or "-")] = 1.0
    return f


def _lexical(f: dict[str, float], info: DocInfo, c: Candidate, r: int, n: int, skind: str) -> None:
    """The cue word crossed with the content's shape: "called" + a person ("called Trump") is
    rarely an attribution, "called" + a clause usually is."""
    k = c.kind
    key = (lemma(c.cue).lower() + ("_" + c.prep if c.prep else "")) if c.cue is not None else "none"
    f["lem=" + key + "|len=" + _bucket(n)] = 1.0
    if c.direct:
        f["lem=" + key + "|direct"] = 1.0
    if n:
        f[k + "|rpos=" + info.pos[r]] = 1.0
        f[k + "|rent=" + (info.ent(r) or "-")] = 1.0
        f["lem=" + key + "|rpos=" + info.pos[r]] = 1.0
        if info.lower(r) in _PRONOUN_CONTENT:
            f[k + "|rootpron"] = 1.0
        if info.has_mark(c.start, c.end):
            f[k + "|hasq"] = 1.0
    if c.cue is not None:
        f[k + "|cuedep=" + c.cue.dep_] = 1.0
        f[k + "|tag=" + c.cue.tag_] = 1.0
    if c.source is None:
        f[k + "|nosrc"] = 1.0
    else:
        s = c.source
        if s.pos_ == "PRON":
            f["srcw=" + s.lower_] = 1.0
        person = s.ent_type_ == "PERSON" or skind in ("he", "i_we")
        f["lem=" + key + "|srcperson=" + str(int(person))] = 1.0


def _extent(f: dict[str, float], info: DocInfo, k: str, a: int, b: int, r: int) -> None:
    """Where the content starts and stops: annotators end a content at a sentence end or before a
    relative clause far more often than in the middle of a phrase, and the variants of one
    candidate (`candidates._object_variants`) differ only here."""
    last = max((i for i in info.kids.get(r, ()) if r < i < b), default=None)
    if last is not None:
        f[k + "|enddep=" + info.dep[last]] = 1.0
    f[k + "|next=" + info.edge(b)] = 1.0
    f[k + "|prev=" + info.edge(a - 1)] = 1.0
    f[k + "|multisent=" + str(int(info.sent[a] != info.sent[b - 1]))] = 1.0
    ends = b >= len(info.sent) or info.sent[b] != info.sent[b - 1] or info.bare_after[b]
    f[k + "|endsent=" + str(int(ends))] = 1.0
    f[k + "|startsent=" + str(int(info.bare_before[a]))] = 1.0
    deps = set(info.dep[a:b])
    if "relcl" in deps:
        f[k + "|has_relcl"] = 1.0
    if "appos" in deps:
        f[k + "|has_appos"] = 1.0


def _inner(f: dict[str, float], info: DocInfo, c: Candidate, k: str, a: int, b: int) -> None:
    """What the content holds besides reported words. PolNeAR's content of a quotation split by
    its attribution ('"A," X said, "B."') runs from A to B, over the attribution; a span holding
    another speaker's words, or a paragraph break, is rarely one content."""
    uq = info.unquoted[b] - info.unquoted[a]
    f[k + "|unq=" + _bucket(uq)] = 1.0
    if c.cue is not None and a <= c.cue.i < b:
        f[k + "|cue_inside"] = 1.0
    if c.source is not None and a <= c.source.i < b:
        f[k + "|src_inside"] = 1.0
    nl = bisect_left(info.breaks, c.end) - bisect_left(info.breaks, c.start)
    f[k + "|nl=" + str(min(nl, 3))] = 1.0


def _words(f: dict[str, float], info: DocInfo, k: str, a: int, b: int) -> None:
    """The words at and just outside the content's edges: "that" before a clause, "he" after a
    quotation, a trailing "and" or "to" that marks a cut in the middle of a phrase."""
    f[k + "|fw=" + info.lower(a)] = 1.0
    f[k + "|lw=" + info.lower(b - 1)] = 1.0
    f[k + "|fpos=" + info.pos[a]] = 1.0
    f[k + "|lpos=" + info.pos[b - 1]] = 1.0
    f[k + "|pw=" + (info.lower(a - 1) if a > 0 else "BOD")] = 1.0
    f[k + "|nw=" + (info.lower(b) if b < len(info.idx) else "EOD")] = 1.0


def _distance(f: dict[str, float], info: DocInfo, c: Candidate, k: str, a: int, b: int) -> None:
    """How far the cue lies from the content and the source from the cue, in words: an attribution's
    parts sit close together, while a cue reached over a long stretch is often someone else's."""
    if c.cue is not None:
        i = c.cue.i
        gap = a - i if i < a else (i - b + 1 if i >= b else 0)
        f[k + "|cuedist=" + _bucket(gap)] = 1.0
        f[k + "|cuesent=" + str(int(info.sent[i] == info.sent[a]))] = 1.0
        if c.source is not None:
            f[k + "|srcdist=" + _bucket(abs(c.source.i - i))] = 1.0
