"""The engine's preparation, regions and sync points, on a scripted byte-level model (no llama.cpp)."""

from __future__ import annotations

import dataclasses

import pytest

from lsp_server import syntax
from lsp_server.config import Settings
from lsp_server.engine import asked, scope
from lsp_server.engine.engine import Engine
from lsp_server.engine.speculative import LoopStats
from lsp_server.engine.tasks import Task, build_request
from lsp_server.errors import EditError
from tests.scripted import ScriptedModel, streamed_document

TEXT = "def g(y):\n    return y\n\n\n" + "".join(f"def f{i}():\n    return {i}\n\n\n" for i in range(30)) + "print(g(y))\n"


def rename_request():
    return build_request(TEXT, Task("rename", symbol="y", new_name="z"), path="m.py")


def engine_for(request) -> Engine:
    answers = {request.text[r.start:r.end]: r.draft for r in request.regions}
    return Engine(Settings(), model=ScriptedModel(answers))


def test_prepare_gives_a_short_prompt_and_a_draft_led_source_per_region():
    request = rename_request()
    engine = engine_for(request)
    for region in request.regions:
        prepared = engine.prepare(request, region)
        assert prepared.draft_led and len(prepared.sources) == 2
        original = TEXT[region.start:region.end]
        assert original in bytes(prepared.prompt_tokens).decode() and len(prepared.prompt_tokens) < len(TEXT) // 2
        assert prepared.sources[0].data.startswith(region.draft.encode()) and prepared.sources[0].forced
        assert prepared.budget >= len(region.draft)


def test_two_regions_give_one_result_and_sync_points_across_the_whole_span():
    request = rename_request()
    assert len(request.regions) == 2
    engine = engine_for(request)
    events = []
    result = engine.edit(request, on_progress=events.append)
    assert result.text == TEXT.replace("(y)", "(z)").replace("return y", "return z")
    assert result.regions == 2 and result.changed and engine.model.prefills == 2
    span_start, span_end = request.span
    first = request.regions[0]
    syncs = [e.sync for e in events if e.sync is not None]
    # The first region is final once it is done: the stream may send it before the second one starts.
    assert (first.end - span_start, len(first.draft)) in syncs, syncs
    assert syncs == sorted(syncs)
    # Fed to the server's stream in order, the sync points rebuild exactly the result.
    assert streamed_document(TEXT, (span_start, span_end), events, result.new_region) == result.text


def test_a_model_that_writes_nothing_new_is_reported_as_unchanged():
    request = build_request(TEXT, Task("edit", "make it better", (1, 2)), path="m.py")
    region = request.regions[0]
    engine = Engine(Settings(), model=ScriptedModel({TEXT[region.start:region.end]: TEXT[region.start:region.end]}))
    result = engine.edit(request)
    assert result.text == TEXT and not result.changed and result.stats_json()["changed"] is False


def test_free_form_regions_run_on_the_free_form_model_and_drafted_ones_on_the_engines_own():
    from lsp_server.config import ModelSettings
    from lsp_server.engine.local import LocalBackend

    rename = rename_request()
    edit = build_request(TEXT, Task("edit", "double it", (1, 2)), path="m.py")
    main = ScriptedModel({TEXT[r.start:r.end]: r.draft for r in rename.regions})
    freeform = ScriptedModel({TEXT[r.start:r.end]: "def g(y):\n    return 2 * y\n" for r in edit.regions})
    engine = Engine(Settings(), model=main)
    engine.freeform = LocalBackend(ModelSettings(), freeform)
    assert engine.edit(rename).text == TEXT.replace("(y)", "(z)").replace("return y", "return z")
    assert (main.prefills, freeform.prefills) == (len(rename.regions), 0)
    assert engine.edit(edit).text == TEXT.replace("return y\n", "return 2 * y\n", 1)
    assert (main.prefills, freeform.prefills) == (len(rename.regions), 1)
    engine.warm(TEXT, "m.py")  # what a warm-up prefills is a free-form prompt: the free-form model's
    assert main.prefills == len(rename.regions)


def test_sync_points_never_go_back_when_the_model_copies_earlier_lines_again():
    # The answer repeats two lines of the region: the drafter re-syncs behind where it stood. A sync
    # point behind an earlier one would ask the editor to take back text it has already received.
    text = "".join(f"x{i} = {i}\n" for i in range(40))
    request = build_request(text, Task("edit", "repeat", (1, 40)), path="m.py")
    region = request.regions[0]
    lines = text[region.start:region.end].splitlines(keepends=True)
    answer = "".join(lines[:30] + lines[10:20] + lines[30:])
    engine = Engine(Settings(), model=ScriptedModel({text[region.start:region.end]: answer}))
    seen = []
    result = engine.edit(request, on_progress=seen.append)
    assert result.new_region == answer
    syncs = [p.sync for p in seen if p.sync is not None]
    assert syncs and all(a[0] <= b[0] and a[1] <= b[1] for a, b in zip(syncs, syncs[1:])), syncs
    # Fed to the server's stream in order, the sync points rebuild exactly the result.
    assert streamed_document(text, (region.start, region.end), seen, result.new_region) == result.text


def test_a_definition_the_answer_skips_is_put_back_and_its_deletion_never_streamed():
    # Asked about h alone, the answer is h alone: g and k come back, and no sync point ever
    # streams them away first.
    text = "".join(f"def {n}(v):\n    return v + {i}\n\n\n" for i, n in enumerate("ghk")) + "print(h(1))\n"
    request = build_request(text, Task("edit", "Make h add 10.", (1, 12)), path="m.py")
    region = request.regions[0]
    answer = "def h(v):\n    return v + 10\n"
    engine = Engine(Settings(), model=ScriptedModel({text[region.start:region.end]: answer}))
    seen = []
    result = engine.edit(request, on_progress=seen.append)
    assert result.new_region == text[region.start:region.end].replace("v + 1\n", "v + 10\n")
    assert result.stats.kept_units == 2
    original = text[region.start:region.end]
    for p in seen:
        for name in ("def g(v):", "def k(v):") if p.sync is not None else ():
            # What a sync point makes final never lacks a definition the original part it stands for has.
            assert name not in original[:p.sync[0]] or name in p.output[:p.sync[1]], p
    assert streamed_document(text, (region.start, region.end), seen, result.new_region) == result.text


CHAT = "{% for m in messages %}{{ m['content'] }}{% endfor %}"  # a chat template: the prompt is a chat


def chat_engine(request, answer: str) -> Engine:
    model = ScriptedModel({request.text[r.start:r.end]: answer for r in request.regions})
    model.info.chat_template = CHAT
    return Engine(Settings(), model=model)


def test_a_renames_words_in_comments_are_the_models_to_verify_and_its_code_changes_are_forced():
    text = "# Greet a user, by the user's first name.\ndef greet(user):\n    return 'Hi ' + user.first\n"
    request = build_request(text, Task("rename", symbol="user", new_name="item"), path="m.py")
    assert request.prose_guessed and len(request.regions) == 1
    engine = chat_engine(request, text)
    prepared = engine.prepare(request, request.regions[0])
    led = prepared.sources[0]
    forced = [led.data[a:b] for a, b in led.forced]
    strict = [led.data[a:b] for a, b in led.strict]
    # The comment's line is taken as drafted only up to the word before the tool's first change there.
    assert forced[0] == b"# Greet" and b"item" not in forced[0]
    assert all(b"#" not in f for f in forced[1:]) and forced.count(b"item") == 2  # the code's two
    assert strict == [b" a item, by the item's first name.\n"]


def test_a_model_that_fixes_the_article_before_a_renamed_word_is_followed():
    text = "# Greet a user, by the user's first name.\ndef greet(user):\n    return 'Hi ' + user.first\n"
    request = build_request(text, Task("rename", symbol="user", new_name="item"), path="m.py")
    answer = "# Greet an item, by the item's first name.\ndef greet(item):\n    return 'Hi ' + item.first\n"
    assert chat_engine(request, answer).edit(request).text == answer


def test_after_the_model_keeps_a_word_in_a_comment_the_tools_rename_leads_again():
    # The model keeps "user" in the comment (it follows the original there); the code's rename, on
    # the lines after, is still the tool's and forced (the scripted model would keep "user").
    text = "# Greet a user, by the user's first name.\ndef greet(user):\n    return 'Hi ' + user.first\n"
    request = build_request(text, Task("rename", symbol="user", new_name="peer"), path="m.py")
    result = chat_engine(request, text).edit(request)
    assert result.text == "# Greet a user, by the user's first name.\ndef greet(peer):\n    return 'Hi ' + peer.first\n"


def test_a_base_model_takes_a_renames_comment_words_as_drafted():
    text = "# Greet a user, by the user's first name.\ndef greet(user):\n    return 'Hi ' + user.first\n"
    request = build_request(text, Task("rename", symbol="user", new_name="item"), path="m.py")
    engine = Engine(Settings(), model=ScriptedModel({text: text}))  # no chat template: it cannot judge prose
    led = engine.prepare(request, request.regions[0]).sources[0]
    assert not led.strict and led.data[led.forced[0][0]:led.forced[0][1]].startswith(b"# Greet a item")


def test_strict_text_starts_at_the_word_before_a_guess_and_never_before_the_lines_first_word():
    from lsp_server.engine.drafttext import rest_of_lines

    data = b"x = 1\n    # user data, as a user gave it\n    '''user'''\n"
    spans = [(data.index(w, 8), data.index(w, 8) + 4) for w in (b"user",)]
    spans.append((data.index(b"user", spans[0][1]), data.index(b"user", spans[0][1]) + 4))
    spans.append((data.index(b"'''user") + 3, data.index(b"'''user") + 7))
    got = [data[a:b] for a, b in rest_of_lines(data, spans)]
    assert got == [b" user data, as a user gave it\n", b"user'''\n"]


def test_a_long_insertion_is_shown_as_it_is_written_and_the_stream_ends_on_the_result():
    # The engine's own progress events, fed to the server's stream with provisional lines: the new
    # lines show before the model re-joins the original, and the document still ends exactly right.
    text = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(6))
    request = build_request(text, Task("edit", "document f2", (9, 10)), path="m.py")
    region = request.regions[0]
    original = text[region.start:region.end]
    doc = '    """Add two to x.\n\n    Args:\n        x: a number.\n\n    Returns:\n        x plus two.\n    """\n'
    answer = original.replace("):\n", "):\n" + doc, 1)
    engine = Engine(Settings(), model=ScriptedModel({original: answer}))
    seen = []
    result = engine.edit(request, on_progress=seen.append)
    assert result.new_region == answer
    states: list[str] = []
    assert streamed_document(text, (region.start, region.end), seen, result.new_region, True, states) == result.text
    shown = [s for s in states if '"""Add two to x.' in s and "x plus two" not in s]
    assert shown, states  # part of the docstring, shown before the rest was written
    assert all(s.count("return x + 2") == 1 for s in states)


NARROW = ("import os\n\n\ndef keep(a):\n    return os.sep + a\n\n\n"
          "def total(values):\n    return sum(values)\n\n\ndef other():\n    return 1\n")


def test_a_named_definition_answer_s_import_joins_the_file_imports():
    request = build_request(NARROW, Task("edit", "Add type hints to total."), path="m.py")
    assert request.narrowed and request.definitions == ("total",)
    region = request.regions[0]
    answer = "from typing import Sequence\n\ndef total(values: Sequence[float]) -> float:\n    return sum(values)\n"
    result = Engine(Settings(), model=ScriptedModel({NARROW[region.start:region.end]: answer})).edit(request)
    assert result.text == NARROW.replace("import os\n", "import os\nfrom typing import Sequence\n").replace(
        "def total(values):", "def total(values: Sequence[float]) -> float:")
    assert result.region[0] == len("import os\n") and result.text.startswith(result.original_region[:0])
    assert result.stats_json()["definitions"] == ["total"] and result.stats_json()["widened_for"] == []


class InTurn(ScriptedModel):
    """Answers its prompts in turn, whatever code they show."""

    def __init__(self, answers: list[str]):
        super().__init__({})
        self.queue = [a.encode() + b"```" for a in answers]

    def prefill(self, tokens, cancelled=None, then=(), then_logits=()):
        self.answers = {bytes(tokens): self.queue.pop(0)} if self.queue else {}
        return super().prefill(tokens, cancelled, then, then_logits)


def test_a_narrowed_edit_whose_new_code_uses_an_undefined_name_is_redone_on_the_whole_file():
    request = build_request(NARROW, Task("edit", "In total, clamp each value at 0."), path="m.py")
    assert request.narrowed
    whole = NARROW.replace("def total(values):\n    return sum(values)\n",
                           "def clamp(v):\n    return max(0, v)\n\n\ndef total(values):\n    return sum(map(clamp, values))\n")
    model = InTurn(["def total(values):\n    return sum(map(clamp, values))\n", whole])
    result = Engine(Settings(), model=model).edit(request)
    assert result.text == whole and result.widened_for == ["clamp"] and result.definitions == []
    assert model.prefills == 2


def test_a_name_the_instruction_writes_as_code_is_the_users_and_the_edit_stays_on_its_definition():
    # "clamp each value" above is a plain word; "raise ValueTooLow" names what the user will import.
    request = build_request(NARROW, Task("edit", "In total, raise ValueTooLow for a negative value."), path="m.py")
    answer = ("def total(values):\n    if any(v < 0 for v in values):\n        raise ValueTooLow()\n"
              "    return sum(values)\n")
    model = InTurn([answer])
    result = Engine(Settings(), model=model).edit(request)
    assert result.text == NARROW.replace("def total(values):\n    return sum(values)\n", answer)
    assert result.widened_for == [] and result.definitions == ["total"] and model.prefills == 1


def test_a_helper_written_into_each_of_two_definitions_answers_is_refused():
    from lsp_server.engine.engine import EditResult, _finished
    text = "def total(values):\n    return sum(values)\n\n\ndef mean(values):\n    return sum(values) / len(values)\n"
    request = build_request(text, Task("edit", "Extract the summing of total() and mean() into a helper named add_all."),
                            path="m.py")
    assert request.definitions == ("total", "mean")
    helper = "def add_all(values):\n    return sum(values)\n\n\n"
    edited = (helper + "def total(values):\n    return add_all(values)\n\n\n" + helper
              + "def mean(values):\n    return add_all(values) / len(values)\n")
    result = EditResult(text=edited, region=(0, len(text)), new_region=edited, stats=LoopStats(), language="python",
                        original_region=text)
    with pytest.raises(EditError, match="defines add_all twice"):
        _finished(result, request, syntax.language_for("m.py"))
    once = edited.replace(helper, "", 1)
    assert _finished(dataclasses.replace(result, text=once, new_region=once), request, syntax.language_for("m.py")).text == once


def test_a_standard_module_or_typing_name_the_new_code_uses_gets_its_import_instead():
    request = build_request(NARROW, Task("edit", "Add type hints to total and log it."), path="m.py")
    answer = ("def total(values: Sequence[float]) -> float:\n    logging.info('summing')\n"
              "    return sum(values)\n")
    result = Engine(Settings(), model=InTurn([answer])).edit(request)
    assert result.text.startswith("import os\nimport logging\nfrom typing import Sequence\n\n\ndef keep(a):")
    assert answer in result.text and result.widened_for == [] and result.region[0] == len("import os\n")
    assert result.new_region.startswith("import logging\n") and not result.problems


def test_a_named_definition_whose_answer_began_elsewhere_is_tried_again_from_its_own_opening():
    request = build_request(NARROW, Task("edit", "Add type hints to total."), path="m.py")
    astray = "def keep(a: str) -> str:\n    return os.sep + a\n\n\n" * 40  # the functions before it, on and on
    right = "def total(values: list[int]) -> int:\n    return sum(values)\n"
    model = InTurn([astray, right])
    model.info.chat_template = CHAT
    result = Engine(Settings(), model=model).edit(request)
    assert result.text == NARROW.replace("def total(values):", "def total(values: list[int]) -> int:")
    assert model.prefills == 2
    # The second prompt wrote the definition's opening for the model: it went on from "def total".
    assert bytes(model.kv_tokens[:model.prompt_len]).endswith(b"```python\ndef total")
    # Without a named definition (a selection), an unusable answer is the error it was.
    selected = build_request(NARROW, Task("edit", "Add type hints.", lines=(8, 9)), path="m.py")
    model = InTurn([astray, right])
    model.info.chat_template = CHAT
    # It is stopped at its first line, not run to its budget: it began with another function of the file.
    with pytest.raises(EditError, match="began with line 4 of the file, not with the code to change"):
        Engine(Settings(), model=model).edit(selected)
    assert NARROW.splitlines()[3] == "def keep(a):"
    assert model.prefills == 1


def test_a_whole_file_redo_that_loses_names_the_file_used_is_refused():
    request = build_request(NARROW, Task("edit", "In total, clamp each value at 0."), path="m.py")
    lossy = NARROW.replace("os.sep", "os_.sep").replace(
        "def total(values):\n    return sum(values)\n",
        "def clamp(v):\n    return max(0, v)\n\n\ndef total(values):\n    return sum(map(clamp, values))\n")
    model = InTurn(["def total(values):\n    return sum(map(clamp, values))\n", lossy])
    with pytest.raises(EditError, match=r"uses os_, which nothing in the file defines any more \(.*\); nothing was changed$"):
        Engine(Settings(), model=model).edit(request)
    assert model.prefills == 2


def test_a_selection_whose_answer_uses_a_name_nothing_defines_is_refused_unless_the_user_named_it():
    # lines 8-9: `def total(values):` and its body.
    typo = "def total(values):\n    return sum(values) * SCALE\n"
    for instruction, lands in (("Scale the total.", False), ("Scale the total by SCALE.", True)):
        request = build_request(NARROW, Task("edit", instruction, lines=(8, 9)), path="m.py")
        engine = Engine(Settings(), model=InTurn([typo]))
        if lands:
            assert engine.edit(request).text == NARROW.replace("    return sum(values)\n", "    return sum(values) * SCALE\n")
        else:
            with pytest.raises(EditError, match=r"uses SCALE, which nothing in the file defines \(say in the instruction where it comes from\); nothing was changed$"):
                engine.edit(request)
    # typing's and the standard modules' names get their import, as for named definitions.
    request = build_request(NARROW, Task("edit", "Add type hints.", lines=(8, 9)), path="m.py")
    hinted = "def total(values: Sequence[float]) -> float:\n    return sum(values)\n"
    result = Engine(Settings(), model=InTurn([hinted])).edit(request)
    assert result.text.startswith("import os\nfrom typing import Sequence\n\n\ndef keep(a):") and hinted in result.text


def test_a_definition_the_request_asks_for_must_be_written():
    # The 1.5B, asked to extract a helper, called self._download and wrote it nowhere: an attribute, which
    # the undefined-name check does not see. A name the request asks to be written is not the user's.
    text = "class F:\n    def get(self, u):\n        return open(u).read()\n"
    instruction = "Extract the reading in get() into a helper method _read(u)."
    calls = "class F:\n    def get(self, u):\n        return self._read(u)\n"
    request = build_request(text, Task("edit", instruction, lines=(1, 3)), path="f.py")
    with pytest.raises(EditError, match=r"^the model's answer does not define _read, which the request asks for; "):
        Engine(Settings(), model=InTurn([calls])).edit(request)
    written = calls + "\n    def _read(self, u):\n        return open(u).read()\n"
    assert Engine(Settings(), model=InTurn([written])).edit(request).text == written
    # narrowed to get(): its answer alone leaves the helper out, so the whole file is asked, and refused where
    # that answer leaves it out too
    request = build_request(text, Task("edit", instruction), path="f.py")
    assert request.narrowed
    with pytest.raises(EditError, match=r"uses _read, which nothing in the file defines any more"):
        Engine(Settings(), model=InTurn(["    def get(self, u):\n        return self._read(u)\n", calls])).edit(request)
    # and where that answer writes the helper but makes the module's function a method of the class, refused too
    text += "\n\ndef size(f, u):\n    return len(f.get(u))\n"
    request = build_request(text, Task("edit", instruction), path="f.py")
    moved = written + "\n    def size(self, u):\n        return len(self.get(u))\n"
    with pytest.raises(EditError, match=r"^the model's answer moved or removed size, which the request did not name"):
        Engine(Settings(), model=InTurn(["    def get(self, u):\n        return self._read(u)\n", moved])).edit(request)
    assert scope.moved_definitions(text, text.replace("open(u)", "open(u, 'rb')"), syntax.language_for("f.py"), set()) == []
    assert asked.asked_unwritten("Add a method to F that reads it.", calls, syntax.language_for("f.py")) == set()
    assert asked.asked_unwritten("Add a class Point.", "Point = namedtuple('Point', 'x y')\n",
                                 syntax.language_for("f.py")) == set()


def test_a_name_the_draft_itself_leaves_undefined_is_the_users():
    # A sketch that calls what the user will write next lands as sketched.
    sketch = "# ... existing code ...\ndef total(values):\n    return sum(clean(values))\n# ... existing code ...\n"
    request = build_request(NARROW, Task("sketch", sketch=sketch), path="m.py")
    assert "clean" in request.drafted_text
    result = Engine(Settings(), model=InTurn([r.draft for r in request.regions])).edit(request)
    assert "return sum(clean(values))" in result.text


@pytest.mark.parametrize("imports", ["import os\n", "from os.path import *\n"])  # names told, or not (a star)
def test_a_new_annotation_defaulting_to_none_is_made_optional_and_typing_imported(imports):
    text = imports + "\n\ndef rel(path, start=None):\n    return os.path.relpath(path, start)\n"
    request = build_request(text, Task("edit", "Add type hints to rel.", (4, 5)), path="p.py")
    region = request.regions[0]
    answer = "def rel(path: any, start: str = None) -> str:\n    return os.path.relpath(path, start)\n"
    result = Engine(Settings(), model=ScriptedModel({text[region.start:region.end]: answer})).edit(request)
    assert result.text == (imports + "from typing import Any, Optional\n\n\n"
                           "def rel(path: Any, start: Optional[str] = None) -> str:\n"
                           "    return os.path.relpath(path, start)\n")
    assert not result.problems


def test_a_renamed_parameter_keeps_the_annotation_the_user_wrote():
    text = "def pad(text: str, fill: str = None):\n    return text + (fill or '')\n"
    request = build_request(text, Task("rename", symbol="fill", new_name="filler"), path="m.py")
    result = engine_for(request).edit(request)
    assert result.text == text.replace("fill", "filler")



def test_an_import_a_selections_answer_writes_joins_the_files_imports_and_the_users_own_stay():
    text = ("from typing import List\n\n\ndef head(xs):\n    return xs[0]\n\n\n"
            "import json  # the user's, placed here\n\n\ndef dump(x):\n    return json.dumps(x)\n")
    request = build_request(text, Task("edit", "Type head; return None for an empty list.", (4, 12)), path="h.py")
    region = request.regions[0]
    answer = text[region.start:region.end].replace(
        "def head(xs):\n    return xs[0]\n",
        "from typing import List, Optional\n\ndef head(xs: List[int]) -> Optional[int]:\n    return xs[0] if xs else None\n")
    result = Engine(Settings(), model=ScriptedModel({text[region.start:region.end]: answer})).edit(request)
    assert result.text == ("from typing import List, Optional\n\n\n"
                           "def head(xs: List[int]) -> Optional[int]:\n    return xs[0] if xs else None\n\n\n"
                           "import json  # the user's, placed here\n\n\ndef dump(x):\n    return json.dumps(x)\n")


def test_a_removal_whose_answer_runs_straight_into_the_next_method_leaves_the_region_empty():
    # A chat model's prompt writes the answer's indentation; asked to remove save(), the model wrote the
    # next method's opening instead of closing its answer. That is all past the region: nothing of
    # its own (the edit kept "    def report(" and broke the file).
    text = ("class Store:\n    def add(self):\n        return 0\n\n    def save(self):\n        pass\n\n"
            "    def report(self):\n        return 1\n")
    request = build_request(text, Task("edit", "Remove the save method."), path="m.py")
    (region,) = request.regions
    assert text[region.start:region.end] == "    def save(self):\n        pass\n"
    model = ScriptedModel({text[region.start:region.end]: "    def report(self):\n        return 1\n"})
    model.info.chat_template = "{% for m in messages %}{{ m['content'] }}{% endfor %}"
    result = Engine(Settings(), model=model).edit(request)
    # and the blank lines on either side do not join into two: the one below goes with it
    assert result.text == text.replace("    def save(self):\n        pass\n\n", "") and not result.problems
    assert result.region == (region.start, region.end + 1) and result.new_region == ""


def test_a_drafts_code_ends_where_its_whole_closing_fence_begins():
    # The code holds ``` (a doc's example), so the fence is ````: the code ends before its first backtick (the 1.5B
    # closed with ```, one token, and one backtick was left in the file: "}\n`").
    from lsp_server.config import ModelSettings
    from lsp_server.engine.local import LocalBackend
    backend = LocalBackend(ModelSettings(), ScriptedModel({}))
    for fence in (b"```", b"````", b"`````"):
        data = b"/// ```\n/// f();\n/// ```\nfn f() {}\n" + fence
        assert backend.draft_text(data).content_end == data.rindex(b"\n") + 1
