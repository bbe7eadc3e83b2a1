"""Table-driven tests of coordinates (lsp_server.coords), hunks and hunk streaming (lsp_server.textedits)."""

import pytest
from lsprotocol import types

from lsp_server.coords import (
    index_at,
    index_to_byte,
    line_start_indices,
    position_at,
    str_index,
)
from lsp_server.textedits import (
    Hunk,
    HunkStream,
    apply_hunks,
    diff_hunks,
    lsp_text_edits,
)

# (text, str index, expected (line, character) in utf-8, utf-16, utf-32)
POSITIONS = [
    ("", 0, (0, 0), (0, 0), (0, 0)),
    ("abc\ndef", 5, (1, 1), (1, 1), (1, 1)),
    ("abc\ndef", 3, (0, 3), (0, 3), (0, 3)),
    ("aé b", 2, (0, 3), (0, 2), (0, 2)),
    ("aé b", 4, (0, 5), (0, 4), (0, 4)),
    ("中文x", 2, (0, 6), (0, 2), (0, 2)),
    ("x\n中文x", 5, (1, 7), (1, 3), (1, 3)),
    ("😀x", 1, (0, 4), (0, 2), (0, 1)),
    ("😀x", 2, (0, 5), (0, 3), (0, 2)),
    ("a😀\n😀😀b", 6, (1, 9), (1, 5), (1, 3)),
    ("\tx", 1, (0, 1), (0, 1), (0, 1)),
    ("\t\tx\n\ty", 5, (1, 1), (1, 1), (1, 1)),
    ("a\r\nb", 1, (0, 1), (0, 1), (0, 1)),
    ("a\r\nb", 3, (1, 0), (1, 0), (1, 0)),
    ("a\r\nb", 4, (1, 1), (1, 1), (1, 1)),
    ("a\rb", 2, (1, 0), (1, 0), (1, 0)),
    ("a\r\rb", 3, (2, 0), (2, 0), (2, 0)),
    ("a\r\n\rb\n", 4, (2, 0), (2, 0), (2, 0)),
    ("a\nbc", 4, (1, 2), (1, 2), (1, 2)),
    ("a\n", 2, (1, 0), (1, 0), (1, 0)),
    ("é\r\n😀", 4, (1, 4), (1, 2), (1, 1)),
]

ENCODINGS = ["utf-8", "utf-16", "utf-32"]


@pytest.mark.parametrize("text, index, utf8, utf16, utf32", POSITIONS)
def test_position_at_counts_code_units_of_each_encoding(text, index, utf8, utf16, utf32):
    for encoding, (line, character) in zip(ENCODINGS, (utf8, utf16, utf32)):
        assert position_at(text, index, encoding) == types.Position(line=line, character=character)


@pytest.mark.parametrize("text, index, utf8, utf16, utf32", POSITIONS)
def test_index_at_inverts_position_at(text, index, utf8, utf16, utf32):
    for encoding, (line, character) in zip(ENCODINGS, (utf8, utf16, utf32)):
        assert index_at(text, types.Position(line=line, character=character), encoding) == index


@pytest.mark.parametrize("text", ["", "a\r\nb\rc\n", "é😀\n\t中\r\n", "no newline", "\n\n"])
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_index_at_round_trips_every_index_outside_crlf(text, encoding):
    for index in range(len(text) + 1):
        if text[index - 1 : index + 1] == "\r\n":
            continue  # between '\r' and '\n' is not a position an LSP client can name
        assert index_at(text, position_at(text, index, encoding), encoding) == index


@pytest.mark.parametrize(
    "text, line, character, encoding, expected",
    [
        ("ab\ncd", 0, 99, "utf-16", 2),  # past line end clamps to line end
        ("a\r\nb", 0, 5, "utf-8", 1),  # ... before the whole '\r\n'
        ("a\rb", 0, 5, "utf-32", 1),
        ("ab\ncd", 5, 0, "utf-16", 5),  # past the last line -> len(text)
        ("ab\n", 1, 3, "utf-16", 3),
        ("", 0, 4, "utf-8", 0),
        ("😀x", 0, 1, "utf-16", 0),  # inside a surrogate pair rounds down
        ("éx", 0, 1, "utf-8", 0),  # inside a UTF-8 sequence rounds down
    ],
)
def test_index_at_clamps_like_lsp(text, line, character, encoding, expected):
    assert index_at(text, types.Position(line=line, character=character), encoding) == expected


def test_position_encoding_kind_values_are_accepted():
    text = "😀x"
    assert position_at(text, 1, types.PositionEncodingKind.Utf16).character == 2
    assert position_at(text, 1, types.PositionEncodingKind.Utf8).character == 4
    assert position_at(text, 1, types.PositionEncodingKind.Utf32).character == 1
    assert index_at(text, types.Position(line=0, character=2), types.PositionEncodingKind.Utf16) == 1


def test_unknown_encoding_is_rejected():
    with pytest.raises(ValueError):
        position_at("a", 0, "latin-1")


def test_index_outside_text_is_rejected():
    with pytest.raises(ValueError):
        position_at("ab", 3, "utf-16")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", [0]),
        ("a", [0]),
        ("a\n", [0, 2]),
        ("a\r\nb\rc\nd", [0, 3, 5, 7]),
        ("\r\n\r\n", [0, 2, 4]),
        ("\n\r", [0, 1, 2]),
        ("a\x0bb\x0cc\x1cd\x1de\x1ef\x85g\u2028h\u2029i\n", [0, 18]),  # str.splitlines() breaks at all of these
    ],
)
def test_line_start_indices_follow_lsp_line_breaks(text, expected):
    assert line_start_indices(text) == expected


@pytest.mark.parametrize("char", ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"])
def test_a_character_splitlines_breaks_at_is_one_column_of_its_line(char):
    text = f"a = 1\n{char}b = 2\nc = 3\n"
    assert position_at(text, text.index("c"), "utf-16") == types.Position(line=2, character=0)
    assert position_at(text, text.index("b"), "utf-16") == types.Position(line=1, character=1)
    assert position_at(text, text.index("b"), "utf-8") == types.Position(line=1, character=len(char.encode()))
    assert index_at(text, types.Position(line=2, character=0), "utf-16") == text.index("c")
    edits = lsp_text_edits(text, diff_hunks(text, text.replace("c = 3", "C = 3")), "utf-16")
    assert [(e.range.start.line, e.range.end.line) for e in edits] == [(2, 3)]


def test_byte_and_index_convert_both_ways():
    text = "aé😀\n中"  # 1 + 2 + 4 + 1 + 3 bytes
    for index, byte in [(0, 0), (1, 1), (2, 3), (3, 7), (4, 8), (5, 11)]:
        assert str_index(text.encode(), byte) == index
        assert index_to_byte(text, index) == byte


def test_a_byte_offset_inside_a_char_counts_that_char_as_before_it():
    source = "aé😀".encode()
    assert [str_index(source, b) for b in range(len(source) + 1)] == [0, 1, 2, 2, 3, 3, 3, 3]


def test_index_to_byte_rejects_out_of_range():
    with pytest.raises(ValueError):
        index_to_byte("ab", 3)


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("", "", []),
        ("a\nb\n", "a\nb\n", []),
        ("", "x\n", [Hunk(0, 0, "x\n")]),
        ("x\n", "", [Hunk(0, 2, "")]),
        ("a\nb\nc\n", "a\nB\nc\n", [Hunk(2, 4, "B\n")]),
        ("a\nb\nc\n", "a\nc\n", [Hunk(2, 4, "")]),
        ("a\nc\n", "a\nb\nc\n", [Hunk(2, 2, "b\n")]),
        ("a\r\nb\r\n", "a\r\nB\r\n", [Hunk(3, 6, "B\r\n")]),
        ("a\nb", "a\nb\n", [Hunk(2, 3, "b\n")]),  # trailing newline added: the last line changes
        ("a\nb\nc\nd\n", "A\nb\nc\nD\n", [Hunk(0, 2, "A\n"), Hunk(6, 8, "D\n")]),
    ],
)
def test_diff_hunks_replace_whole_lines(old, new, expected):
    assert diff_hunks(old, new) == expected
    assert apply_hunks(old, expected) == new


def test_apply_hunks_rejects_overlap():
    with pytest.raises(ValueError):
        apply_hunks("abcdef", [Hunk(0, 3, "x"), Hunk(2, 4, "y")])


def test_lsp_text_edits_use_the_negotiated_encoding():
    text = "😀 = 1\r\nb = 2\n"
    hunks = [Hunk(7, 13, "b = 3\n")]
    expected_line = types.Range(
        start=types.Position(line=1, character=0), end=types.Position(line=2, character=0)
    )
    for encoding in ENCODINGS:
        edits = lsp_text_edits(text, hunks, encoding)
        assert edits == [types.TextEdit(range=expected_line, new_text="b = 3\n")]
    # A hunk inside the emoji line: its end counts the emoji in code units of each encoding.
    edit_range = {e: lsp_text_edits(text, [Hunk(0, 1, "x")], e)[0].range.end.character for e in ENCODINGS}
    assert edit_range == {"utf-8": 4, "utf-16": 2, "utf-32": 1}


# -- HunkStream ------------------------------------------------------------------------

DOC_HEAD, DOC_TAIL = "head\n", "tail\n"


def test_stream_holds_back_a_partial_line_then_emits_it_once_whole():
    region = "a = 1\nb = 2\nc = 3\n"
    output = "a = 10\nb = 2\nc = 3\n"
    stream = HunkStream(region, len(DOC_HEAD))
    # No sync point past the divergence yet: nothing is final.
    assert stream.advance(output[:5], 0, 0) == []
    # The model re-joined at "b": "a = 1\n" -> "a = 10\n" is final, the partial "b" is held back.
    assert stream.advance(output[:8], 7, 8) == [Hunk(5, 11, "a = 10\n")]
    assert stream.delta == 1
    # Copied text yields nothing, and the finished hunk is never sent again.
    assert stream.advance(output, len(region), len(output)) == []
    assert stream.finish(output) == []


def test_stream_holds_back_when_windows_end_mid_line():
    stream = HunkStream("x = 1\n", 0)
    # Sync point after "x = " on both sides: no line boundary both agree on yet.
    assert stream.advance("x = 2", 4, 4) == []
    assert stream.finish("x = 2\n") == [Hunk(0, 6, "x = 2\n")]


def test_stream_never_cuts_inside_a_line_even_when_its_start_is_final():
    stream = HunkStream("a\nx = 1\n", 0)
    # "x = " is final on both sides, but the line is not: only "a\n" -> "A\n" goes out.
    assert stream.advance("A\nx = ", 6, 6) == [Hunk(0, 2, "A\n")]
    assert stream.finish("A\nx = 2\n") == [Hunk(2, 8, "x = 2\n")]


def test_stream_shifts_later_hunks_by_earlier_ones():
    region = "a\nb\nc\n"
    output = "AAA\nb\nC\n"
    document = "xx" + region + "yy"
    stream = HunkStream(region, 2)
    first = stream.advance(output[:5], 3, 5)
    assert first == [Hunk(2, 4, "AAA\n")]
    document = apply_hunks(document, first)
    rest = stream.finish(output)
    assert rest == [Hunk(8, 10, "C\n")]
    assert apply_hunks(document, rest) == "xx" + output + "yy"
    assert stream.delta == 2


def test_stream_finishes_on_the_final_text_where_it_differs_from_what_was_streamed():
    # The model skipped "a" and "b" (streamed as deleted); the engine put them back in the final text.
    region = "a\nb\nc\n"
    document = "xx" + region + "yy"
    stream = HunkStream(region, 2)
    first = stream.advance("C\n", 6, 2)
    assert first == [Hunk(2, 8, "C\n")]
    document = apply_hunks(document, first)
    final = "a\nb\nC\n"
    rest = stream.finish(final)
    assert apply_hunks(document, rest) == "xx" + final + "yy"
    assert stream.delta == 0
    assert stream.finish(final) == []


def test_a_refused_batch_restored_and_sent_again_leaves_the_stream_where_it_was():
    from lsp_server.streaming import EditStream

    document = "head\na\nb\nc\nd\ntail\n"
    stream = EditStream(document, (5, 13))
    output = "A\nb\nC\nd\n"
    saved = stream.snapshot()
    assert stream.advance(output, (4, 4)) is not None  # "a\nb\n" -> "A\nb\n", then refused by the editor
    stream.restore(saved)
    first = stream.advance(output, (4, 4))  # sent again
    rest = stream.finish(output)
    assert apply_hunks(apply_hunks(document, first.hunks), rest.hunks) == "head\n" + output + "tail\n"


def test_a_sync_point_after_a_final_text_that_differs_from_what_was_streamed_resyncs():
    region = "a\nb\nc\nd\n"
    document = "xx" + region + "yy"
    stream = HunkStream(region, 2)
    first = stream.advance("C\n", 6, 2)  # "a", "b" skipped and streamed as deleted
    document = apply_hunks(document, first)
    # The region's final text (a later region finished): "a" and "b" put back.
    final = "a\nb\nC\nD\n"
    second = stream.advance(final, 8, len(final))
    assert apply_hunks(document, second) == "xx" + final + "yy"
    assert stream.finish(final) == []


def test_stream_inserts_whole_lines_before_copied_text():
    region = "keep\n"
    output = "new\nkeep\n"
    stream = HunkStream(region, 0)
    assert stream.advance(output, 5, 9) == [Hunk(0, 0, "new\n")]
    assert stream.finish(output) == []


def test_stream_finish_handles_a_region_without_final_newline():
    region = "a\r\nb"
    output = "a\r\nB"
    stream = HunkStream(region, 3)
    assert stream.advance(output, 3, 3) == []
    assert stream.finish(output) == [Hunk(6, 7, "B")]


def test_stream_rejects_sync_points_that_go_backwards():
    stream = HunkStream("a\nb\n", 0)
    stream.advance("a\nb\n", 2, 2)
    with pytest.raises(ValueError):
        stream.advance("a\nb\n", 1, 1)


# -- provisional lines (HunkStream.extend) ---------------------------------------------------


def test_new_lines_are_shown_as_written_ahead_of_the_lines_they_will_replace():
    region = "def mean(xs):\n    return sum(xs) / len(xs)\n"
    output = 'def mean(xs):\n    """Return the mean.\n\n    An empty list raises.\n    """\n    return sum(xs) / len(xs)\n'
    document = "x\n" + region + "y\n"
    stream = HunkStream(region, 2)
    assert stream.advance(output[:14], 14, 14) == []  # the def line, copied
    # One new line written: a one-line change lands when it re-joins, so nothing yet.
    assert stream.extend(output[: output.index("\n\n") + 1]) == []
    # A second line with a letter in it (the blank line between went with it): both shown.
    shown = stream.extend(output[: output.index('    """\n')])
    assert shown == [Hunk(16, 16, '    """Return the mean.\n\n    An empty list raises.\n')]
    document = apply_hunks(document, shown)
    # '    """' has no letter or digit: held until a line that has one follows it.
    assert stream.extend(output[: output.index("    return")]) == []
    # The original line copied again: it is in the rest of the region, so it waits for the sync.
    assert stream.extend(output) == []
    # The re-join, confirmed: only what was not shown yet goes out.
    rest = stream.advance(output, len(region) - 29, len(output) - 29)
    document = apply_hunks(document, rest)
    assert document == "x\n" + output + "y\n"
    assert stream.pending == "" and stream.finish(output) == []


def test_provisional_lines_sit_above_the_lines_they_replace_until_the_sync_removes_those():
    region = "a = 1\nb = 2\nkeep\n"
    output = "alpha = 1\nbeta = 2\nkeep\n"
    document = region
    stream = HunkStream(region, 0)
    shown = stream.extend(output[:19])
    assert shown == [Hunk(0, 0, "alpha = 1\nbeta = 2\n")]
    document = apply_hunks(document, shown)
    assert document == "alpha = 1\nbeta = 2\na = 1\nb = 2\nkeep\n"
    document = apply_hunks(document, stream.advance(output, len(region), len(output)))
    assert document == output and stream.delta == len(output) - len(region)


def test_a_sync_inside_the_provisional_lines_keeps_the_rest_pending():
    region = "old\nkeep\n"
    output = "new one\nnew two\nkeep\n"
    stream = HunkStream(region, 0)
    document = apply_hunks(region, stream.extend(output[:16]))
    # The engine says output[:8] stands for region[:4] ("old" -> "new one"): "old" goes, "new two" stays pending.
    hunks = stream.advance(output[:16], 4, 8)
    document = apply_hunks(document, hunks)
    assert document == "new one\nnew two\nkeep\n" and stream.pending == "new two\n"
    document = apply_hunks(document, stream.finish(output))
    assert document == output


def test_retract_takes_the_pending_lines_out_and_leaves_final_hunks():
    region = "a\nb\nc\n"
    stream = HunkStream(region, 3)
    document = "xx\n" + region
    document = apply_hunks(document, stream.advance("A\nb\n", 2, 2))  # "a" -> "A", final
    document = apply_hunks(document, stream.extend("A\nnew 1\nnew 2\n"))
    assert document == "xx\nA\nnew 1\nnew 2\nb\nc\n"
    document = apply_hunks(document, stream.retract())
    assert document == "xx\nA\nb\nc\n" and stream.pending == "" and stream.retract() == []
    assert stream.delta == 0


def test_output_that_no_longer_starts_with_what_was_shown_resyncs_exactly():
    region = "a\nb\n"
    stream = HunkStream(region, 0)
    document = apply_hunks(region, stream.extend("x 1\nx 2\n"))
    final = "y 1\nb\n"  # the engine's final text differs from what was shown
    assert stream.extend(final) == []
    document = apply_hunks(document, stream.finish(final))
    assert document == final
