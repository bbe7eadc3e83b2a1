"""The server's edit jobs: one queue, one model thread, progress, and the course of each edit from plan to result."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from . import actions, commands, coords
from .applying import APPLY_TIMEOUT_S, Applier
from .arguments import CommandArgument
from .client import Client
from .engine.engine import EditResult, Engine, Progress
from .errors import Cancelled, EditError, ModelError
from .streaming import EditStream, StaleDocument, single_batch

log = logging.getLogger(__name__)

STREAM_INTERVAL_S = 0.2  # at most one applyEdit per interval; new tokens fold into the next


@dataclass
class Job:
    id: int
    uri: str
    command: str
    argument: CommandArgument
    cancel: threading.Event = field(default_factory=threading.Event)
    token: str | None = None  # work-done progress token
    state: str = "queued"  # queued | running | done
    started: float = field(default_factory=time.monotonic)  # when the command came in
    first_hunk_s: float | None = None  # seconds from the command to the first edit the client applied


class Jobs:
    """Runs the edit commands of one client in order, on the model's own thread (pygls' pool runs its stdin reader)."""

    def __init__(self, client: Client, engine: Engine):
        self.client = client
        self.engine = engine
        self.applier = Applier(client)
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="specedit-model")
        self.jobs: dict[int, Job] = {}
        self.queue: asyncio.Queue[Job] | None = None
        self.next_id = 1
        self.model_failed: str | None = None
        self.warm_generation = 0  # a running warm-up stops when this moves on (a job, a newer warm-up)

    def replace_engine(self, engine: Engine) -> None:
        """Edits from now on run on engine; the old one is closed on the model thread, after the job running now."""
        old, self.engine = self.engine, engine
        self.model_failed = None
        self.worker.submit(old.close)

    def busy(self, uri: str | None = None) -> list[Job]:
        return [j for j in self.jobs.values() if j.state != "done" and (uri is None or j.uri == uri)]

    # -- queue -------------------------------------------------------------------------------

    def submit(self, command: str, argument: CommandArgument) -> dict:
        if busy := self.busy(argument.uri):
            raise JsonRpcInvalidParams(
                f"an AI edit (job {busy[0].id}) is already running on this file; wait for it or run specedit.cancel")
        self.warm_generation += 1  # a warm-up running now stops at its next chunk: the edit goes first
        job = Job(self.next_id, argument.uri, command, argument)
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

    async def undo(self, uri: str) -> dict:
        """Revert the last AI edit of a document in one edit, if the text it wrote is unchanged since."""
        if self.busy(uri):
            raise JsonRpcInvalidParams("an AI edit is running on this file; cancel it first")
        try:
            await self.applier.undo(uri)
        except ValueError as exc:
            raise JsonRpcInvalidParams(str(exc)) from exc
        return {"undone": True}

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
                self.client.log_text(traceback.format_exc(), types.MessageType.Error)
                self.finish(job, False, f"internal error: {exc}", error=True)

    # -- progress ------------------------------------------------------------------------------

    async def begin_progress(self, job: Job, waiting: int) -> None:
        caps = self.client.client_capabilities.window
        if not (caps and caps.work_done_progress):
            return
        token = f"specedit-job-{job.id}"
        try:
            await asyncio.wait_for(self.client.work_done_progress.create_async(token), APPLY_TIMEOUT_S)
        except Exception:  # a client that refuses progress still gets the edit
            return
        job.token = token
        self.client.work_done_progress.begin(token, types.WorkDoneProgressBegin(
            title="specedit", message="queued" if waiting else "starting", cancellable=True, percentage=0))

    def report(self, job: Job, message: str, percentage: int | None = None) -> None:
        if job.token:
            self.client.work_done_progress.report(job.token, types.WorkDoneProgressReport(message=message, percentage=percentage))

    def finish(self, job: Job, ok: bool, message: str, stats: dict | None = None, error: bool = False,
               warn: bool = False) -> None:
        job.state = "done"
        if job.token:
            self.client.work_done_progress.end(job.token, types.WorkDoneProgressEnd(message=message))
        if error:
            self.client.tell(message, types.MessageType.Error)
        elif (not ok and message != "cancelled") or warn:
            self.client.tell(message, types.MessageType.Warning)
        if stats is not None:
            stats = {**stats, "total_s": round(time.monotonic() - job.started, 3),
                     "first_hunk_s": None if job.first_hunk_s is None else round(job.first_hunk_s, 3)}
        self.client.notify("specedit/jobDone", {"uri": job.uri, "job": job.id, "ok": ok, "message": message, "stats": stats})

    # -- one job ---------------------------------------------------------------------------------

    def plan(self, job: Job) -> actions.Plan:
        doc = self.client.document(job.uri)
        text, arg, enc = doc.text, job.argument, self.client.encoding
        path, lang = doc.path, doc.language_id
        selection = None
        if arg.range is not None:
            selection = (coords.index_at(text, arg.range.start, enc), coords.index_at(text, arg.range.end, enc))
        if job.command == commands.EDIT:
            return actions.plan_edit(text, path, lang, arg.instruction or "", selection)
        if job.command == commands.EDIT_FROM_COMMENT:
            return actions.plan_from_comment(text, path, lang, selection)
        if job.command == commands.RENAME:
            return actions.plan_rename(text, path, lang, coords.index_at(text, arg.position, enc), arg.new_name)
        if job.command == commands.FIX:
            fix = [(coords.index_at(text, e.range.start, enc), coords.index_at(text, e.range.end, enc), e.new_text)
                   for e in arg.fix_edits or []]
            return actions.plan_fix(text, path, lang, selection or (0, 0), arg.message or "", fix or None)
        if job.command == commands.APPLY_SKETCH:
            return actions.plan_sketch(text, path, lang, arg.sketch, self.client.settings.sketch_markers)
        raise EditError(f"unknown command {job.command}")

    async def run(self, job: Job) -> None:
        """Plan the edit, run it on the model thread while streaming its final hunks, then land the result."""
        loop = asyncio.get_running_loop()
        try:
            if job.command == commands.RENAME and not job.argument.new_name:
                job.argument.new_name = await loop.run_in_executor(self.worker, self.propose_name, job)
            plan = self.plan(job)
        except (EditError, ModelError, JsonRpcInvalidParams) as exc:
            self.finish(job, False, str(exc))
            return
        stream = EditStream(self.client.document(job.uri).text, plan.doc_span, hidden=plan.hidden)
        self.report(job, "loading the model" if not self.engine.loaded else plan.title, 0)
        try:
            result = await self.stream_while_running(job, plan, stream)
        except StaleDocument as exc:
            self.finish(job, False, str(exc) + await self.applier.retract(job.uri, stream))
            return
        except Cancelled:  # what was streamed stays: whole final lines
            self.finish(job, False, "cancelled" + await self.applier.retract(job.uri, stream))
            return
        except EditError as exc:
            self.finish(job, False, exc.with_outcome(await self.applier.revert(job.uri, stream)))
            return
        except ModelError as exc:
            outcome = await self.applier.revert(job.uri, stream)
            self.finish(job, False, str(exc) if outcome == "nothing was changed" else f"{exc}; {outcome}")
            return
        if job.cancel.is_set():
            self.finish(job, False, "cancelled" + await self.applier.retract(job.uri, stream))
            return
        span = plan.request.span
        await self.land(job, stream, result, max(0, span[0] - result.region[0]), max(0, result.region[1] - span[1]))

    async def stream_while_running(self, job: Job, plan: actions.Plan, stream: EditStream) -> EditResult:
        """The engine's result; meanwhile its progress is reported and, when streaming, its final hunks applied."""
        loop = asyncio.get_running_loop()
        latest: list[Progress] = []
        wake = asyncio.Event()

        def on_progress(progress: Progress) -> None:  # model thread
            latest[:] = [progress]
            loop.call_soon_threadsafe(wake.set)

        def edit() -> EditResult:  # model thread
            self.ensure_model()
            return self.engine.edit(plan.request, on_progress, job.cancel.is_set)

        future = loop.run_in_executor(self.worker, edit)
        streaming = self.streaming()
        provisional = self.client.settings.streaming == "lines"  # "final": final hunks only
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
                    await self.apply_step(job, stream, lambda: stream.advance(progress.output, progress.sync, provisional))
                    last_sent = time.monotonic()
        except StaleDocument:
            job.cancel.set()  # the engine stops at its next step; its answer is not wanted
            await asyncio.wait([future])
            raise
        return await future

    async def land(self, job: Job, stream: EditStream, result: EditResult, above: int = 0, below: int = 0) -> None:
        """The finished edit: refused if it breaks the syntax, else offered for review or applied (the rest of the stream).
        `above`, `below`: the result also changed that many chars before the region (an import its new code
        needs), after it (the blank lines a removal took with it)."""
        stats = result.stats_json()
        if result.problems:
            first = result.problems[0]
            index = coords.str_index(result.text.encode("utf-8"), first.start)
            line = coords.position_at(result.text, index, "utf-32").line + 1
            outcome = await self.applier.revert(job.uri, stream)
            self.finish(job, False, f"the edit would introduce a syntax error (line {line}: {first.message}); {outcome}", stats)
            return
        output = result.new_region
        if self.client.settings.review and result.changed:
            reviewed = await self.applier.review(job.uri, stream, output, job.command, progress_line(stats), job.id, above, below)
            self.finish(job, reviewed.ok, reviewed.message, stats, warn=reviewed.warn)
            return
        try:
            if self.streaming():
                await self.apply_step(job, stream, lambda: stream.finish(output, above, below))
            elif above or below:  # nothing was streamed: the whole edit in one batch, past the region
                await self.apply_step(job, stream, lambda: stream.finish(output, above, below))
            else:
                await self.apply_step(job, stream, lambda: single_batch(stream.expected, stream.region, output))
        except StaleDocument as exc:
            self.finish(job, False, str(exc), stats)
            return
        elapsed = time.monotonic() - job.started
        if not result.changed:
            self.finish(job, True, f"the model made no change ({elapsed:.1f} s, {progress_line(stats)})", stats, warn=True)
            return
        self.applier.remember(job.uri, stream)
        self.finish(job, True, f"done in {elapsed:.1f} s: {stream.sent_batches} edit(s), {progress_line(stats)}", stats)

    def streaming(self) -> bool:
        """Whether edits stream into the document while the model runs (else one edit at the end, or a review)."""
        return self.client.settings.streaming != "off" and not self.client.settings.review

    async def apply_step(self, job: Job, stream: EditStream, make_batch) -> None:
        if await self.applier.step(job.uri, stream, make_batch) and job.first_hunk_s is None:
            job.first_hunk_s = time.monotonic() - job.started

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
        doc = self.client.document(job.uri)
        position = coords.index_at(doc.text, job.argument.position, self.client.encoding)
        return self.engine.propose_name(doc.text, doc.path, doc.language_id, position)

    async def warm(self, uri: str, at: types.Range | None = None, lines: bool = True) -> None:
        """Load the model and prefill the prompt prefix of an edit at `at` (a cursor or selection) in the
        document, between jobs (an optimisation: never an error); lines=False: the file part alone
        (where `at` is a guess, the top of a file just opened). A job submitted meanwhile, or a newer
        warm-up, stops it between two chunks of its prefill, so it never holds up an edit for long."""
        doc = self.client.document(uri)
        if self.model_failed or self.busy():
            return
        self.warm_generation += 1
        generation = self.warm_generation

        def stale() -> bool:  # model thread: a job or a newer warm-up came in
            return self.warm_generation != generation

        def warm_now() -> tuple[int, tuple[int, int] | None]:  # tokens, and the document lines warmed
            if stale():
                return 0, None
            self.ensure_model()
            # A shared inference server keeps its own prompt cache: no region to find for it.
            text, region, shown = doc.text, None, None
            if at is not None and self.engine.local is not None:
                text, region, shown = self.warm_target(doc, at)
            tokens = self.engine.warm(text, doc.path, doc.language_id, region, stale, lines)
            return tokens, shown if lines else None

        try:
            tokens, shown = await asyncio.get_running_loop().run_in_executor(self.worker, warm_now)
        except Cancelled:
            return  # what it prefilled stays cached
        except Exception as exc:
            self.client.log_text(f"warm-up skipped: {exc}")
            return
        if tokens:
            what = "edits of " if shown is None else "an edit of lines %d-%d of " % coords.line_numbers(doc.text, shown)
            self.client.log_text(f"warm-up: prefilled {tokens} prompt tokens for {what}{doc.uri}")

    def warm_target(self, doc, at: types.Range) -> tuple[str, tuple[int, int] | None, tuple[int, int] | None]:
        """The text the model would see, the region it would rewrite in that text, and the same region in
        the document, for an edit at `at`: the plan of specedit.editFromComment where the lines there
        hold a directive comment (it leaves the comment out of the text), else of specedit.edit; the
        document and None, None where neither has one. (A selection holding a directive comment is
        taken for that comment's edit, also when a free-form edit of it follows: that edit then
        reuses the prompt only up to the comment.)"""
        enc = self.client.encoding
        selection = coords.index_at(doc.text, at.start, enc), coords.index_at(doc.text, at.end, enc)
        for plan in (lambda: actions.plan_from_comment(doc.text, doc.path, doc.language_id, selection),
                     lambda: actions.plan_edit(doc.text, doc.path, doc.language_id, "warm-up", selection)):
            try:
                planned = plan()
            except EditError:
                continue
            region = planned.request.regions[0]
            return planned.request.text, (region.start, region.end), planned.document_span(region.start, region.end)
        return doc.text, None, None


def progress_message(progress: Progress) -> str:
    s = progress.stats
    accepted = 100 * s.accepted_tokens / s.drafted_tokens if s.drafted_tokens else 0
    return f"{s.output_tokens} tok, {progress.tokens_per_s:.0f} tok/s, {accepted:.0f}% accepted"


def progress_line(stats: dict) -> str:
    drafted = stats["drafted_tokens"]
    accepted = 100 * stats["accepted_tokens"] / drafted if drafted else 0
    line = f"{stats['output_tokens']} tok, {stats['tokens_per_s']:.0f} tok/s, {accepted:.0f}% accepted"
    if stats.get("kept_units"):
        line += f"; kept {stats['kept_units']} definition(s) the model left out"
    return line
