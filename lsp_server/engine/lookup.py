"""Drafts for the text the model writes itself: the tokens that followed the output's last tokens where they occurred before.

Where the model changes code, the output stands nowhere in a draft text and each token costs a pass.
Much of what it writes there was written before, in the prompt or the answer: a name from the
code ("values"), a call it repeats at each line it changes ("logger.info("), a parameter list
copied into a doc comment. As in prompt-lookup decoding, the output's last tokens are looked up in
the prompt and the output so far, and what followed their longest, latest match is proposed; the
model verifies it greedily, so the output is the same as without it. On a CPU a pass costs by the
token, so engine/pacing.py cuts each such draft to what its learned acceptance pays for.
"""

from __future__ import annotations

from typing import Sequence

# A match is looked up by the output's last KEY tokens, then extended backwards up to LONGEST tokens.
KEY = 2
LONGEST = 12
# How many earlier occurrences of a key are compared (the latest first).
CANDIDATES = 32


class Lookup:
    """An index of the token pairs in the prompt and the output, grown as the output grows."""

    def __init__(self, prompt: Sequence[int]):
        self.tokens: list[int] = []
        self._at: dict[tuple[int, ...], list[int]] = {}  # key -> positions just past its occurrences
        self.extend(prompt)
        self.match = 0  # the length of the match the last proposal continued (tokens)

    def extend(self, tokens: Sequence[int]) -> None:
        seq = self.tokens
        for token in tokens:
            seq.append(token)
            if len(seq) >= KEY:
                self._at.setdefault(tuple(seq[-KEY:]), []).append(len(seq))

    def propose(self, limit: int) -> list[int]:
        """Up to `limit` tokens that followed the longest (then latest) earlier match of the sequence's tail."""
        seq, self.match = self.tokens, 0
        n = len(seq)
        if n < KEY or limit <= 0:
            return []
        best, best_len = None, 0
        for end in reversed(self._at.get(tuple(seq[-KEY:]), [])[-CANDIDATES - 1:]):
            if end >= n:
                continue  # the tail itself
            length = KEY
            while length < LONGEST and end - length > 0 and seq[end - length - 1] == seq[n - length - 1]:
                length += 1
            if length > best_len:
                best, best_len = end, length
        if best is None:
            return []
        self.match = best_len
        return seq[best:min(best + limit, n)]
