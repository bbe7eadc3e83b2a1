"""Pacing: pass costs learned from timings, acceptance per drafter state, and the draft length they choose."""

from __future__ import annotations

import pytest

from lsp_server.engine.drafts import Drafter
from lsp_server.engine.drafttext import DraftText
from lsp_server.engine.pacing import PRIOR, Acceptance, Pacer, PassCosts, best_length, state_of
from lsp_server.engine.speculative import LoopOptions, LoopStats, speculative_edit

from tests.unit.test_speculative import EDITS, FENCE, ORIGINAL, ScriptedModel, draft_text

# A 2-core CPU's pass costs (seconds by tokens evaluated): about linear to 8 tokens, then cheaper by the token.
CPU = {1: 0.044, 2: 0.092, 5: 0.173, 9: 0.300, 17: 0.339, 33: 0.504, 65: 0.684, 129: 1.145}


def costs(table: dict[int, float]) -> PassCosts:
    pc = PassCosts()
    for size, seconds in table.items():
        pc.record(size, seconds)
    return pc


def test_pass_costs_are_medians_interpolated_between_sizes():
    pc = PassCosts()
    assert pc.cost(1) is None and not pc.known
    for seconds in (0.05, 0.04, 0.90):  # a slow first pass of a size does not count for much
        pc.record(1, seconds)
    assert pc.cost(1) == pytest.approx(0.05) and not pc.known
    pc.record(11, 0.55)
    assert pc.known
    assert pc.cost(6) == pytest.approx(0.05 + 0.5 * 0.5)
    assert pc.cost(22) == pytest.approx(1.10)  # past the largest size: in proportion to it
    assert costs({4: 0.1, 8: 0.2}).cost(2) is None  # below the smallest size nothing is known
    assert not costs({4: 0.1, 8: 0.2}).known  # nor, without one-token passes, what drafting saves


def test_a_slow_pass_does_not_make_a_size_dear_for_good():
    pc = costs({1: 0.044, 17: 0.339, 65: 0.684})
    pc.record(9, 0.900)  # another process had the CPU
    assert pc.cost(9) == pytest.approx(0.339)  # never more than a longer pass
    assert pc.cost(129) == pytest.approx(0.684 + (0.684 - 0.339) * 64 / 48)  # along the last segment


def test_flat_costs_verify_the_whole_draft():
    gpu = costs({1: 0.010, 65: 0.011, 257: 0.014})
    for chance in (0.97, 0.99):
        assert best_length(64, chance, gpu.cost) == 64
    assert best_length(64, 0.3, gpu.cost) > 0  # even a doubtful draft costs next to nothing


def test_a_cpu_drafts_nothing_where_the_model_often_turns_away():
    assert best_length(64, 0.5, costs(CPU).cost) == 0


def test_a_cpu_verifies_long_runs_where_the_model_copies():
    assert best_length(64, 0.987, costs(CPU).cost) == 64
    assert best_length(200, 0.987, costs(CPU).cost) >= 64


def test_an_uncertain_draft_is_cut_to_where_a_pass_is_cheap_by_the_token():
    # 16 tokens cost about what 8 do here: a doubtful draft is cut to the end of that step, not to 8.
    length = best_length(64, 0.93, costs(CPU).cost)
    assert length == 16


def test_acceptance_follows_the_model_per_state():
    acc = Acceptance()
    prior = PRIOR["rejoined"][0] / sum(PRIOR["rejoined"])
    assert acc.chance("rejoined") == pytest.approx(prior)
    for _ in range(30):
        acc.observe("rejoined", drafted=16, taken=0)  # every re-join was chance
    assert acc.chance("rejoined") < 0.5
    assert acc.chance("resumed") == pytest.approx(PRIOR["resumed"][0] / sum(PRIOR["resumed"]))
    for _ in range(1000):  # counts stay bounded, so the estimate can turn again
        acc.observe("resumed", drafted=64, taken=64)
    assert acc.chance("resumed") > 0.99
    for _ in range(20):
        acc.observe("resumed", drafted=64, taken=2)
    assert acc.chance("resumed") < 0.97


def test_the_pacer_drafts_as_proposed_until_costs_are_known():
    pacer = Pacer()
    assert pacer.length(64, "rejoined") == 64
    pacer.observe("following", 1, 0.044, 0, 0)
    assert pacer.length(64, "rejoined") == 64
    pacer.observe("following", 65, 0.684, 64, 64)
    assert pacer.length(64, "following") == 64  # a long copy: the drafter's length stands
    assert 0 < pacer.length(64, "resumed") < 64
    assert pacer.length(64, "rejoined") < pacer.length(64, "resumed")


class FixedCosts(Pacer):
    """A pacer whose pass costs are given, not timed (the scripted model takes no time)."""

    def __init__(self, table: dict[int, float]):
        super().__init__()
        self.costs = costs(table)
        self.cut: list[tuple[str, int, int]] = []

    def length(self, n: int, state: str) -> int:
        length = super().length(n, state)
        self.cut.append((state, n, length))
        return length

    def observe(self, state, size, seconds, drafted, taken):
        if drafted:
            self.acceptance.observe(state, drafted, taken)


def paced_run(target: bytes, pacer: Pacer | None, led: bool = False):
    prompt = b"code:\n" + ORIGINAL + b"\nedited:\n"
    model = ScriptedModel(prompt, target)
    drafter = Drafter([draft_text(ORIGINAL + FENCE, content_end=len(ORIGINAL), led=led)], min_tokens=1)
    stats = LoopStats()
    last = None
    for last in speculative_edit(model, list(prompt), drafter, LoopOptions(stop_at_region_end=False), stats,
                                 pacer=pacer):
        pass
    return last.output, stats


@pytest.mark.parametrize("name", sorted(EDITS))
def test_pacing_changes_the_passes_never_the_output(name):
    target = EDITS[name] + FENCE
    plain, _ = paced_run(target, None)
    _, unpaced = paced_run(target, None)
    linear = FixedCosts({1: 1.0, 2: 2.0, 200: 200.0})  # a pass costs by the token: drafting never pays
    out, stats = paced_run(target, linear)
    assert out == plain == EDITS[name]
    assert stats.drafted_tokens <= unpaced.drafted_tokens
    # Near a change (just re-joined, or back on the original within a line) no draft was sent.
    near = [length for state, n, length in linear.cut if state != "following"]
    assert near and all(length == 0 for length in near)
    flat = FixedCosts({1: 1.0, 200: 1.0})  # a pass costs the same whatever its length: nothing is cut
    out, flat_stats = paced_run(target, flat)
    assert out == plain
    assert (flat_stats.passes, flat_stats.drafted_tokens) == (unpaced.passes, unpaced.drafted_tokens)


def test_what_the_model_does_without_a_draft_still_counts():
    # Drafting never pays here, yet each pass's token is checked against the draft: copying the
    # original raises the estimate, so a pacer whose costs change would draft again.
    linear = FixedCosts({1: 1.0, 2: 2.0, 200: 200.0})
    before = linear.acceptance.chance("resumed")
    paced_run(EDITS["unchanged"] + FENCE, linear)
    assert linear.acceptance.chance("resumed") > before


def test_a_tools_draft_is_not_paced():
    linear = FixedCosts({1: 1.0, 2: 2.0, 200: 200.0})
    out, stats = paced_run(EDITS["replacement"] + FENCE, linear, led=True)
    assert out == EDITS["replacement"]
    # Only drafts looked up where the model writes its own text are (engine/lookup.py).
    assert stats.drafted_tokens > 0 and {state for state, _, _ in linear.cut} <= {"lookup"}


WORD = 300  # a token of several bytes in the draft's tokenization: "total"


class ByteByByteModel(ScriptedModel):
    """Writes the target one byte a token, so it turns down the draft's word token though it writes the same bytes."""

    def piece(self, token):
        return b"total" if token == WORD else super().piece(token)


def test_a_draft_token_turned_down_for_the_same_bytes_is_paced_as_a_turn():
    prompt = b"code:\n" + ORIGINAL + b"\nedited:\n"
    model = ByteByByteModel(prompt, ORIGINAL + FENCE)
    words = ORIGINAL.split(b"total")
    tokens = list(words[0])
    for rest in words[1:]:
        tokens += [WORD, *rest]
    drafter = Drafter([DraftText.from_tokens(tokens + list(FENCE), model.piece, content_end=len(ORIGINAL))],
                      min_tokens=1)
    linear = FixedCosts({1: 1.0, 2: 2.0, 200: 200.0})
    last = None
    for last in speculative_edit(model, list(prompt), drafter, LoopOptions(stop_at_region_end=False), LoopStats(),
                                 pacer=linear):
        pass
    assert last.output == ORIGINAL
    turned = [length for state, _, length in linear.cut if state == "turned"]
    assert turned and all(length == 0 for length in turned)


def test_a_turn_lasts_to_the_end_of_the_line_or_a_divergence():
    drafter = Drafter([draft_text(ORIGINAL + FENCE, content_end=len(ORIGINAL))])
    output = b"def f(x):\n    to"
    drafter.advance(output, output)
    drafter.turned_away()
    assert state_of(drafter) == "turned"
    drafter.advance(b"tal = 0", output := output + b"tal = 0")
    assert state_of(drafter) == "turned"
    drafter.advance(b"\n", output := output + b"\n")
    assert state_of(drafter) == "resumed"
    drafter.turned_away()
    drafter.advance(b"    acc", output + b"    acc")  # the line changes after all
    assert state_of(drafter) != "turned"


def test_a_re_sync_inside_a_line_the_model_changed_is_paced_apart_from_one_at_a_line_start():
    original = b"def f(values):\n    return compute_total(values, weights)\n"

    def state_after(*pieces: bytes) -> str:
        drafter = Drafter([draft_text(original + FENCE, content_end=len(original))])
        output = b""
        for piece in pieces:
            output += piece
            drafter.advance(piece, output)
        assert drafter.tentative_from is not None  # just re-joined
        return state_of(drafter)

    # "2 * " went in before the call: the rest of that line may change too.
    assert state_after(b"def f(values):\n    return ", b"2 * ", b"compute_total(values") == "inline"
    # A line went in above it: the line re-joined is the original's, from its start.
    assert state_after(b"def f(values):\n", b"    print(values)\n", b"    return compute_total(") == "rejoined"
    assert PRIOR["inline"][0] / sum(PRIOR["inline"]) < PRIOR["rejoined"][0] / sum(PRIOR["rejoined"])
