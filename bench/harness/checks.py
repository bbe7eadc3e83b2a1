"""Is an edit's result right? Against the task's expected text, else its checks (bench/README.md, Correctness)."""

from __future__ import annotations

from lsp_server import syntax

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
    """The task's [check] table on the edited region (texts) and the whole file (parse, unchanged lines)."""
    c = bt.checks
    first = bt.task.lines[0] if bt.task.lines else 1
    for text in c.must_contain:
        if text not in new_region:
            return False, f"missing text {text!r}"
    for text in c.must_not_contain:
        at = new_region.find(text)
        if at >= 0:
            return False, f"still contains {text!r} at line {first + line_of(new_region, at) - 1}"
    original = bt.text.splitlines(keepends=True)
    for a, b in c.unchanged:
        kept = "".join(original[a - 1 : b])
        if kept not in result:
            return False, f"lines {a}:{b} were changed"
    if c.must_parse:
        problem = parse_problem(result, str(bt.path))
        if problem is not None:
            return False, f"does not parse: {problem}"
    return True, None
