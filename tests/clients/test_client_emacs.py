"""Batch Emacs with eglot and editors/emacs/specedit.el against the real server."""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
from pathlib import Path

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
    warmed_lines,
)
from untrusted import make_untrusted_project

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


def run_emacs(emacs, exe: Path, file: Path, tmp_path: Path, **env: str) -> dict:
    """tests/data/clients/emacs_run.el on `file` against the real server; its report (see the harness for `env`)."""
    result_path = tmp_path / "emacs-result.json"
    completed = subprocess.run(
        [emacs, "--batch", "-L", str(EDITORS / "emacs"), "-l", str(DATA / "emacs_run.el")],
        env=client_env(
            SPECEDIT_EXE=str(exe),
            SPECEDIT_SETTINGS=json.dumps(CLIENT_SETTINGS),
            SPECEDIT_FILE=str(file),
            SPECEDIT_RESULT=str(result_path),
            SPECEDIT_TIMEOUT_S=str(JOB_TIMEOUT_S),
            **env,
        ),
        cwd=file.parent,
        capture_output=True,
        text=True,
        timeout=JOB_TIMEOUT_S + 120,
    )
    report = json.loads(result_path.read_text()) if result_path.exists() else {}
    assert completed.returncode == 0, (completed.returncode, report.get("error"), completed.stderr[-3000:])
    return report


def test_emacs_eglot_rename_with_ai_renames_every_occurrence(emacs, specedit_exe, work_copy, tmp_path):
    file = work_copy(RENAME_FILE)
    original = file.read_text()
    report = run_emacs(emacs, specedit_exe, file, tmp_path,
                       SPECEDIT_CURSOR=f"{RENAME_LINE + 1},{RENAME_COLUMN}", SPECEDIT_NEW_NAME=RENAME_NEW)
    assert report["serverClass"] == "specedit-eglot-server"
    assert isinstance(report["started"]["job"], int)
    assert report["jobDone"]["ok"] is True, report["jobDone"]
    assert report["text"] == file.read_text(), "the saved file differs from the buffer"
    assert_renamed(original, file.read_text())


def test_emacs_prefills_an_edit_while_its_instruction_is_typed(emacs, specedit_exe, work_copy, tmp_path):
    """M-x specedit-edit asks for the code actions at the region before it reads the instruction, so
    the server warms the prompt of that edit meanwhile; the edit then prefills only its change request."""
    file = work_copy(RENAME_FILE)
    first, last = 4, 11  # 1-based: the function `order_sum`
    report = run_emacs(emacs, specedit_exe, file, tmp_path, SPECEDIT_CURSOR=f"{first},0",
                       SPECEDIT_REGION_TO_LINE=str(last), SPECEDIT_INSTRUCTION="add a comment saying what total starts at")
    assert warmed_lines(report["logsAtInput"]) == (first, last), report["logsAtInput"]
    stats = report["jobDone"]["stats"]
    assert stats is not None, report["jobDone"]
    # The change request and the answer's opening only (15-20 tokens with the embedded model); the
    # function's lines, were they not warmed, would come first (about 90 more).
    assert 0 < stats["prefill_tokens"] <= 30, stats


# -- trust: a project's own .venv server runs only once the user trusts the project ------------------

TRUST_HARNESS = Path(__file__).parent / "trust" / "emacs_trust.el"
QUESTION = "Trust this project and run it?"


def run_emacs_in_project(emacs, project, home: Path, result: Path, answer: str | None = None, then: str = "",
                         without_trusted_content: bool = False) -> tuple:
    """Batch Emacs with no specedit-server-command in `project`; `answer`: what the user types if asked;
    `home` keeps what Emacs remembers between sessions (customizations, answers)."""
    env = client_env(SPECEDIT_FILE=str(project.file), SPECEDIT_MARKERS=str(project.markers),
                     SPECEDIT_CUSTOM_FILE=str(home / "custom.el"), SPECEDIT_TRUST_FILE=str(home / "specedit-trust.eld"),
                     SPECEDIT_RESULT=str(result), SPECEDIT_THEN=then, PATH=project.path_env())
    if without_trusted_content:
        env["SPECEDIT_WITHOUT_TRUSTED_CONTENT"] = "1"
    completed = subprocess.run(
        [emacs, "--batch", "-L", str(EDITORS / "emacs"), "-l", str(TRUST_HARNESS)], env=env,
        input=answer if answer is not None else "", cwd=project.root, capture_output=True, text=True, timeout=240,
    )
    report = json.loads(result.read_text()) if result.exists() else {}
    assert completed.returncode == 0 and not report.get("error"), (report, completed.stderr[-3000:])
    for phase in report["phases"]:
        phase["ran"] = set(phase["ran"])
    return report["phases"], completed.stdout + completed.stderr  # batch Emacs asks on stdout


def has_trusted_content(emacs) -> bool:
    probe = subprocess.run([emacs, "--batch", "--eval", "(princ (fboundp 'trusted-content-p))"],
                           capture_output=True, text=True, timeout=60)
    return probe.stdout.strip() == "t"


def test_emacs_runs_a_projects_venv_server_only_once_trusted_content_covers_it(emacs, specedit_exe, tmp_path):
    if not has_trusted_content(emacs):
        pytest.skip("this Emacs has no trusted-content (Emacs 30+, or Debian's 28.2 security update)")
    project = make_untrusted_project(tmp_path, specedit_exe)
    home = tmp_path / "emacs.d"
    home.mkdir()
    # Not in trusted-content: not asked, not run; the user's own specedit (PATH) serves; says why once.
    (start, trusted), said = run_emacs_in_project(emacs, project, home, tmp_path / "first.json",
                                                  then="specedit-trust-project")
    assert QUESTION not in said and start["ran"] == set() and start["command"][0] == "specedit", (start, said)
    assert said.count(f"not starting {project.venv_server}: this project is not trusted") == 1, said
    # M-x specedit-trust-project adds the project to trusted-content and restarts with its server.
    assert trusted["command"] == [str(project.venv_server), "serve"] and trusted["ran"] == {"venv"}, trusted
    assert "trusted-content" in (home / "custom.el").read_text() and str(project.root) in (home / "custom.el").read_text()
    # Saved like any customization: the next session starts it at once.
    (project.markers / "venv").unlink()
    (start,), said = run_emacs_in_project(emacs, project, home, tmp_path / "later.json")
    assert start["ran"] == {"venv"} and "not trusted" not in said, (start, said)


def test_emacs_without_trusted_content_asks_once_per_project_and_remembers(emacs, specedit_exe, tmp_path):
    project = make_untrusted_project(tmp_path, specedit_exe)
    home = tmp_path / "emacs.d"
    home.mkdir()
    run = functools.partial(run_emacs_in_project, emacs, project, home, without_trusted_content=True)
    # Asked; the user says no: the user's own specedit (PATH) serves, the project's never ran.
    (start,), said = run(tmp_path / "no.json", answer="no\n")
    assert QUESTION in said and str(project.venv_server) in said, said
    assert start["attached"] is True and start["command"][0] == "specedit" and start["ran"] == set(), start
    assert f"not starting {project.venv_server}: this project is not trusted" in said, said
    # The answer is remembered: not asked again (there is no input to give), still not run.
    (start,), said = run(tmp_path / "again.json")
    assert QUESTION not in said and start["ran"] == set() and start["command"][0] == "specedit", (start, said)
    # M-x specedit-trust-project: the server restarts as the project's own, and that is remembered too.
    (start, trusted), said = run(tmp_path / "trust.json", then="specedit-trust-project")
    assert start["ran"] == set() and trusted["command"] == [str(project.venv_server), "serve"], (start, trusted)
    assert trusted["ran"] == {"venv"}
    (project.markers / "venv").unlink()
    (start,), said = run(tmp_path / "later.json")
    assert QUESTION not in said and start["ran"] == {"venv"}, (start, said)
    # Another project, answered yes: runs at once.
    other = make_untrusted_project(tmp_path / "other", specedit_exe)
    (start,), said = run_emacs_in_project(emacs, other, home, tmp_path / "yes.json", answer="yes\n",
                                          without_trusted_content=True)
    assert QUESTION in said and start["command"] == [str(other.venv_server), "serve"] and start["ran"] == {"venv"}


def test_a_projects_dir_locals_cannot_choose_the_server_or_its_settings(emacs):
    probe = "(princ (json-encode (mapcar #'risky-local-variable-p '(specedit-server-command specedit-settings specedit-trust-file))))"
    completed = subprocess.run(
        [emacs, "--batch", "-L", str(EDITORS / "emacs"), "--eval", "(require 'specedit)", "--eval", probe],
        capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == [True, True, True]
