"""pygls glue: the LSP handlers. Each fetches the document, calls one pure function or the job runner, and wraps the result."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcInternalError, JsonRpcInvalidParams
from pygls.lsp.server import LanguageServer
from pygls.protocol import JsonRPCRequestMessage, LanguageServerProtocol, lsp_method

from . import __version__, actions, commands, coords
from .arguments import command_argument, lsp_range
from .config import Settings, settings_from_client
from .diagnostics import Diagnostics
from .documents import Document, Documents
from .engine.engine import Engine
from .jobs import Jobs

log = logging.getLogger(__name__)

WARM_DELAY_S = 1.5  # idle time after open/change before the cache is warmed (the file; after a change, the lines there)
CURSOR_WARM_DELAY_S = 0.5  # idle time after a code action request (the cursor moved) before warming there
# Requests whose params do not deserialize are answered by this method's handler (an error).
INVALID_PARAMS = "specedit/invalidParams"


class SpecEditProtocol(LanguageServerProtocol):
    """pygls' protocol, except that every request gets a response, even one whose params do not deserialize,
    and that the documents' text is the server's own (documents.py)."""

    def structure_message(self, data):
        if isinstance(data, dict) and "method" in data and "id" in data and "params" not in data:
            data = {**data, "params": None}  # JSON-RPC 2.0 allows a request without params
        try:
            return super().structure_message(data)
        except (JsonRpcInvalidParams, JsonRpcInternalError):
            if isinstance(data, dict) and "method" in data and isinstance(data.get("id"), (int, str)):
                # Route it to a handler that answers "invalid params", through pygls' own request path.
                return JsonRPCRequestMessage(id=data["id"], method=INVALID_PARAMS, params={"method": str(data["method"])},
                                             jsonrpc="2.0")
            raise

    # The server keeps the documents' text itself (documents.py): pygls' copy would split lines
    # where LSP does not. These replace pygls' own handlers, which would update that copy, and
    # hand each notification on to the server's handler.

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        yield from self._to_server(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        yield from self._to_server(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):
        yield from self._to_server(types.TEXT_DOCUMENT_DID_CLOSE, params)

    def _to_server(self, method: str, params):
        if (handler := self.fm.features.get(method)) is not None:
            yield handler, (params,), None


class SpecEditServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("specedit", __version__, protocol_cls=SpecEditProtocol)
        self.settings = Settings()
        self.documents = Documents()
        self.jobs = Jobs(self, Engine(self.settings))
        self.diagnostics = Diagnostics(self)
        self.warm_timers: dict[str, asyncio.TimerHandle] = {}
        # Where the next edit of a document is likely (the cursor or selection of the last code action
        # request, or the last change), and whether its lines are warmed too (not where that is a guess).
        self.warm_at: dict[str, tuple[types.Range, bool]] = {}

    @property
    def encoding(self) -> str:
        encoding = self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        return str(getattr(encoding, "value", encoding))

    def document(self, uri: str) -> Document:
        doc = self.documents.get(uri) if isinstance(uri, str) else None
        if doc is None:
            raise JsonRpcInvalidParams(f"document {uri!r} is not open in the editor")
        return doc

    def notify(self, method: str, params: Any) -> None:
        self.protocol.notify(method, params)

    def tell(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        self.window_show_message(types.ShowMessageParams(type=kind, message=f"specedit: {message}"))

    def log_text(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    @property
    def review_mode(self) -> str | None:
        """How this client can review an edit before it lands: "annotations" (VS Code's refactor
        preview for edits that need confirmation), "plugin" (the specedit Neovim plugin), or None."""
        caps = self.client_capabilities
        edit_caps = caps.workspace.workspace_edit if caps and caps.workspace else None
        if edit_caps and edit_caps.change_annotation_support is not None and edit_caps.document_changes:
            return "annotations"
        experimental = caps.experimental if caps else None
        if isinstance(experimental, dict) and (experimental.get("specedit") or {}).get("review"):
            return "plugin"
        return None

    def apply_settings(self, options: Any) -> None:
        settings, problems = settings_from_client(options, self.settings)
        if settings.review and self.review_mode is None:
            settings.review = False
            problems.append("review is on, but this editor can show neither change annotations (VS Code's refactor "
                            "preview) nor the specedit plugin's diff; edits stream into the buffer as before")
        review_changed = settings.review != self.settings.review
        new_backend = backend_settings(settings) != backend_settings(self.settings)
        self.settings = settings
        if not settings.warm_up:
            self.jobs.warm_generation += 1  # a warm-up running now stops at its next chunk
        if new_backend:  # the engine holds its model or server: a new one, loaded lazily after running jobs
            self.jobs.replace_engine(Engine(settings))
        else:
            self.jobs.engine.settings = settings
        for problem in problems:
            self.tell(problem, types.MessageType.Warning)
        if review_changed:
            self.tell("review is on: each finished AI edit is offered for review before it lands" if settings.review
                      else "review is off: AI edits stream into the editor")

    def schedule_warm(self, uri: str, at: types.Range | None = None, delay: float = WARM_DELAY_S,
                      lines: bool = True) -> None:
        """Warm the prompt of an edit at `at` (else where the last one pointed: the cursor, the last change)
        once the document has been idle for `delay`; a newer call replaces a pending one. lines=False:
        the file part alone, where `at` is a guess (a file just opened)."""
        if not self.settings.warm_up:
            return
        loop = asyncio.get_running_loop()
        if at is not None:
            self.warm_at[uri] = (at, lines)
        if (timer := self.warm_timers.pop(uri, None)) is not None:
            timer.cancel()
        self.warm_timers[uri] = loop.call_later(delay, lambda: loop.create_task(self.warm(uri)))

    async def warm(self, uri: str) -> None:
        if uri in self.documents and self.settings.warm_up:  # (turned off since it was scheduled)
            await self.jobs.warm(uri, *self.warm_at.get(uri, (None, True)))

    def forget_warm(self, uri: str) -> None:
        self.warm_at.pop(uri, None)
        if (timer := self.warm_timers.pop(uri, None)) is not None:
            timer.cancel()


def backend_settings(settings: Settings) -> tuple:
    """The settings an engine's backend holds from its start: the model, or the inference server."""
    return (settings.model, settings.freeform_model, settings.engine, settings.engine_url, settings.engine_model,
            settings.engine_api, settings.engine_api_key_env)


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
        ls.documents.open(params.text_document)
        ls.diagnostics.check_syntax(params.text_document.uri)
        # The cursor's place is not known yet: the file (a larger one's window at its top), not a region.
        ls.schedule_warm(params.text_document.uri, types.Range(types.Position(0, 0), types.Position(0, 0)), lines=False)
        await ls.diagnostics.lint(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: SpecEditServer, params: types.DidChangeTextDocumentParams) -> None:
        if ls.documents.change(params, ls.encoding) is None:
            return  # a change to a document that is not open: nothing to apply it to
        ls.diagnostics.check_syntax(params.text_document.uri)
        ranges = [c.range for c in params.content_changes if isinstance(c, types.TextDocumentContentChangePartial)]
        # Where the last change starts is where it stands in the new text too.
        at = types.Range(ranges[-1].start, ranges[-1].start) if ranges else None
        ls.schedule_warm(params.text_document.uri, at)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: SpecEditServer, params: types.DidSaveTextDocumentParams) -> None:
        if params.text_document.uri in ls.documents:  # a save of a file that is not open has no text here
            await ls.diagnostics.lint(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: SpecEditServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.documents.close(params.text_document.uri)
        ls.diagnostics.forget(params.text_document.uri)
        ls.jobs.applier.forget(params.text_document.uri)
        ls.forget_warm(params.text_document.uri)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.RefactorRewrite]),
    )
    def code_action(ls: SpecEditServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        # Only cheap work here: Helix resolves code actions on its UI thread.
        doc = ls.document(params.text_document.uri)
        ls.schedule_warm(doc.uri, params.range, CURSOR_WARM_DELAY_S)  # an edit there is likely next
        text, enc = doc.text, ls.encoding
        start, end = coords.index_at(text, params.range.start, enc), coords.index_at(text, params.range.end, enc)
        diagnostics = list(params.context.diagnostics or [])
        offered = actions.code_actions(text, doc.uri, doc.path, doc.language_id, start, end,
                                       [(i, d.message) for i, d in enumerate(diagnostics)])
        result = []
        for action in offered:
            argument = dict(action.argument)
            if action.diagnostic_index is not None:
                diagnostic = diagnostics[action.diagnostic_index]
                argument["range"] = lsp_range(diagnostic.range)
                if isinstance(diagnostic.data, dict) and diagnostic.data.get("fixEdits"):
                    argument["fixEdits"] = diagnostic.data["fixEdits"]  # the linter's fix becomes the draft
            elif action.command == commands.RENAME:
                argument["position"] = {"line": params.range.start.line, "character": params.range.start.character}
            elif start != end or action.command in (commands.EDIT, commands.EDIT_FROM_COMMENT):
                # A cursor too: "Apply AI edit…" there rewrites the syntax node around it, as every
                # editor's own edit command does and as the warm-up started above prepared.
                argument["range"] = lsp_range(params.range)
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
            ls.document(arg.uri)
            return ls.jobs.submit(command, arg)

    for name in (commands.EDIT, commands.EDIT_FROM_COMMENT, commands.RENAME, commands.FIX, commands.APPLY_SKETCH):
        register(name)

    @server.command(commands.CANCEL)
    def cancel(ls: SpecEditServer, *args: Any) -> dict:
        uri = args[0].get("uri") if args and isinstance(args[0], dict) else None
        return {"cancelled": ls.jobs.cancel(uri)}

    @server.command(commands.UNDO)
    async def undo(ls: SpecEditServer, *args: Any) -> dict:
        # Without a uri (Helix's workspace command sends no arguments): the last AI edit of any document.
        uri = args[0].get("uri") if len(args) == 1 and isinstance(args[0], dict) else None
        uri = uri or ls.jobs.applier.last_uri()
        if uri is None:
            raise JsonRpcInvalidParams("no AI edit to undo")
        ls.document(uri)
        return await ls.jobs.undo(uri)

    @server.feature(types.WINDOW_WORK_DONE_PROGRESS_CANCEL)
    def progress_cancel(ls: SpecEditServer, params: types.WorkDoneProgressCancelParams) -> None:
        ls.jobs.cancel(token=params.token)

    @server.feature(INVALID_PARAMS)
    def invalid_params(ls: SpecEditServer, params: Any) -> None:
        method = params.get("method") if isinstance(params, dict) else getattr(params, "method", "?")
        raise JsonRpcInvalidParams(f"invalid params for {method}")

    return server
