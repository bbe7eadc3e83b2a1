"""An answer that goes astray or loops, stopped while it is being written (pure).

Asked "Add an as_bool method to Value" of a 136-line Rust `impl` block, the 1.5B copied the block's
first three methods, then began them again, and again, greedy as well as with drafts, until its token
budget ran out: four minutes, twice (the retry with the opening written), for "the model did not finish
the edit". A loop is a block of lines the answer has written three times, and more often than the
region has it: the edit stops there, with the lines it repeats in the message, in seconds.
"""

from __future__ import annotations

from collections import Counter

from .keep import Keeper

# A loop's block: this many consecutive lines, of which at least WORDY have a word character.
BLOCK_LINES = 6
WORDY = 3
# Times the answer writes a block before it counts as a loop (twice may be a copy the request asked for).
TIMES = 3


class Watch:
    """Called with the answer so far (bytes) after each pass: a message when the answer went astray
    (Keeper.astray, where `astray` says to look) or loops, else None. Each complete line is read once."""

    def __init__(self, keeper: Keeper, astray: bool):
        self.keeper, self.astray = keeper, astray
        region = keeper.text[keeper.start:keeper.end].split("\n")
        self.original = Counter(_blocks([line.strip() for line in region]))
        self.lines: list[str] = []
        self.seen: Counter[tuple[str, ...]] = Counter()
        self.read = 0  # bytes of the answer read into lines
        self.found: str | None = None

    def __call__(self, output: bytes) -> str | None:
        if self.astray and (line := self.keeper.astray(output[:4096].decode("utf-8", "replace"))):
            return f"the model's answer began with line {line} of the file, not with the code to change"
        end = output.rfind(b"\n") + 1
        if end <= self.read or self.found:
            return self.found
        new = output[self.read:end].decode("utf-8", "replace").split("\n")[:-1]
        self.read = end
        for line in new:
            self.lines.append(line.strip())
            block = tuple(self.lines[-BLOCK_LINES:])
            if len(block) < BLOCK_LINES or sum(any(c.isalnum() for c in s) for s in block) < WORDY:
                continue
            self.seen[block] += 1
            if self.seen[block] >= max(TIMES, self.original[block] + 1):
                self.found = (f"the model's answer went round in a loop ({block[0][:60]!r} and the {BLOCK_LINES - 1} lines "
                              f"after it, {self.seen[block]} times): stopped; a smaller region (a selection, --lines) "
                              "may help")
                return self.found
        return None


def _blocks(lines: list[str]) -> list[tuple[str, ...]]:
    return [tuple(lines[i:i + BLOCK_LINES]) for i in range(len(lines) - BLOCK_LINES + 1)]
