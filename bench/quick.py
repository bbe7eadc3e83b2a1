"""Ours alone on every benchmark task: correct or not (the tasks' own checks) and latency, no baselines.

For a model too slow to run plain and guided decoding beside it in the time at hand (the full
benchmark is `specedit bench`). One line a task, then the count:

    .venv/bin/python bench/quick.py --model qwen2.5-coder-1.5b [--n-threads 1] [--only NAME ...]

`--tasks bench/dev` runs the held-out tasks (free-form edits, renames) that prompt and decoding changes are tried on, so the
benchmark's own tasks report and do not train.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench.harness

from bench.harness.checks import judge  # noqa: E402
from bench.harness.lintfix import with_linter_fix  # noqa: E402
from bench.harness.tasks import default_task_dirs, load_tasks  # noqa: E402
from lsp_server import EditError, Engine, ModelError, Settings, build_request  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="a GGUF file or a model name (default: the default model)")
    parser.add_argument("--freeform-model", help="the model for free-form edits ('same': --model's; default: the default pairing)")
    parser.add_argument("--n-threads", type=int, default=0)
    parser.add_argument("--only", nargs="*", help="only the tasks with these names")
    parser.add_argument("--tasks", nargs="*", type=Path,
                        help="task folders' parent folders (default: bench/tasks and bench/sketches; bench/dev: the held-out set)")
    args = parser.parse_args()
    settings = Settings()
    settings.model.path = args.model
    settings.freeform_model = args.freeform_model
    settings.model.n_threads = args.n_threads
    engine = Engine(settings)
    engine.load()  # loaded before timing (the free-form model too, where free-form edits have their own)
    if engine.freeform is not None:
        print(f"free-form edits on {engine.freeform.model.info.description}", flush=True)
    tasks, problems = load_tasks(args.tasks or default_task_dirs(), args.only)
    for name, message in problems:
        print(f"{name}: {message}", file=sys.stderr)
    by_kind: dict[str, list[tuple[bool, float]]] = {}
    for bt in tasks:
        bt, note = with_linter_fix(bt)
        if note is not None and not getattr(bt.task, "fix_edits", None):
            print(f"{bt.name}: {note}", flush=True)  # e.g. eslint not installed yet: a lower count
        started = time.perf_counter()
        try:
            result = engine.edit(build_request(bt.text, copy.copy(bt.task), path=str(bt.path)))
            text, error = result.text, None
        except (EditError, ModelError) as exc:
            text, error = None, str(exc)
        seconds = time.perf_counter() - started
        correct, why = judge(bt, text, error)
        by_kind.setdefault(bt.label, []).append((correct, seconds))
        print(f"{bt.name:36s} {'correct' if correct else 'wrong  '} {seconds:6.2f} s  {why or ''}", flush=True)
    for kind, rows in sorted(by_kind.items()):
        print(f"{kind}: {sum(c for c, _ in rows)}/{len(rows)} correct, median latency "
              f"{statistics.median(s for _, s in rows):.2f} s")
    everything = [row for rows in by_kind.values() for row in rows]
    print(f"all: {sum(c for c, _ in everything)}/{len(everything)} correct, median latency "
          f"{statistics.median(s for _, s in everything):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
