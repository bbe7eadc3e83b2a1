"""Agent workloads, measured side by side in one run:

1. A batch of small edits across several files (24 renames in 6 files, 7 sketches in 7 more)
   through one `specedit apply --jsonl -` process, versus one `specedit edit` process per edit.
2. Sketch apply (the merged sketch as the draft) versus plain decoding and versus drafting from
   the original alone, on the same prompt and region: tokens/s, latency, and whether the result
   is the expected file. "plain" makes the same token choices one token per forward pass (so
   the same output); "original_only" drafts from the original with greedy acceptance, as an
   instruction edit would; a variant that does not finish reports its speed until it stopped.

3. Edits as agents send them (bench/agents/edits.jsonl: unified diffs with stale line numbers or
   drifted context, diffs without line numbers, search/replace pairs and SEARCH/REPLACE blocks
   whose search text is not verbatim, sketches), each through `apply` on a fresh copy of
   bench/agents/repo with one loaded model: correct (the file is the expected one), per-edit
   latency, total wall time; and what `git apply` and `patch --fuzz=3` make of the same diffs.

Run: .venv/bin/python bench/agents.py [sketches] [batch] [edits] [--model NAME] [--n-threads N] [--out FILE]
(writes bench/results/agents.json; sketches and batch about 15 minutes each on 2 cores, edits a few)
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from lsp_server import Engine, Region, Settings, Task, build_request
from lsp_server.apply import answer_request
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
            # speculation from the original alone
            "original_only": dataclasses.replace(ours, regions=[Region(r.start, r.end) for r in ours.regions]),
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


def baseline_applies(argv: list[str], diff: str, repo: Path, path: Path, pristine: str, expected: str) -> bool:
    """Whether a patch tool (git apply, patch) turns the file into the expected one; the file is put back."""
    patch_file = repo.parent / "edit.diff"
    patch_file.write_text(diff)
    subprocess.run([*argv, str(patch_file)], cwd=repo, capture_output=True, text=True)
    correct = path.read_text() == expected
    path.write_text(pristine)
    return correct


def agent_edits() -> list[dict]:
    """bench/agents/edits.jsonl: each edit's request, file, kind and expected file."""
    return [json.loads(line) for line in (ROOT / "agents" / "edits.jsonl").read_text().splitlines() if line]


@contextlib.contextmanager
def agents_repo() -> Iterator[Path]:
    """A fresh copy of bench/agents/repo, removed afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        shutil.copytree(ROOT / "agents" / "repo", repo)
        yield repo


def answer_edit(engine: Engine, edit: dict, repo: Path) -> tuple[dict, float]:
    """`apply`'s answer to one edit on the copy of bench/agents/repo at `repo`, and its latency (s)."""
    request = dict(edit["request"])
    if "file" in request:
        request["file"] = str(repo / request["file"])
    else:
        request["root"] = str(repo)
    began = time.perf_counter()
    answer = answer_request(engine, request)
    return answer, time.perf_counter() - began


def measure_edits(settings: Settings) -> dict:
    """Every edit of bench/agents/edits.jsonl on its own, through apply with one model loaded first."""
    edits = agent_edits()
    started = time.perf_counter()
    engine = Engine(settings)
    engine.load()
    rows = []
    with agents_repo() as repo:
        for edit in edits:
            path = repo / edit["file"]
            pristine = path.read_text()
            answer, latency = answer_edit(engine, edit, repo)
            request = edit["request"]
            result = path.read_text()
            files = answer.get("files") or [answer]
            row = {"id": edit["id"], "kind": edit["kind"], "stale": edit["stale"], "drift": edit["drift"],
                   "loose": edit["loose"], "ok": answer["ok"], "correct": result == edit["expected"],
                   "latency_s": round(latency, 3), "hunks": [h["status"] for f in files for h in f.get("hunks", [])],
                   "as_drafted": all(f.get("as_drafted", True) for f in files)}
            stats = [f["stats"] for f in files if f.get("stats")]
            if stats:  # where the time went: the prompt's prefill and the verification passes
                row.update({key: round(sum(s[key] for s in stats), 3) for key in
                            ("prompt_tokens", "prefill_tokens", "prefill_s", "generate_s", "passes", "regions")})
            if not answer["ok"]:
                row["error"] = answer.get("error")
                row["untouched"] = result == pristine  # nothing written for an edit that failed its checks
            path.write_text(pristine)
            if "diff" in request:
                row["git_apply"] = baseline_applies(["git", "apply", "-p1"], request["diff"], repo, path, pristine,
                                                    edit["expected"])
                row["patch_fuzz3"] = baseline_applies(["patch", "-p1", "--fuzz=3", "--batch", "--forward", "-s",
                                                       "--no-backup-if-mismatch", "-r", "-", "-i"], request["diff"],
                                                      repo, path, pristine, edit["expected"])
            rows.append(row)
    total = time.perf_counter() - started
    return {"edits": rows, "summary": edits_summary(rows, total, len({e["file"] for e in edits}))}


GROUPS = {"diff": ("diff", "udiff"), "replace": ("replace", "blocks"), "sketch": ("sketch",)}


def edits_summary(rows: list[dict], total_s: float, files: int) -> dict:
    def share(selected: list[dict], key: str = "correct") -> str:
        return f"{sum(r[key] for r in selected)}/{len(selected)}"

    diffs = [r for r in rows if "git_apply" in r]
    out = {
        "edits": len(rows), "files": files, "correct": share(rows),
        "correct_fraction": round(sum(r["correct"] for r in rows) / len(rows), 3),
        "median_latency_s": round(statistics.median(r["latency_s"] for r in rows), 3),
        "total_wall_s": round(total_s, 1),
        "stale_line_numbers_correct": share([r for r in rows if r["stale"]]),
        "drifted_context_correct": share([r for r in rows if r["drift"]]),
        "search_not_verbatim_correct": share([r for r in rows if r["loose"]]),
        "diffs_git_apply_correct": share(diffs, "git_apply"),
        "diffs_patch_fuzz3_correct": share(diffs, "patch_fuzz3"),
        "diffs_ours_correct_where_git_apply_fails": share([r for r in diffs if not r["git_apply"]]),
        "failed_and_written": [r["id"] for r in rows if not r["ok"] and not r.get("untouched", True)],
        "refused_without_reason": [r["id"] for r in rows if not r["ok"] and not r.get("error")],
        "wrong": {r["id"]: r.get("error") or "written, but not the expected file" for r in rows if not r["correct"]},
    }
    for group, kinds in GROUPS.items():
        selected = [r for r in rows if r["kind"] in kinds]
        out[f"{group}_correct"] = share(selected)
        if selected:
            out[f"{group}_median_latency_s"] = round(statistics.median(r["latency_s"] for r in selected), 3)
    return out


def summary(report: dict) -> dict:
    out = {}
    if "sketches" in report:
        rows = report["sketches"]

        def ratios(label: str) -> list[float]:
            return [r["ours"]["tokens_per_s"] / r[label]["tokens_per_s"] for r in rows
                    if "tokens_per_s" in r["ours"] and "tokens_per_s" in r.get(label, {})]

        out.update({
            "sketch_correct": f"{sum(r['ours'].get('correct', False) for r in rows)}/{len(rows)}",
            "sketch_median_speedup_vs_plain": round(statistics.median(ratios("plain")), 2),
            "sketch_median_speedup_vs_original_only": round(statistics.median(ratios("original_only")), 2),
        })
    if "batch" in report:
        out["batch_speedup_vs_process_per_edit"] = report["batch"]["speedup"]
    if "edits" in report:
        out["agent_edits"] = report["edits"]["summary"]
    return out


def main(argv: list[str]) -> int:
    """Every part, or only those named (`sketches`, `batch`, `edits`): the others are kept from the last run."""
    parser = argparse.ArgumentParser(description="agent workloads (see the module docstring)")
    parser.add_argument("parts", nargs="*")
    parser.add_argument("--model", help="a GGUF file or a model name (default: the default model)")
    parser.add_argument("--n-threads", type=int, default=0, help="0: all cores")
    parser.add_argument("--out", default=str(ROOT / "results" / "agents.json"))
    args = parser.parse_args(argv)
    settings = Settings()
    settings.model.path = args.model
    settings.model.n_threads = args.n_threads or None
    everything = {"sketches", "batch", "edits"}
    parts = set(args.parts) or everything
    if parts - everything:
        raise SystemExit(f"unknown parts: {', '.join(sorted(parts - everything))}; choose from {', '.join(sorted(everything))}")
    out = Path(args.out)
    report = json.loads(out.read_text()) if out.exists() and parts != everything else {}
    if "edits" in parts:
        report["edits"] = measure_edits(settings)
        report["edits"]["summary"].update(model=args.model or "default", n_threads=args.n_threads or "all")
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
