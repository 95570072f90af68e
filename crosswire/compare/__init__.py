"""Comparing articles: aligned statements, claims, entities."""

from .claims import find_claims
from .entities import extract_entities

__all__ = ["extract_entities", "find_claims"]
