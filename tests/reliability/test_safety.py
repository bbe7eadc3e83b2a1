"""Safety: model output is never executed, workspace files configure nothing, the server never writes files."""

from __future__ import annotations

import ast
import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types

from lsp_server import commands

from .conftest import DATA, OPTIONS, THREADS, edit_and_wait, open_text, pos

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "lsp_server"
WORKSPACE = DATA / "workspace"
MARKER = Path("/tmp/specedit-reliability-pwned")  # what the hostile workspace's linters would write

# Calls that run code or programs. Only linters.py may start a process, and only with argv from settings.
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__", "execfile", "input"}
FORBIDDEN_ATTRIBUTES = {
    ("os", "system"), ("os", "popen"), ("os", "execv"), ("os", "execvp"), ("os", "execve"), ("os", "execl"),
    ("os", "execlp"), ("os", "spawnv"), ("os", "spawnl"), ("os", "posix_spawn"), ("os", "startfile"),
    ("asyncio", "create_subprocess_shell"), ("asyncio", "create_subprocess_exec"), ("pickle", "loads"),
    ("pickle", "load"), ("marshal", "loads"), ("importlib", "import_module"),
}
FORBIDDEN_MODULES = {"subprocess", "pty", "pickle", "marshal", "shelve", "code", "runpy"}
ALLOWED = {
    # linters.py: the user's linter, argv from settings, no shell.
    ("linters.py", ("asyncio", "create_subprocess_exec")),
    ("linters.py", "subprocess"),  # run_sync: the same argv, for the command line and the benchmark
    # __init__.py: the public API's modules, from the package's own fixed table (lazy imports).
    ("__init__.py", ("importlib", "import_module")),
    # syntax/languages.py: grammar modules named in the package's own grammars/<lang>/language.toml.
    ("syntax/languages.py", ("importlib", "import_module")),
}


def findings(path: Path) -> list[tuple[str, object]]:
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [("import", a.name.split(".")[0]) for a in node.names if a.name.split(".")[0] in FORBIDDEN_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in FORBIDDEN_MODULES:
            found.append(("import", node.module))
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in FORBIDDEN_CALLS:
                found.append(("call", func.id))
            elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and (func.value.id, func.attr) in FORBIDDEN_ATTRIBUTES:
                found.append(("call", (func.value.id, func.attr)))
            elif isinstance(func, ast.Attribute) and func.attr in {"create_subprocess_shell", "system", "popen"}:
                found.append(("call", ("?", func.attr)))
    return found


def test_no_server_or_engine_module_executes_code_or_starts_processes():
    problems = []
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 15
    for path in modules:
        relative = path.relative_to(PACKAGE).as_posix()
        for kind, what in findings(path):
            if (relative, what) not in ALLOWED:
                problems.append(f"{relative}: {kind} {what}")
    assert problems == []


def test_the_linter_runner_uses_argv_without_a_shell():
    source = (PACKAGE / "linters.py").read_text()
    assert "create_subprocess_exec(" in source and "shell" not in source.replace('"""', "").split("import asyncio")[1].lower()


def test_the_cli_writes_only_the_file_it_was_given(tmp_path):
    target, sibling = tmp_path / "target.py", tmp_path / "sibling.py"
    target.write_text("def f(a):\n    return a + 1\n")
    sibling.write_bytes(b"def f(a):\n    return a + 1\n")
    sibling_stat = sibling.stat()
    done = subprocess.run([sys.executable, "-m", "lsp_server.cli", "edit", str(target), "--symbol", "a", "--new-name", "b",
                           "--write", "--n-threads", str(THREADS)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert target.read_text() == "def f(b):\n    return b + 1\n"
    assert sibling.read_bytes() == b"def f(a):\n    return a + 1\n" and sibling.stat().st_mtime_ns == sibling_stat.st_mtime_ns
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sibling.py", "target.py"]  # no temp files left


@pytest.mark.e2e
@pytest.mark.model
@pytest.mark.parametrize("client", [OPTIONS], indirect=True)
async def test_the_server_never_writes_the_file_it_edits(client, tmp_path):
    path = tmp_path / "on_disk.py"
    path.write_bytes(b"def area(width, height):\n    return width * height\n")
    before = path.stat()
    uri = open_text(client, path.as_uri(), path.read_text())
    job = await edit_and_wait(client, commands.RENAME, {"uri": uri, "position": pos(0, 9), "newName": "w"})
    assert job["ok"], job
    assert client.editor.texts[uri] == "def area(w, height):\n    return w * height\n"  # the editor's copy changed
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    await asyncio.sleep(0.5)
    assert path.read_bytes() == b"def area(width, height):\n    return width * height\n"
    assert path.stat().st_mtime_ns == before.st_mtime_ns
    assert [p.name for p in tmp_path.iterdir()] == ["on_disk.py"]


@pytest.mark.e2e
@pytest.mark.model
@pytest.mark.parametrize("workspace_client", [{"root": WORKSPACE, "options": OPTIONS}], indirect=True)
async def test_linter_and_model_settings_in_workspace_files_are_ignored(workspace_client):
    client = workspace_client
    MARKER.unlink(missing_ok=True)
    path = WORKSPACE / "app.py"
    uri = open_text(client, path.as_uri(), path.read_text())
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    # The edit loads the embedded model: the workspace's modelPath is not used either.
    job = await edit_and_wait(client, commands.RENAME, {"uri": uri, "position": pos(0, 9), "newName": "w"})
    assert job["ok"], job
    await asyncio.sleep(1.0)
    assert not MARKER.exists(), f"a linter from the workspace ran: {MARKER.read_text()}"
    assert not [d for d in client.diagnostics.get(uri, []) if "PWNED" in d.message or d.source != "specedit"]
    assert not any("PWNED" in m.message for m in client.messages)


LINTER = [sys.executable, "-c", "import sys; print(sys.argv[1] + ':1:5: W1 configured linter ran')"]


@pytest.mark.e2e
@pytest.mark.parametrize("workspace_client", [{"root": WORKSPACE, "options": {**OPTIONS, "linters": {"python": LINTER}}}], indirect=True)
async def test_a_linter_from_the_settings_does_run(workspace_client):
    """The control for the test above: the same path through settings starts the linter."""
    client = workspace_client
    uri = open_text(client, (WORKSPACE / "app.py").as_uri(), (WORKSPACE / "app.py").read_text())
    for _ in range(100):
        if any("configured linter ran" in d.message for d in client.diagnostics.get(uri, [])):
            break
        await asyncio.sleep(0.1)
    assert [d.source for d in client.diagnostics[uri] if "configured linter ran" in d.message] == [sys.executable]
