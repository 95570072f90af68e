"""Quantities in a sentence and whether two sentences report them differently.

A quantity has a kind ("money", "percent", "year", "count"), a value and, for counts, the word it
counts ("25 people", "30 injured", "the toll rose to 30"). Two aligned sentences *dispute* a quantity
when both give the same kind (and counted word) and each gives a value the other sentence does not
mention at all; that second condition keeps consistent restatements apart from discrepancies:
"grew from $20 billion to $27 billion" and "grew roughly 30% to $27 billion" share $27 billion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..dates import NUMBER_WORDS
from .align import stem

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "mln": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "bln": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}
_WORDS = NUMBER_WORDS
_CURRENCY = r"(?:US\$|\$|€|£|¥|₹)"
_MONEY = re.compile(
    rf"{_CURRENCY}\s?(?P<num>{_NUM})(?:\s?(?P<scale>trillion|billion|million|thousand|bn|mn|mln|bln|tn|[kmb])\b)?"
    rf"|\b(?P<num2>{_NUM})\s?(?P<scale2>trillion|billion|million|thousand|bn|mn)?\s(?:US\s)?"
    r"(?:dollars|euros|pounds|yuan|rubles|roubles|rupees|yen)\b",
    re.I,
)
_PERCENT = re.compile(rf"\b(?P<num>{_NUM})\s?(?:%|percent\b|per cent\b)", re.I)
_MONTHS = (
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|"
    "august|september|october|november|december"
)
_UNITS = "|".join(w for w, n in sorted(_WORDS.items(), key=lambda x: -len(x[0])) if n < 20)
_TENS = "|".join(w for w, n in _WORDS.items() if 20 <= n < 100)
_SMALL = rf"(?:(?:{_TENS})(?:[- ](?:{_UNITS}|one))?|{_UNITS})"
# Spelled-out numbers up to 999, compounds included ("one hundred and three", "twenty-five"): a count
# written in words must read as one value, not as "hundred" and "three".
_SPELLED = rf"(?:(?:a|one|{_UNITS})\s+hundred(?:\s+(?:and\s+)?{_SMALL})?|{_SMALL}|hundred|dozen)"
_COUNT = re.compile(
    rf"(?<![\w$€£¥.,:/-])(?P<num>{_NUM}|{_SPELLED})(?:\s(?P<scale>million|billion|thousand))?"
    r"(?![\w%/:]|[.,]\d|-(?!year))",
    re.I,
)
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
_NEXT_WORD = re.compile(r"\W{0,3}([A-Za-z][\w-]*)")
_PREV_WORDS = re.compile(r"[A-Za-z][\w-]*")
# Words between a number and what it counts that say nothing about the thing counted.
_FILLER = frozenset(
    "more than over about around nearly almost some other additional of the a an were was".split()
)
_DURATIONS = frozenset("year month week day hour minute second time decade century".split())
_AGE = re.compile(r"[- ]years?[- ]old\W+(?:[a-z]+\W+){0,2}?([A-Za-z]+)", re.I)
_AGO = re.compile(r"\W+years?\s+ago\b", re.I)
_FUNCTION = frozenset("on in at to for by with from into as and or but than per when while since".split())
# Counts of casualties are reported with many words; within five words of the number they name what is
# counted, whatever sits between ("25 people were injured", "30 passengers hurt").
_CASUALTY = re.compile(
    r"(?:\W+[\w-]+){0,4}?\W+(injur\w*|hurt|wounded|killed|dead|died|deaths?|fatalities|lives)\b", re.I
)
# Hedges: a hedged figure matches another within this relative distance. 15% covers "roughly 30%"
# for +35%, and "about 100" for 90-110, but not 25 vs 30 (20%), a real discrepancy in counts.
HEDGES = re.compile(
    r"\b(?:about|around|roughly|nearly|almost|approximately|some|more[ -]than|over|at least|up to|close to|"
    r"an estimated|estimated)\s*(?:by\s+|at\s+)?$",
    re.I,
)
_HEDGED_TOLERANCE = 0.15
_EXACT_TOLERANCE = 0.005


@dataclass(frozen=True, slots=True)
class Quantity:
    kind: str  # "money" | "percent" | "year" | "count"
    value: float
    unit: str | None  # stemmed counted word, for counts
    hedged: bool
    start: int
    end: int
    text: str

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.kind, self.unit)


def _value(num: str) -> float:
    low = num.lower()
    if low[:1].isdigit():
        return float(num.replace(",", ""))
    total, current = 0.0, 0.0
    for word in re.split(r"[\s-]+", low):
        if word == "hundred":
            current = (current or 1.0) * 100
        elif word in ("a", "one"):
            current += 1
        elif word != "and":
            current += _WORDS[word]
    return total + current


def quantities(text: str) -> list[Quantity]:
    """Money, percentages, years and counts in `text`, each once (money and percent win overlaps)."""
    out: list[Quantity] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, value: float, unit: str | None, start: int, end: int) -> None:
        if any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        hedged = bool(HEDGES.search(text[max(0, start - 20) : start]))
        out.append(Quantity(kind, value, unit, hedged, start, end, text[start:end]))

    for m in _MONEY.finditer(text):
        num, scale = (
            (m.group("num"), m.group("scale")) if m.group("num") else (m.group("num2"), m.group("scale2"))
        )
        add("money", _value(num) * _SCALE.get((scale or "").lower(), 1.0), None, m.start(), m.end())
    for m in _PERCENT.finditer(text):
        add("percent", _value(m.group("num")), None, m.start(), m.end())
    for m in _COUNT.finditer(text):
        num = m.group("num")
        before = text[max(0, m.start() - 12) : m.start()].lower()
        after = text[m.end() : m.end() + 12].lower()
        if re.search(rf"\b(?:{_MONTHS})\.?\s*$", before) or re.match(rf"\s*(?:{_MONTHS})\b", after):
            continue  # a day of the month: the timeline's business
        if _YEAR.match(num) and not m.group("scale"):
            add("year", float(num), None, m.start(), m.end())
            continue
        value = _value(num) * _SCALE.get((m.group("scale") or "").lower(), 1.0)
        add("count", value, _unit(text, m.start(), m.end()), m.start(), m.end())
    return sorted(out, key=lambda q: q.start)


def _unit(text: str, start: int, end: int) -> str | None:
    """What a bare number counts: a casualty class when one follows closely ("25 people were hurt" and
    "30 injured" both count the injured), else the next content word, else the previous one."""
    age = _AGE.match(text[end : end + 40])
    if age:  # "a 3-year-old boy": the age of whoever follows
        return "age:" + stem(age.group(1).lower())
    if _AGO.match(text[end : end + 20]):
        return "years-ago"
    m = _CASUALTY.match(text[end : end + 60])
    if m:
        return "injured" if m.group(1).lower().startswith(("injur", "hurt", "wound")) else "killed"
    rest = text[end:]
    for _ in range(3):
        m = _NEXT_WORD.match(rest)
        if not m:
            break
        word = m.group(1).lower()
        if word in _FUNCTION:
            break
        if word in _DURATIONS or word.rstrip("s") in _DURATIONS:
            return None  # "nine years of doubts", "four hours later": durations are rarely one fact
        if word not in _FILLER:
            return stem(word)
        rest = rest[m.end() :]
    for word in reversed(_PREV_WORDS.findall(text[max(0, start - 30) : start])[-3:]):
        word = word.lower()
        if word not in _FILLER and word not in _FUNCTION:
            return stem(word)
    return None


def close(a: Quantity, b: Quantity) -> bool:
    """The same figure, allowing rounding; wider when either side hedges ("about", "roughly")."""
    if a.kind == "year" or b.kind == "year":
        return a.value == b.value
    tolerance = _HEDGED_TOLERANCE if (a.hedged or b.hedged) else _EXACT_TOLERANCE
    top = max(abs(a.value), abs(b.value))
    return top == 0 or abs(a.value - b.value) <= tolerance * top


def conflicts(a: list[Quantity], b: list[Quantity]) -> list[tuple[Quantity, Quantity]]:
    """Pairs (from a, from b) of the same kind and unit whose values differ with no match elsewhere.

    A figure also counts as mentioned when it is the sum of two figures ("140 politicians" vs "12
    leaders and 128 other politicians") or lies in a range the other side gives (see `_explained`).
    """
    out = []
    for qa in a:
        if qa.unit is None and qa.kind == "count" or _explained(qa, b, a):
            continue
        for qb in b:
            if qb.key != qa.key or _explained(qb, a, b):
                continue
            out.append((qa, qb))
            break
    return out


def _explained(q: Quantity, other: list[Quantity], own: list[Quantity]) -> bool:
    """The other side gives `q`'s figure, brackets it in a range ("155 million to 148 million years
    ago" holds 150 million), or the two sides add up to it (143 million + 2.5 million = 145.5 million)."""
    if any(_mentions(x, q) for x in other):
        return True
    for x, y in zip(other, other[1:], strict=False):
        if (
            x.kind == y.kind == q.kind
            and y.start - x.end <= 12
            and min(x.value, y.value) <= q.value <= max(x.value, y.value)
        ):
            return True
    pool = [x.value for x in other + own if x.kind == q.kind and x is not q]
    return any(
        abs(x + y - q.value) <= _EXACT_TOLERANCE * q.value for i, x in enumerate(pool) for y in pool[i + 1 :]
    )


def _mentions(x: Quantity, y: Quantity) -> bool:
    """`x` gives `y`'s figure: same value, whatever the kind ("27 billion" vs "$27 billion")."""
    if x.kind in ("money", "percent") and y.kind in ("money", "percent") and x.kind != y.kind:
        return False
    return close(x, y)


def reconcile(a: list[Quantity], b: list[Quantity]) -> str | None:
    """A note when a change "from x to y" on one side matches a percentage given on the other."""
    for one, other in ((a, b), (b, a)):
        money = [q for q in one if q.kind == "money"]
        percents = [q for q in other if q.kind == "percent"]
        if len(money) < 2 or not percents:
            continue
        x, y = money[0], money[-1]
        if x.value <= 0:
            continue
        change = 100.0 * (y.value - x.value) / x.value
        for p in percents:
            if abs(change - p.value) <= max(10.0, 0.2 * abs(p.value)):
                return (
                    f"{x.text} to {y.text} is {change:+.0f}%, consistent with {p.text}"
                    f"{' (hedged)' if p.hedged else ''}: not a dispute"
                )
    return None


__all__ = ["HEDGES", "Quantity", "close", "conflicts", "quantities", "reconcile"]
