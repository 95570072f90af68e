"""Date expressions in news sentences and their resolution to ISO 8601 at the precision given.

Handled forms (the ones news prose uses for events): "14 May 2019", "May 14, 2019", "Tuesday, 14 May",
"Dec. 22", "July 2018", "in May", "last July", "next month", "this year", "2014", "on Tuesday",
"yesterday", "today", "tomorrow", "last week", "two years ago", "a day after". Durations ("for two
years", "the past decade") are not dates and are ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .records import Sentence

MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
WEEKDAYS = {
    d: i for i, d in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
}
# Number words as written in news copy; the claims stage reads counts with the same table.
NUMBER_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
}
_NUMBERS = {"a": 1, "an": 1, "one": 1, **{w: n for w, n in NUMBER_WORDS.items() if n <= 10}}

_MON = (
    r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WD = r"(?:(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
# In priority order: a longer, more precise form wins over the shorter forms inside it.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<mon>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("mdy", re.compile(rf"\b{_WD}{_MON}\s+{_DAY}\b(?!:)(?:,?\s+{_YEAR}\b)?")),
    ("dmy", re.compile(rf"\b{_WD}{_DAY}\s+(?:of\s+)?{_MON}\b(?:,?\s+{_YEAR}\b)?")),
    ("my", re.compile(rf"\b{_MON},?\s+(?:of\s+)?{_YEAR}\b")),
    (
        "rel_month",
        re.compile(
            rf"\b(?P<rel>(?i:last|next|this|early|late|mid|in|since|until|by|from|of|during|between))[\s-]+"
            rf"(?:(?i:early|late)\s+)?{_MON}\b(?!\s+\d)"
        ),
    ),
    (
        "weekday",
        re.compile(
            r"\b(?:(?P<rel>(?i:last|next|this|on|since|until|by|from|late|early))\s+)?(?P<wd>Monday|Tuesday|Wednesday|Thursday|"
            r"Friday|Saturday|Sunday)\b"
        ),
    ),
    (
        "ago",
        re.compile(
            r"\b(?P<n>a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2})\s+"
            r"(?P<unit>day|week|month|year)s?\s+ago\b",
            re.I,
        ),
    ),
    ("offset", re.compile(r"\b(?P<n>a|one|two|three|the)\s+days?\s+(?P<dir>after|before)\b", re.I)),
    (
        "rel_unit",
        re.compile(r"\b(?P<rel>last|next|this|earlier this|later this)\s+(?P<unit>week|month|year)\b", re.I),
    ),
    ("rel_day", re.compile(r"\b(?P<word>today|yesterday|tomorrow|tonight)\b", re.I)),
    (
        "year",
        re.compile(
            r"(?<![\d$€£,.])(?P<year>(?:19|20)\d\d)(?![\d%]|s\b|'s\b|\s*(?:%|percent|people|km|miles|feet|metres|meters|points)\b)"
        ),
    ),
]
# A month name alone ("May", "March") needs a date word before it, else "May" is a verb or a name.
_FUTURE = re.compile(
    r"\b(?:will|would|shall|is expected|are expected|is due|are due|plans? to|scheduled|set to|to be held|upcoming)\b[^.]{0,40}$",
    re.I,
)


@dataclass(frozen=True, slots=True)
class DateMention:
    kind: str
    start: int
    end: int
    text: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    rel: str | None = None
    unit: str | None = None
    n: int | None = None


def find_dates(text: str) -> list[DateMention]:
    """Date expressions in `text`, left to right, none overlapping."""
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            mention = _mention(kind, m)
            if mention is not None:
                taken.append((s, e))
                found.append(mention)
    return sorted(found, key=lambda d: d.start)


def _mention(kind: str, m: re.Match[str]) -> DateMention | None:
    g = m.groupdict()
    year = int(g["year"]) if g.get("year") else None
    month = None
    if g.get("mon"):
        month = int(g["mon"]) if g["mon"].isdigit() else MONTHS[g["mon"].lower().rstrip(".")]
    day = int(g["day"]) if g.get("day") else None
    if day is not None and not 1 <= day <= 31:
        return None
    weekday = WEEKDAYS[g["wd"].lower()] if g.get("wd") else None
    rel = g["rel"].lower() if g.get("rel") else None
    unit = g["unit"].lower() if g.get("unit") else None
    n = None
    if g.get("n"):
        word = g["n"].lower()
        n = 1 if word == "the" else int(word) if word.isdigit() else _NUMBERS[word]
    if kind == "offset":
        rel = g["dir"].lower()
    if kind == "rel_day":
        rel = g["word"].lower()
    return DateMention(kind, m.start(), m.end(), m.group(0), year, month, day, weekday, rel, unit, n)


def _iso(d: dt.date, precision: str) -> str:
    return {"year": f"{d.year:04d}", "month": f"{d.year:04d}-{d.month:02d}", "day": d.isoformat()}[precision]


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    k = year * 12 + (month - 1) + delta
    return k // 12, k % 12 + 1


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def resolve(m: DateMention, ref: dt.date | None, sentence: str = "") -> str | None:
    """ISO 8601 date of a mention at the precision the text gives, or None when it cannot be known."""
    future = bool(_FUTURE.search(sentence[: m.start]))
    if m.kind == "iso" or (m.year and m.month and m.day):
        d = _safe_date(m.year, m.month, m.day)
        return d.isoformat() if d else None
    if m.kind == "my" or (m.year and m.month):
        return f"{m.year:04d}-{m.month:02d}"
    if m.kind == "year":
        return f"{m.year:04d}"
    if m.month and m.day:  # "14 May", "Dec. 22": the year comes from the reference date
        if ref is None:
            return None
        options = [d for y in (ref.year - 1, ref.year, ref.year + 1) if (d := _safe_date(y, m.month, m.day))]
        if m.weekday is not None:
            options = [d for d in options if d.weekday() == m.weekday] or options
        return min(options, key=lambda d: abs((d - ref).days)).isoformat() if options else None
    if ref is None:
        return None
    if m.kind == "rel_month":
        if m.rel == "next" or (m.rel not in ("last", "since") and future):
            year = ref.year if m.month > ref.month else ref.year + 1
        elif m.rel == "this":
            year = ref.year
        else:  # last / in / since ...: the latest such month not after the reference (strictly before for "last")
            year = (
                ref.year
                if (m.month < ref.month or (m.month == ref.month and m.rel != "last"))
                else ref.year - 1
            )
        return f"{year:04d}-{m.month:02d}"
    if m.kind == "weekday":
        delta = (ref.weekday() - m.weekday) % 7
        if m.rel == "next" or (m.rel != "last" and future):
            ahead = (m.weekday - ref.weekday()) % 7 or (7 if m.rel == "next" else 0)
            return (ref + dt.timedelta(days=ahead)).isoformat()
        if m.rel == "last" and delta == 0:
            delta = 7
        return (ref - dt.timedelta(days=delta)).isoformat()
    if m.kind == "rel_day":
        shift = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[m.rel]
        return (ref + dt.timedelta(days=shift)).isoformat()
    if m.kind == "offset":
        return (ref + dt.timedelta(days=-m.n if m.rel == "after" else m.n)).isoformat()
    if m.kind in ("ago", "rel_unit"):
        sign = {"last": -1, "next": 1}.get(m.rel or "", 0)
        n = -(m.n or 0) if m.kind == "ago" else sign
        if m.unit == "year":
            return f"{ref.year + n:04d}"
        if m.unit == "month":
            y, mo = _shift_month(ref.year, ref.month, n)
            return f"{y:04d}-{mo:02d}"
        if m.unit == "day":
            return (ref + dt.timedelta(days=n)).isoformat()
        year, week, _ = (ref + dt.timedelta(weeks=n)).isocalendar()
        return f"{year:04d}-W{week:02d}"
    return None


# The lead states the news day; later sentences more often date background events.
_LEAD_SENTENCES = 3
_YEARISH = re.compile(r"(?:19|20)\d\d")


def published_date(published: str | None) -> dt.date | None:
    """The calendar date of an ISO date/datetime string, or None."""
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published[:10])
    except ValueError:
        return None


def reference_date(sentences: Sequence[Sentence]) -> dt.date | None:
    """The date an article without a publication date is written from, when its text fixes it.

    A full date in the lead ("on Tuesday, 14 May 2019") is taken as is. A lead date with its weekday but
    no year ("on Tuesday, 14 May") fixes the year up to the calendar's cycle: we take the first year not
    before the latest year the article mentions in which 14 May is a Tuesday (articles are written after
    the years they look back on). Without either, None: a year is never guessed.
    """
    lead = sentences[:_LEAD_SENTENCES]
    for s in lead:
        for m in find_dates(s.text):
            if m.year and m.month and m.day:
                d = _safe_date(m.year, m.month, m.day)
                if d:
                    return d
    # a year mention needs four digits "19xx"/"20xx": most sentences have none and skip the parser
    years = [
        m.year
        for s in sentences
        if _YEARISH.search(s.text)
        for m in find_dates(s.text)
        if m.kind == "year" and m.year
    ]
    if not years:
        return None
    for s in lead:
        for m in find_dates(s.text):
            if m.month and m.day and m.weekday is not None:
                for year in range(max(years), max(years) + 12):  # the weekday cycle repeats within 11 years
                    d = _safe_date(year, m.month, m.day)
                    if d and d.weekday() == m.weekday:
                        return d
    return None


__all__ = ["DateMention", "find_dates", "reference_date", "resolve"]
