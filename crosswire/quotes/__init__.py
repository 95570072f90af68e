"""Who said what: direct and indirect quotes with their cue and resolved speaker.

`extract_quotes` proposes candidates from the dependency parse and quotation marks
(`candidates.py`), keeps those a small fitted model accepts (`model.py`), and resolves each source
mention to a full name (`speakers.py`). `link_same_statements` joins renderings of one statement
across outlets (`link.py`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..records import Article, Quote, Span
from ..settings import Settings
from .link import link_same_statements

__all__ = ["extract_quotes", "extract_quotes_in_context", "link_same_statements", "quotes_from_doc"]


def extract_quotes_in_context(
    articles: Sequence[Article], settings: Settings, docs: Mapping[str, Any] | None = None
) -> list[Quote]:
    """`extract_quotes` with every candidate read again in its article's context (`context.py`): a
    fine-tuned encoder over the article corrects the sparse model's scores before decoding."""
    return extract_quotes(articles, settings, docs, contextual=True)


def extract_quotes(
    articles: Sequence[Article], settings: Settings, docs: Mapping[str, Any] | None = None, *, contextual: bool = False
) -> list[Quote]:
    """Quotes in the cleaned articles, in article then text order; `docs` are their spaCy parses."""
    docs = dict(docs or {})
    missing = [a for a in articles if a.id not in docs]
    if missing:
        from ..nlp import parse

        for art, doc in zip(missing, parse((a.text for a in missing), batch_size=settings.batch_size), strict=True):
            docs[art.id] = doc
    out: list[Quote] = []
    names: dict[str, list[str]] = {}
    for art in articles:
        quotes, full = _article_quotes(art, docs[art.id], contextual=contextual)
        out.extend(quotes)
        for surname, found in full.items():
            names.setdefault(surname, []).extend(n for _, n in found)
    return _expand_surnames(out, names)


def _expand_surnames(quotes: list[Quote], names: dict[str, list[str]]) -> list[Quote]:
    """A bare surname ("Lavrov") becomes the full name other articles give, when only one person
    (allowing transliterations: "Sergey"/"Sergei") carries that surname in the whole input."""
    from dataclasses import replace

    from rapidfuzz import fuzz

    out = []
    for q in quotes:
        full = names.get((q.speaker or "").lower()) if q.speaker and " " not in q.speaker else None
        if full:
            firsts = [n.split()[0] for n in full]
            # 80: transliterations of one first name score 83+ ("Sergey"/"Sergei"), different
            # names far lower ("Bill"/"Hillary" 36)
            if all(fuzz.ratio(firsts[0], f) >= 80 for f in firsts):
                # the most frequent spelling; on a tie the first met, not a set's run-dependent order
                q = replace(q, speaker=max(dict.fromkeys(full), key=full.count))
        out.append(q)
    return out


def quotes_from_doc(article: Article, doc: Any, threshold: float | None = None) -> list[Quote]:
    """The quotes of one article from its parse (`doc.text` must be `article.text`)."""
    return _article_quotes(article, doc, threshold)[0]


def _article_quotes(
    article: Article, doc: Any, threshold: float | None = None, *, contextual: bool = False
) -> tuple[list[Quote], dict]:
    from .acts import is_statement
    from .candidates import generate, quote_index
    from .marks import find_quotes
    from .model import decode, load_model, score
    from .speakers import Resolver, mention_span

    if not _parse_matches(doc, article.text):
        raise ValueError(f"parse of {article.id} does not match its cleaned text")
    model = load_model()
    text = article.text
    cands = generate(doc, text)
    logits = score(cands, model)
    cut = model["threshold"]
    if contextual:
        from . import context

        context.rescore(cands, doc, text, logits)
        cut = context.load()[1]["threshold"]
    kept = decode(cands, cut if threshold is None else threshold)
    resolver = Resolver(doc, quote_index(doc, find_quotes(text)), text)
    out = []
    for c in kept:
        span = Span(*mention_span(c.source)) if c.source is not None else None
        speaker = resolver.resolve(c.source) if c.source is not None else None
        cue = text[c.cue_span[0] : c.cue_span[1]] if c.cue_span else None
        # a run of quotations split by their attribution ("A," he said. "B.") is direct speech too
        direct = c.direct or c.kind in ("quote_run", "quote_join")
        cue_span = Span(*c.cue_span) if c.cue_span else None
        out.append(
            Quote(speaker, span, text[c.start : c.end], article.id, c.start, c.end, cue, direct, (), cue_span,
                  is_statement(c.cue, direct), resolver.role_of.get(speaker) if speaker else None)
        )
    return out, resolver.full


def _parse_matches(doc: Any, text: str) -> bool:
    """Whether `doc` is a parse of `text`: same length, and its first, middle and last words sit at
    their offsets. Cheaper than `doc.text`, which rebuilds the text token by token (0.4 CPU-s a brief)."""
    if not len(doc):
        return not text.strip()
    last = doc[-1]
    if last.idx + len(last.text_with_ws) != len(text):
        return False
    return all(text.startswith(doc[i].text, doc[i].idx) for i in {0, len(doc) // 2, len(doc) - 1})
