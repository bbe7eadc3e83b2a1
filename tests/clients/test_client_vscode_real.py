"""The VS Code extension in a real VS Code: the .vsix packaged from this checkout with @vscode/vsce,
installed into code-server (VS Code's web workbench with a Node extension host, from npm), and
driven in headless Chromium by playwright-core as a person would (editors/vscode/uitest/workbench.js):
Quick Open, Go to Line, the command palette, input boxes, the light bulb, the status bar, Save;
then the files on disk are checked. The folder is trusted here (test_client_vscode_trust.py opens
an untrusted one).

.ci/setup-vscode.sh installs code-server, Chromium and the rest (cached under
~/.cache/specedit/code-server-<version>); this test runs it too, so it also works alone. It skips
only where it cannot install (not root, or no apt-get); a failed install fails it. On a failure
it keeps a screenshot and the extension's output channel log and prints their paths.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from clientlib import (
    DATA,
    RENAME_FILE,
    RENAME_NEW,
    assert_renamed,
    non_blank_lines,
)
from tests import docstring_case
from vscode_workbench import (
    drive,
    install_code_server,
    package_extension,
    prepare,
    scenario_or_fail,
    serving,
)

pytestmark = [pytest.mark.client, pytest.mark.timeout(2400)]

# Only these scenarios (comma-separated names), e.g. while working on one; default: all.
ONLY = [n for n in os.environ.get("SPECEDIT_VSCODE_SCENARIOS", "").split(",") if n]

# The workspace the workbench opens: file name -> text.
AI_EDIT_TEXT = (
    "def apply_discount(prices, rate):\n"
    "    discounted = []\n"
    "    for price in prices:\n"
    "        discounted.append(price * (1 - rate))\n"
    "    return discounted\n"
)
FIX_TEXT = "def add_up(items):\n    acc = 0\n    for x in items:\n        acc += x\n    return acx\n"
COMMENT_TEXT = "# ai: rename a to left\ndef add(a, b):\n    return a + b\n"
# A module-level name that every function reads: the rename at its definition spans the file, so it
# is still running when the test clicks cancel (a parameter's rename would stay in one function).
CANCEL_TEXT = "total = 0\n\n\n" + "".join(f"def f{i}(x):\n    y = total + x + {i}\n    return y * total\n\n\n"
                                         for i in range(90))
SETTINGS_FILE = "settings_total.py"
UNDO_FILE = "undo_total.py"
REVIEW_FILE = "review_total.py"
RESTART_FILE = "restart_total.py"
MISSING_MODEL = "/nonexistent/specedit-missing-model.gguf"
FREE_FORM_FILE = "shapes.py"

# A linter for the "Fix with AI" quick fix: names read but bound nowhere, as flake8's F821.
LINTER = '''\
import ast, builtins, sys
path = sys.argv[1]
tree = ast.parse(open(path, encoding="utf-8").read())
bound = set(dir(builtins)) | {"__name__", "__file__", "__doc__"}
for node in ast.walk(tree):
    if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
        bound.add(node.id)
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        bound.add(node.name)
    elif isinstance(node, ast.arg):
        bound.add(node.arg)
    elif isinstance(node, ast.alias):
        bound.add((node.asname or node.name).split(".")[0])
for node in ast.walk(tree):
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in bound:
        print(f"{path}:{node.lineno}:{node.col_offset + 1}: F821 undefined name '{node.id}'")
'''


def workspace_settings(exe: Path, linter: Path, **extra) -> str:
    """One line: the driver types it into settings.json as it is."""
    settings = {
        "specedit.serverPath": str(exe),
        "specedit.acceptance": "typical",  # as in clientlib.CLIENT_SETTINGS: the small model follows the draft
        "specedit.linters": {"python": [sys.executable, str(linter), "{file}"]},
        **extra,
    }
    return json.dumps(settings)


def scenarios(settings_json: str, missing_model_json: str, broken_server_json: str, review_json: str,
              free_form_json: str, settings_dir: str) -> list[dict]:
    rename = [{"command": "SpecEdit: Rename with AI"}, {"input": RENAME_NEW, "title": "SpecEdit: Rename with AI"}]
    return [
        {"name": "rename", "steps": [
            {"open": RENAME_FILE}, {"waitServer": True}, {"goto": "6:5"}, *rename, {"waitJob": True}, {"save": True}]},
        {"name": "ai_edit", "steps": [
            {"open": "ai_edit.py"}, {"goto": "1:5"}, {"command": "SpecEdit: AI Edit"},
            {"input": "rename price to amount", "title": "SpecEdit: AI Edit"}, {"waitJob": True}, {"save": True}]},
        {"name": "fix", "steps": [
            {"open": "fix_undefined.py"}, {"waitDiagnostic": True}, {"goto": "5:12"},
            {"lightbulb": "Fix with AI: F821 undefined name 'acx'"}, {"waitJob": True}, {"save": True}]},
        {"name": "comment", "steps": [
            {"open": "directive.py"}, {"goto": "1:3"}, {"command": "SpecEdit: Apply AI instruction from comment"},
            {"waitJob": True}, {"save": True}]},
        {"name": "cancel", "steps": [
            {"open": "cancel_big.py"}, {"goto": "1:1"}, {"command": "SpecEdit: Rename with AI"},
            {"input": "amount", "title": "SpecEdit: Rename with AI"}, {"cancelFromStatusBar": "tok/s"}, {"waitJob": True},
            {"save": True}]},
        {"name": "undo", "steps": [
            {"open": UNDO_FILE}, {"goto": "6:5"}, *rename, {"waitJob": True},
            {"command": "SpecEdit: Undo last AI edit"}, {"sleep": 3000}, {"save": True}]},
        {"name": "review", "steps": [
            {"command": "Preferences: Open Workspace Settings (JSON)"}, {"replaceText": review_json, "in": "settings.json"}, {"save": True},
            {"waitNotification": "review is on"},
            {"open": REVIEW_FILE}, {"goto": "6:5"}, *rename, {"checkInPanel": REVIEW_FILE}, {"screenshot": "review-preview"},
            {"clickButton": "Apply"}, {"waitJob": True}, {"save": True},
            {"command": "Preferences: Open Workspace Settings (JSON)"}, {"replaceText": settings_json, "in": "settings.json"}, {"save": True},
            {"waitNotification": "review is off"}]},
        {"name": "server_start", "steps": [
            {"command": "Preferences: Open Workspace Settings (JSON)"}, {"replaceText": broken_server_json, "in": "settings.json"}, {"save": True},
            {"waitStatus": "did not start|stopped"},
            {"command": "Preferences: Open Workspace Settings (JSON)"}, {"replaceText": settings_json, "in": "settings.json"}, {"save": True},
            {"waitServer": True},
            {"open": RESTART_FILE}, {"goto": "6:5"}, *rename, {"waitJob": True}, {"save": True}]},
        {"name": "settings", "steps": [
            {"command": "Preferences: Open Workspace Settings (JSON)"}, {"replaceText": missing_model_json, "in": "settings.json"}, {"save": True},
            {"sleep": 1500},
            {"open": SETTINGS_FILE}, {"goto": "6:5"}, *rename, {"waitJob": True},
            {"waitNotification": "model file not found"},
            {"command": "Preferences: Open Workspace Settings (JSON)"}, {"replaceText": settings_json, "in": "settings.json"}, {"save": True},
            {"sleep": 1500},
            {"open": SETTINGS_FILE}, {"goto": "6:5"}, *rename, {"waitJob": True}, {"save": True},
            {"record": "settings", "dir": settings_dir}]},
        {"name": "free_form", "recordEditor": FREE_FORM_FILE, "steps": [
            {"command": "Preferences: Open Workspace Settings (JSON)"}, {"replaceText": free_form_json, "in": "settings.json"}, {"save": True},
            {"sleep": 1500},
            {"open": FREE_FORM_FILE}, {"goto": "1:1"}, {"press": "Control+A"}, {"command": "SpecEdit: AI Edit"},
            {"input": docstring_case.INSTRUCTION, "title": "SpecEdit: AI Edit"}, {"waitJob": True}, {"save": True},
            {"command": "Preferences: Open Workspace Settings (JSON)"}, {"replaceText": settings_json, "in": "settings.json"}, {"save": True}]},
    ]


@pytest.fixture(scope="module")
def workbench(tmp_path_factory):
    """Runs every scenario once in one workbench; yields (report by scenario name, workspace, paths)."""
    exe, root = prepare(tmp_path_factory, "vscode-real")
    # These scenarios are about editing, so the folder is trusted: workspace trust is off.
    code_server, user_data = install_code_server(root, package_extension(root), {"security.workspace.trust.enabled": False})

    workspace = root / "workspace"
    (workspace / ".vscode").mkdir(parents=True)
    linter = root / "lint_undefined.py"
    linter.write_text(LINTER)
    settings_json = workspace_settings(exe, linter)
    (workspace / ".vscode" / "settings.json").write_text(settings_json)
    shutil.copyfile(DATA / RENAME_FILE, workspace / RENAME_FILE)
    shutil.copyfile(DATA / RENAME_FILE, workspace / SETTINGS_FILE)
    shutil.copyfile(DATA / RENAME_FILE, workspace / RESTART_FILE)
    shutil.copyfile(DATA / RENAME_FILE, workspace / UNDO_FILE)
    shutil.copyfile(DATA / RENAME_FILE, workspace / REVIEW_FILE)
    for name, text in {"ai_edit.py": AI_EDIT_TEXT, "fix_undefined.py": FIX_TEXT, "directive.py": COMMENT_TEXT,
                       "cancel_big.py": CANCEL_TEXT, FREE_FORM_FILE: docstring_case.TEXT}.items():
        (workspace / name).write_text(text)
    originals = {p.name: p.read_text() for p in workspace.glob("*.py")}

    server_log = root / "code-server.log"
    missing = workspace_settings(exe, linter, **{"specedit.modelPath": MISSING_MODEL})
    broken = workspace_settings(exe, linter, **{"specedit.serverPath": "/bin/false"})
    review = workspace_settings(exe, linter, **{"specedit.review": True})
    # An instruct model for an edit that needs one; whitespace drawn as itself, so the editor's lines read as the text.
    free_form = workspace_settings(exe, linter, **{"specedit.modelPath": docstring_case.MODEL, "specedit.warmUp": False,
                                                   "editor.renderWhitespace": "none"})
    chosen = [s for s in scenarios(settings_json, missing, broken, review, free_form, str(workspace / ".vscode"))
              if not ONLY or s["name"] in ONLY]
    with serving(code_server, workspace, server_log, ["--disable-workspace-trust"]) as url:
        report, driver, out = drive(url, chosen, root)
    by_name = {s["name"]: s for s in report["scenarios"]}
    yield {"report": by_name, "workspace": workspace, "originals": originals, "driver": driver,
           "user_data": user_data, "server_log": server_log, "out": out, "pageErrors": report["pageErrors"]}


def check(workbench, name: str) -> dict:
    """The scenario ran every step; else fail with where to look (screenshot, output channel log)."""
    if ONLY and name not in ONLY:
        pytest.skip(f"SPECEDIT_VSCODE_SCENARIOS={','.join(ONLY)}")
    return scenario_or_fail(workbench, name)


def text_of(workbench, name: str) -> str:
    return (workbench["workspace"] / name).read_text()


def assert_done(job: dict) -> None:
    assert "codicon-check" in job["icon"], job
    assert re.search(r"SpecEdit: done in [\d.]+ s: \d+ edit\(s\)", job["text"]), job


def test_rename_with_ai_from_the_command_palette(workbench):
    scenario = check(workbench, "rename")
    assert_done(scenario["jobs"][0])
    assert_renamed(workbench["originals"][RENAME_FILE], text_of(workbench, RENAME_FILE))


def test_status_bar_shows_progress_then_the_result(workbench):
    scenario = check(workbench, "rename")
    texts = scenario["statusTexts"]
    assert "SpecEdit" in texts or any(t.startswith("SpecEdit: done") for t in texts), texts
    running = [t for t in texts if re.search(r"SpecEdit: (loading the model|starting|\d+ tok, \d+ tok/s|editing|queued)", t)]
    assert running, f"no progress in the status bar: {texts}"
    assert re.search(r"SpecEdit: done in [\d.]+ s: \d+ edit\(s\), \d+ tok, \d+ tok/s, \d+% accepted", texts[-1]), texts


def test_ai_edit_with_an_instruction_in_the_input_box(workbench):
    scenario = check(workbench, "ai_edit")
    assert_done(scenario["jobs"][0])
    final = text_of(workbench, "ai_edit.py")
    assert re.findall(r"\bprice\b", final) == [], final
    assert non_blank_lines(final) == non_blank_lines(re.sub(r"\bprice\b", "amount", AI_EDIT_TEXT)), final


def test_fix_with_ai_from_the_light_bulb_on_a_diagnostic(workbench):
    scenario = check(workbench, "fix")
    assert any("Fix with AI: F821 undefined name 'acx'" in t for t in scenario.get("actionTitles", [])), scenario
    assert_done(scenario["jobs"][0])
    assert text_of(workbench, "fix_undefined.py") == FIX_TEXT.replace("acx", "acc")


def test_apply_instruction_from_comment(workbench):
    scenario = check(workbench, "comment")
    assert_done(scenario["jobs"][0])
    final = text_of(workbench, "directive.py")
    assert "# ai:" not in final, final
    assert non_blank_lines(final) == ["def add(left, b):", "    return left + b"], final
    ast.parse(final)


def test_cancel_from_the_status_bar_while_an_edit_runs(workbench):
    scenario = check(workbench, "cancel")
    job = scenario["jobs"][0]
    assert "tok/s" in scenario["cancelClickedAt"]["text"], scenario["cancelClickedAt"]  # clicked while the model ran
    assert "codicon-error" in job["icon"] and "SpecEdit: cancelled" in job["text"], (job, scenario["statusTexts"])
    final = text_of(workbench, "cancel_big.py")
    original_lines = set(CANCEL_TEXT.splitlines())
    renamed_lines = set(CANCEL_TEXT.replace("total", "amount").splitlines())
    assert all(line in original_lines or line in renamed_lines for line in final.splitlines()), final
    assert final != CANCEL_TEXT.replace("total", "amount"), "the edit ran to the end: nothing was cancelled"


def test_undo_reverts_the_whole_ai_edit_in_one_step(workbench):
    scenario = check(workbench, "undo")
    assert_done(scenario["jobs"][0])
    assert text_of(workbench, UNDO_FILE) == workbench["originals"][UNDO_FILE]


def test_review_shows_the_refactor_preview_and_apply_lands_the_edit(workbench):
    scenario = check(workbench, "review")
    assert "applied after review" in scenario["jobs"][0]["text"], scenario["jobs"]
    assert_renamed(workbench["originals"][REVIEW_FILE], text_of(workbench, REVIEW_FILE))


def test_a_missing_model_file_is_reported_and_the_server_stays_up(workbench):
    scenario = check(workbench, "settings")
    failed, again = scenario["jobs"]
    assert "codicon-error" in failed["icon"] and "model file not found" in failed["text"], failed
    assert any("model file not found" in n and MISSING_MODEL in n for n in scenario["notifications"]), scenario["notifications"]
    # The settings file as typed in the editor, removed setting and all (as the scenario left it).
    assert "specedit.modelPath" not in json.loads(scenario["records"]["settings"]["settings.json"])
    # The setting removed again: the embedded model is back, in the same server.
    assert_done(again)
    assert_renamed(workbench["originals"][SETTINGS_FILE], text_of(workbench, SETTINGS_FILE))
    assert not any(re.search(r"server (did not start|stopped)", t) for t in scenario["statusTexts"]), scenario["statusTexts"]


def test_a_server_that_does_not_start_shows_in_the_status_bar_and_a_restart_recovers(workbench):
    scenario = check(workbench, "server_start")
    failed, renamed = scenario["jobs"]
    assert "codicon-error" in failed["icon"] and re.search(r"SpecEdit: the server (did not start|stopped)", failed["text"]), failed
    # specedit.serverPath set back: the extension restarts the server, and edits work again.
    assert_done(renamed)
    assert_renamed(workbench["originals"][RESTART_FILE], text_of(workbench, RESTART_FILE))


def test_a_free_form_edit_with_an_instruct_model_shows_new_lines_as_they_are_written(workbench):
    """Apply AI edit on a selection with qwen2.5-coder-0.5b (by name in the workspace settings): the
    docstrings land, every line of code stays, and the editor showed them while they were written."""
    scenario = check(workbench, "free_form")
    assert_done(scenario["jobs"][0])
    final = text_of(workbench, FREE_FORM_FILE)
    docstring_case.assert_documented(final)
    shown = scenario["editorTexts"]
    # What the editor drew is the document: it ends on the file as saved (the check below reads the same lines).
    assert shown and shown[-1].rstrip("\n") == final.rstrip("\n"), (shown[-1:], final)
    assert docstring_case.shown_while_written(shown[:-1]), shown
