"""pygls glue: code actions, commands, the job queue, progress, and streaming edits to the client."""

from __future__ import annotations

import asyncio
import copy
import logging
import shlex
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol

from . import __version__, actions, linters, syntax
from .config import Settings, settings_from_client
from .engine.edit import EditError, Engine, EditResult, Progress
from .engine.model import Cancelled, ModelError
from .streaming import Batch, EditStream, StaleDocument, single_batch
from .textedits import index_at, lsp_text_edits, position_at

log = logging.getLogger(__name__)

STREAM_INTERVAL_S = 0.2  # at most one applyEdit per interval; new tokens fold into the next
APPLY_TIMEOUT_S = 10.0  # every applyEdit request has a timeout
SYNC_TIMEOUT_S = 3.0  # how long to wait for the client's didChange after an applied edit
WARM_DELAY_S = 1.5  # idle time after open/change before the cache is warmed with the file


@dataclass
class Job:
    id: int
    uri: str
    command: str
    argument: dict
    cancel: threading.Event = field(default_factory=threading.Event)
    token: str | None = None  # work-done progress token
    state: str = "queued"  # queued | running | done


class SpecEditProtocol(LanguageServerProtocol):
    """pygls' protocol, except that every request gets a response, even one whose params do not deserialize."""

    def structure_message(self, data):
        if isinstance(data, dict) and "method" in data and "id" in data and "params" not in data:
            data = {**data, "params": None}  # JSON-RPC 2.0 allows a request without params
        try:
            return super().structure_message(data)
        except (JsonRpcInvalidParams, JsonRpcInternalError):
            if isinstance(data, dict) and "method" in data and isinstance(data.get("id"), (int, str)):
                error = JsonRpcInvalidParams(f"invalid params for {data['method']}")
                self._send_response(data["id"], None, error.to_response_error())
            raise


class SpecEditServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("specedit", __version__, protocol_cls=SpecEditProtocol)
        self.settings = Settings()
        self.engine = Engine(self.settings)
        # The model gets its own thread: pygls' pool also runs its stdin reader.
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="specedit-model")
        self.jobs: dict[int, Job] = {}
        self.queue: asyncio.Queue[Job] | None = None
        self.next_job_id = 1
        self.model_failed: str | None = None
        self.warm_timers: dict[str, asyncio.TimerHandle] = {}
        self.diagnostics: dict[str, dict[str, list[types.Diagnostic]]] = {}

    # -- helpers ----------------------------------------------------------------------

    @property
    def encoding(self) -> str:
        encoding = self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        return str(getattr(encoding, "value", encoding))

    def document(self, uri: str):
        if not isinstance(uri, str) or uri not in self.workspace.text_documents:
            raise JsonRpcInvalidParams(f"document {uri!r} is not open in the editor")
        return self.workspace.get_text_document(uri)

    def tell(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=f"specedit: {message}"))

    def log_text(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def apply_settings(self, options: Any) -> None:
        old_model = self.settings.model
        settings, problems = settings_from_client(options, self.settings)
        self.settings = settings
        self.engine.settings = settings
        for problem in problems:
            self.tell(problem, types.MessageType.Warning)
        if settings.model != old_model:
            self.model_failed = None
            self.worker.submit(self.engine.close)  # reloaded lazily, after running jobs

    # -- jobs -------------------------------------------------------------------------

    def submit(self, command: str, argument: dict) -> dict:
        uri = argument["uri"]
        busy = [j for j in self.jobs.values() if j.uri == uri and j.state != "done"]
        if busy:
            raise JsonRpcInvalidParams(
                f"an AI edit (job {busy[0].id}) is already running on this file; wait for it or run specedit.cancel"
            )
        job = Job(self.next_job_id, uri, command, argument)
        self.next_job_id += 1
        self.jobs[job.id] = job
        if self.queue is None:
            self.queue = asyncio.Queue()
            asyncio.get_running_loop().create_task(self.run_queue())
        waiting = sum(1 for j in self.jobs.values() if j.state != "done") - 1
        asyncio.get_running_loop().create_task(self.begin_progress(job, waiting))
        self.queue.put_nowait(job)
        return {"job": job.id}

    async def begin_progress(self, job: Job, waiting: int) -> None:
        caps = self.client_capabilities.window
        if not (caps and caps.work_done_progress):
            return
        token = f"specedit-job-{job.id}"
        try:
            await asyncio.wait_for(self.work_done_progress.create_async(token), APPLY_TIMEOUT_S)
        except Exception:  # a client that refuses progress still gets the edit
            return
        job.token = token
        self.work_done_progress.begin(
            token,
            types.WorkDoneProgressBegin(
                title="specedit", message="queued" if waiting else "starting", cancellable=True, percentage=0
            ),
        )

    def report(self, job: Job, message: str, percentage: int | None = None) -> None:
        if job.token:
            self.work_done_progress.report(job.token, types.WorkDoneProgressReport(message=message, percentage=percentage))

    async def run_queue(self) -> None:
        assert self.queue is not None
        while True:
            job = await self.queue.get()
            if job.cancel.is_set():
                self.finish(job, False, "cancelled before it started")
                continue
            job.state = "running"
            try:
                await self.run_job(job)
            except Exception as exc:  # the one error boundary: the server stays up
                log.exception("job %s failed", job.id)
                self.log_text(traceback.format_exc(), types.MessageType.Error)
                self.finish(job, False, f"internal error: {exc}", error=True)

    def finish(self, job: Job, ok: bool, message: str, stats: dict | None = None, error: bool = False) -> None:
        job.state = "done"
        if job.token:
            self.work_done_progress.end(job.token, types.WorkDoneProgressEnd(message=message))
        if error:
            self.tell(message, types.MessageType.Error)
        elif not ok and message != "cancelled":
            self.tell(message, types.MessageType.Warning)
        self.protocol.notify("specedit/jobDone", {"uri": job.uri, "job": job.id, "ok": ok, "message": message, "stats": stats})

    def plan(self, job: Job) -> actions.Plan:
        doc = self.document(job.uri)
        text, arg, enc = doc.source, job.argument, self.encoding
        path, lang = doc.path, doc.language_id
        selection = None
        if arg.get("range") is not None:
            rng = arg["range"]
            selection = (index_at(text, rng.start, enc), index_at(text, rng.end, enc))
        if job.command == actions.EDIT:
            return actions.plan_edit(text, path, lang, arg.get("instruction") or "", selection)
        if job.command == actions.EDIT_FROM_COMMENT:
            return actions.plan_from_comment(text, path, lang, selection)
        if job.command == actions.RENAME:
            return actions.plan_rename(text, path, lang, index_at(text, arg["position"], enc), arg["newName"])
        if job.command == actions.FIX:
            return actions.plan_fix(text, path, lang, selection or (0, 0), arg.get("message") or "")
        if job.command == actions.APPLY_SKETCH:
            return actions.plan_sketch(text, path, lang, arg["sketch"], self.settings.sketch_markers)
        raise EditError(f"unknown command {job.command}")

    async def run_job(self, job: Job) -> None:
        loop = asyncio.get_running_loop()
        try:
            if job.command == actions.RENAME and not job.argument.get("newName"):
                job.argument["newName"] = await loop.run_in_executor(self.worker, self.propose_name, job)
            plan = self.plan(job)
        except (EditError, ModelError, JsonRpcInvalidParams) as exc:
            self.finish(job, False, str(exc))
            return
        doc = self.document(job.uri)
        stream = EditStream(doc.source, plan.doc_region, map_offset=plan.region_offset)
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
        streaming = self.settings.streaming == "lines"
        started = time.monotonic()
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
            self.finish(job, False, "cancelled")
            return
        except (EditError, ModelError) as exc:
            message = str(exc)
            if stream.sent_batches:  # keep "nothing was changed" true: undo what was streamed
                try:
                    await self.stream_step(job, stream, lambda: single_batch(stream.expected, stream.region, stream.original_region))
                    message = message.replace("nothing was changed", "the streamed part was reverted")
                except StaleDocument:
                    message = message.replace("nothing was changed", "the streamed part was kept (the document changed)")
            self.finish(job, False, message)
            return
        if job.cancel.is_set():
            self.finish(job, False, "cancelled")
            return
        stats = result.stats_json()
        if result.problems:
            line = result.text[: len(result.text.encode()[: result.problems[0].start].decode("utf-8", "replace"))].count("\n") + 1
            message = f"the edit would introduce a syntax error (line {line}: {result.problems[0].message}); "
            if stream.sent_batches:
                await self.stream_step(job, stream, lambda: single_batch(stream.expected, stream.region, stream.original_region))
                message += "the streamed part was reverted"
            else:
                message += "nothing was changed"
            self.finish(job, False, message, stats)
            return
        output = result.new_region
        try:
            if streaming:
                await self.stream_step(job, stream, lambda: stream.finish(output))
            else:
                await self.stream_step(job, stream, lambda: single_batch(stream.expected, stream.region, output))
        except StaleDocument as exc:
            self.finish(job, False, str(exc), stats)
            return
        elapsed = time.monotonic() - started
        changed = "no change" if stream.sent_batches == 0 else f"{stream.sent_batches} edit(s)"
        self.finish(job, True, f"done in {elapsed:.1f} s: {changed}, {progress_line(stats)}", stats)

    async def stream_step(self, job: Job, stream: EditStream, make_batch) -> None:
        """Rebase on the user's typing, compute the next batch, apply it, and wait until the client shows it.

        An edit the client refuses because the user typed while it was on its way is computed
        again on the new text (a few times); any other refusal stops the edit.
        """
        for attempt in range(3):
            doc = self.document(job.uri)
            stream.rebase(doc.source)
            saved = {k: copy.deepcopy(v) for k, v in vars(stream).items() if k != "_map"}
            batch: Batch | None = make_batch()
            if batch is None:
                return
            result = await self.send_batch(job, doc, batch)
            if result.applied:
                break
            deadline = time.monotonic() + 1.0  # the user's didChange is usually right behind the refusal
            while self.document(job.uri).version == doc.version and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
            if self.document(job.uri).version == doc.version or attempt == 2:
                job.cancel.set()
                raise StaleDocument(f"the editor refused the edit ({result.failure_reason or 'document changed?'}); stopped")
            vars(stream).update(saved)  # nothing was applied: compute it again on the new text
        deadline = time.monotonic() + SYNC_TIMEOUT_S
        while self.document(job.uri).source != batch.after and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        # If the text still differs, rebase() on the next step tells typing outside from inside the region.

    async def send_batch(self, job: Job, doc, batch: Batch) -> types.ApplyWorkspaceEditResult:
        edits = lsp_text_edits(batch.before, batch.hunks, self.encoding)
        caps = self.client_capabilities.workspace
        if caps and caps.workspace_edit and caps.workspace_edit.document_changes:
            identifier = types.OptionalVersionedTextDocumentIdentifier(uri=job.uri, version=doc.version)
            edit = types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(identifier, edits)])
        else:
            edit = types.WorkspaceEdit(changes={job.uri: edits})
        try:
            return await asyncio.wait_for(
                self.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label="AI edit")), APPLY_TIMEOUT_S
            )
        except asyncio.TimeoutError:
            job.cancel.set()
            raise StaleDocument("the editor did not answer the edit request in time; stopped")

    def ensure_model(self) -> None:
        """Load the model on the worker thread; remember a failure so warm-ups stop retrying it."""
        try:
            self.engine.model
            self.model_failed = None
        except ModelError as exc:
            self.model_failed = str(exc)
            raise

    def propose_name(self, job: Job) -> str:
        """Rename without a new name: the model proposes one (a short greedy completion)."""
        self.ensure_model()
        doc = self.document(job.uri)
        return self.engine.propose_name(doc.source, doc.path, doc.language_id, index_at(doc.source, job.argument["position"], self.encoding))

    # -- warm-up and diagnostics ----------------------------------------------------------

    def schedule_warm(self, uri: str) -> None:
        loop = asyncio.get_running_loop()
        if (timer := self.warm_timers.pop(uri, None)) is not None:
            timer.cancel()
        self.warm_timers[uri] = loop.call_later(WARM_DELAY_S, lambda: loop.create_task(self.warm(uri)))

    async def warm(self, uri: str) -> None:
        if self.model_failed or any(j.state != "done" for j in self.jobs.values()):
            return
        if uri not in self.workspace.text_documents:
            return
        doc = self.workspace.get_text_document(uri)
        try:
            await asyncio.get_running_loop().run_in_executor(self.worker, self.warm_now, doc.source, doc.path, doc.language_id)
        except Exception as exc:  # warm-up is an optimisation: log, never bother the user
            self.log_text(f"warm-up skipped: {exc}")

    def warm_now(self, text: str, path: str, language_id: str | None) -> None:
        self.ensure_model()
        self.engine.warm(text, path, language_id)

    def publish_syntax(self, uri: str) -> None:
        doc = self.workspace.get_text_document(uri)
        language = syntax.language_for(doc.path, doc.language_id)
        source = doc.source.encode("utf-8")
        found = []
        for problem in syntax.syntax_problems(source, language)[:50]:
            start = len(source[: problem.start].decode("utf-8", "replace"))
            end = len(source[: problem.end].decode("utf-8", "replace"))
            found.append(types.Diagnostic(
                range=types.Range(position_at(doc.source, start, self.encoding), position_at(doc.source, end, self.encoding)),
                message=problem.message, severity=types.DiagnosticSeverity.Error, source="specedit"))
        self.diagnostics.setdefault(uri, {})["syntax"] = found
        self.publish(uri)

    def publish(self, uri: str) -> None:
        merged = [d for group in self.diagnostics.get(uri, {}).values() for d in group]
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=merged))

    async def run_linter(self, uri: str) -> None:
        doc = self.workspace.get_text_document(uri)
        argv = self.settings.linters.get(doc.language_id or "") or self.settings.linters.get(syntax.language_for(doc.path).name)
        if not argv:
            return
        try:
            found = await linters.run(argv, doc.path, doc.source)
        except linters.LinterError as exc:
            self.log_text(f"linter {shlex.join(argv)}: {exc}", types.MessageType.Warning)
            return
        diags = []
        for line, column, message in found:
            pos = types.Position(line=max(0, line - 1), character=0)
            start = index_at(doc.source, pos, self.encoding) + max(0, column - 1)
            start = min(start, len(doc.source))
            end = doc.source.find("\n", start)
            end = len(doc.source) if end < 0 else end
            diags.append(types.Diagnostic(
                range=types.Range(position_at(doc.source, start, self.encoding), position_at(doc.source, end, self.encoding)),
                message=message, severity=types.DiagnosticSeverity.Warning, source=argv[0]))
        self.diagnostics.setdefault(uri, {})["lint"] = diags
        self.publish(uri)


def progress_message(progress: Progress) -> str:
    s = progress.stats
    accepted = 100 * s.accepted_tokens / s.drafted_tokens if s.drafted_tokens else 0
    return f"{len(s.output_token_ids)} tok, {progress.tokens_per_s:.0f} tok/s, {accepted:.0f}% accepted"


def progress_line(stats: dict) -> str:
    drafted = stats["drafted_tokens"]
    accepted = 100 * stats["accepted_tokens"] / drafted if drafted else 0
    return f"{stats['output_tokens']} tok, {stats['tokens_per_s']:.0f} tok/s, {accepted:.0f}% accepted"


# -- argument checking ------------------------------------------------------------------


def _position(value: Any, name: str) -> types.Position:
    if not (isinstance(value, dict) and isinstance(value.get("line"), int) and isinstance(value.get("character"), int)):
        raise JsonRpcInvalidParams(f"{name} must be an LSP Position {{line, character}}")
    if value["line"] < 0 or value["character"] < 0:
        raise JsonRpcInvalidParams(f"{name} must not be negative")
    return types.Position(line=value["line"], character=value["character"])


def _range(value: Any, name: str = "range") -> types.Range:
    if not isinstance(value, dict):
        raise JsonRpcInvalidParams(f"{name} must be an LSP Range {{start, end}}")
    return types.Range(start=_position(value.get("start"), f"{name}.start"), end=_position(value.get("end"), f"{name}.end"))


def command_argument(command: str, args: tuple) -> dict:
    """The one object argument of a command, checked and with LSP types built; JsonRpcInvalidParams if wrong."""
    if len(args) != 1 or not isinstance(args[0], dict):
        raise JsonRpcInvalidParams(f"{command} takes one object argument")
    raw = args[0]
    arg: dict = {"uri": raw.get("uri")}
    if not isinstance(arg["uri"], str):
        raise JsonRpcInvalidParams(f"{command}: 'uri' must be a string")
    if raw.get("range") is not None:
        arg["range"] = _range(raw["range"])
    strings = {"instruction": actions.EDIT, "message": actions.FIX, "sketch": actions.APPLY_SKETCH, "newName": actions.RENAME}
    for key, owner in strings.items():
        if raw.get(key) is not None:
            if not isinstance(raw[key], str):
                raise JsonRpcInvalidParams(f"{command}: '{key}' must be a string")
            arg[key] = raw[key]
    if command == actions.RENAME:
        arg["position"] = _position(raw.get("position") or (raw.get("range") or {}).get("start"), "position")
    if command == actions.FIX and "range" not in arg:
        raise JsonRpcInvalidParams("specedit.fix needs the diagnostic's range")
    if command == actions.APPLY_SKETCH and not arg.get("sketch"):
        raise JsonRpcInvalidParams("specedit.applySketch needs the sketch text")
    return arg


def _lsp_range(rng: types.Range) -> dict:
    return {"start": {"line": rng.start.line, "character": rng.start.character},
            "end": {"line": rng.end.line, "character": rng.end.character}}


def build_server() -> SpecEditServer:
    server = SpecEditServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: SpecEditServer, params: types.InitializeParams) -> None:
        ls.apply_settings(params.initialization_options)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    def did_change_configuration(ls: SpecEditServer, params: types.DidChangeConfigurationParams) -> None:
        settings = params.settings
        if isinstance(settings, dict) and isinstance(settings.get("specedit"), dict):
            settings = settings["specedit"]
        ls.apply_settings(settings)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: SpecEditServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.publish_syntax(params.text_document.uri)
        ls.schedule_warm(params.text_document.uri)
        await ls.run_linter(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: SpecEditServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.publish_syntax(params.text_document.uri)
        ls.schedule_warm(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: SpecEditServer, params: types.DidSaveTextDocumentParams) -> None:
        await ls.run_linter(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: SpecEditServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.diagnostics.pop(params.text_document.uri, None)
        if (timer := ls.warm_timers.pop(params.text_document.uri, None)) is not None:
            timer.cancel()

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.RefactorRewrite]),
    )
    def code_action(ls: SpecEditServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        # Only cheap work here: Helix resolves code actions on its UI thread.
        doc = ls.document(params.text_document.uri)
        text, enc = doc.source, ls.encoding
        start, end = index_at(text, params.range.start, enc), index_at(text, params.range.end, enc)
        diagnostics = list(params.context.diagnostics or [])
        offered = actions.code_actions(text, doc.uri, doc.path, doc.language_id, start, end,
                                       [(i, d.message) for i, d in enumerate(diagnostics)])
        result = []
        for action in offered:
            argument = dict(action.argument)
            if action.diagnostic_index is not None:
                argument["range"] = _lsp_range(diagnostics[action.diagnostic_index].range)
            elif action.command == actions.RENAME:
                argument["position"] = {"line": params.range.start.line, "character": params.range.start.character}
            elif start != end or action.command == actions.EDIT_FROM_COMMENT:
                argument["range"] = _lsp_range(params.range)
            result.append(types.CodeAction(
                title=action.title,
                kind=action.kind,
                diagnostics=[diagnostics[action.diagnostic_index]] if action.diagnostic_index is not None else None,
                command=types.Command(title=action.title, command=action.command, arguments=[argument]),
            ))
        return result

    def register(command: str) -> None:
        @server.command(command)
        def run(ls: SpecEditServer, *args: Any) -> dict:
            arg = command_argument(command, args)
            ls.document(arg["uri"])
            if command == actions.EDIT and not (arg.get("instruction") or "").strip():
                raise JsonRpcInvalidParams("specedit.edit needs an instruction (the editor prompts for it, or use a '# ai: ...' comment)")
            return ls.submit(command, arg)

    for name in (actions.EDIT, actions.EDIT_FROM_COMMENT, actions.RENAME, actions.FIX, actions.APPLY_SKETCH):
        register(name)

    @server.command(actions.CANCEL)
    def cancel(ls: SpecEditServer, *args: Any) -> dict:
        uri = args[0].get("uri") if args and isinstance(args[0], dict) else None
        cancelled = []
        for job in ls.jobs.values():
            if job.state != "done" and (uri is None or job.uri == uri):
                job.cancel.set()
                cancelled.append(job.id)
        return {"cancelled": cancelled}

    @server.feature(types.WINDOW_WORK_DONE_PROGRESS_CANCEL)
    def progress_cancel(ls: SpecEditServer, params: types.WorkDoneProgressCancelParams) -> None:
        for job in ls.jobs.values():
            if job.token == params.token:
                job.cancel.set()

    return server
