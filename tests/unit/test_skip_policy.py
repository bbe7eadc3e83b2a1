"""The skip policy of tests/conftest.py, run on a small test file in a pytest of its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CONFTEST = Path(__file__).resolve().parents[1] / "conftest.py"

SAMPLE = '''
import pytest

def test_runs():
    assert True

def test_missing_editor():
    pytest.skip("emacs is not installed (apt-get install emacs-nox elpa-eglot)")

@pytest.mark.skipif(True, reason="changing a file's owner needs root")
def test_root_only():
    pass

def test_clippy():
    pytest.skip("clippy-driver is not installed (rustup component add clippy)")

@pytest.mark.xfail(reason="known")
def test_expected_failure():
    assert False
'''


def run_sample(tmp_path: Path, require: str | None) -> subprocess.CompletedProcess:
    shutil.copy(CONFTEST, tmp_path / "conftest.py")
    (tmp_path / "test_sample.py").write_text(SAMPLE)
    env = {k: v for k, v in os.environ.items() if k != "SPECEDIT_REQUIRE_TOOLS"}
    if require is not None:
        env["SPECEDIT_REQUIRE_TOOLS"] = require
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", str(tmp_path)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_without_the_variable_skips_stay_skips_and_are_listed(tmp_path):
    done = run_sample(tmp_path, None)
    assert done.returncode == 0, done.stdout
    assert "1 passed, 3 skipped, 1 xfailed" in done.stdout
    assert "SKIPPED" in done.stdout and "emacs is not installed" in done.stdout  # -rs lists the reason


def test_zero_means_not_required(tmp_path):
    done = run_sample(tmp_path, "0")
    assert done.returncode == 0 and "3 skipped" in done.stdout, done.stdout


def test_under_make_test_a_missing_tool_fails_and_machine_limits_still_skip(tmp_path):
    done = run_sample(tmp_path, "1")
    assert done.returncode == 1, done.stdout
    assert "1 failed, 1 passed, 2 skipped, 1 xfailed" in done.stdout
    assert "_ test_missing_editor _" in done.stdout  # the failure section of that test
    assert "so it did not run: emacs is not installed" in done.stdout
    assert "needs root" in done.stdout and "clippy-driver is not installed" in done.stdout  # still listed as skips
