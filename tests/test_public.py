"""The public surface is small and pinned, and importing it loads no heavy model library."""

import subprocess
import sys

import crosswire

PINNED = [
    "Article", "Briefing", "Citation", "Claim", "ConfigError", "CrosswireError", "Entity", "Failure",
    "IngestError", "ModelMissingError", "NoArticlesError", "Quote", "Sentence", "Settings", "Span", "Store",
    "Story", "Storyline", "StoreError", "SummarySentence", "TimelineEvent", "brief", "ingest", "load_settings",
    "quotes", "stories", "summarize",
]


def test_all_is_pinned():
    assert sorted(crosswire.__all__) == sorted(PINNED)
    for name in PINNED:
        assert hasattr(crosswire, name)


def test_import_and_help_do_not_load_models():
    code = (
        "import sys, crosswire, crosswire.cli\n"
        "from typer.testing import CliRunner\n"
        "CliRunner().invoke(crosswire.cli.app, ['--help'])\n"
        "heavy = [m for m in ('spacy', 'torch', 'sentence_transformers', 'transformers') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
