"""What a run prints and writes: the table, the wrong tasks, errors, the summary, the JSON document."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

from .measures import SHORT_REGION_LINES, ratio

COLUMNS = ("task", "lang", "kind", "lines", "out tok", "plain tok/s", "guided tok/s", "peer tok/s", "ours tok/s",
           "x plain", "x peer", "passes", "accept %", "latency s", "1st hunk s", "= plain", "= guided",
           "draft ok", "plain ok", "correct")
TEXT_COLUMNS = {"task", "lang", "kind", "= plain", "= guided", "draft ok", "plain ok", "correct"}


def _num(x, fmt: str) -> str:
    return "-" if x is None else format(x, fmt)


def _same(identical: bool | None, divergence: int | None) -> str:
    if identical is None:
        return "-"
    if identical:
        return "yes"
    return f"no @{divergence}" if divergence is not None else "no"


def _yes(value: bool | None) -> str:
    return "-" if value is None else ("yes" if value else "no")


def table_row(r: dict) -> list[str]:
    plain, guided, peer, ours = (r.get(k) or {} for k in ("plain", "guided", "peer", "ours"))
    accept = ratio(ours.get("accepted_tokens"), ours.get("drafted_tokens"))
    return [
        r["name"], r.get("language", "-"), r.get("label") or r.get("kind", "-"), _num(r.get("file_lines"), "d"),
        _num(r.get("output_tokens"), "d"),
        _num(plain.get("tokens_per_s"), ".1f"), _num(guided.get("tokens_per_s"), ".1f"),
        _num(peer.get("tokens_per_s"), ".1f"), _num(ours.get("tokens_per_s"), ".1f"),
        _num(r.get("speedup_vs_plain"), ".2f"), _num(r.get("speedup_vs_peer"), ".2f"),
        _num(ours.get("passes"), "d"), _num(None if accept is None else 100 * accept, ".0f"),
        _num(r.get("latency_s"), ".2f"), _num(r.get("first_hunk_s"), ".2f"),
        _same(r.get("identical_to_plain"), r.get("first_divergence")),
        _same(r.get("identical_to_guided"), r.get("guided_divergence")),
        _yes(r.get("draft_only_correct")), _yes(r.get("plain_correct")), _yes(r.get("correct")),
    ]


def format_table(records: Sequence[dict]) -> str:
    """A markdown table, one row per task, columns padded so it also reads as plain text."""
    rows = [list(COLUMNS)] + [table_row(r) for r in records]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    numeric = [c not in TEXT_COLUMNS for c in COLUMNS]

    def line(cells):
        return "| " + " | ".join(c.rjust(w) if n else c.ljust(w) for c, w, n in zip(cells, widths, numeric)) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if n else ("-" * (w + 2)) for w, n in zip(widths, numeric)) + "|"
    return "\n".join([line(rows[0]), rule] + [line(r) for r in rows[1:]]) + "\n"


def format_wrong(records: Sequence[dict]) -> str:
    lines = [f"- {r['name']}: {r.get('why') or 'wrong'}" for r in records if r.get("correct") is False]
    return ("\nNot correct:\n" + "\n".join(lines) + "\n") if lines else ""


def format_errors(records: Sequence[dict]) -> str:
    lines = [f"- {r['name']}: {stage}: {message}" for r in records for stage, message in (r.get("errors") or {}).items()]
    return ("\nErrors:\n" + "\n".join(lines) + "\n") if lines else ""


def _x(v) -> str:
    return _num(v, ".2f") + ("x" if v is not None else "")


def _signed(v) -> str:
    return "-" if v is None else f"{100 * v:+.0f} points"


def _pct(v) -> str:
    return _num(None if v is None else 100 * v, ".0f") + "%"


def _bound(seconds: float | None) -> str:
    """The first-line bound beside a measured first line (nothing without a calibration)."""
    return "" if seconds is None else f"; soonest possible here {seconds:.2f} s"


def _opened_line(head: str, s: dict) -> list[str]:
    """The open-document medians, where the run measured them (one line, or none)."""
    if not s.get("opened_tasks"):
        return []
    return [f"{head}median latency {_num(s['median_opened_latency_s'], '.2f')} s, first hunk"
            f" {_num(s.get('median_opened_first_hunk_s'), '.2f')} s (first line shown"
            f" {_num(s.get('median_opened_first_line_s'), '.2f')} s{_bound(s.get('median_opened_first_line_bound_s'))}),"
            f" {_num(s.get('median_opened_prefill_tokens'), '.0f')}"
            f" prompt tokens prefilled (median, {s['opened_tasks']} tasks; correct {s.get('opened_correct', 0)};"
            f" same output as cold: {_pct(s.get('opened_identical_fraction'))})"]


def _opened_short_line(s: dict) -> list[str]:
    """The open-document medians of the edits of at most SHORT_REGION_LINES lines (one line, or none)."""
    if not s.get("opened_short_tasks"):
        return []
    return [f"  of those, regions of at most {SHORT_REGION_LINES} lines: median latency "
            f"{_num(s['median_opened_short_latency_s'], '.2f')} s, first hunk {_num(s.get('median_opened_short_first_hunk_s'), '.2f')} s"
            f" (first line shown {_num(s.get('median_opened_short_first_line_s'), '.2f')} s"
            f"{_bound(s.get('median_opened_short_first_line_bound_s'))})"
            f" ({s['opened_short_tasks']} tasks; correct {s.get('opened_short_correct', 0)})"]


def _copy_split_line(split: dict | None) -> list[str]:
    """Free-form edits' tokens on copied and on changed lines: the share from verified drafts, tokens a pass."""
    if not split:
        return []
    parts = [f"{name} lines {split[name]['tokens']} tokens, {_pct(split[name]['from_draft_fraction'])} from verified"
             f" drafts ({_num(split[name]['tokens_per_pass'], '.2f')} a pass)" for name in ("copied", "changed")]
    lines = ["free-form edits' output: " + "; ".join(parts)
             + (f"; {split['looked_up_tokens']} tokens from drafts looked up in the prompt and output"
                if split.get("looked_up_tokens") else "")]
    if split.get("bound_speedup") is not None:
        lines.append(f"free-form edits' copy bound: at most {_x(split['bound_speedup'])} over plain decoding"
                     f" (median edit {_x(split.get('median_bound_speedup'))}) if every kept line's token cost the"
                     f" best batch's and every changed line's token one pass; ours {_x(split.get('speedup_vs_plain'))}"
                     f" (median edit {_x(split.get('median_speedup_vs_plain'))}), tok/s")
    return lines


def _kept_line(kept: dict | None) -> list[str]:
    """Free-form answers that left out definitions the engine put back (engine/keep.py), by run."""
    if not kept or not any(kept.values()):
        return []
    return ["definitions a free-form answer left out, put back: " + "; ".join(
        f"{run} {len(names)} task(s)" + (f" ({', '.join(names)})" if names else "") for run, names in kept.items())]


def _settled_line(settled: dict | None) -> list[str]:
    """Edits whose region's rest was taken as it was, unverified, past the last place a doc goes (docsonly.py)."""
    if not settled:
        return []
    return [f"asked for docs only, the region's rest taken as it was past the last place a doc goes: {len(settled)}"
            f" task(s), {sum(settled.values())} bytes unverified (" + ", ".join(f"{n} {b}" for n, b in settled.items()) + ")"]


def format_summary(s: dict) -> str:
    lines = [
        f"correct: {s.get('tasks_correct', 0)} of {s['tasks']} tasks ({_pct(s.get('correct_fraction'))});"
        f" the tool's draft alone: {_pct(s.get('draft_only_correct_fraction'))}"
        f" ({s.get('tasks_with_tool_draft', 0)} tasks have one); model contribution: {_signed(s.get('model_contribution'))};"
        f" plain decoding: {_pct(s.get('plain_correct_fraction'))}, guided: {_pct(s.get('guided_correct_fraction'))}",
        f"median speedup vs plain (unguided): {_x(s['median_speedup_vs_plain'])} tok/s"
        f" (correct tasks: {_x(s.get('median_speedup_vs_plain_correct'))}), {_x(s.get('median_latency_vs_plain'))} edit time"
        f"   vs guided: {_x(s.get('median_speedup_vs_guided'))}"
        f"   vs peer: {_x(s['median_speedup_vs_peer'])} (correct tasks: {_x(s.get('median_speedup_vs_peer_correct'))})",
        f"median latency: {_num(s.get('median_latency_s'), '.2f')} s   first streamed hunk: {_num(s.get('median_first_hunk_s'), '.2f')} s"
        f" (first line shown: {_num(s.get('median_first_line_s'), '.2f')} s)",
        f"verification ceiling: {_x(s['ceiling_speedup'])} (batch {_num(s.get('ceiling_batch'), 'd')})"
        f"   fraction of ceiling: {_num(s['fraction_of_ceiling'], '.2f')}",
        f"identical to plain: {_pct(s['identical_fraction'])} of tasks, to guided: {_pct(s.get('guided_identical_fraction'))}"
        f"   largest guided top-2 margin at a greedy divergence: {_num(s['max_divergence_margin'], '.4f')}",
        f"warm prefill / cold prefill (median): {_num(s['warm_prefill_ratio'], '.3f')}",
        *_opened_line("free-form edits of an open document (prompt prefilled through the region, as the server does at a code action): ", s),
        *_opened_short_line(s),
        *_copy_split_line(s.get("free_form_copy_split")),
        *_kept_line(s.get("kept_units_tasks")),
        *_settled_line(s.get("settled")),
        f"peak RSS: {s['peak_rss_ours_mb']:.0f} MB before the peer was loaded, {s['peak_rss_mb']:.0f} MB in all",
    ]
    if "median_aligned_vs_fixed" in s:
        lines.append(f"syntax-aligned vs fixed chunks (median tok/s ratio): {_x(s['median_aligned_vs_fixed'])}")
    if s.get("tasks_failed"):
        lines.append(f"tasks with errors: {s['tasks_failed']} of {s['tasks']}")
    for label, g in (s.get("by_kind") or {}).items():
        lines.append(f"  {label}: {g['correct']}/{g['tasks']} correct (draft alone {g.get('draft_only_correct', 0)},"
                     f" plain {g.get('plain_correct', 0)}), median latency {_num(g['median_latency_s'], '.2f')} s, "
                     f"first hunk {_num(g['median_first_hunk_s'], '.2f')} s, x plain {_x(g['median_speedup_vs_plain'])}"
                     f" tok/s, {_x(g.get('median_latency_vs_plain'))} edit time"
                     + "".join("; " + line for line in _opened_line("open document: ", g)))
    cal = " ".join(f"{r['batch']}:{r['ms_per_token']:.2f}" + (f" [{r['min_ms_per_token']:.2f}-{r['max_ms_per_token']:.2f}]"
                                                              if "min_ms_per_token" in r else "")
                   for r in s["calibration"])
    lines.append(f"calibration, median ms per token by batch size [min-max] (logits at every position): {cal}")
    return "\n".join(lines) + "\n"


def full_report(records: Sequence[dict], summary: dict) -> str:
    return format_table(records) + format_wrong(records) + format_errors(records) + "\n" + format_summary(summary)


def write_results(json_out: str, records, summary: dict, header: dict, complete: bool) -> None:
    """The JSON document (header fields, tasks, summary), and the markdown table beside it (FILE.md)."""
    document = {"complete": complete, **header, "tasks": list(records), "summary": summary}
    Path(json_out).parent.mkdir(parents=True, exist_ok=True)
    Path(json_out).write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    table = format_table(records) + format_wrong(records) + format_errors(records)
    note = "" if complete else "(partial: the run is still going)\n\n"
    Path(json_out).with_suffix(".md").write_text(
        f"# specedit bench\n\nmodel: {header.get('model')}\n\n{note}{table}\n```\n{format_summary(summary)}```\n",
        encoding="utf-8",
    )
