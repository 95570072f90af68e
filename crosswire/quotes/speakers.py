"""Who a source mention refers to, within one article: names, surnames, pronouns and role nouns.

Deliberately simple coreference, and conservative: a mention resolves only when the article makes
the referent clear, otherwise the speaker is None (a wrong name in a briefing is worse than none).
- a full name ("Sergei Lavrov") is itself; a surname ("Lavrov") is the full name introduced with it;
- "he"/"she" is the nearest preceding person mention outside quotation marks, preferring the
  grammatical subject (the centering heuristic: "Lavrov told Pompeo ... He added" is Lavrov);
- a role noun ("the Russian diplomat") is the one person introduced with a compatible role and no
  conflicting nationality ("Russian Foreign Minister Sergei Lavrov").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from .gender import person_gender, pronoun_gender

_TITLES = {
    "mr", "mrs", "ms", "miss", "dr", "sir", "president", "secretary", "minister", "senator", "sen",
    "rep", "gov", "governor", "judge", "prime", "foreign", "general", "gen", "pope", "king", "queen",
    "prince", "chancellor", "mayor", "director", "chairman", "ambassador", "vice", "former", "state",
    "speaker", "leader", "deputy", "justice", "sheriff", "spokesman", "spokeswoman", "fm",
    # the department before an office: "Defense Secretary Jim Mattis", "Interior Minister X"
    "defense", "defence", "interior", "finance", "health", "education", "energy", "treasury",
    "commerce", "homeland", "labor", "labour", "trade", "transport", "agriculture",
}  # fmt: skip
# Role nouns that can name the same office in different words; a general, topic-free lexicon.
_ROLE_GROUPS = [
    {"diplomat", "minister", "secretary", "fm", "ambassador", "envoy", "counterpart"},
    {"president", "leader", "head", "premier", "chancellor", "chief", "king", "ruler"},
    {"spokesman", "spokeswoman", "spokesperson", "representative", "aide", "adviser"},
    {"senator", "congressman", "congresswoman", "lawmaker", "legislator", "representative"},
    {"candidate", "nominee", "contender", "hopeful"},
    {"governor", "mayor", "official"},
    {"director", "chief", "head", "chairman", "chairwoman", "ceo"},
]
_DEMONYMS = {
    "american": "us", "america": "us", "us": "us", "usa": "us", "united": "us", "washington": "us",
    "british": "uk", "britain": "uk", "uk": "uk", "english": "uk", "french": "fr", "france": "fr",
    "dutch": "nl", "netherlands": "nl", "chinese": "cn", "china": "cn", "moscow": "ru", "russia": "ru",
    "russian": "ru", "kremlin": "ru", "german": "de", "germany": "de", "iranian": "ir", "iran": "ir",
    "ukrainian": "ua", "ukraine": "ua", "israeli": "il", "israel": "il", "syrian": "sy", "syria": "sy",
}  # fmt: skip
_HE_SHE = {"he", "she", "him", "her"}
_QUOTE_CHARS = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb"
# How far back (sentences) a pronoun looks for its antecedent; further back is a guess.
_PRONOUN_WINDOW = 4
# Nouns that describe one person without naming them; as a sentence's subject they can be what a
# following "he"/"she" refers to.
_PERSON_NOUNS = frozenset(
    "man woman boy girl witness resident officer driver victim survivor father mother son daughter "
    "wife husband brother sister friend neighbour neighbor owner worker student teacher doctor "
    "lawyer attorney suspect gunman attacker passenger pilot customer employee".split()
)


def mention_kind(tok: Any) -> str:
    """A coarse type of the source mention, used as a model feature."""
    low = tok.lower_
    if low in _HE_SHE:
        return "he"
    if low in ("they", "them"):
        return "they"
    if low in ("i", "we", "you"):
        return "i_we"
    if tok.pos_ == "PRON":
        return "pron"
    if tok.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"):
        return tok.ent_type_.lower()
    if tok.pos_ == "PROPN":
        return "propn"
    if tok.pos_ == "NOUN":
        return "nouns" if tok.tag_ == "NNS" else "noun"
    return "other"


def mention_span(tok: Any) -> tuple[int, int]:
    """Character span of the noun phrase headed by `tok`, without relative clauses or appositions."""
    left = tok
    for t in reversed(list(tok.lefts)):
        if t.i != left.i - 1 or t.dep_ not in ("det", "amod", "compound", "poss", "nummod", "nmod", "case"):
            break
        left = t
    # a possessor's subtree ("Clinton's campaign") is part of the phrase
    if left.dep_ == "poss":
        left = left.left_edge
    right = tok
    for t in tok.rights:
        if t.dep_ in ("compound", "flat", "case") and t.i == right.i + 1:
            right = t
        else:
            break
    if tok.ent_iob_ != "O":
        ent = entity_of(tok)
        if ent is not None:
            left = min(left, ent[0], key=lambda t: t.i)
            right = max(right, ent[-1], key=lambda t: t.i)
    return left.idx, right.idx + len(right.text)


def entity_of(tok: Any) -> Any | None:
    """The named-entity span holding `tok`, read off its IOB tags (`doc.ents` would build a Span
    for every entity of the article on each call)."""
    if tok.ent_iob_ in ("O", ""):
        return None
    doc, start, end = tok.doc, tok.i, tok.i + 1
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end]


@dataclass(frozen=True, slots=True)
class _Person:
    token: int  # index of the mention's last token
    name: str
    subject: bool
    roles: frozenset[str]
    depth: int  # steps from the mention up to its sentence's root
    bare: bool = False  # mentioned by surname alone ("Thurman"), the name read from elsewhere


class Resolver:
    """Resolves source mentions of one parsed article to full names."""

    def __init__(self, doc: Any, quoted: list[bool], text: str | None = None) -> None:
        self.doc = doc
        self.quoted = quoted
        # The tagger's PERSON label is unreliable on single surnames ("Lavrov" comes out ORG), so
        # a surname is any last word of a PERSON entity, and every run of proper nouns ending in
        # one is a mention of that person.
        surnames = {e[-1].lower_ for e in doc.ents if e.label_ == "PERSON"}
        self.full: dict[str, list[tuple[int, str]]] = {}  # surname -> [(token, full name)]
        text = doc.text if text is None else text  # spaCy rebuilds doc.text on every access
        for m in re.finditer(r"\((\w+)\)\s+([A-Z]\w+)", text):  # "President (Donald) Trump"
            tok = doc.char_span(m.start(2), m.end(2))
            if tok is not None:
                surnames.add(m.group(2).lower())
                self.full.setdefault(m.group(2).lower(), []).append(
                    (tok.end - 1, f"{m.group(1)} {m.group(2)}")
                )
        runs = []
        # The tests below read plain arrays: a spaCy Token for every word of the article cost more
        # than the few surname runs it finds. A tag compares equal exactly when its hash does.
        from spacy.attrs import HEAD, LOWER, TAG

        n = len(doc)
        cols = doc.to_array([LOWER, TAG, HEAD]).tolist() if n else []
        strings = doc.vocab.strings
        nnp, nnps = strings.add("NNP"), strings.add("NNPS")
        self.heads = [i + (h if h < 2**63 else h - 2**64) for i, (_, _, h) in enumerate(cols)]  # HEAD: offset
        for i, (low, tag, _) in enumerate(cols):
            if (
                (tag == nnp or tag == nnps)
                and (i + 1 == n or cols[i + 1][1] != nnp)
                and strings[low] in surnames
            ):
                t = doc[i]
                words = _strip_titles(_propn_run(doc, t.i))
                runs.append((t.i, words))
                if len(words) >= 2:
                    self.full.setdefault(t.lower_, []).append((t.i, " ".join(words)))
        self.surnames = surnames
        self.sent_starts = [s.start for s in doc.sents]
        self.people: list[_Person] = []
        # full name -> how the article first introduces that person ("Kremlin spokesman")
        self.role_of: dict[str, str] = {}
        for i, words in runs:
            name = " ".join(words) if len(words) >= 2 else self.surname(doc[i].text, i) or doc[i].text
            if name and not quoted[i]:
                tok = doc[i]
                subject = tok.dep_ in ("nsubj", "nsubjpass") or (
                    tok.dep_ in ("compound", "appos") and tok.head.dep_ in ("nsubj", "nsubjpass")
                )
                first = i - len(words) + 1
                self.people.append(
                    _Person(i, name, subject, frozenset(_roles(doc, first, i)), self._depth(i), len(words) < 2)
                )
                if len(words) >= 2 and name not in self.role_of:
                    role = role_phrase(doc, first, i)
                    if role:
                        self.role_of[name] = role

    def _depth(self, i: int) -> int:
        """Steps from token i up to its sentence's root (at most 50)."""
        heads, n = self.heads, 0
        while heads[i] != i and n < 50:
            i = heads[i]
            n += 1
        return n

    def surname(self, word: str, at: int) -> str | None:
        """The full name introduced with this surname, nearest before `at` (or the only one)."""
        options = self.full.get(word.lower(), [])
        before = [name for i, name in options if i <= at]
        if before:
            return before[-1]
        names = {name for _, name in options}
        return names.pop() if len(names) == 1 else None

    def resolve(self, tok: Any) -> str | None:
        """The full name `tok`'s mention refers to, or None when the text does not make it clear."""
        if tok.tag_ in ("WP", "WDT") and tok.head.dep_ in ("relcl", "acl") and tok.head.head.i != tok.head.i:
            target = tok.head.head  # "Pompeo, who said ..." is Pompeo
            if target.dep_ == "appos" and target.head.pos_ == "PROPN":
                target = target.head  # "Paul Delane, an American who witnessed ..." is Paul Delane
            return self.resolve(target)
        joint = [c for c in tok.conjuncts if c.i > tok.i] if tok.dep_ != "conj" else []
        if joint:
            # "Pompeo and Lavrov said": a joint statement is both names'; if one of them is not
            # clear ("Moscow and Washington's top diplomats"), nobody is named
            names = [self._resolve_one(t) for t in (tok, *joint)]
            if any(n is None for n in names) or len(set(names)) < len(names):
                return None
            return ", ".join(names[:-1]) + " and " + names[-1]
        return self._resolve_one(tok)

    def _resolve_one(self, tok: Any) -> str | None:
        kind = mention_kind(tok)
        if kind == "he":
            return self._pronoun(tok)
        if tok.pos_ == "PROPN" and (self.full.get(tok.lower_) or tok.lower_ in self.surnames):
            words = _strip_titles(_propn_run(self.doc, tok.i))
            if len(words) >= 2:
                return " ".join(words)
            # a surname the article never expands is the name as introduced
            return self.surname(tok.text, tok.i) or (words[0] if words else None)
        for c in tok.children:  # "his spokesman Dmitry Peskov", "the F.B.I. director, James Comey"
            if c.dep_ == "appos" and c.pos_ == "PROPN":
                return self.resolve(c)
        if kind == "norp" and tok.tag_ == "NNP" and any(c.dep_ == "det" for c in tok.children):
            return None  # "the 46-year-old South African": one person described, not a group named
        if kind in ("org", "gpe", "norp"):
            ent = entity_of(tok)
            if ent is None:
                return None
            text = ent.text
            return text[4:] if text.lower().startswith("the ") else text
        if kind in ("noun", "propn"):
            return self._role(tok)
        return None

    def _pronoun(self, tok: Any) -> str | None:
        """The nearest sentence (this one up to `tok`, then back) that refers to anyone decides: its
        main clause's subject ("Pompeo said he came because Trump is committed. He said ..." is
        Pompeo), else its last person mention. A main-clause subject that describes a person instead
        of naming one counts as that person ("The top U.S. diplomat warned Moscow to make peace with
        Kyiv. He said ..." is the diplomat, not Kyiv)."""
        sent_starts = self.sent_starts
        idx = sent_starts.index(tok.sent.start)
        wanted = pronoun_gender(tok.text)  # "she" is never a man the text or his first name marks
        for k in range(idx, max(-1, idx - _PRONOUN_WINDOW - 1), -1):
            lo = sent_starts[k]
            hi = min(tok.i, sent_starts[k + 1] if k + 1 < len(sent_starts) else len(self.doc))
            mentioned = [p for p in self.people if lo <= p.token < hi]
            people = [fit for p in mentioned if (fit := self._agreeing(p, wanted)) is not None]
            if any(p.subject and p.bare for p in mentioned) and not any(p.subject for p in people):
                # the sentence's subject, a bare surname, cannot be meant as read ("she" after
                # "Thurman", read as her father): which Thurman is unclear, another name a guess
                return None
            subjects = [(p.depth, -p.token, p.name) for p in people if p.subject]
            subjects += self._described_subjects(lo, hi, {p.token for p in mentioned}, wanted)
            if subjects:
                return min(subjects, key=lambda x: x[:2])[2]
            if people:
                return people[-1].name
        return None

    def _agreeing(self, p: _Person, wanted: str | None) -> _Person | None:
        """The person, if they can be what the pronoun refers to. A bare surname ("Thurman") stands
        for a bearer of that surname the article names: if the one it was read as is of the other
        sex (Robert Thurman, her father), it is the one bearer who fits (Uma Thurman), if only one
        does; if the article names no bearer who fits, it is nobody the pronoun can mean."""
        sex = person_gender(p.name, p.roles)
        if not p.bare:
            return p if sex in (None, wanted) else None
        bearers = {n for _, n in self.full.get(self.doc[p.token].lower_, [])}
        if " " in p.name:
            bearers.add(p.name)
        fits = [n for n in sorted(bearers) if person_gender(n) in (None, wanted)]
        if bearers and not fits:
            return None
        if sex not in (None, wanted):
            return replace(p, name=fits[0]) if len(fits) == 1 else None
        return p

    def _described_subjects(
        self, lo: int, hi: int, named: set[int], wanted: str | None = None
    ) -> list[tuple[int, int, str | None]]:
        """(depth, -token, name) of the subjects in tokens [lo, hi) that describe a person instead of
        naming one: a role noun ("the Russian diplomat") or a person noun ("a witness"). The name is
        None when the description does not resolve (an indefinite "a spokesman" introduces someone
        new): such a subject is still the antecedent, so a pronoun after it stays unresolved rather
        than jump to an earlier name. Subjects holding a name (`named`) are counted by the caller."""
        out: list[tuple[int, int, str | None]] = []
        for i in range(lo, hi):
            t = self.doc[i]
            # only the main clause's subject: "She said her mother gave her courage" is still about her
            if t.dep_ not in ("nsubj", "nsubjpass") or t.head.dep_ != "ROOT" or t.tag_ not in ("NN", "NNP"):
                continue
            if self.quoted[i]:
                continue
            low = t.lower_
            if not (low in _PERSON_NOUNS or any(low in g for g in _ROLE_GROUPS)):
                continue
            if any(x.i in named for x in t.subtree):  # "Ex-Facebook president Sean Parker"
                continue
            if person_gender("", {low}) not in (None, wanted):
                continue  # "the spokeswoman" is not the antecedent of "he"
            indefinite = any(c.dep_ == "det" and c.lower_ in ("a", "an", "another") for c in t.children)
            name = None if indefinite else self._role(t)
            if name and person_gender(name) not in (None, wanted):
                continue
            out.append((1, -i, name))
        return out

    def _role(self, tok: Any) -> str | None:
        if tok.tag_ not in ("NN", "NNP") or any(c.dep_ == "poss" for c in tok.children):
            return None  # plural roles are groups; "his spokesman" is not "him"
        # "U.S." -> "us", as the demonym table spells it
        words = {t.lower_.replace(".", "") for t in tok.subtree if t.i <= tok.i and t.pos_ in ("ADJ", "PROPN", "NOUN")}
        head = tok.lower_
        groups = [g for g in _ROLE_GROUPS if head in g]
        if not groups:
            return None
        nations = {_DEMONYMS[w] for w in words if w in _DEMONYMS}
        best: dict[str, tuple[int, int]] = {}
        for p in self.people:
            if p.token >= tok.i or not p.roles:
                continue
            if not (head in p.roles or any(g & p.roles for g in groups)):
                continue
            p_nations = {_DEMONYMS[w] for w in p.roles if w in _DEMONYMS}
            if nations and p_nations and not nations <= p_nations:
                continue
            # the nationality first, then the other words of the role ("prime" in "the prime minister")
            best[p.name] = (len(nations & p_nations), len((words - {head}) & p.roles))
        if not best:
            return None
        top = max(best.values())
        winners = [n for n, s in best.items() if s == top]
        return winners[0] if len(winners) == 1 else None


def _propn_run(doc: Any, last: int) -> list[Any]:
    """The proper nouns ending at `last` ("US Secretary of State Mike Pompeo" -> State Mike Pompeo)."""
    i = last
    while i > 0 and doc[i - 1].tag_ in ("NNP", "NNPS") and not doc[i - 1].is_punct and last - i < 5:
        i -= 1
    return list(doc[i : last + 1])


def _strip_titles(span: Any) -> list[str]:
    words = [t.text for t in span if not t.is_punct and t.text not in _QUOTE_CHARS]
    while words and (
        words[0].lower().rstrip(".") in _TITLES
        or words[0].lower().replace(".", "") in _DEMONYMS  # "U.S. President Donald Trump"
        or words[0][0].islower()
    ):
        words = words[1:]
    words = [w for w in words if w not in ("'s", "\u2019s")]
    return words


# Words that say what a person is (a title, an office, a profession), for the role shown with a name.
_ROLE_WORDS = _TITLES | frozenset().union(*_ROLE_GROUPS) | frozenset(
    """coach founder analyst professor economist researcher scientist editor reporter correspondent
    executive manager owner commissioner officer colonel captain sergeant detective prosecutor lawyer
    attorney activist adviser advisor witness author actor actress singer rapper producer""".split()
)
_ROLE_MAX_WORDS = 8
_HONORIFICS = frozenset("mr mrs ms miss dr sir".split())  # "Dr." alone says nothing of what they do


def role_phrase(doc: Any, first: int, last: int) -> str | None:
    """How a full-name mention (tokens first..last) is introduced: the title before it ("Kremlin
    spokesman Dmitry Peskov", "U.S. Secretary of State Mike Pompeo") or an apposition after it ("Mark
    Durbin, a spokesman for First Energy"). Only a phrase holding a word for an office or a
    profession counts, starting with the name that office belongs to ("Credit Suisse chief
    executive"); None otherwise."""
    start = first
    while start > 0 and first - start < 7:
        t = doc[start - 1]
        # "of"/"for" inside an office's name: "Secretary of State", "Special Representative for Iran"
        if t.is_punct or not (t.pos_ in ("PROPN", "NOUN", "ADJ") or t.lower_ in ("of", "for")):
            break
        start -= 1
    words = list(doc[start:first])
    roles = [k for k, t in enumerate(words) if t.lower_.rstrip(".") in _ROLE_WORDS]
    if roles and not all(t.lower_.rstrip(".") in _HONORIFICS for t in words[roles[0] :]):
        # from the first office word, back over the name it belongs to: "Credit Suisse chief executive"
        begin = roles[0]
        while begin > 0 and words[begin - 1].pos_ in ("PROPN", "ADJ"):
            begin -= 1
        words = words[begin:]
        while words and words[0].lower_ in ("of", "for"):
            words = words[1:]
        return " ".join(t.text for t in words) or None
    for c in doc[last].children:
        if c.dep_ == "appos" and c.i > last:
            span = [t for t in c.subtree if not (t.i == c.left_edge.i and t.dep_ == "det")]
            if 0 < len(span) <= _ROLE_MAX_WORDS and any(t.lower_ in _ROLE_WORDS for t in span):
                return doc[span[0].i : span[-1].i + 1].text.strip(" ,")
    return None


def _roles(doc: Any, first: int, last: int) -> set[str]:
    """Words introducing a person: the titles before the name and an apposition after it."""
    out: set[str] = set()
    i = first - 1
    while i >= 0 and first - i <= 8:
        t = doc[i]
        if t.pos_ in ("PROPN", "NOUN", "ADJ") or t.lower_ == "of":
            out.add(t.lower_.replace(".", ""))
            i -= 1
        else:
            break
    for t in doc[first : last + 1]:
        if t.lower_.rstrip(".") in _TITLES:
            out.add(t.lower_.rstrip("."))
    root = doc[last]
    for c in root.children:
        if c.dep_ == "appos":
            out.update(x.lower_.replace(".", "") for x in c.subtree if x.pos_ in ("PROPN", "NOUN", "ADJ"))
    if root.dep_ == "appos":
        out.update(x.lower_ for x in root.head.subtree if x.i < first and x.pos_ in ("PROPN", "NOUN", "ADJ"))
    return out
