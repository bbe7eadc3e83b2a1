"""The remote backend: the region runner's prompts and decoding on an OpenAI-compatible inference server, streamed.

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
from typing import Callable

from ..config import Settings
from ..errors import Cancelled, EditError
from . import prompts
from .drafts import Drafter
from .drafttext import DraftText
from .openai_client import Answer, Endpoint, model_name, request_stream
from .region import Prepared, Prompt
from .speculative import LoopOptions, LoopStats, Step, shorter_fence_end, stop_index

NO_TOKEN = -1  # output_token_ids of a remote answer: the count is real, the ids are not known here
# Above a tool's draft in the prompt (remote engine only: see RemoteBackend.prompt).
PROPOSAL_LABEL = "Proposed result (made by a tool; keep it unless it is wrong):"
# Completion prompts: how many times an answer may be restarted with a tool's change written in (see decode).
MAX_FORCED_RESTARTS = 64

_OPENING = re.compile(r"^[ \t]*(`{3,})[^`\n]*\n", re.M)


class RemoteBackend:
    """An OpenAI-compatible server: chat messages or completion prompts, the answer streamed as bytes."""

    n_ctx = None  # the server's context is its own (an oversized prompt: its HTTP 400, one sentence)

    def __init__(self, settings: Settings):
        self.settings = settings
        self.chat = settings.engine_api == "chat"
        # A chat answer writes its own fence lines, and may add a sentence before them.
        self.answer_overhead = 64 if self.chat else 0
        self.prefills_answer = not self.chat  # a chat endpoint's answer is the model's from its first byte

    def prompt(self, parts: prompts.PromptParts, draft: str | None) -> Prompt:
        chat = self.chat
        if draft is None:
            return Prompt(prompts.chat_message(parts) if chat else prompts.completion_prompt(parts), chat)
        # A tool's draft (a rename, a fix, a merged sketch) is the intended result. The local loop makes
        # the model verify it token by token and takes its changed words as drafted; a server cannot be
        # steered like that, so the draft is shown as the proposed result after the change request.
        draft = draft if draft.endswith("\n") or not draft else draft + "\n"
        proposal = f"{PROPOSAL_LABEL}\n{parts.fence}{parts.fence_lang}\n{draft}{parts.fence}\n"
        if chat:
            return Prompt(f"{prompts.chat_message(parts)}\n{proposal}", chat)
        plain = prompts.user_text(dataclasses.replace(parts, sketch=None))
        return Prompt(f"{plain}\n{proposal}\n{prompts.TARGET_LABEL}:\n{parts.opening}", chat)

    def draft_text(self, data: bytes) -> DraftText:
        """A draft text tokenized one byte per token: the Drafter then aligns any streamed text to it."""
        draft = DraftText(data=data, tokens=list(data), starts=list(range(len(data) + 1)))
        fence_at = data.rfind(b"`" * 3)
        draft.content_end = fence_at if fence_at >= 0 else None
        return draft

    def decode(self, prepared: Prepared, drafter: Drafter, options: LoopOptions, stats: LoopStats,
               on_step: Callable[[Step], None] | None, cancelled: Callable[[], bool]) -> bytes:
        """Stream the answer through the drafter; ends at the fence or (completions) the region's end."""
        ep = Endpoint.from_settings(self.settings)
        chat = self.chat
        body: dict = {"model": model_name(ep, cancelled), "stream": True, "temperature": 0,
                      "max_tokens": prepared.budget, "stream_options": {"include_usage": True}}
        if chat:
            body["messages"] = [{"role": "user", "content": prepared.prompt.text}]
            parts = prepared.parts
            predicted = prepared.sources[0].data[:prepared.sources[0].content_end].decode("utf-8", "replace")
            # The answer as the server would write it if it took the draft: one fenced block.
            body["prediction"] = {"type": "content", "content": parts.opening + predicted + parts.fence + "\n"}
        state = {"code": not chat, "head": "", "stop": options.stop, "end": False, "restart": False}
        output = bytearray()
        # Base models on /completions: where the output follows the tool's draft and turns away from it
        # inside a changed word (a rename's new name, a fix), the word is written in as drafted, and where
        # it skips ahead or repeats (its text is the draft's own, nearby), the draft's line is written in;
        # then the answer restarts after it: the prompt plus the output so far (the server's prompt cache
        # keeps that cheap). That is what the local loop's forced tokens and typical acceptance do; chat
        # endpoints cannot continue a partial answer, so there the draft is shown (and sent as the prediction).
        led = prepared.sources[0] if prepared.draft_led and not chat else None
        restarts = 0

        def correction_end(new: bytes) -> tuple[int, int] | None:
            """(bytes of `new` that follow the draft, where the draft text to write in ends), or None."""
            pos = drafter.pos
            same = 0
            while same < len(new) and pos + same < len(led.data) and new[same] == led.data[pos + same]:
                same += 1
            if same == len(new):
                return None
            at = pos + same
            end = next((hi for lo, hi in led.forced if lo <= at < hi), None)
            content_end = led.content_end or len(led.data)
            if end is None and options.acceptance == "typical" and at < content_end and drafter.misplaced(new[same:], at):
                line_end = led.data.find(b"\n", at)
                end = min(len(led.data) if line_end < 0 else line_end + 1, content_end)
            return (same, end) if end is not None and end > at else None

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
                found = correction_end(new)
                if found is not None:
                    same, end = found
                    output.extend(new[:same] + led.data[drafter.pos + same:end])
                    drafter.advance(bytes(output[before:]), bytes(output))
                    state["restart"] = True
                    return True
            output.extend(new)
            drafter.advance(bytes(output[before:]), bytes(output))
            cut = stop_index(output, state["stop"], before, True)
            if cut is None and (rest := drafter.settled_rest(output)) is not None:
                output.extend(rest)  # past the last place a doc can go: the rest as it is, the stream closed
                stats.settled_bytes = len(rest)
                state["end"] = True
                return True
            if cut is None and options.stop_at_region_end and drafter.at_content_end:
                cut = max(0, len(output) - drafter.overshoot)  # the output re-joined the end of the region's code
            if cut is not None:
                del output[cut:]
                state["end"] = True
                return True
            if on_step is not None:
                on_step(Step(bytes(output)))
            return False

        path = "/chat/completions" if chat else "/completions"
        first_answer: Answer | None = None
        while True:
            if not chat:
                body["prompt"] = prepared.prompt.text + bytes(output).decode("utf-8", "replace")
                body["max_tokens"] = max(16, prepared.budget - stats.output_tokens)
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
            if stats.output_tokens >= prepared.budget:
                answer.finish_reason = "length"
                break
        end = time.perf_counter()
        first = first_answer.first_at or end
        stats.prefill_s = first - first_answer.sent_at
        stats.generate_s = end - first
        _fill_usage(stats, answer, restarts == 0)
        if not state["end"]:
            if chat and not state["code"] and (answer.done or answer.finish_reason):
                raise EditError("the inference server's answer has no code block", kind="model")
            if not answer.done and not answer.finish_reason:
                raise EditError("the inference server's stream broke off before the answer was complete", kind="model")
            if options.stop_at_region_end and drafter.at_content_end:
                state["end"] = True
            elif (answer.finish_reason == "stop"
                  and (cut := shorter_fence_end(bytes(output), state["stop"], options.region_fences)) is not None):
                del output[cut:]
                state["end"] = True
        stats.stop_reason = ("settled" if stats.settled_bytes else "end") if state["end"] else (
            "budget" if answer.finish_reason == "length" else "eos")
        return bytes(output)

    def complete(self, completion: str, message: str, max_tokens: int) -> str:
        """A short greedy answer: the chat message on chat endpoints, else the completion (up to a backtick or line end)."""
        ep = Endpoint.from_settings(self.settings)
        body: dict = {"model": model_name(ep), "stream": True, "temperature": 0, "max_tokens": max_tokens}
        if self.chat:
            body["messages"] = [{"role": "user", "content": message}]
        else:
            body["prompt"] = completion
        got: list[str] = []

        def on_text(piece: str) -> bool:
            got.append(piece)
            return "`" in "".join(got).lstrip("` ") or "\n" in "".join(got).strip()

        request_stream(ep, "/chat/completions" if self.chat else "/completions", body, on_text, lambda: False)
        return "".join(got)


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
