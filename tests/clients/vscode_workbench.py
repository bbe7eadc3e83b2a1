"""Shared pieces of the real-VS-Code tests: install, package the .vsix, run code-server, drive the workbench.

code-server is VS Code's web workbench with a Node extension host (from npm); Chromium (Debian's)
shows it headless and playwright-core drives it as a person would (editors/vscode/uitest/workbench.js).
.ci/setup-vscode.sh installs them (cached under ~/.cache/specedit/code-server-<version>).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from clientlib import EDITORS, JOB_TIMEOUT_S, REPO, specedit_executable

# Another build of the extension (e.g. an older one, to see a bug come back); default: this checkout.
EXTENSION = Path(os.environ.get("SPECEDIT_VSCODE_EXTENSION") or EDITORS / "vscode")
DRIVER = EXTENSION / "uitest" / "workbench.js"
SETUP = REPO / ".ci" / "setup-vscode.sh"
CODE_SERVER_VERSION = re.search(r"^CODE_SERVER_VERSION=(\S+)", SETUP.read_text(), re.M).group(1)
CACHE = Path(os.environ.get("SPECEDIT_VSCODE_CACHE") or Path.home() / ".cache" / "specedit" / f"code-server-{CODE_SERVER_VERSION}")
BIN = CACHE / "node_modules" / ".bin"

# The user's settings in every run: a quiet workbench that only does what the test asks.
USER_SETTINGS = {
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": False,
    "workbench.enableExperiments": False,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "extensions.autoUpdate": False,
    "extensions.autoCheckUpdates": False,
    "extensions.ignoreRecommendations": True,
    "git.enabled": False,
    "editor.lightbulb.enabled": "on",
    "files.hotExit": "off",
}


def ensure_installed() -> None:
    """Run .ci/setup-vscode.sh (fast when cached); skip only where it cannot install (not root, no apt-get)."""
    stamp = CACHE / ".installed"
    can_install = os.geteuid() == 0 and shutil.which("apt-get") is not None
    if not can_install:
        if stamp.exists() and Path("/usr/bin/chromium").exists():
            return  # installed by root before
        pytest.skip(f"not root or no apt-get: cannot install code-server and Chromium (run {SETUP} as root)")
    completed = subprocess.run(["bash", str(SETUP)], capture_output=True, text=True, timeout=3600)
    if completed.returncode != 0 or not stamp.exists():
        pytest.fail(f"{SETUP} failed (log: {CACHE}.log):\n{completed.stdout[-3000:]}{completed.stderr[-5000:]}")


def prepare(tmp_path_factory, name: str) -> tuple[Path, Path]:
    """Installs what the test drives; returns the server executable and a fresh folder for the run."""
    ensure_installed()
    exe = specedit_executable()
    assert exe is not None and exe.exists(), "the specedit console script is not installed (pip install -e .)"
    return exe, tmp_path_factory.mktemp(name)


def run(args: list, timeout: int, **kwargs) -> subprocess.CompletedProcess:
    completed = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout, **kwargs)
    assert completed.returncode == 0, f"{args}:\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}"
    return completed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def package_extension(root: Path) -> Path:
    """The .vsix of this checkout's extension (npm ci first where its node_modules are missing)."""
    if not (EXTENSION / "node_modules" / "typescript").exists() or not (EXTENSION / "node_modules" / "jsonc-parser").exists():
        run(["npm", "ci", "--no-audit", "--no-fund"], 600, cwd=EXTENSION)
    vsix = root / "specedit.vsix"
    run([BIN / "vsce", "package", "--out", vsix], 600, cwd=EXTENSION)
    return vsix


def install_code_server(root: Path, vsix: Path, settings: dict) -> tuple[list, Path]:
    """A code-server with its own user data (the user's `settings`) and the extension installed.
    Returns its command line and the user data folder."""
    user_data, extensions = root / "user-data", root / "extensions"
    (user_data / "User").mkdir(parents=True)
    (user_data / "User" / "settings.json").write_text(json.dumps({**USER_SETTINGS, **settings}))
    config = root / "config.yaml"
    config.write_text("auth: none\ncert: false\n")
    code_server = [BIN / "code-server", "--config", config, "--user-data-dir", user_data, "--extensions-dir", extensions]
    installed = run([*code_server, "--install-extension", vsix], 300)
    assert "specedit" in (installed.stdout + installed.stderr).lower(), installed.stdout + installed.stderr
    return code_server, user_data


@contextlib.contextmanager
def serving(code_server: list, workspace: Path, log_path: Path, extra_args: list, env: dict | None = None):
    """code-server on a free loopback port with `workspace` open; yields the workbench URL."""
    port = free_port()
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [str(a) for a in code_server] + ["--auth", "none", "--bind-addr", f"127.0.0.1:{port}", "--disable-telemetry",
                                             "--disable-update-check", "--disable-getting-started-override",
                                             *extra_args, str(workspace)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env,
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, f"code-server did not start: {log_path.read_text()[-3000:]}"
            time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/?folder={workspace}"
    finally:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)


def drive(url: str, scenarios: list[dict], root: Path) -> tuple[dict, str, Path]:
    """Runs the scenarios in one workbench; returns (report, the driver's stderr, its output folder)."""
    scenario_file, out = root / "scenarios.json", root / "out"
    scenario_file.write_text(json.dumps(scenarios))
    driven = subprocess.run(
        ["node", str(DRIVER), "--url", url, "--playwright", str(CACHE / "node_modules" / "playwright-core"),
         "--scenarios", str(scenario_file), "--out", str(out)],
        capture_output=True, text=True, timeout=2000,
        env={**os.environ, "SPECEDIT_JOB_TIMEOUT_MS": str((JOB_TIMEOUT_S + 60) * 1000)},
    )
    report_file = out / "report.json"
    assert report_file.exists(), f"the workbench driver wrote no report:\n{driven.stderr[-5000:]}"
    return json.loads(report_file.read_text()), driven.stderr, out


def output_logs(user_data: Path) -> list[Path]:
    return sorted(user_data.glob("logs/*/exthost*/output_logging_*/*"))


def scenario_or_fail(workbench: dict, name: str) -> dict:
    """The scenario's report when it ran every step; else fail with where to look (screenshot, logs)."""
    scenario = workbench["report"].get(name)
    where = [f"driver: {workbench['driver'][-2000:]}", f"code-server log: {workbench['server_log']}"]
    where += [f"extension output log: {p}" for p in output_logs(workbench["user_data"])]
    if scenario is not None and scenario.get("screenshot"):
        where.append(f"screenshot: {scenario['screenshot']}")
    if scenario is None or not scenario["ok"]:
        logs = "".join(f"\n--- {p}\n{p.read_text(errors='replace')[-3000:]}" for p in output_logs(workbench["user_data"]))
        pytest.fail(f"scenario {name}: {json.dumps(scenario, indent=1)[:4000]}\n" + "\n".join(where) + logs)
    return scenario
