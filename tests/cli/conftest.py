"""Fixtures of the command-line tests: run the real `specedit` program on copies of tests/data/cli files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "cli"


def specedit_command() -> list[str]:
    """The installed console script beside this Python, else the same entry point run as a module."""
    script = Path(sys.executable).with_name("specedit")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "lsp_server.cli"]


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty folder the command runs in."""
    folder = tmp_path / "project"
    folder.mkdir()
    return folder


@pytest.fixture
def copy_in(project: Path):
    """Copies a fixture file from tests/data/cli into the project folder; returns its path."""

    def copy(name: str) -> Path:
        target = project / name
        shutil.copyfile(DATA / name, target)
        return target

    return copy


@pytest.fixture(scope="session")
def run_specedit():
    """Runs `specedit ARGS...` in a folder; llama.cpp gets the tests' thread count.

    One thread unless SPECEDIT_TEST_THREADS says otherwise: see tests/model/conftest.py for why.
    """

    def run(cwd: Path, *args: str, timeout: float = 300, stdin: str | None = None, cache: Path | None = None) -> Run:
        """`cache`: the runs keep their last prompt there (XDG_CACHE_HOME); without, they keep none."""
        argv = [*specedit_command(), *args]
        if args and args[0] in ("edit", "apply"):
            argv += ["--n-threads", os.environ.get("SPECEDIT_TEST_THREADS", "1")]
            argv += [] if cache else ["--no-prompt-cache"]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        if cache:
            env["XDG_CACHE_HOME"] = str(cache)
        done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, input=stdin)
        return Run(done.returncode, done.stdout, done.stderr)

    return run


@pytest.fixture
def specedit(run_specedit, project: Path):
    """Runs `specedit ARGS...` in the project folder."""
    return lambda *args, **kw: run_specedit(project, *args, **kw)
