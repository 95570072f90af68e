"""Where and when the main event happened, read from the headline and lead like an editor would.

Place: a capitalised name right after a locative preposition ("in Washington", "at the Black Sea
resort of Sochi", "off the coast of Sumatra") in the headline or the first lead sentences. Datelines
are not used: they name where the reporter files from ("MOSCOW —" over a Sochi meeting).
When: explicit dates ("14 May", "December 10, 2019") and relative words ("on Tuesday", "yesterday")
resolved against the publication date when there is one; without one, the weekday alone is kept.
Regular expressions, not NER: they run at ~20k articles/s, which the 100k-article scale needs, and
the locative cue is what separates the event's place from the places merely mentioned.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..dates import published_date
from .text import Zones

MONTHS = {
    m: i + 1
    for i, names in enumerate(
        "jan,january feb,february mar,march apr,april may jun,june jul,july aug,august "
        "sep,sept,september oct,october nov,november dec,december".split()
    )
    for m in names.split(",")
}
WEEKDAYS = {d: i for i, d in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())}

# A capitalised word; inner dots only between letters ("U.S"), so a name never runs over ". Then".
_CAP = r"[A-Z](?:[\w'’-]|\.(?=\w))*"
# Within a name only spaces: a newline ends it (a headline's last word is not the lead's first).
_NAME = rf"{_CAP}(?:[ ]+(?:of[ ]+|de[ ]+|la[ ]+)?{_CAP})*"
_PLACE = re.compile(
    rf"\b(?:in|at|near|outside|off|across|from)\s+(?:the\s+(?:coast\s+of\s+|city\s+of\s+|town\s+of\s+)?)?({_NAME})"
    rf"|\b(?:resort|city|town|village|province|state|region|port|island|capital|county|suburb|district)"
    rf"\s+of\s+({_NAME})"
)
# Capitalised words after "in/at" that are not places: time words, titles, institutions, openers.
_NOT_PLACE = frozenset(
    """the a an this that these those his her their its our my your he she it they we i
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday today tonight yesterday
    president prime minister secretary congress parliament senate house court police government
    christmas easter ramadan thanksgiving spring summer autumn fall winter twitter facebook
    instagram youtube reuters ap afp cnn bbc english""".split()
)
_DATE_MD = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|"
    r"august|sep|sept|september|oct|october|nov|november|dec|december)\b(?:\s*,?\s*(\d{4})\b)?"
    r"|\b(jan|january|feb|february|mar|march|apr|april|may|jun|june|jul|july|aug|august|sep|sept|september|"
    r"oct|october|nov|november|dec|december)\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:\s*,?\s*(\d{4})\b)?",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    r"\b(yesterday|today|tonight|last night|this morning|(?:on\s+|late\s+|early\s+)?"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class EventClues:
    """The event's place names (first = main) and time: a resolved date and/or a weekday (0=Monday)."""

    places: tuple[str, ...]
    date: dt.date | None
    weekday: int | None
    anchored: bool = False  # the date was resolved against a publication date


def clues(z: Zones, published: str | None) -> EventClues:
    """Place and time of the main event from headline + the first lead sentences."""
    head = f"{z.headline}\n{z.lead}"
    pub = published_date(published)
    return EventClues(tuple(_places(head)), *_when(head, pub), pub is not None)


def _places(text: str) -> list[str]:
    out: list[str] = []
    for m in _PLACE.finditer(text):
        name = (m.group(1) or m.group(2) or "").rstrip(".")
        words = name.split()
        while words and words[0].lower().strip(".") in _NOT_PLACE:
            words = words[1:]
        while words and words[-1].lower().strip(".") in _NOT_PLACE:  # "Athens Saturday"
            words = words[:-1]
        # A possessive ("in Trump's view") or a long run of capitals (a headline in title case) is not
        # a place name.
        if not words or len(words) > 4 or any(w.endswith(("'s", "’s")) for w in words):
            continue
        if words[0].lower() in _NOT_PLACE:
            continue
        name = " ".join(words)
        if name.lower() not in (o.lower() for o in out):
            out.append(name)
    return out


def _when(text: str, pub: dt.date | None) -> tuple[dt.date | None, int | None]:
    explicit = _DATE_MD.search(text)
    relative = _RELATIVE.search(text)
    # The earlier expression is the one tied to the lead event ("said on Tuesday, 14 May" -> either).
    if explicit and (not relative or explicit.start() <= relative.start() + 12):
        day, month, year = _explicit_parts(explicit)
        year = year or _nearest_year(month, day, pub)
        if year:
            try:
                date = dt.date(year, month, day)
                return date, date.weekday()
            except ValueError:
                pass
    if relative:
        word = relative.group(1).lower().split()[-1]
        if word in WEEKDAYS:
            wd = WEEKDAYS[word]
            if pub is None:
                return None, wd
            # Reports look back: the most recent such weekday on or before publication.
            date = pub - dt.timedelta(days=(pub.weekday() - wd) % 7)
            return date, wd
        if pub is not None:
            date = pub - dt.timedelta(days=1) if word in {"yesterday"} else pub
            return date, date.weekday()
    return pub, None


def _explicit_parts(m: re.Match[str]) -> tuple[int, int, int | None]:
    if m.group(1):
        return int(m.group(1)), MONTHS[m.group(2).lower()], int(m.group(3)) if m.group(3) else None
    return int(m.group(5)), MONTHS[m.group(4).lower().rstrip(".")], int(m.group(6)) if m.group(6) else None


def _nearest_year(month: int, day: int, pub: dt.date | None) -> int | None:
    if pub is None:
        return None
    # "14 May" in a January article means last May: pick the year that puts it nearest before pub.
    best = None
    for year in (pub.year - 1, pub.year, pub.year + 1):
        try:
            cand = dt.date(year, month, day)
        except ValueError:
            continue
        gap = (pub - cand).days
        score = gap if gap >= -7 else 10_000
        if best is None or score < best[0]:
            best = (score, year)
    return best[1] if best else None
