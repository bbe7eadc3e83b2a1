"""The remote engine against a misbehaving local HTTP stub: every failure is one sentence, nothing changes."""

from __future__ import annotations

import threading
import time

import pytest

from lsp_server.cli import build_parser, settings_from_args
from lsp_server.config import settings_from_client
from lsp_server.engine import openai_client
from lsp_server.engine.engine import Engine
from lsp_server.engine.tasks import Task, build_request
from lsp_server.errors import Cancelled, EditError, ModelError

from .conftest import chat_chunk, pieces, remote_settings, send_error, send_sse, text_chunk

pytestmark = pytest.mark.remote

TEXT = ("def total(prices):\n"
        "    result = 0\n"
        "    for price in prices:\n"
        "        result += price\n"
        "    return result\n"
        "\n"
        "\n"
        "def average(prices):\n"
        "    return total(prices) / len(prices)\n")
RENAMED = TEXT.replace("result", "acc")


def rename_request():
    return build_request(TEXT, Task("rename", symbol="result", new_name="acc"), path="basket.py")


def region_text(request, text: str) -> str:
    """What the request's single region becomes in `text` (TEXT edited)."""
    start, end = request.span
    return text[start:len(text) - (len(TEXT) - end)]


def chat_answer(code: str, preamble: str = "Here is the edited code:\n\n", size: int = 5) -> list:
    return [chat_chunk(p) for p in pieces(f"{preamble}```python\n{code}```\n", size)] + [chat_chunk("", "stop")]


def test_a_chat_answer_streams_through_the_same_machinery(stub):
    request = rename_request()
    stub.script = lambda h, seen, n: send_sse(h, chat_answer(region_text(request, RENAMED)))
    engine = Engine(remote_settings(stub.url))
    progress = []
    result = engine.edit(request, on_progress=progress.append)
    assert result.text == RENAMED
    assert not engine.loaded  # no local model was loaded
    sent = stub.seen[0]
    assert sent.path == "/v1/chat/completions" and sent.body["stream"] is True and sent.body["model"] == "stub-model"
    message = sent.body["messages"][0]["content"]
    assert "Change request:" in message and "acc = 0" in message  # the prompt, with the tool's draft shown
    assert sent.body["prediction"]["type"] == "content" and "acc += price" in sent.body["prediction"]["content"]
    assert "Authorization" not in sent.headers  # no key set: none sent
    # Progress: sync points that only move forward and always stand for the same text.
    syncs = [p.sync for p in progress if p.sync is not None]
    assert len(syncs) >= 3
    assert all(a[0] <= b[0] and a[1] <= b[1] for a, b in zip(syncs, syncs[1:]))
    start, end = request.span
    for p in progress:
        if p.sync is not None:
            orig_chars, out_chars = p.sync
            assert p.output[:out_chars] == region_text(request, RENAMED)[:out_chars]
            assert orig_chars <= end - start
    assert result.stats.stop_reason == "end" and result.stats.output_tokens > 0


def test_a_base_model_answer_ends_where_it_rejoins_the_end_of_the_region(stub):
    request = rename_request()
    code = region_text(request, RENAMED)
    # A base model rarely closes the fence: it goes on with unrelated text after the region's code.
    stub.script = lambda h, seen, n: send_sse(h, [text_chunk(p) for p in pieces(code + "\n\ndef unrelated():\n    pass\n")])
    engine = Engine(remote_settings(stub.url, api="completion"))
    result = engine.edit(request)
    assert result.text == RENAMED
    sent = stub.seen[0]
    assert sent.path == "/v1/completions" and sent.body["prompt"].endswith("Updated code:\n```python\n")
    assert "prediction" not in sent.body


def test_the_api_key_comes_from_the_named_environment_variable(stub, monkeypatch):
    monkeypatch.setenv("SPECEDIT_TEST_KEY", "sk-test-123")
    request = rename_request()
    stub.script = lambda h, seen, n: send_sse(h, chat_answer(region_text(request, RENAMED)))
    Engine(remote_settings(stub.url)).edit(request)
    assert stub.seen[0].headers["Authorization"] == "Bearer sk-test-123"


@pytest.mark.parametrize("status, message, expected", [
    (401, "Incorrect API key provided", "set its API key in the environment variable $SPECEDIT_TEST_KEY"),
    (403, "forbidden", "HTTP 403"),
    (404, "The model `nope` does not exist", "has no model 'stub-model'"),
    (400, "bad things", "refused the request (HTTP 400) (bad things)"),
])
def test_refusals_are_one_sentence(stub, status, message, expected):
    stub.script = lambda h, seen, n: send_error(h, status, message)
    with pytest.raises(ModelError) as info:
        Engine(remote_settings(stub.url)).edit(rename_request())
    assert expected in str(info.value) and "\n" not in str(info.value)
    assert len(stub.seen) == 1  # not retried


def test_busy_servers_are_retried_with_backoff(stub):
    request = rename_request()

    def script(h, seen, n):
        if n < 3:
            send_error(h, 429 if n == 1 else 503, "slow down", {"Retry-After": "0"})
        else:
            send_sse(h, chat_answer(region_text(request, RENAMED)))

    stub.script = script
    assert Engine(remote_settings(stub.url)).edit(request).text == RENAMED
    assert len(stub.seen) == 3


def test_a_server_that_stays_busy_is_reported_after_bounded_retries(stub):
    stub.script = lambda h, seen, n: send_error(h, 503, "overloaded")
    with pytest.raises(ModelError, match=r"busy or failing \(HTTP 503 after 4 tries\) \(overloaded\)"):
        Engine(remote_settings(stub.url)).edit(rename_request())
    assert len(stub.seen) == 1 + len(openai_client.RETRY_DELAYS_S)


def test_a_refused_prediction_is_dropped_once_and_remembered(stub):
    request = rename_request()

    def script(h, seen, n):
        if "prediction" in seen.body:
            send_error(h, 400, "Unrecognized request argument supplied: prediction")
        else:
            send_sse(h, chat_answer(region_text(request, RENAMED)))

    stub.script = script
    engine = Engine(remote_settings(stub.url))
    assert engine.edit(request).text == RENAMED
    assert ["prediction" in s.body for s in stub.seen] == [True, False]
    assert engine.edit(rename_request()).text == RENAMED
    assert ["prediction" in s.body for s in stub.seen] == [True, False, False]  # not asked again


def test_connection_refused(stub):
    from .conftest import free_port

    settings = remote_settings(f"http://127.0.0.1:{free_port()}/v1", engine_model="m")
    with pytest.raises(ModelError, match="connection refused"):
        Engine(settings).edit(rename_request())


def test_a_silent_server_times_out(stub):
    stub.script = lambda h, seen, n: time.sleep(3)
    started = time.monotonic()
    with pytest.raises(ModelError, match="did not answer within 1 s"):
        Engine(remote_settings(stub.url)).edit(rename_request())
    assert time.monotonic() - started < 2.5


@pytest.mark.parametrize("events, done, expected", [
    (["{not json"], True, "malformed stream"),
    ([chat_chunk("```python\ndef total(prices):\n    acc = 0\n")], False, "broke off before the answer was complete"),
    ([chat_chunk("I cannot help with that."), chat_chunk("", "stop")], True, "has no code block"),
    ([chat_chunk("```python\ndef total(prices):\n"), chat_chunk("", "length")], True,
     "did not finish the edit (budget after"),
    (["{\"error\": {\"message\": \"out of memory\"}}"], False, "failed while answering: out of memory"),
], ids=["not-json", "truncated", "no-code-block", "length", "error-event"])
def test_bad_answers_change_nothing(stub, events, done, expected):
    stub.script = lambda h, seen, n: send_sse(h, events, done=done)
    with pytest.raises((EditError, ModelError)) as info:
        Engine(remote_settings(stub.url)).edit(rename_request())
    message = str(info.value)
    assert expected in message and "\n" not in message
    if isinstance(info.value, EditError):
        assert message.endswith("nothing was changed")


def test_a_dropped_line_of_the_draft_is_refused(stub):
    request = rename_request()
    code = region_text(request, RENAMED).replace("    for price in prices:\n", "")
    stub.script = lambda h, seen, n: send_sse(h, chat_answer(code))
    with pytest.raises(EditError, match="dropped 1 line"):
        Engine(remote_settings(stub.url)).edit(request)


def test_cancel_closes_the_stream_at_once(stub):
    request = rename_request()
    code = region_text(request, RENAMED)
    stub.script = lambda h, seen, n: send_sse(h, [chat_chunk(p) for p in pieces(f"```python\n{code}```\n", 2)] * 20,
                                              delay=0.1, stub=stub)
    flag = threading.Event()
    seen_progress = []

    def on_progress(p):
        seen_progress.append(p)
        flag.set()

    started = time.monotonic()
    with pytest.raises(Cancelled):
        Engine(remote_settings(stub.url)).edit(request, on_progress=on_progress, cancelled=flag.is_set)
    assert time.monotonic() - started < 2.0
    assert seen_progress
    assert stub.broken.wait(3), "the stub kept writing to an open connection"


def test_a_server_that_ignores_stream_answers_in_one_piece(stub):
    import json

    request = rename_request()
    answer = {"choices": [{"index": 0, "message": {"role": "assistant",
                                                     "content": f"```python\n{region_text(request, RENAMED)}```"},
                           "finish_reason": "stop"}], "usage": {"prompt_tokens": 90, "completion_tokens": 40}}

    def script(h, seen, n):
        body = json.dumps(answer).encode()
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    stub.script = script
    result = Engine(remote_settings(stub.url)).edit(request)
    assert result.text == RENAMED and result.stats.prompt_tokens == 90 and result.stats.output_tokens == 40


def test_server_stats_become_loop_stats(stub):
    request = rename_request()
    timings = {"prompt_n": 80, "cache_n": 20, "draft_n": 30, "draft_n_accepted": 24}
    events = chat_answer(region_text(request, RENAMED))
    stub.script = lambda h, seen, n: send_sse(h, events[:-1] + [{"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                                                                  "timings": timings}])
    # The output reaching the end of the tool's draft ends the edit (as on the local backend), before
    # the closing fence and the last event: stats come from what arrived by then.
    result = Engine(remote_settings(stub.url)).edit(request)
    texts = [e["choices"][0]["delta"]["content"] for e in events[:-1]]
    code_ends = len("".join(texts).rstrip("`\n"))  # where the code ends, before the closing fence
    needed = next(i + 1 for i in range(len(texts)) if len("".join(texts[:i + 1])) >= code_ends)
    assert result.stats.stop_reason == "end" and result.stats.output_tokens == needed < len(events) - 1


def test_a_missing_url_and_a_bad_url_are_one_sentence():
    settings = openai_settings(None)
    with pytest.raises(ModelError, match="needs the server's URL"):
        Engine(settings).edit(rename_request())
    with pytest.raises(ModelError, match="must be an http"):
        Engine(openai_settings("ftp://x/v1")).edit(rename_request())


def openai_settings(url):
    from lsp_server.config import Settings

    s = Settings()
    s.engine, s.engine_url = "openai", url
    return s


def test_warm_and_a_proposed_name_use_no_local_model(stub):
    stub.script = lambda h, seen, n: send_sse(h, [chat_chunk("`sub"), chat_chunk("total`"), chat_chunk("", "stop")])
    engine = Engine(remote_settings(stub.url))
    assert engine.warm(TEXT, "basket.py") == 0
    assert engine.propose_name(TEXT, "basket.py", None, TEXT.index("result")) == "subtotal"
    assert not engine.loaded


def test_settings_from_the_client_and_the_command_line():
    settings, problems = settings_from_client({"engine": "openai", "engineUrl": "http://h:1/v1", "engineModel": "qwen",
                                               "engineApiKeyEnv": "MY_KEY", "engineApi": "completion"})
    assert not problems
    assert (settings.engine, settings.engine_url, settings.engine_model, settings.engine_api_key_env,
            settings.engine_api) == ("openai", "http://h:1/v1", "qwen", "MY_KEY", "completion")
    _, problems = settings_from_client({"engine": "cloud", "engineApi": "fim"})
    assert len(problems) == 2
    args = build_parser().parse_args(["edit", "x.py", "-i", "y", "--engine-url", "http://h:1/v1", "--engine-model", "m",
                                      "--engine-api", "completion", "--engine-api-key-env", "K"])
    s = settings_from_args(args)
    assert (s.engine, s.engine_url, s.engine_model, s.engine_api, s.engine_api_key_env) == (
        "openai", "http://h:1/v1", "m", "completion", "K")
    assert settings_from_args(build_parser().parse_args(["edit", "x.py", "-i", "y"])).engine == "local"


def test_a_base_model_that_ignores_the_draft_gets_the_tools_change_written_in(stub):
    """/completions: where the output leaves the draft inside a changed word, the word is taken as drafted
    and the answer restarts after it (the local loop's forced tokens, over HTTP)."""
    request = rename_request()
    original = region_text(request, TEXT)

    def copies_the_original(h, seen, n):
        written = seen.body["prompt"].split("Updated code:\n```python\n")[-1]
        done = written.replace("acc", "result")
        assert original.startswith(done)
        send_sse(h, [text_chunk(p) for p in pieces(original[len(done):] + "```\n", 4)])

    stub.script = copies_the_original
    progress = []
    result = Engine(remote_settings(stub.url, api="completion")).edit(request, on_progress=progress.append)
    assert result.text == RENAMED
    assert len(stub.seen) == 1 + original.count("result")  # one restart per renamed occurrence
    assert stub.seen[-1].body["prompt"].endswith("    return acc")
    assert all(p.output.count("result") == 0 for p in progress)


def test_a_request_for_a_docstring_closes_the_stream_past_the_last_place_one_goes(stub):
    request = build_request(TEXT, Task("edit", "Add a docstring to total."), path="basket.py")
    (region,) = request.regions
    documented = TEXT[region.start:region.end].replace(
        "    result = 0\n", '    """The sum of the prices."""\n    result = 0\n')
    # the body as the server goes on to write it changes code too: it is never read
    answer = documented.replace("result += price", "result = result + price")
    stub.script = lambda h, seen, n: send_sse(h, chat_answer(answer, size=3), delay=0.02, stub=stub)
    result = Engine(remote_settings(stub.url)).edit(request)
    assert result.text == TEXT.replace("    result = 0\n", '    """The sum of the prices."""\n    result = 0\n', 1)
    assert result.stats.stop_reason == "settled" and result.stats.settled_bytes > 0
    assert stub.broken.wait(5)  # the client hung up before the answer's end


def test_an_answer_closed_by_a_shorter_fence_than_ours_ends_there(stub):
    # The code holds a fence, so the prompt's is four backticks; the model closes its block with three.
    text = 'def fences(doc):\n    return doc.count("```")\n'
    edited = text.replace("doc.count", "doc.strip().count")
    request = build_request(text, Task("edit", instruction="Strip doc before counting."), path="fences.py")
    answer = [chat_chunk(p) for p in pieces(f"````python\n{edited}```\n")] + [chat_chunk("", "stop")]
    stub.script = lambda h, seen, n: send_sse(h, answer)
    result = Engine(remote_settings(stub.url)).edit(request)
    assert result.text == edited
    assert result.stats.stop_reason == "end"
