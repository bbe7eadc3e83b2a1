"""Which binding an occurrence of a name belongs to (grammars/<lang>/locals.scm): the scope a rename stays in."""

from __future__ import annotations

from . import queries
from .languages import Language

Span = tuple[int, int]

# Values of `(#set! definition.scope ...)` in locals.scm: where a definition binds instead of its innermost scope.
PARENT = "parent"  # the scope around that one: a function's own name is bound where the function is defined
FILE = "file"  # not a local name there: Python's global/nonlocal, JavaScript's function-wide `var`


class Bindings:
    """Where each occurrence of one name is bound in one source text (UTF-8 byte offsets).

    A binding is a local scope, given as its (start, end), or None for the file-wide name: a
    module-level name, an attribute or a method, a name no scope defines (a builtin, an import),
    and every name of a language without a locals.scm. The file itself is not a @local.scope.
    """

    def __init__(self, source: bytes, language: Language, name: bytes):
        scopes: set[Span] = set()
        self.members: set[Span] = set()  # @local.member: attributes, methods, keyword names
        self.references: set[Span] = set()
        settings: dict[Span, str | None] = {}  # definition -> its definition.scope
        for properties, captured in queries.matches(language, source, "locals"):
            for capture, nodes in captured.items():
                if capture == "local.scope":
                    scopes.update((n.start_byte, n.end_byte) for n in nodes)
                    continue
                spans = [(n.start_byte, n.end_byte) for n in nodes if n.text == name]
                if capture.startswith("local.definition"):
                    for span in spans:  # FILE beats PARENT beats the innermost scope when patterns overlap
                        chosen = [settings.get(span), properties.get("definition.scope")]
                        settings[span] = FILE if FILE in chosen else PARENT if PARENT in chosen else None
                elif capture == "local.reference":
                    self.references.update(spans)
                elif capture == "local.member":
                    self.members.update(spans)
        self.scopes = sorted(scopes)
        self.definitions: dict[Span, Span | None] = {}  # definition -> the scope it binds in (None: the file)
        self.escaped: set[Span | None] = set()  # scopes where the name is declared not local
        for span, setting in settings.items():
            chain = self._containing(span)
            bound = (chain[1:] if setting == PARENT else chain)[:1]
            if setting == FILE:
                self.escaped.add(bound[0] if bound else None)
            self.definitions[span] = bound[0] if bound else None
        self.defined = {scope for span, scope in self.definitions.items() if settings[span] != FILE}

    def _containing(self, span: Span) -> list[Span]:
        """The scopes around `span`, innermost first (scopes are syntax nodes: nested or apart)."""
        around = [s for s in self.scopes if s[0] <= span[0] and span[1] <= s[1]]
        return sorted(around, key=lambda s: (-s[0], s[1]))

    def _local(self, scope: Span | None) -> Span | None:
        """`scope`, unless a scope inside it declares the name global/nonlocal: then the file-wide name."""
        if scope is None or any(e is None or scope[0] <= e[0] and e[1] <= scope[1] for e in self.escaped):
            return None
        return scope

    def _lookup(self, span: Span) -> Span | None:
        """The binding a use at `span` sees: the innermost scope around it that defines the name."""
        for scope in self._containing(span):
            if scope in self.escaped:
                return None
            if scope in self.defined:
                return self._local(scope)
        return None

    def of_node(self, span: Span) -> Span | None:
        """The binding of the syntax node at `span`; a node locals.scm does not capture (a field, a type
        name, an object key) belongs to the file-wide name."""
        if span in self.members:
            return None
        if span in self.definitions:
            scope = self.definitions[span]
            return None if scope in self.escaped else self._local(scope)
        if span in self.references:
            return self._lookup(span)
        return None

    def of_word(self, span: Span) -> Span | None:
        """The binding a whole-word mention in a comment or docstring at `span` is about: as if it were a use."""
        return self._lookup(span)

    def at(self, offset: int) -> Span | None:
        """The binding of the captured occurrence under byte `offset` (inside it, else ending at it)."""
        captured = [*self.definitions, *self.references, *self.members]
        touching = sorted((s for s in captured if s[0] <= offset <= s[1]), key=lambda s: (not s[0] <= offset < s[1], s))
        return self.of_node(touching[0]) if touching else None
