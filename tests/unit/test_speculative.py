"""The speculative loop and the draft pointer against a scripted model that 'predicts' a target text."""

from __future__ import annotations

import numpy as np
import pytest

from lsp_server.engine.draftdiff import changed_ranges
from lsp_server.engine.drafts import Drafter
from lsp_server.engine.drafttext import DraftText
from lsp_server.engine.speculative import LoopOptions, LoopStats, accepted_mask, shorter_fence_end, speculative_edit
from tests.scripted import EOS, ByteModel

FENCE = b"```"


class ScriptedModel(ByteModel):
    """Byte-level fake: token i is byte i; after the prompt it predicts `target`, then EOS.

    It tracks its KV cache like the real model, so rollback mistakes show up as wrong predictions.
    """

    def __init__(self, prompt: bytes, target: bytes, positional: bool = False):
        self.positional = positional  # predict target[i] at output position i whatever came before
        self.prompt = list(prompt)
        self.target = list(target)
        self.kv_tokens: list[int] = []
        self.decode_calls = 0

    def _predict(self, context: list[int]) -> int:
        produced = context[len(self.prompt):]
        if not self.positional and produced != self.target[: len(produced)]:
            return EOS  # the cache holds tokens the script never produced: a rollback bug
        return self.target[len(produced)] if len(produced) < len(self.target) else EOS

    def _row(self) -> np.ndarray:
        return self._logits(self._predict(self.kv_tokens))

    def prefill(self, tokens, cancelled=None, then=(), then_logits=()):
        self.kv_tokens = list(tokens)
        return self._after_prompt(then, then_logits)


def draft_text(text: bytes, **kw) -> DraftText:
    return DraftText.from_tokens(list(text), lambda t: bytes([t]), **kw)


def run(original: bytes, target: bytes, speculate=True, cancel_after=None, lookup=True, stop=FENCE, region_fences=0,
        **drafter_kw):
    prompt = b"code:\n" + original + b"\nedited:\n"
    model = ScriptedModel(prompt, target)
    source = draft_text(original + stop, content_end=len(original))
    drafter = Drafter([source], **drafter_kw)
    stats = LoopStats()
    steps = 0

    def cancelled():
        return cancel_after is not None and steps >= cancel_after

    last = None
    for step in speculative_edit(model, list(prompt), drafter, LoopOptions(speculate=speculate, stop_at_region_end=False, lookup=lookup, stop=stop,
                                                                   region_fences=region_fences),
                                   stats, cancelled):
        steps += 1
        last = step
    return last.output, stats, model, drafter


ORIGINAL = b"def f(x):\n    total = 0\n    for i in x:\n        total += i\n    return total\n"
EDITS = {
    "unchanged": ORIGINAL,
    "insertion": ORIGINAL.replace(b"    return", b"    print(total)\n    return"),
    "deletion": ORIGINAL.replace(b"    total = 0\n", b""),
    "replacement": ORIGINAL.replace(b"total", b"acc"),
    "new_first_line": b"import os\n" + ORIGINAL,
    "rewrite": b"def f(x):\n    return sum(x)\n",
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_speculative_output_equals_plain_output(name):
    target = EDITS[name] + FENCE + b"\nmore"
    spec, spec_stats, _, _ = run(ORIGINAL, target)
    plain, plain_stats, _, _ = run(ORIGINAL, target, speculate=False)
    assert spec == plain == EDITS[name]
    assert spec_stats.stop_reason == plain_stats.stop_reason == "end"
    assert spec_stats.passes <= plain_stats.passes
    assert plain_stats.passes == plain_stats.output_tokens  # one decode per output token; the stop token came free
    # Each output token is a pass's own or a verified draft token: one pass's own token per pass at most.
    assert len(spec_stats.from_draft) == spec_stats.output_tokens and not any(plain_stats.from_draft)
    assert spec_stats.output_tokens - sum(spec_stats.from_draft) <= spec_stats.passes
    assert sum(spec_stats.from_draft) <= spec_stats.accepted_tokens


def test_unchanged_code_is_verified_in_few_passes():
    out, stats, _, _ = run(ORIGINAL, ORIGINAL + FENCE)
    assert out == ORIGINAL
    assert stats.passes <= 4
    assert stats.accepted_tokens >= len(ORIGINAL) - 4


def test_kv_cache_holds_exactly_prompt_and_accepted_output_after_rollbacks():
    target = EDITS["insertion"] + FENCE
    out, stats, model, _ = run(ORIGINAL, target)
    produced = model.kv_tokens[len(model.prompt):]
    # Every token in the cache is one the output took: rejected draft tokens were rolled back.
    assert bytes(produced) == target[: len(produced)]
    assert stats.drafted_tokens > stats.accepted_tokens  # some drafts were rejected


def test_resync_returns_to_the_original_after_an_insertion():
    target = EDITS["new_first_line"] + FENCE
    _, stats, _, drafter = run(ORIGINAL, target, lookup=False)
    assert drafter.stats.divergences >= 1
    assert drafter.stats.resyncs >= 1
    assert stats.accepted_tokens > len(ORIGINAL) // 2
    # The inserted line is written without a draft (byte tokens: one pass a byte), and so are the
    # original's first bytes after it, until the tail holds 8 solid bytes to trust a re-sync in the
    # middle of a line (MIN_SOLID_ELSEWHERE); the rest is copied in few passes.
    inserted = len(b"import os\n")
    assert inserted <= stats.undrafted_passes <= inserted + len(b"def f(x):")
    assert stats.passes - stats.undrafted_passes <= 4


def test_draft_length_grows_after_full_acceptance_and_shrinks_after_rejection():
    drafter = Drafter([draft_text(ORIGINAL)], min_tokens=4, max_tokens=32)
    start = drafter.length
    drafter.feedback(drafted=start, accepted=start)
    assert drafter.length == min(32, start * 2)
    for _ in range(5):
        drafter.feedback(drafted=drafter.length, accepted=drafter.length)
    assert drafter.length == 32
    drafter.feedback(drafted=32, accepted=3)
    assert drafter.length == 16
    for _ in range(5):
        drafter.feedback(drafted=drafter.length, accepted=0)
    assert drafter.length == 4


def test_cancellation_stops_within_one_pass():
    _, stats, _, _ = run(ORIGINAL, ORIGINAL + FENCE, cancel_after=1, max_tokens=4)
    assert stats.stop_reason == "cancelled"
    assert stats.passes == 1


def test_stops_at_eos_and_reports_it():
    out, stats, _, _ = run(ORIGINAL, ORIGINAL[:20])
    assert out == ORIGINAL[:20]
    assert stats.stop_reason == "eos"


@pytest.mark.parametrize("speculate", [True, False])
def test_a_shorter_closing_fence_before_eos_ends_the_answer(speculate):
    # The code holds a fence, so ours is four backticks; the model closes with three and stops.
    original = b"s.split(\"```\")\nx = 1\n"
    target = original.replace(b"x = 1", b"x = 2") + b"```\n"
    out, stats, _, _ = run(original, target, speculate=speculate, stop=b"````")
    assert out == original.replace(b"x = 1", b"x = 2")
    assert stats.stop_reason == "end"
    assert bytes(stats.output_token_ids) == out


@pytest.mark.parametrize("output, stop, end", [
    (b"x = 1\n```\n", b"````", 6),
    (b"x = 1\n  ```", b"`````", 6),
    (b"x = 1\n````\n", b"````", None),  # as long as ours: the loop's stop text, not this
    (b"x = 1\n``\n", b"````", None),
    (b"x = 1 ```\n", b"````", None),  # not alone on its line
    (b"x = 1\n", b"````", None),
    (b"```\nx = 1\n```\n", b"````", None),  # a fence line opened it: the region's own, copied, not a close
    (b"```\nx = 1\n```\ny = 2\n```\n", b"````", 20),  # an example it added, then its close
    (b"```sh\npip install\n```\n```\n", b"````", 22),  # one opened with its language
])
def test_shorter_fence_end(output, stop, end):
    assert shorter_fence_end(output, stop) == end
    assert shorter_fence_end(b"/**\n```\nf()\n```\n*/\n" + output, stop, own=2) == (end + 19 if end is not None else None)


def test_proposals_end_on_a_syntax_boundary_and_skip_a_straddling_token():
    # Tokens: two bytes each; boundary at byte 9 falls inside token [8, 10).
    text = b"aabbccddeeffgghh"
    tokens = list(range(8))
    source = DraftText(text, tokens, list(range(0, 17, 2)), chunk_end=lambda lo, limit: 9 if lo <= 9 <= limit else None)
    drafter = Drafter([source], min_tokens=2, max_tokens=8)
    drafter.length = 8
    assert drafter.propose() == [0, 1, 2, 3]  # ends at byte 8: the token crossing byte 9 waits
    unaligned = Drafter([source], min_tokens=2, max_tokens=8, syntax_aligned=False)
    unaligned.length = 8
    assert unaligned.propose() == tokens


def test_no_proposal_while_the_output_is_between_draft_tokens():
    source = DraftText(b"aabb", [0, 1], [0, 2, 4])
    drafter = Drafter([source])
    drafter.advance(b"a", b"a")  # matches the original but ends inside token 0
    assert drafter.pos == 1 and drafter.propose() == []
    drafter.advance(b"a", b"aa")
    assert drafter.propose() == [1]


def test_forced_draft_changes_win_over_the_model():
    original = ORIGINAL
    renamed = ORIGINAL.replace(b"total", b"summa")
    prompt = b"p"
    model = ScriptedModel(prompt, original + FENCE, positional=True)  # the model would keep "total"
    led = draft_text(renamed + FENCE, content_end=len(renamed), forced=changed_ranges(original, renamed))
    drafter = Drafter([led, draft_text(original + FENCE, content_end=len(original))])
    stats = LoopStats()
    for step in speculative_edit(model, list(prompt), drafter, LoopOptions(), stats):
        pass
    assert step.output == renamed


def test_changed_ranges_mark_the_replaced_words():
    assert changed_ranges(b"a total b", b"a subtotal b") == [(2, 10)]
    assert changed_ranges(b"same", b"same") == []


def _led_run(draft: bytes, target: bytes, positional: bool) -> bytes:
    """A draft-led edit under typical acceptance against a model that would write `target`."""
    model = ScriptedModel(b"p", target + FENCE, positional=positional)
    led = draft_text(draft + FENCE, content_end=len(draft), led=True)
    drafter = Drafter([led, draft_text(ORIGINAL + FENCE, content_end=len(ORIGINAL))], max_jump=512)
    for step in speculative_edit(model, list(b"p"), drafter, LoopOptions(acceptance="typical", typical_ratio=0.01), LoopStats()):
        pass
    return step.output


def test_a_draft_led_edit_keeps_lines_the_model_would_skip():
    renamed = ORIGINAL.replace(b"total", b"summa")
    skipping = renamed.replace(b"    summa = 0\n", b"")  # the model jumps ahead over a line of the draft
    assert _led_run(renamed, skipping, positional=True) == renamed


def test_a_draft_led_edit_takes_new_text_from_the_model():
    renamed = ORIGINAL.replace(b"total", b"summa")
    annotated = renamed.replace(b"return summa", b"return summa*Q")  # text the draft does not hold
    assert _led_run(renamed, annotated, positional=False) == annotated


def test_misplaced_only_applies_to_draft_led_texts():
    plain = Drafter([draft_text(b"x = 1\ny = 2\n")])
    assert not plain.misplaced(b"y")
    led = Drafter([draft_text(b"x = 1\ny = 2\n", led=True)])
    assert led.misplaced(b"y") and led.misplaced(b"\n") and not led.misplaced(b"zz")


def test_a_mirrored_source_re_syncs_from_where_the_output_stands():
    original = b"a()\nb()\nc()\nb()\nd()\n"
    led = draft_text(original.replace(b"a()", b"A()"), led=True)
    drafter = Drafter([led, draft_text(original)])
    drafter.mirror(1, lambda pos: pos)  # the same length: positions correspond
    output = led.data[:12]
    drafter.advance(output, output)  # "A()\nb()\nc()\n"
    assert drafter.last_pos[1] == 12  # a later re-sync into the original searches from here, not from 0


def test_a_deletion_forces_the_words_on_both_sides():
    original, draft = b"        return out;\n    }\n", b"        out\n    }\n"
    ranges = changed_ranges(original, draft)
    # Taking `out` (and the line end after the deleted `;`) as drafted keeps `return` and `;` out.
    assert ranges == [(0, 16)] and draft[8:16] == b"out\n    "
    # `>=` -> `>`: the ` >` before the deleted `=` is forced too (a tokenizer's ` >=` is one token).
    original, draft = b"if (n >= width) {\n", b"if (n > width) {\n"
    assert changed_ranges(original, draft) == [(6, 8)] and draft[6:8] == b"> "


def two_byte_text(text: bytes) -> DraftText:
    """A draft tokenized two bytes a token, which can re-tokenize any piece the same way."""
    starts = list(range(0, len(text), 2)) + [len(text)]
    tokens = [int.from_bytes(text[a:b].ljust(2, b"\0"), "big") for a, b in zip(starts, starts[1:])]
    source = DraftText(text, tokens, starts)
    source.retokenize = lambda piece: [(int.from_bytes(piece[i:i + 2].ljust(2, b"\0"), "big"), piece[i:i + 2])
                                       for i in range(0, len(piece), 2)]
    return source


def test_drafting_resumes_inside_a_draft_token_by_tokenizing_the_rest_of_the_line():
    source = two_byte_text(b"aabbc\nddee\n")
    drafter = Drafter([source], syntax_aligned=False)
    drafter.advance(b"a", b"a")  # the model's token ends inside the draft's first token
    assert drafter.pos == 1
    chunk = drafter.propose()
    # "abbc\n" tokenized anew (ab, bc, \n), then the draft's own tokens from the next line.
    assert [drafter._proposed[i] for i in range(3)] == [(1, 3), (3, 5), (5, 6)]
    assert chunk[3:] == source.tokens[3:] and drafter._proposed[3][0] == 6
    assert drafter.peek()[0] == chunk[0]


def test_forced_bytes_are_found_for_tokens_drafted_inside_a_draft_token():
    source = two_byte_text(b"aaZZbb\n")
    source.forced = [(2, 4)]
    drafter = Drafter([source], syntax_aligned=False)
    drafter.advance(b"a", b"a")
    chunk = drafter.propose()
    assert drafter.forced_mask(len(chunk)) == [True, True, False]  # aZ, Zb overlap the forced ZZ; b\n does not


FUNCTIONS = (b"def mean(values):\n    if not values:\n        raise ValueError('mean of empty')\n    return 1\n\n\n"
             b"def median(values):\n    \"\"\"Return the middle value.\"\"\"\n    if not values:\n"
             b"        raise ValueError('median of empty')\n    return 2\n")


def test_a_re_sync_that_the_output_leaves_at_once_does_not_move_later_searches():
    drafter = Drafter([draft_text(FUNCTIONS)])
    output = FUNCTIONS[:18]  # "def mean(values):\n"
    drafter.advance(output, output)
    new = b'    """Return the'  # a new docstring: its words match the next function's, by chance
    drafter.advance(new, output + new)
    output += new
    assert drafter.pos is not None and drafter.tentative_from == drafter.pos  # tentative: not confirmed
    assert drafter.last_pos[0] == 18 and drafter.original_pos is None  # no sync point for streaming
    rest = b' mean."""\n    if not values:\n        raise'
    drafter.advance(rest, output + rest)
    # The output re-joins mean's body, not median's.
    assert drafter.pos == FUNCTIONS.index(b"        raise ValueError('mean") + len(b"        raise")


def test_a_short_tail_does_not_re_sync_far_away():
    far = b"x = 1\n" + b"#" * 4000 + b"\nvalue_of_y\n"
    drafter = Drafter([draft_text(far)])
    drafter.advance(b"x = 1\n", b"x = 1\n")
    drafter.advance(b"value_of_y", b"x = 1\nvalue_of_y")  # 10 bytes: too short to trust 4 KB ahead
    assert drafter.pos is None


def test_a_look_alike_line_after_the_region_does_not_end_the_edit_but_running_on_into_it_does():
    region = b"def mean(values):\n    return sum(values)\n"
    beyond = b"\n\ndef median(values: Sequence[float]) -> float:\n    return 0\n"

    def drafter():
        after = draft_text(region + beyond, content_end=len(region))
        after.ends_only_when_crossed = True
        return Drafter([draft_text(region + FENCE, content_end=len(region), ends_edit=False), after])
    # The model gives mean() the signature median() has: its tail matches after the region.
    look_alike = b"def mean(values: Sequence[float]) -> float:\n"
    d = drafter()
    d.advance(look_alike, look_alike)
    assert d.source == 1 and d.pos > len(region) and not d.at_content_end
    # The model writes the region (its last line changed) and runs on into the file's next lines.
    run_on = b"def mean(values):\n    return sum(values) / 2\n\n\ndef median(values"
    d = drafter()
    for i in range(len(run_on)):  # a byte a step, as the loop gives the drafter its tokens
        d.advance(run_on[i:i + 1], run_on[:i + 1])
        if d.at_content_end:
            break
    assert d.source == 1 and d.at_content_end
    # Cut where the region ends: the model's last line of it kept, the file's next lines not.
    assert run_on[:i + 1 - d.overshoot].endswith(b"    return sum(values) / 2\n")


def test_an_answer_that_goes_straight_on_into_the_next_lines_is_empty():
    # Asked to remove the method, the model (after the answer's indentation, which the prompt wrote)
    # writes the next method's opening: all of it lies past the region's end, and so does the line
    # break before it, so the region's answer is empty (it was cut a few bytes from its end, as a
    # negative index, leaving "    def report(").
    region = b"def save(self):\n        pass\n"  # the region after its lead ("    ")
    beyond = b"\n    def report(self):\n        return 1\n"
    after = draft_text(region + beyond, content_end=len(region))
    after.ends_only_when_crossed = True
    drafter = Drafter([draft_text(region + FENCE, content_end=len(region), ends_edit=False), after])
    prompt = b"p"
    model = ScriptedModel(prompt, b"def report(self):\n        return 1\n" + FENCE)
    stats = LoopStats()
    last = None
    for last in speculative_edit(model, list(prompt), drafter, LoopOptions(), stats):
        pass
    assert last is not None and last.output == b""


def test_the_first_chunk_is_verified_in_the_prompts_pass_forced_first_token_or_not():
    renamed = ORIGINAL.replace(b"total", b"summa")
    first_line = renamed.index(b"\n") + 1
    outputs = {}
    for forced_first in (True, False):
        model = ScriptedModel(b"p", renamed + FENCE)
        joined = []
        prefill = model.prefill
        model.prefill = lambda tokens, cancelled=None, then=(), then_logits=(): (
            joined.append(bool(then)) or prefill(tokens, cancelled, then, then_logits))
        forced = changed_ranges(ORIGINAL, renamed)
        led = draft_text(renamed + FENCE, content_end=len(renamed), led=True,
                         forced=[(0, first_line)] + forced if forced_first else forced)
        drafter = Drafter([led, draft_text(ORIGINAL + FENCE, content_end=len(ORIGINAL))])
        stats = LoopStats()
        for step in speculative_edit(model, list(b"p"), drafter, LoopOptions(acceptance="typical"), stats):
            pass
        outputs[forced_first] = step.output
        # A forced first token is the draft's whatever the prompt's last row says; an unforced one is
        # checked by that row, in the same pass: either way the prompt's pass carries the first chunk.
        assert joined == [True], joined
        assert model.kv_tokens[:1] == list(b"p") and stats.stop_reason == "end"
    assert outputs[True] == outputs[False] == renamed


def test_strict_bytes_are_verified_greedily_under_typical_acceptance_and_chunks_stop_around_them():
    source = two_byte_text(b"aabbccddeeff\n")
    source.strict = [(4, 8)]
    drafter = Drafter([source], syntax_aligned=False)
    chunk = drafter.propose()
    assert drafter.strict_mask(len(chunk)) == [False, False]  # aa bb: the chunk ends where strict text begins
    logits = np.zeros((2, 8), dtype=np.float32)
    logits[:, 1] = 1.0  # the model prefers token 1; token 0 is within the typical bound
    assert list(accepted_mask(logits, [0, 0], "typical", 0.3, [False, False], [False, True])) == [True, False]


# Five functions; the edit gives every one type hints (a change in each "def" line): a text that is no
# benchmark task.
FUNCS = b"".join(b"def f%d(a, b):\n    c = a * %d + b\n    d = c - a\n    return d + c\n\n\n" % (i, i) for i in range(5))
HINTED = FUNCS.replace(b"(a, b):", b"(a: int, b: int) -> int:")


def test_after_two_lines_alike_are_changed_the_next_one_is_verified_in_a_pass_of_its_own():
    drafter = Drafter([draft_text(FUNCS)], min_tokens=1, max_tokens=256)
    changed = drafter.changed_like
    assert changed.cut_points(FUNCS, 0, len(FUNCS)) == []  # nothing changed yet: nothing expected
    first, second, third = (FUNCS.index(b"def f%d" % i) for i in range(3))
    changed.note(FUNCS, first, b"def f0(a: int")  # in the line
    assert changed.cut_points(FUNCS, 0, len(FUNCS)) == []  # one change is no pattern
    changed.note(FUNCS, second, b"def f1(a: int")
    points = changed.cut_points(FUNCS, second + 20, len(FUNCS))
    third_end = FUNCS.index(b"\n", third) + 1
    assert points[:2] == [third, third_end] and len(points) == 6  # f2, f3, f4: each def line alone
    drafter.pos = second + 20  # copying f1's body
    chunk = drafter.propose()
    assert bytes(chunk) == FUNCS[second + 20:third]  # the chunk ends before the next def line
    drafter.pos = third
    assert bytes(drafter.propose()) == FUNCS[third:third_end]  # and that line is verified alone


def test_a_change_at_a_line_start_expects_lines_after_a_line_alike():
    text = b"    x = 1\n    y = 2\nfunc a() {\n    z = 3\n}\nfunc b() {\n    w = 4\n}\nfunc c() {\n    v = 5\n}\n"
    drafter = Drafter([draft_text(text)])
    for name in (b"a", b"b"):  # something inserted at the start of the line after each "func" line
        body = text.index(b"\n", text.index(b"func %s" % name)) + 1
        drafter.changed_like.note(text, body, b"    // doc\n")
    c = text.index(b"func c")
    body = text.index(b"\n", c) + 1
    assert drafter.changed_like.cut_points(text, c, len(text)) == [body]  # the chunk ends before that line
    for pos in (body, body + 2):  # and nothing is drafted in its indentation: the model writes its own start
        drafter.pos = pos
        assert drafter.propose() == []
    drafter.pos = c
    assert bytes(drafter.propose()) == text[c:body]


LOGGED = b"".join(b"def g%d(x):\n    y = x + %d\n    print(y)\n    return y\n\n\n" % (i, i) for i in range(5))


def test_lines_changed_at_their_start_cost_no_refused_draft_once_alike(monkeypatch):
    target = LOGGED.replace(b"    print(", b"    log.info(")
    refusals = []
    feedback = Drafter.feedback

    def record(self, drafted, accepted):
        if self.last_pos[0] > LOGGED.index(b"def g2") and accepted < drafted:
            refusals.append(drafted - accepted)
        feedback(self, drafted, accepted)

    monkeypatch.setattr(Drafter, "feedback", record)
    out, _, _, drafter = run(LOGGED, target + FENCE, min_tokens=4, max_tokens=256)
    assert out == target and drafter.changed_like.counts["start", b"print"] == 5
    assert refusals == []  # from g2 on, each chunk ends before the print line and none is drafted there


def test_lines_alike_cost_fewer_refused_draft_tokens_and_change_nothing(monkeypatch):
    from lsp_server.engine import alike

    def refused_from_f2(target: bytes) -> list[int]:
        """Draft tokens turned down per pass once the output is past f1 (the third def line on)."""
        refusals = []
        feedback = Drafter.feedback

        def record(self, drafted, accepted):
            if self.last_pos[0] > FUNCS.index(b"def f2") - 4 and accepted < drafted:
                refusals.append(drafted - accepted)
            feedback(self, drafted, accepted)

        monkeypatch.setattr(Drafter, "feedback", record)
        out, _, _, _ = run(FUNCS, target + FENCE, lookup=False, min_tokens=4, max_tokens=256)
        monkeypatch.setattr(Drafter, "feedback", feedback)
        assert out == target  # the rule changes how the draft is cut, never the output
        return refusals

    predicted = refused_from_f2(HINTED)
    monkeypatch.setattr(alike, "REPEATS_TO_PREDICT", 10**9)
    unpredicted = refused_from_f2(HINTED)
    # Without the rule, chunks over f2, f3 and f4 are turned down at their def lines, the body after
    # each wasted; with it, each def line is verified alone and only its changed tail is turned down.
    assert sum(unpredicted) > 3 * len(b"    c = a * 2 + b\n    d = c - a\n")
    assert predicted == [len(b", b):\n")] * 3, predicted


def test_one_change_is_no_pattern():
    one = FUNCS.replace(b"def f0(a, b):", b"def f0(a: int, b: int) -> int:")
    out, stats, _, drafter = run(FUNCS, one + FENCE, min_tokens=4, max_tokens=256)
    assert out == one and drafter.changed_like.counts == {("line", b"def"): 1}
    assert drafter.changed_like.cut_points(FUNCS, 0, len(FUNCS)) == []


def test_a_closing_fence_counts_after_indentation_only_at_a_line_start():
    from lsp_server.engine.speculative import stop_index

    assert stop_index(b"   ```", b"```", 6) == 0  # an empty answer after the region's indentation
    assert stop_index(b"x = 1\n\t```\n", b"```", 11) == 6  # the fence's indentation is not the answer's
    assert stop_index(b'x = "```"\n', b"```", 10) is None  # inside a line of code
    assert stop_index(b'x = "```"\n', b"```", 5, line_start=False) == 5


def test_a_region_with_a_fence_line_of_its_own_is_not_ended_by_one():
    from lsp_server.engine.speculative import fence_lines
    original = b"Run:\n\n```sh\nmake test\n```\n"
    assert fence_lines(original) == 2 and fence_lines(b'parts = doc.split("\\n```")\n') == 0  # ```sh opens one
    # The model copies the region, its own closing fence included, and stops: not taken as our fence.
    out, stats, _, _ = run(original, original, speculate=False, stop=b"````", region_fences=2)
    assert out == original and stats.stop_reason == "eos"
    # One more, at the end: the region's fence copied, then the answer's close (a TypeScript doc's example).
    out, stats, _, _ = run(original, original + b"```\n", speculate=False, stop=b"````", region_fences=2)
    assert out == original and stats.stop_reason == "end"


def test_a_near_tie_goes_to_the_draft_under_greedy_verification():
    # 0.505 against 0.493 (the 1.5B, joining two comment lines that one-token decoding kept): the draft's stands
    row = np.log(np.array([0.002, 0.505, 0.493], dtype=np.float32))
    assert accepted_mask(row[None, :], [2], "greedy", 0.3, [False], tie=0.1)[0]
    assert not accepted_mask(row[None, :], [2], "greedy", 0.3, [False])[0]  # without the tie: the argmax only
    assert not accepted_mask(row[None, :], [0], "greedy", 0.3, [False], tie=0.1)[0]  # far below: the model's
    from lsp_server.engine.speculative import choose
    assert choose(row, (2, False, False), "greedy", 0.3, 0.1) == 2 and choose(row, None, "greedy", 0.3, 0.1) == 1
