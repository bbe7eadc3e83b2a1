"""Edit hunks: minimal line diffs, applying them, LSP TextEdits, and streaming an edit while it runs (final hunks, new lines)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from lsprotocol import types

from .coords import encoding_name, line_start_indices, lsp_lines, position_from_starts


@dataclass(frozen=True)
class Hunk:
    """Replace text[start:end] (str indices, end exclusive) with new_text."""

    start: int
    end: int
    new_text: str


# -- hunks -----------------------------------------------------------------------------


def diff_hunks(old: str, new: str) -> list[Hunk]:
    """Minimal hunks turning old into new, at LINE granularity (difflib.SequenceMatcher on LSP
    lines with their breaks, autojunk=False), sorted, non-overlapping, coordinates (str
    indices) in `old`. Applying them gives exactly `new` (CRLF, no trailing newline, empty
    strings included). Lines end where LSP ends them, so every hunk starts at an editor's line."""
    old_lines = lsp_lines(old)
    new_lines = lsp_lines(new)
    old_starts = [0]
    for line in old_lines:
        old_starts.append(old_starts[-1] + len(line))
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    return [
        Hunk(old_starts[i1], old_starts[i2], "".join(new_lines[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def apply_hunks(text: str, hunks: list[Hunk]) -> str:
    """Apply hunks given in str indices of text, sorted and non-overlapping."""
    pieces = []
    done = 0
    for hunk in hunks:
        if not done <= hunk.start <= hunk.end <= len(text):
            raise ValueError(f"hunk {hunk} is unsorted, overlapping or out of range")
        pieces += [text[done : hunk.start], hunk.new_text]
        done = hunk.end
    pieces.append(text[done:])
    return "".join(pieces)


def lsp_text_edits(text: str, hunks: list[Hunk], encoding: str) -> list[types.TextEdit]:
    """Hunks in str indices of text -> TextEdits whose ranges refer to text, in encoding."""
    starts = line_start_indices(text)
    name = encoding_name(encoding)
    return [
        types.TextEdit(
            range=types.Range(
                start=position_from_starts(text, starts, hunk.start, name),
                end=position_from_starts(text, starts, hunk.end, name),
            ),
            new_text=hunk.new_text,
        )
        for hunk in hunks
    ]


# -- streaming -------------------------------------------------------------------------


def _common_suffix_length(a: str, b: str) -> int:
    n = 0
    limit = min(len(a), len(b))
    while n < limit and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _at_line_start(text: str, index: int) -> bool:
    return index == 0 or text[index - 1] == "\n"


def _safe_cut(orig_w: str, out_w: str) -> int | None:
    """Chars k to hold back from both windows' ends so both are cut at a line start and
    the held-back tails are equal text; the smallest such k, or None if there is none."""
    shared = _common_suffix_length(orig_w, out_w)
    # Inside the shared tail both sides have the same char before the cut: the last '\n' there wins.
    newline = orig_w.rfind("\n", len(orig_w) - shared)
    if newline != -1:
        return len(orig_w) - 1 - newline
    # Otherwise only cutting off the whole shared tail can work, if both sides start a line there.
    if _at_line_start(orig_w, len(orig_w) - shared) and _at_line_start(out_w, len(out_w) - shared):
        return shared
    return None


PENDING_MIN_LINES = 2  # new lines written before provisional ones are shown (HunkStream.extend)


class HunkStream:
    """Turns an edit that is still being generated into FINAL hunks, streamed once each, left to right.

    The engine rewrites one region of the document: original_region = document[region_start:region_end].
    While generating, it reports sync points: (orig_upto, out_upto) meaning output[:out_upto] is final
    and corresponds exactly to original_region[:orig_upto] (the model is copying the original from there on).
    Sync points are str indices into original_region and into the output; both non-decreasing across calls.

    Each call returns one batch of hunks whose str indices refer to the CURRENT document: the
    document after every earlier batch has been applied. Hunks within a batch all refer to that
    same document, as apply_hunks and lsp_text_edits expect.
    """

    def __init__(self, original_region: str, region_start: int):
        self._original = original_region
        self._region_start = region_start
        self._done_orig = 0  # original_region[:_done_orig] has been handled ...
        self._done_out = 0  # ... and became output[:_done_out]
        self._streamed = ""  # that output[:_done_out]
        self._pending = ""  # provisional: output[_done_out:] shown before original_region[_done_orig:] (extend())
        self._delta = 0  # the pending text included
        self._remaining: tuple[int, frozenset[str]] | None = None  # (_done_orig, the lines from there), cached

    @property
    def delta(self) -> int:
        """Length change applied so far: sum of len(new_text) - (end - start)."""
        return self._delta

    def snapshot(self) -> tuple:
        """Where the stream stands, to restore() when the client refuses a batch."""
        return (self._done_orig, self._done_out, self._streamed, self._pending, self._delta)

    def restore(self, state: tuple) -> None:
        self._done_orig, self._done_out, self._streamed, self._pending, self._delta = state

    @property
    def pending(self) -> str:
        """Provisional text shown (extend()) that no sync point has made final yet."""
        return self._pending

    def advance(self, output: str, orig_upto: int, out_upto: int) -> list[Hunk]:
        """Hunks for the newly final part: diff original_region[done_o:orig_upto] vs output[done_out:out_upto],
        emitted only up to the last LINE boundary that both sides agree on (so hunks are whole lines; a partial
        line is held back until a later call); never re-sends text already handled; unchanged text yields nothing.
        Returned hunks are in the coordinates of the CURRENT document, i.e. the document after every hunk this
        stream returned before has been applied (so the caller can send them as they are)."""
        if not self._done_orig <= orig_upto <= len(self._original):
            raise ValueError(f"orig_upto {orig_upto} outside {self._done_orig}..{len(self._original)}")
        if not self._done_out <= out_upto <= len(output):
            raise ValueError(f"out_upto {out_upto} outside {self._done_out}..{len(output)}")
        shown = self._streamed + self._pending
        if not output.startswith(shown):
            if shown.startswith(output):
                return []  # behind what is shown: nothing new
            return self._resync(output, orig_upto, out_upto)
        orig_w = self._original[self._done_orig : orig_upto]
        out_w = output[self._done_out : out_upto]
        hold_back = _safe_cut(orig_w, out_w)
        if hold_back is None:
            return []
        return self._emit(orig_w[: len(orig_w) - hold_back], out_w[: len(out_w) - hold_back])

    def finish(self, output: str) -> list[Hunk]:
        """The rest: diff of the remaining original vs the remaining output (whole region end), current-document coordinates.

        The final output is what the region becomes even where it differs from what was streamed
        (the engine put back lines the model left out): then the region is diffed as it now reads.
        """
        if not output.startswith(self._streamed + self._pending):
            return self._resync(output, len(self._original), len(output))
        return self._emit(self._original[self._done_orig :], output[self._done_out :])

    def grow(self, above: str = "", below: str = "") -> None:
        """The region now starts len(above) chars earlier, at `above`, and ends len(below) chars later:
        original text nothing was streamed over (the final output changes lines above the region too,
        an import the new code needs; or below it, the blank lines a removal takes with it)."""
        self._original = above + self._original + below
        self._done_orig += len(above)
        self._done_out += len(above)
        self._streamed = above + self._streamed
        self._remaining = None

    def extend(self, output: str) -> list[Hunk]:
        """PROVISIONAL hunks: whole new lines the model wrote past the last final hunk, shown before the
        original text they will replace, so a long insertion appears as it is written.

        Where the model's text re-joins the original is known only later (a sync point), so the lines
        it replaces stay until then, below the new ones; the sync's hunks then remove them (advance()
        counts the pending text as already shown). Only lines that cannot be the original copied
        again go out: a line with a letter or digit that is nowhere in the rest of the original
        region; lines without one (blank, a brace) only ahead of such a line. The first lines go out
        once two such lines are written: a one-line change lands whole when its re-join is confirmed.
        Call retract() to take them back when the edit stops early.
        """
        shown = self._streamed + self._pending
        if not output.startswith(shown) or not _at_line_start(shown, len(shown)) \
                or not _at_line_start(self._original, self._done_orig):
            return []  # the engine's text went another way, or a sync left the stream inside a line
        tail = output[len(shown) : output.rfind("\n") + 1]
        if not tail:
            return []
        remaining = self._remaining_lines()
        take = pos = new_lines = 0
        for line in lsp_lines(tail):
            pos += len(line)
            if not any(c.isalnum() for c in line):
                continue
            if line in remaining:
                break
            take, new_lines = pos, new_lines + 1
        if not take or (not self._pending and new_lines < PENDING_MIN_LINES):
            return []
        text = tail[:take]
        at = self._region_start + self._done_orig + self._delta  # just after the pending text
        self._pending += text
        self._delta += len(text)
        return [Hunk(at, at, text)]

    def pending_span(self) -> tuple[int, int]:
        """Where the pending text is in the current document (start == end when there is none)."""
        end = self._region_start + self._done_orig + self._delta
        return end - len(self._pending), end

    def retract(self) -> list[Hunk]:
        """The hunk that removes the pending provisional text (the edit stopped before it became final)."""
        start, end = self.pending_span()
        if start == end:
            return []
        self._delta -= end - start
        self._pending = ""
        return [Hunk(start, end, "")]

    def _remaining_lines(self) -> frozenset[str]:
        if self._remaining is None or self._remaining[0] != self._done_orig:
            self._remaining = (self._done_orig, frozenset(lsp_lines(self._original[self._done_orig :])))
        return self._remaining[1]

    def _resync(self, output: str, orig_upto: int, out_upto: int) -> list[Hunk]:
        """output[:out_upto] stands for original_region[:orig_upto] though what was streamed differs from its
        start: the hunks that turn the region's text as streamed so far into it, up to there."""
        current = self._streamed + self._pending + self._original[self._done_orig : orig_upto]
        hunks = [Hunk(self._region_start + h.start, self._region_start + h.end, h.new_text)
                 for h in diff_hunks(current, output[:out_upto])]
        self._done_orig, self._done_out, self._streamed = orig_upto, out_upto, output[:out_upto]
        self._pending = ""
        self._delta = out_upto - orig_upto
        return hunks

    def _emit(self, orig_part: str, out_part: str) -> list[Hunk]:
        """Diff the next handled parts, shift the hunks into current-document coordinates, move on.

        Pending text (a prefix of out_part, or out_part a prefix of it) is in the document already,
        just before orig_part: only the rest of out_part replaces orig_part; what is left of the
        pending text past out_part stays pending."""
        # Every earlier hunk lies left of _done_orig, so the shift is the whole delta so far.
        base = self._region_start + self._done_orig + self._delta
        new_text = out_part[len(self._pending) :]
        hunks = [Hunk(base + h.start, base + h.end, h.new_text) for h in diff_hunks(orig_part, new_text)]
        self._pending = self._pending[len(out_part) :]
        self._done_orig += len(orig_part)
        self._done_out += len(out_part)
        self._streamed += out_part
        self._delta += len(new_text) - len(orig_part)
        return hunks
