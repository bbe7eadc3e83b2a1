"""Syntax repair drafts: insert or delete one separator/closing token near a syntax error so the code parses.

The tokens a language may be missing or have too many of are language knowledge: `repair_tokens`
in grammars/<lang>/language.toml. Candidates are tried at the error and at the line ends around
it; a candidate counts only if the file then has fewer syntax problems, and none left near the error.
"""

from __future__ import annotations

from .diagnostics import syntax_problems
from .languages import Language
from .lines import line_end, line_start

# Line ends tried before and after the line of the error.
LINES_AROUND = 2


def _candidate_spots(source: bytes, start: int, end: int) -> list[int]:
    """Byte offsets to insert at: the error's edges, and the ends of the lines around it (before the newline)."""
    spots = {start, end}
    line = line_start(source, start)
    for _ in range(LINES_AROUND):  # back to earlier lines
        if line == 0:
            break
        line = line_start(source, line - 1)
    pos = line
    for _ in range(2 * LINES_AROUND + 1):
        stop = line_end(source, pos)
        content_end = stop - 1 if source[stop - 1:stop] == b"\n" else stop
        while content_end > pos and source[content_end - 1:content_end] in (b" ", b"\t", b"\r"):
            content_end -= 1
        spots.add(content_end)
        if stop >= len(source):
            break
        pos = stop
    return sorted(s for s in spots if 0 <= s <= len(source))


def repair_draft(source: bytes, language: Language, near: tuple[int, int] | None = None) -> bytes | None:
    """`source` with one token inserted or deleted so the syntax error near `near` (bytes) goes away, or None.

    near: the span of the reported error (a diagnostic's range); None: the first problem tree-sitter finds.
    """
    tokens = [t.encode() for t in language.repair_tokens]
    if not tokens:
        return None
    problems = syntax_problems(source, language)
    if not problems:
        return None
    if near is None:
        target = problems[0]
        near = (target.start, target.end)
    lo, hi = line_start(source, near[0]), line_end(source, max(near[0], near[1] - 1))
    # Tried at the error's edges and the line ends around it. (tree-sitter may wrap a whole
    # module in one ERROR node: the reported place, not the node's extent, says where to look.)
    spots = _candidate_spots(source, near[0], near[1])
    focus = (lo, hi)
    best: tuple[tuple, bytes] | None = None
    for rank, spot in enumerate(spots):
        candidates = [(source[:spot] + t + source[spot:], 0) for t in tokens]
        candidates += [(source[:spot] + source[spot + len(t):], 1) for t in tokens if source.startswith(t, spot)]
        for repaired, deleting in candidates:
            left = syntax_problems(repaired, language)
            if len(left) >= len(problems):
                continue
            shift = len(repaired) - len(source)
            near_left = sum(1 for p in left if p.start <= focus[1] + max(0, shift) and p.end >= focus[0])
            # Fewest problems near the error, then in the file; inserting beats deleting; a line's
            # end (where a missing separator or closer usually belongs) beats its middle; then closest.
            at_line_end = not source[spot:line_end(source, spot)].strip()
            score = (near_left, len(left), deleting, not at_line_end, abs(spot - near[0]))
            if best is None or score < best[0]:
                best = (score, repaired)
    if best is None or best[0][0] > 0:
        return None
    return best[1]
