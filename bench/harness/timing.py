"""Timed runs on the loaded model: one edit with its streamed hunks, and the decode-cost calibration."""

from __future__ import annotations

import resource
import statistics
import time
from dataclasses import dataclass
from typing import Sequence

from lsp_server import Cancelled, EditError, Engine, ModelError
from lsp_server.streaming import EditStream

from .measures import rounded

CALIBRATION_CONTEXT = 1000  # tokens already in the cache while timing decodes (docs/measurements.md 1)
CALIBRATION_SIZES = (8, 16, 32, 64, 128, 256)
CALIBRATION_REPEATS_ONE = 15  # one-token decodes: cheap, so many
CALIBRATION_REPEATS = 5  # batched decodes of each size up to 64 tokens
CALIBRATION_REPEATS_LARGE = 3  # 128 and 256 tokens: each such decode costs seconds on a CPU


def span_of(request) -> tuple[int, int]:
    """The str span the edit rewrites: its regions' first start to last end (older requests: `region`)."""
    span = getattr(request, "span", None)
    if span is not None:
        return span
    return getattr(request, "region", None) or (0, len(request.text))


def draft_led(request) -> bool:
    """Whether a tool made a draft that carries the change (a rename, a fix, a merged sketch)."""
    led = getattr(request, "draft_led", None)
    return bool(led) if led is not None else getattr(request, "draft", None) is not None


def prompt_tokens_of(engine: Engine, request) -> list[int]:
    """The prompt tokens of the request's (first) region, as every contender gets them; EditError if it cannot fit."""
    prepared = engine.prepare(request)
    tokens = getattr(prepared, "prompt_tokens", None)
    return list(tokens if tokens is not None else prepared[0])


@dataclass
class Run:
    """One engine.edit() call as measured: its loop statistics even when it failed part-way."""

    stats: object | None = None  # the engine's LoopStats
    output: str | None = None  # the region's new text
    text: str | None = None  # the whole edited file (None when the edit did not finish)
    error: str | None = None
    wall_s: float = 0.0  # the whole edit() call: prompt, prefill, generation (the task's latency_s for ours)
    first_hunk_s: float | None = None  # until the first non-empty streamed hunk
    # until the first streamed change an editor shows with streaming "lines": a final hunk, or new lines
    # shown as written ahead of the lines they replace (HunkStream.extend)
    first_line_s: float | None = None


def measure_edit(
    engine: Engine,
    request,
    *,
    options=None,
    reset: bool = True,
    track_hunks: bool = False,
    stop_after: int | None = None,
) -> Run:
    """Run one edit, recording time to the first streamed hunk; stop_after=n cancels once n+1 tokens are out."""
    if reset:
        engine.reset()  # cold prefill, comparable across runs
    run = Run()
    start, end = span_of(request)
    # The server's own streams: final hunks only, and with the new lines shown as they are written.
    stream = EditStream(request.text, (start, end)) if track_hunks else None
    shown = EditStream(request.text, (start, end)) if track_hunks else None
    t0 = time.perf_counter()

    def on_progress(progress) -> None:
        run.stats = progress.stats  # the loop's own object: complete once edit() returns or raises
        now = time.perf_counter() - t0
        if stream is not None and run.first_hunk_s is None:
            if stream.advance(progress.output, progress.sync) is not None:
                run.first_hunk_s = now
        if shown is not None and run.first_line_s is None:
            if shown.advance(progress.output, progress.sync, provisional=True) is not None:
                run.first_line_s = now

    def cancelled() -> bool:
        return stop_after is not None and run.stats is not None and len(run.stats.output_token_ids) > stop_after

    try:
        result = engine.edit(request, on_progress=on_progress, cancelled=cancelled, options=options)
        run.stats, run.output, run.text = result.stats, result.new_region, result.text
    except Cancelled:
        pass
    except (EditError, ModelError) as exc:
        run.error = str(exc)
    run.wall_s = time.perf_counter() - t0
    if run.output is None and run.stats is not None and engine.settings.engine == "local":
        model = engine.backend_for(request.regions[0]).model
        run.output = b"".join(model.piece(t) for t in run.stats.output_token_ids).decode("utf-8", "replace")
    if track_hunks and run.first_hunk_s is None:
        run.first_hunk_s = run.wall_s
    if track_hunks and run.first_line_s is None:
        run.first_line_s = run.first_hunk_s
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
        "prefill_s": round(s.prefill_s, 4),
        "kept_units": s.kept_units,
        "settled_bytes": s.settled_bytes,
    }
    if ours:
        out.update(
            prompt_tokens=s.prompt_tokens,
            prefill_tokens=s.prefill_tokens,
            first_hunk_s=rounded(run.first_hunk_s, 4),
            first_line_s=rounded(run.first_line_s, 4),
            ttfe_s=rounded(run.first_hunk_s, 4),  # its earlier name: JSON fields are a contract
            passes=s.passes,
            looked_up_tokens=s.looked_up_tokens,
            accepted_tokens=s.accepted_tokens,
            drafted_tokens=s.drafted_tokens,
        )
    return out


def calibrate(model, context: Sequence[int], sizes: Sequence[int] = CALIBRATION_SIZES,
              repeats: int = CALIBRATION_REPEATS, repeats_one: int = CALIBRATION_REPEATS_ONE) -> list[dict]:
    """ms per token of one decode of b tokens after len(context) cached ones, logits at every position.

    Per size: one untimed warm-up decode (the first decode of a size allocates buffers), then
    `repeats` timed ones (at most CALIBRATION_REPEATS_LARGE above 64 tokens); the row has their median (`ms_per_token`), min and max. The cache is
    rolled back after each decode, so every timing sees the same context (docs/measurements.md 1).
    """
    model.reset()
    model.prefill(list(context))
    n = len(model.kv_tokens)
    filler = list(context) * (1 + max(sizes) // max(1, len(context)))

    def row(b: int, count: int) -> dict:
        model.decode(filler[:b], logits_at=range(b))  # warm-up, untimed
        model.truncate(n)
        times = []
        for _ in range(count):
            t = time.perf_counter()
            model.decode(filler[:b], logits_at=range(b))
            times.append(1000 * (time.perf_counter() - t) / b)
            model.truncate(n)
        return {"batch": b, "ms_per_token": round(statistics.median(times), 3), "min_ms_per_token": round(min(times), 3),
                "max_ms_per_token": round(max(times), 3), "repeats": count}

    rows = [row(1, repeats_one)] + [row(b, repeats if b <= 64 else min(repeats, CALIBRATION_REPEATS_LARGE)) for b in sizes]
    model.reset()
    return rows


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
