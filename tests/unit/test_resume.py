"""An answer that stopped after its prose gets the region's code after it back (engine/resume.py)."""

from __future__ import annotations

from lsp_server.coords import lsp_lines
from lsp_server.engine.resume import resumed

REGION = ("def area(w, h):\n    # width times height\n    if w < 0 or h < 0:\n        raise ValueError(w, h)\n"
          "    # done\n    return w * h\n")
LINES = lsp_lines(REGION)
CODE = [0, 2, 3, 5]
COMMENTS = {1, 4}


def test_the_code_after_the_prose_follows_with_the_comments_above_it():
    answer = 'def area(w, h):\n    """The area of a w by h rectangle."""'
    assert resumed(LINES, answer, CODE, COMMENTS, [2, 3, 5], "\n") == answer + "\n" + "".join(LINES[1:])


def test_a_loss_that_is_no_early_stop_is_left_to_refuse():
    assert resumed(LINES, "def area(w, h):\n    return w * h\n", CODE, COMMENTS, [2, 3], "\n") is None  # the tail kept
    assert resumed(LINES, "def area(w, h):\n    # done\n", CODE, COMMENTS, [2, 3, 5], "\n") is None  # a line of it written
    assert resumed(LINES, "def area(w, h):\n", CODE, COMMENTS, [], "\n") is None
