"""Syntax problems (tree-sitter ERROR and MISSING nodes, and grammars/<lang>/problems.scm) and the ones an edit introduced."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from . import queries
from .languages import Language
from .lines import line_end, line_start


@dataclass(frozen=True)
class SyntaxProblem:
    """A parse problem at [start, end): UTF-8 byte offsets, 0-based, end-exclusive (MISSING: empty)."""

    start: int
    end: int
    message: str


def syntax_problems(source: bytes, language: Language) -> list[SyntaxProblem]:
    """ERROR nodes (outermost only), MISSING nodes and the language's problems.scm findings of `source`,
    in source order; [] with no grammar."""
    if not language.has_grammar:
        return []
    problems = _accepted_problems(source, language)
    pending = [queries.parse(language, source).root_node]
    while pending:
        node = pending.pop()
        if node.is_error:
            problems.append(SyntaxProblem(node.start_byte, node.end_byte, "syntax error"))
        elif node.is_missing:
            what = node.type if node.is_named else f"'{node.type}'"
            problems.append(SyntaxProblem(node.start_byte, node.end_byte, f"missing {what}"))
        elif node.has_error:
            pending.extend(reversed(node.children))
    problems.sort(key=lambda p: (p.start, p.end))
    return problems


def _accepted_problems(source: bytes, language: Language) -> list[SyntaxProblem]:
    """What the grammar parses without an error but the language rejects (grammars/<lang>/problems.scm):
    a node captured as @problem, or as @problem.empty where it holds no named child, with its pattern's
    message. Not where the statement around it holds an ERROR node already (the parser's recovery emptied
    it: one problem)."""
    found = []
    for properties, captured in queries.matches(language, source, "problems"):
        nodes = [n for n in captured.get("problem.empty", ()) if n.named_child_count == 0] + list(captured.get("problem", ()))
        for node in nodes:
            if not (node.parent is not None and node.parent.has_error):
                found.append(SyntaxProblem(node.start_byte, node.end_byte, properties.get("message") or "syntax error"))
    return list(dict.fromkeys(found))  # (a node two patterns of one query match: once)


def _line_text(source: bytes, offset: int) -> bytes:
    return source[line_start(source, offset) : line_end(source, offset)].strip()


def introduced_problems(original: bytes, edited: bytes, language: Language) -> list[SyntaxProblem]:
    """Problems in `edited` that `original` did not have (offsets into `edited`, UTF-8 bytes).

    Rule: a problem is keyed by (message, stripped text of the line it starts on). Each problem of
    `original` cancels one problem of `edited` with the same key (a multiset difference), so moving
    untouched broken code around is not reported, while a new or changed broken line is.
    """
    before = Counter((p.message, _line_text(original, p.start)) for p in syntax_problems(original, language))
    introduced = []
    for problem in syntax_problems(edited, language):
        key = (problem.message, _line_text(edited, problem.start))
        if before[key] > 0:
            before[key] -= 1
        else:
            introduced.append(problem)
    return introduced
