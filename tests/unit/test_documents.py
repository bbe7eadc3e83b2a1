"""The server's own copy of each document follows LSP's line rules: only \\n, \\r\\n and \\r end a line."""

from __future__ import annotations

import pytest
from lsprotocol import types

from lsp_server.documents import Documents, apply_change

# Characters str.splitlines() breaks at and LSP does not.
NOT_LINE_BREAKS = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


def partial(start: tuple[int, int], end: tuple[int, int], text: str) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(*start), types.Position(*end)), text=text)


@pytest.mark.parametrize("char", NOT_LINE_BREAKS, ids=[f"U+{ord(c):04X}" for c in NOT_LINE_BREAKS])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_a_change_after_a_character_splitlines_breaks_at_lands_on_the_lsp_line(char, encoding):
    # The example: with the form feed as a line break, line 2 would be "b = 2".
    text = f"a = 1\n{char}\nb = 2\n"
    assert apply_change(text, partial((2, 0), (2, 1), "B"), encoding) == f"a = 1\n{char}\nB = 2\n"
    # On the character's own line, the character counts as one column (two UTF-8 bytes for \x85 and up).
    width = {"utf-8": len(char.encode()), "utf-16": 1, "utf-32": 1}[encoding]
    assert apply_change(text, partial((1, width), (1, width), "#"), encoding) == f"a = 1\n{char}#\nb = 2\n"


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_lsp_line_break_ends_a_line(newline):
    text = f"one{newline}two{newline}three"
    assert apply_change(text, partial((1, 0), (1, 3), "TWO"), "utf-16") == f"one{newline}TWO{newline}three"
    assert apply_change(text, partial((2, 5), (2, 5), "!"), "utf-16") == f"one{newline}two{newline}three!"


def test_a_range_past_the_end_of_a_line_or_the_text_is_clamped():
    text = "ab\ncd"
    assert apply_change(text, partial((0, 99), (1, 0), ""), "utf-16") == "abcd"
    assert apply_change(text, partial((7, 0), (9, 0), "\nef"), "utf-16") == "ab\ncd\nef"


def test_a_whole_document_change_replaces_the_text():
    change = types.TextDocumentContentChangeWholeDocument(text="new\x0c\n")
    assert apply_change("old", change, "utf-16") == "new\x0c\n"


def test_changes_apply_in_order_and_each_version_is_a_snapshot():
    docs = Documents()
    uri = "file:///tmp/a.py"
    first = docs.open(types.TextDocumentItem(uri=uri, language_id="python", version=1, text="x = 1\n\x0cy = 2\n"))
    changed = docs.change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[partial((1, 1), (1, 2), "Y"), partial((0, 0), (0, 1), "X")]), "utf-16")
    assert changed.text == "X = 1\n\x0cY = 2\n" and changed.version == 2
    assert docs.get(uri) is changed and first.text == "x = 1\n\x0cy = 2\n" and first.version == 1
    assert changed.path == "/tmp/a.py" and changed.language_id == "python"
    docs.close(uri)
    assert uri not in docs and docs.change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=3), content_changes=[]), "utf-16") is None
