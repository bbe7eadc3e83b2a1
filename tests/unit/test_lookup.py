"""Drafts looked up in the prompt and output (engine/lookup.py): what they propose, and that they change passes, never the output."""

from lsp_server.engine.drafts import Drafter
from lsp_server.engine.lookup import Lookup
from lsp_server.engine.speculative import LoopOptions, LoopStats, speculative_edit
from tests.unit.test_speculative import FENCE, ScriptedModel, draft_text


def test_the_tokens_after_the_longest_match_of_the_tail_are_proposed():
    lookup = Lookup([1, 2, 3, 4, 5, 9, 2, 3, 6, 7])
    lookup.extend([1, 2, 3])
    # The pair (2, 3) occurs twice; the occurrence preceded by 1 matches three tokens, the later one two.
    assert lookup.propose(3) == [4, 5, 9]
    assert lookup.match == 3
    lookup.extend([8])
    assert lookup.propose(3) == []  # (3, 8) never occurred
    assert lookup.match == 0


def test_among_equally_long_matches_the_latest_wins_and_the_proposal_stops_at_the_tail():
    lookup = Lookup([5, 6, 1, 5, 6, 2])
    lookup.extend([5, 6])
    assert lookup.propose(8) == [2, 5, 6]  # after the latest (5, 6), up to the tail itself
    assert Lookup([7]).propose(4) == [] and Lookup([1, 2, 1, 2]).propose(0) == []


def test_the_output_is_looked_up_too():
    lookup = Lookup([40, 41])
    lookup.extend([10, 11, 12, 13, 10, 11])
    assert lookup.propose(2) == [12, 13]


# Every print becomes a logging call: the second and later calls' text was written before.
ORIGINAL = b"".join(b"def g%d(x):\n    y = x + %d\n    print(y)\n    return y\n\n\n" % (i, i) for i in range(4))
TARGET = ORIGINAL.replace(b"    print(y)", b"    logger.info('value: %s', y)")


def _run(lookup: bool):
    prompt = b"code:\n" + ORIGINAL + b"\nedited:\n"
    model = ScriptedModel(prompt, TARGET + FENCE)
    drafter = Drafter([draft_text(ORIGINAL + FENCE, content_end=len(ORIGINAL))])
    stats = LoopStats()
    last = None
    for last in speculative_edit(model, list(prompt), drafter, LoopOptions(stop_at_region_end=False, lookup=lookup), stats):
        pass
    return last.output, stats, model


def test_a_change_written_before_is_drafted_and_verified_and_the_output_is_the_same():
    with_it, looked, model = _run(True)
    without, plain, _ = _run(False)
    assert with_it == without == TARGET
    assert looked.passes < plain.passes
    # Drafts were looked up and taken; after the rollbacks the cache holds the prompt and the output
    # (and the closing fence's tokens, cut from the output).
    assert sum(taken for _, _, taken in looked.lookups) >= len(b"logger.info('value: %s', y)")
    kept = list(b"code:\n" + ORIGINAL + b"\nedited:\n") + looked.output_token_ids
    assert model.kv_tokens[:len(kept)] == kept and bytes(model.kv_tokens[len(kept):]) in (b"", b"`", b"``", FENCE)
    assert not plain.lookups


def test_plain_decoding_looks_nothing_up():
    prompt = b"code:\n" + ORIGINAL + b"\nedited:\n"
    model = ScriptedModel(prompt, TARGET + FENCE)
    drafter = Drafter([draft_text(ORIGINAL + FENCE, content_end=len(ORIGINAL))])
    stats = LoopStats()
    for _ in speculative_edit(model, list(prompt), drafter, LoopOptions(speculate=False, stop_at_region_end=False), stats):
        pass
    assert not stats.lookups and stats.drafted_tokens == 0


def _paced(costs: dict[int, float]):
    from tests.unit.test_pacing import FixedCosts

    pacer = FixedCosts(costs)
    prompt = b"code:\n" + ORIGINAL + b"\nedited:\n"
    model = ScriptedModel(prompt, TARGET + FENCE)
    drafter = Drafter([draft_text(ORIGINAL + FENCE, content_end=len(ORIGINAL))])
    stats = LoopStats()
    last = None
    for last in speculative_edit(model, list(prompt), drafter, LoopOptions(stop_at_region_end=False), stats, pacer=pacer):
        pass
    return last.output, stats, pacer


def test_looked_up_drafts_go_where_a_pass_costs_the_same_whatever_its_length_and_not_where_it_costs_by_the_token():
    flat_out, flat, flat_pacer = _paced({1: 1.0, 200: 1.0})  # a GPU's curve
    linear_out, linear, linear_pacer = _paced({1: 1.0, 2: 2.0, 200: 200.0})  # drafting never pays
    assert flat_out == linear_out == TARGET
    assert any(state == "lookup" and length == n for state, n, length in flat_pacer.cut)
    assert flat.looked_up_tokens > 0 and flat.passes < linear.passes
    assert all(length == 0 for state, _, length in linear_pacer.cut if state == "lookup")
    assert linear.looked_up_tokens == 0 and any(state == "lookup" for state, _, _ in linear_pacer.cut)
