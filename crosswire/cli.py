"""The command line: parses arguments, shows progress on stderr, calls the library, prints results.

Exit codes: 0 when at least one article was processed, 2 when none could be, 1 for a usage or
settings error. Output goes to stdout; progress and messages go to stderr.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from .errors import CrosswireError
from .pipeline import Progress
from .settings import Settings, load_settings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="crosswire: turn news articles from many outlets into a briefing a reader can trust.",
)


class Format(StrEnum):
    md = "md"
    json = "json"
    jsonl = "jsonl"


class Engine(StrEnum):
    local = "local"
    ray = "ray"


InputsArg = Annotated[list[Path] | None, typer.Argument(help="Files or folders: .txt .md .html .json .jsonl .xml .rss .atom .urls")]
DbOpt = Annotated[Path | None, typer.Option("--db", help="SQLite store (default ./crosswire.db where a command needs one).")]
ConfigOpt = Annotated[Path | None, typer.Option("--config", help="Settings TOML file (default ./crosswire.toml if present).")]
WordsOpt = Annotated[int | None, typer.Option("--words", min=10, max=5000, help="Summary length in words per story.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")]
EngineOpt = Annotated[Engine, typer.Option("--engine", help="Run per-article stages locally or on Ray.")]
AddressOpt = Annotated[str | None, typer.Option("--address", help="Ray cluster address (default: start a local one).")]
WorkersOpt = Annotated[int | None, typer.Option("--workers", min=1, help="CPUs for a local Ray instance.")]


class RichProgress(Progress):
    """Progress bars on stderr, shown only on a terminal so piped stderr stays clean."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()

    @contextmanager
    def task(self, description: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
        if not self.enabled:
            yield lambda n=1: None
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Bar

        with Bar(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=Console(stderr=True), transient=True,
        ) as bar:
            task = bar.add_task(description, total=total)
            yield lambda n=1: bar.advance(task, n)


def _settings(config: Path | None, **overrides: Any) -> Settings:
    return load_settings(config, **overrides)


def _batch_settings(config: Path | None) -> Settings:
    """Settings for a command that works through a batch and ends: it also keeps freed memory for reuse."""
    from .runtime import keep_freed_memory

    keep_freed_memory()
    return _settings(config)


def _emit(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    sys.stdout.flush()


def _warn_failures(failures: list[Any]) -> None:
    for f in failures:
        typer.echo(f"crosswire: skipped {f.input}: {f.reason}", err=True)


def _exit_for(n_articles: int) -> None:
    if n_articles == 0:
        typer.echo("crosswire: no article could be processed", err=True)
        raise typer.Exit(2)


def _need_inputs(inputs: list[Path] | None, db: Path | None) -> None:
    if not inputs and db is None:
        raise typer.BadParameter("give input files or folders, or --db PATH")


@app.command()
def brief(
    inputs: InputsArg = None,
    db: DbOpt = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="md or json")] = Format.md,
    words: WordsOpt = None,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
    engine: EngineOpt = Engine.local,
    address: AddressOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Brief the inputs (or, with --db and no inputs, what the store holds)."""
    from . import api
    from .report import briefing_json, briefing_markdown, dumps

    _need_inputs(inputs, db)
    settings = _batch_settings(config)
    progress = RichProgress(not quiet and settings.progress)
    briefing = api.brief(inputs or [], settings, db=db, words=words, progress=progress,
                         engine=engine.value, address=address, workers=workers)
    _emit(dumps(briefing_json(briefing)) if fmt is Format.json else briefing_markdown(briefing))
    _exit_for(len(briefing.articles))


@app.command()
def ingest(
    inputs: Annotated[list[Path], typer.Argument(help="Files or folders to store")],
    db: DbOpt = None,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
    engine: EngineOpt = Engine.local,
    address: AddressOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Store articles and assign them to stories and storylines (existing ones, or new)."""
    from . import api
    from .report import dumps

    settings = _batch_settings(config)
    progress = RichProgress(not quiet and settings.progress)
    result = api.ingest(inputs, settings, db=db or Path(settings.db_path), progress=progress,
                        engine=engine.value, address=address, workers=workers)
    _warn_failures(result.failures)
    typer.echo(
        f"crosswire: stored {result.added} new article(s) ({result.total} in {result.db}); "
        f"{len(result.failures)} input(s) not used",
        err=True,
    )
    _emit(dumps(result.to_json()))
    if result.total == 0:
        raise typer.Exit(2)


@app.command()
def stories(
    inputs: InputsArg = None,
    db: DbOpt = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="json or md")] = Format.json,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
    engine: EngineOpt = Engine.local,
    address: AddressOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Group articles into stories and storylines without summarising (the fast path)."""
    from . import api
    from .report import dumps
    from .report.stories import stories_json, stories_markdown

    _need_inputs(inputs, db)
    settings = _batch_settings(config)
    progress = RichProgress(not quiet and settings.progress)
    result = api.stories(inputs or [], settings, db=db, progress=progress,
                         engine=engine.value, address=address, workers=workers)
    _emit(dumps(stories_json(result)) if fmt is not Format.md else stories_markdown(result))
    _exit_for(len(result.articles))


@app.command()
def summarize(
    inputs: InputsArg = None,
    clusters: Annotated[Path | None, typer.Option("--clusters", help="JSONL, one cluster a line: {id, articles}")] = None,
    words: WordsOpt = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="json, md, or jsonl with --clusters")] = Format.json,
    paraphrase: Annotated[bool, typer.Option(
        "--paraphrase-citations",
        help="Also cite articles that paraphrase a sentence (sentence embeddings, about 10x slower); "
        "default: articles that restate it in the same words.")] = False,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Summarize all inputs as one story, or each line of --clusters as its own story."""
    from . import api
    from .report import dumps
    from .report.stories import summary_markdown

    settings = _batch_settings(config)
    progress = RichProgress(not quiet and settings.progress)
    if clusters is not None:
        if inputs:
            raise typer.BadParameter("give either inputs or --clusters, not both")
        n_ok = 0
        for line in api.summarize_clusters(clusters, settings, words=words, progress=progress, paraphrase=paraphrase):
            n_ok += bool(line["summary"])
            _emit(json.dumps(line, ensure_ascii=False) if fmt is Format.jsonl else dumps(line))
        _exit_for(n_ok)
        return
    _need_inputs(inputs, None)
    result = api.summarize(inputs or [], settings, words=words, progress=progress, paraphrase=paraphrase)
    _emit(summary_markdown(result) if fmt is Format.md else dumps(result))
    _exit_for(len(result["articles"]))


@app.command()
def quotes(
    inputs: Annotated[list[Path], typer.Argument(help="Files or folders")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="json or md")] = Format.json,
    config: ConfigOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Who said what in the inputs, without clustering."""
    from . import api
    from .report import dumps
    from .report.stories import quotes_markdown

    settings = _batch_settings(config)
    progress = RichProgress(not quiet and settings.progress)
    result = api.quotes(inputs, settings, progress=progress)
    _emit(quotes_markdown(result) if fmt is Format.md else dumps(result))
    _exit_for(len(result["articles"]))


@app.command()
def serve(
    db: DbOpt = None,
    host: Annotated[str, typer.Option("--host", help="Address to bind (loopback unless told otherwise).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    config: ConfigOpt = None,
) -> None:
    """Serve the web page and HTTP API over a store."""
    import uvicorn

    from .web import create_app

    settings = _settings(config)
    uvicorn.run(create_app(db or Path(settings.db_path), settings), host=host, port=port, log_level="warning")


@app.command("settings")
def show_settings(config: ConfigOpt = None) -> None:
    """Print every setting with its value and help text."""
    from dataclasses import asdict

    settings = _settings(config)
    helps = Settings.help()
    for name, value in asdict(settings).items():
        typer.echo(f"{name} = {value!r}\n    {helps[name]}")


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI, mapping errors to exit codes and one-line messages."""
    try:
        rc = app(args=argv, standalone_mode=False, prog_name="crosswire")
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        typer.echo("crosswire: aborted", err=True)
        return 130
    except _usage_errors() as exc:
        exc.show()
        return 1
    except CrosswireError as exc:
        typer.echo(f"crosswire: {exc}", err=True)
        return exc.exit_code
    except BrokenPipeError:
        return 0
    return rc if isinstance(rc, int) else 0


def _usage_errors() -> tuple[type[Exception], ...]:
    """The exception class typer raises for bad command lines (a bad option, a missing argument).

    typer up to 0.28 raises click's own; from 0.29 it raises those of the copy of click it carries,
    which click's classes do not catch. Both are ancestors of `typer.BadParameter`.
    """
    return tuple(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


def run() -> None:
    """Console entry point: `main`, then exit without finalising the interpreter's modules.

    torch, transformers and spaCy import about 3,900 modules; tearing them down took 1.3-1.8 s after
    every command that had loaded the models, with nothing left to do. The exit handlers still run
    (Ray's shutdown, temporary folders, logging) and the output streams are flushed first.
    """
    import atexit
    import os

    code = main()
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_handlers is None:  # not CPython: leave the exit to the interpreter
        sys.exit(code)
    run_exit_handlers()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`| head`) or a closed stream: nothing to flush into
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
