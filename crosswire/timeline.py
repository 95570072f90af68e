"""A story's timeline: dated events from every article, relative dates resolved, one entry per event.

Dates are found by a small resolver over regular expressions rather than dateparser (about a thousand
times faster, and it keeps the precision the text gives: "2014", "last July", "Tuesday, 14 May").
Each date is resolved against the article's reference date: its publication date when known, else
an anchor the text itself gives (see `reference_date`). When neither exists, explicit dates with a
year still resolve and the rest are kept unresolved, with the words as written. An unresolved event
that another article states in the same words with a compatible date ("Tuesday" / "Tuesday, 14 May")
takes that article's date: the same event, dated by the outlet that was precise.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from .dates import DateMention, find_dates, published_date, reference_date, resolve
from .records import Article, Citation, Sentence, TimelineEvent

# Two mentions from different articles are one event when their clauses' TF-IDF cosine reaches this
# and their dates agree (read on the seeds: the same event restated scores 0.3-0.95, different events
# of one day, e.g. the three things 003 dates "Monday", stay under 0.05; an outlet's lead and another's
# "arrived in Sochi on Tuesday" score 0.30).
SAME_EVENT = 0.25
# A readable timeline: at most this many dated entries per story (those cited by most articles, then
# the earliest in their articles), and this many unresolved ones.
MAX_EVENTS, MAX_UNRESOLVED = 40, 10
# Clause boundaries for the short event text: the clause holding the date, grown to at least
# MIN_WORDS words with its neighbours.
_CLAUSE = re.compile(
    r"\s*(?:[;:]|\s[—–-]\s|—|,\s(?=(?:and|but|while|when|after|before|as|which|who|only)\b))\s*"
)
MIN_WORDS = 6


def _clause(text: str, start: int, end: int) -> str:
    """The clause of `text` around [start, end)."""
    cuts = [0]
    for m in _CLAUSE.finditer(text):
        cuts.extend((m.start(), m.end()))
    cuts.append(len(text))
    spans = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2) if cuts[i + 1] > cuts[i]]
    idx = next((k for k, (s, e) in enumerate(spans) if s <= start < e or s < end <= e), 0)
    lo = hi = idx
    while len(text[spans[lo][0] : spans[hi][1]].split()) < MIN_WORDS and (lo > 0 or hi < len(spans) - 1):
        if hi < len(spans) - 1:
            hi += 1
        else:
            lo -= 1
    return text[spans[lo][0] : spans[hi][1]].strip(' ,;:—–-"“”')


class _Event:
    __slots__ = ("date", "expression", "text", "mentions")

    def __init__(self, date: str | None, expression: str, text: str, mention: tuple[Sentence, DateMention]):
        self.date = date
        self.expression = expression
        self.text = text
        self.mentions = [mention]


def build_timeline(
    articles: Sequence[Article],
    sentences: Mapping[str, Sequence[Sentence]],
    settings: Any = None,
    docs: Any = None,
    *,
    lead: int | None = None,
) -> list[TimelineEvent]:
    """Dated events of a story, sorted by date (unresolved last), merged across articles; with
    `lead`, only those its articles' first `lead` sentences mention (dates still resolve against
    what the whole article fixes)."""
    events: list[_Event] = []
    for article in articles:
        sents = list(sentences.get(article.id, ()))
        ref = published_date(article.published) or reference_date(sents)
        for s in sents[:lead] if lead is not None else sents:
            for mention in find_dates(s.text):
                date = resolve(mention, ref, s.text)
                text = _clause(s.text, mention.start, mention.end)
                events.append(_Event(date, mention.text, text, (s, mention)))
    if not events:
        return []
    merged = _merge(events)
    return _render(merged)


def _merge(events: list[_Event]) -> list[_Event]:
    """Join the same event across articles; unresolved mentions take a compatible resolved date."""
    from .compare.align import terms, tfidf_from_terms

    m = tfidf_from_terms([terms(e.text) for e in events])
    sim = (m @ m.T).toarray()
    parent = list(range(len(events)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    import numpy as np

    i_idx, j_idx = np.nonzero(np.triu(sim >= SAME_EVENT, 1))
    order = np.argsort(-sim[i_idx, j_idx], kind="stable")
    for i, j in zip(i_idx[order].tolist(), j_idx[order].tolist(), strict=True):
        a, b = events[i], events[j]
        # within one article only a repeat: the same clause with the same date (a paragraph printed
        # twice, an embedded post's signature line); other events of one article stay apart
        if a.mentions[0][0].article == b.mentions[0][0].article and not (a.date == b.date and _same_words(a.text, b.text)):
            continue
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        di, dj = events[ri].date, events[rj].date
        if not _compatible(events[ri], events[rj]):
            continue
        keep, drop = (ri, rj) if (di is not None and (dj is None or len(di) >= len(dj))) else (rj, ri)
        parent[drop] = keep
        events[keep].mentions.extend(events[drop].mentions)
        if events[keep].date is None:
            events[keep].date = events[drop].date
    return [e for k, e in enumerate(events) if find(k) == k]


def _compatible(a: _Event, b: _Event) -> bool:
    """Same date, or one unresolved whose words fit the other's date (weekday, month, relative word)."""
    if a.date is not None and b.date is not None:
        return a.date == b.date
    if a.date is None and b.date is None:
        return _same_words(a.expression, b.expression)
    known, loose = (a, b) if a.date is not None else (b, a)
    return _fits(loose.mentions[0][1], known.date, known.mentions[0][1])


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _same_words(x: str, y: str) -> bool:
    return re.sub(r"\W+", " ", x.lower()).strip() == re.sub(r"\W+", " ", y.lower()).strip()


def _fits(loose: DateMention, date: str, known: DateMention) -> bool:
    if _same_words(loose.text, known.text):
        return True
    if loose.weekday is not None and len(date) == 10:
        return dt.date.fromisoformat(date).weekday() == loose.weekday
    if loose.month is not None and len(date) >= 7:
        return int(date[5:7]) == loose.month
    return False


def _render(events: list[_Event]) -> list[TimelineEvent]:
    def rank(e: _Event) -> tuple:
        first = min(s.index for s, _ in e.mentions)
        return (-len({s.article for s, _ in e.mentions}), first)

    dated = sorted((e for e in events if e.date), key=rank)[:MAX_EVENTS]
    undated = sorted((e for e in events if not e.date), key=rank)[:MAX_UNRESOLVED]
    out = []
    for e in sorted(dated, key=lambda e: (e.date, rank(e))) + undated:
        cites = tuple(dict.fromkeys(Citation(s.article, s.start, s.end) for s, _ in e.mentions))
        out.append(TimelineEvent(e.date, e.text, cites, resolved=e.date is not None, expression=e.expression))
    return out


def lead_event_date(timeline: Sequence[TimelineEvent], sentences: Mapping[str, Sequence[Sentence]]) -> str | None:
    """The day a story's main event happened, as its leads date it. Each article votes for the day of
    the first of its lead sentences that the timeline dates to a day (none if that sentence gives two
    days); the day with the most votes wins. None when no lead gives a day or two days tie: the text
    does not decide.

    Grouping dates a story from its headlines and leads against the publication dates; for articles
    without one this reads the timeline, where an outlet's "Tuesday, 14 May" next to a year the
    article mentions resolves, and other outlets' "on Tuesday" about the same event joined it.
    """
    cited = {c.article for event in timeline for c in event.citations}
    index = {(s.article, s.start): s.index for a in cited for s in sentences.get(a, ())}
    days: dict[str, dict[int, set[str]]] = {}  # article -> lead sentence index -> days it states
    for event in timeline:
        if event.date is None or len(event.date) != 10:
            continue
        for c in event.citations:
            at = index.get((c.article, c.start), LEAD_SENTENCES)
            if at < LEAD_SENTENCES:
                days.setdefault(c.article, {}).setdefault(at, set()).add(event.date)
    votes: dict[str, int] = {}
    for by_sentence in days.values():
        first = by_sentence[min(by_sentence)]
        if len(first) == 1:
            day = next(iter(first))
            votes[day] = votes.get(day, 0) + 1
    if not votes:
        return None
    ranked = sorted(votes.values(), reverse=True)
    if len(ranked) > 1 and ranked[0] == ranked[1]:
        return None
    return max(votes, key=votes.__getitem__)


LEAD_SENTENCES = 3  # sentences of an article that state its main event


__all__ = ["LEAD_SENTENCES", "build_timeline", "lead_event_date"]
