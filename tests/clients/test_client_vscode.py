"""The VS Code extension: npm ci, tsc, its node --test unit tests, and a protocol run
(vscode-jsonrpc, VS Code's capabilities and edit rules) against the real server."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from clientlib import (
    CLIENT_SETTINGS,
    EDITORS,
    JOB_TIMEOUT_S,
    RENAME_COLUMN,
    RENAME_FILE,
    RENAME_LINE,
    RENAME_NEW,
    assert_renamed,
)

pytestmark = pytest.mark.client

EXTENSION = EDITORS / "vscode"


def npm(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(["npm", *args], cwd=EXTENSION, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def compiled_extension():
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("Node.js and npm are not installed")
    installed = npm("ci", "--no-audit", "--no-fund")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    compiled = npm("run", "compile")
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    return EXTENSION / "out"


def test_extension_compiles_with_tsc(compiled_extension):
    for name in ("extension.js", "settings.js", "commands.js", "serverPath.js", "status.js", "trust.js", "workspaceTrust.js",
                 "protocol-check.js"):
        assert (compiled_extension / name).exists(), name


def test_extension_manifest_contributes_commands_and_settings():
    manifest = json.loads((EXTENSION / "package.json").read_text())
    titles = {c["command"]: c["title"] for c in manifest["contributes"]["commands"]}
    assert titles["specedit.editSelection"] == "AI Edit…"
    assert titles["specedit.renameSymbol"] == "Rename with AI"
    assert titles["specedit.cancelEdits"] == "Cancel AI edit"
    settings = manifest["contributes"]["configuration"]["properties"]
    for key in ("serverPath", "modelPath", "nCtx", "nThreads", "nGpuLayers", "useExtraBufts",
                "draftMin", "draftMax", "streaming", "acceptance", "linters"):
        assert f"specedit.{key}" in settings, key
    # The defaults the settings UI shows are the server's (only values the user sets are sent).
    from lsp_server.config import _CLIENT_KEYS, Settings

    server = Settings()
    for key, (section, name) in _CLIENT_KEYS.items():
        if f"specedit.{key}" in settings and "default" in settings[f"specedit.{key}"]:
            expected = getattr(getattr(server, section) if section else server, name)
            shown = settings[f"specedit.{key}"]["default"]
            assert shown == expected or (shown == "" and expected is None), (key, shown, expected)
    # The client's own command ids must not collide with the server's (languageclient registers those).
    assert not set(titles) & {"specedit.edit", "specedit.editFromComment", "specedit.rename",
                              "specedit.fix", "specedit.applySketch", "specedit.cancel"}


def test_extension_unit_tests_pass_under_node_test(compiled_extension):
    completed = npm("test", timeout=120)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "# fail 0" in completed.stdout


def test_vscode_protocol_rename_with_versioned_utf16_edits(compiled_extension, specedit_exe, work_copy):
    file = work_copy(RENAME_FILE)
    original = file.read_text()
    completed = subprocess.run(
        [
            "node", str(compiled_extension / "protocol-check.js"),
            "--server", str(specedit_exe),
            "--file", str(file),
            "--command", "rename",
            "--line", str(RENAME_LINE),
            "--character", str(RENAME_COLUMN),
            "--new-name", RENAME_NEW,
            "--settings", json.dumps(CLIENT_SETTINGS),
            "--timeout", str(JOB_TIMEOUT_S),
        ],
        capture_output=True, text=True, timeout=JOB_TIMEOUT_S + 60,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    assert report["positionEncoding"] == "utf-16"
    assert {"specedit.edit", "specedit.rename", "specedit.cancel"} <= set(report["executeCommands"])
    assert isinstance(report["commandResult"]["job"], int)
    assert report["jobDone"]["ok"] is True, report["jobDone"]
    assert report["jobDone"]["job"] == report["commandResult"]["job"]
    assert report["applyEdits"] >= 1
    assert report["plainChanges"] == 0, "VS Code advertises documentChanges: edits must be versioned"
    assert report["versionMismatches"] == []
    kinds = [value["kind"] for value in report["progress"]]
    assert kinds[0] == "begin" and kinds[-1] == "end"
    assert report["progress"][0]["title"] == "specedit"
    assert_renamed(original, report["finalText"])
