"""What an article says, as weighted terms: its headline and lead count more than the body.

An editor reads the headline and the first paragraph to know which event a report is about; the body
drifts into background and earlier events. So terms are counted with a weight by zone: headline
(the title, or the first sentence when there is no title), lead (the next sentences), then a capped
slice of the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..records import Article
from ..segment import split_spans

# Zone weights: the headline names the event, the lead says where/when/who, the body adds context.
# Tried 1/1/1 (plain TF-IDF, ~0.90 on news_cluster) and 4/2/1; the headline-heavy mix is what an editor
# reads first and held up best on both development sets.
HEADLINE_WEIGHT = 3.0
LEAD_WEIGHT = 2.0
BODY_WEIGHT = 1.0
LEAD_SENTENCES = 3
# Long features and live blogs wander; the first ~1,500 words carry the event.
BODY_CHARS = 9000

_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*[A-Za-z0-9]|[0-9][0-9.,]*[0-9]|[A-Za-z0-9]")
_URLISH = re.compile(r"https?://\S+|www\.\S+")
# English function words, plus the reporting verbs and fillers every news article uses (they say
# nothing about which event it is). Written out here so grouping does not import scikit-learn.
_STOP = frozenset(
    """a about above after again against all almost along already also although always am among an and
    another any anyone anything are around as at back be became because become been before being
    below between both but by can cannot could did do does doing done down during each either else
    enough even ever every few for from further get gets got had has have having he her here hers
    herself him himself his how however i if in into is it its itself just last least less like many
    may me might more most much must my myself neither never no nor not now of off often on once one
    only or other others otherwise our ours ourselves out over own per perhaps put rather same several
    she should since so some still such than that the their theirs them themselves then there these
    they this those though through thus to too toward towards two under until up upon us very via was
    we well were what whatever when whenever where whether which while who whole whom whose why will
    with within without would yet you your yours yourself yourselves
    across afterwards alone amongst anyhow anyway anywhere becoming becomes beforehand behind beside
    besides beyond everyone everything everywhere former formerly hence hereby herein latter meanwhile
    moreover mostly namely nevertheless nobody none nothing nowhere onto sometime sometimes somewhere
    something someone thereafter thereby therefore therein thereupon whereas whereby wherever whoever
    indeed eg ie etc inc ltd co next part show made make found full give go keep
    move name side take top bottom front find see seem seemed seems seeming call describe due
    elsewhere except hereafter hereupon latterly noone please re somehow thence throughout thru
    together un de whence whereafter wherein whereupon whither cant couldnt hasnt mine
    said says say saying told tell according reported report reports news new year years time
    mr mrs ms s t don didn doesn isn wasn aren weren won wouldn couldn shouldn 've 'll 're 's 'd""".split()
)


@dataclass(frozen=True, slots=True)
class Zones:
    """The headline, the lead and the body of an article, as plain strings."""

    headline: str
    lead: str
    body: str
    titled: bool = False  # the headline is the article's own title, not its first sentence


def zones(article: Article) -> Zones:
    """Split an article into headline / lead / body (title wins; a repeated title is dropped)."""
    text = _URLISH.sub(" ", article.text or "")
    spans = split_spans(text)
    sentences = [text[s:e] for s, e in spans]
    title = (article.title or "").strip()
    if title and sentences and _same(sentences[0], title):
        sentences = sentences[1:]
    if not title and sentences:
        title, sentences = sentences[0], sentences[1:]
    while sentences and _same(sentences[0], title):  # the title repeated at the top of the body
        sentences = sentences[1:]
    lead = " ".join(sentences[:LEAD_SENTENCES])
    body = " ".join(sentences[LEAD_SENTENCES:])[:BODY_CHARS]
    return Zones(title, lead, body, titled=bool((article.title or "").strip()))


def _same(a: str, b: str) -> bool:
    norm = re.compile(r"\W+")
    return norm.sub(" ", a).strip().lower() == norm.sub(" ", b).strip().lower()


def tokens(text: str) -> list[str]:
    """Lower-cased content words and numbers, stop words out, plural/possessive 's' folded."""
    out = []
    for raw in _TOKEN.findall(text):
        tok = _normal(raw)
        if tok:
            out.append(tok)
    return out


@lru_cache(maxsize=200_000)
def _normal(raw: str) -> str:
    """The folded form of one raw token, or "" for a stop word (cached: news reuses its words)."""
    tok = raw.lower().replace("’", "'")
    if tok.endswith("'s"):
        tok = tok[:-2]
    if len(tok) < 2 or tok in _STOP:
        return ""
    return _fold(tok)


def _fold(tok: str) -> str:
    # A light plural fold ("pirates" -> "pirate", "talks" -> "talk") so zone counts line up; full
    # stemming merged unrelated words in trials ("police"/"policy").
    if len(tok) > 4 and tok.endswith("ies"):
        return tok[:-3] + "y"
    if len(tok) > 3 and tok.endswith("s") and not tok.endswith(("ss", "us", "is")):
        return tok[:-1]
    return tok


def weighted_terms(z: Zones) -> dict[str, float]:
    """Term -> zone-weighted count for one article."""
    counts: dict[str, float] = {}
    for text, weight in ((z.headline, HEADLINE_WEIGHT), (z.lead, LEAD_WEIGHT), (z.body, BODY_WEIGHT)):
        for tok in tokens(text):
            counts[tok] = counts.get(tok, 0.0) + weight
    return counts


_NAME_RUN = re.compile(r"\b[A-Z][\w'’.-]*[\w]|\b\d[\d,.]*\d\b|\b\d\b")


def names(z: Zones) -> dict[str, float]:
    """Proper names and numbers of the headline and lead: who, where and how many.

    Two occurrences of the same kind of event differ first in these (Tara Reid vs Lindsay Lohan,
    23 vs 26 pirates, INS Mysore vs INS Sukanya), while the event words are shared. Consecutive
    capitalised words are kept whole ("betty ford center") so a name is one feature, not three.
    """
    counts: dict[str, float] = {}
    for text, weight in ((z.headline, HEADLINE_WEIGHT), (z.lead, LEAD_WEIGHT)):
        run: list[str] = []
        last_end = -2
        for m in _NAME_RUN.finditer(text):
            if text[last_end : m.start()] != " ":  # only a single space joins words into one name
                _flush(run, counts, weight)
                run = []
            run.append(m.group(0))
            last_end = m.end()
        _flush(run, counts, weight)
    return counts


def _flush(run: list[str], counts: dict[str, float], weight: float) -> None:
    words = [w.lower().replace("’", "'") for w in run]
    while words and words[0] in _STOP:  # sentence-initial "The", "In", "After" ...
        words = words[1:]
    if words:
        key = " ".join(words)
        counts[key] = counts.get(key, 0.0) + weight
