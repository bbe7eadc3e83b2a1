"""How a draft that carries a change differs from the original: changed words, dropped lines, corresponding line starts."""

from __future__ import annotations

import difflib
import re
from bisect import bisect_right

_WORDS = re.compile(rb"\w+|\s+|.", re.S)


def changed_ranges(original: bytes, draft: bytes) -> list[tuple[int, int]]:
    """Byte ranges of `draft` that differ from `original` (replaced or inserted words), sorted.

    A deletion has no text of its own in the draft: the words on either side of it stand for it
    (taking them as drafted is what keeps the deleted text out, e.g. a linter's `return out;` ->
    `out`; the word before, because a tokenizer joins deleted text to it: `>=` -> `>` is the token
    ` >=` against ` >`, and a model shown the original picks ` >=`).
    """
    a = _WORDS.findall(original)
    b = _WORDS.findall(draft)
    offsets = [0]
    for word in b:
        offsets.append(offsets[-1] + len(word))
    ranges = []
    for tag, _i1, _i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("replace", "insert"):
            ranges.append((offsets[j1], offsets[j2]))
        elif tag == "delete":
            ranges.append((offsets[max(0, j1 - 1)], offsets[min(len(b), j1 + 1)]))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):  # disjoint, as drafttext.overlaps expects
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def dropped_lines(draft: str, output: str) -> int:
    """Non-blank lines of `draft` that `output` left out (deleted, not rewritten)."""
    a, b = draft.splitlines(), output.splitlines()
    dropped = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("delete", "replace"):
            kept = sum(1 for line in b[j1:j2] if line.strip())
            dropped += max(0, sum(1 for line in a[i1:i2] if line.strip()) - kept)
    return dropped


class LineMap(dict):
    """Line starts in a draft -> the same line's start in the original (bytes), with the keys sorted."""

    def at_or_before(self, pos: int) -> tuple[int, int] | None:
        """(line start in the draft, the same line's start in the original) for the last mapped start <= pos."""
        if not hasattr(self, "_keys"):
            self._keys = sorted(self)
        i = bisect_right(self._keys, pos) - 1
        return (self._keys[i], self[self._keys[i]]) if i >= 0 else None


def _lines(original: bytes, draft: bytes) -> tuple[difflib.SequenceMatcher, list[int], list[int]]:
    """The line diff of `original` and `draft`, and each one's line starts (with its end)."""
    a, b = original.splitlines(keepends=True), draft.splitlines(keepends=True)
    starts_a, starts_b = [0], [0]
    for line in a:
        starts_a.append(starts_a[-1] + len(line))
    for line in b:
        starts_b.append(starts_b[-1] + len(line))
    return difflib.SequenceMatcher(None, a, b, autojunk=False), starts_a, starts_b


def line_map(draft: bytes, original: bytes) -> LineMap:
    """Byte offsets of line starts in `draft` -> the same line's start in `original`, for unchanged lines."""
    matcher, starts_a, starts_b = _lines(original, draft)
    mapping = LineMap()
    for i1, j1, size in matcher.get_matching_blocks():
        for k in range(size + 1):
            mapping[starts_b[j1 + k]] = starts_a[i1 + k]
    return mapping


def lines_one_for_one(original: bytes, draft: bytes) -> dict[int, int]:
    """Line starts in `original` -> the same line's start in `draft`: unchanged lines, and lines a
    change rewrote one for one (a rename's), with the start of the line after each."""
    matcher, starts_a, starts_b = _lines(original, draft)
    mapping: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            for k in range(i2 - i1 + 1):
                mapping[starts_a[i1 + k]] = starts_b[j1 + k]
    return mapping
