"""`specedit bench`: plain decoding, llama-cpp-python's prompt-lookup peer and ours, side by side on edit tasks."""

from __future__ import annotations

import copy
import dataclasses
import json
import logging
import resource
import statistics
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from .config import Settings, default_threads
from .engine.edit import EditError, EditRequest, Engine
from .engine.model import Cancelled, ModelError, peer_llama
from .engine.speculative import LoopOptions, LoopStats
from .engine.tasks import Task, build_request, parse_lines
from .syntax import language_for
from .textedits import HunkStream

log = logging.getLogger(__name__)

KINDS = ("edit", "rename", "fix")
TASK_KEYS = {"file", "instruction", "kind", "lines", "symbol", "new_name", "diagnostic"}
PEER_DRAFT_TOKENS = 10
CALIBRATION_CONTEXT = 1000  # tokens already in the cache while timing decodes (DESIGN.md 5)
CALIBRATION_SIZES = (8, 16, 32, 64, 128, 256)


# -- tasks -------------------------------------------------------------------------------


class TaskFileError(Exception):
    """A task folder that cannot be benchmarked as written; the message says why."""


@dataclass
class BenchTask:
    name: str  # the task's folder name
    path: Path  # the source file
    task: Task


def repo_root() -> Path:
    """The checkout this package runs from when it has a bench/ folder, else the working directory."""
    here = Path(__file__).resolve().parents[1]
    return here if (here / "bench").is_dir() else Path.cwd()


def default_tasks_dir() -> Path:
    return repo_root() / "bench" / "tasks"


def load_task(folder: Path) -> BenchTask:
    """One task from folder/task.toml; TaskFileError when a key is missing, unknown or inconsistent."""
    try:
        spec = tomllib.loads((folder / "task.toml").read_text(encoding="utf-8"))
    except OSError as exc:
        raise TaskFileError(f"cannot read task.toml: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise TaskFileError(f"task.toml is not valid TOML: {exc}") from exc
    unknown = sorted(set(spec) - TASK_KEYS)
    if unknown:
        raise TaskFileError(f"unknown keys {', '.join(unknown)} (known: {', '.join(sorted(TASK_KEYS))})")
    for key in ("file", "instruction", "kind"):
        if not isinstance(spec.get(key), str) or not spec[key].strip():
            raise TaskFileError(f"'{key}' is missing or not a non-empty string")
    for key in ("lines", "symbol", "new_name", "diagnostic"):
        if key in spec and not isinstance(spec[key], str):
            raise TaskFileError(f"'{key}' must be a string")
    kind = spec["kind"]
    if kind not in KINDS:
        raise TaskFileError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    if kind == "rename" and not (spec.get("symbol") and spec.get("new_name")):
        raise TaskFileError("a rename needs 'symbol' and 'new_name'")
    if kind == "fix" and not spec.get("diagnostic"):
        raise TaskFileError("a fix needs 'diagnostic'")
    try:
        lines = parse_lines(spec.get("lines"))
    except EditError as exc:
        raise TaskFileError(str(exc)) from exc
    path = folder / spec["file"]
    if not path.is_file():
        raise TaskFileError(f"source file {spec['file']} is not in the task folder")
    task = Task(kind, spec["instruction"], lines, spec.get("symbol"), spec.get("new_name"), spec.get("diagnostic"))
    return BenchTask(folder.name, path, task)


def load_tasks(root: Path, only: Sequence[str] | None = None) -> tuple[list[BenchTask], list[tuple[str, str]]]:
    """Every task folder under root (sorted by name), and (name, message) for each that cannot be used.

    `only` keeps the named tasks; a name with no folder is reported as a problem.
    """
    folders = sorted(p for p in root.iterdir() if (p / "task.toml").is_file()) if root.is_dir() else []
    wanted = set(only or ())
    tasks, problems = [], []
    for folder in folders:
        if wanted and folder.name not in wanted:
            continue
        try:
            tasks.append(load_task(folder))
        except TaskFileError as exc:
            problems.append((folder.name, str(exc)))
    for name in sorted(wanted - {p.name for p in folders}):
        problems.append((name, f"no task folder {name} under {root}"))
    return tasks, problems


# -- pure measures ----------------------------------------------------------------------


def first_divergence(a: Sequence[int], b: Sequence[int]) -> int | None:
    """Index of the first token where a and b differ (or where the shorter ends); None when equal."""
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return None if len(a) == len(b) else min(len(a), len(b))


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if not numerator or not denominator:
        return None
    return numerator / denominator


def median(values) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def ceiling_from_calibration(rows: Sequence[dict]) -> float | None:
    """One-token decode ms over the best per-token ms of a batched decode with logits at every position."""
    one = next((r["ms_per_token"] for r in rows if r["batch"] == 1), None)
    batched = [r["ms_per_token"] for r in rows if r["batch"] > 1]
    return ratio(one, min(batched)) if batched else None


def _rounded(x: float | None, digits: int = 3) -> float | None:
    return None if x is None else round(x, digits)


def summarize(records: Sequence[dict], calibration: Sequence[dict], peak_rss_ours_mb: float, peak_rss_mb: float) -> dict:
    """The summary over per-task records (see README for each field)."""
    ok = [r for r in records if r.get("ours") and r.get("plain")]
    vs_plain = median(r.get("speedup_vs_plain") for r in ok)
    ceiling = ceiling_from_calibration(calibration)
    identical = [r["identical_to_plain"] for r in ok if r.get("identical_to_plain") is not None]
    margins = [r["divergence_margin"] for r in ok if r.get("divergence_margin") is not None]
    summary = {
        "tasks": len(records),
        "tasks_failed": sum(1 for r in records if r.get("errors")),
        "median_speedup_vs_plain": _rounded(vs_plain),
        "median_speedup_vs_peer": _rounded(median(r.get("speedup_vs_peer") for r in ok)),
        "ceiling_speedup": _rounded(ceiling),
        "fraction_of_ceiling": _rounded(ratio(vs_plain, ceiling)),
        "identical_fraction": _rounded(sum(identical) / len(identical)) if identical else None,
        "max_divergence_margin": _rounded(max(margins), 4) if margins else None,
        "warm_prefill_ratio": _rounded(median(r.get("warm_prefill_ratio") for r in ok), 4),
        "peak_rss_mb": round(peak_rss_mb, 1),
        "peak_rss_ours_mb": round(peak_rss_ours_mb, 1),
        "calibration": list(calibration),
    }
    if any("ours_fixed" in r for r in records):
        summary["median_aligned_vs_fixed"] = _rounded(median(r.get("aligned_vs_fixed") for r in ok))
    return summary


# -- formatting -------------------------------------------------------------------------

COLUMNS = ("task", "lang", "kind", "lines", "out tok", "plain tok/s", "peer tok/s", "ours tok/s",
           "x plain", "x peer", "passes", "accept %", "identical")


def _num(x, fmt: str) -> str:
    return "-" if x is None else format(x, fmt)


def table_row(r: dict) -> list[str]:
    plain, peer, ours = r.get("plain") or {}, r.get("peer") or {}, r.get("ours") or {}
    accept = ratio(ours.get("accepted_tokens"), ours.get("drafted_tokens"))
    if r.get("identical_to_plain") is None:
        same = "-"
    elif r["identical_to_plain"]:
        same = "yes"
    else:
        same = f"no @{r['first_divergence']}" if r.get("first_divergence") is not None else "no"
    return [
        r["name"], r.get("language", "-"), r.get("kind", "-"), _num(r.get("file_lines"), "d"),
        _num(r.get("output_tokens"), "d"),
        _num(plain.get("tokens_per_s"), ".1f"), _num(peer.get("tokens_per_s"), ".1f"), _num(ours.get("tokens_per_s"), ".1f"),
        _num(r.get("speedup_vs_plain"), ".2f"), _num(r.get("speedup_vs_peer"), ".2f"),
        _num(ours.get("passes"), "d"), _num(None if accept is None else 100 * accept, ".0f"), same,
    ]


def format_table(records: Sequence[dict]) -> str:
    """A markdown table, one row per task, columns padded so it also reads as plain text."""
    rows = [list(COLUMNS)] + [table_row(r) for r in records]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    numeric = [i >= 3 and i < len(COLUMNS) - 1 for i in range(len(COLUMNS))]

    def line(cells):
        return "| " + " | ".join(c.rjust(w) if n else c.ljust(w) for c, w, n in zip(cells, widths, numeric)) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if n else ("-" * (w + 2)) for w, n in zip(widths, numeric)) + "|"
    return "\n".join([line(rows[0]), rule] + [line(r) for r in rows[1:]]) + "\n"


def format_errors(records: Sequence[dict]) -> str:
    lines = [f"- {r['name']}: {stage}: {message}" for r in records for stage, message in (r.get("errors") or {}).items()]
    return ("\nErrors:\n" + "\n".join(lines) + "\n") if lines else ""


def format_summary(s: dict) -> str:
    def x(v):
        return _num(v, ".2f") + ("x" if v is not None else "")

    lines = [
        f"median speedup vs plain: {x(s['median_speedup_vs_plain'])}   vs peer: {x(s['median_speedup_vs_peer'])}",
        f"verification ceiling: {x(s['ceiling_speedup'])}   fraction of ceiling: {_num(s['fraction_of_ceiling'], '.2f')}",
        f"identical to plain: {_num(None if s['identical_fraction'] is None else 100 * s['identical_fraction'], '.0f')}% of tasks"
        f"   largest plain top-2 margin at a divergence: {_num(s['max_divergence_margin'], '.4f')}",
        f"warm prefill / cold prefill (median): {_num(s['warm_prefill_ratio'], '.3f')}",
        f"peak RSS: {s['peak_rss_ours_mb']:.0f} MB before the peer was loaded, {s['peak_rss_mb']:.0f} MB in all",
    ]
    if "median_aligned_vs_fixed" in s:
        lines.append(f"syntax-aligned vs fixed chunks (median tok/s ratio): {x(s['median_aligned_vs_fixed'])}")
    if s.get("tasks_failed"):
        lines.append(f"tasks with errors: {s['tasks_failed']} of {s['tasks']}")
    cal = " ".join(f"{r['batch']}:{r['ms_per_token']:.2f}" for r in s["calibration"])
    lines.append(f"calibration, ms per token by batch size (logits at every position): {cal}")
    return "\n".join(lines) + "\n"


# -- measuring runs (the model) ---------------------------------------------------------


@dataclass
class Run:
    """One engine.edit() call as measured: its loop statistics even when it failed part-way."""

    stats: LoopStats | None = None
    output: str | None = None  # the region's new text
    error: str | None = None
    wall_s: float = 0.0  # the whole edit() call: prompt, prefill, generation
    ttfe_s: float | None = None  # until the first non-empty streamed hunk


def measure_edit(
    engine: Engine,
    request: EditRequest,
    *,
    options: LoopOptions | None = None,
    reset: bool = True,
    track_hunks: bool = False,
    stop_after: int | None = None,
) -> Run:
    """Run one edit, recording time to first streamed edit; stop_after=n cancels once n+1 tokens are out."""
    if reset:
        engine.model.reset()  # cold prefill, comparable across runs
    run = Run()
    start, end = request.region or (0, len(request.text))
    stream = HunkStream(request.text[start:end], start) if track_hunks else None
    t0 = time.perf_counter()

    def on_progress(progress) -> None:
        run.stats = progress.stats  # the loop's own object: complete once edit() returns or raises
        if stream is not None and run.ttfe_s is None and progress.sync is not None:
            if stream.advance(progress.output, *progress.sync):
                run.ttfe_s = time.perf_counter() - t0

    def cancelled() -> bool:
        return stop_after is not None and run.stats is not None and len(run.stats.output_token_ids) > stop_after

    try:
        result = engine.edit(request, on_progress=on_progress, cancelled=cancelled, options=options)
        run.stats, run.output = result.stats, result.new_region
    except Cancelled:
        pass
    except (EditError, ModelError) as exc:
        run.error = str(exc)
    run.wall_s = time.perf_counter() - t0
    if run.output is None and run.stats is not None:
        run.output = engine.model.detokenize(run.stats.output_token_ids).decode("utf-8", "replace")
    if track_hunks and run.ttfe_s is None:
        run.ttfe_s = run.wall_s
    return run


def run_json(run: Run, ours: bool = False) -> dict | None:
    s = run.stats
    if s is None:
        return None
    out = {
        "generate_s": round(s.generate_s, 4),
        "tokens_per_s": round(s.tokens_per_s, 2),
        "output_tokens": s.output_tokens,
        "wall_s": round(run.wall_s, 4),
        "stop_reason": s.stop_reason,
    }
    if ours:
        out.update(
            prefill_s=round(s.prefill_s, 4),
            prompt_tokens=s.prompt_tokens,
            prefill_tokens=s.prefill_tokens,
            ttfe_s=_rounded(run.ttfe_s, 4),
            passes=s.passes,
            accepted_tokens=s.accepted_tokens,
            drafted_tokens=s.drafted_tokens,
        )
    else:
        out["prefill_s"] = round(s.prefill_s, 4)
    return out


def calibrate(model, context: Sequence[int], sizes: Sequence[int] = CALIBRATION_SIZES) -> list[dict]:
    """ms per token of one decode of b tokens after len(context) cached ones, logits at every position.

    The cache is rolled back after each decode, so every timing sees the same context (DESIGN.md 5).
    """
    model.reset()
    model.prefill(list(context))
    n = len(model.kv_tokens)
    filler = list(context) * (1 + max(sizes) // max(1, len(context)))

    def timed(b: int, repeats: int) -> float:
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            model.decode(filler[:b], logits_at=range(b))
            times.append(time.perf_counter() - t)
            model.truncate(n)
        return 1000 * statistics.median(times) / b

    timed(8, 1)  # warm-up: the first decode of a size allocates buffers
    rows = [{"batch": 1, "ms_per_token": round(timed(1, 12), 3)}]
    for b in sizes:
        timed(b, 1)
        rows.append({"batch": b, "ms_per_token": round(timed(b, 3 if b <= 64 else 2), 3)})
    model.reset()
    return rows


def run_peer(llm, prompt_tokens: Sequence[int], n_tokens: int, is_eog) -> tuple[dict, list[int]]:
    """The peer on the same prompt tokens, greedy, stopped after n_tokens output tokens (or end of generation).

    The first token arrives after the peer's prefill (logits for the whole prompt: its logits_all);
    generation is timed from there, as ours is.
    """
    llm.reset()
    tokens: list[int] = []
    stop_reason = "exhausted"
    t0 = time.perf_counter()
    t_first = None
    for token in llm.generate(list(prompt_tokens), temp=0.0, top_k=1, top_p=1.0, min_p=0.0, repeat_penalty=1.0):
        if t_first is None:
            t_first = time.perf_counter()
        if is_eog(token):
            stop_reason = "eos"
            break
        tokens.append(token)
        if len(tokens) >= n_tokens:
            stop_reason = "count"
            break
    t_end = time.perf_counter()
    t_first = t_first or t_end
    generate_s = t_end - t_first
    return {
        "prefill_s": round(t_first - t0, 4),
        "generate_s": round(generate_s, 4),
        "tokens_per_s": round(len(tokens) / generate_s, 2) if generate_s > 0 else 0.0,
        "output_tokens": len(tokens),
        "stop_reason": stop_reason,
    }, tokens


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# -- one task ---------------------------------------------------------------------------


def bench_task(bt: BenchTask, engine: Engine, fixed_engine: Engine | None, progress) -> tuple[dict, dict]:
    """Plain, ours (cold, then warm) and optionally fixed chunks for one task.

    Returns the task's record and what the peer needs later (prompt tokens, plain's token ids).
    """
    text = bt.path.read_text(encoding="utf-8")
    record: dict = {
        "name": bt.name,
        "language": language_for(str(bt.path)).name,
        "kind": bt.task.kind,
        "file_lines": text.count("\n") + (0 if text.endswith("\n") else 1),
        "region_lines": None if bt.task.lines is None else bt.task.lines[1] - bt.task.lines[0] + 1,
        "errors": {},
    }
    try:
        request = build_request(text, copy.copy(bt.task), path=str(bt.path))
        prompt_tokens = engine.prepare(request)[0]
    except (EditError, ModelError) as exc:
        record["errors"]["request"] = str(exc)
        return record, {}
    record["acceptance"] = _acceptance(engine.settings, request)
    record["prompt_tokens"] = len(prompt_tokens)
    plain_request = dataclasses.replace(request, speculate=False)

    plain = measure_edit(engine, plain_request)
    progress(f"plain {_brief(plain)}")
    ours = measure_edit(engine, request, track_hunks=True)
    progress(f"ours {_brief(ours)}")
    # The same request again on the warm cache, stopped after its first pass: only its prefill matters.
    warm = measure_edit(engine, request, reset=False, stop_after=0)
    for stage, run in (("plain", plain), ("ours", ours), ("ours_warm", warm)):
        if run.error:
            record["errors"][stage] = run.error
    record["plain"] = run_json(plain)
    record["ours"] = run_json(ours, ours=True)
    if plain.stats is None or ours.stats is None:
        return record, {}
    record["output_tokens"] = plain.stats.output_tokens
    record["speedup_vs_plain"] = _rounded(ratio(ours.stats.tokens_per_s, plain.stats.tokens_per_s))
    record["identical_to_plain"] = ours.output == plain.output
    start, end = request.region or (0, len(text))
    # An edit the model did not make is all copying: its speedup says little about real edits.
    record["changed_region"] = ours.output.rstrip("\n") != text[start:end].rstrip("\n")
    # Token lists can differ past the stop point (a verified chunk may run past the fence) even
    # when the texts agree: only a text difference is a divergence.
    divergence = None if record["identical_to_plain"] else first_divergence(ours.stats.output_token_ids, plain.stats.output_token_ids)
    record["first_divergence"] = divergence
    record["divergence_margin"] = None
    if divergence is not None and divergence < plain.stats.output_tokens:
        # Re-run plain only as far as the divergence, recording its top-2 logit margins.
        probe = measure_edit(engine, plain_request, options=LoopOptions(record_margins=True), stop_after=divergence)
        if probe.stats is not None and len(probe.stats.margins) > divergence:
            record["divergence_margin"] = round(probe.stats.margins[divergence], 4)
    record["stop_reason"] = {"plain": plain.stats.stop_reason, "ours": ours.stats.stop_reason}
    if warm.stats is not None and ours.stats.prefill_s > 0:
        record["warm_prefill_ratio"] = round(warm.stats.prefill_s / ours.stats.prefill_s, 4)
    if fixed_engine is not None:
        fixed = measure_edit(fixed_engine, request)
        if fixed.error:
            record["errors"]["ours_fixed"] = fixed.error
        if fixed.stats is not None:
            s = fixed.stats
            record["ours_fixed"] = {"tokens_per_s": round(s.tokens_per_s, 2), "passes": s.passes,
                                    "accepted_tokens": s.accepted_tokens, "drafted_tokens": s.drafted_tokens}
            record["aligned_vs_fixed"] = _rounded(ratio(ours.stats.tokens_per_s, s.tokens_per_s))
            progress(f"fixed chunks {s.tokens_per_s:.1f} tok/s, {s.passes} passes")
    return record, {"prompt_tokens": prompt_tokens, "plain_tokens": list(plain.stats.output_token_ids)}


def _acceptance(settings: Settings, request: EditRequest) -> str:
    rule = request.acceptance or settings.draft.acceptance
    if rule == "auto":
        rule = "typical" if request.draft is not None else "greedy"
    return rule


def _brief(run: Run) -> str:
    s = run.stats
    if s is None:
        return f"failed: {run.error}"
    text = f"{s.output_tokens} tok {s.generate_s:.1f} s {s.tokens_per_s:.1f} tok/s {s.passes} passes ({s.stop_reason})"
    return text + (f" [{run.error}]" if run.error else "")


# -- the whole run ----------------------------------------------------------------------


def run_benchmark(args, settings: Settings, out=sys.stdout, err=sys.stderr) -> int:
    """`specedit bench`: every task in one process with one loaded model; table and summary on `out`."""
    root = Path(args.tasks) if args.tasks else default_tasks_dir()
    tasks, problems = load_tasks(root, args.only)
    for name, message in problems:
        print(f"specedit bench: skipping {name}: {message}", file=err)
    if not tasks:
        print(f"specedit bench: no usable tasks under {root}", file=err)
        return 2
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
    print(f"specedit bench: {len(tasks)} tasks, model {model.info.description}, calibrating...", file=err, flush=True)
    context = model.tokenize(tasks[0].path.read_bytes() * 8, add_bos=model.add_bos)[:CALIBRATION_CONTEXT]
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
                          model, settings, complete=False)
    rss_ours = peak_rss_mb()

    if not args.no_peer:
        run_peers(records, peer_inputs, settings, model, err)
    for r in records:
        if not r["errors"]:
            del r["errors"]
    summary = summarize(records, calibration, rss_ours, peak_rss_mb())
    table = format_table(records) + format_errors(records)
    out.write(table + "\n" + format_summary(summary))
    if args.json_out:
        write_results(args.json_out, records, summary, model, settings, complete=True)
    return 0


def write_results(json_out: str, records, summary: dict, model, settings: Settings, complete: bool) -> None:
    """The JSON document, and the markdown table as bench/results/latest.md."""
    document = {
        "complete": complete,
        "model": model.info.description,
        "model_path": model.info.path,
        "n_threads": settings.model.n_threads or default_threads(),
        "n_gpu_layers": settings.model.n_gpu_layers,
        "tasks": records,
        "summary": summary,
    }
    Path(json_out).parent.mkdir(parents=True, exist_ok=True)
    Path(json_out).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    results = repo_root() / "bench" / "results"
    results.mkdir(parents=True, exist_ok=True)
    table = format_table(records) + format_errors(records)
    note = "" if complete else "(partial: the run is still going)\n\n"
    (results / "latest.md").write_text(
        f"# specedit bench\n\nmodel: {model.info.description}\n\n{note}{table}\n```\n{format_summary(summary)}```\n",
        encoding="utf-8",
    )


def run_peers(records: list[dict], peer_inputs: list[dict], settings: Settings, model, err) -> None:
    """The peer on every task that has a plain run, after all of ours (its logits_all buffers are large)."""
    todo = [(r, p) for r, p in zip(records, peer_inputs) if p]
    if not todo:
        return
    # Only as much context as the longest task needs: the peer keeps n_ctx x n_vocab logits.
    needed = max(len(p["prompt_tokens"]) + len(p["plain_tokens"]) + PEER_DRAFT_TOKENS + 64 for _, p in todo)
    peer_settings = dataclasses.replace(settings.model, n_ctx=min(settings.model.n_ctx, -(-needed // 256) * 256))
    print(f"loading the peer (n_ctx {peer_settings.n_ctx})...", file=err, flush=True)
    try:
        llm = peer_llama(peer_settings, num_pred_tokens=PEER_DRAFT_TOKENS)
    except Exception as exc:  # llama-cpp-python raises ValueError/RuntimeError/OSError on load
        for r, _ in todo:
            r["errors"]["peer"] = f"the peer did not load: {exc}"
        return
    try:
        for i, (r, p) in enumerate(todo, 1):
            try:
                peer, tokens = run_peer(llm, p["prompt_tokens"], len(p["plain_tokens"]), model.is_eog)
            except Exception as exc:  # the peer is third-party code: report and go on
                log.debug("peer failed on %s", r["name"], exc_info=True)
                r["errors"]["peer"] = f"{type(exc).__name__}: {exc}"
                continue
            peer["first_divergence"] = first_divergence(tokens, p["plain_tokens"][: len(tokens)])
            peer["identical_to_plain"] = peer["first_divergence"] is None
            r["peer"] = peer
            r["speedup_vs_peer"] = _rounded(ratio(r["ours"]["tokens_per_s"], peer["tokens_per_s"]))
            print(f"[{i}/{len(todo)}] {r['name']}: peer {peer['output_tokens']} tok {peer['generate_s']:.1f} s "
                  f"{peer['tokens_per_s']:.1f} tok/s (prefill {peer['prefill_s']:.1f} s)", file=err, flush=True)
    finally:
        llm.close()
