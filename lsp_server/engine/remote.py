"""The remote engine: a region's edit run on an OpenAI-compatible inference server, streamed.

Settings `engine = "openai"` send the same prompt the local engine builds (the chat message for
instruct models on /chat/completions, the completion prompt for base models on /completions) to
llama.cpp's llama-server, vLLM, Ollama or OpenAI, and read the answer as it streams (SSE).
The streamed bytes go through the same machinery as the local loop's tokens: a Drafter over the
region's draft texts, tokenized one byte per token, tells where the output stands in the original
(so Progress carries sync points and hunks stream into editors as they are final), and ends the
output at the closing fence or, for base models, where it re-joins the end of the region's code.
A tool's draft (a rename, a fix, a merged sketch) is shown in the prompt as the proposed result; on
/completions its changed words are written in where the model turns away from them, and the
answer restarts after them (the local loop's forced tokens, one request per correction).
Speed on this path comes from the server's own n-gram/prompt-lookup speculation (see README,
"Using a shared inference server") and, where the server has it, OpenAI's predicted outputs: the
region's draft is sent as `prediction`; a server that refuses the field is asked again without it
once, and never again.

Only the standard library talks HTTP here (http.client); the API key comes from the environment
variable the settings name, never from a file. Every failure is one sentence: ModelError where the
server cannot be used (unreachable, refused key, unknown model, busy after retries), EditError
(kind "model") where its answer cannot be (no code block, unfinished, broken off, malformed).
"""

from __future__ import annotations

import dataclasses
import re
import time

from .. import coords, syntax
from ..config import Settings
from ..errors import Cancelled, EditError
from . import prompts
from .drafts import MISPLACED_WINDOW, DraftText, Drafter, changed_ranges, dropped_lines, line_map
from .request import EditRequest, Region
from .speculative import LoopStats, Step, stop_index
from .openai_client import Answer, Endpoint, model_name, request_stream

# Under typical acceptance a re-sync may skip at most this much draft text (bytes): as the local engine.
MAX_JUMP_LOSSY = 512
NO_TOKEN = -1  # output_token_ids of a remote answer: the count is real, the ids are not known here
# Above a tool's draft in the prompt (remote engine only: see prompt_for).
PROPOSAL_LABEL = "Proposed result (made by a tool; keep it unless it is wrong):"
# Completion prompts: how many times an answer may be restarted with a tool's change written in (see edit_region).
MAX_FORCED_RESTARTS = 64

# -- one region's edit -------------------------------------------------------------------------------

_OPENING = re.compile(r"^[ \t]*(`{3,})[^`\n]*\n", re.M)


def _byte_draft(text: str, index: syntax.SyntaxIndex | None, offset: int) -> DraftText:
    """A draft text tokenized one byte per token: the Drafter then aligns any streamed text to it."""
    data = text.encode("utf-8")
    draft = DraftText(data=data, tokens=list(data), starts=list(range(len(data) + 1)))
    fence_at = data.rfind(b"`" * 3)
    draft.content_end = fence_at if fence_at >= 0 else None
    if index is not None:
        draft.is_sync_start = lambda pos: index.is_sync_start(pos + offset)
    return draft


def _budget(region_bytes: int, settings: Settings, chat: bool) -> int:
    """max_tokens as the local engine's budget: the draft's length, half again and 128 more (maxNewTokens caps it).

    The region's tokens are estimated from its bytes (code averages over 3 bytes a token: 2 is generous).
    """
    draft_tokens = region_bytes // 2 + 32
    wanted = draft_tokens + draft_tokens // 2 + 128 + (64 if chat else 0)  # chat: the fence lines, a preamble
    return min(wanted, settings.max_new_tokens) if settings.max_new_tokens else wanted


def prompt_for(settings: Settings, request: EditRequest, region: Region, language: syntax.Language):
    """(PromptParts, the text sent: the chat message or the completion prompt, fence)."""
    from .engine import prompt_parts

    text = request.text
    fence = prompts.fence_for(text, region.draft or "", request.sketch or "")
    parts = prompt_parts(text, (region.start, region.end), language, request.path,
                         request.instruction or "apply the change shown in the draft", fence, request.sketch,
                         excerpt=region.draft is not None)
    chat = settings.engine_api == "chat"
    if region.draft is None:
        return parts, (prompts.chat_message(parts) if chat else prompts.completion_prompt(parts)), fence
    # A tool's draft (a rename, a fix, a merged sketch) is the intended result. The local loop makes
    # the model verify it token by token and takes its changed words as drafted; a server cannot be
    # steered like that, so the draft is shown as the proposed result after the change request.
    draft = region.draft if region.draft.endswith("\n") or not region.draft else region.draft + "\n"
    proposal = f"{PROPOSAL_LABEL}\n{fence}{parts.fence_lang}\n{draft}{fence}\n"
    if chat:
        return parts, f"{prompts.chat_message(parts)}\n{proposal}", fence
    plain = prompts.user_text(dataclasses.replace(parts, sketch=None))
    return parts, f"{plain}\n{proposal}\n{prompts.target_label(parts)}:\n{parts.opening}", fence


def edit_region(settings: Settings, request: EditRequest, region: Region, on_progress, cancelled
                ) -> tuple[str, LoopStats]:
    """The region's new text and its stats, from the server; Progress as the answer streams."""
    from .engine import progress_of

    ep = Endpoint.from_settings(settings)
    chat = ep.api == "chat"
    language = syntax.language_for(request.path, request.language_id)
    text = request.text
    original = text[region.start:region.end]
    parts, prompt, fence = prompt_for(settings, request, region, language)
    closing = ("" if not original or original.endswith("\n") else "\n") + fence
    region_bytes = original.encode("utf-8")
    draft_settings = settings.draft
    acceptance = request.acceptance or draft_settings.acceptance
    if acceptance == "auto":
        acceptance = "typical" if region.draft is not None else "greedy"
    index = (syntax.SyntaxIndex(text.encode("utf-8"), language)
             if draft_settings.syntax_aligned and region.draft is None else None)
    sources = [_byte_draft(original + closing, index, coords.index_to_byte(text, region.start))]
    if region.draft is not None:
        led = _byte_draft(region.draft + closing, None, 0)
        led.forced = changed_ranges(region_bytes, region.draft.encode("utf-8"))
        led.led = True
        sources.insert(0, led)
    drafter = Drafter(sources, max_jump=MAX_JUMP_LOSSY if acceptance == "typical" else None)
    original_source = 1 if region.draft is not None else 0
    led_to_original = line_map(sources[0].data, region_bytes) if region.draft is not None else None
    if led_to_original is not None:
        drafter.mirror(1, lambda pos: (led_to_original.at_or_before(pos) or (0, 0))[1])

    model = model_name(ep, cancelled)
    body: dict = {"model": model, "stream": True, "temperature": 0, "max_tokens": _budget(len(region_bytes), settings, chat),
                  "stream_options": {"include_usage": True}}
    if chat:
        body["messages"] = [{"role": "user", "content": prompt}]
        predicted = region.draft if region.draft is not None else original
        # The answer as the server would write it if it took the draft: one fenced block.
        body["prediction"] = {"type": "content",
                              "content": parts.opening + predicted + ("" if predicted.endswith("\n") else "\n") + fence + "\n"}
    else:
        body["prompt"] = prompt
    stats = LoopStats()
    state = {"code": not chat, "head": "", "stop": fence.encode(), "reason": "", "restart": False}
    output = bytearray()
    # Base models on /completions: where the output follows the tool's draft and turns away from it
    # inside a changed word (a rename's new name, a fix), the word is written in as drafted, and where
    # it skips ahead or repeats (its text is the draft's own, nearby), the draft's line is written in;
    # then the answer restarts after it: the prompt plus the output so far (the server's prompt cache
    # keeps that cheap). That is what the local loop's forced tokens and typical acceptance do; chat
    # endpoints cannot continue a partial answer, so there the draft is shown (and sent as the prediction).
    led = sources[0] if region.draft is not None and not chat else None

    def forced_end(pos: int) -> int | None:
        for lo, hi in led.forced:
            if lo <= pos < hi:
                return hi
        return None

    def misplaced(text: bytes, at: int) -> bool:
        """The model skips ahead in the draft or repeats it (Drafter.misplaced): its text is the draft's own, nearby."""
        if at >= (led.content_end or len(led.data)):
            return False  # past the code: the end-of-region rule decides
        word = text.strip()
        return not word or led.data.find(word, max(0, at - MISPLACED_WINDOW), at + MISPLACED_WINDOW) >= 0

    def on_text(piece: str) -> bool:
        stats.output_token_ids.append(NO_TOKEN)
        stats.passes += 1
        if not state["code"]:
            state["head"] += piece
            m = _OPENING.search(state["head"])
            if m is None:
                return False
            state["code"], state["stop"] = True, m.group(1).encode()
            piece = state["head"][m.end():]
            if not piece:
                return False
        new = piece.encode("utf-8")
        before = len(output)
        if led is not None and drafter.source == 0 and drafter.pos is not None and restarts < MAX_FORCED_RESTARTS:
            pos = drafter.pos
            same = 0
            while same < len(new) and pos + same < len(led.data) and new[same] == led.data[pos + same]:
                same += 1
            end = None
            if same < len(new):
                at = pos + same
                end = forced_end(at)
                if end is None and acceptance == "typical" and misplaced(new[same:], at):
                    line_end = led.data.find(b"\n", at)
                    end = min(len(led.data) if line_end < 0 else line_end + 1, led.content_end or len(led.data))
            if end is not None and end > pos + same:
                output.extend(new[:same] + led.data[pos + same:end])
                drafter.advance(bytes(output[before:]), bytes(output))
                state["restart"] = True
                return True
        output.extend(new)
        drafter.advance(bytes(output[before:]), bytes(output))
        cut = stop_index(output, state["stop"], before, True)
        if cut is None and not chat and drafter.at_content_end:
            cut = len(output) - drafter.overshoot  # a base model re-joined the end of the region's code
        if cut is not None:
            del output[cut:]
            state["reason"] = "end"
            return True
        if on_progress is not None:
            step = Step(bytes(output), 1, drafter.original_pos)
            on_progress(progress_of(step, drafter, original_source, led_to_original, region_bytes, stats))
        return False

    path = "/chat/completions" if chat else "/completions"
    budget = body["max_tokens"]
    restarts = 0
    first_answer: Answer | None = None
    while True:
        if not chat:
            body["prompt"] = prompt + bytes(output).decode("utf-8", "replace")
            body["max_tokens"] = max(16, budget - stats.output_tokens)
        try:
            answer = request_stream(ep, path, body, on_text, cancelled)
        except Cancelled:
            stats.stop_reason = "cancelled"
            raise
        first_answer = first_answer or answer
        if not state["restart"]:
            break
        state["restart"] = False
        restarts += 1
        if stats.output_tokens >= budget:
            answer.finish_reason = "length"
            break
    end = time.perf_counter()
    first = first_answer.first_at or end
    stats.prefill_s = first - first_answer.sent_at
    stats.generate_s = end - first
    _fill_usage(stats, answer, restarts == 0)
    if not state["reason"]:
        if chat and not state["code"] and (answer.done or answer.finish_reason):
            raise EditError("the inference server's answer has no code block", kind="model")
        if not answer.done and not answer.finish_reason:
            raise EditError("the inference server's stream broke off before the answer was complete", kind="model")
        if not chat and drafter.at_content_end:
            state["reason"] = "end"
        else:
            reason = "budget" if answer.finish_reason == "length" else "eos"
            stats.stop_reason = reason
            raise EditError(f"the model did not finish the edit ({reason} after {stats.output_tokens} tokens)",
                            kind="model")
    stats.stop_reason = state["reason"]
    try:
        result = bytes(output).decode("utf-8")
    except UnicodeDecodeError:
        result = bytes(output).decode("utf-8", "replace")
    if not original.endswith("\n") and result.endswith("\n"):
        result = result[:-1]  # the closing fence needed a line of its own
    if region.draft is not None and (dropped := dropped_lines(region.draft, result)):
        raise EditError(f"the model dropped {dropped} line(s) of the prepared edit", kind="model")
    return result, stats


def _fill_usage(stats: LoopStats, answer: Answer, whole: bool = True) -> None:
    """Token counts the server reported: usage (OpenAI, vLLM, Ollama) and timings (llama.cpp's server).

    whole: the answer is the edit's only request (else its output count stays the streamed one).
    """
    usage, timings = answer.usage or {}, answer.timings or {}
    if whole and isinstance(usage.get("completion_tokens"), int) and usage["completion_tokens"] > 0:
        stats.output_token_ids[:] = [NO_TOKEN] * usage["completion_tokens"]
    if isinstance(usage.get("prompt_tokens"), int):
        stats.prompt_tokens = usage["prompt_tokens"]
        cached = (usage.get("prompt_tokens_details") or {}).get("cached_tokens") or 0
        stats.prefill_tokens = max(0, stats.prompt_tokens - cached)
    if isinstance(timings.get("prompt_n"), int):
        stats.prefill_tokens = timings["prompt_n"]
        stats.prompt_tokens = stats.prompt_tokens or timings["prompt_n"] + (timings.get("cache_n") or 0)
    details = usage.get("completion_tokens_details") or {}
    if details.get("accepted_prediction_tokens") is not None:
        accepted = details.get("accepted_prediction_tokens") or 0
        stats.accepted_tokens = accepted
        stats.drafted_tokens = accepted + (details.get("rejected_prediction_tokens") or 0)
    elif timings.get("draft_n"):
        stats.drafted_tokens = timings["draft_n"]
        stats.accepted_tokens = timings.get("draft_n_accepted") or 0


# -- a name for a rename --------------------------------------------------------------------------------


def propose_name(settings: Settings, text: str, path: str | None, language_id: str | None, position: int) -> str:
    """Engine.propose_name on the server: a short greedy answer, the first identifier in it."""
    from .tasks import identifier_at_index

    language = syntax.language_for(path, language_id)
    old = identifier_at_index(text, language, position)
    lo, hi = prompts.context_window(text, position, position)
    fence_lang = language.name if language.has_grammar else ""
    ep = Endpoint.from_settings(settings)
    body: dict = {"model": model_name(ep), "stream": True, "temperature": 0}
    got: list[str] = []
    if ep.api == "chat":
        fence = prompts.fence_for(text[lo:hi])
        body["messages"] = [{"role": "user", "content":
                             f"{fence}{fence_lang}\n{text[lo:hi].rstrip()}\n{fence}\n\nPropose a clearer name for "
                             f"`{old}` in this code. Answer with the new name only."}]
        body["max_tokens"] = 24
        path_ = "/chat/completions"
    else:
        body["prompt"] = prompts.name_prompt(text[lo:hi], fence_lang, old)
        body["max_tokens"] = 12
        path_ = "/completions"

    def on_text(piece: str) -> bool:
        got.append(piece)
        return "`" in "".join(got).lstrip("` ") or "\n" in "".join(got).strip()

    request_stream(ep, path_, body, on_text, lambda: False)
    answer = "".join(got).strip().strip("`").split("`")[0].strip()
    name = language.identifier.search(answer)
    if not name or name.group(0) == old:
        raise EditError(f"the model proposed no new name for {old!r}; give one (newName)")
    return name.group(0)
