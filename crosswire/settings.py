"""Every knob crosswire has, with its default and its help text.

Precedence: defaults, then a TOML file (`crosswire.toml` in the working folder or `--config`), then
environment variables (`CROSSWIRE_<NAME>`), then explicit overrides (CLI flags).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError

EMBED_PRECISIONS = ("auto", "float32", "bfloat16")


def _knob(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True, slots=True)
class Settings:
    """Typed, documented settings; pass one explicitly to every entry point."""

    db_path: str = _knob("crosswire.db", "SQLite file the store keeps articles and stories in.")
    max_file_bytes: int = _knob(
        20_000_000, "Largest input file read (bytes); larger files become a failure instead of being loaded."
    )
    max_article_chars: int = _knob(
        200_000, "Longest article body kept (characters); longer bodies are cut at a paragraph boundary."
    )
    min_article_chars: int = _knob(
        40, "Shortest cleaned body that still counts as an article (characters); shorter is a failure."
    )
    summary_words: int = _knob(120, "Word budget of a story summary for a story of up to five articles.")
    summary_words_per_extra_article: int = _knob(
        10, "Extra words of summary per article beyond five, so large stories get room (capped at 2x)."
    )
    batch_size: int = _knob(64, "Articles per batch handed to spaCy and the sentence embedder.")
    allow_private_urls: bool = _knob(
        False, "Let URL fetching reach private, loopback and link-local addresses (off: refused, no SSRF)."
    )
    fetch_timeout: float = _knob(10.0, "Seconds before a URL fetch gives up.")
    fetch_max_bytes: int = _knob(5_000_000, "Largest response body a URL fetch reads (bytes).")
    max_request_bytes: int = _knob(5_000_000, "Largest HTTP request body the web app accepts (bytes).")
    progress: bool = _knob(True, "Show progress bars on stderr for long work.")
    summary_semantic_citations: bool = _knob(
        True,
        "In a brief, also look for paraphrased support of summary sentences with sentence embeddings (about 10x "
        "the summarizer's time; off: citations by stemmed word overlap, which finds restatements, not "
        "paraphrases). The standalone `crosswire summarize` cites by word overlap unless given "
        "--paraphrase-citations.",
    )
    embed_threads: int = _knob(
        0,
        "PyTorch threads for the sentence embedder; 0: PyTorch's own choice (one per core), except 1 in each "
        "of a brief's story workers, which already share the cores (oversubscribed threads spin-wait: "
        "measured 3x the CPU for the same vectors).",
    )
    blas_threads: int = _knob(
        0,
        "Threads of numpy's BLAS, which runs spaCy's matrix products; 0: the library's own choice (one per "
        "core), except 1 in each of a brief's story workers.",
    )
    embed_precision: str = _knob(
        "auto",
        "Number format of the sentence embedder's matrix products: 'float32', 'bfloat16', or 'auto' (bfloat16 "
        "where the CPU computes it natively, e.g. AVX512-BF16 or AMX; else float32). On this project's 2-core "
        "machine bfloat16 took 0.57x the CPU time, and its vectors had cosine 0.9999 with float32's.",
    )
    parse_processes: int = _knob(
        2,
        "Worker processes for a brief of at least 32 articles: each parses and analyses whole stories "
        "(1: everything in this process). Also spaCy's workers when parsing such a batch outside a brief.",
    )
    claims_embed_per_article: int = _knob(
        1, "Sentences per article (plus 4 per story, at most 24) the claims stage may embed to see paraphrases; "
        "0 aligns claims on word overlap only (about 4x faster, half the same-fact recall)."
    )
    grouper: str = _knob("group.editor.v1", "Registered name of the story grouping stage (crosswire.registry).")
    summarizer: str = _knob("summarize.support.v1", "Registered name of the summarizer stage.")
    quote_extractor: str = _knob(
        "quotes.rules.v1",
        "Registered name of the quote extraction stage. quotes.rules.v1: candidates from the parse, kept by a "
        "sparse model (PolNeAR dev F1 0.698). quotes.context.v1: the same, each candidate read again by a "
        "fine-tuned 3-layer MiniLM over the article (F1 0.716, speaker accuracy 0.885), at about 150-180 ms of "
        "CPU per article more (a brief of news_cluster: 85 s against 60 s in one run, bench/throughput.py).",
    )
    entity_extractor: str = _knob("entities.merge.v1", "Registered name of the entity extraction stage.")
    claim_finder: str = _knob("claims.align.v1", "Registered name of the claims (corroboration/dispute) stage.")
    timeline_builder: str = _knob("timeline.resolve.v1", "Registered name of the timeline stage.")

    def stage_names(self) -> dict[str, str]:
        """The stage implementations these settings choose, as recorded with stored results."""
        return {
            "grouper": self.grouper,
            "summarizer": self.summarizer,
            "quotes": self.quote_extractor,
            "entities": self.entity_extractor,
            "claims": self.claim_finder,
            "timeline": self.timeline_builder,
        }

    def __post_init__(self) -> None:
        if self.embed_precision not in EMBED_PRECISIONS:
            choices = ", ".join(repr(c) for c in EMBED_PRECISIONS)
            raise ConfigError(f"setting 'embed_precision' must be one of {choices}, got {self.embed_precision!r}")

    @classmethod
    def help(cls) -> dict[str, str]:
        """Each setting's name and help text."""
        return {f.name: f.metadata.get("help", "") for f in fields(cls)}

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with the given settings changed; None values are ignored (flag not given)."""
        known = {f.name for f in fields(self)}
        clean = {}
        for key, value in overrides.items():
            if value is None:
                continue
            if key not in known:
                raise ConfigError(f"unknown setting {key!r}")
            clean[key] = value
        return replace(self, **clean)


def _coerce(name: str, raw: Any, kind: type) -> Any:
    try:
        if kind is bool and isinstance(raw, str):
            if raw.lower() in {"1", "true", "yes", "on"}:
                return True
            if raw.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
        return kind(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name!r} must be {kind.__name__}, got {raw!r}") from exc


_TYPES = {"str": str, "int": int, "float": float, "bool": bool}


def load_settings(config: str | Path | None = None, env: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Build Settings from defaults, a TOML file, the environment and explicit overrides."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    path = Path(config) if config else Path("crosswire.toml")
    if config and not path.exists():
        raise ConfigError(f"settings file not found: {path}")
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read settings file {path}: {exc}") from exc
        values.update(data.get("crosswire", data))
    for f in fields(Settings):
        key = f"CROSSWIRE_{f.name.upper()}"
        if key in env:
            values[f.name] = env[key]
    typed = {}
    for f in fields(Settings):
        if f.name in values:
            typed[f.name] = _coerce(f.name, values.pop(f.name), _TYPES[f.type] if isinstance(f.type, str) else f.type)
    if values:
        raise ConfigError(f"unknown setting(s): {', '.join(sorted(values))}")
    return Settings(**typed).with_overrides(**overrides)
