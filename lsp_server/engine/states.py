"""Prompt states kept in memory: the KV cache of a prompt the model moved away from, restored when a
later prompt begins the same way (pure: token lists and llama.cpp's opaque bytes).

The model holds one sequence. An agent's batch that edits shlex.py, then client.go, then shlex.py
again, or an editor user who goes back to the file they edited before, prefilled the first file's
prompt from scratch the second time (6.5 s of a 9.8 s edit on the 1.5B). A prompt of at least
MIN_TOKENS that the next prompt leaves is kept (its prompt part, not the answer after it); a prompt that
shares MIN_TOKENS more with a kept one than with the cache as it stands gets it back, and prefills
only its own tail. Least recently used first out, within `max_bytes`.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Sequence

import numpy as np

# Fewer tokens than this are as cheap to prefill again as to keep (a state copies ~28 KB per token on the 1.5B).
MIN_TOKENS = 256


def common_prefix(a: Sequence[int] | np.ndarray, b: Sequence[int] | np.ndarray) -> int:
    """How many tokens two lists share from their starts."""
    n = min(len(a), len(b))
    if n == 0:
        return 0
    differ = np.flatnonzero(np.asarray(a[:n]) != np.asarray(b[:n]))
    return int(differ[0]) if len(differ) else n


class PromptStates:
    """Kept prompt states: tokens -> the bytes llama.cpp gave for the sequence holding exactly them."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.entries: OrderedDict[tuple[int, ...], bytes] = OrderedDict()
        self.restored = 0  # tokens not prefilled thanks to a kept state (the stats say it)

    @property
    def size(self) -> int:
        return sum(len(blob) for blob in self.entries.values())

    def worth_keeping(self, tokens: Sequence[int], kept_after: int) -> bool:
        """Whether a prompt of `tokens`, of which the next prompt keeps `kept_after`, should be kept."""
        return self.max_bytes > 0 and len(tokens) >= MIN_TOKENS and kept_after + MIN_TOKENS <= len(tokens)

    def put(self, tokens: Sequence[int], blob: bytes) -> None:
        """Keep a state; one whose tokens begin this one's, or are all of them, goes (this one serves for it)."""
        key = tuple(tokens)
        if not blob or len(blob) > self.max_bytes:
            return
        for old in [k for k in self.entries if len(k) <= len(key) and key[:len(k)] == k]:
            del self.entries[old]
        self.entries[key] = blob
        while self.size > self.max_bytes:
            self.entries.popitem(last=False)

    def best(self, tokens: Sequence[int], have: int) -> tuple[tuple[int, ...], int] | None:
        """The kept state that shares the most with `tokens`, and how many it shares, where that is
        MIN_TOKENS more than the `have` tokens the cache shares with them now; None where none does."""
        want = np.asarray(tokens)
        shared = {key: common_prefix(key, want) for key in self.entries}
        key = max(shared, key=shared.get, default=None)
        return None if key is None or shared[key] < have + MIN_TOKENS else (key, shared[key])

    def take(self, key: tuple[int, ...]) -> bytes:
        """A kept state's bytes, to restore; it becomes the most recently used."""
        self.entries.move_to_end(key)
        return self.entries[key]
