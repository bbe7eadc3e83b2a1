"""Characters that str.splitlines() breaks at and LSP does not, through the real server: typing, a code action, a streamed rename, undo."""

from __future__ import annotations

import pytest
from lsprotocol import types

from lsp_server import commands

from .conftest import edit_document, open_document, run_command, wait_job
from .test_server import action_command

pytestmark = pytest.mark.e2e

# Every character that splitlines() ends a line at besides \n, \r\n and \r: LSP counts none of them.
NOT_LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"

# LSP lines: 0 def, 1 comment, 2 form feed, 3 count = 0, 4 for, 5 count += item, 6 return.
# (pygls' own copy would see 15 lines here, so every position after line 1 would land elsewhere.)
TEXT = (
    "def cart_sum(items):\n"
    "    # a \x0b vertical tab and the separators \x1c\x1d\x1e\n"
    "\x0c\n"
    "    count = 0  # \x85 next line\n"
    "    for item in items:  # \u2028 line separator, \u2029 paragraph separator\n"
    "        count += item\n"
    "    return count\n"
)


def at(text: str, line: int, needle: str) -> tuple[int, int]:
    """(line, UTF-16 column) of needle on an LSP line of text (every character here is in the BMP)."""
    lines = text.replace("\r\n", "\n").split("\n")
    return line, lines[line].index(needle)


async def test_typing_a_code_action_a_streamed_rename_and_undo_follow_lsp_lines(client):
    assert all(c in TEXT for c in NOT_LINE_BREAKS)
    assert len(TEXT.splitlines()) == 15 and TEXT.count("\n") == 7
    uri = open_document(client, "line_breaks.py", TEXT)

    # Typing: incremental changes after every one of those characters, and on a line that holds two.
    start = at(TEXT, 5, "item")
    edit_document(client, uri, start, (5, start[1] + len("item")), "item.price")
    typed = TEXT.replace("count += item", "count += item.price")
    para = at(typed, 4, "paragraph")
    edit_document(client, uri, para, para, "a ")
    typed = typed.replace("paragraph separator", "a paragraph separator")
    assert client.editor.texts[uri] == typed

    # A code action on `count` in line 5 is a rename of that identifier; in the comment on line 4 it is not.
    cursor = types.Position(*at(typed, 5, "count"))
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=types.Range(cursor, cursor),
        context=types.CodeActionContext(diagnostics=[])))
    rename = next(a for a in actions if a.title == "Rename with AI")
    name, arguments = action_command(rename)
    assert name == commands.RENAME and arguments[0]["position"] == {"line": 5, "character": cursor.character}
    comment = types.Position(*at(typed, 4, "separator"))
    in_comment = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=types.Range(comment, comment),
        context=types.CodeActionContext(diagnostics=[])))
    assert "Rename with AI" not in [a.title for a in in_comment]

    # The rename streams its edits (each applied here and sent back as incremental didChange).
    started = await run_command(client, name, {**arguments[0], "newName": "total"})
    job = await wait_job(client, started["job"])
    assert job["ok"], job
    renamed = typed.replace("count", "total")
    assert client.editor.texts[uri] == renamed
    assert client.editor.applied

    # Undo puts back exactly the text before the rename, the user's typing included.
    assert await run_command(client, commands.UNDO, {"uri": uri}) == {"undone": True}
    assert client.editor.texts[uri] == typed
