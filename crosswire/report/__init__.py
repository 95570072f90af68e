"""Renderers of a Briefing: JSON (the contract) and Markdown (for people)."""

from .json import briefing_json, dumps
from .markdown import briefing_markdown

__all__ = ["briefing_json", "briefing_markdown", "dumps"]
