"""Agent workloads (issue 8): a batch of small edits through one `specedit apply` vs one process per edit,
and sketch apply vs plain decoding vs drafting from the original alone. Run: .venv/bin/python bench/agents.py"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from lsp_server import Engine, Settings
from lsp_server.engine.edit import EditRequest
from lsp_server.engine.sketch import sketch_request

ROOT = Path(__file__).resolve().parent
SPECEDIT = str(Path(sys.executable).parent / "specedit")

# Small files and renames of names that occur in them: 24 edits across 6 files.
EDITS = [
    ("tasks/py_stats_add_docstring/stats.py", [("values", "samples"), ("mean", "average"), ("total", "acc"), ("count", "n")]),
    ("tasks/py_retry_type_hints/retry.py", [("attempts", "tries"), ("delay", "pause"), ("func", "fn"), ("result", "value")]),
    ("tasks/js_emitter_fix_undefined/emitter.js", [("listeners", "handlers"), ("event", "topic"), ("args", "params"), ("once", "onceOnly")]),
    ("tasks/c_ringbuf_change_capacity/ringbuf.c", [("head", "front"), ("tail", "back"), ("capacity", "cap"), ("buf", "ring")]),
    ("sketches/go_lru_on_evict/lru.go", [("capacity", "limit"), ("order", "recency"), ("items", "entries"), ("stats", "counters")]),
    ("sketches/js_server_health_route/server.js", [("routes", "table"), ("handler", "fn"), ("port", "listenPort"), ("req", "request")]),
]


def batch_requests(workdir: Path) -> list[dict]:
    requests = []
    for rel, renames in EDITS:
        src = ROOT / rel
        dst = workdir / src.name
        shutil.copy(src, dst)
        text = dst.read_text()
        for old, new in renames:
            if old in text:
                requests.append({"file": str(dst), "symbol": old, "new_name": new})
    return requests


def measure_batch() -> dict:
    with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as many:
        batch = batch_requests(Path(one))
        lines = "".join(json.dumps(r) + "\n" for r in batch)
        started = time.perf_counter()
        done = subprocess.run([SPECEDIT, "apply", "--jsonl", "-"], input=lines, capture_output=True, text=True)
        batch_wall = time.perf_counter() - started
        answers = [json.loads(line) for line in done.stdout.splitlines()]
        per_process = []
        for request in batch_requests(Path(many)):
            started = time.perf_counter()
            subprocess.run([SPECEDIT, "edit", request["file"], "--symbol", request["symbol"],
                            "--new-name", request["new_name"], "--write"], capture_output=True, text=True)
            per_process.append(time.perf_counter() - started)
        same = all((Path(one) / Path(r["file"]).name).read_text() == (Path(many) / Path(r["file"]).name).read_text()
                   for r in batch)
    return {
        "edits": len(batch),
        "ok": sum(a["ok"] for a in answers),
        "batch_total_s": round(batch_wall, 2),
        "batch_per_edit_s": round(batch_wall / len(batch), 3),
        "batch_median_latency_s": round(statistics.median(a["latency_s"] for a in answers if a["ok"]), 3),
        "process_per_edit_median_s": round(statistics.median(per_process), 3),
        "process_per_edit_total_s": round(sum(per_process), 2),
        "same_results": same,
    }


def measure_sketches() -> list[dict]:
    engine = Engine(Settings())
    rows = []
    for case in sorted(p for p in (ROOT / "sketches").iterdir() if (p / "task.toml").exists()):
        task = tomllib.loads((case / "task.toml").read_text())
        original, sketch, expected = ((case / task[k]).read_text() for k in ("file", "sketch", "expected"))
        ours_request = sketch_request(original, sketch, path=task["file"])
        row = {"name": case.name}
        for label, request in (
            ("ours", ours_request),
            ("plain", _replace(ours_request, speculate=False)),
            ("original_only", EditRequest(text=original, instruction=ours_request.instruction + "\n" + sketch,
                                          path=task["file"], acceptance="greedy")),
        ):
            engine.model.reset()
            try:
                result = engine.edit(request)
            except Exception as exc:  # noqa: BLE001 - a failed variant is reported, not fatal
                row[label] = {"error": str(exc)}
                continue
            row[label] = {"tokens_per_s": round(result.stats.tokens_per_s, 1), "passes": result.stats.passes,
                          "output_tokens": result.stats.output_tokens, "correct": result.text == expected}
        rows.append(row)
    return rows


def _replace(request: EditRequest, **changes) -> EditRequest:
    import dataclasses

    return dataclasses.replace(request, **changes)


def main() -> int:
    report = {"sketches": measure_sketches(), "batch": measure_batch()}
    print(json.dumps(report, indent=1))
    out = ROOT / "results" / "agents.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
