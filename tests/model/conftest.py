"""Fixtures of the real-model tests: one engine on the embedded default model for the whole session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lsp_server.config import ModelSettings, Settings
from lsp_server.engine.edit import Engine

DATA = Path(__file__).resolve().parents[1] / "data" / "model"


def _threads() -> int:
    """Threads for llama.cpp in tests: 1 unless SPECEDIT_TEST_THREADS says otherwise.

    llama.cpp's worker threads spin while they wait for each other, so on a shared 2-core machine
    two threads ran ~20x slower than one (measured: 0.84 s vs 0.044 s per one-token decode while
    another process was busy). One thread keeps the suite's run time predictable.
    """
    return int(os.environ.get("SPECEDIT_TEST_THREADS", "1"))


@pytest.fixture
def settings() -> Settings:
    """Default settings, but with the tests' thread count."""
    return Settings(model=ModelSettings(n_threads=_threads()))


@pytest.fixture(scope="session")
def engine():
    """The engine with the embedded model, loaded once; tests reset its cache where they need a cold one."""
    engine = Engine(Settings(model=ModelSettings(n_threads=_threads())))
    engine.model  # load now, so the first test's time and failures are its own
    yield engine
    engine.close()


@pytest.fixture
def source():
    """Reads a fixture file from tests/data/model."""

    def read(name: str) -> str:
        return (DATA / name).read_text(encoding="utf-8")

    return read
