"""The open documents' text, kept by the server itself so that a line is what LSP says it is.

pygls' own copy splits lines with `str.splitlines`, which also breaks at a form feed, \\x1c-\\x1e,
\\x85, U+2028 and U+2029; LSP ends a line only at \\n, \\r\\n and \\r. An incremental change applied
on the wrong lines lands in the wrong place, so every change here goes through `coords`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from lsprotocol import types
from pygls.uris import to_fs_path

from . import coords


@dataclass(frozen=True)
class Document:
    """One open document as the editor had it at one version (a snapshot: a change makes a new one)."""

    uri: str
    text: str
    version: int | None = None
    language_id: str | None = None

    @property
    def path(self) -> str | None:
        """The file's path for a file: URI; None for untitled buffers and other schemes."""
        return to_fs_path(self.uri)


def apply_change(text: str, change: types.TextDocumentContentChangeEvent, encoding: str) -> str:
    """The text after one didChange content change (a range and its new text, or the whole text)."""
    if isinstance(change, types.TextDocumentContentChangePartial):
        start = coords.index_at(text, change.range.start, encoding)
        end = max(start, coords.index_at(text, change.range.end, encoding))
        return text[:start] + change.text + text[end:]
    return change.text


class Documents:
    """The documents the editor has open, by URI."""

    def __init__(self) -> None:
        self._open: dict[str, Document] = {}

    def __contains__(self, uri: object) -> bool:
        return uri in self._open

    def get(self, uri: str) -> Document | None:
        return self._open.get(uri)

    def open(self, item: types.TextDocumentItem) -> Document:
        doc = Document(item.uri, item.text, item.version, item.language_id)
        self._open[item.uri] = doc
        return doc

    def change(self, params: types.DidChangeTextDocumentParams, encoding: str) -> Document | None:
        """Apply the changes in order (each refers to the text after the one before); None if not open."""
        doc = self._open.get(params.text_document.uri)
        if doc is None:
            return None
        text = doc.text
        for change in params.content_changes:
            text = apply_change(text, change, encoding)
        doc = self._open[doc.uri] = replace(doc, text=text, version=params.text_document.version)
        return doc

    def close(self, uri: str) -> None:
        self._open.pop(uri, None)
