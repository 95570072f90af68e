"""Versioned names -> stage implementations; the built-ins are registered the same way as plugins.

Built-ins are named by "module:function" strings and imported only when first used, so listing or
choosing a stage never loads a model. A name is registered once: a duplicate is an error.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from .errors import ConfigError

_BUILTINS: dict[str, dict[str, str]] = {
    "grouper": {"group.editor.v1": "crosswire.group:group_articles"},
    "summarizer": {"summarize.support.v1": "crosswire.summarize:summarize"},
    "quotes": {
        "quotes.rules.v1": "crosswire.quotes:extract_quotes",
        "quotes.context.v1": "crosswire.quotes:extract_quotes_in_context",
    },
    "entities": {"entities.merge.v1": "crosswire.compare:extract_entities"},
    "claims": {"claims.align.v1": "crosswire.compare:find_claims"},
    "timeline": {"timeline.resolve.v1": "crosswire.timeline:build_timeline"},
}
_registered: dict[str, dict[str, Callable[..., Any]]] = {kind: {} for kind in _BUILTINS}


def register(kind: str, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: make a stage implementation available under a versioned name."""

    def add(fn: Callable[..., Any]) -> Callable[..., Any]:
        if kind not in _registered:
            raise ConfigError(f"unknown stage kind {kind!r}; known: {', '.join(sorted(_registered))}")
        if name in _registered[kind] or name in _BUILTINS[kind]:
            raise ConfigError(f"{kind} {name!r} is already registered")
        _registered[kind][name] = fn
        return fn

    return add


def names(kind: str) -> list[str]:
    """Every registered name of a stage kind."""
    return sorted({*_BUILTINS.get(kind, {}), *_registered.get(kind, {})})


def get(kind: str, name: str) -> Callable[..., Any]:
    """The implementation registered under `name`; a clear error names the choices when unknown."""
    if name in _registered.get(kind, {}):
        return _registered[kind][name]
    target = _BUILTINS.get(kind, {}).get(name)
    if target is None:
        raise ConfigError(f"no {kind} named {name!r}; choose one of: {', '.join(names(kind))}")
    module, attr = target.split(":")
    fn = getattr(importlib.import_module(module), attr)
    _registered[kind][name] = fn
    return fn
