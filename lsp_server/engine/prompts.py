"""Prompt layouts: code first, instruction after, the output's opening fence already written."""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace

# A larger file is shown as a window of whole lines around the region, cut at fixed anchors so that
# nearby regions share it: the file is in blocks of lines, block k the lines that start within
# [k * CONTEXT_BLOCK_BYTES, (k + 1) * CONTEXT_BLOCK_BYTES) (str indices); the window runs from
# CONTEXT_BLOCKS_BEFORE blocks before the region's first block to CONTEXT_BLOCKS_AFTER after its last.
# Every region within one block is shown the same window (one cacheable prefix, which the server
# warms where the cursor is): 1600-2400 bytes before the region, 800-1600 after it.
CONTEXT_BLOCK_BYTES = 800
CONTEXT_BLOCKS_BEFORE = 2
CONTEXT_BLOCKS_AFTER = 1
# A file up to this size is shown whole, so every edit of it shares one cacheable prefix.
WHOLE_FILE_CONTEXT_BYTES = 6000
# The regions of one request that lie within this span are shown one window, around all of them.
SHARED_WINDOW_BYTES = 4 * CONTEXT_BLOCK_BYTES


@dataclass(frozen=True)
class PromptParts:
    name: str  # file name shown to the model
    fence_lang: str  # info string of the code fences ("python", "" for plain text)
    context: str  # the file, or an excerpt around the region
    region: str | None  # the code to rewrite, None when it is the whole file
    region_lines: tuple[int, int] | None
    instruction: str
    fence: str  # "```" unless the code itself contains one
    sketch: str | None = None  # an edit sketch, shown after the change request
    lead: str = ""  # the answer's first characters, written for the model (the region's first indentation)

    @property
    def opening(self) -> str:
        return f"{self.fence}{self.fence_lang}\n{self.lead}"


def fence_for(*texts: str) -> str:
    """A backtick fence longer than any run of backticks at a line start in the texts."""
    fence = "```"
    while any(fence in t for t in texts):
        fence += "`"
    return fence


def context_window(text: str, start: int, end: int, around: tuple[int, int] | None = None) -> tuple[int, int]:
    """Str indices of whole lines around [start, end): the whole file if small, else the blocks around
    the region's (CONTEXT_BLOCK_BYTES), which depend only on the blocks its first and last lines are in.
    `around`: the span of all the regions of one request; where it is short (SHARED_WINDOW_BYTES), the
    window around it, so that their prompts begin alike and the model keeps what it read for the first
    (sds.c's is_hex_digit and hex_digit_to_int, made static: 2,597 tokens read, 19.9 s)."""
    if len(text.encode("utf-8")) <= WHOLE_FILE_CONTEXT_BYTES:
        return 0, len(text)
    if around is not None and len(text[around[0]:around[1]].encode("utf-8")) <= SHARED_WINDOW_BYTES:
        start, end = around
    first, last = _block_of(text, start), _block_of(text, max(start, end - 1))
    return _block_start(text, first - CONTEXT_BLOCKS_BEFORE), _block_start(text, last + 1 + CONTEXT_BLOCKS_AFTER)


def _block_of(text: str, index: int) -> int:
    """The block of the line holding str index `index`: where the line starts, over the block size."""
    return (text.rfind("\n", 0, min(index, len(text))) + 1) // CONTEXT_BLOCK_BYTES


def _block_start(text: str, block: int) -> int:
    """Where block `block` starts: the first line start at or after block * CONTEXT_BLOCK_BYTES (0, or the file's end)."""
    at = block * CONTEXT_BLOCK_BYTES
    if at <= 0:
        return 0
    if at >= len(text):
        return len(text)
    return text.find("\n", at - 1) + 1 or len(text)


def _block(fence: str, lang: str, code: str) -> str:
    if code and not code.endswith("\n"):
        code += "\n"
    return f"{fence}{lang}\n{code}{fence}\n"


def user_text(p: PromptParts) -> str:
    """The code and the instruction; shared by the completion layout and chat templates.

    Every layout starts with the file block, so edits of one file share a cacheable prefix.
    """
    # The file block comes first in every layout, so one warmed prefix serves every edit of a small file.
    parts = ["Original code:\n", _block(p.fence, p.fence_lang, p.context), "\n"]
    if p.region is not None:
        parts += ["Code to change:\n", _block(p.fence, p.fence_lang, p.region), "\n"]
    parts.append(f"Change request: {p.instruction.strip()}\n")
    if p.sketch is not None:
        parts.append(_block(p.fence, p.fence_lang, p.sketch))
    return "".join(parts)


# Above the output in the completion layout.
TARGET_LABEL = "Updated code"


def completion_prompt(p: PromptParts) -> str:
    """For base models (the embedded default): a document whose natural continuation is the edited code.

    No edit sketch: a base model reads it as text to continue and copies its '... existing code ...'
    lines into the output; the sketch's merge, as the draft, carries its change instead.
    """
    return f"{user_text(replace(p, sketch=None))}\n{TARGET_LABEL}:\n{p.opening}"


def name_prompt(code: str, fence_lang: str, old_name: str) -> str:
    """A completion whose natural continuation is a better name for `old_name`, closed by a backtick."""
    fence = fence_for(code)
    return f"{_block(fence, fence_lang, code)}\nA clearer name for `{old_name}` in this code is `"


def name_message(code: str, fence_lang: str, old_name: str) -> str:
    """name_prompt as a chat message, for chat endpoints."""
    fence = fence_for(code)
    return (f"{_block(fence, fence_lang, code.rstrip())}\nPropose a clearer name for `{old_name}` in this code. "
            "Answer with the new name only.")


def cacheable_prefix(prompt: str) -> str:
    """The part of a prompt before the change request: the file and the region (what warm-up prefills)."""
    return prompt[: prompt.index("Change request:")]


class TemplateError(ValueError):
    """A model's chat template that this renderer cannot handle (the caller falls back to completion)."""


def render_chat(p: PromptParts, template: str, bos: str, eos: str) -> str:
    """chat_prompt, with any failure of the template itself as TemplateError."""
    import jinja2

    try:
        return chat_prompt(p, template, bos, eos)
    except (jinja2.TemplateError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise TemplateError(f"the model's chat template failed: {exc}") from exc


def chat_prompt(p: PromptParts, template: str, bos: str, eos: str) -> str:
    """For instruct models: the GGUF's chat template, with the assistant's answer already opened.

    The template is rendered the way Hugging Face's apply_chat_template does (a sandbox, since it
    comes from a model file; trim_blocks, lstrip_blocks, loop controls, tojson, strftime_now,
    raise_exception). `bos` is the BOS text where the tokenizer adds BOS itself ("" otherwise): a
    template that also writes it would give the model two, so a leading one is dropped.

    No edit sketch, as for base models: its merge, as the draft, carries its change, and a small
    model shown the sketch starts its answer from it (a comment line, then skipped draft lines).
    """
    import jinja2

    message = chat_message(p)
    try:
        rendered = _compiled(template).render(
            messages=[{"role": "user", "content": message}],
            add_generation_prompt=True,
            bos_token=bos,
            eos_token=eos,
        )
    except jinja2.TemplateError as exc:  # syntax errors, sandbox refusals, undefined attributes
        raise ValueError(f"chat template error: {exc}") from exc
    if bos and rendered.startswith(bos):
        rendered = rendered[len(bos):]
    return rendered + p.opening


@functools.lru_cache(maxsize=8)
def _compiled(template: str):
    """The template compiled once per model (compiling it took about 20 ms a prompt here)."""
    import jinja2.ext
    import jinja2.sandbox

    env = jinja2.sandbox.ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols]
    )
    env.globals["raise_exception"] = _raise
    env.globals["strftime_now"] = _strftime_now
    env.filters["tojson"] = _tojson
    return env.from_string(template)


def chat_message(p: PromptParts) -> str:
    """The user message of chat_prompt (also what the remote engine sends to a chat endpoint).

    It starts the same for every edit of a file (warm() prefills that prefix): the lines to
    rewrite, when they are not the whole shown code, are named after the change request.
    """
    message = ("Apply the change request to the code. Change only what it asks for and copy every other line "
               "exactly. Answer with only the edited code in one fenced code block.\n\n"
               + user_text(replace(p, sketch=None)))
    if p.region is not None:
        # "Only the edited lines" reads as "only the lines you changed": models then answer a fragment.
        message += (f"\nAnswer with lines {p.region_lines[0]}-{p.region_lines[1]} in full as they read after the "
                    "change, every line of them, and nothing else.\n")
    return message


def _raise(message: str):
    raise ValueError(f"chat template error: {message}")


def _strftime_now(fmt: str) -> str:
    import datetime

    return datetime.datetime.now().strftime(fmt)


def _tojson(value, ensure_ascii: bool = False, indent=None, separators=None, sort_keys: bool = False) -> str:
    import json

    return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)
