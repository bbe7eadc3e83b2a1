"""A lint task's draft: run the task's linter on its input and take the fix it offers for the diagnostic.

This is what the server does when a configured linter reports a finding with a fix: the fix becomes
the draft the model verifies (Task.fix_edits). A linter that is not on PATH, or that offers no fix for
the diagnostic, leaves the task as it is: the model gets the diagnostic alone.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

from .tasks import BenchTask


def find_linter(name: str) -> str | None:
    """The linter on PATH, else where this project's setup puts it: the venv (ruff), ~/.cargo/bin
    (clippy-driver), the eslint that tests/unit/test_linters.py installs."""
    places = [Path(sys.executable).parent / name, Path.home() / ".cargo" / "bin" / name]
    places += sorted((Path.home() / ".cache" / "specedit").glob(f"eslint-*/node_modules/.bin/{name}"))
    return shutil.which(name) or next((str(p) for p in places if p.exists()), None)


def on_the_line(findings: list, text: str, diagnostic: str) -> list:
    """The findings on the line the diagnostic names ('file:LINE:col: ...'): two findings may share a message
    (eslint's curly, ruff's E711 twice); without a line, or with none there, all of them."""
    where = re.search(r":(\d+):(?:\d+:)?", diagnostic)
    if where is None:
        return findings
    line = int(where[1])
    there = [f for f in findings if text.count("\n", 0, f.start) + 1 == line]
    return there or findings


def with_linter_fix(bt: BenchTask) -> tuple[BenchTask, str | None]:
    """(the task, with fix_edits when the linter gave a fix), and a note for the record (None: no linter)."""
    if not bt.linter:
        return bt, None
    try:
        from lsp_server import linters

        run_sync, fix_for, linter_error = linters.run_sync, linters.fix_for, linters.LinterError
    except (ImportError, AttributeError):
        return bt, "this lsp_server cannot run linters: diagnostic only"
    if not hasattr(bt.task, "fix_edits"):
        return bt, "this lsp_server's Task has no fix_edits: diagnostic only"
    binary = find_linter(bt.linter[0])
    if binary is None:
        return bt, f"{bt.linter[0]} is not installed: diagnostic only"
    with tempfile.TemporaryDirectory(prefix="specedit-bench-") as folder:
        path = Path(folder) / bt.path.name  # the name the diagnostic and the linter's config expect
        path.write_text(bt.text, encoding="utf-8")
        cwd = os.getcwd()
        os.chdir(folder)  # eslint ignores files outside its working directory
        try:
            findings = run_sync([binary, *bt.linter[1:]], str(path), bt.text)
        except linter_error as exc:
            return bt, f"the linter failed ({exc}): diagnostic only"
        finally:
            os.chdir(cwd)
    fix = fix_for(on_the_line(findings, bt.text, bt.task.diagnostic or ""), bt.task.diagnostic or "")
    if not fix:
        return bt, f"{bt.linter[0]} offers no fix for the diagnostic: diagnostic only"
    task = dataclasses.replace(bt.task, fix_edits=fix)
    return dataclasses.replace(bt, task=task), f"{bt.linter[0]}'s fix is the draft"
