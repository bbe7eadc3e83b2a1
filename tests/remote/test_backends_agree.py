"""The one region runner on both backends: the same scripted answers give the same edits, forced words and stops.

The local backend runs a scripted byte-level model; the remote backend a local HTTP stub that streams
the same script. Drafts, acceptance and budgets live in engine/region.py only, so a rule there (the
tool's changed words are forced, the unguided baseline follows no draft) shows on both.
"""

from __future__ import annotations

import pytest

from lsp_server.config import Settings
from lsp_server.engine.engine import Engine
from lsp_server.engine.tasks import Task, build_request
from tests.scripted import ScriptedModel, streamed_document

from .conftest import chat_chunk, pieces, remote_settings, send_sse, text_chunk

pytestmark = pytest.mark.remote

TEXT = ("def g(y):\n    return y\n\n\n" + "".join(f"def f{i}():\n    return {i}\n\n\n" for i in range(30))
        + "def h(y):\n    return y * 2\n")
RENAMED = TEXT.replace("(y)", "(z)").replace("return y", "return z")


def rename_request(**kw):
    request = build_request(TEXT, Task("rename", symbol="y", new_name="z"), path="m.py")
    for key, value in kw.items():
        setattr(request, key, value)
    return request


def scripted_answers(request, answer_of) -> dict[str, str]:
    """Each region's original text -> what the scripted model writes for it."""
    return {TEXT[r.start:r.end]: answer_of(r) for r in request.regions}


def streamed_answer(answers: dict[str, str], prompt: str) -> str:
    """What the server writes after `prompt`: the answer for the region shown in it, from the position the
    output so far has reached (as the scripted local model, which writes by position)."""
    region = max((k for k in answers if k in prompt), key=len)
    written = prompt.rpartition("```python\n")[2]
    return (answers[region] + "```\n")[len(written):]


def run_local(request, answers):
    return Engine(Settings(), model=ScriptedModel(answers)).edit(request)


def run_remote(stub, request, answers, api="completion"):
    def script(h, seen, n):
        if api == "chat":
            message = seen.body["messages"][0]["content"]
            text = "```python\n" + answers[max((k for k in answers if k in message), key=len)] + "```\n"
            send_sse(h, [chat_chunk(p) for p in pieces(text)] + [chat_chunk("", "stop")])
        else:
            send_sse(h, [text_chunk(p) for p in pieces(streamed_answer(answers, seen.body["prompt"]))])

    stub.script = script
    return Engine(remote_settings(stub.url, api=api)).edit(request)


def test_a_model_that_takes_the_draft_gives_the_same_edit_on_both_backends(stub):
    request = rename_request()
    assert len(request.regions) == 2
    answers = scripted_answers(request, lambda r: r.draft)
    local, remote = run_local(request, answers), run_remote(stub, request, answers)
    assert local.text == remote.text == RENAMED
    assert local.regions == remote.regions == 2
    assert local.stats.stop_reason == remote.stats.stop_reason == "end"


def test_the_tools_changed_words_are_forced_on_both_backends(stub):
    # The model writes the region as it was (it ignores the rename): the changed words are taken as drafted.
    request = rename_request()
    answers = scripted_answers(request, lambda r: TEXT[r.start:r.end])
    local, remote = run_local(request, answers), run_remote(stub, request, answers)
    assert local.text == remote.text == RENAMED
    assert len(stub.seen) > len(request.regions), "the server's answer was not restarted after a forced word"


def test_the_unguided_baseline_follows_no_draft_on_either_backend(stub):
    request = rename_request(guided=False, speculate=False)
    answers = scripted_answers(request, lambda r: TEXT[r.start:r.end])
    local, remote = run_local(request, answers), run_remote(stub, request, answers)
    assert local.text == remote.text == TEXT  # the model's own answer: no rename
    assert len(stub.seen) == len(request.regions)  # one request a region: nothing written in
    assert all("Proposed result" not in seen.body["prompt"] for seen in stub.seen)


def test_a_free_form_edit_gives_the_same_text_on_both_backends_and_both_apis(stub):
    request = build_request(TEXT, Task("edit", "double it", (1, 2)), path="m.py")
    answers = scripted_answers(request, lambda r: "def g(y):\n    return 2 * y\n")
    local = run_local(request, answers)
    for api in ("completion", "chat"):
        remote = run_remote(stub, request, answers, api=api)
        assert remote.text == local.text == TEXT.replace("return y\n", "return 2 * y\n", 1), api


def test_a_chat_answer_that_copies_on_past_the_region_is_cut_at_its_end(stub):
    request = build_request(TEXT, Task("edit", "double it", (1, 2)), path="m.py")
    region = request.regions[0]
    after = TEXT[region.end:region.end + 60]  # the file's next lines, copied on: never a closing fence
    answers = scripted_answers(request, lambda r: "def g(y):\n    return 2 * y\n" + after)
    model = ScriptedModel(answers)
    model.info.chat_template = "{% for m in messages %}{{ m['content'] }}{% endfor %}"
    local = Engine(Settings(), model=model).edit(request)
    remote = run_remote(stub, request, answers, api="chat")
    assert local.text == remote.text == TEXT.replace("return y\n", "return 2 * y\n", 1)
    assert local.stats.stop_reason == remote.stats.stop_reason == "end"


CLASS = "class C:\n    def g(self, y):\n        return y\n\n    def h(self):\n        return 1\n"


def test_an_indented_region_is_answered_from_its_indentation_on_a_chat_model(stub):
    # The prompt writes all of the region's first indentation but its last space (BPE joins that one
    # to the next word): a small model then keeps a method indented instead of writing it flush left.
    request = build_request(CLASS, Task("edit", "double it", (2, 3)), path="m.py")
    answers = {CLASS[r.start:r.end]: "    def g(self, y):\n        return 2 * y\n" for r in request.regions}
    model = ScriptedModel(answers)
    model.info.chat_template = "{% for m in messages %}{{ m['content'] }}{% endfor %}"
    engine = Engine(Settings(), model=model)
    prepared = engine.prepare(request)
    assert prepared.prompt.text.endswith("```python\n   ") and prepared.lead == "   "
    seen = []
    local = engine.edit(request, on_progress=seen.append)
    assert local.text == CLASS.replace("return y\n", "return 2 * y\n")
    # Progress counts the written lead as output and as region: every event starts with the whole
    # indentation, and the sync points, fed to the server's stream, rebuild exactly the result.
    region = request.regions[0]
    assert seen and all(p.output.startswith("    def g") for p in seen if len(p.output) >= 9)
    assert any(p.sync is not None for p in seen)
    assert streamed_document(CLASS, (region.start, region.end), seen, local.new_region) == local.text
    # A chat endpoint writes its answer from its first byte: nothing is written for it.
    remote = run_remote(stub, request, answers, api="chat")
    assert remote.text == local.text
    assert not stub.seen[0].body["messages"][0]["content"].endswith("   ")
