"""An exact, faster stand-in for spaCy's attribute_ruler, built from the loaded ruler's own patterns.

spaCy's AttributeRuler runs ~180 Matcher patterns over every token; most test one token's TAG, LOWER,
DEP or IS_SPACE and many carry IN/REGEX predicates that the Matcher evaluates in Python per token
(~20 µs a token here: 5.8 CPU-s on the 383 news_cluster articles). Those single-token rules depend on nothing
but those four values, so their combined effect is memoised per value tuple; fixed-length sequences
of such tokens ("gon na", "let 's") are checked from the same memo; any other pattern (an OP, another
attribute, an extension) stays in a small spaCy Matcher. The ruler's semantics are kept: every pattern
is matched on the doc as the parser left it, then matches are applied in ascending pattern order, so
a later pattern's value for an attribute wins. tests/test_nlp.py and bench/ruler_check.py compare
the result with the real component's, token by token.
"""

from __future__ import annotations

import re
import threading
from typing import Any

import numpy as np
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, POS, TAG
from spacy.matcher import Matcher
from spacy.strings import get_string_id
from spacy.tokens import Doc

# The token values the memoised rules may test, in the order of a memo key.
_KEY_NAMES = ("TAG", "LOWER", "DEP", "IS_SPACE")
_KEY_ATTRS = [TAG, LOWER, DEP, IS_SPACE]
_STRING_COLS = frozenset({0, 1, 2})  # IS_SPACE is a 0/1 flag, not a string hash: no REGEX on it
_ROW = np.dtype((np.void, 8 * len(_KEY_ATTRS)))  # a row of to_array(_KEY_ATTRS) as one opaque value
# What the fast path writes. The ruler's set_token_attrs writes these on the token only: spaCy's
# Lexeme.set_struct_attr ignores them, so there is no vocabulary side effect to reproduce.
_OUT_ATTRS = [POS, TAG, LEMMA, DEP, MORPH]
_OUT_COL = {attr: i for i, attr in enumerate(_OUT_ATTRS)}
# The memo is keyed by value tuples: a long-running server sees new words forever, so it is bounded.
# 200k entries (~30 MB) hold every (tag, word, dep) met in a few thousand articles.
_MEMO_MAX = 200_000


def _compile_spec(spec: dict[Any, Any], strings: Any) -> tuple[tuple[int, str, Any], ...] | None:
    """A token spec as (key column, test, value) triples, or None when only the Matcher can run it."""
    tests = []
    for name, value in spec.items():
        if not isinstance(name, str) or name.upper() not in _KEY_NAMES:
            return None  # OP, ORTH, extensions, numeric attribute ids, ...
        col = _KEY_NAMES.index(name.upper())
        if isinstance(value, bool):  # before int: the Matcher compares bools as 0/1
            tests.append((col, "eq", int(value)))
        elif isinstance(value, str):
            tests.append((col, "eq", strings.add(value)))  # as the Matcher's _get_attr_values
        elif isinstance(value, int):
            tests.append((col, "eq", value))
        elif isinstance(value, dict) and value:
            for op, arg in value.items():
                if (
                    op in ("IN", "NOT_IN")
                    and isinstance(arg, list)
                    and all(isinstance(v, str | int) for v in arg)
                ):
                    tests.append((col, op, frozenset(get_string_id(v) for v in arg)))  # as _SetPredicate
                elif op == "REGEX" and isinstance(arg, str) and col in _STRING_COLS:
                    tests.append((col, op, re.compile(arg)))  # as _RegexPredicate: search on the string
                else:
                    return None
        else:
            return None
    return tuple(tests)


def _index_by_tag(single: list[Any]) -> tuple[dict[int, tuple[Any, ...]], tuple[Any, ...]]:
    """The single-token rules that can match each tag, in their original order; and those for other tags.

    Most rules test one tag (by equality or IN): learning a new token then tries a few dozen rules,
    not all ~170: the cold memo's first pass over news_cluster fell from 1.32 to 0.58 CPU-s.
    """
    allowed = []
    for _, tests, _ in single:
        tags = None
        for col, op, value in tests:
            if col == 0 and op in ("eq", "IN"):
                found = {value} if op == "eq" else set(value)
                tags = found if tags is None else tags & found
        allowed.append(tags)
    every_tag = set().union(*(t for t in allowed if t is not None))
    by_tag = {
        tag: tuple(rule for rule, tags in zip(single, allowed, strict=True) if tags is None or tag in tags)
        for tag in every_tag
    }
    return by_tag, tuple(rule for rule, tags in zip(single, allowed, strict=True) if tags is None)


class FastAttributeRuler:
    """Applies a loaded AttributeRuler's patterns to parsed Docs, with the same result as the component."""

    def __init__(self, ruler: Any) -> None:
        self.vocab = ruler.vocab
        self.strings = ruler.vocab.strings
        # (order, tests, attrs) of the single-token rules; (order, specs, index, attrs) of the sequences
        self.single: list[tuple[int, tuple[Any, ...], dict[int, int]]] = []
        self.multi: list[tuple[int, tuple[Any, ...], int, dict[int, int]]] = []
        self.slow = Matcher(ruler.vocab)
        self.slow_rules: dict[int, tuple[int, int, dict[int, int]]] = {}  # match id -> (order, index, attrs)
        for order, rule in enumerate(ruler.patterns):
            # the ruler's own normalised values (hashes, a POS id), by output column
            attrs = {_OUT_COL[a]: v for a, v in ruler.attrs[order].items()}
            index = rule["index"]
            compiled = [[_compile_spec(spec, self.strings) for spec in alt] for alt in rule["patterns"]]
            if any(None in alt or not alt for alt in compiled):
                key = self.strings.add(f"fast_ruler_{order}")
                self.slow.add(key, rule["patterns"])
                self.slow_rules[key] = (order, index, attrs)
                continue
            for alt in compiled:
                if len(alt) == 1 and index in (0, -1):
                    self.single.append((order, alt[0], attrs))
                else:
                    self.multi.append((order, tuple(alt), index, attrs))
        self.single_by_tag, self.single_any_tag = _index_by_tag(self.single)
        self.memo: dict[bytes, int] = {}  # token values -> result id << 1 | may start a multi-token rule
        self.starts: dict[bytes, tuple[int, ...]] = {}  # token values -> the multi-token rules it may start
        self.results: dict[tuple[Any, ...], int] = {}
        # per result: values, set?, order. Row 0 is a placeholder, so that no memo code is 0 (falsy).
        self._rows: list[tuple[list[int], list[bool], list[int]]] = [([0] * 5, [False] * 5, [-1] * 5)]
        self._tables: tuple[Any, ...] = ()  # the rows as arrays; rebuilt when rows were added
        self._lock = threading.Lock()

    @staticmethod
    def supports(ruler: Any) -> bool:
        """Whether every rule sets only attributes the fast path writes exactly as set_token_attrs does."""
        return all(set(attrs) <= set(_OUT_COL) for attrs in ruler.attrs)

    def _passes(self, tests: tuple[tuple[int, str, Any], ...], key: tuple[int, ...]) -> bool:
        for col, op, value in tests:
            got = key[col]
            if op == "eq":
                if got != value:
                    return False
            elif op == "IN":
                if got not in value:
                    return False
            elif op == "NOT_IN":
                if got in value:
                    return False
            elif not value.search(self.strings[got]):  # REGEX
                return False
        return True

    def _learn(self, key: bytes) -> int:
        """The memo code of a token with these values: its merged single-token result, and whether it may
        start a multi-token rule (the low bit; which ones are kept in `starts`)."""
        # A web server parses in several threads: two threads numbering new results at once would give
        # two different results one number. Learning is rare (a memo miss), so a lock costs nothing.
        with self._lock:
            return self._learn_locked(key)

    def _learn_locked(self, key: bytes) -> int:
        token = _values(key)
        values, given, orders = [0] * len(_OUT_ATTRS), [False] * len(_OUT_ATTRS), [-1] * len(_OUT_ATTRS)
        rules = self.single_by_tag.get(token[0], self.single_any_tag)
        for order, tests, attrs in rules:  # ascending order: a later rule overwrites
            if self._passes(tests, token):
                for col, value in attrs.items():
                    values[col], given[col], orders[col] = value, True, order
        row = (tuple(values), tuple(given), tuple(orders))
        rid = self.results.get(row)
        if rid is None:
            rid = self.results[row] = len(self._rows)
            self._rows.append((values, given, orders))
        starts = self._starts(key)
        if len(self.memo) >= _MEMO_MAX:
            self.memo.clear()
        code = self.memo[key] = rid << 1 | bool(starts)
        return code

    def _starts(self, key: bytes) -> tuple[int, ...]:
        """The multi-token rules whose first token a token with these values matches."""
        found = self.starts.get(key)
        if found is None:
            token = _values(key)
            found = tuple(i for i, (_, specs, _, _) in enumerate(self.multi) if self._passes(specs[0], token))
            if len(self.starts) >= _MEMO_MAX:
                self.starts.clear()
            self.starts[key] = found
        return found

    def _arrays(self) -> tuple[Any, Any, Any]:
        # rows are only ever appended, so a table as long as the rows is current (also across threads)
        if not self._tables or len(self._tables[0]) < len(self._rows):
            values, given, orders = zip(*self._rows, strict=True)
            self._tables = (
                np.array(values, dtype=np.uint64),
                np.array(given, dtype=bool),
                np.array(orders, dtype=np.int64),
            )
        return self._tables

    def _sequence_matches(self, keys: list[bytes], flagged: Any) -> list[tuple[int, int, dict]]:
        """(order, target token, attrs) of the multi-token rules matching at the starts the memo flagged."""
        found = []
        n = len(keys)
        for start in flagged.tolist():
            for m in self._starts(keys[start]):
                order, specs, index, attrs = self.multi[m]
                end = start + len(specs)
                if end <= n and all(
                    self._passes(specs[k], _values(keys[start + k])) for k in range(1, len(specs))
                ):
                    found.append((order, _target(start, end, index), attrs))
        return found

    def _slow_matches(self, doc: Doc) -> list[tuple[int, int, dict]]:
        found = []
        for match_id, start, end in self.slow(doc, allow_missing=True, as_spans=False):
            order, index, attrs = self.slow_rules[match_id]
            found.append((order, _target(start, end, index), attrs))
        return found

    def __call__(self, doc: Doc) -> Doc:
        """Set POS, TAG, MORPH, LEMMA and DEP on `doc` as the attribute_ruler would, and return it."""
        if not len(doc):
            return doc
        # One bytes object per token (its four uint64 values) is a cheaper dict key than a tuple of ints.
        keys = np.ascontiguousarray(doc.to_array(_KEY_ATTRS)).view(_ROW).ravel().tolist()
        memo, learn = self.memo, self._learn
        codes = np.array([memo.get(k) or learn(k) for k in keys], dtype=np.intp)
        ids = codes >> 1
        # every match is found on the doc as it stands, before any attribute is written (as the ruler does)
        extra = self._sequence_matches(keys, np.flatnonzero(codes & 1)) if (codes & 1).any() else []
        if self.slow_rules:
            extra += self._slow_matches(doc)
        values, given, orders = self._arrays()
        out = np.where(given[ids], values[ids], doc.to_array(_OUT_ATTRS))
        if extra:
            rank = orders[ids]
            for order, target, attrs in sorted(extra, key=lambda m: m[0]):
                for col, value in attrs.items():
                    if order > rank[target, col]:
                        out[target, col], rank[target, col] = value, order
        doc.from_array(_OUT_ATTRS, out)
        return doc


def _values(key: bytes) -> tuple[int, ...]:
    """A memo key back to the token's (TAG, LOWER, DEP, IS_SPACE) values."""
    return tuple(np.frombuffer(key, dtype=np.uint64).tolist())


def _target(start: int, end: int, index: int) -> int:
    """The token a match writes to: span[index], with the ruler's error for an index outside the span."""
    try:
        return range(start, end)[index]
    except IndexError:
        raise ValueError(f"attribute_ruler index {index} is outside the matched span {start}:{end}") from None
