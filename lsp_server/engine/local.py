"""The local backend: the region runner's prompts, draft tokens and decoding on a llama.cpp model in this process."""

from __future__ import annotations

from typing import Callable

from ..config import ModelSettings
from ..errors import ModelError
from . import prompts
from .drafts import Drafter
from .drafttext import DraftText
from .model import Model
from .pacing import Pacer
from .region import Prepared, Prompt
from .speculative import LoopOptions, LoopStats, Step, speculative_edit


class LocalBackend:
    """Holds one model (loaded on first use): prompts in its chat template or the completion layout."""

    answer_overhead = 0  # the prompt opens the fence: the answer is the code
    prefills_answer = True

    def __init__(self, settings: ModelSettings, model: Model | None = None):
        self.settings = settings
        self._model = model
        self.pacer = Pacer()  # pass costs and acceptance, learned while the model runs

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @property
    def model(self) -> Model:
        if self._model is None:
            self._model = Model(self.settings)
        return self._model

    @property
    def n_ctx(self) -> int:
        return self.model.n_ctx

    def close(self) -> None:
        if self._model is not None:
            self._model.close()
            self._model = None
            self.pacer = Pacer()

    def render(self, parts: prompts.PromptParts) -> Prompt:
        """The model's chat template for instruct models, else (base models: no template) the completion layout."""
        model = self.model
        template = model.info.chat_template
        if template:
            bos = model.piece(model.bos).decode("utf-8", "replace") if model.add_bos else ""
            try:
                return Prompt(prompts.render_chat(parts, template, bos, ""), chat=True)
            except prompts.TemplateError:  # a template our renderer cannot handle: fall back to completion
                pass
        return Prompt(prompts.completion_prompt(parts), chat=False)

    def tokens(self, prompt: Prompt) -> list[int]:
        return self.model.tokenize(prompt.text.encode("utf-8"), add_bos=self.model.add_bos, special=prompt.chat)

    def prompt(self, parts: prompts.PromptParts, draft: str | None) -> Prompt:
        # The draft is not shown: the loop verifies it token by token and forces its changed words.
        prompt = self.render(parts)
        prompt.tokens = self.tokens(prompt)
        return prompt

    def draft_text(self, data: bytes) -> DraftText:
        model = self.model
        draft = DraftText.from_tokens(model.tokenize(data), model.piece)
        draft.retokenize = lambda piece: [(token, model.piece(token)) for token in model.tokenize(piece)]
        fence_at = data.rfind(b"`" * 3)
        while fence_at > 0 and data[fence_at - 1] == 0x60:  # a longer fence (````, the code holds ```): all of it
            fence_at -= 1
        draft.content_end = len(draft.data) - (len(data) - fence_at) if draft.data.endswith(data[fence_at:]) else None
        return draft

    def decode(self, prepared: Prepared, drafter: Drafter, options: LoopOptions, stats: LoopStats,
               on_step: Callable[[Step], None] | None, cancelled: Callable[[], bool]) -> bytes:
        step = None
        try:
            for step in speculative_edit(self.model, prepared.prompt_tokens, drafter, options, stats, cancelled,
                                         self.pacer):
                if on_step is not None and not step.done:
                    on_step(step)
        except ModelError:
            self.model.reset()  # a failed decode may leave the cache in any state
            raise
        return step.output

    def complete(self, completion: str, message: str, max_tokens: int) -> str:
        """Greedy text after `completion` up to a backtick (the chat message is for servers)."""
        model = self.model
        drafter = Drafter([DraftText.from_tokens([], model.piece)])
        opts = LoopOptions(speculate=False, max_new_tokens=max_tokens, stop=b"`", stop_at_line_start=False,
                           stop_at_region_end=False)
        step = None
        for step in speculative_edit(model, model.tokenize(completion.encode("utf-8"), add_bos=model.add_bos),
                                     drafter, opts, LoopStats()):
            pass
        return step.output.decode("utf-8", "replace")
