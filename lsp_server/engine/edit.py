"""One AI edit of one file: region, prompt, drafts, the loop, and the edited text with its statistics."""

from __future__ import annotations

import difflib
import re
import threading
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Callable

from .. import syntax
from ..config import Settings
from . import prompts
from .drafts import DraftText, Drafter, changed_ranges
from .model import Cancelled, Model, ModelError
from .speculative import LoopOptions, LoopStats, speculative_edit


# Under typical acceptance a re-sync may skip at most this much draft text (bytes): see Drafter.
MAX_JUMP_LOSSY = 512


class EditError(Exception):
    """The edit cannot be done as asked; the message is for the user."""


@dataclass
class EditRequest:
    text: str  # the whole document
    instruction: str
    path: str | None = None
    language_id: str | None = None
    region: tuple[int, int] | None = None  # str indices, whole lines; None: the whole file
    draft: str | None = None  # a rewrite of the region that already carries the change (rename)
    sketch: str | None = None  # an agent's edit sketch, shown in the prompt (its merge is the draft)
    acceptance: str | None = None  # override settings.draft.acceptance for this edit
    speculate: bool | None = None  # override settings.draft.speculate (False: plain baseline)


@dataclass
class Progress:
    output: str  # the region's new text so far
    sync: tuple[int, int] | None  # (region chars, output chars) known to correspond; see HunkStream
    stats: LoopStats
    fraction: float  # of the original region passed
    tokens_per_s: float = 0.0  # generation so far


@dataclass
class EditResult:
    text: str  # the whole edited document
    region: tuple[int, int]  # str indices of the rewritten region in the original document
    new_region: str
    stats: LoopStats
    language: str
    problems: list[syntax.SyntaxProblem] = field(default_factory=list)  # syntax errors the edit introduced

    original_region: str = ""

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
        }


def line_region(text: str, first: int, last: int) -> tuple[int, int]:
    """Str indices of 1-based inclusive lines first..last; EditError if they are not in the text."""
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    if text.endswith("\n"):
        starts.pop()
    n_lines = len(starts)
    if first < 1 or last < first:
        raise EditError(f"bad line range {first}:{last}: lines are 1-based and A <= B")
    if last > n_lines:
        raise EditError(f"line range {first}:{last} is past the end of the file ({n_lines} lines)")
    end = starts[last] if last < n_lines else len(text)
    return starts[first - 1], end


def identifier_at_index(text: str, language: syntax.Language, position: int) -> str:
    """The identifier at a str index; EditError when there is none."""
    found = syntax.identifier_at(text.encode("utf-8"), language, len(text[:position].encode("utf-8")))
    if found is None:
        raise EditError("no identifier at the cursor to rename")
    return found[2]


def trim_blank_lines(text: str, region: tuple[int, int]) -> tuple[int, int]:
    """A line region without its leading and trailing blank lines (models tend to drop those)."""
    start, end = region
    while start < end:
        newline = text.find("\n", start, end)
        if newline < 0 or text[start:newline].strip():
            break
        start = newline + 1
    while end > start:
        prev = text.rfind("\n", start, end - 1)
        line_start = prev + 1
        if text[line_start:end].strip():
            break
        end = line_start
    return (start, end) if start < end else region


# Unchanged lines with code kept on each side of a prepared draft's changes in the rewritten region.
MARGIN_LINES = 2


def narrow_to_changes(text: str, region: tuple[int, int] | None, draft: str) -> tuple[tuple[int, int] | None, str]:
    """For a draft that carries the change (a rename, a fix, a merged sketch): only the lines it changes.

    The lines before the first change and after the last are the original's, so the model need not
    copy them out again; a margin of MARGIN_LINES lines with code stays on each side (models drop
    blank edges). When the changes span most of the region, the region stays as it was.
    Returns (region as str indices or None for the whole file, the draft for that region).
    """
    lo, hi = region or (0, len(text))
    old, new = text[lo:hi].splitlines(keepends=True), draft.splitlines(keepends=True)
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    first = head
    for _ in range(MARGIN_LINES):
        first -= 1
        while first > 0 and not old[first].strip():
            first -= 1
    first = max(0, first)
    keep = tail
    for _ in range(MARGIN_LINES):
        keep -= 1
        while keep > 0 and not old[len(old) - keep].strip():
            keep -= 1
    keep = max(0, keep)
    start = lo + sum(len(line) for line in old[:first])
    end = hi - sum(len(line) for line in old[len(old) - keep:])
    if start >= end or (end - start) * 2 > hi - lo:
        return region, draft
    return (start, end), "".join(new[first:len(new) - keep])


def _line_number(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


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

    def close(self) -> None:
        if self._model is not None:
            self._model.close()
            self._model = None

    # -- the edit -----------------------------------------------------------------------

    def prepare(self, request: EditRequest):
        """Prompt tokens and draft texts for a request (no decoding); EditError if it cannot fit."""
        model = self.model
        text = request.text
        if "\x00" in text:
            raise EditError("the file contains NUL bytes (binary?); refusing to edit it")
        if not request.instruction.strip() and request.draft is None and request.sketch is None:
            raise EditError("the instruction is empty")
        language = syntax.language_for(request.path, request.language_id)
        start, end = request.region if request.region else (0, len(text))
        if not (0 <= start <= end <= len(text)):
            raise EditError(f"region {start}:{end} is outside the document ({len(text)} characters)")
        region = text[start:end]
        draft_region = request.draft if request.draft is not None else region
        fence = prompts.fence_for(text, draft_region, request.sketch or "")
        parts = prompt_parts(text, (start, end), language, request.path,
                             request.instruction or "apply the change shown in the draft", fence, request.sketch)
        prompt, chat = self._prompt_text(parts)
        prompt_tokens = model.tokenize(prompt.encode("utf-8"), add_bos=model.add_bos, special=chat)
        # The draft ends with the closing fence so the model verifies it too.
        closing = ("" if not region or region.endswith("\n") else "\n") + fence
        region_bytes = region.encode("utf-8")
        index = syntax.SyntaxIndex(text.encode("utf-8"), language) if self.settings.draft.syntax_aligned else None
        offset = len(text[:start].encode("utf-8"))
        sources = [self._draft_text(region + closing, index if request.draft is None else None, offset)]
        if request.draft is not None:
            # The changed draft leads; the original is there to re-join when the model disagrees.
            led = self._draft_text(request.draft + closing, None, 0)
            led.forced = changed_ranges(region_bytes, request.draft.encode("utf-8"))
            led.led = True
            sources.insert(0, led)
        budget = self._token_budget(sources[0], len(prompt_tokens))
        return prompt_tokens, sources, budget, (start, end), region_bytes, fence, language, request.draft is not None, chat

    def _prompt_text(self, parts: prompts.PromptParts) -> tuple[str, bool]:
        model = self.model
        template = model.info.chat_template
        if template and not model.info.embedded:
            bos = model.piece(model.bos).decode("utf-8", "replace") if model.add_bos else ""
            try:
                return prompts.chat_prompt(parts, template, bos, ""), True
            except Exception:  # a template our renderer cannot handle: fall back to completion
                pass
        return prompts.completion_prompt(parts), False

    def _draft_text(self, text: str, index: syntax.SyntaxIndex | None, offset: int) -> DraftText:
        model = self.model
        data = text.encode("utf-8")
        tokens = model.tokenize(data)
        draft = DraftText.from_tokens(tokens, model.piece)
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
        n_ctx = self.model.n_ctx
        wanted = min(self.settings.max_new_tokens, int(len(draft.tokens) * 1.5) + 128)
        if prompt_len + len(draft.tokens) + 16 > n_ctx:
            raise EditError(
                f"the region ({len(draft.tokens)} tokens, prompt {prompt_len}) does not fit the model's "
                f"context of {n_ctx} tokens: select a smaller region (--lines) or raise n_ctx"
            )
        return min(wanted, n_ctx - prompt_len - 1)

    def edit(
        self,
        request: EditRequest,
        on_progress: Callable[[Progress], None] | None = None,
        cancelled: Callable[[], bool] = lambda: False,
        options: LoopOptions | None = None,
    ) -> EditResult:
        """Run one edit to the end (or until cancelled: then Cancelled is raised and nothing is returned)."""
        with self.lock:
            return self._edit(request, on_progress, cancelled, options)

    def _edit(self, request, on_progress, cancelled, options) -> EditResult:
        prompt_tokens, sources, budget, (start, end), region_bytes, fence, language, draft_led, chat = self.prepare(request)
        draft_settings = self.settings.draft
        acceptance = request.acceptance or draft_settings.acceptance
        if acceptance == "auto":
            acceptance = "typical" if draft_led else "greedy"
        opts = options or LoopOptions()
        opts.speculate = draft_settings.speculate if request.speculate is None else request.speculate
        opts.acceptance = acceptance
        opts.typical_ratio = draft_settings.typical_ratio
        opts.max_new_tokens = budget
        opts.stop = fence.encode()
        opts.stop_at_region_end = not chat
        drafter = Drafter(sources, draft_settings.min, draft_settings.max, draft_settings.syntax_aligned,
                          max_jump=MAX_JUMP_LOSSY if acceptance == "typical" else None)
        stats = LoopStats()
        original = request.text[start:end]
        original_source = 1 if draft_led else 0
        # Where the output follows a changed draft, its unchanged lines still tell where we are.
        led_to_original = line_map(sources[0].data, region_bytes) if draft_led else LineMap()
        if draft_led:
            # A re-sync into the original starts where the output stands in it, not behind.
            drafter.mirror(1, lambda pos: (led_to_original.at_or_before(pos) or (0, 0))[1])
        started = time.perf_counter()
        try:
            for step in speculative_edit(self.model, prompt_tokens, drafter, opts, stats, cancelled):
                if on_progress is not None and not step.done:
                    progress = self._progress(step, drafter, original_source, led_to_original, region_bytes, stats)
                    generating = time.perf_counter() - started - stats.prefill_s
                    progress.tokens_per_s = len(stats.output_token_ids) / generating if generating > 0 else 0.0
                    on_progress(progress)
        except ModelError:
            self.model.reset()  # a failed decode may leave the cache in any state
            raise
        if stats.stop_reason == "cancelled":
            raise Cancelled()
        output = step.output.decode("utf-8", "replace")
        if stats.stop_reason in ("budget", "eos"):
            raise EditError(
                f"the model did not finish the edit ({stats.stop_reason} after {stats.output_tokens} tokens); "
                "nothing was changed"
            )
        if not original.endswith("\n") and output.endswith("\n"):
            output = output[:-1]  # the closing fence needed a line of its own
        if draft_led and (dropped := dropped_lines(request.draft, output)):
            # The draft is the intended result (a rename, a fix, a merged sketch); lossy acceptance
            # must not turn it into a deletion of code the draft kept.
            raise EditError(f"the model dropped {dropped} line(s) of the prepared edit; nothing was changed")
        new_text = request.text[:start] + output + request.text[end:]
        problems = syntax.introduced_problems(request.text.encode(), new_text.encode(), language)
        return EditResult(
            text=new_text,
            region=(start, end),
            new_region=output,
            stats=stats,
            language=language.name,
            problems=problems,
            original_region=original,
        )

    @staticmethod
    def _progress(step, drafter, original_source, led_to_original, region_bytes, stats) -> Progress:
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
        output = step.output.decode("utf-8", "replace")
        if pos is not None and pos <= len(region_bytes) and (pos == len(region_bytes) or (region_bytes[pos] & 0xC0) != 0x80):
            prefix = step.output[:out_bytes]
            if _valid_utf8(prefix):
                sync = (len(region_bytes[:pos].decode("utf-8")), len(prefix.decode("utf-8")))
        fraction = min(1.0, max(drafter.last_pos) / max(1, len(region_bytes)))
        return Progress(output=output, sync=sync, stats=stats, fraction=fraction)

    def propose_name(self, text: str, path: str | None, language_id: str | None, position: int) -> str:
        """A new name for the identifier at `position` (str index), proposed by the model (greedy, a few tokens)."""
        language = syntax.language_for(path, language_id)
        old = identifier_at_index(text, language, position)
        lo, hi = prompts.context_window(text, position, position)
        fence = prompts.fence_for(text)
        prompt = f"{fence}{language.name if language.has_grammar else ''}\n{text[lo:hi]}{fence}\n\nA clearer name for `{old}` in this code is `"
        with self.lock:
            model = self.model
            row = model.prefill(model.tokenize(prompt.encode("utf-8"), add_bos=model.add_bos))
            out = b""
            for _ in range(12):
                token = int(row.argmax())
                if model.is_eog(token) or b"`" in out:
                    break
                out += model.piece(token)
                row = model.decode([token], logits_at=[0])[0]
        name = re.match(r"[A-Za-z_$][\w$]*", out.decode("utf-8", "replace"))
        if not name or name.group(0) == old:
            raise EditError(f"the model proposed no new name for {old!r}; give one (newName)")
        return name.group(0)

    def warm(self, text: str, path: str | None = None, language_id: str | None = None) -> int:
        """Prefill the cache with the prompt prefix every edit of this document starts with; tokens evaluated."""
        with self.lock:
            if prompts.context_window(text, 0, 0) != (0, len(text)):
                return 0  # large files: the excerpt depends on the region
            language = syntax.language_for(path, language_id)
            parts = prompt_parts(text, (0, len(text)), language, path, "", prompts.fence_for(text))
            prompt, special = self._prompt_text(parts)
            prefix = prompts.cacheable_prefix(prompt)
            tokens = self.model.tokenize(prefix.encode("utf-8"), add_bos=self.model.add_bos, special=special)
            before = self.model.common_prefix(tokens)
            if len(tokens) + 64 < self.model.n_ctx:
                self.model.prefill(tokens)
            return len(tokens) - before


def prompt_parts(text: str, region: tuple[int, int], language: syntax.Language, path: str | None,
                 instruction: str, fence: str, sketch: str | None = None) -> prompts.PromptParts:
    """The prompt's pieces for a region (str indices); warm() and edits share it, so their prefixes match."""
    start, end = region
    whole = start == 0 and end == len(text)
    ctx_lo, ctx_hi = prompts.context_window(text, start, end)
    return prompts.PromptParts(
        name=PurePath(path).name if path else "untitled",
        fence_lang=language.name if language.name != "text" else "",
        context=text[ctx_lo:ctx_hi],
        region=None if whole else text[start:end],
        region_lines=None if whole else (_line_number(text, start), _line_number(text, max(start, end - 1))),
        instruction=instruction,
        fence=fence,
        sketch=sketch,
    )


def dropped_lines(draft: str, output: str) -> int:
    """Non-blank lines of `draft` that `output` left out (deleted, not rewritten)."""
    a, b = draft.splitlines(), output.splitlines()
    dropped = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("delete", "replace"):
            kept = sum(1 for line in b[j1:j2] if line.strip())
            dropped += max(0, sum(1 for line in a[i1:i2] if line.strip()) - kept)
    return dropped


class LineMap(dict):
    """Line starts in a draft -> the same line's start in the original (bytes), with the keys sorted."""

    def at_or_before(self, pos: int) -> tuple[int, int] | None:
        """(line start in the draft, the same line's start in the original) for the last mapped start <= pos."""
        if not hasattr(self, "_keys"):
            self._keys = sorted(self)
        i = bisect_right(self._keys, pos) - 1
        return (self._keys[i], self[self._keys[i]]) if i >= 0 else None


def line_map(draft: bytes, original: bytes) -> LineMap:
    """Byte offsets of line starts in `draft` -> the same line's start in `original`, for unchanged lines."""
    a, b = original.splitlines(keepends=True), draft.splitlines(keepends=True)
    starts_a, starts_b = [0], [0]
    for line in a:
        starts_a.append(starts_a[-1] + len(line))
    for line in b:
        starts_b.append(starts_b[-1] + len(line))
    mapping = LineMap()
    for i1, j1, size in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for k in range(size + 1):
            mapping[starts_b[j1 + k]] = starts_a[i1 + k]
    return mapping


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False

