"""Agent workloads (issue 8), measured side by side in one run:

1. A batch of small edits across several files (24 renames in 6 files, 7 sketches in 7 more)
   through one `specedit apply --jsonl -` process, versus one `specedit edit` process per edit.
2. Sketch apply (the merged sketch as the draft) versus plain decoding and versus drafting from
   the original alone, on the same prompt and region: tokens/s, latency, and whether the result
   is the expected file. "plain" makes the same token choices one token per forward pass (so
   the same output); "original_only" drafts from the original with greedy acceptance, as an
   instruction edit would; a variant that does not finish reports its speed until it stopped.

Run: .venv/bin/python bench/agents.py [sketches] [batch]
(writes bench/results/agents.json; about 30 minutes on 2 cores, half of it each part)
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lsp_server import Engine, Settings, Task, build_request
from lsp_server.tomlcompat import tomllib

ROOT = Path(__file__).resolve().parent
SPECEDIT = str(Path(sys.executable).parent / "specedit")

# Small files and renames of names that occur in them: 24 edits across 6 files.
RENAMES = [
    ("sources/stats.py", [("values", "samples"), ("mean", "average"), ("ordered", "ranked"), ("variance", "spread")]),
    ("sources/retry.py", [("attempts", "tries"), ("delay", "pause"), ("func", "fn"), ("jitter", "noise")]),
    ("sources/emitter.js", [("listeners", "handlers"), ("event", "topic"), ("args", "params"), ("once", "onceOnly")]),
    ("sources/ringbuf.c", [("head", "front"), ("tail", "back"), ("capacity", "cap"), ("count", "used")]),
    ("sketches/go_lru_on_evict/lru.go", [("capacity", "limit"), ("order", "recency"), ("items", "entries"), ("stats", "counters")]),
    ("sketches/js_server_health_route/server.js", [("routes", "table"), ("handler", "fn"), ("notes", "store"), ("req", "request")]),
]


def sketch_cases() -> list[tuple[str, dict, str, str, str]]:
    """(name, task.toml, original, sketch, expected) of each bench/sketches case."""
    cases = []
    for case in sorted(p for p in (ROOT / "sketches").iterdir() if (p / "task.toml").exists()):
        task = tomllib.loads((case / "task.toml").read_text())
        cases.append((case.name, task, *((case / task[k]).read_text() for k in ("file", "sketch", "expected"))))
    return cases


def batch_requests(workdir: Path) -> list[dict]:
    """The batch in a fresh copy of its files: 24 renames, then the 7 sketches (each on its own copy)."""
    requests = []
    for rel, renames in RENAMES:
        dst = workdir / Path(rel).name
        shutil.copy(ROOT / rel, dst)
        requests += [{"file": str(dst), "symbol": old, "new_name": new} for old, new in renames]
    for name, task, original, sketch, _ in sketch_cases():
        folder = workdir / name
        folder.mkdir()
        (folder / task["file"]).write_text(original)
        (folder / task["sketch"]).write_text(sketch)
        requests.append({"file": str(folder / task["file"]), "sketch": sketch, "sketch_file": str(folder / task["sketch"])})
    return requests


def one_process(request: dict) -> list[str]:
    if "sketch" in request:
        return [SPECEDIT, "edit", request["file"], "--sketch", request["sketch_file"], "--write"]
    return [SPECEDIT, "edit", request["file"], "--symbol", request["symbol"], "--new-name", request["new_name"], "--write"]


def measure_batch() -> dict:
    with tempfile.TemporaryDirectory() as one, tempfile.TemporaryDirectory() as many:
        batch = batch_requests(Path(one))
        lines = "".join(json.dumps({k: v for k, v in r.items() if k != "sketch_file"}) + "\n" for r in batch)
        started = time.perf_counter()
        done = subprocess.run([SPECEDIT, "apply", "--jsonl", "-"], input=lines, capture_output=True, text=True)
        batch_wall = time.perf_counter() - started
        answers = [json.loads(line) for line in done.stdout.splitlines()]
        per_process = []
        for request in batch_requests(Path(many)):
            started = time.perf_counter()
            run = subprocess.run(one_process(request), capture_output=True, text=True)
            per_process.append((time.perf_counter() - started, run.returncode == 0))
        outputs_one = {str(p.relative_to(one)): p.read_text() for p in Path(one).rglob("*") if p.is_file()}
        outputs_many = {str(p.relative_to(many)): p.read_text() for p in Path(many).rglob("*") if p.is_file()}
    kinds = {"rename": [i for i, r in enumerate(batch) if "symbol" in r], "sketch": [i for i, r in enumerate(batch) if "sketch" in r]}
    report = {
        "edits": len(batch),
        "files": len({r["file"] for r in batch}),
        "batch_ok": sum(a["ok"] for a in answers),
        "process_ok": sum(ok for _, ok in per_process),
        "batch_total_s": round(batch_wall, 2),
        "batch_per_edit_s": round(batch_wall / len(batch), 3),
        "process_total_s": round(sum(t for t, _ in per_process), 2),
        "process_per_edit_s": round(sum(t for t, _ in per_process) / len(batch), 3),
        "speedup": round(sum(t for t, _ in per_process) / batch_wall, 2),
        "same_files": outputs_one == outputs_many,
        "failures": [{"request": {k: v for k, v in batch[i].items() if k not in ("sketch", "sketch_file")}, "error": a.get("error")}
                     for i, a in enumerate(answers) if not a["ok"]],
    }
    for kind, index in kinds.items():
        report[f"{kind}_batch_median_latency_s"] = round(statistics.median(answers[i]["latency_s"] for i in index if answers[i]["ok"]), 3)
        report[f"{kind}_process_median_s"] = round(statistics.median(per_process[i][0] for i in index), 3)
    return report


def measure_sketches() -> list[dict]:
    engine = Engine(Settings())
    rows = []
    for name, task, original, sketch, expected in sketch_cases():
        ours = build_request(original, Task("sketch", sketch=sketch), path=task["file"])
        row = {"name": name, "region_lines": None if ours.region is None else original[slice(*ours.region)].count("\n")}
        variants = {
            "ours": ours,  # the merged sketch leads, the original backs it up
            "plain": dataclasses.replace(ours, speculate=False),  # one token per forward pass
            "original_only": dataclasses.replace(ours, draft=None),  # speculation from the original alone
        }
        for label, request in variants.items():
            engine.model.reset()  # every variant starts cold: same prompt, same prefill
            started = time.perf_counter()
            seen: list = []
            try:
                result = engine.edit(request, on_progress=seen.append)
            except Exception as exc:  # noqa: BLE001 - a failed variant is reported, not fatal
                # Its speed until it stopped still says how fast that drafting generates.
                last = seen[-1] if seen else None
                row[label] = {"error": str(exc), "correct": False,
                              **({"tokens_per_s": round(last.tokens_per_s, 1), "passes": last.stats.passes,
                                  "output_tokens": len(last.stats.output_token_ids)} if last else {})}
                continue
            s = result.stats
            row[label] = {"tokens_per_s": round(s.tokens_per_s, 1), "passes": s.passes, "output_tokens": s.output_tokens,
                          "prefill_s": round(s.prefill_s, 2), "latency_s": round(time.perf_counter() - started, 2),
                          "correct": result.text == expected}
        rows.append(row)
    return rows


def summary(report: dict) -> dict:
    rows = report["sketches"]

    def ratios(label: str) -> list[float]:
        return [r["ours"]["tokens_per_s"] / r[label]["tokens_per_s"] for r in rows
                if "tokens_per_s" in r["ours"] and "tokens_per_s" in r.get(label, {})]

    return {
        "sketch_correct": f"{sum(r['ours'].get('correct', False) for r in rows)}/{len(rows)}",
        "sketch_median_speedup_vs_plain": round(statistics.median(ratios("plain")), 2),
        "sketch_median_speedup_vs_original_only": round(statistics.median(ratios("original_only")), 2),
        "batch_speedup_vs_process_per_edit": report["batch"]["speedup"],
    }


def main(argv: list[str]) -> int:
    """Both parts, or only those named (`sketches`, `batch`): the others are kept from the last run."""
    parts = set(argv) or {"sketches", "batch"}
    out = ROOT / "results" / "agents.json"
    report = json.loads(out.read_text()) if out.exists() and parts != {"sketches", "batch"} else {}
    if "sketches" in parts:
        report["sketches"] = measure_sketches()
    if "batch" in parts:
        report["batch"] = measure_batch()
    report["summary"] = summary(report)
    print(json.dumps(report, indent=1))
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
