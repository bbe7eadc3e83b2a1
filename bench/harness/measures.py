"""Pure arithmetic over measured records: divergence, ratios, the calibration ceiling, the summary."""

from __future__ import annotations

import difflib
import statistics
from bisect import bisect_right
from typing import Iterable, Sequence


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


def median(values: Iterable) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def rounded(x: float | None, digits: int = 3) -> float | None:
    return None if x is None else round(x, digits)


def best_calibration_row(rows: Sequence[dict]) -> dict | None:
    """The batched size (b > 1) with the lowest median ms per token."""
    batched = [r for r in rows if r["batch"] > 1]
    return min(batched, key=lambda r: r["ms_per_token"]) if batched else None


def ceiling_from_calibration(rows: Sequence[dict]) -> float | None:
    """Median one-token decode ms over the best batched size's median ms per token (logits at every position)."""
    one = next((r["ms_per_token"] for r in rows if r["batch"] == 1), None)
    best = best_calibration_row(rows)
    return ratio(one, best["ms_per_token"]) if best else None


def _measured(records: Sequence[dict]) -> list[dict]:
    return [r for r in records if r.get("ours") and r.get("plain")]


def count(records: Sequence[dict], key: str) -> int:
    return sum(1 for r in records if r.get(key))


def fraction(records: Sequence[dict], key: str) -> float | None:
    """The share of records whose `key` is true (a record without it counts as false)."""
    return rounded(count(records, key) / len(records)) if records else None


def contribution(records: Sequence[dict]) -> float | None:
    """Correct with the model minus correct by the tool's draft alone, as a share of the records."""
    return rounded((count(records, "correct") - count(records, "draft_only_correct")) / len(records)) if records else None


def group_summary(records: Sequence[dict]) -> dict:
    """Counts, correctness (with the model, by the tool's draft alone, by plain decoding) and medians of one group."""
    ok = _measured(records)
    return {
        "tasks": len(records),
        "correct": count(records, "correct"),
        "correct_fraction": fraction(records, "correct"),
        "draft_only_correct": count(records, "draft_only_correct"),
        "draft_only_correct_fraction": fraction(records, "draft_only_correct"),
        "model_contribution": contribution(records),
        "plain_correct": count(records, "plain_correct"),
        "median_latency_s": rounded(median(r.get("latency_s") for r in records)),
        "median_first_hunk_s": rounded(median(r.get("first_hunk_s") for r in records)),
        "median_first_line_s": rounded(median(r.get("first_line_s") for r in records)),
        "median_speedup_vs_plain": rounded(median(r.get("speedup_vs_plain") for r in ok)),
        "median_latency_vs_plain": rounded(median(r.get("latency_vs_plain") for r in ok)),
        **opened_summary(records),
    }


# Free-form edits whose region (or whole file) has at most this many lines: the latency targets' edits.
SHORT_REGION_LINES = 40


def opened_summary(records: Sequence[dict], calibration: Sequence[dict] = ()) -> dict:
    """Medians of the free-form edits timed on an open document (its prompt prefilled through the region), where
    measured; apart, those of at most SHORT_REGION_LINES lines. With a calibration, beside the first line
    shown, the soonest it could show here (first_line_bound, of the cold run's first change)."""
    opened = [r for r in records if r.get("opened_latency_s") is not None]
    if not opened:
        return {}

    def bound(r: dict) -> float | None:
        change = (r.get("copy_split") or {}).get("first_change")
        return first_line_bound(r.get("opened_prefill_tokens") or 0, change, calibration)
    summary = {
        "opened_tasks": len(opened),
        "median_opened_latency_s": rounded(median(r["opened_latency_s"] for r in opened)),
        "median_opened_first_hunk_s": rounded(median(r.get("opened_first_hunk_s") for r in opened)),
        "median_opened_first_line_s": rounded(median(r.get("opened_first_line_s") for r in opened)),
        "median_opened_first_line_bound_s": rounded(median(bound(r) for r in opened)),
        "median_opened_prefill_tokens": median(r.get("opened_prefill_tokens") for r in opened),
        "opened_identical_fraction": fraction(opened, "opened_identical"),
        "opened_correct": count(opened, "opened_correct"),
    }
    short = [r for r in opened if (r.get("region_lines") or r.get("file_lines") or 0) <= SHORT_REGION_LINES]
    if short:
        summary.update({
            "opened_short_tasks": len(short),
            "median_opened_short_latency_s": rounded(median(r["opened_latency_s"] for r in short)),
            "median_opened_short_first_hunk_s": rounded(median(r.get("opened_first_hunk_s") for r in short)),
            "median_opened_short_first_line_s": rounded(median(r.get("opened_first_line_s") for r in short)),
            "median_opened_short_first_line_bound_s": rounded(median(bound(r) for r in short)),
            "opened_short_correct": count(short, "opened_correct"),
        })
    return summary


def copy_split(original: bytes, pieces: Sequence[bytes], from_draft: Sequence[bool]) -> dict:
    """How ours' output tokens came about on the lines it copied from the original and on the lines it changed.

    A token belongs to the output line it starts on; a line is copied when the line diff of the
    output against the original region pairs it with an equal line. Per part: its tokens, and how
    many of them were draft tokens the model verified (the rest were one pass's own next token), so
    tokens / (tokens - from_draft) is that part's tokens per pass.
    """
    output = b"".join(pieces)
    out_lines = output.splitlines(keepends=True)
    starts = [0]
    for line in out_lines:
        starts.append(starts[-1] + len(line))
    copied = set()
    matcher = difflib.SequenceMatcher(None, original.splitlines(keepends=True), out_lines, autojunk=False)
    for _i, j, size in matcher.get_matching_blocks():
        copied.update(range(j, j + size))
    split = {"copied": {"tokens": 0, "from_draft": 0}, "changed": {"tokens": 0, "from_draft": 0}}
    # The first change: the first gap between the diff's matching blocks, at output line `first`;
    # its tokens before that line, and on it when the gap has output lines (none for a deletion).
    first = written = None
    i_end = j_end = 0
    for i, j, size in matcher.get_matching_blocks():
        if i > i_end or j > j_end:
            first, written = j_end, j > j_end
            break
        i_end, j_end = i + size, j + size
    change = None if first is None else {"before": 0, "line": 0}
    at = 0
    for piece, drafted in zip(pieces, from_draft):
        line = bisect_right(starts, at) - 1
        part = split["copied" if line in copied else "changed"]
        part["tokens"] += 1
        part["from_draft"] += bool(drafted)
        if change is not None and (line < first or (line == first and written)):
            change["before" if line < first else "line"] += 1
        at += len(piece)
    split["first_change"] = change
    return split


def token_costs(calibration: Sequence[dict]) -> tuple[float, float] | None:
    """(ms of a one-token pass, ms a token in the best batch, never above the first) from a calibration."""
    one = next((r["ms_per_token"] for r in calibration if r["batch"] == 1), None)
    best = best_calibration_row(calibration)
    return None if one is None or best is None else (one, min(one, best["ms_per_token"]))


def copy_bound(copied: int, changed: int, calibration: Sequence[dict]) -> float | None:
    """The most drafting from the original can gain over plain decoding for an output with `copied`
    tokens on lines it kept and `changed` on lines it changed, on this machine: every kept line's
    token verified at the best batch's cost per token, every changed line's token a one-token pass,
    no draft ever turned down (tokens a pass / time, against one token a pass)."""
    costs = token_costs(calibration)
    if costs is None or copied + changed == 0:
        return None
    one, best = costs
    return ratio((copied + changed) * one, changed * one + copied * best)


def first_line_bound(prefill_tokens: int, change: dict | None, calibration: Sequence[dict]) -> float | None:
    """The soonest the first changed line can show on this machine, in seconds, drafting from the original:
    the prompt's tail (`prefill_tokens`) and the kept tokens before the change verified at the best
    batch's cost per token, then the changed line's tokens after its first (which the last verifying
    pass gives) one a pass. Sampling, streaming and the editor cost nothing in it."""
    costs = token_costs(calibration)
    if costs is None or change is None:
        return None
    one, best = costs
    return ((prefill_tokens + change["before"]) * best + max(0, change["line"] - 1) * one) / 1000


def copy_split_summary(records: Sequence[dict], calibration: Sequence[dict] = ()) -> dict:
    """copy_split summed over the free-form edits (no tool draft) that have one: per part, tokens,
    the share that came from verified drafts, and tokens per pass; with a calibration, the copy bound
    (copy_bound) over their summed tokens and its median per edit, beside ours over plain decoding
    (summed generation time, and the median per edit)."""
    free = [r for r in records if r.get("copy_split") and not r.get("tool_draft")]
    splits = [r["copy_split"] for r in free]
    if not splits:
        return {}
    out = {}
    for part in ("copied", "changed"):
        tokens = sum(s[part]["tokens"] for s in splits)
        drafted = sum(s[part]["from_draft"] for s in splits)
        out[part] = {"tokens": tokens, "from_draft_fraction": rounded(drafted / tokens) if tokens else None,
                     "tokens_per_pass": rounded(tokens / (tokens - drafted)) if tokens > drafted else None}
    # Of the tokens the model would write a pass each, those a draft looked up in the prompt and output
    # gave (engine/lookup.py): the copy bound charges them a pass each, so where they pay it can be beaten.
    out["looked_up_tokens"] = sum((r.get("ours") or {}).get("looked_up_tokens") or 0 for r in free)
    bound = copy_bound(out["copied"]["tokens"], out["changed"]["tokens"], calibration)
    if bound is not None:
        timed = [r for r in free if (r.get("ours") or {}).get("generate_s") and (r.get("plain") or {}).get("generate_s")]
        out["bound_speedup"] = rounded(bound)
        out["median_bound_speedup"] = rounded(median(
            copy_bound(s["copied"]["tokens"], s["changed"]["tokens"], calibration) for s in splits))
        out["speedup_vs_plain"] = rounded(ratio(sum(r["plain"]["generate_s"] for r in timed),
                                                sum(r["ours"]["generate_s"] for r in timed))) if timed else None
        out["median_speedup_vs_plain"] = rounded(median(r.get("speedup_vs_plain") for r in free))
    return {"free_form_copy_split": out}


def by_kind(records: Sequence[dict]) -> dict:
    """group_summary per kind label (kind, or kind/category), in label order."""
    labels = sorted({r.get("label") or r.get("kind") or "-" for r in records})
    return {label: group_summary([r for r in records if (r.get("label") or r.get("kind") or "-") == label])
            for label in labels}


def summarize(records: Sequence[dict], calibration: Sequence[dict], peak_rss_ours_mb: float, peak_rss_mb: float) -> dict:
    """The summary over per-task records (see bench/README.md for each field)."""
    ok = _measured(records)
    right = [r for r in ok if r.get("correct")]
    vs_plain = median(r.get("speedup_vs_plain") for r in ok)
    ceiling = ceiling_from_calibration(calibration)
    best = best_calibration_row(calibration)
    identical = [r["identical_to_plain"] for r in ok if r.get("identical_to_plain") is not None]
    identical_guided = [r["identical_to_guided"] for r in ok if r.get("identical_to_guided") is not None]
    margins = [r["divergence_margin"] for r in ok if r.get("divergence_margin") is not None]
    judged = [r for r in records if "correct" in r]
    summary = {
        "tasks": len(records),
        "tasks_failed": count(records, "errors"),
        "tasks_correct": count(judged, "correct"),
        "tasks_with_tool_draft": count(records, "tool_draft"),
        "correct_fraction": fraction(judged, "correct"),
        "draft_only_correct_fraction": fraction(judged, "draft_only_correct"),
        "model_contribution": contribution(judged),
        "plain_correct_fraction": fraction(judged, "plain_correct"),
        "guided_correct_fraction": fraction(judged, "guided_correct"),
        "median_speedup_vs_plain": rounded(vs_plain),
        "median_latency_vs_plain": rounded(median(r.get("latency_vs_plain") for r in ok)),
        "median_speedup_vs_guided": rounded(median(r.get("speedup_vs_guided") for r in ok)),
        "median_speedup_vs_peer": rounded(median(r.get("speedup_vs_peer") for r in ok)),
        "median_speedup_vs_plain_correct": rounded(median(r.get("speedup_vs_plain") for r in right)),
        "median_speedup_vs_peer_correct": rounded(median(r.get("speedup_vs_peer") for r in right)),
        "median_latency_s": rounded(median(r.get("latency_s") for r in records)),
        "median_first_hunk_s": rounded(median(r.get("first_hunk_s") for r in records)),
        "median_first_line_s": rounded(median(r.get("first_line_s") for r in records)),
        "ceiling_speedup": rounded(ceiling),
        "ceiling_batch": best["batch"] if best else None,
        "fraction_of_ceiling": rounded(ratio(vs_plain, ceiling)),
        "identical_fraction": rounded(sum(identical) / len(identical)) if identical else None,
        "guided_identical_fraction": rounded(sum(identical_guided) / len(identical_guided)) if identical_guided else None,
        "max_divergence_margin": rounded(max(margins), 4) if margins else None,
        "warm_prefill_ratio": rounded(median(r.get("warm_prefill_ratio") for r in ok), 4),
        **opened_summary(records, calibration),
        **copy_split_summary(records, calibration),
        "kept_units_tasks": {run: [r["name"] for r in records if (r.get(run) or {}).get("kept_units")]
                             for run in ("ours", "plain")},
        "settled": {r["name"]: r["ours"]["settled_bytes"] for r in records if (r.get("ours") or {}).get("settled_bytes")},
        "peak_rss_mb": round(peak_rss_mb, 1),
        "peak_rss_ours_mb": round(peak_rss_ours_mb, 1),
        "by_kind": by_kind(records),
        "wrong": {r["name"]: r.get("why") for r in judged if not r["correct"]},
        "calibration": list(calibration),
    }
    if any("ours_fixed" in r for r in records):
        summary["median_aligned_vs_fixed"] = rounded(median(r.get("aligned_vs_fixed") for r in ok))
    return summary
