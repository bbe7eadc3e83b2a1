"""Many files at once: paths kept inside the root, folders searched for source files, writes all or none, new files never over old ones."""

from __future__ import annotations

import os

import pytest

from lsp_server.errors import EditError
from lsp_server.fileio import FileChanged
from lsp_server.multifile import FileOutcome, language_files, resolve, write_outcomes
from lsp_server.writes import create_file, remove_created


def test_paths_in_a_diff_stay_inside_the_root(tmp_path):
    (tmp_path / "src").mkdir()
    assert resolve(str(tmp_path), "src/a.py") == str(tmp_path / "src" / "a.py")
    for escaping in ("../outside.py", "/etc/passwd", "src/../../x.py"):
        with pytest.raises(EditError, match="outside the root"):
            resolve(str(tmp_path), escaping)


def test_folders_give_their_source_files_but_not_dependencies_caches_or_virtual_environments(tmp_path):
    for name in ("app/main.py", "app/util.go", "app/notes.txt", "node_modules/lib/index.js", ".git/hooks/x.py",
                 "venv/lib/site.py", "app/__pycache__/main.py", "web/ui.ts"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x = 1\n")
    (tmp_path / "venv" / "pyvenv.cfg").write_text("home = /usr\n")
    found = language_files([str(tmp_path), str(tmp_path / "app" / "notes.txt")])
    named = [os.path.relpath(p, tmp_path) for p, by_name in found if not by_name]
    assert named == ["app/main.py", "app/util.go", "web/ui.ts"]
    assert [(os.path.relpath(p, tmp_path), by_name) for p, by_name in found if by_name] == [("app/notes.txt", True)]


def outcome(path, old, new) -> FileOutcome:
    return FileOutcome(str(path), old, new)


def test_an_atomic_request_with_a_failed_file_writes_none(tmp_path):
    a, b = tmp_path / "a.py", tmp_path / "b.py"
    a.write_text("a = 1\n")
    b.write_text("b = 1\n")
    failed = FileOutcome(str(b), "b = 1\n").fail("2 of 2 hunk(s) refused")
    outcomes = [outcome(a, "a = 1\n", "a = 2\n"), failed]
    write_outcomes(outcomes, atomic=True)
    assert a.read_text() == "a = 1\n" and "atomic" in outcomes[0].error
    plain = [outcome(a, "a = 1\n", "a = 2\n"), FileOutcome(str(b), "b = 1\n").fail("refused")]
    write_outcomes(plain, atomic=False)
    assert a.read_text() == "a = 2\n" and plain[0].written


def test_a_write_that_fails_midway_puts_back_the_files_already_written(tmp_path):
    a, b, c = tmp_path / "a.py", tmp_path / "b.py", tmp_path / "new.py"
    a.write_text("a = 1\n")
    b.write_text("b = 1\n")
    outcomes = [outcome(a, "a = 1\n", "a = 2\n"), FileOutcome(str(c), None, "c = 1\n"),
                outcome(b, "b = 0\n", "b = 2\n")]  # b changed since it was read: its write is refused
    write_outcomes(outcomes, atomic=True)
    assert a.read_text() == "a = 1\n" and not c.exists() and b.read_text() == "b = 1\n"
    assert "changed while the edit ran" in outcomes[2].error
    assert all("put back" in o.error for o in outcomes[:2])


def test_new_files_are_created_with_their_folders_but_never_over_an_existing_file(tmp_path):
    target = tmp_path / "pkg" / "new.py"
    create_file(str(target), "x = 1\n")
    assert target.read_text() == "x = 1\n" and oct(target.stat().st_mode & 0o777) == "0o644"
    with pytest.raises(FileChanged, match="appeared while the edit ran"):
        create_file(str(target), "y = 2\n")
    assert target.read_text() == "x = 1\n" and os.listdir(target.parent) == ["new.py"]
    target.write_text("edited by someone\n")
    with pytest.raises(FileChanged):
        remove_created(str(target), "x = 1\n")
    assert target.exists()
