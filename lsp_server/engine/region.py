"""The one region runner: prepare a region once, decode it on a backend (local llama.cpp or a server), finish it once.

Everything about drafts, acceptance, budgets and checks of the answer lives here; a backend only
renders prompts, tokenizes draft texts and decodes (see `Backend`)."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import PurePath
from typing import Callable, Protocol

from .. import coords, syntax
from ..config import Settings
from ..errors import Cancelled, EditError
from . import docsonly, loops, narration, prompts, scope
from .draftdiff import LineMap, changed_ranges, dropped_lines, line_map, lines_one_for_one
from .drafts import Drafter
from .drafttext import DraftText, rest_of_lines
from .keep import Keeper
from .request import EditRequest, Region
from .speculative import LoopOptions, LoopStats, Step, fence_lines

MAX_JUMP_LOSSY = 512  # bytes of draft text a re-sync may skip under typical acceptance (see Drafter)
CONTEXT_SLACK = 16  # tokens of margin kept free in the context beyond the prompt and the draft
LINES_BEYOND = 4  # a chat model's answer is cut where it copies past the region into the file's next lines: this many


@dataclass
class Prompt:
    """What a backend sends: the text, and its tokens where the backend tokenizes locally."""

    text: str
    chat: bool  # rendered for an instruct model (chat template or chat endpoint)
    tokens: list[int] | None = None


@dataclass
class Prepared:
    """One region made ready for decoding: prompt, draft texts, acceptance, budget (no decoding yet)."""

    region: Region
    prompt: Prompt
    parts: prompts.PromptParts
    # [the draft that carries the change, the original] or [the original], then perhaps the original
    # running on into the lines after the region (where a chat model's answer must end)
    sources: list[DraftText]
    acceptance: str  # "greedy" | "typical"
    budget: int  # output tokens the decoder may produce
    region_bytes: bytes  # the original region, UTF-8
    guided: bool  # False: plain greedy decoding, the draft only marks where the region ends
    lead: str = ""  # the answer's first characters, written into the prompt: the region's indentation, or new text
    lead_taken: int = 0  # how many of the region's first characters the lead is (0: a doc comment's opening)
    settled: int | None = None  # the byte of region_bytes past which the answer only copies (docsonly.settled_at)

    @property
    def draft_led(self) -> bool:
        return self.sources[0].led

    @property
    def original_index(self) -> int:
        return 1 if self.draft_led else 0

    @property
    def fence(self) -> str:
        return self.parts.fence

    @property
    def chat(self) -> bool:
        return self.prompt.chat

    @property
    def prompt_tokens(self) -> list[int]:
        return self.prompt.tokens or []

    @cached_property
    def led_to_original(self) -> LineMap | None:
        """Where the draft that carries the change stands in the original, by unchanged lines."""
        return line_map(self.sources[0].data, self.region_bytes) if self.draft_led else None


class Backend(Protocol):
    """What a region's edit needs of whoever runs the model (engine/local.py, engine/remote.py)."""

    n_ctx: int | None  # the context to fit prompts into, None: the server's own
    prefills_answer: bool  # the prompt may write the answer's first characters (not a chat endpoint)
    answer_overhead: int  # output tokens an answer spends beyond the code (fence lines, a preamble)

    def prompt(self, parts: prompts.PromptParts, draft: str | None) -> Prompt: ...
    def draft_text(self, data: bytes) -> DraftText: ...
    def decode(self, prepared: Prepared, drafter: Drafter, options: LoopOptions, stats: LoopStats,
               on_step: Callable[[Step], None] | None, cancelled: Callable[[], bool]) -> bytes: ...
    def complete(self, completion: str, message: str, max_tokens: int) -> str: ...


@dataclass
class Progress:
    """An edit so far, in the coordinates of a span of the original (a region, or the request's span)."""

    output: str  # the span's new text so far
    sync: tuple[int, int] | None  # (span chars, output chars) known to correspond; see textedits.HunkStream
    stats: LoopStats
    fraction: float  # of the span passed
    tokens_per_s: float = 0.0  # generation so far

    def rebased(self, orig_before: int, prefix: str, stats: LoopStats, fraction: float, rate: float) -> "Progress":
        """The same progress inside a larger span: `orig_before` chars of it and `prefix` of output come first."""
        sync = None if self.sync is None else (orig_before + self.sync[0], len(prefix) + self.sync[1])
        return Progress(prefix + self.output, sync, stats, fraction, rate)


def prompt_parts(text: str, region: tuple[int, int], language: syntax.Language, path: str | None, instruction: str,
                 fence: str, sketch: str | None = None, excerpt: bool = False, around: tuple[int, int] | None = None
                 ) -> prompts.PromptParts:
    """The prompt's pieces for a region (str span); warm() and edits share it, so their prefixes match.

    excerpt: only the region (a tool's draft carries the change; its margins are the context to verify it);
    else the file, or a window around the region (or `around`, the span of all the request's regions)."""
    start, end = region
    whole = start == 0 and end == len(text)
    ctx_lo, ctx_hi = (start, end) if excerpt else prompts.context_window(text, start, end, around)
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


def prepare(backend: Backend, settings: Settings, request: EditRequest, region: Region) -> Prepared:
    """Prompt, draft texts, acceptance and budget for one region; EditError if it cannot fit."""
    language, text, guided = syntax.language_for(request.path, request.language_id), request.text, request.guided
    original = text[region.start:region.end]
    fence = prompts.fence_for(text, region.draft or "", request.sketch or "")
    instruction = scope.shown_instruction(request, region, language) or "apply the change shown in the draft"
    parts = prompt_parts(text, (region.start, region.end), language, request.path, instruction, fence, request.sketch,
                         excerpt=region.draft is not None, around=(request.regions[0].start, request.regions[-1].end))
    prompt = backend.prompt(parts, region.draft if guided else None)
    lead, lead_taken = "", 0
    if prompt.chat and region.draft is None and backend.prefills_answer:
        # The answer starts at the region's indentation: a small instruct model otherwise tends to write an
        # indented region flush left. All of it but its last character, which BPE vocabularies join to the
        # word after it ("   " + " pub", "\t" + "\treturn"): the model then writes its first token as it would.
        lead = original[:len(original) - len(original.lstrip(" \t"))][:-1] if region.lead is None else region.lead
        if region.lead is None and (
                doc := docsonly.doc_lead(text, region.start, region.end, request.instruction, language)):
            lead = doc  # asked for doc comments: the answer opens one above the definition
        if lead:
            parts = replace(parts, lead=lead)
            prompt = backend.prompt(parts, None)
            if original.startswith(lead):
                lead_taken = len(lead)
                original = original[lead_taken:]
    if region.lead == original and not lead_taken:  # a new function after this one, which it would be shown to change
        raise EditError(f"the new code would go after {', '.join(request.definitions)}, but this backend cannot open the "
                        "answer with it: select the lines to rewrite (--lines)", kind="fit")
    # Each draft ends with the closing fence so the model verifies that too.
    closing = ("" if not original or original.endswith("\n") else "\n") + fence
    region_bytes = original.encode("utf-8")
    original_source = backend.draft_text((original + closing).encode("utf-8"))
    if settings.draft.syntax_aligned and region.draft is None:
        align_to_syntax(original_source, syntax.SyntaxIndex(text.encode("utf-8"), language),
                        coords.index_to_byte(text, region.start + lead_taken))
    sources = [original_source]
    beyond = text[region.end:].split("\n", LINES_BEYOND)[:LINES_BEYOND]  # at most the next lines, not the file
    if prompt.chat and region.draft is None and "".join(beyond).strip():
        # A chat model closes the fence itself; one that copies on past the region instead is cut at
        # the region's end (a base model's answer ends where it re-joins that end).
        original_source.ends_edit = False
        after = backend.draft_text((original + "\n".join(beyond)).encode("utf-8"))
        after.content_end = len(region_bytes)
        after.ends_only_when_crossed = True  # a look-alike line further on (the next function's) is no end
        sources.append(after)
    if region.draft is not None and guided:
        # The changed draft leads; the original is there to re-join when the model disagrees.
        led = backend.draft_text((region.draft + closing).encode("utf-8"))
        # The first line is taken as drafted: it is the region's unchanged margin, where chat models
        # otherwise start a line of their own. So are the tool's changed words, unless they are a
        # guess (a fix) and the model follows instructions (a base model cannot judge the fix).
        first_line = led.data.find(b"\n") + 1 or len(led.data)
        changed = (changed_ranges(region_bytes, region.draft.encode("utf-8"))
                   if request.draft_certain or not prompt.chat else [])
        margin = first_line
        if request.prose_guessed and prompt.chat and changed:
            guessed = prose_changes(request, region, language, changed)
            changed = [c for c in changed if c not in guessed]
            led.strict = rest_of_lines(led.data, guessed)
            if led.strict and led.strict[0][0] < first_line:
                margin = led.strict[0][0]  # the first line is taken as drafted up to there
        led.forced = ([(0, margin)] if margin else []) + [(max(a, first_line), b) for a, b in changed if b > first_line]
        led.led = True
        sources.insert(0, led)
    acceptance = request.acceptance or settings.draft.acceptance
    if not guided:
        acceptance = "greedy"
    elif acceptance == "auto":
        acceptance = "typical" if sources[0].led else "greedy"
    budget = token_budget(backend, settings, len(sources[0].tokens) + (0 if region_bytes else 256),  # (a new function
                          len(prompt.tokens or ()))  # after a lead of the whole region: as if it were 256 tokens)
    settled = None
    if region.draft is None and (at := docsonly.settled_at(text, region.start, region.end, request.instruction,
                                                           language)) is not None:
        settled = max(0, at - len(text[region.start:region.start + lead_taken].encode("utf-8")))
    return Prepared(region, prompt, parts, sources, acceptance, budget, region_bytes, guided, lead, lead_taken,
                    settled)


def prose_changes(request: EditRequest, region: Region, language: syntax.Language,
                  changed: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Those of `changed` (byte ranges of the region's draft) that lie in comments or docstrings of the drafted document."""
    drafted = request.drafted_text
    base = len(drafted[:request.draft_start(region)].encode("utf-8"))
    prose = syntax.prose_ranges(drafted.encode("utf-8"), language)
    return [(a, b) for a, b in changed if any(lo <= base + a and base + b <= hi for lo, hi in prose)]


def align_to_syntax(draft: DraftText, index: syntax.SyntaxIndex, offset: int) -> None:
    """Let the draft's chunks end on syntax boundaries, and re-syncs prefer node starts (offset: the region's byte start)."""
    ends = index.chunk_ends

    def chunk_end(lo: int, limit: int) -> int | None:
        i = bisect_right(ends, limit + offset) - 1
        return ends[i] - offset if i >= 0 and ends[i] >= lo + offset else None

    draft.chunk_end = chunk_end
    draft.is_sync_start = lambda pos: index.is_sync_start(pos + offset)


def token_budget(backend: Backend, settings: Settings, draft_tokens: int, prompt_len: int) -> int:
    """The output may be the draft's length, half again, and 128 more (a max_new_tokens setting caps it)."""
    n_ctx = backend.n_ctx
    if n_ctx is not None and prompt_len + draft_tokens + CONTEXT_SLACK > n_ctx:
        raise EditError(
            f"the region ({draft_tokens} tokens, prompt {prompt_len}) does not fit the model's "
            f"context of {n_ctx} tokens: select a smaller region (--lines) or raise n_ctx", kind="fit")
    wanted = draft_tokens + draft_tokens // 2 + 128 + backend.answer_overhead
    if settings.max_new_tokens:
        wanted = min(wanted, settings.max_new_tokens)
    return wanted if n_ctx is None else min(wanted, n_ctx - prompt_len - 1)


def drafter_for(prepared: Prepared, settings: Settings) -> Drafter:
    """The drafter over the region's draft texts, kept level with the original while it follows a changed draft."""
    draft_settings = settings.draft
    drafter = Drafter(prepared.sources, draft_settings.min, draft_settings.max, draft_settings.syntax_aligned,
                      max_jump=MAX_JUMP_LOSSY if prepared.acceptance == "typical" else None,
                      # A tool's draft is trusted: verify it in as few passes as the batch limit allows.
                      start_tokens=draft_settings.max if prepared.draft_led else draft_settings.start)
    drafter.settle_at = prepared.settled
    led_to_original = prepared.led_to_original
    if led_to_original is not None:
        # A re-sync into the original starts where the output stands in it, not behind.
        drafter.mirror(1, lambda pos: (led_to_original.at_or_before(pos) or (0, 0))[1])
        if prepared.sources[0].strict:
            led = prepared.sources[0]
            drafter.rejoin(1, lines_one_for_one(prepared.region_bytes, led.data[:led.content_end]))
    return drafter


def loop_options(prepared: Prepared, settings: Settings, request: EditRequest, base: LoopOptions | None,
                 keeper: Keeper | None = None) -> LoopOptions:
    opts = LoopOptions(**vars(base)) if base else LoopOptions()
    opts.respace = settings.draft.respace and prepared.guided and not (keeper is None or keeper.restyling)
    speculate = settings.draft.speculate if request.speculate is None else request.speculate
    opts.speculate = speculate and prepared.guided
    opts.lookup = settings.draft.lookup
    opts.acceptance, opts.typical_ratio = prepared.acceptance, settings.draft.typical_ratio
    opts.max_new_tokens = prepared.budget
    opts.stop = prepared.fence.encode()
    opts.region_fences = fence_lines(prepared.region_bytes)
    opts.stop_at_region_end = True  # chat models run on past the region: its draft texts say where it ends
    return opts


def run_region(backend: Backend, settings: Settings, request: EditRequest, region: Region,
               on_progress: Callable[[Progress], None] | None, cancelled: Callable[[], bool],
               options: LoopOptions | None = None) -> tuple[str, LoopStats]:
    """The region's new text and the loop's stats; Progress (in the region's coordinates) as it decodes.
    A request that only removes the definitions it names (request.removes) asks no model: the region goes."""
    if request.removes and region.draft is None:
        return "", LoopStats(stop_reason="removed")
    prepared = prepare(backend, settings, request, region)
    drafter = drafter_for(prepared, settings)
    stats = LoopStats()

    lead = prepared.lead
    last_sync = (0, 0)
    keeper = None
    if region.draft is None:
        keeper = Keeper(request.text, region.start, region.end, request.instruction,
                        syntax.language_for(request.path, request.language_id))
    held, checked = False, 0

    def holds(progress: Progress) -> bool:
        """Whether the sync point's final prefix lacks a definition the finished edit will put back:
        streaming the deletion would show it gone, then back, so the stream waits for the final text."""
        nonlocal held, checked
        if keeper is not None and not held and any(checked < e <= progress.sync[0] for e in keeper.ends):
            held = keeper.left_out(progress.output[:progress.sync[1]], progress.sync[0]) > 0
        checked = max(checked, progress.sync[0])
        return held

    # An answer that began with other code of the file (Keeper.astray), or that loops, is stopped.
    watch = loops.Watch(keeper, astray=region.lead is None) if keeper is not None else None
    astray: list[str] = []

    def on_step(step: Step) -> None:
        nonlocal last_sync
        if watch is not None and (why := watch(step.output)):
            astray.append(why)
        if on_progress is None:
            return
        progress = progress_of(step, drafter, prepared, stats)
        if lead:
            progress = progress.rebased(prepared.lead_taken, lead, stats, progress.fraction, progress.tokens_per_s)
        if progress.sync is not None:
            if progress.sync[0] < last_sync[0] or progress.sync[1] < last_sync[1]:
                # The model went back to copy earlier lines again (a re-sync behind the last one): the
                # output streamed so far stays right, so the last sync point stands until it is passed.
                progress.sync = None
            elif holds(progress):
                progress.sync = None
            else:
                last_sync = progress.sync
        on_progress(progress)

    output = backend.decode(prepared, drafter, loop_options(prepared, settings, request, options, keeper), stats,
                            on_step if on_progress is not None or watch is not None else None,
                            lambda: bool(astray) or cancelled())
    if astray and not cancelled():  # the user's cancel stands: finish() raises Cancelled
        raise EditError(astray[0], kind="model")
    body = finish(prepared, output, stats)
    # An answer with nothing of its own after the lead (it went straight past the region's end, as a
    # removal does) is empty: the lead is only the region's indentation.
    if not prepared.region_bytes and body.strip():  # after a lead of the whole region: apart from the next code as it was
        body = body.rstrip("\r\n") + lead[len(lead.rstrip("\r\n")):]
    result = lead + body if body.strip() or not prepared.region_bytes else body.lstrip(" \t")
    if keeper is not None:
        result, stats.kept_units = keeper.final(result)
        result = docsonly.documented(request.text, region.start, region.end, request.instruction, result,
                                     keeper.language)
        result = narration.tidied(request.text, region.start, region.end, result, request.instruction, keeper.language, keeper.removing)
    return result, stats


def finish(prepared: Prepared, output: bytes, stats: LoopStats) -> str:
    """The decoded bytes as the region's new text, or the reason they cannot be (Cancelled, EditError)."""
    if stats.stop_reason == "cancelled":
        raise Cancelled()
    if stats.stop_reason in ("budget", "eos"):
        raise EditError(f"the model did not finish the edit ({stats.stop_reason} after {stats.output_tokens} tokens)",
                        kind="model")
    try:
        result = output.decode("utf-8")
    except UnicodeDecodeError:
        result = output.decode("utf-8", "replace")
    if not prepared.region_bytes.endswith(b"\n") and result.endswith("\n"):
        result = result[:-1]  # the closing fence needed a line of its own
    draft = prepared.region.draft
    if draft is not None and prepared.guided and (dropped := dropped_lines(draft, result)):
        # The draft is the intended result (a rename, a fix, a merged sketch); lossy acceptance
        # must not turn it into a deletion of code the draft kept.
        raise EditError(f"the model dropped {dropped} line(s) of the prepared edit", kind="model")
    return result


def progress_of(step: Step, drafter: Drafter, prepared: Prepared, stats: LoopStats) -> Progress:
    """Progress with a sync point: a prefix of the output known to stand for a prefix of the region."""
    region_bytes = prepared.region_bytes
    original_source = prepared.original_index
    out_bytes = len(step.output)
    at = drafter.confirmed_pos
    pos = at if drafter.source == original_source else None
    if drafter.source == 0 and original_source == 1 and at is not None:
        # In a draft that carries the change, the last unchanged line start at or before the
        # output's position is where draft and original correspond.
        found = prepared.led_to_original.at_or_before(at)
        if found is not None:
            out_bytes -= at - found[0]
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
