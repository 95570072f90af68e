"""Shared fixtures: paths to the shared data, real seeds, session-scoped models."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
GOLD = SHARED / "gold" / "seeds.json"
DATA = SHARED / "data"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.exists():
        pytest.fail(f"the shared data folder is missing: {SHARED}")
    return SHARED


@pytest.fixture(autouse=True)
def _no_settings_leak(monkeypatch, tmp_path):
    """Keep tests from reading a developer's crosswire.toml or CROSSWIRE_* variables."""
    for key in list(os.environ):
        if key.startswith("CROSSWIRE_"):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)
