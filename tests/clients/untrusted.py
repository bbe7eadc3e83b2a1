"""An untrusted project for the trust tests: programs it ships or names leave a marker file when they run.

The project ships `.venv/bin/specedit` and `tools/run-server.sh` (both start the real server after
leaving their marker, so a client that runs them still works) and `tools/lint.sh` (a linter that
finds nothing). The user's own `specedit` is on a separate PATH entry, as after `pip install`.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from clientlib import DATA, RENAME_FILE


@dataclass(frozen=True)
class UntrustedProject:
    root: Path
    markers: Path  # outside the project: each program that ran wrote <markers>/<its name>
    user_bin: Path  # a PATH entry holding the user's own `specedit` (the real one)
    venv_server: Path  # <root>/.venv/bin/specedit
    server_script: Path  # a program the project's settings name as the server
    linter_script: Path  # a program the project's settings name as a linter
    file: Path  # a Python file to open

    def ran(self) -> set[str]:
        """Names of the project's programs that ran so far: 'venv', 'server', 'linter'."""
        return {p.name for p in self.markers.iterdir()} if self.markers.exists() else set()

    def path_env(self) -> str:
        return f"{self.user_bin}{os.pathsep}{os.environ.get('PATH', '')}"


def marker_script(path: Path, marker: Path, then: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\necho \"$0 $*\" >> '{marker}'\n{then}\n")
    path.chmod(0o755)


def make_untrusted_project(base: Path, real_server: Path) -> UntrustedProject:
    """A project under `base` whose own programs mark `base/markers/<name>` when run."""
    root, markers, user_bin = base / "untrusted-project", base / "markers", base / "user-bin"
    markers.mkdir(parents=True, exist_ok=True)
    user_bin.mkdir(parents=True, exist_ok=True)
    (user_bin / "specedit").symlink_to(real_server)
    (root / ".git").mkdir(parents=True)  # a project root marker for every client
    start_server = f"exec '{real_server}' \"$@\""
    venv_server = root / ".venv" / "bin" / "specedit"
    server_script = root / "tools" / "run-server.sh"
    linter_script = root / "tools" / "lint.sh"
    marker_script(venv_server, markers / "venv", start_server)
    marker_script(server_script, markers / "server", start_server)
    marker_script(linter_script, markers / "linter", "exit 0")
    file = root / RENAME_FILE
    shutil.copyfile(DATA / RENAME_FILE, file)
    return UntrustedProject(root, markers, user_bin, venv_server, server_script, linter_script, file)
