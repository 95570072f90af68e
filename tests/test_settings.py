from dataclasses import fields

import pytest

from crosswire.errors import ConfigError
from crosswire.settings import Settings, load_settings


def test_every_setting_is_documented():
    for f in fields(Settings):
        assert len(f.metadata.get("help", "")) > 15, f"setting {f.name} has no help text"


def test_precedence_defaults_file_env_flags(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[crosswire]\nsummary_words = 80\nbatch_size = 8\n")
    env = {"CROSSWIRE_BATCH_SIZE": "16", "CROSSWIRE_PROGRESS": "off"}
    s = load_settings(cfg, env=env, summary_words=None)
    assert (s.summary_words, s.batch_size, s.progress) == (80, 16, False)
    assert load_settings(cfg, env=env, summary_words=50).summary_words == 50
    assert load_settings(None, env={}).summary_words == Settings().summary_words


def test_bad_settings_are_clear_errors(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[crosswire]\nno_such_knob = 1\n")
    with pytest.raises(ConfigError, match="no_such_knob"):
        load_settings(cfg, env={})
    with pytest.raises(ConfigError, match="batch_size"):
        load_settings(None, env={"CROSSWIRE_BATCH_SIZE": "many"})
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "missing.toml", env={})
