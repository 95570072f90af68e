"""Which quotes a reader is shown, and under which speaker: shared by the Markdown and the web page.

The JSON keeps every quote the extractor found (attributions without a resolved speaker included, as
the contract says); a reader's "who said what" list keeps what reads as a statement by someone:
a known speaker, or words in quotation marks, with at least a few words of content ("that", "to
attend" are fragments of an attribution, not something said). Speakers are grouped under the name
the story's entities give them, so "Sergey Lavrov" and "Sergei Lavrov" are one speaker.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from ..records import Entity, Quote

# Fewer content words than this read as a fragment of an attribution, not a statement.
MIN_WORDS = 3
# At most this many characters between a cue and the indirect speech it introduces for the two to be
# shown as one phrase: room for "said on Tuesday in a statement that", not for another clause.
CUE_GAP = 60
_BREAK = re.compile(r"[.!?\n]")
_LINE_BREAK = re.compile(r"\s*\n\s*")
_NAME_DASH = re.compile(r"[-\u2010-\u2014]")


def shown(quote: Quote) -> bool:
    """Does a reader's list show this quote? Statements only: "agreed to work", "expected to visit"
    are attributions of acts and plans, which the summary and the JSON carry."""
    return quote.statement and len(quote.text.split()) >= MIN_WORDS and (bool(quote.speaker) or quote.direct)


def reader_text(quote: Quote, text: str | None) -> str:
    """The quote as a reader's list shows it: direct speech in quotation marks; indirect speech with
    the cue that introduces it ("briefed the media after talks", "asked Lavrov to support"), copied
    from the article when the cue stands just before it, since the content alone ("the media after
    talks") does not say what the speaker did; a cue further back in the same sentence is joined to
    the content by an ellipsis ("told \u2026 that it was time"). `text` is the article's cleaned text."""
    if quote.direct:
        return f"\u201c{_one_line(quote.text)}\u201d"
    cue = quote.cue_span
    if text is None or cue is None or not (0 <= cue.start < cue.end <= quote.start <= len(text)):
        return _one_line(quote.text)
    if text[quote.start : quote.end] != quote.text:
        return _one_line(quote.text)  # not this article's text: never show words from elsewhere
    gap = text[cue.end : quote.start]
    if _BREAK.search(gap):
        return _one_line(quote.text)
    if len(gap) > CUE_GAP:
        # the cue and its content in one sentence, another clause between them ("told the top US
        # diplomat — who also will hold talks with Putin — that it was time"): the clause is left out,
        # and marked so, rather than the content shown alone as if "that it was time" were a statement
        return _one_line(f"{text[cue.start : cue.end]} \u2026 {quote.text}")
    return _one_line(text[cue.start : quote.end])


def _one_line(text: str) -> str:
    # a quotation may run over a paragraph break; in a list item the break would end the item
    return _LINE_BREAK.sub(" ", text)


def canonical_speakers(entities: Sequence[Entity]) -> dict[str, str]:
    """Lower-cased name or alias -> the entity's name, for people and organisations."""
    out: dict[str, str] = {}
    for e in entities:
        if e.type not in ("PERSON", "ORG"):
            continue
        for name in (e.name, *e.aliases):
            out.setdefault(name.lower(), e.name)
    return out


def speaker_groups(quotes: Sequence[Quote], entities: Sequence[Entity] = ()) -> list[tuple[str | None, list[int]]]:
    """(speaker or None, indices of its shown quotes): most quoted first, the unidentified last."""
    names = canonical_speakers(entities)
    groups: dict[str | None, list[int]] = {}
    spelled: dict[str, str] = {}  # a name without case, dashes or dots -> the first spelling met
    for i, q in enumerate(quotes):
        if shown(q):
            speaker = _canonical(q.speaker, names) if q.speaker else None
            if speaker is not None:  # "Erie Times-News" and "Erie Times News" are one speaker
                key = " ".join(_NAME_DASH.sub(" ", speaker).replace(".", "").lower().split())
                speaker = spelled.setdefault(key, speaker)
            groups.setdefault(speaker, []).append(i)
    return sorted(groups.items(), key=lambda kv: (kv[0] is None, -len(kv[1]), kv[0] or ""))


def _canonical(speaker: str, names: dict[str, str]) -> str:
    """The entity name for a speaker: its alias, else an alias after a title, else a transliteration
    of one ("Sergey"/"Sergei Lavrov": same surname, full names at least 85% alike), else as found."""
    from rapidfuzz import fuzz

    low = speaker.lower()
    if low in names:
        return names[low]
    if " and " in low:  # a joint statement ("Mike Pompeo and Sergei Lavrov") is neither alone
        return speaker
    surname = low.split()[-1]
    for alias, name in names.items():
        if " " in alias and low.endswith(" " + alias):  # a title before the name: "U.S. President Donald Trump"
            return name
        if " " in low and alias.split()[-1] == surname and fuzz.ratio(alias, low) >= 85:
            return name
    return speaker


def same_statement(quotes: Sequence[Quote], i: int, done: set[int]) -> list[int]:
    """Quote i and its shown same-statement twins not listed yet (marks them listed)."""
    group = [i, *(j for j in quotes[i].same_as if 0 <= j < len(quotes) and j not in done and shown(quotes[j]))]
    group = list(dict.fromkeys(group))
    done.update(group)
    return group


_QUOTE_MARKS = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u2013": "-", "\u2014": "-"})


def wordings(quotes: Sequence[Quote], group: Sequence[int], shown: Callable[[Quote], str]) -> list[tuple[str, list[int]]]:
    """The distinct wordings of one statement (`group`: same-statement quotes), each with the quotes
    that use it, in first-seen order. Wire copy that several outlets print word for word is one
    wording with several sources, not five identical lines; curly or straight quotation marks,
    dashes, case and spacing do not make a new wording."""
    out: dict[str, tuple[str, list[int]]] = {}
    for j in group:
        text = shown(quotes[j])
        key = " ".join(text.translate(_QUOTE_MARKS).lower().split()).strip(" ,.\"'")
        out.setdefault(key, (text, []))[1].append(j)
    return list(out.values())


def statements_by_speaker(
    quotes: Sequence[Quote], entities: Sequence[Entity], shown: Callable[[Quote], str]
) -> list[tuple[str | None, str | None, list[list[tuple[str, list[int]]]]]]:
    """A reader's "who said what", shared by the Markdown and the web page: (speaker or None, how the
    articles introduce them, their statements), speakers as `speaker_groups` orders them, each
    statement its `wordings` (a quote and its same-statement twins, listed once). A speaker whose
    quotes were all listed with an earlier speaker's statements has an empty list."""
    listed: set[int] = set()
    out = []
    for speaker, idxs in speaker_groups(quotes, entities):
        statements = [wordings(quotes, same_statement(quotes, i, listed), shown) for i in idxs if i not in listed]
        out.append((speaker, speaker_role(quotes, idxs) if speaker else None, statements))
    return out


def speaker_role(quotes: Sequence[Quote], idxs: Sequence[int]) -> str | None:
    """How the articles introduce a speaker ("Kremlin spokesman"): the description their quotes give
    most often, the first met on a tie; None when no article describes them."""
    roles = [quotes[i].speaker_role for i in idxs if quotes[i].speaker_role]
    return max(dict.fromkeys(roles), key=roles.count) if roles else None
