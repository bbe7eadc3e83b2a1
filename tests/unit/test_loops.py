"""An answer that loops is stopped at its third time round; copies the request may ask for are not."""

import pytest

from lsp_server import syntax
from lsp_server.config import Settings
from lsp_server.engine.engine import Engine
from lsp_server.engine.keep import Keeper
from lsp_server.engine.loops import Watch
from lsp_server.engine.tasks import Task, build_request
from lsp_server.errors import EditError
from tests.unit.test_blocks import RS
from tests.unit.test_engine import InTurn

METHODS = RS[RS.index("impl Reading {"):RS.index("impl From")].rstrip() + "\n"  # a type's methods
ONE_ROUND = METHODS.split("\n", 1)[1].rsplit("}\n", 1)[0] + "\n"  # the block's methods, once


def watch(text: str = METHODS) -> Watch:
    return Watch(Keeper(text, 0, len(text), "Add a fahrenheit method.", syntax.language_for("r.rs")), astray=False)


def test_an_answer_written_round_three_times_is_a_loop_and_says_where():
    w, answer = watch(), "impl Reading {\n" + ONE_ROUND * 3
    stops = [k for k in range(1, answer.count("\n") + 1) if w(("\n".join(answer.split("\n")[:k]) + "\n").encode())]
    assert stops  # stopped in its third round, not later
    assert ONE_ROUND.count("\n") * 2 < stops[0] <= ONE_ROUND.count("\n") * 3 + 1
    assert "went round in a loop" in w(answer.encode())


@pytest.mark.parametrize("answer", [
    METHODS.replace("    pub fn is_missing", "    pub fn fahrenheit(&self) -> Option<f64> {\n"
                    "        self.celsius().map(|c| c * 9.0 / 5.0 + 32.0)\n    }\n\n    pub fn is_missing"),
    "impl Reading {\n" + ONE_ROUND * 2 + "}\n",  # a copy asked for: twice is no loop
    "impl Reading {\n" + "\n" * 40 + "    }\n" * 40,  # lines without words do not count
])
def test_edits_and_one_copy_are_not_loops(answer):
    w = watch()
    assert all(w(answer[:k].encode()) is None for k in range(0, len(answer) + 1, 7)) and w(answer.encode()) is None


def test_a_region_that_repeats_itself_may_be_copied_as_it_is():
    text = "impl Reading {\n" + ONE_ROUND * 3 + "}\n"
    assert watch(text)(text.encode()) is None
    assert watch(text)(("impl Reading {\n" + ONE_ROUND * 4).encode()) is not None


def test_an_edit_whose_answer_loops_stops_with_that_error_not_at_its_budget():
    text = "def keep(a):\n    return a\n\n\ndef total(values):\n    s = 0\n    for v in values:\n        s += v\n    return s\n"
    request = build_request(text, Task("edit", "Add type hints.", lines=(5, 9)), path="m.py")
    loop = "def total(values):\n    s = 0\n    for v in values:\n        s += v\n" * 50  # never on to its end
    model = InTurn([loop])
    with pytest.raises(EditError, match="went round in a loop") as caught:
        Engine(Settings(), model=model).edit(request)
    assert caught.value.kind == "model"
    assert len(model.kv_tokens) - model.prompt_len < len(loop.encode()) // 4  # stopped early
