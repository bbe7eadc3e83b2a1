"""`specedit edit` on bad input: one line on stderr starting with "specedit:", a non-zero exit, the file untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

BASKET = "basket.py"  # 16 lines


def assert_one_clean_error(done, *words: str) -> str:
    assert done.returncode != 0, f"exit status 0 for an error; stdout:\n{done.stdout}"
    lines = done.stderr.splitlines()
    assert len(lines) == 1, f"stderr is not one line:\n{done.stderr}"
    assert lines[0].startswith("specedit:"), lines[0]
    assert "Traceback" not in done.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def make_binary(project: Path) -> Path:
    path = project / "blob.py"
    path.write_bytes(b"x = 1\n\x00\x01\x02\n")
    return path


def make_latin1(project: Path) -> Path:
    path = project / "latin1.py"
    path.write_bytes("name = 'Jos\u00e9'\n".encode("latin-1"))
    return path


def make_directory(project: Path) -> Path:
    path = project / "package"
    path.mkdir()
    return path


@pytest.mark.parametrize(
    "make, words",
    [
        pytest.param(make_binary, ["NUL"], id="binary"),
        pytest.param(make_latin1, ["UTF-8"], id="not-utf8"),
        pytest.param(make_directory, ["not a regular file"], id="directory"),
    ],
)
def test_unreadable_input_is_refused(specedit, project, make, words):
    path = make(project)
    before = path.read_bytes() if path.is_file() else None
    done = specedit("edit", path.name, "-i", "add a docstring")
    assert_one_clean_error(done, *words)
    assert (path.read_bytes() if path.is_file() else None) == before


def test_missing_file_is_refused(specedit, project):
    done = specedit("edit", "missing.py", "-i", "add a docstring")
    assert_one_clean_error(done, "missing.py")
    assert not (project / "missing.py").exists()


@pytest.mark.parametrize(
    "args, words",
    [
        pytest.param(["-i", "add a docstring", "--lines", "x"], ["line range"], id="lines-not-a-range"),
        pytest.param(["-i", "add a docstring", "--lines", "5:2"], ["5:2"], id="lines-reversed"),
        pytest.param(["-i", "add a docstring", "--lines", "10:40"], ["past the end"], id="lines-past-the-end"),
        pytest.param(["-i", "add a docstring", "--model", "nowhere.gguf"], ["nowhere.gguf"], id="model-missing"),
        pytest.param(["-i", "add a docstring", "--model", "notes.txt"], ["GGUF"], id="model-not-gguf"),
        pytest.param(["-i", "add a docstring", "--model", "broken.gguf"], ["broken.gguf"], id="model-corrupt-gguf"),
        pytest.param(["-i", "add a docstring", "--hf-repo", "nobody/nothing:model.gguf"], [], id="hf-repo-offline"),
        pytest.param(["-i", "add a docstring", "--hf-repo", "no-file-named"], ["owner/repo:file.gguf"], id="hf-repo-malformed"),
        pytest.param([], ["--instruction"], id="no-instruction"),
        pytest.param(["--symbol", "total"], ["--new-name", "-i"], id="symbol-without-new-name"),
        pytest.param(["-i", "add a docstring", "--symbol", "median"], ["no definition named 'median'"],
                     id="edit-of-an-absent-definition"),
        pytest.param(["-i", "add a docstring", "--symbol", "total", "--lines", "1:3"], ["not both"],
                     id="edit-of-a-definition-and-lines"),
        pytest.param(["-i", "add a docstring", "--symbol", "total", "--at", "4:5"], ["--at needs", "--new-name"],
                     id="edit-of-a-definition-at-a-position"),
        pytest.param(["--symbol", "nothing_here", "--new-name", "x"], ["does not occur"], id="rename-absent-symbol"),
        pytest.param(["--sketch", "nowhere.py"], ["no such file", "nowhere.py"], id="sketch-missing"),
        pytest.param(["--sketch", "notes.txt", "-i", "also this"], ["--sketch", "on its own"], id="sketch-with-instruction"),
        pytest.param(["--sketch", "notes.txt"], ["matches nothing"], id="sketch-matches-nothing"),
        pytest.param(["--sketch", "empty.txt"], ["empty"], id="sketch-empty"),
        pytest.param(["--sketch", "marker.txt", "--marker", " "], ["marker", "empty"], id="marker-empty"),
    ],
)
def test_bad_arguments_give_one_error_line_and_leave_the_file_alone(specedit, copy_in, project, args, words):
    path = copy_in(BASKET)
    (project / "notes.txt").write_text("these are notes, not a model\n")
    (project / "broken.gguf").write_bytes(b"GGUF\x03\x00\x00\x00" + b"\xff" * 64)  # the magic, then garbage
    (project / "empty.txt").write_text("")
    (project / "marker.txt").write_text("# ... existing code ...\nx = 1\n")
    before = path.read_bytes()
    done = specedit("edit", path.name, *args)
    line = assert_one_clean_error(done, *words)
    print(line)
    assert path.read_bytes() == before


@pytest.mark.model
def test_a_region_larger_than_the_context_is_refused(specedit, copy_in):
    path = copy_in("ledger.py")
    before = path.read_bytes()
    done = specedit("edit", path.name, "-i", "add a docstring", "--lines", "1:44", "--n-ctx", "256")
    line = assert_one_clean_error(done, "context")
    print(line)
    assert path.read_bytes() == before
