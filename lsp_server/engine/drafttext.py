"""A text the output may copy from in speculation (the original region, a tool's draft), as tokens, with its rules."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Callable, Sequence


def overlaps(ranges: list[tuple[int, int]], lo: int, hi: int) -> bool:
    """Whether bytes [lo, hi) overlap one of the sorted, disjoint `ranges`."""
    i = bisect_right(ranges, (hi, hi)) - 1
    while i >= 0 and ranges[i][1] > lo:
        if ranges[i][0] < hi:
            return True
        i -= 1
    return False


def before_previous_word(data: bytes, at: int) -> int:
    """Where the blanks before the word before `at` begin (`data[:at]` ends with a word and blanks, or blanks)."""
    i = at
    while i > 0 and data[i - 1:i] in b" \t":
        i -= 1
    while i > 0 and not data[i - 1:i].isspace():
        i -= 1
    while i > 0 and data[i - 1:i] in b" \t":
        i -= 1
    return i


def rest_of_lines(data: bytes, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """For each of `ranges` (sorted), from the word before it to its line's end (with the newline): sorted, disjoint.

    That word is where the model may need to write its own (an article, a verb's number); before it,
    the line's indentation and first word (a comment marker) follow the draft as usual: a model
    free there may skip the comment line altogether.
    """
    lines: list[tuple[int, int]] = []
    for a, b in ranges:
        line = data.rfind(b"\n", 0, a) + 1
        first_word = re.match(rb"[ \t]*\S*", data[line:a]).end() + line
        lo = min(a, max(before_previous_word(data, a), first_word))
        hi = data.find(b"\n", max(a, b - 1))
        hi = len(data) if hi < 0 else hi + 1
        if lines and lo <= lines[-1][1]:
            lines[-1] = (lines[-1][0], max(lines[-1][1], hi))
        else:
            lines.append((lo, hi))
    return lines


@dataclass
class DraftText:
    """One text the output may copy from (the original region, a renamed copy, a sketch), as tokens.

    Byte offsets index `data`; `starts[i]` is where token i starts and `starts[-1] == len(data)`.
    """

    data: bytes
    tokens: list[int]
    starts: list[int]
    # (pos, limit) -> the last syntax boundary in (pos, limit], or None (bytes); None: no syntax layer
    chunk_end: Callable[[int, int], int | None] | None = None
    # pos -> whether pos starts a line or syntax node (bytes)
    is_sync_start: Callable[[int], bool] | None = None
    content_end: int | None = None  # where the code ends and the closing fence begins (bytes)
    # Byte ranges the output must take as drafted: the changes a deterministic tool made (a rename).
    forced: list[tuple[int, int]] = field(default_factory=list)
    # Byte ranges verified greedily whatever the edit's acceptance: text around a tool's guess that the
    # model may need to change (a rename's prose: "a entrant" -> "an entrant"); sorted and disjoint.
    strict: list[tuple[int, int]] = field(default_factory=list)
    # The intended result (a rename, a fix, a merged sketch): under lossy acceptance the model may
    # write new text into it, but not skip ahead in it or repeat it (see Drafter.misplaced).
    led: bool = False
    # Whether the output reaching content_end ends the edit (see Drafter.at_content_end), and
    # whether only by crossing it: going on from before content_end (or from its first code after
    # it: the file's next line after a region) past it, not by a re-sync into a look-alike line
    # further on.
    ends_edit: bool = True
    ends_only_when_crossed: bool = False
    # Tokens (with their text) of a piece of `data`, for drafting from a position inside a token: a
    # model's own tokens need not end where the draft's do (BPE merges differ with context).
    retokenize: Callable[[bytes], list[tuple[int, bytes]]] | None = None
    token_at: dict[int, int] = field(init=False)

    def __post_init__(self) -> None:
        self.token_at = {offset: i for i, offset in enumerate(self.starts[:-1])}

    @classmethod
    def from_tokens(cls, tokens: Sequence[int], piece: Callable[[int], bytes], **kw) -> "DraftText":
        starts = [0]
        for tok in tokens:
            starts.append(starts[-1] + len(piece(tok)))
        data = b"".join(piece(t) for t in tokens)
        return cls(data=data, tokens=list(tokens), starts=starts, **kw)

    def rule(self, lo: int, hi: int) -> tuple[bool, bool]:
        """(forced, strict) for a draft token spanning bytes [lo, hi)."""
        return overlaps(self.forced, lo, hi), overlaps(self.strict, lo, hi)

    def sync_start(self, pos: int) -> bool:
        if self.is_sync_start is not None:
            return self.is_sync_start(pos)
        return pos == 0 or self.data[pos - 1 : pos] == b"\n"
