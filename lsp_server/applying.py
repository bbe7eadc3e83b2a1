"""Putting an edit into the editor's document: versioned applyEdit batches that follow the user's typing, review, revert and undo."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Callable

from lsprotocol import types

from .arguments import lsp_range
from .client import Client
from .documents import Document
from .fileio import unified_diff
from .streaming import Batch, EditStream, StaleDocument
from .textedits import lsp_text_edits

APPLY_TIMEOUT_S = 10.0  # every applyEdit request has a timeout
SYNC_TIMEOUT_S = 3.0  # how long to wait for the client's didChange after an applied edit
REFUSED_RETRIES = 3  # a batch refused because the user typed is computed again this many times in all


@dataclass(frozen=True)
class Outcome:
    """How offering an edit for review ended: whether it (or the offer) went through, in words for the user."""

    ok: bool
    message: str
    warn: bool = False


class Applier:
    """Applies the batches of streamed edits to one client's documents, and remembers each document's last AI edit."""

    def __init__(self, client: Client):
        self.client = client
        self.last_edit: dict[str, EditStream] = {}  # uri -> the stream of its last finished AI edit, most recent last

    def remember(self, uri: str, stream: EditStream) -> None:
        self.last_edit.pop(uri, None)  # most recent last: undo without a uri takes it
        self.last_edit[uri] = stream

    def forget(self, uri: str) -> None:
        self.last_edit.pop(uri, None)

    def last_uri(self) -> str | None:
        return next(reversed(self.last_edit), None)

    async def step(self, uri: str, stream: EditStream, make_batch: Callable[[], Batch | None]) -> bool:
        """Rebase on the user's typing, compute the next batch, apply it, and wait until the client shows it.

        True when a batch was applied, False when there was nothing to send. An edit the client
        refuses because the user typed while it was on its way is computed again on the new text
        (a few times); any other refusal raises StaleDocument, as does typing inside the region.
        """
        client = self.client
        for attempt in range(REFUSED_RETRIES):
            doc = client.document(uri)
            stream.rebase(doc.text)
            saved = stream.snapshot()
            batch = make_batch()
            if batch is None:
                return False
            result = await self.send(doc, batch)
            if result.applied:
                break
            deadline = time.monotonic() + 1.0  # the user's didChange is usually right behind the refusal
            while client.document(uri).version == doc.version and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            if client.document(uri).version == doc.version or attempt == REFUSED_RETRIES - 1:
                raise StaleDocument(f"the editor refused the edit ({result.failure_reason or 'document changed?'}); stopped")
            stream.restore(saved)  # nothing was applied: compute it again on the new text
        deadline = time.monotonic() + SYNC_TIMEOUT_S
        while client.document(uri).text != batch.after and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        # If the text still differs, rebase() on the next step tells typing outside from inside the region.
        return True

    async def send(self, doc: Document, batch: Batch) -> types.ApplyWorkspaceEditResult:
        """One workspace/applyEdit for a batch, versioned where the client takes document changes."""
        client = self.client
        edits = lsp_text_edits(batch.before, batch.hunks, client.encoding)
        caps = client.client_capabilities.workspace
        if caps and caps.workspace_edit and caps.workspace_edit.document_changes:
            identifier = types.OptionalVersionedTextDocumentIdentifier(uri=doc.uri, version=doc.version)
            edit = types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(identifier, edits)])
        else:
            edit = types.WorkspaceEdit(changes={doc.uri: edits})
        try:
            return await asyncio.wait_for(
                client.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label="AI edit")), APPLY_TIMEOUT_S)
        except asyncio.TimeoutError:
            raise StaleDocument("the editor did not answer the edit request in time; stopped") from None

    async def revert(self, uri: str, stream: EditStream) -> str:
        """Undo what a failed edit streamed; the words for what became of the document."""
        if not stream.sent_batches:
            return "nothing was changed"
        try:
            await self.step(uri, stream, stream.revert)
            return "the streamed part was reverted"
        except StaleDocument:
            return "the streamed part was kept (the document changed)"

    async def retract(self, uri: str, stream: EditStream) -> str:
        """Take out the lines an edit that stopped early was still writing (shown ahead of the lines they
        would replace); the words to add to its message ("" when there were none)."""
        if not stream.pending:
            return ""
        doc = self.client.document(uri)
        saved = stream.snapshot()
        batch = stream.retract(doc.text)
        if batch is not None:
            try:
                if (await self.send(doc, batch)).applied:
                    return "; the lines it was still writing were taken out"
            except StaleDocument:
                pass
            stream.restore(saved)
        return "; the lines it was still writing were kept (the document changed there): undo them in the editor"

    async def undo(self, uri: str) -> None:
        """Revert the last AI edit of a document in one edit; ValueError (in words) if it cannot be."""
        stream = self.last_edit.get(uri)
        if stream is None:
            raise ValueError("no AI edit of this document to undo")
        try:
            await self.step(uri, stream, stream.revert)
        except StaleDocument as exc:
            reason = "the text it wrote was changed since" if "inside the region" in str(exc) else str(exc)
            raise ValueError(f"cannot undo the AI edit: {reason}; nothing was changed") from exc
        del self.last_edit[uri]

    async def review(self, uri: str, stream: EditStream, output: str, command: str, summary: str, job: int,
                     above: int = 0, below: int = 0) -> Outcome:
        """The finished edit, offered instead of streamed: the user accepts or rejects it as a whole."""
        client = self.client
        doc = client.document(uri)
        try:
            stream.rebase(doc.text)
        except StaleDocument as exc:
            return Outcome(False, str(exc))
        try:  # the whole edit as one batch; the stream now expects it applied
            batch = stream.finish(output, above, below)
        except StaleDocument as exc:
            return Outcome(False, str(exc))
        if batch is None:
            return Outcome(True, f"the model made no change ({summary})", warn=True)
        edits = lsp_text_edits(batch.before, batch.hunks, client.encoding)
        if client.review_mode == "plugin":
            client.notify("specedit/review", {
                "uri": uri, "version": doc.version, "job": job, "title": "AI edit",
                "edits": [{"range": lsp_range(e.range), "newText": e.new_text} for e in edits],
                "diff": unified_diff(doc.path or uri, batch.before, batch.after)})
            return Outcome(True, f"offered for review: {len(edits)} change(s), {summary}")
        annotated = [types.AnnotatedTextEdit(annotation_id="specedit", range=e.range, new_text=e.new_text) for e in edits]
        identifier = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=doc.version)
        edit = types.WorkspaceEdit(
            document_changes=[types.TextDocumentEdit(identifier, annotated)],
            change_annotations={"specedit": types.ChangeAnnotation(
                label="AI edit", needs_confirmation=True, description=f"specedit: {command}")})
        try:  # no timeout: the user is looking at the preview
            answer = await client.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label="AI edit"))
        except Exception as exc:  # the client answered with an error: nothing was applied
            return Outcome(False, f"the editor did not take the edit for review ({exc}); nothing was changed")
        if not answer.applied:
            return Outcome(False, "the AI edit was not applied (rejected in review)")
        self.remember(uri, stream)
        return Outcome(True, f"applied after review: {len(edits)} change(s), {summary}")
