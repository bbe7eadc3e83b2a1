"""Applying an edit's batches through the Client protocol, with an in-memory editor in place of the server (no model)."""

from __future__ import annotations

import pytest
from lsprotocol import types

from lsp_server.applying import Applier
from lsp_server.config import Settings
from lsp_server.documents import Documents
from lsp_server.streaming import EditStream, StaleDocument
from tests.unit.test_textedits_properties import reference_apply

URI = "file:///work/cart.py"
TEXT = "def total(items):\n\x0c\n    total = 0\n    for item in items:\n        total += item\n    return total\n"


class Editor:
    """A Client whose editor keeps its own copy, checks versions like VS Code, and can refuse or type."""

    def __init__(self, text: str, encoding: str = "utf-16"):
        self.settings = Settings()
        self.encoding = encoding
        self.review_mode = None
        self.client_capabilities = types.ClientCapabilities(workspace=types.WorkspaceClientCapabilities(
            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True)))
        self.work_done_progress = None
        self.documents = Documents()
        self.documents.open(types.TextDocumentItem(uri=URI, language_id="python", version=1, text=text))
        self.refusals: list = []  # per refused request: what the user types first (a function of the text), or None
        self.applied = 0

    def document(self, uri: str):
        return self.documents.get(uri)

    def tell(self, message, kind=None):
        pass

    def log_text(self, message, kind=None):
        pass

    def notify(self, method, params):
        pass

    def text_document_publish_diagnostics(self, params):
        pass

    def type(self, new_text: str) -> None:
        doc = self.documents.get(URI)
        self.documents.change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=doc.version + 1),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=new_text)]), self.encoding)

    async def workspace_apply_edit_async(self, params: types.ApplyWorkspaceEditParams):
        (change,) = params.edit.document_changes
        doc = self.documents.get(URI)
        if self.refusals:
            typing = self.refusals.pop(0)
            if typing is not None:
                self.type(typing(doc.text))
            return types.ApplyWorkspaceEditResult(applied=False, failure_reason="version mismatch")
        assert change.text_document.version == doc.version
        self.type(reference_apply(doc.text, change.edits, self.encoding))
        self.applied += 1
        return types.ApplyWorkspaceEditResult(applied=True)


def renamed_stream() -> tuple[EditStream, str]:
    start = TEXT.index("    total = 0")
    region = TEXT[start:]
    return EditStream(TEXT, (start, len(TEXT))), region.replace("total", "subtotal")


async def test_a_batch_lands_and_undo_takes_it_back():
    editor = Editor(TEXT)
    applier = Applier(editor)
    stream, output = renamed_stream()
    assert await applier.step(URI, stream, lambda: stream.finish(output)) is True
    renamed = TEXT.replace("    total", "    subtotal").replace("return total", "return subtotal")
    assert editor.document(URI).text == renamed
    applier.remember(URI, stream)
    assert applier.last_uri() == URI
    editor.type("# typed above\n" + renamed)  # the user's typing outside the edit stays
    await applier.undo(URI)
    assert editor.document(URI).text == "# typed above\n" + TEXT and applier.last_uri() is None


async def test_a_batch_refused_because_the_user_typed_is_computed_again_on_the_new_text():
    editor = Editor(TEXT)
    editor.refusals = [lambda text: "# note\n" + text]
    applier = Applier(editor)
    stream, output = renamed_stream()
    assert await applier.step(URI, stream, lambda: stream.finish(output))
    assert editor.applied == 1
    assert editor.document(URI).text.startswith("# note\ndef total(items):\n\x0c\n    subtotal = 0\n")


async def test_a_refusal_without_typing_stops_the_edit():
    editor = Editor(TEXT)
    editor.refusals = [None]
    applier = Applier(editor)
    stream, output = renamed_stream()
    with pytest.raises(StaleDocument, match="refused the edit"):
        await applier.step(URI, stream, lambda: stream.finish(output))
    assert editor.document(URI).text == TEXT


async def test_undo_refuses_when_the_text_it_wrote_was_changed_and_keeps_the_typing():
    editor = Editor(TEXT)
    applier = Applier(editor)
    stream, output = renamed_stream()
    await applier.step(URI, stream, lambda: stream.finish(output))
    applier.remember(URI, stream)
    typed = editor.document(URI).text.replace("subtotal += item", "subtotal += 2 * item")
    editor.type(typed)
    with pytest.raises(ValueError, match="cannot undo the AI edit: the text it wrote was changed since"):
        await applier.undo(URI)
    assert editor.document(URI).text == typed
    with pytest.raises(ValueError, match="no AI edit"):
        await Applier(editor).undo(URI)


async def test_reverting_an_edit_that_sent_nothing_changes_nothing():
    editor = Editor(TEXT)
    stream, _ = renamed_stream()
    assert await Applier(editor).revert(URI, stream) == "nothing was changed"
    assert editor.applied == 0
