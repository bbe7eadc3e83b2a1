"""Local vs remote on the same bench tasks: `.venv/bin/python -m tests.remote.compare [TASK ...]`.

Not a test. For each bench task (default: the rename and undefined-name fix tasks of bench/tasks) it
runs the edit on the local engine (the speculative loop, cold cache), then through llama-cpp-python's
OpenAI-compatible server on the same embedded model, started twice: with its prompt-lookup draft
(`--draft_model prompt-lookup-decoding`, which needs `logits_all`) and without (`--logits_all false`).
Everything runs with SPECEDIT_TEST_THREADS threads (default 1). Prints a table; --json FILE saves it.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.harness.checks import judge  # noqa: E402
from bench.harness.tasks import default_task_dirs, load_tasks  # noqa: E402
from lsp_server.config import ModelSettings, Settings  # noqa: E402
from lsp_server.engine.engine import Engine  # noqa: E402
from lsp_server.engine.tasks import build_request  # noqa: E402
from lsp_server.errors import EditError, ModelError  # noqa: E402
from tests.remote.conftest import free_port, remote_settings  # noqa: E402

DEFAULT_TASKS = ["c_ringbuf_fix_undeclared", "go_router_fix_undefined", "js_emitter_fix_undefined",
                 "py_inventory_fix_undefined", "rust_matrix_fix_undefined", "go_router_rename_handler",
                 "java_bank_rename_amt", "js_cart_rename_line", "py_inventory_rename_total", "ts_tokenizer_rename_text"]
THREADS = int(os.environ.get("SPECEDIT_TEST_THREADS", "1"))


def run(engine: Engine, bt) -> dict:
    request = build_request(bt.text, copy.copy(bt.task), path=str(bt.path))
    if engine.loaded:
        engine.model.reset()  # cold, as the server is for a new file
    started = time.perf_counter()
    try:
        result = engine.edit(request)
    except (EditError, ModelError) as exc:
        return {"ok": False, "error": str(exc), "wall_s": round(time.perf_counter() - started, 2)}
    wall = time.perf_counter() - started
    correct, why = judge(bt, result.text)
    s = result.stats
    return {"ok": True, "correct": correct, "why": why, "wall_s": round(wall, 2), "output_tokens": s.output_tokens,
            "prefill_s": round(s.prefill_s, 2), "generate_s": round(s.generate_s, 2),
            "tokens_per_s": round(s.tokens_per_s, 1), "passes": s.passes, "drafted": s.drafted_tokens,
            "accepted": s.accepted_tokens}


def start_server(lookup: bool, log_dir: str):
    from lsp_server.models import resolve

    port = free_port()
    argv = [sys.executable, "-m", "llama_cpp.server", "--model", resolve("gemma-3-270m"), "--host", "127.0.0.1",
            "--port", str(port), "--n_ctx", "16384", "--n_threads", str(THREADS), "--n_threads_batch", str(THREADS)]
    argv += ["--draft_model", "prompt-lookup-decoding"] if lookup else ["--logits_all", "false"]
    log = open(os.path.join(log_dir, f"server-{'lookup' if lookup else 'plain'}.log"), "w")
    proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT)
    import urllib.request

    url = f"http://127.0.0.1:{port}/v1"
    for _ in range(600):
        try:
            urllib.request.urlopen(url + "/models", timeout=2)
            return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the server did not start")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("tasks", nargs="*")
    parser.add_argument("--json", dest="json_out")
    parser.add_argument("--configs", default="local,lookup,plain")
    args = parser.parse_args()
    tasks, problems = load_tasks(default_task_dirs(), args.tasks or DEFAULT_TASKS)
    for name, message in problems:
        print(f"skipping {name}: {message}", file=sys.stderr)
    rows = {bt.name: {"task": bt.name, "kind": bt.task.kind} for bt in tasks}
    configs = args.configs.split(",")
    if "local" in configs:
        engine = Engine(Settings(model=ModelSettings(n_threads=THREADS)))
        engine.model
        for bt in tasks:
            rows[bt.name]["local"] = run(engine, bt)
            print(bt.name, "local", rows[bt.name]["local"], file=sys.stderr, flush=True)
        engine.close()
    log_dir = tempfile.mkdtemp(prefix="specedit-compare-")
    for config in ("lookup", "plain"):
        if config not in configs:
            continue
        proc, url = start_server(config == "lookup", log_dir)
        try:
            engine = Engine(remote_settings(url, api="completion"))
            for bt in tasks:
                rows[bt.name][config] = run(engine, bt)
                print(bt.name, config, rows[bt.name][config], file=sys.stderr, flush=True)
        finally:
            proc.terminate()
            proc.wait(30)
    print("| task | kind | local s | local tok/s | remote+lookup s | tok/s | remote plain s | tok/s | right (local/lookup/plain) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    for row in rows.values():
        cells = [row["task"], row["kind"]]
        rights = []
        for config in ("local", "lookup", "plain"):
            r = row.get(config)
            if r is None:
                cells += ["-", "-"]
                rights.append("-")
            elif not r["ok"]:
                cells += [f"{r['wall_s']} (failed)", "-"]
                rights.append("failed")
            else:
                cells += [str(r["wall_s"]), str(r["tokens_per_s"])]
                rights.append("yes" if r["correct"] else "no")
        print("| " + " | ".join(cells + ["/".join(rights)]) + " |")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({"threads": THREADS, "rows": list(rows.values())}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
