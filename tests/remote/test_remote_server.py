"""The remote engine for real: llama-cpp-python's own OpenAI-compatible server on the embedded model.

A rename, a fix and a sketch through the Python API, a streamed edit through the language server,
and a batch through `specedit apply --jsonl`; none of them loads a model in the client.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lsp_server import actions
from lsp_server.engine.engine import Engine
from lsp_server.engine.tasks import Task, build_request
from tests.e2e.conftest import client, open_document, run_command, wait_job  # noqa: F401  (the LSP client fixture)

from .conftest import LLAMA_SERVER_PORT, remote_settings

pytestmark = [pytest.mark.model, pytest.mark.remote]

DATA = Path(__file__).resolve().parents[1] / "data"
URL = f"http://127.0.0.1:{LLAMA_SERVER_PORT}/v1"


@pytest.fixture
def engine(llama_server):
    # The embedded model is a base model: the completion prompt, as the local engine uses for it.
    engine = Engine(remote_settings(llama_server.url, api="completion"))
    yield engine
    assert not engine.loaded, "the remote engine loaded a local model"


def test_rename_through_the_server(engine):
    text = (DATA / "model" / "basket.py").read_text()
    request = build_request(text, Task("rename", symbol="result", new_name="acc", lines=(4, 8)), path="basket.py")
    progress = []
    result = engine.edit(request, on_progress=progress.append)
    lines = text.splitlines(keepends=True)
    expected = "".join(lines[:3]) + "".join(lines[3:8]).replace("result", "acc") + "".join(lines[8:])
    assert result.text == expected
    assert result.stats.stop_reason == "end" and result.stats.output_tokens > 0
    assert any(p.sync is not None for p in progress)


def test_fix_through_the_server(engine):
    text = "def total(items):\n    acc = 0\n    for x in items:\n        acc += x\n    return acx\n"
    request = build_request(text, Task("fix", diagnostic="F821 undefined name 'acx'", lines=(5, 5)), path="fix.py")
    assert engine.edit(request).text == text.replace("acx", "acc")


def test_sketch_through_the_server(engine):
    text = "import os\n\n\ndef a():\n    return 1\n\n\ndef b():\n    return 2\n"
    sketch = "# ... existing code ...\ndef b():\n    return 3\n"
    assert engine.edit(build_request(text, Task("sketch", sketch=sketch), path="sketch.py")).text == text.replace(
        "return 2", "return 3")


@pytest.mark.parametrize("client", [{"engine": "openai", "engineUrl": URL, "engineApi": "completion"}], indirect=True)
async def test_streamed_server_edit_through_the_server(llama_server, client):  # noqa: F811
    uri = open_document(client, "cart.py")
    started = await run_command(client, actions.RENAME, {"uri": uri, "position": {"line": 4, "character": 5},
                                                          "newName": "subtotal"})
    job = await wait_job(client, started["job"])
    assert job["ok"], job
    final = client.editor.texts[uri]
    assert final.count("subtotal") == 3 and "    total = 0" not in final  # the f-string's text stays
    assert client.editor.applied, "no workspace/applyEdit arrived"


def test_apply_jsonl_through_the_server(llama_server, tmp_path):
    path = tmp_path / "basket.py"
    text = (DATA / "model" / "basket.py").read_text()
    path.write_text(text)
    line = json.dumps({"file": str(path), "symbol": "result", "new_name": "acc", "lines": "4:8"})
    done = subprocess.run([sys.executable, "-m", "lsp_server.cli", "apply", "--jsonl", "-", "--engine-url",
                           llama_server.url, "--engine-api", "completion"], input=line + "\n", capture_output=True,
                          text=True, timeout=600)
    answer = json.loads(done.stdout.splitlines()[0])
    assert done.returncode == 0 and answer["ok"] and answer["changed"], (answer, done.stderr)
    lines = text.splitlines(keepends=True)
    assert path.read_text() == "".join(lines[:3]) + "".join(lines[3:8]).replace("result", "acc") + "".join(lines[8:])


def test_bench_runs_against_the_server_and_judges_the_results(llama_server, tmp_path):
    out = tmp_path / "remote.json"
    done = subprocess.run([sys.executable, "-m", "lsp_server.cli", "bench", "--engine-url", llama_server.url,
                           "--engine-api", "completion", "--only", "py_stats_fix_syntax", "js_emitter_fix_undefined",
                           "--json", str(out)], capture_output=True, text=True, timeout=600, cwd=DATA.parents[1])
    assert done.returncode == 0, done.stderr[-3000:]
    assert "correct: 2 of 2 tasks" in done.stdout, done.stdout
    results = json.loads(out.read_text())
    assert results["complete"] and all(t["correct"] and t["latency_s"] > 0 for t in results["tasks"])
