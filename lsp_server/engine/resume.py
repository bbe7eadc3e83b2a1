"""An answer that stopped after its prose: the region's code after it put back (pure, str).

Asked for a longer docstring, a small model often writes the definition's first line and the new
docstring, then ends its answer: the body it was shown is simply not written again. Where every
code line from some point of the region to its end is missing, and the answer has none of those
lines (not even a closing brace), it stopped early rather than removed them: the region's lines
from there on follow the answer, as they were.
"""

from __future__ import annotations

from ..coords import lsp_lines


def resumed(original: list[str], output: str, code: list[int], comments: set[int], lost: list[int],
            newline: str) -> str | None:
    """`output` followed by `original[k:]`, where k is the first of the `lost` code lines (indices into
    `original`, a region's lines; `code`: all its code lines), taking in the `comments` lines right
    above it that the answer lacks; None unless every code line from k on is lost and the answer has
    no line of the original from k on."""
    if not lost:
        return None
    first = lost[0]
    if {i for i in code if i >= first} != set(lost):
        return None
    written = {line.strip() for line in lsp_lines(output)} - {""}
    if any(line.strip() in written for line in original[first:]):
        return None
    while first - 1 in comments and original[first - 1].strip() not in written:
        first -= 1
    if output and not output.endswith(("\n", "\r")):
        output += newline
    return output + "".join(original[first:])
