"""crosswire: turn news articles from many outlets into a briefing a reader can trust.

The records and the few entry points most users need; everything heavy loads lazily.
"""

from .api import brief, ingest, quotes, stories, summarize
from .errors import ConfigError, CrosswireError, IngestError, ModelMissingError, NoArticlesError, StoreError
from .records import (
    Article,
    Briefing,
    Citation,
    Claim,
    Entity,
    Failure,
    Quote,
    Sentence,
    Span,
    Story,
    Storyline,
    SummarySentence,
    TimelineEvent,
)
from .settings import Settings, load_settings
from .store import Store

__version__ = "0.1.0"

__all__ = [
    "Article",
    "Briefing",
    "Citation",
    "Claim",
    "ConfigError",
    "CrosswireError",
    "Entity",
    "Failure",
    "IngestError",
    "ModelMissingError",
    "NoArticlesError",
    "Quote",
    "Sentence",
    "Settings",
    "Span",
    "Store",
    "Story",
    "Storyline",
    "StoreError",
    "SummarySentence",
    "TimelineEvent",
    "brief",
    "ingest",
    "load_settings",
    "quotes",
    "stories",
    "summarize",
]
