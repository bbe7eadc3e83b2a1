"""An untrusted folder in a real VS Code (code-server with workspace trust on): nothing from it runs, no secret leaves.

The folder's settings name its own programs as `specedit.serverPath` and as a linter, and point
`specedit.engineUrl` at a loopback HTTP stub with `specedit.engineApiKeyEnv` naming a variable the
user has set (the secret); it also ships `.venv/bin/specedit`. Each program leaves a marker when it
runs and the stub records whether a request carried the secret (untrusted.py). In Restricted Mode
none runs, the stub hears nothing and the status bar says what is not used; once the user trusts
the folder (clicking that status-bar item, then Trust) they do. See test_client_vscode_real.py for
the installation; this test skips and fails the same ways.
"""

from __future__ import annotations

import http.server
import json
import os
import secrets
import threading

import pytest

from clientlib import RENAME_FILE
from untrusted import make_untrusted_project
from vscode_workbench import (
    drive,
    install_code_server,
    output_logs,
    package_extension,
    prepare,
    scenario_or_fail,
    serving,
)

pytestmark = [pytest.mark.client, pytest.mark.timeout(1800)]

SECRET_VARIABLE = "SPECEDIT_TRUST_TEST_SECRET"
SECRET = f"sk-trust-test-{secrets.token_hex(8)}"
RESTRICTED_TEXT = "Restricted Mode: not using this folder's serverPath, linters, engineUrl, engineApiKeyEnv, .venv"


class KeyStub(http.server.ThreadingHTTPServer):
    """An OpenAI-compatible server that refuses every request (HTTP 401) and leaves a marker per request:
    `stub-<n>` in the markers folder, saying whether the secret came with it (never the secret itself)."""

    def __init__(self, markers):
        self.markers = markers
        self.count = 0
        super().__init__(("127.0.0.1", 0), KeyStubHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class KeyStubHandler(http.server.BaseHTTPRequestHandler):
    server: KeyStub

    def answer(self) -> None:
        self.server.count += 1
        authorization = self.headers.get("Authorization") or ""
        said = "secret" if SECRET in authorization else ("other key" if authorization else "no key")
        (self.server.markers / f"stub-{self.server.count}").write_text(f"{self.command} {self.path}: {said}\n")
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps({"error": {"message": "the test stub refuses every request"}}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = answer

    def log_message(self, *args) -> None:
        pass


def scenarios(project, trusted_settings_without_server: str) -> list[dict]:
    markers = str(project.markers)
    rename = [{"open": RENAME_FILE}, {"goto": "6:5"}, {"command": "SpecEdit: Rename with AI"},
              {"input": "subtotal", "title": "SpecEdit: Rename with AI"}, {"waitJob": True}]
    return [
        {"name": "restricted", "steps": [
            {"waitStatus": "Restricted Mode"},
            # Opening a file runs the configured linter, an edit reaches the configured engine: neither may happen.
            *rename, {"sleep": 3000}, {"record": "restricted", "dir": markers},
            # The message again after a restart, and its click leads to the trust settings.
            {"command": "SpecEdit: Restart server"}, {"clickStatus": "Restricted Mode"},
            {"clickButton": "Trust"}]},
        {"name": "trusted", "steps": [
            {"waitFile": str(project.markers / "server")}, {"waitFile": str(project.markers / "linter")},
            {"waitServer": True}, *rename, {"record": "trusted", "dir": markers}]},
        {"name": "venv", "steps": [
            {"command": "Preferences: Open Workspace Settings (JSON)"},
            {"replaceText": trusted_settings_without_server, "in": "settings.json"}, {"save": True},
            {"waitFile": str(project.markers / "venv")}, {"waitServer": True}, {"record": "venv", "dir": markers}]},
    ]


@pytest.fixture(scope="module")
def untrusted_workbench(tmp_path_factory):
    exe, root = prepare(tmp_path_factory, "vscode-trust")
    project = make_untrusted_project(root, exe)
    stub = KeyStub(project.markers)
    threading.Thread(target=stub.serve_forever, daemon=True).start()
    folder_settings = {
        "specedit.serverPath": str(project.server_script),
        "specedit.linters": {"python": [str(project.linter_script), "{file}"]},
        "specedit.engine": "openai",
        "specedit.engineUrl": stub.url,
        "specedit.engineModel": "stub-model",
        "specedit.engineApiKeyEnv": SECRET_VARIABLE,
    }
    (project.root / ".vscode").mkdir()
    (project.root / ".vscode" / "settings.json").write_text(json.dumps(folder_settings, indent=2))
    without_server = json.dumps({k: v for k, v in folder_settings.items() if k != "specedit.serverPath"})
    # Workspace trust on, as VS Code ships it, without the startup question: the folder opens in Restricted Mode.
    code_server, user_data = install_code_server(root, package_extension(root), {
        "security.workspace.trust.enabled": True,
        "security.workspace.trust.startupPrompt": "never",
        "security.workspace.trust.untrustedFiles": "open",
    })
    server_log = root / "code-server.log"
    # The user's environment: their own specedit on PATH, the secret in its variable. VSCODE_CLI, as when
    # VS Code starts from a shell, keeps this environment (else the server asks a login shell for one).
    env = {**os.environ, "PATH": project.path_env(), SECRET_VARIABLE: SECRET, "VSCODE_CLI": "1"}
    try:
        with serving(code_server, project.root, server_log, [], env=env) as url:
            report, driver, out = drive(url, scenarios(project, without_server), root)
    finally:
        stub.shutdown()
        stub.server_close()
    yield {"report": {s["name"]: s for s in report["scenarios"]}, "driver": driver, "user_data": user_data,
           "server_log": server_log, "out": out, "project": project}


def extension_log(workbench) -> str:
    return "".join(p.read_text(errors="replace") for p in output_logs(workbench["user_data"]) if "SpecEdit" in p.name)


def test_restricted_mode_runs_nothing_the_folder_names_or_ships_and_says_why(untrusted_workbench):
    scenario = scenario_or_fail(untrusted_workbench, "restricted")
    assert scenario["records"]["restricted"] == {}, scenario["records"]  # no marker: no program, no request
    # Said in the status bar (once the server is up, until a job has news) and in the output.
    assert f"SpecEdit: {RESTRICTED_TEXT}" in scenario["statusTexts"], scenario["statusTexts"]
    log = extension_log(untrusted_workbench)
    assert "this folder is not trusted" in log and str(untrusted_workbench["project"].venv_server) in log, log[-3000:]
    assert "Starting specedit serve --stdio" in log, log[-3000:]  # the user's own, from PATH
    # The edit ran in the user's server, which never heard of the folder's engineUrl.
    assert "codicon-error" in scenario["jobs"][-1]["icon"], scenario["jobs"]
    assert any("needs the server's URL: set engineUrl" in n for n in scenario["notifications"]), scenario["notifications"]


def test_trusting_the_folder_restarts_with_its_server_linter_and_engine(untrusted_workbench):
    scenario = scenario_or_fail(untrusted_workbench, "trusted")
    ran = scenario["records"]["trusted"]
    assert {"server", "linter"} <= set(ran), ran
    # The edit went to the folder's engine with the key from the variable it names (the loopback stub).
    requests = [text for name, text in ran.items() if name.startswith("stub-")]
    assert requests and all(text.endswith(": secret\n") for text in requests), requests
    assert any(text.startswith("POST /v1/chat/completions") for text in requests), requests
    assert "codicon-error" in scenario["jobs"][-1]["icon"], scenario["jobs"]
    assert any("HTTP 401" in n for n in scenario["notifications"]), scenario["notifications"]


def test_a_trusted_folder_without_serverpath_starts_its_venv_server(untrusted_workbench):
    scenario = scenario_or_fail(untrusted_workbench, "venv")
    before = untrusted_workbench["report"]["trusted"]["records"]["trusted"].get("venv", "")
    after = scenario["records"]["venv"].get("venv", "")
    # Started once more after serverPath went (a start between trust and the folder's settings arriving
    # may have run it before: it is trusted by then).
    assert after.count("\n") == before.count("\n") + 1, (before, after)
