"""Named entities of a story, merged across articles and spellings.

spaCy's small model finds the mentions; this module decides which mentions are the same thing.
Rules, in order (each needs evidence, so two people who share a surname stay apart):
1. mentions with the same normalised surface form are one group, whatever label spaCy gave each
   time (it tags "Pompeo" PERSON, ORG and GPE in one article); the group's type is the majority label;
2. two-or-more-word person names merge when every word matches, allowing one typo per word of five
   letters or more ("Sergey"/"Sergei", "Guiado"/"Guaido": one substitution or transposition);
3. a bare surname joins the unique full name ending with it in the story; when several full names
   share it, each article's bare mentions go to the one that article names, if exactly one, and
   otherwise stay on their own (spaCy's misses are found first by scanning for known surnames);
4. a bare first name joins the unique full name starting with it (when it is the only such name);
5. an acronym in brackets ("Intermediate-Range Nuclear Forces (INF) Treaty") is an alias of the long
   form, and generic trailing words ("treaty", "agreement") do not separate a name from its short form.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import OSA

from ..records import Article, Entity
from .align import english_stop_words

# Labels kept: people, organisations, places, treaties/laws and named events. NORP ("Russian") is a
# nationality adjective far more often than an entity a reader looks up, so it is left out.
KEPT_LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "LAW", "EVENT")
_PREFIX = re.compile(r"^(?:the|a|an)\s+", re.I)
_TITLES = frozenset(
    "mr mrs ms miss dr prof president sen senator rep gov governor gen general pope king queen prince "
    "secretary minister fm pm chancellor judge justice sir lady lord rev mayor".split()
)
# Words that name the kind of thing and are often dropped: "New START Treaty" = "New START".
_GENERIC_TAIL = frozenset("treaty accord accords agreement agreements act deal pact convention".split())
_ACRONYM_IN_BRACKETS = re.compile(r"\s*\(([A-Z][A-Z0-9&.-]{1,9})\)?\s*")
_TITLE_BEFORE = re.compile(r"\b(?:Secretary|Minister|Ministry|Department|Secretary-General) of (?:the )?$")
# A word typo is tolerated only on words this long: short names differ by one letter too often
# ("Kim Jong Un"/"Kim Jong Il", "Ali"/"Eli").
_MIN_TYPO_LEN = 5


@dataclass
class _Group:
    key: str
    forms: Counter = field(default_factory=Counter)  # surface form -> mentions
    labels: Counter = field(default_factory=Counter)
    articles: dict[str, None] = field(default_factory=dict)  # ordered set
    per_article: Counter = field(default_factory=Counter)  # article id -> mentions
    first: tuple[int, int] = (1 << 30, 0)  # (article order, char offset) of the first mention

    @property
    def type(self) -> str:
        return self.labels.most_common(1)[0][0]

    @property
    def words(self) -> list[str]:
        return self.key.split()

    def absorb(self, other: _Group) -> None:
        self.per_article.update(other.per_article)
        self.forms.update(other.forms)
        self.labels.update(other.labels)
        for a in other.articles:
            self.articles.setdefault(a, None)
        self.first = min(self.first, other.first)


def _clean_surface(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"(?:'s|’s|'|’)$", "", text)
    text = _PREFIX.sub("", text)
    return text.strip(" ,.;:-–—\"“”'‘")


def _strip_titles(words: list[str]) -> list[str]:
    while len(words) > 1 and words[0].lower().rstrip(".") in _TITLES:
        words = words[1:]
    return words


def _key(surface: str) -> tuple[str, str | None]:
    """Normalised key of a surface form, and an acronym given in brackets inside it, if any."""
    acronym = None
    m = _ACRONYM_IN_BRACKETS.search(surface)
    if m:
        acronym = m.group(1).replace(".", "")
        surface = (surface[: m.start()] + " " + surface[m.end() :]).strip()
    words = _strip_titles(surface.replace("’", "'").split())
    while len(words) > 1 and words[-1].lower() in _GENERIC_TAIL:
        words = words[:-1]
    return " ".join(w.lower() for w in words).replace(".", ""), acronym


def _plausible(surface: str) -> bool:
    """Reject mentions that are not names: no letters, shouting words, glued tokens ("PutinLavrov")."""
    if not any(c.isalpha() for c in surface) or len(surface) < 2:
        return False
    words = surface.split()
    if len(words) == 1:
        w = words[0]
        if w.isupper() and len(w) > 6:  # "INCREASED" in a headline, not an acronym
            return False
        if re.search(r"[a-z][A-Z][a-z]", w) and not w.startswith(("Mc", "Mac")):
            return False  # two words glued by lost whitespace
    return not any("." in w and not w.endswith(".") and w.lower() != w.upper() and "com" in w for w in words)


def _person_tails(docs: Sequence[Any]) -> set[str]:
    """Keys of two- and three-word PERSON mentions, to cut "Russian FM Sergey Lavrov" down to the name."""
    tails = set()
    for doc in docs:
        for ent in doc.ents:
            if ent.label_ == "PERSON":
                key = _key(_clean_surface(ent.text))[0]
                if 2 <= len(key.split()) <= 3:
                    tails.add(key)
    return tails


def _trim_to_person(surface: str, tails: set[str], surnames: set[str]) -> str:
    """`surface` cut to the person it ends with, given the story's person names (`tails`, lower case,
    two or three words) and their last words (`surnames`)."""
    words = surface.split()
    for n in (3, 2):
        if len(words) > n and " ".join(words[-n:]).lower() in tails:
            return " ".join(words[-n:])
    # Outlets spell first names differently ("Sergey" here, "Sergei Lavrov" elsewhere): a known
    # person's surname after a capitalised first name is that person, whatever precedes them.
    if len(words) > 2 and words[-1].lower() in surnames and words[-2][:1].isupper() and words[-2].isalpha():
        return " ".join(words[-2:])
    return surface


def _mentions(articles: Sequence[Article], docs: Sequence[Any]) -> tuple[dict[str, _Group], dict[str, list]]:
    groups: dict[str, _Group] = {}
    covered: dict[str, list[tuple[int, int]]] = {}
    acronyms: dict[str, str] = {}
    tails = _person_tails(docs)
    surnames = {t.rsplit(" ", 1)[-1] for t in tails}  # once per story, not once per mention
    for order, (article, doc) in enumerate(zip(articles, docs, strict=True)):
        covered[article.id] = [(e.start_char, e.end_char) for e in doc.ents]
        for ent in doc.ents:
            if ent.label_ not in KEPT_LABELS:
                continue
            if _TITLE_BEFORE.search(article.text[max(0, ent.start_char - 30) : ent.start_char]):
                continue  # "State" in "Secretary of State" is part of a job title
            surface = _clean_surface(ent.text)
            if not _plausible(surface):
                continue
            trimmed = _trim_to_person(surface, tails, surnames)
            label = "PERSON" if trimmed != surface else ent.label_
            surface = trimmed
            if surface.count("(") > surface.count(")"):
                surface += ")"  # spaCy often ends the entity before the closing bracket
            key, acronym = _key(surface)
            if not key:
                continue
            g = groups.setdefault(key, _Group(key))
            g.forms[surface] += 1
            g.labels[label] += 1
            g.articles.setdefault(article.id, None)
            g.per_article[article.id] += 1
            g.first = min(g.first, (order, ent.start_char))
            if acronym:
                acronyms[acronym.lower()] = key
    _scan_acronyms(groups, articles, covered)
    # An acronym seen alone ("INF") is the long form it was introduced with.
    for short, long_key in acronyms.items():
        if short in groups and short != long_key and long_key in groups:
            groups[long_key].absorb(groups.pop(short))
    _merge_initials(groups)
    _merge_qualified_places(groups)
    return groups, covered


_ACRONYM = re.compile(r"(?<![\w-])([A-Z][A-Z0-9]{2,5})(?![\w-])")
# Capitalised function words and page words are not acronyms ("THE", "NEW", "VIDEO").
_PAGE_WORDS = frozenset("new video photo update close watch live read".split())


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    return english_stop_words() | _PAGE_WORDS


def _scan_acronyms(groups: dict[str, _Group], articles: Sequence[Article], covered: dict[str, list]) -> None:
    """Acronyms spaCy did not tag ("the 2015 JCPOA nuclear deal"), kept when two articles use them:
    one article's capitals may be a shouted headline word, two outlets agreeing make it a name."""
    seen: dict[str, dict[str, list[int]]] = {}
    common = _common_words()
    for article in articles:
        spans = covered.get(article.id, [])
        for m in _ACRONYM.finditer(article.text):
            word = m.group(1)
            if word.lower() in groups or word.lower() in common or any(s <= m.start() < e for s, e in spans):
                continue
            seen.setdefault(word, {}).setdefault(article.id, []).append(m.start())
    order = {a.id: i for i, a in enumerate(articles)}
    for word, where in seen.items():
        if len(where) < 2:
            continue
        g = groups.setdefault(word.lower(), _Group(word.lower()))
        for art, starts in where.items():
            g.forms[word] += len(starts)
            g.labels["ORG"] += len(starts)
            g.articles.setdefault(art, None)
            g.per_article[art] += len(starts)
            g.first = min(g.first, (order[art], starts[0]))


def _merge_initials(groups: dict[str, _Group]) -> None:
    """ "US" and "United States" are one place when exactly one long name has those initials."""
    for short in [k for k in groups if " " not in k and 2 <= len(k) <= 5]:
        forms = groups[short].forms
        if not any(f.replace(".", "").isupper() for f in forms):
            continue
        longs = [
            g
            for k, g in groups.items()
            if len(g.words) >= 2 and "".join(w[0] for w in k.replace("-", " ").split()) == short
        ]
        if len(longs) == 1:
            longs[0].absorb(groups.pop(short))


def _merge_qualified_places(groups: dict[str, _Group]) -> None:
    """ "Washington, DC" and "Paris, France" are the place before the comma when that is named too."""
    for key in [k for k in groups if "," in k]:
        head = key.split(",")[0].strip()
        if head in groups and groups[head].type in ("GPE", "LOC", "FAC"):
            groups[head].absorb(groups.pop(key))


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < _MIN_TYPO_LEN or a[0] != b[0]:
        return False
    return OSA.distance(a, b) <= 1


def same_name(a: str, b: str) -> bool:
    """True when two multi-word names differ at most by a typo or transliteration per word.

    "Juan Guiado" / "Juan Guaido", "Sergei Lavrov" / "Sergey Lavrov"; not "John Smith" / "Jane Smith".
    """
    wa, wb = a.lower().replace(".", "").split(), b.lower().replace(".", "").split()
    return len(wa) == len(wb) >= 2 and all(_same_word(x, y) for x, y in zip(wa, wb, strict=True))


def _is_person(g: _Group) -> bool:
    return g.labels["PERSON"] > 0 and g.labels["PERSON"] * 2 >= sum(g.labels.values())


def _merge_people(
    groups: dict[str, _Group], articles: Sequence[Article], covered: dict[str, list[tuple[int, int]]]
) -> None:
    full = [g for g in groups.values() if len(g.words) >= 2 and _is_person(g)]
    full.sort(key=lambda g: (-sum(g.forms.values()), g.first))
    # Rule 2: spelling variants of a full name.
    merged: list[_Group] = []
    for g in full:
        for m in merged:
            if len(m.words) == len(g.words) and all(
                _same_word(a, b) for a, b in zip(m.words, g.words, strict=True)
            ):
                m.absorb(groups.pop(g.key))
                break
        else:
            merged.append(g)
    _scan_surnames(groups, merged, articles, covered)
    # Rules 3 and 4: bare surnames and first names, decided article by article.
    for g in [g for g in list(groups.values()) if len(g.words) == 1]:
        word = g.words[0]
        candidates = [m for m in merged if _same_word(m.words[-1], word)]
        if not candidates and _is_person(g):
            candidates = [m for m in merged if m.words[0] == word]
        if not candidates:
            continue
        if len(candidates) == 1:
            candidates[0].absorb(groups.pop(g.key))
            continue
        # Several people share the word: an article naming exactly one of them decides for its own
        # mentions; elsewhere the bare name stays on its own.
        for art in list(g.articles):
            local = [c for c in candidates if art in c.articles]
            if len(local) == 1:
                local[0].absorb(_take_article(g, art))
        if not g.articles:
            groups.pop(g.key)


def _take_article(g: _Group, art: str) -> _Group:
    """Split the mentions of one article off a group (forms and labels shared out proportionally)."""
    n = g.per_article.pop(art, 0)
    g.articles.pop(art, None)
    part = _Group(g.key)
    part.articles[art] = None
    part.per_article[art] = n
    part.forms[g.forms.most_common(1)[0][0]] = n
    part.labels[g.type] = n
    part.first = g.first
    return part


def _scan_surnames(
    groups: dict[str, _Group],
    people: list[_Group],
    articles: Sequence[Article],
    covered: dict[str, list[tuple[int, int]]],
) -> None:
    """Bare surnames of the story's people that spaCy's small model missed ("Merkel spoke in Berlin").

    Only words already known as the last name of a full name in the story, capitalised, outside every
    entity spaCy found, and not themselves the name of a place or organisation in the story.
    """
    surnames = {}
    for p in people:
        form = next((f for f, _ in p.forms.most_common() if len(f.split()) >= 2), None)
        last = form.split()[-1] if form else None
        if last and len(last) >= 3 and last[0].isupper():
            key = last.lower()
            if key in groups and not _is_person(groups[key]) and groups[key].labels["PERSON"] == 0:
                continue
            surnames[last] = key
    if not surnames:
        return
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, surnames)) + r")(?:'s|’s)?(?![\w-])")
    for order, article in enumerate(articles):
        spans = covered.get(article.id, [])
        for m in pattern.finditer(article.text):
            if any(s <= m.start() < e for s, e in spans):
                continue
            word = m.group(1)
            g = groups.setdefault(surnames[word], _Group(surnames[word]))
            g.forms[word] += 1
            g.labels["PERSON"] += 1
            g.articles.setdefault(article.id, None)
            g.per_article[article.id] += 1
            g.first = min(g.first, (order, m.start()))


def _name(g: _Group) -> str:
    """The most common full form: for people the most mentioned name of two or more words; for the
    rest the most mentioned form without brackets, the longer on a tie."""
    forms = list(g.forms)
    if g.type == "PERSON":
        full = [f for f in forms if len(_strip_titles(f.split())) >= 2]
        name = max(full or forms, key=lambda f: g.forms[f])
        return " ".join(_strip_titles(name.split()))
    plain = [f for f in forms if "(" not in f] or forms
    return max(plain, key=lambda f: (g.forms[f], len(f)))


def extract_entities(articles: Sequence[Article], settings: Any = None, docs: Any = None) -> list[Entity]:
    """People, organisations, places and treaties of a story, merged across articles and spellings."""
    if not articles:
        return []
    if docs is None:
        from ..nlp import parse

        docs = list(parse([a.text for a in articles], batch_size=getattr(settings, "batch_size", 64)))
    if isinstance(docs, Mapping):
        docs = [docs[a.id] for a in articles]
    groups, covered = _mentions(articles, docs)
    _merge_people(groups, articles, covered)
    order = {a.id: i for i, a in enumerate(articles)}
    out = []
    ranked = sorted(groups.values(), key=lambda g: (-len(g.articles), -sum(g.forms.values()), g.first))
    surnames = {g.words[-1] for g in ranked if g.type == "PERSON"}
    for g in ranked:
        if "-" in g.key and g.type != "PERSON" and all(p in surnames for p in g.key.split("-")):
            continue  # "Lavrov-Pompeo talks": two people named together, not an organisation
        aliases = tuple(sorted(g.forms, key=lambda f: (-g.forms[f], f)))
        arts = tuple(sorted(g.articles, key=order.__getitem__))
        out.append(Entity(name=_name(g), type=g.type, aliases=aliases, articles=arts))
    return out


__all__ = ["extract_entities", "same_name"]
