"""The real server: "Rename with AI" carries the cursor's position, so the method is renamed and its local is not."""

from __future__ import annotations

import pytest
from lsprotocol import types

from lsp_server import commands

from .conftest import open_document, run_command, wait_job
from .test_server import action_command

pytestmark = pytest.mark.e2e

TEXT = ("class Cart:\n    def total(self):\n        total = 0\n        for p in self.items:\n            total += p\n"
        "        return total\n\n    def report(self):\n        return self.total()\n")


async def test_the_rename_action_renames_the_binding_under_the_cursor(client):
    uri = open_document(client, "scoped.py", TEXT)
    cursor = types.Position(1, 9)  # on the method's name
    offered = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=types.Range(cursor, cursor),
        context=types.CodeActionContext(diagnostics=[])))
    name, arguments = action_command(next(a for a in offered if a.title == "Rename with AI"))
    assert name == commands.RENAME and arguments[0]["position"] == {"line": 1, "character": 9}
    started = await run_command(client, name, {**arguments[0], "newName": "subtotal"})
    job = await wait_job(client, started["job"])
    assert job["ok"], job
    assert client.editor.texts[uri] == TEXT.replace("def total", "def subtotal").replace("self.total()", "self.subtotal()")
