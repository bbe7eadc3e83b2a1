"""Batch Emacs with eglot and editors/emacs/specedit.el against the real server."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from clientlib import (
    CLIENT_SETTINGS,
    DATA,
    EDITORS,
    JOB_TIMEOUT_S,
    RENAME_COLUMN,
    RENAME_FILE,
    RENAME_LINE,
    RENAME_NEW,
    assert_renamed,
    client_env,
)

pytestmark = pytest.mark.client

SPECEDIT_EL = EDITORS / "emacs" / "specedit.el"


@pytest.fixture
def emacs() -> str:
    binary = shutil.which("emacs")
    if binary is None:
        pytest.skip("emacs is not installed (apt-get install emacs-nox elpa-eglot)")
    return binary


def test_specedit_el_byte_compiles_and_registers_with_eglot(emacs, tmp_path):
    copy = tmp_path / "specedit.el"
    shutil.copyfile(SPECEDIT_EL, copy)
    completed = subprocess.run(
        [
            emacs, "--batch", "-L", str(tmp_path),
            "--eval", "(setq byte-compile-error-on-warn t)",
            "-f", "batch-byte-compile", str(copy),
        ],
        capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    probe = """
(let ((entry (cl-find-if (lambda (e) (memq 'python-mode (ensure-list (car e)))) eglot-server-programs)))
  (princ (json-encode
          (list :contact (funcall (cdr entry))
                :commands (mapcar #'commandp '(specedit-edit specedit-rename specedit-cancel
                                               specedit-edit-from-comment))))))
"""
    completed = subprocess.run(
        [emacs, "--batch", "-L", str(EDITORS / "emacs"), "--eval", "(require 'specedit)", "--eval", probe],
        capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert report["contact"][0] == "specedit-eglot-server"
    assert report["contact"][-1] == "serve"
    assert report["commands"] == [True, True, True, True]


def test_emacs_eglot_rename_with_ai_renames_every_occurrence(emacs, specedit_exe, work_copy, tmp_path):
    file = work_copy(RENAME_FILE)
    original = file.read_text()
    result_path = tmp_path / "emacs-result.json"
    completed = subprocess.run(
        [emacs, "--batch", "-L", str(EDITORS / "emacs"), "-l", str(DATA / "emacs_run.el")],
        env=client_env(
            SPECEDIT_EXE=str(specedit_exe),
            SPECEDIT_SETTINGS=json.dumps(CLIENT_SETTINGS),
            SPECEDIT_FILE=str(file),
            SPECEDIT_CURSOR=f"{RENAME_LINE + 1},{RENAME_COLUMN}",
            SPECEDIT_NEW_NAME=RENAME_NEW,
            SPECEDIT_RESULT=str(result_path),
            SPECEDIT_TIMEOUT_S=str(JOB_TIMEOUT_S),
        ),
        cwd=file.parent,
        capture_output=True,
        text=True,
        timeout=JOB_TIMEOUT_S + 120,
    )
    report = json.loads(result_path.read_text()) if result_path.exists() else {}
    assert completed.returncode == 0, (completed.returncode, report.get("error"), completed.stderr[-3000:])
    assert report["serverClass"] == "specedit-eglot-server"
    assert isinstance(report["started"]["job"], int)
    assert report["jobDone"]["ok"] is True, report["jobDone"]
    assert report["text"] == file.read_text(), "the saved file differs from the buffer"
    assert_renamed(original, file.read_text())
