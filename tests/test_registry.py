import pytest

from crosswire import registry
from crosswire.errors import ConfigError
from crosswire.settings import Settings


def test_every_default_stage_resolves():
    for kind, name in Settings().stage_names().items():
        assert callable(registry.get(kind, name)), (kind, name)


def test_register_custom_and_refuse_duplicates():
    @registry.register("summarizer", "summarize.test-first-sentence.v1")
    def first_sentence(articles, sentences, words, settings):
        return ()

    assert registry.get("summarizer", "summarize.test-first-sentence.v1") is first_sentence
    assert "summarize.test-first-sentence.v1" in registry.names("summarizer")
    with pytest.raises(ConfigError, match="already registered"):
        registry.register("summarizer", "summarize.test-first-sentence.v1")(first_sentence)
    with pytest.raises(ConfigError, match="already registered"):
        registry.register("summarizer", "summarize.support.v1")(first_sentence)


def test_unknown_names_are_clear():
    with pytest.raises(ConfigError, match="choose one of"):
        registry.get("summarizer", "nope.v0")
    with pytest.raises(ConfigError, match="unknown stage kind"):
        registry.register("nope", "x")(print)
