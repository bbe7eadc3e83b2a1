"""Fixtures of the real-client tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clientlib import DATA, specedit_executable


@pytest.fixture
def specedit_exe() -> Path:
    exe = specedit_executable()
    if exe is None:
        pytest.skip("the specedit console script is not installed (pip install -e .)")
    return exe


@pytest.fixture
def work_copy(tmp_path: Path):
    """Copies a fixture file from tests/data/clients into a fresh directory."""

    def copy(name: str) -> Path:
        target = tmp_path / "project" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DATA / name, target)
        return target

    return copy

