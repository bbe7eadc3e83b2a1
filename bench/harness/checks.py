"""Is an edit's result right? Against the task's expected text, else its checks (bench/README.md, Correctness)."""

from __future__ import annotations

import ast
import builtins
import difflib
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from lsp_server import syntax
from lsp_server.syntax import queries

from .tasks import BenchTask, region_of


def line_of(text: str, offset: int) -> int:
    """1-based line of a str offset."""
    return text.count("\n", 0, offset) + 1


def first_difference_line(a: str, b: str) -> int:
    """1-based line where a and b first differ (they differ)."""
    for i, (x, y) in enumerate(zip(a.splitlines(keepends=True), b.splitlines(keepends=True)), 1):
        if x != y:
            return i
    return min(a.count("\n"), b.count("\n")) + 1


def _line(text: str, n: int, limit: int = 80) -> str:
    """Line n (1-based) of text, stripped and cut to limit characters ('' past the end)."""
    lines = text.splitlines()
    line = lines[n - 1].strip() if n <= len(lines) else ""
    return line if len(line) <= limit else line[: limit - 3] + "..."


def parse_problem(text: str, path: str) -> str | None:
    """'line N: message' of the first tree-sitter syntax problem in text; None when it parses (or has no grammar)."""
    data = text.encode("utf-8")
    problems = syntax.syntax_problems(data, syntax.language_for(path))
    if not problems:
        return None
    first = problems[0]
    line = data[: first.start].count(b"\n") + 1
    return f"line {line}: {first.message}"


def expected_text(bt: BenchTask) -> str | None:
    """The whole right file when the task has an expected text: its lines replaced by it."""
    if bt.expected is None:
        return None
    before, _, after = region_of(bt.text, bt.task.lines)
    return before + bt.expected + after


def judge(bt: BenchTask, result: str | None, error: str | None = None) -> tuple[bool, str | None]:
    """(correct, why not) for the whole edited file `result` (None: the edit produced nothing)."""
    if result is None or error:
        return False, f"failed: {error or 'no result'}"
    if result == bt.text:
        return False, "unchanged"
    before, region, after = region_of(bt.text, bt.task.lines)
    if not (result.startswith(before) and result.endswith(after) and len(result) >= len(before) + len(after)):
        return False, "changed lines outside the task's lines"
    new_region = result[len(before) : len(result) - len(after)]
    if new_region == region:
        return False, "unchanged"
    expected = expected_text(bt)
    if expected is not None and result == expected:
        return True, None
    if bt.checks is None:
        n = first_difference_line(result, expected)
        got = _line(result, n)
        want = _line(expected, n)
        return False, f"differs from expected at line {n}: {got!r}, expected {want!r}"
    return check(bt, result, new_region)


def check(bt: BenchTask, result: str, new_region: str) -> tuple[bool, str | None]:
    """The task's [check] table on the edited region (texts, patterns) and the whole file (the rest)."""
    c = bt.checks
    first = bt.task.lines[0] if bt.task.lines else 1
    for text in c.must_contain:
        if text not in new_region:
            return False, f"missing text {text!r}"
    for text in c.must_not_contain:
        at = new_region.find(text)
        if at >= 0:
            return False, f"still contains {text!r} at line {first + line_of(new_region, at) - 1}"
    for pattern in c.must_match:
        if not re.search(pattern, new_region, re.MULTILINE):
            return False, f"nothing matches {pattern!r}"
    for pattern in c.must_not_match:
        m = re.search(pattern, new_region, re.MULTILINE)
        if m:
            return False, f"matches {pattern!r} at line {first + line_of(new_region, m.start()) - 1}: {m.group(0)!r}"
    original = bt.text.splitlines(keepends=True)
    for a, b in c.unchanged:
        kept = "".join(original[a - 1 : b])
        if kept not in result:
            return False, f"lines {a}:{b} were changed"
    path = str(bt.path)
    rules = [
        (bool(c.changed_only), lambda: changed_outside(bt.text, result, c.changed_only)),
        (c.must_parse, lambda: None if (p := parse_problem(result, path)) is None else f"does not parse: {p}"),
        (c.same_code, lambda: code_change(bt.text, result, path)),
        (bool(c.same_ast_except), lambda: ast_change(bt.text, result, c.same_ast_except)),
        (c.imports_used, lambda: unused_import(bt.text, result)),
        (c.names_defined, lambda: undefined_name(bt.text, result)),
        (c.python_test is not None, lambda: python_test_failure(result, bt.path.name, c.python_test)),
    ]
    for wanted, rule in rules:  # in this order: the cheap ones first, running the result last
        why = rule() if wanted else None
        if why is not None:
            return False, why
    return True, None


# -- only these lines changed --------------------------------------------------------------------


def changed_outside(original: str, result: str, allowed: list[tuple[int, int]]) -> str | None:
    """Why the result changes input lines outside `allowed` (1-based inclusive ranges), or None.

    Lines may be replaced or deleted inside a range, and inserted inside it or right next to it
    (before its first line or after its last); every other input line is kept, in order.
    """
    old, new = original.splitlines(keepends=True), result.splitlines(keepends=True)
    inside = lambda n: any(a <= n <= b for a, b in allowed)
    for tag, i1, i2, _j1, _j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if i1 == i2:  # an insertion between input lines i1 and i1 + 1
            if not any(a - 1 <= i1 <= b for a, b in allowed):
                return f"lines were inserted after line {i1}, outside the lines that may change"
            continue
        for n in range(i1 + 1, i2 + 1):
            if not inside(n):
                return f"line {n} changed, outside the lines that may change: {_line(original, n)!r}"
    return None


# -- the same code, comments and layout free (tree-sitter) ---------------------------------------


def code_tokens(text: str, path: str) -> list[tuple[int, str]] | None:
    """(byte offset, text) of every token of the code, comments and docstrings left out; None: no grammar.

    A token is a leaf of the syntax tree or the text a node holds between its children (a string's
    content), stripped of the whitespace around it: layout and comments do not count, the code does.
    """
    language = syntax.language_for(path)
    if not language.has_grammar:
        return None
    source = text.encode("utf-8")
    skip = queries.ranges(language, source, "textobjects", ("comment",))
    skip += queries.ranges(language, source, "names", ("prose",))
    skipped = lambda a, b: any(lo <= a and b <= hi for lo, hi in skip)
    out: list[tuple[int, str]] = []
    stack = [queries.parse(language, source).root_node]
    while stack:  # depth first, children in order: a stack of nodes and pending gaps
        node = stack.pop()
        if isinstance(node, tuple):
            out.append(node)
            continue
        if skipped(node.start_byte, node.end_byte):
            continue
        pieces: list = []
        pos = node.start_byte
        for child in node.children:
            if gap := source[pos:child.start_byte].strip():
                pieces.append((pos, gap.decode("utf-8", "replace")))
            pieces.append(child)
            pos = max(pos, child.end_byte)
        if gap := source[pos:node.end_byte].strip():
            pieces.append((pos, gap.decode("utf-8", "replace")))
        stack.extend(reversed(pieces))
    return out


def _without_trailing_commas(tokens: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The tokens without a ',' right before a closing bracket: splitting a list over lines may add one."""
    return [t for t, nxt in zip(tokens, tokens[1:] + [(0, "")]) if not (t[1] == "," and nxt[1] in (")", "]", "}"))]


def code_change(original: str, result: str, path: str) -> str | None:
    """Why the result's code is not the input's (comments, docstrings, layout and trailing commas aside), or None."""
    before, after = code_tokens(original, path), code_tokens(result, path)
    if before is None or after is None:
        return None if original.split() == result.split() else "the text changed (no grammar to compare code)"
    before, after = _without_trailing_commas(before), _without_trailing_commas(after)
    old, new = [t for _, t in before], [t for _, t in after]
    if old == new:
        return None
    n = next((i for i, (x, y) in enumerate(zip(old, new)) if x != y), min(len(old), len(new)))
    data = result.encode("utf-8")
    at = after[n][0] if n < len(after) else len(data)
    line = data[:at].count(b"\n") + 1
    got = new[n] if n < len(new) else "the end"
    want = old[n] if n < len(old) else "the end"
    return f"the code changed at line {line}: {got!r} where the input has {want!r}"


# -- Python: the same AST but for some parts; imports used; names defined ---------------------------

_BODIES = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


class _Strip(ast.NodeTransformer):
    """Leaves out docstrings, annotations and/or imports (the AST_PARTS named) from a tree."""

    def __init__(self, parts: list[str]) -> None:
        self.parts = set(parts)

    def generic_visit(self, node):
        node = super().generic_visit(node)
        if "docstrings" in self.parts and isinstance(node, _BODIES) and node.body and _is_docstring(node.body[0]):
            node.body = node.body[1:]
        if "annotations" in self.parts:
            if isinstance(node, ast.arg):
                node.annotation = None
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                node.returns = None
            if isinstance(node, ast.AnnAssign):
                return ast.Assign(targets=[node.target], value=node.value) if node.value is not None else None
        if "imports" in self.parts:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                return None
            if isinstance(node, ast.If) and not node.body and not node.orelse:  # an `if TYPE_CHECKING:` of imports
                return None
        return node


def _is_docstring(stmt: ast.stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def _parse_python(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


def ast_change(original: str, result: str, parts: list[str]) -> str | None:
    """Why the result's Python differs from the input's beyond `parts` (AST_PARTS), or None."""
    old, new = _parse_python(original), _parse_python(result)
    if old is None or new is None:
        return "does not parse as Python"
    old, new = _Strip(parts).visit(old), _Strip(parts).visit(new)
    if ast.dump(old) == ast.dump(new):
        return None
    for a, b in zip(old.body + [None], new.body + [None]):  # the first top-level statement that differs
        if a is None or b is None or ast.dump(a) != ast.dump(b):
            where = f" at line {b.lineno}" if b is not None else ""
            return f"the code changed beyond the {' and '.join(parts)}{where}"
    return f"the code changed beyond the {' and '.join(parts)}"


def _annotation_names(tree: ast.Module) -> set[str]:
    """Names used inside string annotations ('Sequence[int]')."""
    found = set()
    for node in ast.walk(tree):
        notes = []
        if isinstance(node, ast.arg):
            notes.append(node.annotation)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            notes.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            notes.append(node.annotation)
        for note in notes:
            for part in ast.walk(note) if note is not None else ():
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    parsed = _parse_python(part.value)
                    found |= {n.id for n in ast.walk(parsed) if isinstance(n, ast.Name)} if parsed else set()
    return found


def _used_names(tree: ast.Module) -> set[str]:
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    for node in tree.body:  # __all__ = ["name", ...] exports a name: it counts as used
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            used |= {e.value for e in getattr(node.value, "elts", ()) if isinstance(e, ast.Constant)}
    return used | _annotation_names(tree)


def _imports(tree: ast.Module) -> dict[str, int]:
    """Name an import binds -> its line (`import a.b` binds a; __future__ imports bind nothing)."""
    bound = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and getattr(node, "module", None) != "__future__":
            for alias in node.names:
                bound.setdefault(alias.asname or alias.name.split(".")[0], node.lineno)
    return bound


def _unused_imports(tree: ast.Module) -> dict[str, int]:
    used = _used_names(tree)
    return {name: line for name, line in _imports(tree).items() if name not in used and name != "*"}


def _first_new(original: str, result: str, find) -> tuple[int, str] | str | None:
    """The first (line, name) that `find` reports in the result but not in the input (those are not the
    edit's doing), None when there is none, or a reason when the result is not Python."""
    old, new = _parse_python(original), _parse_python(result)
    if new is None:
        return "does not parse as Python"
    before = find(old) if old is not None else {}
    added = sorted((line, name) for name, line in find(new).items() if name not in before)
    return added[0] if added else None


def unused_import(original: str, result: str) -> str | None:
    """Why not: an import the result adds and never uses."""
    first = _first_new(original, result, _unused_imports)
    if first is None or isinstance(first, str):
        return first
    return f"imports {first[1]} at line {first[0]} but never uses it"


def _bound_names(tree: ast.Module) -> set[str]:
    """Every name the module binds anywhere (a deliberate approximation: scopes are not told apart)."""
    bound = set(_imports(tree)) | set(dir(builtins)) | {"__file__", "__annotations__", "__builtins__"}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            bound.add(node.id)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            bound.update(node.names)
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            bound.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            bound.add(node.rest)
    return bound


def _undefined(tree: ast.Module) -> dict[str, int]:
    bound = _bound_names(tree)
    lines = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in bound:
            lines[node.id] = min(lines.get(node.id, node.lineno), node.lineno)
    for name in _annotation_names(tree) - bound:
        lines.setdefault(name, 0)
    return lines


def undefined_name(original: str, result: str) -> str | None:
    """Why not: a name the result uses that nothing defines or imports."""
    first = _first_new(original, result, _undefined)
    if first is None or isinstance(first, str):
        return first
    line, name = first
    return f"uses {name}{f' at line {line}' if line else ' in an annotation'} but never defines or imports it"


# -- Python: run a test on the result --------------------------------------------------------------

PYTHON_TEST_TIMEOUT_S = 30
# Imports the result as a module from its folder (so dataclasses and pickling see a real module),
# then runs the test's statements in that module's namespace.
_DRIVER = (
    "import importlib, sys\n"
    "sys.path.insert(0, sys.argv[1])\n"
    "namespace = vars(importlib.import_module(sys.argv[2]))\n"
    "exec(compile(sys.argv[3], '<python_test>', 'exec'), namespace)\n"
)


def python_test_failure(result: str, name: str, test: str) -> str | None:
    """Why not: the test's statements raise (or run past PYTHON_TEST_TIMEOUT_S) after the result's code runs.

    This executes the edited file: a task uses it only for a source that does nothing when imported.
    """
    with tempfile.TemporaryDirectory(prefix="specedit-check-") as folder:
        module = Path(name).stem
        (Path(folder) / f"{module}.py").write_text(result, encoding="utf-8")
        try:
            done = subprocess.run([sys.executable, "-I", "-c", _DRIVER, folder, module, test], cwd=folder,
                                  check=False, capture_output=True, text=True, timeout=PYTHON_TEST_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            return f"the test did not finish in {PYTHON_TEST_TIMEOUT_S} s"
    if done.returncode == 0:
        return None
    last = next((line.strip() for line in reversed(done.stderr.splitlines()) if line.strip()), f"exit {done.returncode}")
    return f"the test failed: {last[:200]}"
