"""The server's diagnostics: tree-sitter syntax errors on every change, and the configured linter's findings on open and save."""

from __future__ import annotations

import shlex

from lsprotocol import types

from . import coords, linters, syntax
from .arguments import lsp_range
from .client import Client

MAX_SYNTAX_PROBLEMS = 50


class Diagnostics:
    """Diagnostics per document and source ("syntax", "lint"), published merged."""

    def __init__(self, client: Client):
        self.client = client
        self.by_uri: dict[str, dict[str, list[types.Diagnostic]]] = {}

    def forget(self, uri: str) -> None:
        self.by_uri.pop(uri, None)

    def publish(self, uri: str) -> None:
        merged = [d for group in self.by_uri.get(uri, {}).values() for d in group]
        self.client.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=merged))

    def _range(self, text: str, start: int, end: int) -> types.Range:
        enc = self.client.encoding
        return types.Range(coords.position_at(text, start, enc), coords.position_at(text, end, enc))

    def check_syntax(self, uri: str) -> None:
        doc = self.client.document(uri)
        language = syntax.language_for(doc.path, doc.language_id)
        source = doc.text.encode("utf-8")
        found = []
        for problem in syntax.syntax_problems(source, language)[:MAX_SYNTAX_PROBLEMS]:
            start, end = coords.str_index(source, problem.start), coords.str_index(source, problem.end)
            found.append(types.Diagnostic(range=self._range(doc.text, start, end), message=problem.message,
                                          severity=types.DiagnosticSeverity.Error, source="specedit"))
        self.by_uri.setdefault(uri, {})["syntax"] = found
        self.publish(uri)

    async def lint(self, uri: str) -> None:
        doc = self.client.document(uri)
        settings = self.client.settings
        argv = settings.linters.get(doc.language_id or "") or settings.linters.get(syntax.language_for(doc.path).name)
        if not argv:
            return
        try:
            findings = await linters.run(argv, doc.path, doc.text)
        except linters.LinterError as exc:
            self.client.log_text(f"linter {shlex.join(argv)}: {exc}", types.MessageType.Warning)
            return
        found = []
        for f in findings:
            data = None
            if f.fix:  # the linter's own fix: the quick fix sends it back as the draft (fixEdits)
                data = {"fixEdits": [{"range": lsp_range(self._range(doc.text, s, e)), "newText": new}
                                     for s, e, new in f.fix]}
            found.append(types.Diagnostic(range=self._range(doc.text, f.start, f.end), message=f.message,
                                          severity=types.DiagnosticSeverity.Warning, source=argv[0], data=data))
        self.by_uri.setdefault(uri, {})["lint"] = found
        self.publish(uri)

