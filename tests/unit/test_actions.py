"""What the server offers and plans for a document, without a model or a client."""

from __future__ import annotations

import pytest

from lsp_server import actions
from lsp_server.errors import EditError

CODE = '''import os


def area(w, h):
    # ai: add a docstring
    total = w * h
    return total


def main():
    print(area(2, 3))
'''


def at(text: str, needle: str) -> int:
    return text.index(needle)


def test_code_actions_for_a_cursor_on_an_identifier_with_a_diagnostic():
    start = at(CODE, "total =")
    offered = actions.code_actions(CODE, "file:///a.py", "a.py", "python", start, start, [(0, "F841 unused variable")])
    commands = [a.command for a in offered]
    assert commands == [actions.FIX, actions.RENAME, actions.EDIT]
    assert offered[0].kind == "quickfix" and offered[0].diagnostic_index == 0


def test_directive_action_is_offered_anywhere_on_the_comment_line():
    start = at(CODE, "# ai:") - 4  # the line's indentation, before the comment
    offered = actions.code_actions(CODE, "file:///a.py", "a.py", "python", start, start, [])
    assert any(a.command == actions.EDIT_FROM_COMMENT and "add a docstring" in a.title for a in offered)


def test_plan_from_comment_hides_the_comment_from_the_model():
    plan = actions.plan_from_comment(CODE, "a.py", "python", (at(CODE, "# ai:"), at(CODE, "# ai:")))
    assert plan.request.instruction == "add a docstring"
    assert "# ai:" not in plan.request.text
    start, end = plan.doc_span
    region = CODE[start:end]
    assert "# ai: add a docstring" in region and region.startswith("def area")
    # The hidden span is the comment's line; the model's text is the document without it.
    assert CODE[plan.hidden[0]:plan.hidden[1]].strip() == "# ai: add a docstring"
    assert plan.request.text == CODE[:plan.hidden[0]] + CODE[plan.hidden[1]:]


def test_no_directive_is_a_clear_error():
    with pytest.raises(EditError, match="no directive comment"):
        actions.plan_from_comment(CODE, "a.py", "python", (0, 0))


@pytest.mark.parametrize("selection, expected_first_line, expected_last_line", [
    ((at(CODE, "total ="), at(CODE, "total =")), "    total = w * h\n", "    total = w * h\n"),  # cursor: the statement
    ((at(CODE, "h):"), at(CODE, "return")), "def area(w, h):\n", "    return total\n"),  # selection: whole lines
])
def test_plan_edit_regions(selection, expected_first_line, expected_last_line):
    plan = actions.plan_edit(CODE, "a.py", "python", "make it faster", selection)
    region = CODE[slice(*plan.doc_span)]
    assert region.startswith(expected_first_line) and region.endswith(expected_last_line)


def test_plan_edit_without_instruction_is_refused():
    with pytest.raises(EditError, match="needs an instruction"):
        actions.plan_edit(CODE, "a.py", "python", "  ", None)


def test_plan_rename_drafts_the_deterministic_rename():
    plan = actions.plan_rename(CODE, "a.py", "python", at(CODE, "total ="), "product")
    assert plan.request.drafted_text == CODE.replace("total", "product")
    assert all("total" in CODE[r.start:r.end] for r in plan.request.regions)  # only the lines it changes
    with pytest.raises(EditError, match="not a valid identifier"):
        actions.plan_rename(CODE, "a.py", "python", at(CODE, "total ="), "2bad")
    with pytest.raises(EditError, match="no identifier"):
        actions.plan_rename(CODE, "a.py", "python", at(CODE, "\n\n\ndef area") + 1, "x")


def test_plan_fix_uses_the_enclosing_node_and_the_message():
    text = CODE.replace("return total", "return totl")
    plan = actions.plan_fix(text, "a.py", "python", (at(text, "totl"), at(text, "totl") + 4), "F821 undefined name 'totl'")
    assert "F821" in plan.request.instruction
    assert plan.request.draft is not None and "return total" in plan.request.draft
