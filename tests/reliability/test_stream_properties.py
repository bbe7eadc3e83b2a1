"""Property tests of EditStream: streamed batches, the user's typing outside/inside the region, and the revert (no model)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lsp_server.streaming import EditStream, StaleDocument, single_batch
from lsp_server.textedits import lsp_text_edits
from tests.unit.test_textedits_properties import NOT_LINE_BREAKS, reference_apply

ENCODINGS = ["utf-8", "utf-16"]
# With the characters str.splitlines() breaks at and LSP does not: streamed batches and the revert
# (undo) must place them as LSP counts lines.
PIECES = ["a", "b", " ", "\t", "\n", "\r\n", "x = 1\n", "é", "😀", "def f():\n", *NOT_LINE_BREAKS]
texts = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)
# The user's typing starts with a character the document never has, so where it went is unambiguous.
typed = st.lists(st.sampled_from(["@", "@\n", "@😀", "@\r\n"]), min_size=1, max_size=3).map("".join)
SETTINGS = settings(max_examples=150, deadline=None)


@st.composite
def scenarios(draw):
    """A document, its region, the model's output for it, and the sync points the engine could report.

    The output is built from the region cut in pieces: each piece is copied (then its end is a valid
    sync point: output[:o] corresponds to region[:r]) or replaced by new text.
    """
    before, region, after = draw(texts), draw(texts), draw(texts)
    cuts = sorted(draw(st.lists(st.integers(0, len(region)), max_size=6)))
    bounds = [0, *cuts, len(region)]
    output, syncs = "", []
    for lo, hi in zip(bounds, bounds[1:]):
        if draw(st.booleans()):
            output += region[lo:hi]
            syncs.append((hi, len(output)))
        else:
            output += draw(texts)
    if draw(st.booleans()):
        output += draw(texts)  # the model adds text at the end
    chosen = [s for s in syncs if draw(st.booleans())]
    return before, region, after, output, chosen


def apply_as_client(current: str, batch, encoding: str) -> str:
    """What an editor does with a batch: LSP TextEdits against the text it has, applied independently."""
    assert batch.before == current, "a batch was computed against text the client does not have"
    new_text = reference_apply(current, lsp_text_edits(batch.before, batch.hunks, encoding), encoding)
    assert new_text == batch.after
    return new_text


def progress_output(output: str, out_upto: int) -> str:
    return output[: out_upto + 1]  # the engine may have generated a little past the sync point


@SETTINGS
@given(data=st.data(), scenario=scenarios(), encoding=st.sampled_from(ENCODINGS), provisional=st.booleans())
def test_streamed_batches_then_finish_give_exactly_the_edited_document(data, scenario, encoding, provisional):
    """Final hunks at the sync points, and with `provisional` the new lines shown as they are written ahead
    of them: the edit always ends exactly, and the text around the region is never touched."""
    before, region, after, output, syncs = scenario
    document = before + region + after
    stream = EditStream(document, (len(before), len(before) + len(region)))
    current, written = document, 0
    for sync in [*syncs, None]:
        if not provisional:
            written = 0 if sync is None else sync[1] + 1  # the engine may have generated a little past it
        else:  # any amount past the sync point; progress events without one too
            written = data.draw(st.integers(max(written, 0 if sync is None else sync[1]), len(output)))
        for step in (sync, None):
            if (batch := stream.advance(output[:written], step, provisional)) is not None:
                current = apply_as_client(current, batch, encoding)
            start, end = stream.region
            assert current[:start] == before and current[end:] == after
    if (batch := stream.finish(output)) is not None:
        current = apply_as_client(current, batch, encoding)
    assert current == before + output + after
    assert stream.region == (len(before), len(before) + len(output))


@SETTINGS
@given(data=st.data(), scenario=scenarios(), encoding=st.sampled_from(ENCODINGS))
def test_retract_leaves_the_final_hunks_and_the_original_after_them(data, scenario, encoding):
    """An edit stopped early (cancel, typing): the lines still being written go, the final part stays."""
    before, region, after, output, syncs = scenario
    stream = EditStream(before + region + after, (len(before), len(before) + len(region)))
    current, written = before + region + after, 0
    for orig_upto, out_upto in syncs[: data.draw(st.integers(0, len(syncs)))]:
        written = data.draw(st.integers(max(written, out_upto), len(output)))  # the output only grows
        if (batch := stream.advance(output[:written], (orig_upto, out_upto), provisional=True)) is not None:
            current = apply_as_client(current, batch, encoding)
    if (batch := stream.advance(output[: data.draw(st.integers(written, len(output)))], None, provisional=True)) is not None:
        current = apply_as_client(current, batch, encoding)
    hunks = stream._hunks
    if (batch := stream.retract(current)) is not None:
        current = apply_as_client(current, batch, encoding)
    assert not stream.pending
    assert current == before + hunks._streamed + region[hunks._done_orig :] + after


def test_retract_after_typing_moves_with_typing_before_and_keeps_lines_the_user_typed_into():
    document = "top\nold\nkeep\n"
    region = (4, len(document))
    output = "new one\nnew two\n"
    for typed_at, kept in [(0, False), (12, True)]:
        stream = EditStream(document, region)
        current = apply_as_client(document, stream.advance(output, None, provisional=True), "utf-16")
        assert current == "top\nnew one\nnew two\nold\nkeep\n"
        current = current[:typed_at] + "@" + current[typed_at:]
        batch = stream.retract(current)
        if kept:
            assert batch is None and stream.pending  # typed into them: they stay, the user's text too
        else:
            assert apply_as_client(current, batch, "utf-16") == "@top\nold\nkeep\n"


@st.composite
def user_edits(draw, count):
    """For each sync point: None, or (where, offset, text): typing before/after the region."""
    return [draw(st.one_of(st.none(), st.tuples(st.sampled_from(["before", "after"]), st.integers(0, 10**6), typed)))
            for _ in range(count)]


@SETTINGS
@given(data=st.data(), scenario=scenarios(), encoding=st.sampled_from(ENCODINGS))
def test_typing_outside_the_region_rebases_and_the_result_is_typing_plus_the_full_edit(data, scenario, encoding):
    before, region, after, output, syncs = scenario
    stream = EditStream(before + region + after, (len(before), len(before) + len(region)))
    current = before + region + after
    for (orig_upto, out_upto), typing in zip(syncs + [(None, None)], data.draw(user_edits(len(syncs) + 1))):
        if typing is not None:
            side, at, text = typing
            start, end = stream.region
            if side == "after" and at % (len(after) + 1) == 0 and start == end:
                side, at = "before", len(before)  # at an empty region's place, typing counts as before it
            if side == "before":
                at = at % (len(before) + 1)
                before = before[:at] + text + before[at:]
                current = current[:at] + text + current[at:]
            else:
                at = at % (len(after) + 1)
                after = after[:at] + text + after[at:]
                current = current[: end + at] + text + current[end + at :]
        stream.rebase(current)  # the server rebases before every batch
        assert stream.region[0] == len(before)
        if orig_upto is None:
            break
        if (batch := stream.advance(progress_output(output, out_upto), (orig_upto, out_upto))) is not None:
            current = apply_as_client(current, batch, encoding)
    if (batch := stream.finish(output)) is not None:
        current = apply_as_client(current, batch, encoding)
    assert current == before + output + after


@SETTINGS
@given(data=st.data(), scenario=scenarios(), text=typed)
def test_typing_inside_the_region_is_stale_and_stays_stale(data, scenario, text):
    before, region, after, output, syncs = scenario
    stream = EditStream(before + region + after, (len(before), len(before) + len(region)))
    current = before + region + after
    stop = data.draw(st.integers(0, len(syncs)))
    for orig_upto, out_upto in syncs[:stop]:
        if (batch := stream.advance(progress_output(output, out_upto), (orig_upto, out_upto))) is not None:
            current = apply_as_client(current, batch, "utf-16")
    start, end = stream.region
    if end - start < 2:
        return  # no place strictly inside an empty or one-character region
    at = data.draw(st.integers(start + 1, end - 1))
    current = current[:at] + text + current[at:]
    sent = stream.sent_batches
    with pytest.raises(StaleDocument, match="inside the region"):
        stream.rebase(current)
    # The server stops here; asked again, the stream still refuses, so nothing is ever computed on stale text.
    with pytest.raises(StaleDocument):
        stream.rebase(current)
    assert stream.sent_batches == sent


@SETTINGS
@given(data=st.data(), scenario=scenarios())
def test_the_guards_revert_batch_restores_the_original_region(data, scenario):
    """What the server sends when the finished edit would break the syntax: the streamed part undone."""
    before, region, after, output, syncs = scenario
    stream = EditStream(before + region + after, (len(before), len(before) + len(region)))
    current = before + region + after
    for orig_upto, out_upto in syncs[: data.draw(st.integers(0, len(syncs)))]:
        if (batch := stream.advance(progress_output(output, out_upto), (orig_upto, out_upto))) is not None:
            current = apply_as_client(current, batch, "utf-16")
    stream.rebase(current)
    revert = single_batch(stream.expected, stream.region, stream.original_region)
    if revert is None:
        assert current == before + region + after
    else:
        assert apply_as_client(current, revert, "utf-16") == before + region + after


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_crlf_emoji_document_streams_exactly(encoding):
    document = "héllo 😀\r\ndef total(x):\r\n\ttotal = x\r\n\treturn total\r\nend 😀\r\n"
    start = document.index("def")
    end = document.index("end")
    region = document[start:end]
    output = region.replace("total", "amount")
    stream = EditStream(document, (start, end))
    current = document
    # Sync at the start of the second line (copying resumes there), then at the region's end.
    for sync in [(region.index("\t"), output.index("\t")), (len(region), len(output))]:
        if (batch := stream.advance(output, sync)) is not None:
            current = apply_as_client(current, batch, encoding)
    if (batch := stream.finish(output)) is not None:
        current = apply_as_client(current, batch, encoding)
    assert current == document[:start] + output + document[end:]
    assert "\r\n" in current and "\n" not in current.replace("\r\n", "")


def test_a_sync_point_behind_what_was_streamed_is_skipped_not_an_internal_error():
    # Recorded from the real model: a rename of a 14-function file synced at (983, 927), then at (113, 936).
    region = "def a(x):\n    return x\n\n\ndef b(x):\n    return x\n"
    output = region.replace("x", "y") + "def b(y):\n"
    stream = EditStream(region, (0, len(region)))
    current = region
    synced = (region.index("def b"), output.index("def b"))  # copying again from the second function
    current = apply_as_client(current, stream.advance(output, synced), "utf-16")
    assert stream.advance(output, (10, len(output))) is None  # behind: nothing to send yet
    if (batch := stream.finish(output)) is not None:
        current = apply_as_client(current, batch, "utf-16")
    assert current == output


def test_a_hidden_directive_comment_is_skipped_by_sync_points_and_removed():
    # The engine saw the region without the comment line; its sync points count without it.
    document = "x = 0\ndef area(w, h):\n    # ai: add a docstring\n    total = w * h\n    return total\n"
    start = document.index("def")
    hidden = (document.index("    # ai:"), document.index("    total"))
    seen = document[start:hidden[0]] + document[hidden[1]:]
    output = seen.replace("):\n", '):\n    """The area."""\n', 1)
    stream = EditStream(document, (start, len(document)), hidden=hidden)
    assert stream.region_offset(0) == 0
    assert stream.region_offset(seen.index("total")) == document.index("total") - start
    current = document
    # Synced on "    return total" (both sides copy from there): the docstring is final, the comment gone.
    sync = (seen.index("    return"), output.index("    return"))
    current = apply_as_client(current, stream.advance(output, sync), "utf-16")
    assert "# ai:" not in current and '"""The area."""' in current
    if (batch := stream.finish(output)) is not None:
        current = apply_as_client(current, batch, "utf-16")
    assert current == document[:start] + output
