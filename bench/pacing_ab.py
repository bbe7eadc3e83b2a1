"""Pacing A/B: each free-form task's (or another kind's) generation time with and without the pacer (or, with
`--compare lookup`, the drafts looked up in the prompt and output: engine/lookup.py; with `--compare inline`,
re-syncs inside a changed line paced as a state of their own: engine/pacing.py; with `--compare respace`,
tokens that respace the original taken as the original's: engine/respace.py; with `--compare layout`,
llama.cpp's repacked weights, `use_extra_bufts`: docs/measurements.md section 2), in one process.

Both runs of a task share one loaded model and its cached prompt, in turn (the order alternates
from task to task), so the machine's drift over a long run falls on both alike and only the
decoding differs. The first run of a task evaluates the prompt's tail with its first chunk, and
counts that pass mostly as prefill, the second finds the prompt cached: on short edits the first
run's generation time comes out some 0.2 s shorter. The alternation evens that out over many tasks;
`--warm` removes it (each task decoded once, untimed, before its two runs). The pacer keeps what it learned from task to task, as in a server session.
`--compare layout` loads the model twice, once per weight layout, each with a pacer of its own
(pass costs differ by layout); the first run of a task in each arm also times its prompt's prefill.
`--plain` also times plain decoding (one token a pass, no draft: bench/harness/baselines.py) in each
arm, so each arm's speedup over plain decoding is its own.

    .venv/bin/python bench/pacing_ab.py --model qwen2.5-coder-1.5b --n-threads 2 [--tasks bench/dev] [--kind rename] [--only NAME ...]

One line a task (seconds generating without and with; "output differs" where a near-tie flipped),
then the totals, how many tasks were faster with it, and how many results each arm got right. With `--compare lookup` each line also says
how many passes the looked-up drafts went in and how many of their tokens the model took.
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bench.harness

from bench.harness.baselines import unguided  # noqa: E402
from bench.harness.checks import judge  # noqa: E402
from bench.harness.tasks import default_task_dirs, load_tasks  # noqa: E402
from lsp_server import Engine, Settings, build_request  # noqa: E402
from lsp_server.engine import speculative  # noqa: E402
from lsp_server.engine.pacing import Pacer, state_of  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="qwen2.5-coder-1.5b", help="a GGUF file or a model name")
    parser.add_argument("--n-threads", type=int, default=0)
    parser.add_argument("--only", nargs="*", help="only the tasks with these names")
    parser.add_argument("--tasks", nargs="*", type=Path, help="task folders' parent folders (default: bench/tasks)")
    parser.add_argument("--kind", default="edit", help="the tasks of this kind (default: edit, the free-form ones; rename, fix, sketch)")
    parser.add_argument("--compare", choices=("pacing", "lookup", "inline", "respace", "layout"), default="pacing", help="what the two arms differ by")
    parser.add_argument("--plain", action="store_true", help="also time plain decoding in each arm")
    parser.add_argument("--warm", action="store_true",
                        help="decode each task once, untimed, before its two runs: both then find its prompt cached")
    args = parser.parse_args()
    settings = Settings()
    settings.model.path = args.model
    settings.freeform_model = "same"
    if args.n_threads:
        settings.model.n_threads = args.n_threads
    tasks, problems = load_tasks(args.tasks or default_task_dirs(), args.only)
    for problem in problems:
        print(problem, file=sys.stderr)
    tasks = [t for t in tasks if t.task.kind == args.kind]
    if not tasks:
        print(f"no tasks of kind {args.kind!r}", file=sys.stderr)
        return 2
    engine = Engine(settings)
    engine.load()
    engines = {"without": engine, "with": engine}
    if args.compare == "layout":
        repacked = copy.deepcopy(settings)
        repacked.model.use_extra_bufts = True
        engines["with"] = Engine(repacked)
        engines["with"].load()
    pacer = Pacer()
    arms = ("without", "with")

    def arm(name: str) -> None:
        on = name == "with"
        if args.compare == "layout":
            return  # each engine has its own layout and pacer
        if args.compare == "pacing":
            engine.local.pacer = pacer if on else None
        elif args.compare in ("lookup", "respace"):
            engine.local.pacer = pacer
            setattr(settings.draft, args.compare, on)
        else:  # re-syncs inside a changed line paced as their own state, or as any other re-sync
            engine.local.pacer = pacer
            speculative.state_of = state_of if on else (lambda d: {"inline": "rejoined"}.get(state_of(d), state_of(d)))

    totals = {name: 0.0 for name in arms}
    plains = {name: 0.0 for name in arms}
    prefills = {name: 0.0 for name in arms}
    faster = 0
    right = {name: 0 for name in arms}  # results the task's checks accept
    for i, bench_task in enumerate(tasks):
        order = list(arms) if i % 2 == 0 else list(reversed(arms))
        seconds, outputs, looked, plain, wrong = {}, set(), [], {}, []
        if args.warm:
            arm(order[0])
            engines[order[0]].edit(build_request(bench_task.text, copy.copy(bench_task.task), path=str(bench_task.path)))
        for name in order:
            arm(name)
            request = build_request(bench_task.text, copy.copy(bench_task.task), path=str(bench_task.path))
            result = engines[name].edit(request)
            seconds[name] = result.stats.generate_s
            prefills[name] += result.stats.prefill_s
            outputs.add(result.text)
            if judge(bench_task, result.text)[0]:
                right[name] += 1
            else:
                wrong.append(name)
            if name == "with":
                looked = result.stats.lookups
            if args.plain:
                plain[name] = engines[name].edit(unguided(request)).stats.generate_s
                plains[name] += plain[name]
        for name in arms:
            totals[name] += seconds[name]
        faster += seconds["with"] < seconds["without"]
        note = ("" if len(outputs) == 1 else "  output differs") + (f"  wrong: {', '.join(sorted(wrong))}" if wrong else "")
        if args.plain:
            note = f"  plain: without {plain['without']:6.2f} s  with {plain['with']:6.2f} s" + note
        if args.compare == "lookup":
            sent = [(d, k) for _, d, k in looked if d]
            note = f"  looked up: {len(sent)} passes, {sum(k for _, k in sent)} of {sum(d for d, _ in sent)} tokens taken" + note
        print(f"{bench_task.name:40s} without {seconds['without']:6.2f} s  with {seconds['with']:6.2f} s{note}", flush=True)
    print(f"total ({args.compare}): without {totals['without']:.1f} s, with {totals['with']:.1f} s "
          f"({totals['with'] / totals['without']:.3f}); faster with it on {faster} of {len(tasks)} tasks; "
          f"correct: without {right['without']}/{len(tasks)}, with {right['with']}/{len(tasks)}")
    if args.plain:
        print("plain decoding: " + ", ".join(f"{name} {plains[name]:.1f} s (ours {plains[name] / totals[name]:.2f}x)" for name in arms))
    if args.compare == "layout":
        print("prefill, the first run of each task in each arm: " + ", ".join(f"{name} {prefills[name]:.1f} s" for name in arms))
    return 0


if __name__ == "__main__":
    sys.exit(main())
