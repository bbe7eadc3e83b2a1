"""The engine's preparation, regions and sync points, on a scripted byte-level model (no llama.cpp)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from lsp_server.config import Settings
from lsp_server.engine.engine import Engine
from lsp_server.engine.tasks import Task, build_request
from lsp_server.streaming import EditStream
from lsp_server.textedits import apply_hunks

EOS = 256


class ScriptedModel:
    """Token i is byte i. After each prompt it writes the answer the script has for the code shown in it.

    `answers` maps a region's original text to what the model writes for it (the fence follows).
    """

    def __init__(self, answers: dict[str, str], n_ctx: int = 8192):
        self.answers = {k.encode(): v.encode() + b"```" for k, v in answers.items()}
        self.kv_tokens: list[int] = []
        self.n_ctx = n_ctx
        self.add_bos, self.bos = False, 0
        self.info = SimpleNamespace(chat_template=None, embedded=True)
        self.prompt_len = 0
        self.target = b""
        self.prefills = 0

    def tokenize(self, data: bytes, *, add_bos: bool = False, special: bool = False) -> list[int]:
        return list(data)

    def piece(self, token: int) -> bytes:
        return b"" if token == EOS else bytes([token])

    def is_eog(self, token: int) -> bool:
        return token == EOS

    def reset(self) -> None:
        self.kv_tokens = []

    def common_prefix(self, tokens) -> int:
        n = 0
        for a, b in zip(self.kv_tokens, tokens):
            if a != b:
                break
            n += 1
        return n

    def _row(self) -> np.ndarray:
        produced = len(self.kv_tokens) - self.prompt_len
        token = self.target[produced] if produced < len(self.target) else EOS
        row = np.zeros(257, dtype=np.float32)
        row[token] = 10.0
        return row

    def prefill(self, tokens, cancelled=None) -> np.ndarray:
        self.prefills += 1
        prompt = bytes(tokens)
        shown = [k for k in self.answers if k in prompt]
        self.target = self.answers[max(shown, key=len)]
        self.kv_tokens, self.prompt_len = list(tokens), len(tokens)
        return self._row()

    def decode(self, tokens, logits_at) -> np.ndarray:
        rows = []
        wanted = set(logits_at)
        for i, token in enumerate(tokens):
            self.kv_tokens.append(token)
            if i in wanted:
                rows.append(self._row())
        return np.stack(rows)

    def truncate(self, n_keep: int) -> None:
        del self.kv_tokens[n_keep:]


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
    stream = EditStream(TEXT, (span_start, span_end))
    document = TEXT
    for event in events:
        batch = stream.advance(event.output, event.sync)
        if batch is not None:
            document = apply_hunks(document, batch.hunks)
    final = stream.finish(result.new_region)
    if final is not None:
        document = apply_hunks(document, final.hunks)
    assert document == result.text


def test_a_model_that_writes_nothing_new_is_reported_as_unchanged():
    request = build_request(TEXT, Task("edit", "make it better", (1, 2)), path="m.py")
    region = request.regions[0]
    engine = Engine(Settings(), model=ScriptedModel({TEXT[region.start:region.end]: TEXT[region.start:region.end]}))
    result = engine.edit(request)
    assert result.text == TEXT and not result.changed and result.stats_json()["changed"] is False
