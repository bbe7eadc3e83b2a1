"""The server's edit jobs: one queue, one model thread, progress, and streaming each edit into the editor."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from . import actions, commands, coords
from .arguments import lsp_range
from .engine.engine import EditResult, Engine, Progress
from .errors import Cancelled, EditError, ModelError
from .fileio import unified_diff
from .streaming import Batch, EditStream, StaleDocument, single_batch
from .textedits import lsp_text_edits

if TYPE_CHECKING:
    from .server import SpecEditServer

log = logging.getLogger(__name__)

STREAM_INTERVAL_S = 0.2  # at most one applyEdit per interval; new tokens fold into the next
APPLY_TIMEOUT_S = 10.0  # every applyEdit request has a timeout
SYNC_TIMEOUT_S = 3.0  # how long to wait for the client's didChange after an applied edit


@dataclass
class Job:
    id: int
    uri: str
    command: str
    argument: dict
    cancel: threading.Event = field(default_factory=threading.Event)
    token: str | None = None  # work-done progress token
    state: str = "queued"  # queued | running | done
    started: float = field(default_factory=time.monotonic)  # when the command came in
    first_hunk_s: float | None = None  # seconds from the command to the first edit the client applied


class Jobs:
    """Runs the edit commands of one server in order, on the model's own thread (pygls' pool runs its stdin reader)."""

    def __init__(self, server: "SpecEditServer", engine: Engine):
        self.server = server
        self.engine = engine
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="specedit-model")
        self.jobs: dict[int, Job] = {}
        self.queue: asyncio.Queue[Job] | None = None
        self.next_id = 1
        self.model_failed: str | None = None
        self.last_edit: dict[str, EditStream] = {}  # uri -> the stream of its last finished AI edit (for undo)

    def busy(self, uri: str | None = None) -> list[Job]:
        return [j for j in self.jobs.values() if j.state != "done" and (uri is None or j.uri == uri)]

    # -- queue -------------------------------------------------------------------------------

    def submit(self, command: str, argument: dict) -> dict:
        if busy := self.busy(argument["uri"]):
            raise JsonRpcInvalidParams(
                f"an AI edit (job {busy[0].id}) is already running on this file; wait for it or run specedit.cancel")
        job = Job(self.next_id, argument["uri"], command, argument)
        self.next_id += 1
        self.jobs[job.id] = job
        loop = asyncio.get_running_loop()
        if self.queue is None:
            self.queue = asyncio.Queue()
            loop.create_task(self.run_queue())
        loop.create_task(self.begin_progress(job, waiting=len(self.busy()) - 1))
        self.queue.put_nowait(job)
        return {"job": job.id}

    def cancel(self, uri: str | None = None, token: str | None = None) -> list[int]:
        cancelled = []
        for job in self.busy(uri):
            if token is None or job.token == token:
                job.cancel.set()
                cancelled.append(job.id)
        return cancelled

    async def run_queue(self) -> None:
        assert self.queue is not None
        while True:
            job = await self.queue.get()
            if job.cancel.is_set():
                self.finish(job, False, "cancelled before it started")
                continue
            job.state = "running"
            try:
                await self.run(job)
            except Exception as exc:  # the one error boundary: the server stays up
                log.exception("job %s failed", job.id)
                self.server.log_text(traceback.format_exc(), types.MessageType.Error)
                self.finish(job, False, f"internal error: {exc}", error=True)

    # -- progress ------------------------------------------------------------------------------

    async def begin_progress(self, job: Job, waiting: int) -> None:
        caps = self.server.client_capabilities.window
        if not (caps and caps.work_done_progress):
            return
        token = f"specedit-job-{job.id}"
        try:
            await asyncio.wait_for(self.server.work_done_progress.create_async(token), APPLY_TIMEOUT_S)
        except Exception:  # a client that refuses progress still gets the edit
            return
        job.token = token
        self.server.work_done_progress.begin(token, types.WorkDoneProgressBegin(
            title="specedit", message="queued" if waiting else "starting", cancellable=True, percentage=0))

    def report(self, job: Job, message: str, percentage: int | None = None) -> None:
        if job.token:
            self.server.work_done_progress.report(job.token, types.WorkDoneProgressReport(message=message, percentage=percentage))

    def finish(self, job: Job, ok: bool, message: str, stats: dict | None = None, error: bool = False,
               warn: bool = False) -> None:
        job.state = "done"
        if job.token:
            self.server.work_done_progress.end(job.token, types.WorkDoneProgressEnd(message=message))
        if error:
            self.server.tell(message, types.MessageType.Error)
        elif (not ok and message != "cancelled") or warn:
            self.server.tell(message, types.MessageType.Warning)
        if stats is not None:
            stats = {**stats, "total_s": round(time.monotonic() - job.started, 3),
                     "first_hunk_s": None if job.first_hunk_s is None else round(job.first_hunk_s, 3)}
        self.server.protocol.notify("specedit/jobDone", {"uri": job.uri, "job": job.id, "ok": ok, "message": message, "stats": stats})

    # -- one job ---------------------------------------------------------------------------------

    def plan(self, job: Job) -> actions.Plan:
        doc = self.server.document(job.uri)
        text, arg, enc = doc.source, job.argument, self.server.encoding
        path, lang = doc.path, doc.language_id
        selection = None
        if arg.get("range") is not None:
            selection = (coords.index_at(text, arg["range"].start, enc), coords.index_at(text, arg["range"].end, enc))
        if job.command == commands.EDIT:
            return actions.plan_edit(text, path, lang, arg.get("instruction") or "", selection)
        if job.command == commands.EDIT_FROM_COMMENT:
            return actions.plan_from_comment(text, path, lang, selection)
        if job.command == commands.RENAME:
            return actions.plan_rename(text, path, lang, coords.index_at(text, arg["position"], enc), arg["newName"])
        if job.command == commands.FIX:
            fix = [(coords.index_at(text, e["range"].start, enc), coords.index_at(text, e["range"].end, enc), e["newText"])
                   for e in arg.get("fixEdits") or []]
            return actions.plan_fix(text, path, lang, selection or (0, 0), arg.get("message") or "", fix or None)
        if job.command == commands.APPLY_SKETCH:
            return actions.plan_sketch(text, path, lang, arg["sketch"], self.server.settings.sketch_markers)
        raise EditError(f"unknown command {job.command}")

    async def run(self, job: Job) -> None:
        loop = asyncio.get_running_loop()
        try:
            if job.command == commands.RENAME and not job.argument.get("newName"):
                job.argument["newName"] = await loop.run_in_executor(self.worker, self.propose_name, job)
            plan = self.plan(job)
        except (EditError, ModelError, JsonRpcInvalidParams) as exc:
            self.finish(job, False, str(exc))
            return
        doc = self.server.document(job.uri)
        stream = EditStream(doc.source, plan.doc_span, hidden=plan.hidden)
        latest: list[Progress] = []
        wake = asyncio.Event()

        def on_progress(progress: Progress) -> None:  # model thread
            latest[:] = [progress]
            loop.call_soon_threadsafe(wake.set)

        def edit() -> EditResult:  # model thread
            self.ensure_model()
            return self.engine.edit(plan.request, on_progress, job.cancel.is_set)

        self.report(job, "loading the model" if not self.engine.loaded else plan.title, 0)
        future = loop.run_in_executor(self.worker, edit)
        streaming = self.server.settings.streaming == "lines" and not self.server.settings.review
        last_sent = 0.0
        try:
            while not future.done():
                wake.clear()
                waiter = asyncio.ensure_future(wake.wait())
                await asyncio.wait({waiter, future}, timeout=0.5, return_when=asyncio.FIRST_COMPLETED)
                waiter.cancel()
                if not latest:
                    continue
                progress = latest[0]
                self.report(job, progress_message(progress), int(progress.fraction * 100))
                if streaming and time.monotonic() - last_sent >= STREAM_INTERVAL_S:
                    await self.stream_step(job, stream, lambda: stream.advance(progress.output, progress.sync))
                    last_sent = time.monotonic()
            result: EditResult = await future
        except StaleDocument as exc:
            job.cancel.set()
            await asyncio.wait([future])
            self.finish(job, False, str(exc))
            return
        except Cancelled:
            self.finish(job, False, "cancelled")  # what was streamed stays: whole final lines
            return
        except EditError as exc:
            self.finish(job, False, exc.with_outcome(await self.revert_streamed(job, stream)))
            return
        except ModelError as exc:
            outcome = await self.revert_streamed(job, stream)
            self.finish(job, False, str(exc) if outcome == "nothing was changed" else f"{exc}; {outcome}")
            return
        if job.cancel.is_set():
            self.finish(job, False, "cancelled")
            return
        stats = result.stats_json()
        if result.problems:
            first = result.problems[0]
            line = result.text.encode("utf-8")[: first.start].count(b"\n") + 1
            outcome = await self.revert_streamed(job, stream)
            self.finish(job, False, f"the edit would introduce a syntax error (line {line}: {first.message}); {outcome}", stats)
            return
        output = result.new_region
        if self.server.settings.review and result.changed:
            await self.offer_for_review(job, stream, output, stats)
            return
        try:
            if streaming:
                await self.stream_step(job, stream, lambda: stream.finish(output))
            else:
                await self.stream_step(job, stream, lambda: single_batch(stream.expected, stream.region, output))
        except StaleDocument as exc:
            self.finish(job, False, str(exc), stats)
            return
        elapsed = time.monotonic() - job.started
        if not result.changed:
            self.finish(job, True, f"the model made no change ({elapsed:.1f} s, {progress_line(stats)})", stats, warn=True)
            return
        self.last_edit.pop(job.uri, None)  # most recent last: undo without a uri takes it
        self.last_edit[job.uri] = stream
        self.finish(job, True, f"done in {elapsed:.1f} s: {stream.sent_batches} edit(s), {progress_line(stats)}", stats)

    async def offer_for_review(self, job: Job, stream: EditStream, output: str, stats: dict) -> None:
        """The finished edit, offered instead of streamed: the user accepts or rejects it as a whole."""
        server = self.server
        doc = server.document(job.uri)
        try:
            stream.rebase(doc.source)
        except StaleDocument as exc:
            self.finish(job, False, str(exc), stats)
            return
        batch = stream.finish(output)  # the whole edit as one batch; the stream now expects it applied
        if batch is None:
            self.finish(job, True, f"the model made no change ({progress_line(stats)})", stats, warn=True)
            return
        edits = lsp_text_edits(batch.before, batch.hunks, server.encoding)
        if server.review_mode == "plugin":
            server.protocol.notify("specedit/review", {
                "uri": job.uri, "version": doc.version, "job": job.id, "title": "AI edit",
                "edits": [{"range": lsp_range(e.range), "newText": e.new_text} for e in edits],
                "diff": unified_diff(doc.path or job.uri, batch.before, batch.after)})
            self.finish(job, True, f"offered for review: {len(edits)} change(s), {progress_line(stats)}", stats)
            return
        annotated = [types.AnnotatedTextEdit(annotation_id="specedit", range=e.range, new_text=e.new_text) for e in edits]
        identifier = types.OptionalVersionedTextDocumentIdentifier(uri=job.uri, version=doc.version)
        edit = types.WorkspaceEdit(
            document_changes=[types.TextDocumentEdit(identifier, annotated)],
            change_annotations={"specedit": types.ChangeAnnotation(
                label="AI edit", needs_confirmation=True, description=f"specedit: {job.command}")})
        try:  # no timeout: the user is looking at the preview
            answer = await server.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label="AI edit"))
        except Exception as exc:  # the client answered with an error: nothing was applied
            self.finish(job, False, f"the editor did not take the edit for review ({exc}); nothing was changed", stats)
            return
        if not answer.applied:
            self.finish(job, False, "the AI edit was not applied (rejected in review)", stats)
            return
        self.last_edit.pop(job.uri, None)
        self.last_edit[job.uri] = stream
        self.finish(job, True, f"applied after review: {len(edits)} change(s), {progress_line(stats)}", stats)

    async def revert_streamed(self, job: Job, stream: EditStream) -> str:
        """Undo what a failed edit streamed; the words for what became of the document."""
        if not stream.sent_batches:
            return "nothing was changed"
        try:
            await self.stream_step(job, stream, stream.revert)
            return "the streamed part was reverted"
        except StaleDocument:
            return "the streamed part was kept (the document changed)"

    async def undo(self, uri: str) -> dict:
        """Revert the last AI edit of a document in one edit, if the text it wrote is unchanged since."""
        stream = self.last_edit.get(uri)
        if stream is None:
            raise JsonRpcInvalidParams("no AI edit of this document to undo")
        if self.busy(uri):
            raise JsonRpcInvalidParams("an AI edit is running on this file; cancel it first")
        job = Job(0, uri, "specedit.undo", {})
        try:
            await self.stream_step(job, stream, stream.revert)
        except StaleDocument as exc:
            reason = "the text it wrote was changed since" if "inside the region" in str(exc) else str(exc)
            raise JsonRpcInvalidParams(f"cannot undo the AI edit: {reason}; nothing was changed") from exc
        del self.last_edit[uri]
        return {"undone": True}

    async def stream_step(self, job: Job, stream: EditStream, make_batch: Callable[[], Batch | None]) -> None:
        """Rebase on the user's typing, compute the next batch, apply it, and wait until the client shows it.

        An edit the client refuses because the user typed while it was on its way is computed
        again on the new text (a few times); any other refusal stops the edit.
        """
        server = self.server
        for attempt in range(3):
            doc = server.document(job.uri)
            stream.rebase(doc.source)
            saved = stream.snapshot()
            batch = make_batch()
            if batch is None:
                return
            result = await self.send_batch(job, doc, batch)
            if result.applied:
                break
            deadline = time.monotonic() + 1.0  # the user's didChange is usually right behind the refusal
            while server.document(job.uri).version == doc.version and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            if server.document(job.uri).version == doc.version or attempt == 2:
                job.cancel.set()
                raise StaleDocument(f"the editor refused the edit ({result.failure_reason or 'document changed?'}); stopped")
            stream.restore(saved)  # nothing was applied: compute it again on the new text
        if job.first_hunk_s is None:
            job.first_hunk_s = time.monotonic() - job.started
        deadline = time.monotonic() + SYNC_TIMEOUT_S
        while server.document(job.uri).source != batch.after and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        # If the text still differs, rebase() on the next step tells typing outside from inside the region.

    async def send_batch(self, job: Job, doc, batch: Batch) -> types.ApplyWorkspaceEditResult:
        server = self.server
        edits = lsp_text_edits(batch.before, batch.hunks, server.encoding)
        caps = server.client_capabilities.workspace
        if caps and caps.workspace_edit and caps.workspace_edit.document_changes:
            identifier = types.OptionalVersionedTextDocumentIdentifier(uri=job.uri, version=doc.version)
            edit = types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(identifier, edits)])
        else:
            edit = types.WorkspaceEdit(changes={job.uri: edits})
        try:
            return await asyncio.wait_for(
                server.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label="AI edit")), APPLY_TIMEOUT_S)
        except asyncio.TimeoutError:
            job.cancel.set()
            raise StaleDocument("the editor did not answer the edit request in time; stopped")

    # -- model-thread work -----------------------------------------------------------------------

    def ensure_model(self) -> None:
        """Load the model on the worker thread; remember a failure so warm-ups stop retrying it."""
        try:
            self.engine.load()
            self.model_failed = None
        except ModelError as exc:
            self.model_failed = str(exc)
            raise

    def propose_name(self, job: Job) -> str:
        """Rename without a new name: the model proposes one (a short greedy completion)."""
        self.ensure_model()
        doc = self.server.document(job.uri)
        position = coords.index_at(doc.source, job.argument["position"], self.server.encoding)
        return self.engine.propose_name(doc.source, doc.path, doc.language_id, position)

    async def warm(self, text: str, path: str, language_id: str | None) -> None:
        """Load the model and prefill the document's prompt prefix, between jobs (an optimisation: never an error)."""
        if self.model_failed or self.busy():
            return

        def warm_now() -> None:
            self.ensure_model()
            self.engine.warm(text, path, language_id)

        try:
            await asyncio.get_running_loop().run_in_executor(self.worker, warm_now)
        except Exception as exc:
            self.server.log_text(f"warm-up skipped: {exc}")


def progress_message(progress: Progress) -> str:
    s = progress.stats
    accepted = 100 * s.accepted_tokens / s.drafted_tokens if s.drafted_tokens else 0
    return f"{s.output_tokens} tok, {progress.tokens_per_s:.0f} tok/s, {accepted:.0f}% accepted"


def progress_line(stats: dict) -> str:
    drafted = stats["drafted_tokens"]
    accepted = 100 * stats["accepted_tokens"] / drafted if drafted else 0
    return f"{stats['output_tokens']} tok, {stats['tokens_per_s']:.0f} tok/s, {accepted:.0f}% accepted"
