"""What the server's parts (jobs, applying edits, diagnostics) need from the connection to the editor.

A protocol, so that those modules never import server.py: `server.SpecEditServer` is the one
implementation (pygls' own names where pygls has them), and a test can pass a recording fake.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Awaitable, Protocol

from lsprotocol import types

if TYPE_CHECKING:
    from pygls.progress import Progress

    from .config import Settings
    from .documents import Document


class Client(Protocol):
    settings: Settings

    @property
    def encoding(self) -> str:
        """The negotiated position encoding: "utf-8", "utf-16" or "utf-32"."""

    @property
    def review_mode(self) -> str | None:
        """How this client reviews an edit before it lands: "annotations", "plugin", or None."""

    @property
    def client_capabilities(self) -> types.ClientCapabilities: ...

    @property
    def work_done_progress(self) -> Progress: ...

    def document(self, uri: str) -> Document:
        """The open document (a snapshot); JsonRpcInvalidParams when it is not open."""

    def tell(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        """A message the user sees (window/showMessage)."""

    def log_text(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        """A line in the client's log (window/logMessage)."""

    def notify(self, method: str, params: Any) -> None:
        """A notification of specedit's own (specedit/jobDone, specedit/review)."""

    def workspace_apply_edit_async(self, params: types.ApplyWorkspaceEditParams) -> Awaitable[types.ApplyWorkspaceEditResult]:
        ...

    def text_document_publish_diagnostics(self, params: types.PublishDiagnosticsParams) -> None: ...
