"""Run a linter the user configured (argv from their settings, never from the workspace) and parse its findings."""

from __future__ import annotations

import asyncio
import re

LINE = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?:(?P<col>\d+):?)?\s*(?P<message>.+)$")
TIMEOUT_S = 20.0


class LinterError(Exception):
    """The linter could not run or timed out."""


def parse(output: str, path: str) -> list[tuple[int, int, str]]:
    """`file:line:col: message` lines about `path` -> (line, column, message), 1-based; other lines ignored."""
    found = []
    name = path.rsplit("/", 1)[-1]
    for raw in output.splitlines():
        m = LINE.match(raw.strip())
        if m and (m.group("file") == path or m.group("file").endswith(name)):
            found.append((int(m.group("line")), int(m.group("col") or 1), m.group("message").strip()))
    return found


async def run(argv: list[str], path: str, text: str) -> list[tuple[int, int, str]]:
    """Run argv with the file's path ('{file}' in argv is replaced, else the path is appended); the
    document's text is also given on stdin for linters that read it. Output is parsed, never executed."""
    args = [a.replace("{file}", path) for a in argv]
    if not any("{file}" in a for a in argv):
        args.append(path)
    try:
        proc = await asyncio.create_subprocess_exec(
            *args, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
        )
    except OSError as exc:
        raise LinterError(f"cannot start {args[0]}: {exc.strerror}") from exc
    try:
        out, _ = await asyncio.wait_for(proc.communicate(text.encode("utf-8")), TIMEOUT_S)
    except asyncio.TimeoutError as exc:
        proc.kill()
        raise LinterError(f"timed out after {TIMEOUT_S:.0f} s") from exc
    return parse(out.decode("utf-8", "replace"), path)
