"""The engine: one model, and edits run on it one at a time: prepare each region, run the loop, assemble the result."""

from __future__ import annotations

import dataclasses
import threading
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Callable

from .. import coords, syntax
from ..config import Settings
from ..errors import Cancelled, EditError, ModelError
from . import prompts
from .drafts import DraftText, Drafter, changed_ranges, dropped_lines, line_map
from .model import Model
from .request import EditRequest, Region
from .tasks import identifier_at_index
from .speculative import LoopOptions, LoopStats, speculative_edit

# Under typical acceptance a re-sync may skip at most this much draft text (bytes): see Drafter.
MAX_JUMP_LOSSY = 512
# Tokens of margin kept free in the context beyond the prompt and the draft.
CONTEXT_SLACK = 16
# A free-form region's prompt holds it about twice (the file excerpt and the code to change) and the
# answer up to 1.5 times: a region larger than the context over this factor is split into parts.
CONTEXT_PER_REGION_TOKEN = 4
# Context kept for the rest of the prompt (excerpt around the region, instruction, template), tokens.
PROMPT_OVERHEAD_TOKENS = 1500


@dataclass
class Progress:
    """An edit so far, in the coordinates of the request's span (all its regions and the text between)."""

    output: str  # the span's new text so far
    sync: tuple[int, int] | None  # (span chars, output chars) known to correspond; see textedits.HunkStream
    stats: LoopStats
    fraction: float  # of the span passed
    tokens_per_s: float = 0.0  # generation so far


@dataclass
class EditResult:
    text: str  # the whole edited document
    region: tuple[int, int]  # str span of the request's regions (first start, last end) in the original
    new_region: str  # what that span became
    stats: LoopStats
    language: str
    problems: list[syntax.SyntaxProblem] = field(default_factory=list)  # syntax errors the edit introduced
    original_region: str = ""
    regions: int = 1  # regions rewritten

    @property
    def changed(self) -> bool:
        return self.new_region != self.original_region

    def stats_json(self) -> dict:
        s = self.stats
        return {
            "output_tokens": s.output_tokens,
            "prompt_tokens": s.prompt_tokens,
            "prefill_tokens": s.prefill_tokens,
            "prefill_s": round(s.prefill_s, 4),
            "generate_s": round(s.generate_s, 4),
            "passes": s.passes,
            "accepted_tokens": s.accepted_tokens,
            "drafted_tokens": s.drafted_tokens,
            "tokens_per_s": round(s.tokens_per_s, 2),
            "stop_reason": s.stop_reason,
            "regions": self.regions,
            "changed": self.changed,
        }


@dataclass
class Prepared:
    """One region made ready for the loop: the prompt, the draft texts, the budget (no decoding yet)."""

    region: Region
    prompt_tokens: list[int]
    sources: list[DraftText]  # [the draft that carries the change, the original] or [the original]
    budget: int  # output tokens the loop may produce
    fence: str
    chat: bool  # the prompt was rendered with the model's chat template
    region_bytes: bytes  # the original region, UTF-8

    @property
    def draft_led(self) -> bool:
        return self.region.draft is not None


class Engine:
    """Holds one model (loaded on first use) and runs edits on it, one at a time."""

    def __init__(self, settings: Settings | None = None, model: Model | None = None):
        self.settings = settings or Settings()
        self._model = model
        self.lock = threading.Lock()  # the model runs one edit at a time

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @property
    def model(self) -> Model:
        if self._model is None:
            self._model = Model(self.settings.model)
        return self._model

    def load(self) -> None:
        """Load the local model now (ModelError if it cannot be); a shared inference server needs nothing here."""
        if self.settings.engine == "local":
            self.model

    def close(self) -> None:
        if self._model is not None:
            self._model.close()
            self._model = None

    # -- preparing a region ---------------------------------------------------------------

    def check(self, request: EditRequest) -> syntax.Language:
        """The request's language; EditError when the request cannot be edited at all."""
        text = request.text
        if "\x00" in text:
            raise EditError("the file contains NUL bytes (binary?); refusing to edit it")
        if not request.instruction.strip() and not request.draft_led and request.sketch is None:
            raise EditError("the instruction is empty")
        previous_end = 0
        for r in request.regions:
            if not (previous_end <= r.start <= r.end <= len(text)):
                raise EditError(f"region {r.start}:{r.end} is outside the document ({len(text)} characters) "
                                "or overlaps the one before")
            previous_end = r.end
        return syntax.language_for(request.path, request.language_id)

    def prepare(self, request: EditRequest, region: Region | None = None) -> Prepared:
        """Prompt tokens, draft texts and budget for one region (default: the first); EditError if it cannot fit."""
        model = self.model
        language = self.check(request)
        region = region or request.regions[0]
        text = request.text
        original = text[region.start:region.end]
        fence = prompts.fence_for(text, region.draft or "", request.sketch or "")
        parts = prompt_parts(text, (region.start, region.end), language, request.path,
                             request.instruction or "apply the change shown in the draft", fence, request.sketch,
                             excerpt=region.draft is not None)
        prompt, chat = self.prompt_text(parts)
        prompt_tokens = model.tokenize(prompt.encode("utf-8"), add_bos=model.add_bos, special=chat)
        # The draft ends with the closing fence so the model verifies it too.
        closing = ("" if not original or original.endswith("\n") else "\n") + fence
        region_bytes = original.encode("utf-8")
        index = (syntax.SyntaxIndex(text.encode("utf-8"), language)
                 if self.settings.draft.syntax_aligned and region.draft is None else None)
        sources = [self._draft_text(original + closing, index, coords.index_to_byte(text, region.start))]
        if region.draft is not None:
            # The changed draft leads; the original is there to re-join when the model disagrees.
            led = self._draft_text(region.draft + closing, None, 0)
            # The tool's changed words are taken as drafted, and so is the first line: it is the
            # region's unchanged margin, where chat models otherwise start a line of their own.
            first_line = led.data.find(b"\n") + 1 or len(led.data)
            led.forced = [(0, first_line)] + [(max(a, first_line), b) for a, b in
                                               changed_ranges(region_bytes, region.draft.encode("utf-8")) if b > first_line]
            led.led = True
            sources.insert(0, led)
        budget = self._token_budget(sources[0], len(prompt_tokens))
        return Prepared(region, prompt_tokens, sources, budget, fence, chat, region_bytes)

    def prompt_text(self, parts: prompts.PromptParts) -> tuple[str, bool]:
        """The prompt for the model: its chat template for instruct models, else the completion layout."""
        model = self.model
        template = model.info.chat_template
        if template and not model.info.embedded:
            bos = model.piece(model.bos).decode("utf-8", "replace") if model.add_bos else ""
            try:
                return prompts.render_chat(parts, template, bos, ""), True
            except prompts.TemplateError:  # a template our renderer cannot handle: fall back to completion
                pass
        return prompts.completion_prompt(parts), False

    def _draft_text(self, text: str, index: syntax.SyntaxIndex | None, offset: int) -> DraftText:
        model = self.model
        data = text.encode("utf-8")
        draft = DraftText.from_tokens(model.tokenize(data), model.piece)
        fence_at = data.rfind(b"`" * 3)
        draft.content_end = len(draft.data) - (len(data) - fence_at) if draft.data.endswith(data[fence_at:]) else None
        if index is not None:
            ends = index.chunk_ends

            def chunk_end(lo: int, limit: int) -> int | None:
                i = bisect_right(ends, limit + offset) - 1
                return ends[i] - offset if i >= 0 and ends[i] >= lo + offset else None

            draft.chunk_end = chunk_end
            draft.is_sync_start = lambda pos: index.is_sync_start(pos + offset)
        return draft

    def _token_budget(self, draft: DraftText, prompt_len: int) -> int:
        """The output may be the draft's length, half again, and 128 more (a max_new_tokens setting caps it)."""
        n_ctx = self.model.n_ctx
        if prompt_len + len(draft.tokens) + CONTEXT_SLACK > n_ctx:
            raise EditError(
                f"the region ({len(draft.tokens)} tokens, prompt {prompt_len}) does not fit the model's "
                f"context of {n_ctx} tokens: select a smaller region (--lines) or raise n_ctx", kind="fit")
        wanted = len(draft.tokens) + len(draft.tokens) // 2 + 128
        if self.settings.max_new_tokens:
            wanted = min(wanted, self.settings.max_new_tokens)
        return min(wanted, n_ctx - prompt_len - 1)

    # -- the edit ---------------------------------------------------------------------------

    def edit(
        self,
        request: EditRequest,
        on_progress: Callable[[Progress], None] | None = None,
        cancelled: Callable[[], bool] = lambda: False,
        options: LoopOptions | None = None,
    ) -> EditResult:
        """Run one edit to the end (or until cancelled: then Cancelled is raised and nothing is returned).

        The regions are rewritten in turn; progress and the result cover the span from the first
        region's start to the last one's end, with the text between regions kept as it was.
        """
        with self.lock:
            language = self.check(request)
            request = self.fitted(request)
            text = request.text
            span_start, span_end = request.span
            composed = ""  # the span's new text up to the end of the last finished region
            done_end = span_start
            total = LoopStats()
            started = time.perf_counter()
            for region in request.regions:
                composed += text[done_end:region.start]
                orig_before, out_before = region.start - span_start, len(composed)

                def region_progress(p: Progress, orig_before=orig_before, out_before=out_before, prefix=composed,
                                    region=region) -> None:
                    sync = None if p.sync is None else (orig_before + p.sync[0], out_before + p.sync[1])
                    done = orig_before + p.fraction * (region.end - region.start)
                    # The first region's stats are the loop's own (live) object; later ones add up.
                    combined = p.stats if region is request.regions[0] else LoopStats.combined(total, p.stats)
                    elapsed = time.perf_counter() - started - combined.prefill_s
                    rate = combined.output_tokens / elapsed if elapsed > 0 else 0.0
                    on_progress(Progress(prefix + p.output, sync, combined, done / max(1, span_end - span_start), rate))

                output, stats = self._edit_region(request, region, region_progress if on_progress else None,
                                                  cancelled, options)
                total = LoopStats.combined(total, stats)
                composed += output
                done_end = region.end
                if on_progress is not None and region is not request.regions[-1]:
                    # The region is final: let the stream send it before the next region's prefill.
                    at = done_end - span_start
                    on_progress(Progress(composed, (at, len(composed)), total, at / max(1, span_end - span_start)))
            new_text = text[:span_start] + composed + text[span_end:]
            problems = syntax.introduced_problems(text.encode(), new_text.encode(), language)
            return EditResult(text=new_text, region=(span_start, span_end), new_region=composed, stats=total,
                              language=language.name, problems=problems, original_region=text[span_start:span_end],
                              regions=len(request.regions))

    def fitted(self, request: EditRequest) -> EditRequest:
        """The request with each free-form region too large for the context split into parts at blank
        lines (else line ends): each part is edited in turn with the same instruction, never refused."""
        if self.settings.engine == "openai":
            return request  # the server's context is its own (an oversized prompt: its HTTP 400, one sentence)
        limit = (self.model.n_ctx - PROMPT_OVERHEAD_TOKENS) // CONTEXT_PER_REGION_TOKEN
        regions: list[Region] = []
        for region in request.regions:
            if region.draft is not None:
                regions.append(region)  # tool-made drafts are already only the changed lines
                continue
            regions += split_region(request.text, region, limit, lambda s: len(self.model.tokenize(s.encode("utf-8"))))
        return request if len(regions) == len(request.regions) else dataclasses.replace(request, regions=regions)

    def _edit_region(self, request: EditRequest, region: Region, on_progress, cancelled,
                     options: LoopOptions | None) -> tuple[str, LoopStats]:
        if self.settings.engine == "openai":  # a shared inference server runs the model (engine/remote.py)
            from .remote import edit_region
            return edit_region(self.settings, request, region, on_progress, cancelled)
        prepared = self.prepare(request, region)
        draft_settings = self.settings.draft
        acceptance = request.acceptance or draft_settings.acceptance
        if acceptance == "auto":
            acceptance = "typical" if prepared.draft_led else "greedy"
        opts = LoopOptions(**vars(options)) if options else LoopOptions()
        opts.speculate = draft_settings.speculate if request.speculate is None else request.speculate
        opts.acceptance = acceptance
        opts.typical_ratio = draft_settings.typical_ratio
        opts.max_new_tokens = prepared.budget
        opts.stop = prepared.fence.encode()
        # Base models rarely close the fence; chat models following a tool's draft run past its end.
        opts.stop_at_region_end = not prepared.chat or prepared.draft_led
        drafter = Drafter(prepared.sources, draft_settings.min, draft_settings.max, draft_settings.syntax_aligned,
                          max_jump=MAX_JUMP_LOSSY if acceptance == "typical" else None,
                          # A tool's draft is trusted: verify it in as few passes as the batch limit allows.
                          start_tokens=draft_settings.max if prepared.draft_led else draft_settings.start)
        original_source = 1 if prepared.draft_led else 0
        # Where the output follows a changed draft, its unchanged lines still tell where we are.
        led_to_original = line_map(prepared.sources[0].data, prepared.region_bytes) if prepared.draft_led else None
        if led_to_original is not None:
            # A re-sync into the original starts where the output stands in it, not behind.
            drafter.mirror(1, lambda pos: (led_to_original.at_or_before(pos) or (0, 0))[1])
        stats = LoopStats()
        try:
            for step in speculative_edit(self.model, prepared.prompt_tokens, drafter, opts, stats, cancelled):
                if on_progress is not None and not step.done:
                    on_progress(progress_of(step, drafter, original_source, led_to_original,
                                            prepared.region_bytes, stats))
        except ModelError:
            self.model.reset()  # a failed decode may leave the cache in any state
            raise
        if stats.stop_reason == "cancelled":
            raise Cancelled()
        output = step.output.decode("utf-8", "replace")
        if stats.stop_reason in ("budget", "eos"):
            raise EditError(f"the model did not finish the edit ({stats.stop_reason} after {stats.output_tokens} tokens)",
                            kind="model")
        original = request.text[region.start:region.end]
        if not original.endswith("\n") and output.endswith("\n"):
            output = output[:-1]  # the closing fence needed a line of its own
        if region.draft is not None and (dropped := dropped_lines(region.draft, output)):
            # The draft is the intended result (a rename, a fix, a merged sketch); lossy acceptance
            # must not turn it into a deletion of code the draft kept.
            raise EditError(f"the model dropped {dropped} line(s) of the prepared edit", kind="model")
        return output, stats

    # -- small jobs on the same model ---------------------------------------------------------

    def propose_name(self, text: str, path: str | None, language_id: str | None, position: int) -> str:
        """A new name for the identifier at `position` (str index), proposed by the model (greedy, a few tokens)."""
        if self.settings.engine == "openai":
            from .remote import propose_name
            return propose_name(self.settings, text, path, language_id, position)
        language = syntax.language_for(path, language_id)
        old = identifier_at_index(text, language, position)
        lo, hi = prompts.context_window(text, position, position)
        prompt = prompts.name_prompt(text[lo:hi], language.name if language.has_grammar else "", old)
        with self.lock:
            model = self.model
            drafter = Drafter([DraftText.from_tokens([], model.piece)])
            opts = LoopOptions(speculate=False, max_new_tokens=12, stop=b"`", stop_at_line_start=False,
                               stop_at_region_end=False)
            stats = LoopStats()
            for step in speculative_edit(model, model.tokenize(prompt.encode("utf-8"), add_bos=model.add_bos),
                                         drafter, opts, stats):
                pass
        name = language.identifier.match(step.output.decode("utf-8", "replace"))
        if not name or name.group(0) == old:
            raise EditError(f"the model proposed no new name for {old!r}; give one (newName)")
        return name.group(0)

    def warm(self, text: str, path: str | None = None, language_id: str | None = None) -> int:
        """Prefill the cache with the prompt prefix free-form edits of this document start with; tokens evaluated."""
        if self.settings.engine == "openai":
            return 0  # the server keeps its own prompt cache
        with self.lock:
            if prompts.context_window(text, 0, 0) != (0, len(text)):
                return 0  # large files: the excerpt depends on the region
            language = syntax.language_for(path, language_id)
            parts = prompt_parts(text, (0, len(text)), language, path, "", prompts.fence_for(text))
            prompt, special = self.prompt_text(parts)
            prefix = prompts.cacheable_prefix(prompt)
            tokens = self.model.tokenize(prefix.encode("utf-8"), add_bos=self.model.add_bos, special=special)
            before = self.model.common_prefix(tokens)
            if len(tokens) + 64 < self.model.n_ctx:
                self.model.prefill(tokens)
            return len(tokens) - before


def split_region(text: str, region: Region, limit: int, count_tokens: Callable[[str], int]) -> list[Region]:
    """A region of at most `limit` tokens stays whole; a larger one is cut into parts of whole lines,
    preferring a blank line (between definitions) near the middle, recursively."""
    part = text[region.start:region.end]
    if limit <= 0 or count_tokens(part) <= limit:
        return [region]
    middle = region.start + len(part) // 2
    cut = text.rfind("\n\n", region.start, middle)
    if cut < 0 or cut - region.start < len(part) // 4:
        cut = text.rfind("\n", region.start, middle)
    if cut < 0:
        return [region]  # one huge line: nothing to split at
    cut += 1 if text[cut + 1:cut + 2] != "\n" else 2
    return (split_region(text, Region(region.start, cut), limit, count_tokens)
            + split_region(text, Region(cut, region.end), limit, count_tokens))




def prompt_parts(text: str, region: tuple[int, int], language: syntax.Language, path: str | None,
                 instruction: str, fence: str, sketch: str | None = None, excerpt: bool = False) -> prompts.PromptParts:
    """The prompt's pieces for a region (str span); warm() and edits share it, so their prefixes match.

    excerpt: show only the region (a tool-made draft carries the change, and its margin lines are
    the context the model needs to verify it); else the file, or a window around the region.
    """
    start, end = region
    whole = start == 0 and end == len(text)
    ctx_lo, ctx_hi = (start, end) if excerpt else prompts.context_window(text, start, end)
    return prompts.PromptParts(
        name=PurePath(path).name if path else "untitled",
        fence_lang=language.name if language.name != "text" else "",
        context=text[ctx_lo:ctx_hi],
        region=None if whole or excerpt else text[start:end],
        region_lines=None if whole else coords.line_numbers(text, region),
        instruction=instruction,
        fence=fence,
        sketch=sketch,
    )


def progress_of(step, drafter: Drafter, original_source: int, led_to_original, region_bytes: bytes,
                stats: LoopStats) -> Progress:
    """Progress with a sync point: a prefix of the output known to stand for a prefix of the region."""
    out_bytes = len(step.output)
    pos = drafter.pos if drafter.source == original_source else None
    if drafter.source == 0 and original_source == 1 and drafter.pos is not None:
        # In a draft that carries the change, the last unchanged line start at or before the
        # output's position is where draft and original correspond.
        found = led_to_original.at_or_before(drafter.pos)
        if found is not None:
            out_bytes -= drafter.pos - found[0]
            pos = found[1]
    sync = None
    if pos is not None and pos <= len(region_bytes) and (pos == len(region_bytes) or (region_bytes[pos] & 0xC0) != 0x80):
        prefix = step.output[:out_bytes]
        if _valid_utf8(prefix):
            sync = (len(region_bytes[:pos].decode("utf-8")), len(prefix.decode("utf-8")))
    fraction = min(1.0, max(drafter.last_pos) / max(1, len(region_bytes)))
    return Progress(output=step.output.decode("utf-8", "replace"), sync=sync, stats=stats, fraction=fraction)


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False

