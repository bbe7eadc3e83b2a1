"""Helix: editors/helix/languages.toml checked statically, and Helix's client behaviour
emulated with pygls' client (no Helix binary here): utf-8 positions, codeAction then
codeAction/resolve at once, a 20 s request timeout, never a $/cancelRequest, versioned
edits refused when stale, a didChange before answering each applyEdit."""

from __future__ import annotations

import ast
import asyncio
import re
from pathlib import Path
from typing import Union

import pytest
from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.protocol import default_converter

from clientlib import CLIENT_SETTINGS, EDITORS, JOB_TIMEOUT_S
from lsp_server.tomlcompat import tomllib

pytestmark = pytest.mark.client

LANGUAGES_TOML = EDITORS / "helix" / "languages.toml"
HELIX_TIMEOUT_S = 20  # helix-lsp's default request timeout
DIRECTIVE_FILE = "directive_comment.py"
DIRECTIVE_TITLE = "Apply AI instruction from comment"  # the server appends ": <instruction>"


def test_languages_toml_registers_specedit_next_to_usual_servers():
    config = tomllib.loads(LANGUAGES_TOML.read_text())
    server = config["language-server"]["specedit"]
    assert server["command"] == "specedit"
    assert server["args"] == ["serve"]
    assert server.get("timeout", HELIX_TIMEOUT_S) <= HELIX_TIMEOUT_S
    languages = {entry["name"]: entry["language-servers"] for entry in config["language"]}
    assert "python" in languages
    for name, servers in languages.items():
        assert "specedit" in servers, name
        assert len(servers) >= 2, f"{name}: specedit should sit next to the usual servers"
    assert set(server.get("config", {})) <= {
        "modelPath", "nCtx", "nThreads", "nGpuLayers", "useExtraBufts", "draftMin", "draftMax",
        "streaming", "acceptance", "typicalRatio", "maxNewTokens", "linters", "sketchMarkers",
    }


def named_commands() -> set[str]:
    return set(re.findall(r"(?<![.\w-])specedit\.[A-Za-z]+\b", LANGUAGES_TOML.read_text()))


def utf8_offset(data: bytes, position: types.Position) -> int:
    """Byte offset of an LSP position whose character counts UTF-8 code units."""
    offset = 0
    for _ in range(position.line):
        newline = data.find(b"\n", offset)
        if newline < 0:
            return len(data)
        offset = newline + 1
    line_end = data.find(b"\n", offset)
    line_end = len(data) if line_end < 0 else line_end
    return min(offset + position.character, line_end)


def command_or_code_action_converter():
    """pygls' converter, except that a CodeAction carrying a command stays a CodeAction.

    lsprotocol structures every `Command | CodeAction` with a "command" key as a Command;
    a Command's "command" is a string, a CodeAction's is an object.
    """
    converter = default_converter()

    def structure(obj, _type):
        if isinstance(obj.get("command"), str):
            return converter.structure(obj, types.Command)
        return converter.structure(obj, types.CodeAction)

    converter.register_structure_hook(Union[types.Command, types.CodeAction], structure)
    return converter


def get(obj, name):
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


class HelixLikeClient:
    """The parts of helix-lsp's behaviour that matter to specedit."""

    def __init__(self, exe: Path, root: Path):
        self.exe, self.root = exe, root
        self.client = LanguageClient("helix", "25.07", converter_factory=command_or_code_action_converter)
        self.text = b""
        self.uri = ""
        self.version = 0
        self.job_done: asyncio.Future = asyncio.get_running_loop().create_future()
        self.stale_edits: list[str] = []
        self.progress: list[str] = []
        self.stderr = bytearray()
        self._register_handlers()

    def _register_handlers(self):
        client = self.client

        @client.feature(types.WORKSPACE_APPLY_EDIT)
        def apply_edit(params: types.ApplyWorkspaceEditParams):
            return self.apply(params.edit)

        @client.feature(types.WINDOW_WORK_DONE_PROGRESS_CREATE)
        def progress_create(params):
            return None

        @client.feature(types.PROGRESS)
        def progress(params):
            self.progress.append(get(get(params, "value"), "kind"))

        @client.feature("specedit/jobDone")
        def job_done(params):
            if not self.job_done.done():
                self.job_done.set_result(params)

        for method in (types.WINDOW_SHOW_MESSAGE, types.WINDOW_LOG_MESSAGE, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS):
            client.feature(method)(lambda params: None)

        @client.feature(types.WORKSPACE_CONFIGURATION)
        def configuration(params: types.ConfigurationParams):
            return [CLIENT_SETTINGS for _ in params.items]

        @client.feature(types.CLIENT_REGISTER_CAPABILITY)
        def register(params):
            return None

    def apply(self, edit: types.WorkspaceEdit) -> types.ApplyWorkspaceEditResult:
        changes = []
        for change in edit.document_changes or []:
            version = change.text_document.version
            if version is not None and version != self.version:
                self.stale_edits.append(f"edit for version {version}, document at {self.version}")
                return types.ApplyWorkspaceEditResult(applied=False, failure_reason="outdated version")
            changes.append(change.edits)
        for uri, edits in (edit.changes or {}).items():
            assert uri == self.uri
            changes.append(edits)
        for edits in changes:
            self.apply_text_edits(list(edits))
        return types.ApplyWorkspaceEditResult(applied=True)

    def apply_text_edits(self, edits: list[types.TextEdit]) -> None:
        original = self.text
        ordered = sorted(edits, key=lambda e: (utf8_offset(original, e.range.start), utf8_offset(original, e.range.end)), reverse=True)
        for edit in ordered:
            start, end = utf8_offset(original, edit.range.start), utf8_offset(original, edit.range.end)
            self.text = self.text[:start] + edit.new_text.encode() + self.text[end:]
        self.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=self.uri, version=self.version),
                content_changes=[
                    types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text) for edit in ordered
                ],
            )
        )

    async def request(self, coroutine):
        """Every request answers within Helix's timeout; Helix never cancels one."""
        return await asyncio.wait_for(coroutine, HELIX_TIMEOUT_S)

    async def start(self) -> types.InitializeResult:
        await self.client.start_io(str(self.exe), "serve", cwd=str(self.root))
        asyncio.get_running_loop().create_task(self._drain_stderr())
        result = await self.request(
            self.client.initialize_async(
                types.InitializeParams(
                    process_id=None,
                    client_info=types.ClientInfo(name="helix", version="25.07"),
                    root_uri=self.root.as_uri(),
                    workspace_folders=[types.WorkspaceFolder(uri=self.root.as_uri(), name=self.root.name)],
                    initialization_options=CLIENT_SETTINGS,
                    capabilities=types.ClientCapabilities(
                        general=types.GeneralClientCapabilities(
                            position_encodings=[
                                types.PositionEncodingKind.Utf8,
                                types.PositionEncodingKind.Utf32,
                                types.PositionEncodingKind.Utf16,
                            ]
                        ),
                        window=types.WindowClientCapabilities(work_done_progress=True),
                        workspace=types.WorkspaceClientCapabilities(
                            apply_edit=True,
                            workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
                            execute_command=types.ExecuteCommandClientCapabilities(dynamic_registration=False),
                            configuration=True,
                            workspace_folders=True,
                        ),
                        text_document=types.TextDocumentClientCapabilities(
                            code_action=types.CodeActionClientCapabilities(
                                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                                    code_action_kind=types.ClientCodeActionKindOptions(
                                        value_set=["", "quickfix", "refactor", "refactor.extract",
                                                   "refactor.inline", "refactor.rewrite", "source",
                                                   "source.organizeImports"]
                                    )
                                ),
                                is_preferred_support=True,
                                disabled_support=True,
                                data_support=True,
                                resolve_support=types.ClientCodeActionResolveOptions(properties=["edit", "command"]),
                            ),
                        ),
                    ),
                )
            )
        )
        self.client.initialized(types.InitializedParams())
        return result

    async def _drain_stderr(self):
        # pygls pipes the server's stderr; read it so a chatty server never blocks on it.
        stream = self.client._server.stderr
        while chunk := await stream.read(65536):
            self.stderr.extend(chunk)

    def open(self, path: Path) -> None:
        self.uri, self.text, self.version = path.as_uri(), path.read_bytes(), 0
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=self.uri, language_id="python", version=0, text=self.text.decode())
            )
        )

    async def stop(self) -> None:
        try:
            await self.request(self.client.shutdown_async(None))
            self.client.exit(None)
        finally:
            await self.client.stop()


async def test_helix_commands_in_languages_toml_are_advertised_by_the_server(specedit_exe, tmp_path):
    helix = HelixLikeClient(specedit_exe, tmp_path)
    result = await helix.start()
    try:
        advertised = set(result.capabilities.execute_command_provider.commands)
        assert named_commands(), "languages.toml names no command"
        assert named_commands() <= advertised, named_commands() - advertised
        assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    finally:
        await helix.stop()


@pytest.mark.timeout(JOB_TIMEOUT_S + 120)
async def test_helix_directive_comment_workflow_consumes_the_comment(specedit_exe, work_copy):
    file = work_copy(DIRECTIVE_FILE)
    original = file.read_text()
    helix = HelixLikeClient(specedit_exe, file.parent)
    result = await helix.start()
    try:
        helix.open(file)
        comment_line = next(i for i, line in enumerate(original.splitlines()) if "# ai:" in line)
        # `x` on the comment line: the whole line, newline included.
        selection = types.Range(start=types.Position(line=comment_line, character=0),
                                end=types.Position(line=comment_line + 1, character=0))
        actions = await helix.request(
            helix.client.text_document_code_action_async(
                types.CodeActionParams(
                    text_document=types.TextDocumentIdentifier(uri=helix.uri),
                    range=selection,
                    context=types.CodeActionContext(diagnostics=[], trigger_kind=types.CodeActionTriggerKind.Invoked),
                )
            )
        )
        titles = [action.title for action in actions or []]
        assert any(title.startswith(DIRECTIVE_TITLE) for title in titles), titles
        action = next(a for a in actions if a.title.startswith(DIRECTIVE_TITLE))
        assert isinstance(action, types.CodeAction), action

        # Helix resolves on its UI thread, right away, when edit or command is missing.
        provider = result.capabilities.code_action_provider
        resolvable = isinstance(provider, types.CodeActionOptions) and provider.resolve_provider
        if resolvable and (action.edit is None or action.command is None):
            action = await helix.request(helix.client.code_action_resolve_async(action))
        if action.edit is not None:
            helix.apply(action.edit)
        assert action.command is not None, "the action must carry a command"
        started = await helix.request(
            helix.client.workspace_execute_command_async(
                types.ExecuteCommandParams(command=action.command.command, arguments=action.command.arguments)
            )
        )
        assert isinstance(get(started, "job"), int), started

        done = await asyncio.wait_for(helix.job_done, JOB_TIMEOUT_S)
        assert get(done, "ok") is True, (done, helix.stderr[-3000:].decode(errors="replace"))
        assert get(done, "uri") == helix.uri
        assert helix.stale_edits == []
        final = helix.text.decode()
        assert "# ai:" not in final, final
        assert "def shout(words):" in final
        ast.parse(final)
        assert "begin" in helix.progress and "end" in helix.progress

        # `:lsp-workspace-command specedit.cancel` sends the command without arguments.
        await helix.request(helix.client.workspace_execute_command_async(types.ExecuteCommandParams(command="specedit.cancel")))
    finally:
        await helix.stop()
