"""Which lines to rewrite: the clusters of a tool-made draft's changes, each with a margin; a region too
large for the context in parts (pure, str indices)."""

from __future__ import annotations

import difflib
from typing import Callable

from .request import Region

# Unchanged lines with code kept on each side of a change, so the model sees where it is and
# can verify the change in place (models also drop blank edges of what they copy).
MARGIN_LINES = 2
# Changes closer than this many lines share one region: a separate region costs a prompt of its own.
JOIN_GAP_LINES = 6


def _line_starts(lines: list[str]) -> list[int]:
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    return starts


def _grow(old: list[str], first: int, last: int, margin: int = MARGIN_LINES) -> tuple[int, int]:
    """Lines [first, last) grown by `margin` lines with code on each side (blank lines come along free)."""
    for _ in range(margin):
        if first == 0:
            break
        first -= 1
        while first > 0 and not old[first].strip():
            first -= 1
    for _ in range(margin):
        if last >= len(old):
            break
        last += 1
        while last < len(old) and not old[last - 1].strip():
            last += 1
    return first, last


def change_regions(text: str, span: tuple[int, int], draft: str, margin: int = MARGIN_LINES) -> list[Region]:
    """The regions to rewrite so that text[span] becomes `draft`: one per cluster of changed lines.

    Each region keeps `margin` lines of code on each side (MARGIN_LINES unless told); clusters whose margins come within
    JOIN_GAP_LINES lines of each other are joined. Lines between regions are the original's and
    are not rewritten, so the model verifies only around the changes. No change: no regions.
    """
    lo, hi = span
    old, new = text[lo:hi].splitlines(keepends=True), draft.splitlines(keepends=True)
    old_starts = _line_starts(old)
    opcodes = [op for op in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes() if op[0] != "equal"]
    clusters: list[list[int]] = []  # [old first, old last, new first, new last) in lines
    for _tag, i1, i2, j1, j2 in opcodes:
        first, last = _grow(old, i1, i2, margin)
        # The margin lines are unchanged, so they map one to one onto the draft's lines.
        nfirst, nlast = j1 - (i1 - first), j2 + (last - i2)
        if clusters and first - clusters[-1][1] <= JOIN_GAP_LINES:
            clusters[-1][1], clusters[-1][3] = last, nlast
        else:
            clusters.append([first, last, nfirst, nlast])
    return [
        Region(lo + old_starts[a], lo + old_starts[b], "".join(new[c:d]))
        for a, b, c, d in clusters
    ]


def split_region(text: str, region: Region, limit: int, count_tokens: Callable[[str], int]) -> list[Region]:
    """A region of at most `limit` tokens stays whole; a larger one is cut into parts of whole lines,
    preferring a blank line (between definitions) near the middle, recursively."""
    part = text[region.start:region.end]
    if limit <= 0 or count_tokens(part) <= limit:
        return [region]
    middle = region.start + len(part) // 2
    cut = text.rfind("\n\n", region.start, middle)
    if cut < 0 or cut - region.start < len(part) // 4:
        cut = text.rfind("\n", region.start, middle)
    if cut < 0:
        return [region]  # one huge line: nothing to split at
    cut += 1 if text[cut + 1:cut + 2] != "\n" else 2
    return (split_region(text, Region(region.start, cut), limit, count_tokens)
            + split_region(text, Region(cut, region.end), limit, count_tokens))
