"""Candidate attributions read off spaCy's dependency parse and the quotation marks.

Every verb that governs a clause, an object, an infinitive or a prepositional phrase proposes that
phrase as possible reported content; every quotation proposes itself with the verb that governs it.
Most candidates are not attributions ("she ate lunch"): a small model (`model.py`), fitted on
PolNeAR's training articles, decides which are. Generating generously and filtering with a
lexicalised model is what lets stance and event cues ("called", "support", "declined") through.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any

from .marks import QuoteMarks, find_quotes

# Dependency labels whose subtree can be what was said, thought or wanted.
_CONTENT_DEPS = {"ccomp", "xcomp", "dobj", "parataxis", "oprd", "attr"}
_SUBJ_DEPS = {"nsubj", "nsubjpass", "csubj"}
_NOUN_CONTENT_DEPS = {"ccomp", "acl", "prep"}
# Words that may sit at the edge of a content span but belong to no one's words.
_TRIM = " \t\n,;:\u2014\u2013-("


@dataclass(slots=True)
class Candidate:
    """A possible attribution: content span, cue token, source mention, and features for the model."""

    start: int
    end: int
    kind: str
    cue: Any | None  # spaCy Token
    cue_span: tuple[int, int] | None
    source: Any | None  # spaCy Token heading the source mention
    direct: bool = False
    prep: str = ""  # the preposition of a "called for"/"according to" cue
    feats: dict[str, float] = field(default_factory=dict)
    score: float = 0.0


def generate(doc: Any, text: str | None = None) -> list[Candidate]:
    """All candidate attributions in one parsed article (`text` is `doc.text`, when at hand:
    spaCy rebuilds that string from the tokens on every access)."""
    from .features import DocInfo, features

    text = doc.text if text is None else text
    quotes = find_quotes(text)
    in_quote = quote_index(doc, quotes)
    info = DocInfo(doc, in_quote, text)
    marks = [m.start() for m in _QMARKS_RE.finditer(text)]  # so _trim need not rescan each span
    out: list[Candidate] = []
    # Which tokens propose candidates, read off DocInfo's plain lists: a spaCy Token for every word
    # of the article (and a scan of every noun's children) used to cost more than the candidates.
    pos, dep, head = info.pos, info.dep, info.head
    poss_heads = {h for j, h in enumerate(head) if h != j and dep[j] == "poss"}  # nouns with a possessor
    for i, p in enumerate(pos):
        if p in ("VERB", "AUX") and dep[i] != "aux" and dep[i] != "auxpass":
            out.extend(_verb_candidates(doc, doc[i]))
        elif p in ("NOUN", "PROPN") and i in poss_heads:
            out.extend(_noun_candidates(doc, doc[i]))
    out.extend(_quote_candidates(doc, quotes, text, in_quote))
    out.extend(_colon_lines(doc, text))
    kept = []
    for cand in out:
        cand.start, cand.end = _trim(text, cand.start, cand.end, marks)
        if cand.end - cand.start < 2:
            continue
        cand.direct = _is_direct(cand, quotes)
        if cand.direct:
            q = next(q for q in quotes if q.outer_start <= cand.start and cand.end <= q.outer_end)
            cand.start, cand.end = q.start, q.end
        kept.append(cand)
    kept.extend(_sandwiches(kept, text))
    for cand in kept:
        cand.feats = features(info, cand)
    return kept


_QUOTE_KINDS = {"quote", "quote_cont", "quote_bare", "quote_run", "quote_join"}


def _sandwiches(cands: list[Candidate], text: str) -> list[Candidate]:
    """'Trump isn't a conservative, he said. "He's a liberal!"': reported words, their attribution,
    then a quotation no verb governs. PolNeAR marks one content from the first words to the last,
    which no parse subtree spans."""
    free = sorted((c for c in cands if c.kind in ("quote_bare", "quote_cont")), key=lambda c: c.start)
    starts = [c.start for c in free]
    out = []
    for c in cands:
        if c.kind in _QUOTE_KINDS or c.cue is None or c.end > c.cue.idx:
            continue
        # the first free quotation after the cue; any later one is further from the content
        k = bisect_right(starts, c.cue.idx)
        if k < len(free) and _near(text, c.end, free[k].start):
            out.append(Candidate(c.start, free[k].end, "sandwich", c.cue, c.cue_span, c.source))
    return out


def quote_index(doc: Any, quotes: list[QuoteMarks]) -> list[bool]:
    """For each token of `doc`, whether it sits inside a quotation."""
    flags = [False] * len(doc)
    for q in quotes:
        span = doc.char_span(q.start, q.end, alignment_mode="expand")
        if span is not None:
            for t in span:
                flags[t.i] = True
    return flags


def subject_of(tok: Any, depth: int = 0, kids: list[Any] | None = None) -> Any | None:
    """The token heading who does `tok`: its subject, a passive agent, or its governor's subject
    (`kids`: `tok`'s children, when the caller has them at hand)."""
    for c in tok.children if kids is None else kids:
        if c.dep_ in _SUBJ_DEPS and not c.is_punct:
            return c
        if c.dep_ == "agent":
            for p in c.children:
                if p.dep_ == "pobj":
                    return p
    if depth < 3 and tok.dep_ in ("xcomp", "advcl", "conj", "pcomp", "acl") and tok.head.i != tok.i:
        if tok.dep_ == "acl" and tok.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return tok.head  # "officials, saying ..." / "a statement saying ..."
        return subject_of(tok.head, depth + 1)
    return None


def _span_of(tokens: list[Any]) -> tuple[int, int]:
    first = min(tokens, key=lambda t: t.i)
    last = max(tokens, key=lambda t: t.i)
    return first.idx, last.idx + len(last.text)


def _subtree_span(tok: Any) -> tuple[int, int]:
    return tok.left_edge.idx, tok.right_edge.idx + len(tok.right_edge.text)


def _verb_candidates(doc: Any, v: Any) -> list[Candidate]:
    out = []
    kids = list(v.children)  # read several times below: spaCy builds new Tokens on each pass
    src = subject_of(v, kids=kids)
    cue = (v.idx, v.idx + len(v.text))
    if v.lower_ == "according":
        return _according(doc, v)
    for c in kids:
        if c.dep_ in _CONTENT_DEPS:
            s, e = _subtree_span(c)
            if c.dep_ == "oprd" or (c.dep_ == "dobj" and any(x.dep_ == "oprd" for x in kids)):
                # "called the report a hoax": the object and what it was called, together
                parts = [x for x in kids if x.dep_ in ("dobj", "oprd", "ccomp", "xcomp")]
                s = min(_subtree_span(x)[0] for x in parts)
                e = max(_subtree_span(x)[1] for x in parts)
            out.append(Candidate(s, e, c.dep_, v, cue, src))
            if c.dep_ == "dobj":
                out.extend(Candidate(s2, e2, k, v, cue, src) for k, s2, e2 in _object_variants(kids, c, s, e))
        elif c.dep_ == "nsubjpass":
            # "Farook's name was announced", "This is tweeted": a passive event's subject is what
            # was said or done; the agent, if any, is the source
            agent = next((p for a in kids if a.dep_ == "agent" for p in a.children if p.dep_ == "pobj"), None)
            out.append(Candidate(*_subtree_span(c), "passive", v, cue, agent))
        elif c.dep_ in ("prep", "dative") and c.pos_ == "ADP":
            objs = [x for x in c.children if x.dep_ in ("pobj", "pcomp")]
            if objs:
                s, e = _subtree_span(objs[0])
                # "called on Iran to stop": the infinitive after the object is part of the content
                more = [x for x in kids if x.dep_ == "xcomp" and x.i > c.i]
                if more:
                    e = max(e, _subtree_span(more[0])[1])
                cue_span = (v.idx, c.idx + len(c.text)) if c.i == v.i + 1 else cue
                out.append(Candidate(s, e, "prep", v, cue_span, src, prep=c.lower_))
    if v.dep_ in ("parataxis", "advcl", "ccomp", "conj") and v.head.i < v.i and src is not None:
        # "..., sources said." parsed as a dependent of the reported clause: the head's clause
        # minus the attribution is the content.
        head = v.head
        # the head's subject first: without one there is nothing to build, and the subtree's Tokens
        # are the costly part
        sub = list(head.subtree) if subject_of(head) is not None else []
        lo, hi = v.left_edge.i, v.right_edge.i
        left = [t for t in sub if t.i < lo]
        if left:
            out.append(Candidate(*_span_of(left), "inverted", v, cue, src))
            right = [t for t in sub if t.i > hi and not t.is_punct]
            if right:
                # "This campaign, he says, is different": the content runs on past the attribution
                out.append(Candidate(left[0].idx, _span_of(right)[1], "inverted_full", v, cue, src))
    if v.dep_ == "relcl" and v.head.pos_ in ("NOUN", "PROPN"):
        # "the alt-right, which Clinton denounced": what the relative clause is about is the
        # content when the verb's own object is the relative pronoun
        if any(c.dep_ in ("dobj", "nsubjpass") and c.tag_ in ("WDT", "WP") for c in kids):
            n = v.head
            out.append(Candidate(n.left_edge.idx, n.idx + len(n.text), "relcl_head", v, cue, src))
    return out


# Right dependents that close a noun phrase's own words: what follows them ("Pope Francis, who
# preaches ...") is commentary the annotators leave out of the content.
_NP_BREAK = {"relcl", "appos", "acl", "punct", "cc", "conj", "advmod", "prep"}
# Verb dependents that complete an object ("endorsed Jeb Bush for president", "regards Jerusalem as
# its capital", "attacked Rubio for missing votes"): the pair is the content.
_OBJ_COMPLETION = {"prep", "advcl", "xcomp", "oprd", "ccomp", "dative"}


def _object_variants(kids: list[Any], obj: Any, s: int, e: int) -> list[tuple[str, int, int]]:
    """Other plausible extents of a verb's object: the bare noun phrase, and the object with the
    phrase that completes it. The model, not a rule, picks the extent annotators would mark."""
    out = []
    last = obj
    for t in obj.rights:
        if t.dep_ in _NP_BREAK:
            break
        last = t.right_edge
    core_end = last.idx + len(last.text)
    if core_end < e:
        out.append(("dobj_core", s, core_end))
    nxt = next((c for c in kids if c.i > obj.right_edge.i), None)  # kids: the verb's children
    if nxt is not None and nxt.dep_ in _OBJ_COMPLETION and nxt.left_edge.i == obj.right_edge.i + 1:
        out.append(("dobj_plus", s, _subtree_span(nxt)[1]))
    return out


def _according(doc: Any, v: Any) -> list[Candidate]:
    to = next((c for c in v.children if c.lower_ == "to"), None)
    src = next((c for c in to.children if c.dep_ == "pobj"), None) if to is not None else None
    if src is None:
        return []
    sent = v.sent
    inside = {t.i for t in v.subtree}
    before = [t for t in sent if t.i < v.left_edge.i and t.i not in inside]
    after = [t for t in sent if t.i > v.right_edge.i]
    part = before if len(before) >= len(after) else after
    part = [t for t in part if not t.is_punct or t.text in "\"'\u201c\u201d\u2018\u2019"]
    if not part:
        return []
    cue = (v.idx, to.idx + len(to.text))
    return [Candidate(*_span_of(part), "according", v, cue, src)]


def _noun_candidates(doc: Any, n: Any) -> list[Candidate]:
    # "Comey's conclusion that ...", "Clinton's plan would ...": nominal cues with a possessor
    src = next(c for c in n.children if c.dep_ == "poss")
    cue = (n.idx, n.idx + len(n.text))
    out = []
    for c in n.children:
        if c.dep_ in _NOUN_CONTENT_DEPS and c.i > n.i:
            out.append(Candidate(*_subtree_span(c), "noun_" + c.dep_, n, cue, src))
    if n.dep_ in _SUBJ_DEPS and n.head.pos_ in ("VERB", "AUX"):
        h = n.head
        rest = [t for t in h.subtree if t.i > n.right_edge.i]
        if rest:
            out.append(Candidate(*_span_of(rest), "noun_subj", n, cue, src))
    return out


_COLON_LINE = re.compile(r"^[ \t]*([A-Z][^:\n]{1,40}):[ \t]+(\S[^\n]*)$", re.M)


def _colon_lines(doc: Any, text: str) -> list[Candidate]:
    # Headline convention "Graham: Trump's rhetoric destroying GOP's chances": the speaker, a
    # colon, then what they said.
    out = []
    for m in _COLON_LINE.finditer(text):
        if len(m.group(1).split()) > 5:
            continue
        src = doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
        if src is None:
            continue
        cue = (m.end(1), m.end(1) + 1)
        out.append(Candidate(m.start(2), m.end(2), "colon_line", None, cue, src.root))
    return out


def _quote_candidates(doc: Any, quotes: list[QuoteMarks], text: str, in_quote: list[bool]) -> list[Candidate]:
    out: list[Candidate] = []
    prev: Candidate | None = None
    for q in quotes:
        span = doc.char_span(q.start, q.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        inside = {t.i for t in span}
        cue = _governor(span, inside, in_quote)
        if cue is not None:
            cand = Candidate(
                q.start, q.end, "quote", cue, (cue.idx, cue.idx + len(cue.text)), subject_of(cue)
            )
        elif prev is not None and prev.cue is not None and _near(text, prev.end, q.outer_start):
            # the second half of a split quote, or a quote that continues the previous speaker's
            cand = Candidate(q.start, q.end, "quote_cont", prev.cue, prev.cue_span, prev.source)
        else:
            cand = Candidate(q.start, q.end, "quote_bare", None, None, None)
        out.append(cand)
        prev = cand
    # Consecutive quotations of one speaker ("A," he said. "B." / "C.") are often one attribution:
    # propose each run from a governed quotation through its continuations as well, and joins of
    # up to three neighbouring quotations ("A," said X, a voter. "B.") for the model to weigh.
    runs = []
    for i, c in enumerate(out):
        if c.kind == "quote_cont":
            continue
        for j in range(i + 1, len(out)):
            if out[j].kind != "quote_cont" or out[j].cue is not c.cue:
                break
            runs.append(Candidate(c.start, out[j].end, "quote_run", c.cue, c.cue_span, c.source))
        for j in range(i + 1, min(i + 3, len(out))):
            if out[j].kind == "quote_cont" and out[j].cue is c.cue:
                continue  # already a run
            if not _near_join(text, out[j - 1].end, out[j].start):
                break
            head = next((x for x in out[i : j + 1] if x.cue is not None), None)
            if head is not None:
                runs.append(
                    Candidate(c.start, out[j].end, "quote_join", head.cue, head.cue_span, head.source)
                )
    return out + runs


def _governor(span: Any, inside: set[int], in_quote: list[bool]) -> Any | None:
    """The verb outside every quotation that the quoted words depend on, if any (a verb inside
    the next quotation of a split quote, '"A," X said, "is B."', is quoted words, not a cue)."""
    for t in span:
        h = t.head
        if h.i in inside or h is t:
            continue
        for _ in range(4):
            if h.pos_ in ("VERB", "AUX") and not in_quote[h.i]:
                return h
            if h.head.i == h.i:
                break
            h = h.head
    root = span.root
    sent = root.sent
    # A whole-sentence quote: the attribution is the rest of its sentence ("...," he said) or a
    # colon-ended sentence just before it ("He added: ...").
    rest = [t for t in sent if not in_quote[t.i] and t.pos_ == "VERB"]
    if rest:
        return rest[0]
    k = sent.start - 1
    while k >= 0 and span.doc[k].is_space:
        k -= 1
    before = span.doc[k] if k >= 0 else None
    if before is not None and before.text == ":" and before.head.pos_ in ("VERB", "AUX"):
        return before.head
    return None


def _near(text: str, end: int, start: int) -> bool:
    gap = text[end:start]
    # only a short attribution ("he said.") and at most one paragraph break between the quotations;
    # the length first, so no words are counted over a whole article's gap
    if len(gap) >= 80:
        return False
    return len(_WORD.findall(gap)) <= 6 and gap.count("\n") <= 2


def _near_join(text: str, end: int, start: int) -> bool:
    gap = text[end:start]
    return len(gap) < 150 and gap.count("\n") <= 2


_WORD = re.compile(r"\w+")
_QMARKS = '"\u201c\u201d\u00ab\u00bb\u201e'
_QMARKS_RE = re.compile("[" + _QMARKS + "]")


def _trim(text: str, s: int, e: int, marks: list[int]) -> tuple[int, int]:
    while True:
        while s < e and text[s] in _TRIM:
            s += 1
        while e > s and text[e - 1] in _TRIM:
            e -= 1
        # a lone quotation mark at an edge belongs to a neighbouring quotation, not to this span
        inner = bisect_left(marks, e) - bisect_left(marks, s)
        if inner % 2 == 1 and s < e and text[s] in _QMARKS and not text[s + 1 : s + 2].isalnum():
            s += 1
        elif inner % 2 == 1 and e > s and text[e - 1] in _QMARKS and text[e - 2 : e - 1].isspace():
            e -= 1
        else:
            return s, e


def _is_direct(c: Candidate, quotes: list[QuoteMarks]) -> bool:
    """The candidate is one whole quotation (give or take its marks and edge punctuation)."""
    for q in quotes:
        if q.outer_start <= c.start and c.end <= q.outer_end:
            inner = max(0, min(c.end, q.end) - max(c.start, q.start))
            return inner >= 0.8 * (q.end - q.start)
    return False
