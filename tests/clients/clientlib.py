"""Shared pieces of the real-client tests: paths, settings, the server executable, the rename check."""

from __future__ import annotations

import ast
import os
import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data" / "clients"
EDITORS = REPO / "editors"

# Seconds one edit may take with the embedded model on a CPU.
JOB_TIMEOUT_S = 180

# Typical acceptance makes the small embedded model follow the deterministic
# tree-sitter rename draft; these tests check the clients, not the model.
CLIENT_SETTINGS = {"acceptance": "typical"}

RENAME_FILE = "rename_total.py"
RENAME_LINE = 5  # 0-based line of `    total = 0`
RENAME_COLUMN = 4
RENAME_OLD, RENAME_NEW = "total", "subtotal"
RENAME_OCCURRENCES = 5


def specedit_executable() -> Path | None:
    """$SPECEDIT_EXE, else the console script next to the running interpreter (the project's .venv)."""
    if os.environ.get("SPECEDIT_EXE"):
        return Path(os.environ["SPECEDIT_EXE"])
    candidate = Path(sys.executable).parent / "specedit"
    if candidate.exists():
        return candidate
    found = shutil.which("specedit")
    return Path(found) if found else None


def client_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    return env


def non_blank_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def assert_renamed(original: str, final: str) -> None:
    """Every occurrence renamed, the other code intact, still valid Python.

    Blank lines are the model's to keep or drop; a misplaced edit (a wrong position
    encoding, a stale version) would break a code line and fail here.
    """
    assert final != original, "the document did not change"
    assert re.findall(rf"\b{RENAME_OLD}\b", final) == [], final
    assert len(re.findall(rf"\b{RENAME_NEW}\b", final)) == RENAME_OCCURRENCES, final
    assert non_blank_lines(re.sub(rf"\b{RENAME_NEW}\b", RENAME_OLD, final)) == non_blank_lines(original), final
    ast.parse(final)


def warmed_lines(logs: list[str]) -> tuple[int, int] | None:
    """The lines (1-based) of the last warm-up the server logged: 'warm-up: prefilled N prompt tokens
    for an edit of lines A-B of URI' (lsp_server/jobs.py)."""
    found = [m for line in logs if (m := re.search(r"warm-up: prefilled \d+ prompt tokens for an edit of lines (\d+)-(\d+)", line))]
    return (int(found[-1][1]), int(found[-1][2])) if found else None
