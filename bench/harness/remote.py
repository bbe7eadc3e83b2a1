"""`specedit bench --engine openai`: every task through a shared inference server, same columns where they apply.

No calibration, plain or guided run or peer: those time a local model. Per task: correctness (the
same checks), the tool's draft alone, latency and first streamed hunk, tokens per second as the
server streamed them.
"""

from __future__ import annotations

import copy
import sys

from lsp_server import EditError, Engine, ModelError, Settings, build_request

from .baselines import draft_only
from .checks import judge
from .lintfix import with_linter_fix
from .measures import summarize
from .report import full_report, write_results
from .tasks import BenchTask
from .timing import measure_edit, peak_rss_mb, run_json


def bench_remote_task(bt: BenchTask, engine: Engine, progress) -> dict:
    from .runner import failed_request, task_record

    record = task_record(bt)
    bt, note = with_linter_fix(bt)
    if note is not None:
        record["linter_fix"] = note
    try:
        request = build_request(bt.text, copy.copy(bt.task), path=str(bt.path))
    except (EditError, ModelError) as exc:
        return failed_request(record, exc)
    record["tool_draft"] = request.draft_led
    record["draft_only_correct"], record["draft_only_why"] = draft_only(bt, request)
    ours = measure_edit(engine, request, track_hunks=True, reset=False)
    record["correct"], record["why"] = judge(bt, ours.text, ours.error)
    if ours.error:
        record["errors"]["ours"] = ours.error
    record["ours"] = run_json(ours, ours=True)
    record["latency_s"] = round(ours.wall_s, 4)
    record["first_hunk_s"] = None if ours.first_hunk_s is None else round(ours.first_hunk_s, 4)
    if ours.stats is not None:
        record["output_tokens"] = ours.stats.output_tokens
    progress(f"{ours.wall_s:.2f} s, first hunk {record['first_hunk_s']} s; "
             f"{'correct' if record['correct'] else 'not correct: ' + record['why']}")
    return record


def run_remote_benchmark(args, settings: Settings, tasks: list[BenchTask], out=sys.stdout, err=sys.stderr) -> int:
    engine = Engine(settings)
    where = f"{settings.engine_model or 'the first model'} at {settings.engine_url}"
    header = {"model": f"remote ({settings.engine_api}): {where}", "model_path": None, "engine": settings.engine,
              "n_threads": None, "n_gpu_layers": None}
    print(f"specedit bench: {len(tasks)} tasks, remote engine: {where}", file=err, flush=True)
    records = []
    for i, bt in enumerate(tasks, 1):
        def progress(message: str, name=bt.name, i=i) -> None:
            print(f"[{i}/{len(tasks)}] {name}: {message}", file=err, flush=True)

        records.append(bench_remote_task(bt, engine, progress))
        if args.json_out:
            write_results(args.json_out, records, summarize(records, [], peak_rss_mb(), peak_rss_mb()), header,
                          complete=False)
    for r in records:
        if not r["errors"]:
            del r["errors"]
    summary = summarize(records, [], peak_rss_mb(), peak_rss_mb())
    out.write(full_report(records, summary))
    if args.json_out:
        write_results(args.json_out, records, summary, header, complete=True)
    return 0
