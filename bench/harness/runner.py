"""`specedit bench`: every task as the tool's draft alone, plain and guided decoding, ours and the peer, with one loaded model."""

from __future__ import annotations

import copy
import sys
from pathlib import Path

from lsp_server import EditError, Engine, ModelError, Settings, build_request
from lsp_server.config import default_threads
from lsp_server.models import SAME
from lsp_server.syntax import language_for

from .baselines import draft_only, guided, unguided
from .checks import judge
from .lintfix import with_linter_fix
from .measures import copy_split, first_divergence, ratio, rounded, summarize
from .peer import run_peers
from .report import full_report, write_results
from .tasks import BenchTask, default_task_dirs, load_tasks
from .timing import (CALIBRATION_CONTEXT, Run, calibrate, draft_led, measure_edit, peak_rss_mb, prompt_tokens_of, run_json,
                     span_of)

from lsp_server.engine.speculative import LoopOptions  # the margin probe


def task_record(bt: BenchTask) -> dict:
    text = bt.text
    record = {
        "name": bt.name,
        "language": language_for(str(bt.path)).name,
        "kind": bt.task.kind,
        "category": bt.category,
        "label": bt.label,
        "file_lines": text.count("\n") + (0 if text.endswith("\n") else 1),
        "region_lines": None if bt.task.lines is None else bt.task.lines[1] - bt.task.lines[0] + 1,
        "errors": {},
    }
    if bt.linter:
        record["linter"] = bt.linter
    return record


def failed_request(record: dict, exc: Exception) -> dict:
    """A task whose request could not be built: wrong with the model and with the draft alone."""
    record["errors"]["request"] = str(exc)
    record["correct"], record["why"] = False, f"failed: {exc}"
    record["draft_only_correct"], record["draft_only_why"] = False, f"failed: {exc}"
    return record


def bench_task(bt: BenchTask, engine: Engine, fixed_engine: Engine | None, progress) -> tuple[dict, dict]:
    """The tool's draft alone, plain (unguided), guided, ours (cold, then warm) and optionally fixed chunks for one task.

    Returns the task's record and what the peer needs later (plain's prompt tokens and token ids).
    """
    record = task_record(bt)
    bt, note = with_linter_fix(bt)
    if note is not None:
        record["linter_fix"] = note
        if not getattr(bt.task, "fix_edits", None):
            progress(note)  # the task's linter is missing or offers no fix: its result says less
    try:
        request = build_request(bt.text, copy.copy(bt.task), path=str(bt.path))
        plain_request, guided_request = unguided(request), guided(request)
        prompt_tokens = prompt_tokens_of(engine, request)
        plain_prompt = prompt_tokens_of(engine, plain_request)  # chat prompts show ours the draft, plain not
    except (EditError, ModelError) as exc:
        return failed_request(record, exc), {}
    record["tool_draft"] = request.draft_led
    record["draft_only_correct"], record["draft_only_why"] = draft_only(bt, request)
    record["acceptance"] = _acceptance(engine.settings, request)
    record["prompt_tokens"] = len(prompt_tokens)

    plain = measure_edit(engine, plain_request)
    progress(f"plain {_brief(plain)}")
    runs = {"plain": plain}
    if request.draft_led:  # without a tool draft, guided decodes exactly as plain
        runs["guided"] = measure_edit(engine, guided_request)
        progress(f"guided {_brief(runs['guided'])}")
    guided_run = runs.get("guided", plain)
    ours = measure_edit(engine, request, track_hunks=True)
    record["correct"], record["why"] = judge(bt, ours.text, ours.error)
    record["plain_correct"] = judge(bt, plain.text, plain.error)[0]
    record["guided_correct"] = judge(bt, guided_run.text, guided_run.error)[0]
    if not record["correct"] and ours.output is not None:
        record["output"] = ours.output  # what ours wrote in place of the span, to see what went wrong
    progress(f"ours {_brief(ours)}; {'correct' if record['correct'] else 'not correct: ' + record['why']}"
             f" (draft alone: {'correct' if record['draft_only_correct'] else record['draft_only_why']})")
    if len(request.regions) == 1 and engine.local is not None and ours.stats is not None \
            and len(ours.stats.from_draft) == ours.stats.output_tokens:
        piece = engine.backend_for(request.regions[0]).model.piece
        start, end = span_of(request)
        taken = engine.prepare(request).lead_taken  # the prompt wrote the region's indentation: the output goes on after it
        record["copy_split"] = copy_split(bt.text[start + taken:end].encode(),
                                          [piece(t) for t in ours.stats.output_token_ids], ours.stats.from_draft)
    # The same request again on the warm cache, stopped after its first pass: only its prefill matters.
    warm = measure_edit(engine, request, reset=False, stop_after=0)
    if not request.draft_led and engine.local is not None:  # a server keeps its own prompt cache
        _opened(record, engine, bt, request, ours)
    for stage, run in (*runs.items(), ("ours", ours), ("ours_warm", warm)):
        if run.error:
            record["errors"][stage] = run.error
    record["plain"] = run_json(plain)
    record["guided"] = run_json(guided_run)
    record["ours"] = run_json(ours, ours=True)
    record["latency_s"] = round(ours.wall_s, 4)
    record["first_hunk_s"] = rounded(ours.first_hunk_s, 4)
    record["first_line_s"] = rounded(ours.first_line_s, 4)
    if plain.stats is None or ours.stats is None:
        return record, {}
    record["output_tokens"] = plain.stats.output_tokens
    # A settled edit took the region's rest as it was, without tokens: its speed is plain decoding's time
    # for the same text over its own (what tokens per second compare where the two outputs agree).
    record["speedup_vs_plain"] = rounded(ratio(plain.stats.generate_s, ours.stats.generate_s) if ours.stats.settled_bytes
                                         else ratio(ours.stats.tokens_per_s, plain.stats.tokens_per_s))
    record["latency_vs_plain"] = rounded(ratio(plain.wall_s, ours.wall_s))
    record["identical_to_plain"] = ours.output == plain.output
    # Token lists can differ past the stop point (a verified chunk may run past the fence) even
    # when the texts agree: only a text difference is a divergence.
    record["first_divergence"] = (None if record["identical_to_plain"]
                                  else first_divergence(ours.stats.output_token_ids, plain.stats.output_token_ids))
    start, end = span_of(request)
    # An edit the model did not make is all copying: its speedup says little about real edits.
    record["changed_region"] = ours.output.rstrip("\n") != bt.text[start:end].rstrip("\n")
    _against_guided(record, engine, guided_request, guided_run, ours)
    record["stop_reason"] = {stage: run.stats.stop_reason for stage, run in (*runs.items(), ("ours", ours))
                             if run.stats is not None}
    if warm.stats is not None and ours.stats.prefill_s > 0:
        record["warm_prefill_ratio"] = round(warm.stats.prefill_s / ours.stats.prefill_s, 4)
    if fixed_engine is not None:
        _compare_chunks(record, fixed_engine, request, ours, progress)
    return record, {"prompt_tokens": plain_prompt, "plain_tokens": list(plain.stats.output_token_ids)}


def _opened(record: dict, engine: Engine, bt: BenchTask, request, ours: Run) -> None:
    """A free-form edit of a document the editor has open: the server prefilled its prompt's prefix.

    What `specedit serve` does after changes and when code actions are asked for (Engine.warm on the
    edit's region: the file or its window, then the region's lines), done untimed on a reset cache;
    then the edit is timed and pays for its change request and answer only. The cold run above is a CLI's or an agent's
    first edit of a file.
    """
    engine.reset()
    start, end = span_of(request)
    engine.warm(bt.text, str(bt.path), region=(start, end))
    run = measure_edit(engine, request, reset=False, track_hunks=True)
    if run.error or run.stats is None:
        record["errors"]["ours_opened"] = run.error or "no result"
        return
    record["opened_latency_s"] = round(run.wall_s, 4)
    record["opened_first_hunk_s"] = rounded(run.first_hunk_s, 4)
    record["opened_first_line_s"] = rounded(run.first_line_s, 4)
    record["opened_prefill_tokens"] = run.stats.prefill_tokens
    record["opened_identical"] = run.output == ours.output
    record["opened_correct"] = judge(bt, run.text, run.error)[0]


def _against_guided(record: dict, engine: Engine, guided_request, guided_run: Run, ours: Run) -> None:
    """Ours against the same rule one token a pass: identical, else where, and (greedy) the top-2 margin there."""
    record["divergence_margin"] = None
    if guided_run.stats is None:
        record["identical_to_guided"] = record["guided_divergence"] = None
        return
    if guided_run.stats.output_tokens:
        record["speedup_vs_guided"] = rounded(ratio(ours.stats.tokens_per_s, guided_run.stats.tokens_per_s))
    record["identical_to_guided"] = ours.output == guided_run.output
    divergence = (None if record["identical_to_guided"]
                  else first_divergence(ours.stats.output_token_ids, guided_run.stats.output_token_ids))
    record["guided_divergence"] = divergence
    # Only greedy acceptance promises guided's tokens exactly; under typical the bound is a ratio, not a top-2 margin.
    if (divergence is None or record.get("acceptance") != "greedy"
            or divergence >= guided_run.stats.output_tokens):
        return
    # Re-run guided only as far as the divergence, recording its top-2 logit margins.
    probe = measure_edit(engine, guided_request, options=LoopOptions(record_margins=True), stop_after=divergence)
    if probe.stats is not None and len(probe.stats.margins) > divergence:
        record["divergence_margin"] = round(probe.stats.margins[divergence], 4)


def _compare_chunks(record: dict, fixed_engine: Engine, request, ours: Run, progress) -> None:
    fixed = measure_edit(fixed_engine, request)
    if fixed.error:
        record["errors"]["ours_fixed"] = fixed.error
    if fixed.stats is not None:
        s = fixed.stats
        record["ours_fixed"] = {"tokens_per_s": round(s.tokens_per_s, 2), "passes": s.passes,
                                "accepted_tokens": s.accepted_tokens, "drafted_tokens": s.drafted_tokens}
        record["aligned_vs_fixed"] = rounded(ratio(ours.stats.tokens_per_s, s.tokens_per_s))
        progress(f"fixed chunks {s.tokens_per_s:.1f} tok/s, {s.passes} passes")


def _acceptance(settings: Settings, request) -> str:
    rule = request.acceptance or settings.draft.acceptance
    if rule == "auto":
        rule = "typical" if draft_led(request) else "greedy"
    return rule


def _brief(run: Run) -> str:
    s = run.stats
    if s is None:
        return f"failed: {run.error}"
    text = (f"{s.output_tokens} tok {s.generate_s:.1f} s {s.tokens_per_s:.1f} tok/s {s.passes} passes ({s.stop_reason}), "
            f"{run.wall_s:.1f} s in all")
    return text + (f" [{run.error}]" if run.error else "")


def run_benchmark(args, settings: Settings, out=sys.stdout, err=sys.stderr) -> int:
    """`specedit bench`: every task in one process with one loaded model; table and summary on `out`."""
    roots = [Path(args.tasks)] if args.tasks else default_task_dirs()
    tasks, problems = load_tasks(roots, args.only)
    for name, message in problems:
        print(f"specedit bench: skipping {name}: {message}", file=err)
    if not tasks:
        print(f"specedit bench: no usable tasks under {' or '.join(str(r) for r in roots)}", file=err)
        return 2
    if settings.engine != "local":  # a shared inference server: what can be measured there
        from .remote import run_remote_benchmark

        return run_remote_benchmark(args, settings, tasks, out, err)
    if settings.freeform_model is None:
        settings.freeform_model = SAME  # one model a run: its calibration, baselines and peer (README: Results)
    engine = Engine(settings)
    try:
        model = engine.model
    except ModelError as exc:
        print(f"specedit bench: {exc}", file=err)
        return 2
    fixed_engine = None
    if getattr(args, "compare_chunks", False):
        fixed_settings = copy.deepcopy(settings)
        fixed_settings.draft.syntax_aligned = False
        fixed_engine = Engine(fixed_settings, model=model)
    header = {"model": model.info.description, "model_path": model.info.path,
              "n_threads": settings.model.n_threads or default_threads(), "n_gpu_layers": settings.model.n_gpu_layers}
    print(f"specedit bench: {len(tasks)} tasks, model {model.info.description}, calibrating...", file=err, flush=True)
    context = model.tokenize(tasks[0].text.encode("utf-8") * 8, add_bos=model.add_bos)[:CALIBRATION_CONTEXT]
    calibration = calibrate(model, context)

    records, peer_inputs = [], []
    for i, bt in enumerate(tasks, 1):
        def progress(message: str, name=bt.name, i=i) -> None:
            print(f"[{i}/{len(tasks)}] {name}: {message}", file=err, flush=True)

        record, peer_input = bench_task(bt, engine, fixed_engine, progress)
        records.append(record)
        peer_inputs.append(peer_input)
        if args.json_out:  # a long run leaves usable partial results behind
            write_results(args.json_out, records, summarize(records, calibration, peak_rss_mb(), peak_rss_mb()),
                          header, complete=False)
    rss_ours = peak_rss_mb()

    if not args.no_peer:
        run_peers(records, peer_inputs, settings, model, err)
    for r in records:
        if not r["errors"]:
            del r["errors"]
    summary = summarize(records, calibration, rss_ours, peak_rss_mb())
    out.write(full_report(records, summary))
    if args.json_out:
        write_results(args.json_out, records, summary, header, complete=True)
    return 0
