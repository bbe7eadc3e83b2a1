"""A scripted byte-level model for unit tests of the engine (no llama.cpp): it answers what a script says."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from lsp_server.engine.model import Model

EOS = 256


class ByteModel:
    """What the byte-level fakes share: token i is byte i (EOS 256), a KV cache tracked token by token,
    prefill with tokens after the prompt (`then`) as the real Model has it. Subclasses say which token
    the cache's contents predict (`_row`)."""

    kv_tokens: list[int]
    decode_calls = 0

    def _row(self) -> np.ndarray:
        raise NotImplementedError

    @staticmethod
    def _logits(token: int) -> np.ndarray:
        row = np.zeros(257, dtype=np.float32)
        row[token] = 10.0
        return row

    common_prefix = Model.common_prefix  # it reads kv_tokens, and kept prompts: none here
    states = None

    def _after_prompt(self, then, then_logits) -> np.ndarray:
        """What prefill returns once the prompt is in the cache: its last row, or `then`'s rows (-1 first: the prompt's)."""
        if not then:
            return self._row()
        if then_logits and then_logits[0] == -1:
            return np.concatenate([self._row()[None, :], self.decode(then, then_logits[1:])])
        return self.decode(then, then_logits)

    def decode(self, tokens, logits_at) -> np.ndarray:
        self.decode_calls += 1
        rows = []
        wanted = set(logits_at)
        for i, token in enumerate(tokens):
            self.kv_tokens.append(token)
            if i in wanted:
                rows.append(self._row())
        return np.stack(rows) if rows else np.empty((0, 257), dtype=np.float32)

    def truncate(self, n_keep: int) -> None:
        del self.kv_tokens[n_keep:]

    def piece(self, token: int) -> bytes:
        return b"" if token == EOS else bytes([token])

    def is_eog(self, token: int) -> bool:
        return token == EOS


class ScriptedModel(ByteModel):
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

    def reset(self) -> None:
        self.kv_tokens = []

    def _row(self) -> np.ndarray:
        produced = len(self.kv_tokens) - self.prompt_len
        return self._logits(self.target[produced] if produced < len(self.target) else EOS)

    def prefill(self, tokens, cancelled=None, then=(), then_logits=()) -> np.ndarray:
        self.prefills += 1
        prompt = bytes(tokens)
        shown = [k for k in self.answers if k in prompt]
        # A prompt that shows no region is a warm-up's prefix (Engine.warm): nothing to answer yet.
        self.target = self.answers[max(shown, key=len)] if shown else b""
        written = prompt[prompt.rfind(b"\n") + 1:]  # the answer's start the prompt wrote (an indentation)
        if written and self.target.startswith(written):
            self.target = self.target[len(written):]
        self.kv_tokens, self.prompt_len = list(tokens), len(tokens)
        return self._after_prompt(then, then_logits)


def streamed_document(text: str, span: tuple[int, int], events, new_region: str, provisional: bool = False,
                      states: list[str] | None = None) -> str:
    """The document an editor ends with when the edit's progress events are fed to the server's stream in order
    (with `provisional`, new lines shown as they are written, as streaming "lines" does); `states` collects
    the document after each batch."""
    from lsp_server.streaming import EditStream
    from lsp_server.textedits import apply_hunks

    stream = EditStream(text, span)
    document = text
    for event in events:
        if (batch := stream.advance(event.output, event.sync, provisional)) is not None:
            document = apply_hunks(document, batch.hunks)
            if states is not None:
                states.append(document)
    if (final := stream.finish(new_region)) is not None:
        document = apply_hunks(document, final.hunks)
    return document
