"""Streaming an edit into a live document: final hunks, the text the client should now have, and user typing (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from .coords import position_at
from .textedits import Hunk, HunkStream, apply_hunks, diff_hunks


class StaleDocument(Exception):
    """The user changed the region being rewritten; the edit must stop (the message says where)."""


@dataclass
class Batch:
    """Hunks to send as one applyEdit, against `before`; `after` is the text once applied."""

    hunks: list[Hunk]
    before: str
    after: str


class EditStream:
    """Tracks one streamed edit of a region of a document.

    `expected` is the document text the client should have (its text at the start, plus every batch
    sent). Before each batch, rebase() compares it with the server's current copy: typing outside the
    region moves the region; typing inside it stops the edit. Str indices throughout.

    The engine saw the region without `hidden` (a document span inside it, e.g. a directive comment
    the edit consumes); its sync points are re-based into the document here, and only here.
    """

    def __init__(self, document: str, region: tuple[int, int], hidden: tuple[int, int] | None = None):
        self.expected = document
        start, end = region
        self.original_region = document[start:end]
        self.region_start = start  # moves with typing before the region
        self._document, self._start = document, start  # as it was: what lies above the region (finish())
        self._hunks = HunkStream(self.original_region, 0)  # hunks relative to the region's start
        self._hidden = None if hidden is None else (hidden[0] - start, hidden[1] - hidden[0])  # (where, length)
        self.sent_batches = 0

    @property
    def region(self) -> tuple[int, int]:
        """The region in the current document: its start, and its end after what was streamed so far."""
        return self.region_start, self.region_start + len(self.original_region) + self._hunks.delta

    def rebase(self, current: str) -> None:
        """Accept the user's edits outside the region; StaleDocument if they touched it."""
        if current == self.expected:
            return
        prefix, old_end = _changed_span(current, self.expected)
        start, end = self.region
        if old_end <= start:
            self.region_start += len(current) - len(self.expected)
        elif prefix < end:
            line = position_at(current, prefix, "utf-32").line + 1
            raise StaleDocument(f"the document changed inside the region being edited (line {line}); stopped")
        self.expected = current

    def region_offset(self, engine_offset: int) -> int:
        """A str index into the region as the engine saw it -> the same place in the original region."""
        if self._hidden is not None and engine_offset > self._hidden[0]:
            return engine_offset + self._hidden[1]
        return engine_offset

    def snapshot(self) -> tuple:
        """Everything a batch changes, to restore() when the client refuses the batch."""
        return (self.expected, self.region_start, self.sent_batches, self._hunks.snapshot())

    def restore(self, state: tuple) -> None:
        self.expected, self.region_start, self.sent_batches, hunks = state
        self._hunks.restore(hunks)

    def revert(self) -> Batch | None:
        """One batch that puts the original region back over what was streamed (for failures and undo)."""
        return single_batch(self.expected, self.region, self.original_region)

    def advance(self, output: str, sync: tuple[int, int] | None, provisional: bool = False) -> Batch | None:
        """The hunks made final by a progress event (sync = engine region chars, output chars); with
        `provisional`, when none are, the new lines written since (HunkStream.extend), shown ahead of
        the lines they will replace."""
        hunks: list[Hunk] = []
        if sync is not None:
            try:
                hunks = self._hunks.advance(output, self.region_offset(sync[0]), sync[1])
            except ValueError:  # a sync point behind what was streamed (the model repeated code): wait for the next
                pass
        if not hunks and provisional:
            hunks = self._hunks.extend(output)
        return self._batch(hunks)

    @property
    def pending(self) -> bool:
        """Provisional lines are in the document (retract() takes them out)."""
        return bool(self._hunks.pending)

    def retract(self, current: str) -> Batch | None:
        """The batch that takes the provisional lines out of `current`, the client's text, when the edit
        stops before they become final; None if the user's typing since touched them (they stay)."""
        start, end = (self.region_start + i for i in self._hunks.pending_span())
        if start == end:
            return None
        if current != self.expected:  # typing since the last batch, maybe inside the region (the edit stopped)
            prefix, old_end = _changed_span(current, self.expected)
            if old_end <= start:
                start, end = start + len(current) - len(self.expected), end + len(current) - len(self.expected)
            elif prefix < end:
                return None
            self.expected = current
        self._hunks.retract()
        hunks = [Hunk(start, end, "")]
        after = apply_hunks(current, hunks)
        self.expected = after
        self.sent_batches += 1
        return Batch(hunks, current, after)

    def finish(self, output: str, above: int = 0, below: int = 0) -> Batch | None:
        """The rest of the edit, `output` being the region's final text. `above` > 0: the output starts
        that many chars before the region (an import the new code needs, added at the file's top); the
        region grows to take them in, so undo takes them out too. `below` > 0: it ends that many chars
        after it (the blank lines a removal takes with it). StaleDocument if the user changed the text
        there meanwhile."""
        if below:
            end = self.region[1]
            after = self._document[self._start + len(self.original_region):][:below]
            if self.expected[end:end + below] != after:
                line = position_at(self.expected, end, "utf-32").line + 1
                raise StaleDocument(f"the document changed below the region (line {line}), where the edit "
                                    "also changes lines; the edit was not finished")
            self.original_region += after
            self._hunks.grow(below=after)
        if above:
            start = self.region_start - above
            before = self._document[self._start - above:self._start]
            if start < 0 or self.expected[start:self.region_start] != before:
                line = position_at(self.expected, max(start, 0), "utf-32").line + 1
                raise StaleDocument(f"the document changed above the region (from line {line}), where the edit "
                                    "also changes lines; the edit was not finished")
            self.original_region = before + self.original_region
            self.region_start = start
            if self._hidden is not None:
                self._hidden = (self._hidden[0] + above, self._hidden[1])
            self._hunks.grow(above=before)
        return self._batch(self._hunks.finish(output))

    def _batch(self, hunks: list[Hunk]) -> Batch | None:
        hunks = [Hunk(h.start + self.region_start, h.end + self.region_start, h.new_text) for h in hunks]
        if not hunks:
            return None
        before = self.expected
        self.expected = apply_hunks(before, hunks)
        self.sent_batches += 1
        return Batch(hunks, before, self.expected)


def single_batch(document: str, region: tuple[int, int], new_region: str) -> Batch | None:
    """The whole edit as one batch (streaming off): one undo step in every editor."""
    start, end = region
    hunks = [Hunk(h.start + start, h.end + start, h.new_text) for h in diff_hunks(document[start:end], new_region)]
    if not hunks:
        return None
    return Batch(hunks, document, apply_hunks(document, hunks))


def _changed_span(current: str, expected: str) -> tuple[int, int]:
    """The span of `expected` that the user's typing replaced to give `current`: [start, end)."""
    prefix = _common_prefix(current, expected)
    return prefix, len(expected) - _common_suffix(current, expected, prefix)


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _common_suffix(a: str, b: str, prefix: int) -> int:
    n = min(len(a), len(b)) - prefix
    i = 0
    while i < n and a[-1 - i] == b[-1 - i]:
        i += 1
    return i
