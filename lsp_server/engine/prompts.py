"""Prompt layouts: code first, instruction after, the output's opening fence already written."""

from __future__ import annotations

from dataclasses import dataclass, replace

# Context shown around a region that is not the whole file (bytes, whole lines).
CONTEXT_BEFORE_BYTES = 2400
CONTEXT_AFTER_BYTES = 800
# A file up to this size is shown whole, so every edit of it shares one cacheable prefix.
WHOLE_FILE_CONTEXT_BYTES = 6000


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

    @property
    def opening(self) -> str:
        return f"{self.fence}{self.fence_lang}\n"


def fence_for(*texts: str) -> str:
    """A backtick fence longer than any run of backticks at a line start in the texts."""
    fence = "```"
    while any(fence in t for t in texts):
        fence += "`"
    return fence


def context_window(text: str, start: int, end: int) -> tuple[int, int]:
    """Str indices of whole lines around [start, end) within the context budget (whole file if small)."""
    if len(text.encode("utf-8")) <= WHOLE_FILE_CONTEXT_BYTES:
        return 0, len(text)
    lo = text.rfind("\n", 0, max(0, start - CONTEXT_BEFORE_BYTES)) + 1
    hi = text.find("\n", min(len(text), end + CONTEXT_AFTER_BYTES))
    return lo, len(text) if hi < 0 else hi + 1


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


def target_label(p: PromptParts) -> str:
    return "Updated code"


def completion_prompt(p: PromptParts) -> str:
    """For base models (the embedded default): a document whose natural continuation is the edited code.

    No edit sketch: a base model reads it as text to continue and copies its '... existing code ...'
    lines into the output; the sketch's merge, as the draft, carries its change instead.
    """
    return f"{user_text(replace(p, sketch=None))}\n{target_label(p)}:\n{p.opening}"


def cacheable_prefix(prompt: str) -> str:
    """The part of a prompt that depends only on the file (what warm-up prefills)."""
    return prompt[: prompt.index("Change request:")]


def chat_prompt(p: PromptParts, template: str, bos: str, eos: str) -> str:
    """For instruct models: the GGUF's chat template, with the assistant's answer already opened."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.BaseLoader(), trim_blocks=True, lstrip_blocks=True)
    env.globals["raise_exception"] = _raise
    message = (
        "Apply the instruction to the code. Answer with only the "
        + ("whole edited file" if p.region is None else f"edited lines {p.region_lines[0]}-{p.region_lines[1]}")
        + " in one fenced code block.\n\n"
        + user_text(p)
    )
    rendered = env.from_string(template).render(
        messages=[{"role": "user", "content": message}],
        add_generation_prompt=True,
        bos_token=bos,
        eos_token=eos,
    )
    return rendered + p.opening


def _raise(message: str):
    raise ValueError(f"chat template error: {message}")
