"""Lines the model changes alike in an edit, and where a draft chunk should end because of them.

On a CPU a verification pass costs by the token, and a long chunk that the model turns down near its
start costs seconds: an edit that gives every function type hints, or replaces every print, turns
down a long copy at each of them. Once the model has changed two lines alike in an edit (by their
first word after the indentation: "def", "print", "return"), the next such line is expected to
change too, and the chunk ends around it (docs/measurements.md, section 2).
"""

from __future__ import annotations

import os
import re
from collections import Counter

# A line is expected to change once the model has changed this many lines alike in the edit: one
# change says nothing of the next, two are a pattern.
REPEATS_TO_PREDICT = 2
FIRST_WORD = re.compile(rb"[ \t]*([^\s(]*)")


def first_word(data: bytes, line_start: int) -> bytes:
    """A line's first word after its indentation, up to a blank or "(": "def", "print", "//", "func"."""
    return FIRST_WORD.match(data, line_start).group(1)[:32]


def _line_before(data: bytes, line: int) -> int:
    return data.rfind(b"\n", 0, line - 1) + 1


class ChangedLines:
    """The lines the model has changed in one edit, counted by first word: ("line", word) changed inside,
    ("start", word) at their start, ("after", word) with text inserted after them."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, bytes]] = Counter()

    def note(self, data: bytes, pos: int, produced: bytes) -> None:
        """The model wrote `produced` where `data` (the original) goes on at `pos` otherwise: count the line it left.

        A change at a line's start (its first word replaced, or something inserted before it) may be an
        insertion after the line before, so that line counts too."""
        at = pos + len(os.path.commonprefix([produced, data[pos:pos + len(produced)]]))
        line = data.rfind(b"\n", 0, at) + 1
        if data[line:at].strip():
            self.counts["line", first_word(data, line)] += 1
            return
        self.counts["start", first_word(data, line)] += 1
        if line:
            self.counts["after", first_word(data, _line_before(data, line))] += 1

    def _like(self) -> set[tuple[str, bytes]]:
        return {key for key, count in self.counts.items() if count >= REPEATS_TO_PREDICT and key[1]}

    def expected(self, data: bytes, line: int, like: set[tuple[str, bytes]] | None = None) -> str | None:
        """How the line starting at `line` is expected to change: "line" (inside), "start" (at its start), or None."""
        like = self._like() if like is None else like
        if not like:
            return None
        word = first_word(data, line)
        if ("start", word) in like or (line and ("after", first_word(data, _line_before(data, line))) in like):
            return "start"
        return "line" if ("line", word) in like else None

    def cut_points(self, data: bytes, lo: int, hi: int) -> list[int]:
        """Where a chunk drafted over [lo, hi) of `data` ends: before each line expected to change, and
        after one expected to change inside (that line is then verified in a pass of its own)."""
        like = self._like()
        if not like:
            return []
        points: list[int] = []
        line = data.rfind(b"\n", 0, lo) + 1
        while line < hi:
            end = data.find(b"\n", line)
            end = len(data) if end < 0 else end + 1
            expected = self.expected(data, line, like)
            if expected is not None:
                points += [line, end] if expected == "line" else [line]
            line = end
        return points

    def changes_here(self, data: bytes, pos: int) -> bool:
        """Whether `pos` lies in the indentation of a line expected to change at its start: nothing is
        drafted there, the model writes the line's first token itself."""
        line = data.rfind(b"\n", 0, pos) + 1
        return bool(self.counts) and not data[line:pos].strip() and self.expected(data, line) == "start"
