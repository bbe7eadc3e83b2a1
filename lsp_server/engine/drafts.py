"""Draft sources for speculation: where the output stands in the original, and what to propose next."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Callable, Sequence

from .alike import ChangedLines
from .drafttext import DraftText, overlaps
from .respace import respaced_token

# Re-sync needs a tail of output that is long and distinctive enough not to match by chance:
# at a line/node start a shorter tail is trusted, elsewhere a longer one is required.
SYNC_TAILS = (48, 32, 24, 16, 12, 8, 6)
MIN_SOLID_AT_SYNC_START = 4
MIN_SOLID_ELSEWHERE = 8
# How far around the output's position a draft-led text is searched for a token the model prefers (bytes).
MISPLACED_WINDOW = 2048
# A re-sync is tentative until the output has followed the draft this far past it (bytes): a tail that
# matched by chance (a new docstring's "Return the" matching the next function's) is then dropped
# without moving where later searches start, and gives no sync point to stream.
CONFIRM_BYTES = 12
# A re-sync may land anywhere ahead with a tail of FAR_TAIL bytes, a shorter tail only within
# FAR_JUMP * its length / FAR_TAIL bytes of where the output last stood.
FAR_JUMP = 1024
FAR_TAIL = 32
# Under greedy acceptance a re-sync may also land this far behind (bytes).
BACK_WINDOW = 512


@dataclass
class DraftStats:
    resyncs: int = 0
    divergences: int = 0


class Drafter:
    """Tracks which draft text (and where in it) the output is copying, and proposes the next chunk.

    Source 0 is the original region; its alignment is what streaming uses. Chunk length adapts:
    it doubles after a fully accepted chunk and halves after a rejection, within [min, max] tokens.
    """

    def __init__(
        self,
        sources: Sequence[DraftText],
        min_tokens: int = 4,
        max_tokens: int = 64,
        syntax_aligned: bool = True,
        max_jump: int | None = None,
        start_tokens: int | None = None,
    ):
        self.sources = list(sources)
        # How far past where the output last stood a re-sync may land (bytes; None: anywhere
        # ahead). A jump skips draft text; under lossy acceptance the model might then follow
        # the draft from the wrong place, so edits that accept liberally keep jumps short.
        self.max_jump = max_jump
        self.min_tokens = min_tokens
        self.max_tokens = max_tokens
        self.syntax_aligned = syntax_aligned
        # Copying is the common case: start long (a trusted draft grows to max_tokens), halve on rejection.
        self.length = min(max_tokens, max(min_tokens, start_tokens or max_tokens))
        self.source = 0
        self.pos: int | None = 0  # byte offset in sources[self.source] the output has reached
        self.last_pos = [0] * len(self.sources)  # per source: where the output last stood in it
        self.stats = DraftStats()
        self.tentative_from: int | None = None  # where an unconfirmed re-sync landed (see CONFIRM_BYTES)
        self.inline = False  # that re-sync landed inside a line the output has changed (see _resync)
        self.crossed_end = False  # the output went from before the current source's content_end to past it
        self.followed = 0  # bytes the output has followed a draft text since it last turned away (or began)
        # The model turned down a draft token and the bytes it wrote agree with the draft so far (see
        # turned_away); until the line ends or the output diverges.
        self.turned = False
        self._proposed: list[tuple[int, int]] = []  # byte spans of the tokens propose() returned last
        # source index -> where a position in source 0 stands in that source (see mirror)
        self.mirrors: dict[int, Callable[[int], int]] = {}
        # source index -> (line starts in that source -> the same line's start in source 0, their sorted keys): see rejoin
        self.rejoins: dict[int, tuple[dict[int, int], list[int]]] = {}
        # The lines the model has changed in this edit: chunks end around the next lines like them.
        self.changed_like = ChangedLines()
        # A byte of the original past which the output can only copy it (engine/docsonly.py's settled_at):
        # a chunk drafted from the original ends just past it, and the loop takes the rest unverified there.
        self.settle_at: int | None = None

    def mirror(self, index: int, position_in: Callable[[int], int]) -> None:
        """Keep sources[index]'s re-sync start level with the output while it follows source 0.

        Without it a re-sync into another source searches from where the output last stood in
        *that* source, which may be far behind, and the output would repeat code.
        """
        self.mirrors[index] = position_in

    def rejoin(self, index: int, line_starts: dict[int, int]) -> None:
        """Go back to source 0 (a draft carrying the change) at the first line start where the output, following sources[index], is level with it again.

        Where the model turned away from a tool's guess (a rename's word in a comment) the output
        follows the original; at the next line the two texts share, the tool's draft leads again,
        so its later changes are still proposed (and forced where they are certain). Chunks drafted
        from sources[index] end at such line starts.
        """
        self.rejoins[index] = (line_starts, sorted(line_starts))

    def _moved(self) -> None:
        self.last_pos[self.source] = self.pos
        if self.source == 0:
            for index, position_in in self.mirrors.items():
                self.last_pos[index] = max(self.last_pos[index], position_in(self.pos))

    # -- where are we ----------------------------------------------------------------

    @property
    def led(self) -> bool:
        """Whether the output follows a draft that carries the change (a tool's: a rename, a fix, a sketch)."""
        return self.sources[self.source].led

    @property
    def original_pos(self) -> int | None:
        """Byte offset in the original the output is aligned to, or None while it is not (or not surely)."""
        return self.pos if self.source == 0 and self.tentative_from is None else None

    @property
    def confirmed_pos(self) -> int | None:
        """Byte offset in the current source the output is surely aligned to, or None."""
        return self.pos if self.tentative_from is None else None

    def settled_rest(self, output: bytes | bytearray) -> bytes | None:
        """Once the output stands surely past `settle_at` in a text drafted from the original (no tool's
        draft), the rest of that text's content, to be taken as it is; else None. Surely: the output's
        line so far is the original's line so far (its end, on the answer's first line), not a few words
        the model's new prose shares with a comment further on ("... (no domain, path")."""
        src, at = self.sources[self.source], self.confirmed_pos
        if self.settle_at is None or at is None or src.led or src.content_end is None:
            return None
        if not self.settle_at < at < src.content_end:
            return None
        line, copied = _last_line(bytes(output), len(output)), _last_line(src.data, at)
        return src.data[at:src.content_end] if copied == line or b"\n" not in output and copied.endswith(line) else None

    @property
    def at_content_end(self) -> bool:
        """True when the output has copied a draft text up to the end of its code, and that ends the edit."""
        if self.pos is None:
            return False
        src = self.sources[self.source]
        if not src.ends_edit or src.content_end is None or self.pos < src.content_end:
            return False
        return self.crossed_end or not src.ends_only_when_crossed

    @property
    def overshoot(self) -> int:
        """Bytes the output has gone past the end of the current draft's code (0 if not past it)."""
        end = self.sources[self.source].content_end
        return max(0, self.pos - end) if self.pos is not None and end is not None else 0

    def advance(self, produced: bytes, output: bytes) -> None:
        """Move past bytes the model produced; `output` is everything produced so far (ends with them)."""
        if not produced:
            return
        if self.pos is not None:
            src = self.sources[self.source]
            if src.data.startswith(produced, self.pos):
                self.followed += len(produced)
                self.turned &= b"\n" not in produced
                end = src.content_end
                self.crossed_end |= end is not None and self.pos < end <= self.pos + len(produced)
                self.pos += len(produced)
                if self.tentative_from is not None and self.pos - self.tentative_from >= CONFIRM_BYTES:
                    self.tentative_from = None
                if self.tentative_from is None:
                    self._moved()
                back = self.rejoins.get(self.source)
                if back is not None and (led_pos := back[0].get(self.pos)) is not None:
                    tentative = self.tentative_from is not None
                    self.source, self.pos = 0, led_pos
                    self.tentative_from = led_pos if tentative else None
                    if not tentative:
                        self._moved()
                return
            self.stats.divergences += 1
            if not src.led and self.tentative_from is None:
                self.changed_like.note(src.data, self.pos, produced)
            self.followed = 0
            self.turned = False
            self.pos = None
            self.tentative_from = None
        self._resync(output)

    def turned_away(self) -> None:
        """The model turned down the draft's next token. The bytes it wrote instead may still agree with
        the draft (a shorter token of a word it is about to change: "re" for "result"), so `advance`
        sees no divergence. Most often the model is changing the line; it is back on the draft if the
        line ends as the draft's does."""
        self.followed = 0
        self.turned = True

    def _resync(self, output: bytes) -> None:
        """After a divergence: find where the tail of the output re-joins a draft text.

        Tails of several lengths are looked up around where the output last stood in each source;
        the first source that has a match wins (it is the intended result: the original, or a draft
        carrying the change), and within it the match nearest ahead (a longer tail breaks ties).
        Short tails may not land far away, where they match by chance; under greedy acceptance a
        match a little behind counts too (a wrong re-sync confirmed earlier is undone that way).
        """
        best: tuple[int, int, int, int] | None = None  # (source, cost, -tail length, end)
        for length in SYNC_TAILS:
            if len(output) < length:
                continue
            tail = output[-length:]
            solid = len(tail) - sum(tail.count(c) for c in b" \t\r\n")
            if solid < MIN_SOLID_AT_SYNC_START:
                continue
            for index, src in enumerate(self.sources):
                found = self._find_near(src, tail, self.last_pos[index], solid)
                if found is not None and (best is None or (index, found[0], -length) < best[:3]):
                    best = (index, found[0], -length, found[1])
        if best is not None:
            self.source, self.pos = best[0], best[3]
            self.tentative_from = self.pos
            src = self.sources[self.source]
            # Inside a line the output has changed before this point: the rest of it may change too.
            self.inline = output[output.rfind(b"\n") + 1:] != src.data[src.data.rfind(b"\n", 0, self.pos) + 1:self.pos]
            end = src.content_end
            if end is not None:
                # The matched tail itself starts at most where the code after content_end starts.
                first_code = end + len(src.data[end:]) - len(src.data[end:].lstrip())
                self.crossed_end = self.pos + best[2] <= first_code and end <= self.pos
            self.stats.resyncs += 1

    def _find_near(self, src: DraftText, tail: bytes, anchor: int, solid: int) -> tuple[int, int] | None:
        """(cost, end) of the match of `tail` in `src` nearest `anchor` (bytes), or None: ahead costs its
        distance, behind four times it."""
        reach = len(src.data) if len(tail) >= FAR_TAIL else FAR_JUMP * len(tail) // FAR_TAIL
        if self.max_jump is not None:
            reach = min(reach, self.max_jump)
        back = BACK_WINDOW if self.max_jump is None else 0
        start = max(0, anchor - len(tail) - back)
        limit = min(len(src.data), anchor + reach + len(tail))
        best = None
        while (hit := src.data.find(tail, start, limit)) >= 0:
            end = hit + len(tail)
            trusted = solid >= MIN_SOLID_ELSEWHERE or src.sync_start(end)
            if (end in src.token_at or src.retokenize is not None) and trusted:
                cost = end - anchor if end >= anchor else 4 * (anchor - end)
                if best is None or cost < best[0]:
                    best = (cost, end)
                if end >= anchor:
                    break  # later matches are farther ahead
            start = hit + 1
        return best

    # -- what next -------------------------------------------------------------------

    def propose(self, length: int | None = None) -> list[int]:
        """The next draft chunk (token ids), or [] when the output stands nowhere in a draft it can draft from.

        `length`: a pacer's choice of length instead of the adaptive one (either less at a syntax boundary)."""
        length = self.length if length is None else length
        self._proposed = []
        if self.pos is None:
            return []
        src = self.sources[self.source]
        if not src.led and self.changed_like.changes_here(src.data, self.pos):
            return []  # a line the model is expected to change at its start (engine/alike.py)
        first = src.token_at.get(self.pos)
        head: list[tuple[int, int, int]] = []
        if first is None:
            first, head = self._bridge(src)
            if first is None:
                return []
        last = min(first + max(0, length - len(head)), len(src.tokens))
        if self.syntax_aligned and src.chunk_end is not None and last - first > self.min_tokens:
            # End the chunk on a syntax boundary; a token that straddles it goes to the next chunk.
            lo = src.starts[first + self.min_tokens]
            boundary = src.chunk_end(lo, src.starts[last])
            if boundary is not None:
                cut = bisect_right(src.starts, boundary) - 1
                if cut - first >= self.min_tokens:
                    last = cut
        if self.source in self.rejoins:
            # End the chunk where the output can go back to the draft that leads (see rejoin).
            last = self._cut(src, first, last, self.rejoins[self.source][1])
        if not src.led and self.changed_like.counts:
            # And around lines like those the model has been changing (engine/alike.py).
            last = self._cut(src, first, last, self.changed_like.cut_points(src.data, src.starts[first], src.starts[last]))
        after = len(src.starts) if self.settle_at is None or src.led else bisect_right(src.starts, self.settle_at)
        if after < len(src.starts):
            last = self._cut(src, first, last, [src.starts[after]])  # and just past the point of settling
        if src.strict:
            # And before and after text verified strictly: the model may turn away there, and a
            # verification pass costs by the token, so drafting on past it is mostly waste.
            last = self._cut(src, first, last, [at for span in src.strict for at in span])
        chunk = head + [(src.tokens[i], src.starts[i], src.starts[i + 1]) for i in range(first, last)]
        self._proposed = [(lo, hi) for _, lo, hi in chunk]
        return [token for token, _, _ in chunk]

    @staticmethod
    def _cut(src: DraftText, first: int, last: int, points: list[int]) -> int:
        """`last`, or the first token start among `points` (sorted bytes) after token `first` and before token `last`."""
        k = bisect_right(points, src.starts[first])
        while k < len(points) and points[k] < src.starts[last]:
            cut = src.token_at.get(points[k])
            if cut is None:
                cut = bisect_right(src.starts, points[k]) - 1  # the token the point falls in
            if cut > first:
                return cut
            k += 1
        return last

    def _bridge(self, src: DraftText) -> tuple[int | None, list[tuple[int, int, int]]]:
        """From inside a draft token to the next token start after the line's end: that text tokenized anew.

        Returns (the index of the draft token the chunk continues with, [(token, start, end)] before it).
        """
        if src.retokenize is None:
            return None, []
        line_end = src.data.find(b"\n", self.pos)
        j = bisect_left(src.starts, len(src.data) if line_end < 0 else line_end + 1)
        stop = src.starts[j] if j < len(src.starts) else len(src.data)
        head, at = [], self.pos
        for token, piece in src.retokenize(src.data[self.pos:stop]):
            head.append((token, at, at + len(piece)))
            at += len(piece)
        if at != stop or not head:
            return None, []  # the pieces do not spell the text: draft nothing rather than something wrong
        return min(j, len(src.tokens)), head

    def peek(self) -> tuple[int, bool, bool] | None:
        """The next draft token at the output's position, whether it is forced and whether it is verified strictly, or None."""
        if self.pos is None:
            return None
        src = self.sources[self.source]
        i = src.token_at.get(self.pos)
        if i is not None:
            return src.tokens[i], *src.rule(src.starts[i], src.starts[i + 1])
        _, head = self._bridge(src)
        if not head:
            return None
        token, lo, hi = head[0]
        return token, *src.rule(lo, hi)

    def misplaced(self, piece: bytes, at: int | None = None) -> bool:
        """Whether text the model prefers at `at` (default: the output's position) of a draft-led text is that text's own, from elsewhere.

        A weak model copying a long draft tends to skip ahead (dropping lines) or loop back
        (repeating them); both show as a preferred token that the draft holds a little further on
        or a little before. Only text the draft does not hold nearby counts as the model's change.
        """
        at = self.pos if at is None else at
        if at is None or not self.sources[self.source].led:
            return False
        src = self.sources[self.source]
        word = piece.strip()
        if not word:
            return True  # whitespace: ending a line early, an extra blank line, other indentation
        lo, hi = max(0, at - MISPLACED_WINDOW), min(len(src.data), at + MISPLACED_WINDOW)
        return src.data.find(word, lo, hi) >= 0

    def respaced(self, piece: bytes, i: int | None = None) -> int | None:
        """The token to take instead of the model's `piece` where it is the draft's text with other spacing
        inside its line (engine/respace.py), else None; at the i-th token of the chunk propose() returned
        last (None: the output's position). Only a text drafted from the original counts."""
        src = self.sources[self.source]
        at = self.pos if i is None else self._proposed[i][0]
        return None if src.led or at is None else respaced_token(src, at, piece)

    def forced_mask(self, n: int) -> list[bool]:
        """For the chunk propose() just returned (n tokens): which of them are forced."""
        return self._mask(self.sources[self.source].forced, n)

    def strict_mask(self, n: int) -> list[bool]:
        """For the chunk propose() just returned (n tokens): which of them are verified greedily."""
        return self._mask(self.sources[self.source].strict, n)

    def _mask(self, ranges: list[tuple[int, int]], n: int) -> list[bool]:
        if not ranges:
            return [False] * n
        return [overlaps(ranges, lo, hi) for lo, hi in self._proposed[:n]]

    def feedback(self, drafted: int, accepted: int) -> None:
        """Adapt the chunk length to how much of the last chunk the model accepted."""
        if drafted == 0:
            return
        if accepted == drafted:
            self.length = min(self.max_tokens, self.length * 2)
        else:
            self.length = max(self.min_tokens, self.length // 2)


def _last_line(data: bytes, end: int) -> bytes:
    """The line `end` is in, through `end`; at a line's start, the line before it too (a doc's new first line
    that ends as a comment below it ends: " Calculates optimal ... once.\n" is not "  // Calculating ...")."""
    start = data.rfind(b"\n", 0, end) + 1
    if start == end and start > 0:
        start = data.rfind(b"\n", 0, start - 1) + 1
    return data[start:end]
