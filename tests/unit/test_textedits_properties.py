"""Property tests: hunks, LSP TextEdits and streamed hunks always rebuild exactly the final text."""

from hypothesis import given, settings
from hypothesis import strategies as st

from lsp_server.coords import (
    index_at,
    index_to_byte,
    position_at,
    str_index,
)
from lsp_server.textedits import (
    HunkStream,
    apply_hunks,
    diff_hunks,
    lsp_text_edits,
)

ENCODINGS = ["utf-8", "utf-16", "utf-32"]
# Characters str.splitlines() breaks at that LSP does not count as line breaks: one of each.
NOT_LINE_BREAKS = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
PIECES = ["a", "b", " ", "\t", "\n", "\r\n", "\r", "é", "😀", "\x00", "x = 1\n", *NOT_LINE_BREAKS]
texts = st.lists(st.sampled_from(PIECES), max_size=24).map("".join)
FAST = settings(max_examples=200, deadline=None)


# -- an independent reference for LSP positions ----------------------------------------


def split_lsp_lines(text):
    """(content, line_break) pairs by the LSP rule, found char by char."""
    lines, content, i = [], "", 0
    while i < len(text):
        if text.startswith("\r\n", i):
            lines.append((content, "\r\n"))
            content, i = "", i + 2
        elif text[i] in "\r\n":
            lines.append((content, text[i]))
            content, i = "", i + 1
        else:
            content, i = content + text[i], i + 1
    lines.append((content, ""))
    return lines


CODECS = {"utf-8": ("utf-8", 1), "utf-16": ("utf-16-le", 2), "utf-32": ("utf-32-le", 4)}


def reference_offset(text, position, encoding):
    """str index of an exact LSP position, by encoding the line's content."""
    lines = split_lsp_lines(text)
    offset = sum(len(content) + len(line_break) for content, line_break in lines[: position.line])
    codec, unit_bytes = CODECS[encoding]
    encoded = lines[position.line][0].encode(codec)
    assert position.character * unit_bytes <= len(encoded), "position past the line end"
    # Strict decoding fails if the position splits a character.
    return offset + len(encoded[: position.character * unit_bytes].decode(codec))


def reference_apply(text, edits, encoding):
    """Apply non-overlapping TextEdits whose ranges all refer to text."""
    spans = [
        (
            reference_offset(text, edit.range.start, encoding),
            reference_offset(text, edit.range.end, encoding),
            edit.new_text,
        )
        for edit in edits
    ]
    for start, end, new_text in sorted(spans, reverse=True):
        text = text[:start] + new_text + text[end:]
    return text


# -- properties --------------------------------------------------------------------------


@FAST
@given(old=texts, new=texts)
def test_applying_diff_hunks_gives_new(old, new):
    assert apply_hunks(old, diff_hunks(old, new)) == new


@FAST
@given(old=texts, new=texts)
def test_lsp_text_edits_rebuild_new_in_every_encoding(old, new):
    hunks = diff_hunks(old, new)
    for encoding in ENCODINGS:
        assert reference_apply(old, lsp_text_edits(old, hunks, encoding), encoding) == new


@FAST
@given(text=texts, data=st.data())
def test_positions_and_byte_offsets_round_trip(text, data):
    index = data.draw(st.integers(0, len(text)))
    if text[index - 1 : index + 1] != "\r\n":  # between '\r' and '\n' is no LSP position
        for encoding in ENCODINGS:
            position = position_at(text, index, encoding)
            assert reference_offset(text, position, encoding) == index
            assert index_at(text, position, encoding) == index
    assert str_index(text.encode("utf-8", "surrogatepass"), index_to_byte(text, index)) == index


@st.composite
def streamed_edits(draw):
    """A document, a region in it, the final output, and the sync points an engine would report.

    The output is built from the region's segments, each copied, dropped or replaced, with
    text inserted between them; sync points fall inside and at the end of copied segments.
    """
    head, tail = draw(texts), draw(texts)
    segments = draw(st.lists(texts, max_size=6))
    output, orig_pos, sync_points = "", 0, []
    for segment in segments:
        output += draw(texts) if draw(st.booleans()) else ""
        action = draw(st.sampled_from(["copy", "copy", "drop", "replace"]))
        if action == "copy":
            inside = draw(st.integers(0, len(segment)))
            sync_points.append((orig_pos + inside, len(output) + inside))
            output += segment
            sync_points.append((orig_pos + len(segment), len(output)))
        elif action == "replace":
            output += draw(texts)
        orig_pos += len(segment)
    output += draw(texts) if draw(st.booleans()) else ""
    chosen = sorted(draw(st.lists(st.sampled_from(sync_points), max_size=8)) if sync_points else [])
    # The engine passes the output generated so far, which may run past the sync point.
    calls = [(output[: draw(st.integers(out_upto, len(output)))], o, out_upto) for o, out_upto in chosen]
    return head, "".join(segments), tail, output, calls


def check_batch(document, batch, lower, upper, region_start):
    """Hunks are sorted, within [lower, upper] of the current document, never no-ops, and
    start at a line start of the region."""
    for hunk in batch:
        assert lower <= hunk.start <= hunk.end <= upper
        assert document[hunk.start : hunk.end] != hunk.new_text
        assert hunk.start == region_start or document[hunk.start - 1] in "\r\n"
        lower = hunk.end


def end_after_applying(batch):
    """Where the batch's last hunk ends in the document after the batch is applied."""
    earlier_delta = sum(len(h.new_text) - (h.end - h.start) for h in batch[:-1])
    return batch[-1].start + len(batch[-1].new_text) + earlier_delta


@FAST
@given(edit=streamed_edits())
def test_stream_rebuilds_the_document_exactly(edit):
    head, region, tail, output, calls = edit
    stream = HunkStream(region, len(head))
    document = head + region + tail
    handled_end = len(head)  # hunks stream left to right: none may start before this
    for partial_output, orig_upto, out_upto in calls:
        batch = stream.advance(partial_output, orig_upto, out_upto)
        check_batch(document, batch, handled_end, len(document) - len(tail), len(head))
        for hunk in batch:
            # Streamed hunks are whole lines on both sides.
            for part in (document[hunk.start : hunk.end], hunk.new_text):
                assert part == "" or part[-1] in "\r\n"
        document = apply_hunks(document, batch)
        handled_end = end_after_applying(batch) if batch else handled_end
    batch = stream.finish(output)
    check_batch(document, batch, handled_end, len(document) - len(tail), len(head))
    document = apply_hunks(document, batch)
    assert document == head + output + tail
    assert stream.delta == len(output) - len(region)
