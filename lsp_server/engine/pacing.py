"""How much of a draft to verify in the next pass: the length with the most expected tokens per second.

On a GPU a forward pass of 64 tokens costs about what one of 1 token does, so a long draft is
nearly free and the drafter's own length (it doubles while the model accepts, halves on a
rejection) is right. On a CPU a pass costs by the token, and unevenly: Qwen2.5-Coder-1.5B on this
project's 2 cores takes 44 ms for 1 token, 92 ms for 2, 296 ms for 8, 339 ms for 16 and 684 ms
for 64 (docs/measurements.md). There a draft the model turns down at its first token costs what
seven generated tokens do, and 9 tokens cost what 16 do.

A `Pacer` learns both sides while the model runs:
- what a pass of b tokens costs here: the median of its last timings, interpolated between the
  sizes measured (`PassCosts`);
- how likely the model is to take the next draft token near a change: back on the original
  within a line or two of one (changes come in clusters), or just re-joined to it on a match that
  may be chance (`Acceptance`); a pass that sends no draft still counts, by whether the model's
  token is the draft's;
and there cuts the draft to the length with the most expected tokens per second of the pass,
which may be none: the model then writes the next token alone, at one token's cost. Where the
output has followed the original for a while, the drafter's own length stands (PRIOR says why).

Greedy acceptance is lossless whatever the length, so this changes speed, never the output.
"""

from __future__ import annotations

import statistics
from bisect import bisect_left, insort
from collections import deque

# Timings kept per pass size; their median is the size's cost (a first pass of a size can be slow).
KEEP_TIMINGS = 7
# How far the output must have followed a draft since it last turned away (or began) before it is
# taken for a long copy (bytes, about a line or two of code): the model's changes come in clusters.
RESUMED_BYTES = 64
# The states in which a draft is cut, near a change, where the model often turns away, with the
# prior for each as (tokens taken, drafts turned down), worth 20 passes' events until the model's
# own passes outweigh it. Measured on the 1.5B's 25 free-form edits, just re-joined: 940 draft
# tokens taken and 71 drafts turned down (p = 0.93; 36 of the 71 at their first token); "resumed"
# was set at p = 0.95 and measured afterwards at 0.98 (1,438 taken, 30 turned down).
# Where the output has followed the original for a while ("following": 3,216 taken, 41 turned
# down), the drafter's own length stands (it doubles while the model accepts): a long copy's
# hazard is far below any state's average, which the refusals at the edges of changes make
# (measured: pacing that state too cost the copy-heavy edits more than it saved the others,
# 138.3 s against 142.8 s unpaced over the 25 free-form tasks on the 1.5B).
# "turned": the model turned down a draft token but wrote bytes that agree with it so far (it is
# changing the line, or tokenizing it otherwise); set at p = 0.5, where a CPU sends no draft and the
# model's own tokens teach the estimate. Rare: over the same 25 edits it held for 2 passes, and in
# both the model's next token was not the draft's; before it, drafts of 56 and 81 tokens went out
# there as a long copy ("following") and were turned down at their first token (0.89 s, 0.96 s).
# "lookup": a draft looked up in the prompt and output while the model writes its change
# (engine/lookup.py); set at p = 0.5.
# "inline": "rejoined" where the re-sync landed inside a line the output changed before that point
# ("return 2 * compute_total(values" re-joining "return compute_total(values"): the rest of such a
# line often changes too (a template literal for a concatenation), so a short draft there was often
# turned down at the cost of a pass of 3 tokens; set at p = 0.5 and learned apart. A/B over the
# 1.5B's 25 free-form edits (bench/pacing_ab.py --compare inline): 142.1 s -> 132.0 s, 20 faster;
# the 13 held-out ones of bench/dev: 43.2 s -> 43.0 s, 7 faster (no change).
PRIOR = {"resumed": (19.0, 1.0), "rejoined": (18.6, 1.4), "turned": (10.0, 10.0), "lookup": (5.0, 5.0),
         "inline": (10.0, 10.0)}
PACED_STATES = tuple(PRIOR)
# Counts are scaled down past this many events, so the estimate follows the current edit's text.
MAX_EVENTS = 400.0


def state_of(drafter) -> str:
    """Where the output stands: "rejoined" while a re-sync is unconfirmed (the match may be chance;
    "inline" where it landed inside a line the output has changed before that point),
    "turned" from a turned-down draft token whose bytes the model wrote anyway to the line's end,
    "resumed" within RESUMED_BYTES of where it began or last turned away, else "following"."""
    if drafter.tentative_from is not None:
        return "inline" if drafter.inline else "rejoined"
    if drafter.turned:
        return "turned"
    return "resumed" if drafter.followed < RESUMED_BYTES else "following"


class PassCosts:
    """Seconds one forward pass of b tokens takes, from this model's own passes."""

    def __init__(self) -> None:
        self._timings: dict[int, deque[float]] = {}
        self._sizes: list[int] = []  # sorted sizes with timings
        self._median: dict[int, float] = {}
        self._cost: dict[int, float] = {}

    def record(self, size: int, seconds: float) -> None:
        timings = self._timings.get(size)
        if timings is None:
            timings = self._timings[size] = deque(maxlen=KEEP_TIMINGS)
            insort(self._sizes, size)
        timings.append(seconds)
        self._median[size] = statistics.median(timings)
        # A pass of fewer tokens never costs more than a longer one (it could be padded to it): each
        # size's cost is the least median at that size or above, so a slow outlier (another process
        # on the machine) does not make a size look dear for good.
        self._cost = {}
        least = float("inf")
        for s in reversed(self._sizes):
            least = self._cost[s] = min(least, self._median[s])

    def cost(self, size: int) -> float | None:
        """Seconds for a pass of `size` tokens: measured, interpolated between measured sizes, or past
        the largest along the last two sizes' slope; None below the smallest measured size."""
        sizes, cost = self._sizes, self._cost
        i = bisect_left(sizes, size)
        if i < len(sizes) and sizes[i] == size:
            return cost[size]
        if i == 0:
            return None
        if i == len(sizes):
            i -= 1  # extrapolate along the last segment (or, with one size, in proportion to it)
            if i == 0:
                return cost[sizes[0]] * size / sizes[0]
        lo, hi = sizes[i - 1], sizes[i]
        return cost[lo] + (cost[hi] - cost[lo]) * (size - lo) / (hi - lo)

    @property
    def known(self) -> bool:
        """Whether one-token passes and some longer one have been timed: enough to compare lengths."""
        return len(self._sizes) >= 2 and self._sizes[0] == 1


class Acceptance:
    """Per drafter state, the chance that the model takes the next draft token (a geometric model:
    each token taken with the same chance, until the first one turned down)."""

    def __init__(self) -> None:
        self._counts = {state: list(prior) for state, prior in PRIOR.items()}

    def observe(self, state: str, drafted: int, taken: int) -> None:
        counts = self._counts.get(state)
        if counts is None:  # a state whose drafts are not cut
            return
        counts[0] += taken
        counts[1] += taken < drafted
        total = counts[0] + counts[1]
        if total > MAX_EVENTS:
            counts[0] *= MAX_EVENTS / total
            counts[1] *= MAX_EVENTS / total

    def chance(self, state: str) -> float:
        taken, refused = self._counts[state]
        return taken / (taken + refused)


def best_length(n: int, chance: float, cost) -> int:
    """Of lengths 0..n, the draft length whose pass gives the most expected tokens per second.

    A pass of L draft tokens evaluates L + 1 tokens (the next token is the model's own, always
    kept) and is expected to give 1 + p + p^2 + ... + p^L of them. `cost(b)` is a pass's seconds.
    """
    one = cost(1)
    best, best_rate = 0, 1.0 / one
    expected, term = 1.0, 1.0
    for length in range(1, n + 1):
        term *= chance
        expected += term
        rate = expected / cost(length + 1)
        if rate > best_rate:
            best, best_rate = length, rate
    return best


class Pacer:
    """A model's pass costs and acceptance, kept for as long as the model is loaded."""

    def __init__(self) -> None:
        self.costs = PassCosts()
        self.acceptance = Acceptance()

    def length(self, n: int, state: str) -> int:
        """How many of a proposed chunk's n tokens to verify: n outside PACED_STATES and until pass
        costs are known."""
        if n == 0 or state not in PACED_STATES or not self.costs.known:
            return n
        return best_length(n, self.acceptance.chance(state), self.costs.cost)

    def observe(self, state: str, size: int, seconds: float, drafted: int, taken: int) -> None:
        self.costs.record(size, seconds)
        if drafted:
            self.acceptance.observe(state, drafted, taken)
