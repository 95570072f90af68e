"""Pair quotation marks in raw text: straight, curly, low-9, guillemets, single, and `` '' pairs.

Works on characters, not tokens, so offsets are exact and it runs in one pass per paragraph.
Only top-level quotes are returned: a single-quoted phrase inside a double quote belongs to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Double-style marks and whether each can open, close, or either (straight marks are ambiguous).
_DOUBLE = {
    "\u201c": "open",  # “
    "\u201e": "open",  # „
    "\u00ab": "open",  # «
    "\u201d": "close",  # ”
    "\u00bb": "close",  # »
    '"': "either",
    "``": "open",
    "''": "either",
}
_SINGLE_OPEN = {"\u2018", "\u2039", "'"}  # ‘ ‹ '
_SINGLE_CLOSE = {"\u2019", "\u203a", "'"}  # ’ › '
_DOUBLE_RE = re.compile(r"``|''|[\"\u201c\u201d\u201e\u00ab\u00bb]")
_SINGLE_RE = re.compile(r"['\u2018\u2019\u2039\u203a]")
_PARA_RE = re.compile(r"\n\s*\n|\n")
# A single-quoted phrase longer than this is almost always a mis-paired apostrophe, not a quote:
# single quotes in English news mark headlines and short phrases.
_MAX_SINGLE_CHARS = 300
_OPEN_BEFORE = " \t\n([{\u2014\u2013-/:;,"  # characters after which a mark starts a quote


@dataclass(frozen=True, slots=True)
class QuoteMarks:
    """One quotation: `start`/`end` bound the quoted words (marks excluded); `outer_*` include them."""

    start: int
    end: int
    outer_start: int
    outer_end: int
    double: bool


def find_quotes(text: str) -> list[QuoteMarks]:
    """Every top-level quotation in `text`, in order, with exact character offsets."""
    out: list[QuoteMarks] = []
    paras = _paragraphs(text)
    carried: int | None = None  # outer start of a quotation still open from earlier paragraphs
    for i, (ps, pe) in enumerate(paras):
        next_opens = i + 1 < len(paras) and _starts_with_open(text, paras[i + 1][0])
        doubles, still_open = _pair_doubles(text, ps, pe, carried)
        # Multi-paragraph quotations leave each paragraph open and reopen the next one.
        carried = still_open if still_open is not None and next_opens else None
        if still_open is not None and carried is None and still_open < ps:
            doubles.append(_make(text, still_open, still_open + 1, pe, pe, True))
        out.extend(doubles)
        out.extend(_pair_singles(text, ps, pe, taken=doubles))
    out.sort(key=lambda q: q.outer_start)
    return [q for q in out if q.end > q.start]


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in _PARA_RE.finditer(text):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    return spans


def _starts_with_open(text: str, pos: int) -> bool:
    m = _DOUBLE_RE.match(text, pos)
    return bool(m) and _DOUBLE[m.group()] in ("open", "either")


def _role(text: str, start: int, end: int, kind: str) -> str:
    if kind != "either":
        return kind
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    if before in _OPEN_BEFORE and not after.isspace():
        return "open"
    if not before.isspace():
        return "close"
    return "either"


def _pair_doubles(text: str, ps: int, pe: int, carried: int | None) -> tuple[list[QuoteMarks], int | None]:
    """Quotations closed in this paragraph, and the outer start of one left open at its end."""
    out: list[QuoteMarks] = []
    open_at: tuple[int, int] | None = None
    first = True
    for m in _DOUBLE_RE.finditer(text, ps, pe):
        role = _role(text, m.start(), m.end(), _DOUBLE[m.group()])
        if first and carried is not None and role in ("open", "either") and m.start() == ps:
            open_at = (carried, carried + 1)  # the reopening mark continues the carried quotation
            first = False
            continue
        first = False
        if open_at is None:
            if role in ("open", "either"):
                open_at = (m.start(), m.end())
            continue
        # German style „...“: after a low-9 opener, the high-6 mark closes
        if role in ("close", "either") or (m.group() == "\u201c" and text[open_at[0]] == "\u201e"):
            out.append(_make(text, open_at[0], open_at[1], m.start(), m.end(), True))
            open_at = None
        else:  # a second opener: the first one was never closed, so start over from here
            open_at = (m.start(), m.end())
    if open_at is not None:
        return out, open_at[0]
    return out, None


def _pair_singles(text: str, ps: int, pe: int, taken: list[QuoteMarks]) -> list[QuoteMarks]:
    out: list[QuoteMarks] = []
    marks = [m for m in _SINGLE_RE.finditer(text, ps, pe) if not _inside(m.start(), taken)]
    i = 0
    while i < len(marks):
        m = marks[i]
        s = m.start()
        before = text[s - 1] if s > ps else " "
        after = text[s + 1] if s + 1 < len(text) else " "
        if m.group() in _SINGLE_OPEN and before in _OPEN_BEFORE and after.isalnum():
            for j in range(i + 1, len(marks)):
                c = marks[j].start()
                if c - s > _MAX_SINGLE_CHARS:
                    break
                prev = text[c - 1]
                nxt = text[c + 1] if c + 1 < len(text) else " "
                # "it's", "Russia's": a mark between letters is an apostrophe, not a closer.
                if marks[j].group() in _SINGLE_CLOSE and not prev.isspace() and not nxt.isalnum():
                    out.append(_make(text, s, s + 1, c, c + 1, False))
                    i = j
                    break
        i += 1
    return out


def _inside(pos: int, quotes: list[QuoteMarks]) -> bool:
    return any(q.outer_start <= pos < q.outer_end for q in quotes)


def _make(text: str, os_: int, s: int, e: int, oe: int, double: bool) -> QuoteMarks:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return QuoteMarks(s, e, os_, oe, double)
