"""The speculative edit loop: verify chunks of the draft in one forward pass, generate only where the model disagrees."""

from __future__ import annotations

import re

import math
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator, Protocol, Sequence

import numpy as np

from .drafts import Drafter
from .lookup import Lookup
from .pacing import Pacer, state_of


class LanguageModel(Protocol):
    """What the loop needs of a model (engine/model.py's Model; a scripted fake in unit tests)."""

    kv_tokens: list[int]

    def prefill(self, tokens: Sequence[int], cancelled: Callable[[], bool] | None = None, then: Sequence[int] = (),
                then_logits: Sequence[int] = ()) -> np.ndarray: ...
    def decode(self, tokens: Sequence[int], logits_at: Sequence[int]) -> np.ndarray: ...
    def truncate(self, n_keep: int) -> None: ...
    def common_prefix(self, tokens: Sequence[int]) -> int: ...
    def piece(self, token: int) -> bytes: ...
    def is_eog(self, token: int) -> bool: ...


@dataclass
class LoopOptions:
    speculate: bool = True
    acceptance: str = "greedy"  # or "typical"
    typical_ratio: float = 0.3
    # Greedy verification takes a draft token whose logit is this close to the top one's (nats): at a near tie
    # the argmax of a many-token pass and of a one-token pass may differ (0.505 against 0.493: a pass of the
    # 1.5B joined two lines of a comment that one-token decoding kept), so the draft's text stands.
    tie: float = 0.1
    max_new_tokens: int = 2048
    stop: bytes = b"```"  # the closing fence
    # an answer closed by a shorter fence, then ended, is complete: where it has one more fence line than the region
    region_fences: int = 0
    stop_at_line_start: bool = True  # the stop text counts only at a line start (a fence); False: anywhere
    # Base models rarely close the fence after copying; the output re-joining the end of the
    # region's code is then the end of the edit.
    stop_at_region_end: bool = True
    record_margins: bool = False  # plain runs: keep each step's top-2 logit margin (tests, benchmark)
    # Where no draft text has a chunk to offer (the model writing its change), draft what followed the
    # output's last tokens where they occurred before (engine/lookup.py); verified greedily.
    lookup: bool = True
    lookup_tokens: int = 16  # the longest such draft
    # A free-form edit whose answer gets its restyled lines back (engine/spacing.py): a token that is the
    # original's text with other spacing inside a line is taken as the original's (engine/respace.py).
    respace: bool = False


@dataclass
class Step:
    """Progress after one forward pass."""

    output: bytes  # everything generated so far
    done: bool = False


@dataclass
class LoopStats:
    prefill_s: float = 0.0
    generate_s: float = 0.0
    prompt_tokens: int = 0
    prefill_tokens: int = 0  # evaluated by prefill (the rest came from the cache)
    passes: int = 0
    drafted_tokens: int = 0
    # Passes with no draft to verify: the output stood nowhere in a draft text (the model writing
    # its change). accepted/drafted is the acceptance where it copies; these passes are the rest.
    undrafted_passes: int = 0
    accepted_tokens: int = 0
    stop_reason: str = ""
    output_token_ids: list[int] = field(default_factory=list)
    # Per output token of the local loop: whether it was a draft token the model verified (True) or
    # a pass's own next token (False); what the benchmark splits by copied and changed lines.
    from_draft: list[bool] = field(default_factory=list)
    margins: list[float] = field(default_factory=list)
    # Definitions (or a statement's edge) a free-form answer left out that were put back (engine/keep.py).
    kept_units: int = 0
    # Bytes of the region taken as they were, unverified, once nothing the request asks for could follow.
    settled_bytes: int = 0
    # Drafts looked up in the prompt and output (engine/lookup.py): per pass (match length, drafted, taken).
    lookups: list[tuple[int, int, int]] = field(default_factory=list)

    @property
    def output_tokens(self) -> int:
        return len(self.output_token_ids)

    @property
    def looked_up_tokens(self) -> int:
        """Output tokens that came from drafts looked up in the prompt and output."""
        return sum(taken for _, _, taken in self.lookups)

    @property
    def tokens_per_s(self) -> float:
        return self.output_tokens / self.generate_s if self.generate_s > 0 else 0.0

    @staticmethod
    def combined(a: "LoopStats", b: "LoopStats") -> "LoopStats":
        """The stats of two runs in turn (the regions of one edit): counts and times add up."""
        return LoopStats(
            prefill_s=a.prefill_s + b.prefill_s,
            generate_s=a.generate_s + b.generate_s,
            prompt_tokens=a.prompt_tokens + b.prompt_tokens,
            prefill_tokens=a.prefill_tokens + b.prefill_tokens,
            passes=a.passes + b.passes,
            drafted_tokens=a.drafted_tokens + b.drafted_tokens,
            undrafted_passes=a.undrafted_passes + b.undrafted_passes,
            accepted_tokens=a.accepted_tokens + b.accepted_tokens,
            stop_reason=b.stop_reason or a.stop_reason,
            output_token_ids=a.output_token_ids + b.output_token_ids,
            from_draft=a.from_draft + b.from_draft,
            margins=a.margins + b.margins,
            kept_units=a.kept_units + b.kept_units,
            settled_bytes=a.settled_bytes + b.settled_bytes,
            lookups=a.lookups + b.lookups,
        )


def accepted_mask(
    logits: np.ndarray, draft: Sequence[int], acceptance: str, ratio: float, forced: Sequence[bool],
    strict: Sequence[bool] | None = None, tie: float = 0.0,
) -> np.ndarray:
    """Per position: does the model accept draft[i] given logits row i (the row predicting it)?

    greedy: the draft token is the argmax, or within `tie` of its logit (lossless up to floating point and
    near ties, which go to the draft).
    typical: its probability is at least `ratio` times the top token's (lossy, follows good drafts).
    forced: accepted whatever the model predicts (a deterministic tool's change, e.g. a rename).
    strict: verified greedily under either rule (text the model may need to change around a tool's guess).
    """
    rows = np.arange(len(draft))
    drafted = np.asarray(draft, dtype=np.int64)
    preds = logits[: len(draft)].argmax(axis=1)
    ok = preds == drafted
    if tie:
        inside = drafted < logits.shape[1]  # (a token no row scores: a test's)
        ok |= inside & (logits[rows, np.where(inside, drafted, 0)] >= logits[rows, preds] - tie)
    if acceptance == "typical":
        lossy = logits[rows, drafted] >= logits[rows, preds] + math.log(ratio)
        ok = lossy if strict is None else np.where(np.asarray(strict, dtype=bool), ok, lossy)
    return ok | np.asarray(forced, dtype=bool)


def accepted_count(logits, draft, acceptance, ratio, forced, strict=None,
                   respaced: Callable[[int, int], bool] | None = None, tie: float = 0.0) -> int:
    """How many draft tokens, from the first, the model accepts; `respaced(i, token)`: whether the model's
    own `token` in place of draft[i] counts as the draft's (engine/respace.py)."""
    if not len(draft):
        return 0
    for i in np.flatnonzero(~accepted_mask(logits, draft, acceptance, ratio, forced, strict, tie)):
        if respaced is None or not respaced(int(i), int(logits[i].argmax())):
            return int(i)
    return len(draft)


def choose(row: np.ndarray, draft_token: tuple[int, bool, bool] | None, acceptance: str, ratio: float,
           tie: float = 0.0) -> int:
    """The next token from one logits row: the draft's token where the rule accepts it, else the argmax."""
    if draft_token is not None:
        token, forced, strict = draft_token
        if accepted_mask(row[None, :], [token], acceptance, ratio, [forced], [strict], tie)[0]:
            return token
    return int(np.argmax(row))


def stop_index(output: bytes, stop: bytes, searched_from: int, line_start: bool = True) -> int | None:
    """Byte index where the output ends at `stop` in output[searched_from - len(stop):], or None: where
    it begins, or, asked for one at a line start, where its line begins (an indented closing fence:
    its indentation is no part of the answer)."""
    start = max(0, searched_from - len(stop) - 1)
    while True:
        hit = output.find(stop, start)
        if hit < 0:
            return None
        if not line_start:
            return hit
        begins = output.rfind(b"\n", 0, hit) + 1
        if not output[begins:hit].strip(b" \t"):
            return begins
        start = hit + 1


def shorter_fence_end(output: bytes, stop: bytes, own: int = 0) -> int | None:
    """Where an answer that ended (an end-of-generation token) closed its code block with a fence shorter
    than `stop`, the opening one: its last line three or more backticks alone, as a model writes where the
    code holds a fence itself and ours is longer, and an odd number more such lines than the `own` its region
    holds (a doc's example, copied, closes with one too; one it adds, with two). The index where that line
    begins; None otherwise."""
    begins = output.rstrip(b" \t\r\n").rfind(b"\n") + 1
    fence = output[begins:].strip()
    if (fence_lines(output) - own) % 2 != 1:
        return None
    return begins if 3 <= len(fence) < len(stop) and fence == b"`" * len(fence) == stop[:len(fence)] else None


def fence_lines(text: bytes) -> int:
    """How many lines of `text` are three or more backticks alone, or an opening fence with a language (```sh)."""
    return sum(1 for line in text.splitlines() if FENCE_LINE.match(line.strip()))


FENCE_LINE = re.compile(rb"`{3,}[\w+#.-]*$")


def top2_margin(row: np.ndarray) -> float:
    two = np.partition(row, -2)[-2:]
    return float(two[1] - two[0])


def speculative_edit(
    model: LanguageModel,
    prompt_tokens: Sequence[int],
    drafter: Drafter,
    options: LoopOptions,
    stats: LoopStats,
    cancelled: Callable[[], bool] = lambda: False,
    pacer: Pacer | None = None,
) -> Iterator[Step]:
    """Generate the edited region after the prompt, yielding a Step per forward pass.

    With a `pacer`, a chunk drafted from the original (not a tool's draft, whose changes are forced)
    near a change is cut to the length expected to give the most tokens per second of the pass
    (engine/pacing.py).

    Ends at the closing fence, an end-of-generation token, the token budget, or cancellation
    (stats.stop_reason says which). The KV cache afterwards holds the prompt and accepted output.
    """
    t0 = time.perf_counter()
    stats.prompt_tokens = len(prompt_tokens)
    stats.prefill_tokens = len(prompt_tokens) - min(model.common_prefix(prompt_tokens), len(prompt_tokens) - 1)
    # A first token that is forced (a tool's draft starts with its unchanged margin line) is taken
    # whatever the prompt's last row says: the prompt is then evaluated in the first verification's
    # pass, one forward pass fewer. row None: the prompt is not evaluated yet.
    # A first token the model must check (a free-form edit starts on the original region) goes in that
    # pass too, as the first of a chunk that the prompt's last row verifies: on a CPU, where a pass costs
    # by the token and less per token the longer it is, one pass of both costs less than the two.
    first = drafter.peek() if options.speculate else None
    joined = first is not None and first[1]
    opening = first is not None and not joined  # no token of the model's own yet: the first pass is a chunk alone
    # logits predicting the next output token
    row = None if first is not None else model.prefill(prompt_tokens, cancelled)
    t1 = time.perf_counter()
    stats.prefill_s = t1 - t0
    output = bytearray()
    tokens = stats.output_token_ids
    lookup = Lookup(prompt_tokens) if options.speculate and options.lookup else None

    def take(new_tokens: Sequence[int], drafted: bool = False) -> bool:
        """Append accepted tokens to the output; True when the edit is complete (fence or region end)."""
        before = len(output)
        for tok in new_tokens:
            output.extend(model.piece(tok))
        tokens.extend(new_tokens)
        if lookup is not None:
            lookup.extend(new_tokens)
        stats.from_draft.extend([drafted] * len(new_tokens))
        drafter.advance(bytes(output[before:]), bytes(output))
        cut = stop_index(output, options.stop, before, options.stop_at_line_start)
        if cut is None and options.speculate and (rest := drafter.settled_rest(output)) is not None:
            output.extend(rest)  # the rest can only be copied: taken as it is
            stats.settled_bytes = len(rest)
            return True
        if cut is None and options.stop_at_region_end and drafter.at_content_end:
            cut = max(0, len(output) - drafter.overshoot)  # the chunk may run into the closing fence
        if cut is None:
            return False
        cut_at(cut, len(new_tokens))
        return True

    def cut_at(cut: int, among: int) -> None:
        """The output ends at byte `cut`: of its last `among` tokens, those that start at or after it are
        not part of it."""
        end, floor = len(output), len(tokens) - among
        while len(tokens) > floor and end - len(model.piece(tokens[-1])) >= cut:
            end -= len(model.piece(tokens.pop()))
        del stats.from_draft[len(tokens):]
        del output[cut:]

    while True:
        # 1. Stop conditions, checked between passes.
        if cancelled():
            stats.stop_reason = "cancelled"
            break
        if len(tokens) >= options.max_new_tokens:
            stats.stop_reason = "budget"
            break
        # 2. The next token is free: the row we have predicts it (the draft's, if the rule accepts it).
        if opening:
            lead: list[int] = []
        elif row is None:
            next_token = first[0]
        else:
            if options.record_margins:
                stats.margins.append(top2_margin(row))
            drafted = drafter.peek()
            next_token = choose(row, drafted, options.acceptance, options.typical_ratio, options.tie)
            if (drafted is not None and next_token != drafted[0] and options.acceptance == "typical"
                    and not drafted[2] and drafter.misplaced(model.piece(next_token))):
                next_token = drafted[0]  # a skip or a repeat of a draft that carries the change: keep the draft
            if drafted is not None and next_token != drafted[0]:
                # The original's text spaced otherwise is the original's (its token, or the part the model
                # chose): the model stays on the draft. Anything else turns away from it.
                instead = drafter.respaced(model.piece(next_token)) if options.respace else None
                if instead is None:
                    drafter.turned_away()
                next_token = next_token if instead is None else instead
        if not opening:
            if model.is_eog(next_token):
                cut = shorter_fence_end(output, options.stop, options.region_fences)
                stats.stop_reason = "eos" if cut is None else "end"
                if cut is not None:
                    cut_at(cut, len(tokens))
                break
            if take([next_token]):
                if row is None:
                    model.prefill(prompt_tokens, cancelled)  # the cache holds the prompt, as always
                stats.stop_reason = "settled" if stats.settled_bytes else "end"
                break
            lead = [next_token]
        # 3. Draft the next chunk from where the output stands in a draft text, else (the model writing
        # its change) from what followed its last tokens where they occurred before.
        draft = drafter.propose() if options.speculate else []
        looked = not draft and lookup is not None and not opening
        if looked:
            draft = lookup.propose(options.lookup_tokens)
        looked = looked and bool(draft)
        paced = options.speculate and pacer is not None and (row is not None or opening) and (looked or not drafter.led)
        draft = draft[: max(0, options.max_new_tokens - len(tokens))]
        state, ahead = ("lookup" if looked else state_of(drafter)), draft[:1]  # ahead: the draft's next token, to learn from when none is sent
        if paced and draft and (length := pacer.length(len(draft), state)) < len(draft):
            draft = draft[:length] if looked else (drafter.propose(length)[:length] if length else [])
        if opening and not draft:  # nothing to send with the prompt after all: evaluate it alone
            began = time.perf_counter()
            row, opening = model.prefill(prompt_tokens, cancelled), False
            stats.prefill_s += time.perf_counter() - began
            t1 = time.perf_counter()
            continue
        forced = [False] * len(draft) if looked else drafter.forced_mask(len(draft))
        strict = [True] * len(draft) if looked else drafter.strict_mask(len(draft))
        # 4. Verify: one decode of lead + draft, lead being the pass's own next token (none in the opening
        # pass, where the prompt's last row, index -1, checks draft[0]). Row i predicts draft[i]; a forced
        # token is accepted whatever its row says, so logits come only where a token is checked, and at the end.
        checked = [i for i, f in enumerate(forced) if not f]
        at = [len(lead) - 1 + i for i in checked] + [len(lead) - 1 + len(draft)]
        began = time.perf_counter()
        if row is None:  # the prompt's tail and the first verification in one pass
            logits = model.prefill(prompt_tokens, cancelled, then=[*lead, *draft], then_logits=at)
            # Its time counts as prefill and generation in proportion to the tokens each evaluated.
            shared = (time.perf_counter() - began) * stats.prefill_tokens / (stats.prefill_tokens + len(lead) + len(draft))
            stats.prefill_s += shared
            t1 += shared
        else:
            logits = model.decode([*lead, *draft], logits_at=at)
        stats.passes += 1
        respaced = None if looked or not options.respace else (
            lambda c, token: drafter.respaced(model.piece(token), checked[c]) == draft[checked[c]])
        passed = accepted_count(logits, [draft[i] for i in checked], options.acceptance, options.typical_ratio,
                                [False] * len(checked), [strict[i] for i in checked], respaced,
                                0.0 if looked else options.tie)  # (what followed before: the model's own text, strictly)
        k = checked[passed] if passed < len(checked) else len(draft)  # the first token not accepted
        if paced and opening:  # the pass carried the prompt's tail too: its cost says nothing of a chunk's
            pacer.acceptance.observe(state, len(draft), k)
        elif paced:  # the pass's cost (the decode and reading its logits), and whether the model took the draft
            if draft:
                pacer.observe(state, 1 + len(draft), time.perf_counter() - began, len(draft), k)
            else:  # none sent: did the model's next token follow the draft anyway?
                pacer.observe(state, 1, time.perf_counter() - began, len(ahead), int(logits[passed].argmax()) in ahead)
        row = logits[passed].copy()  # predicts the token after the accepted run
        # 5. Roll the cache back past the rejected tail of the draft.
        model.truncate(len(model.kv_tokens) - (len(draft) - k))
        stats.drafted_tokens += len(draft)
        stats.undrafted_passes += not draft
        stats.accepted_tokens += k
        if looked:
            stats.lookups.append((lookup.match, len(draft), k))
        else:
            drafter.feedback(len(draft), k)
        opening = False
        if take(draft[:k], drafted=True):
            stats.stop_reason = "settled" if stats.settled_bytes else "end"
            break
        yield Step(bytes(output))
    stats.generate_s = time.perf_counter() - t1
    yield Step(bytes(output), done=True)

