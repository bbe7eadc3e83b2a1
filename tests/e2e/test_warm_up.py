"""The real server keeps a file's prompt warm where the next edit is likely: a code action request
(the light bulb asks at every cursor move) or a change prefills the prompt of an edit at that spot
(the file, or a large file's window, then the lines the edit would rewrite), and the edit then
evaluates only what follows it. Asserted on the tokens the engine reports, never on time."""

from __future__ import annotations

import asyncio
import re
import textwrap
from pathlib import Path

import pytest
from lsprotocol import types

from lsp_server import commands
from lsp_server.engine import prompts

from .conftest import JOB_TIMEOUT_S, edit_document, open_document, run_command, wait_job

pytestmark = pytest.mark.e2e

SMALL = """\
import math


def circle_area(radius):
    return math.pi * radius ** 2


def describe(shape, size):
    area = circle_area(size) if shape == "circle" else size * size
    label = f"{shape} of size {size}"
    if area > 100:
        label += " (large)"
    return label + f": {area:.2f}"
"""
# The standard library's textwrap.py: about 20 KB, so its prompt shows a window around the region.
LARGE = Path(textwrap.__file__).read_text(encoding="utf-8")
WARMED = re.compile(r"warm-up: prefilled (\d+) prompt tokens for an edit of lines (\d+)-(\d+)")


async def warmed_tokens(client, line: int) -> int:
    """Tokens the warm-up of an edit of lines around 1-based `line` reported (window/logMessage)."""

    async def wait() -> int:
        while True:
            for message in client.log_messages:
                if (found := WARMED.search(message.message)) and int(found[2]) <= line <= int(found[3]):
                    return int(found.group(1))
            await asyncio.sleep(0.1)

    return await asyncio.wait_for(wait(), JOB_TIMEOUT_S)


async def opened_tokens(client, uri: str) -> int:
    """Tokens of the warm-up after `uri` was opened: the file part alone ('for edits of URI')."""

    async def wait() -> int:
        while True:
            for message in client.log_messages:
                if found := re.search(rf"warm-up: prefilled (\d+) prompt tokens for edits of {re.escape(uri)}$", message.message):
                    return int(found[1])
            await asyncio.sleep(0.1)

    return await asyncio.wait_for(wait(), JOB_TIMEOUT_S)


async def code_action_at(client, uri: str, line: int, character: int) -> None:
    here = types.Position(line, character)
    await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=types.Range(here, here),
        context=types.CodeActionContext(diagnostics=[])))


async def edit_reuses(client, uri: str, line: int, instruction: str, warmed: int) -> None:
    """An edit at the cursor (line, column 8) evaluates only what follows the `warmed` prompt tokens."""
    at = {"line": line, "character": 8}
    started = await run_command(client, commands.EDIT, {"uri": uri, "range": {"start": at, "end": at},
                                                         "instruction": instruction})
    job = await wait_job(client, started["job"])
    stats = job["stats"]
    assert stats is not None, job  # the edit ran to its end (whatever the small model made of it)
    print(f"warmed {warmed} tokens; the edit then prefilled {stats['prefill_tokens']} of {stats['prompt_tokens']}")
    # All but the warmed prefix's last token, which the tokenizer may merge with the text after it.
    assert stats["prefill_tokens"] <= stats["prompt_tokens"] - warmed + 1


@pytest.mark.parametrize("client", [{"acceptance": "auto", "nThreads": 1}], indirect=True)
async def test_a_code_action_in_a_large_file_warms_the_prompt_of_an_edit_at_the_cursor(client):
    assert prompts.context_window(LARGE, 0, 0) != (0, len(LARGE))
    uri = open_document(client, "textwrap_warm.py", LARGE)
    line = LARGE[:LARGE.index("    def _munge_whitespace")].count("\n") + 2  # the cursor in the method's body
    await code_action_at(client, uri, line, 8)
    warmed = await warmed_tokens(client, line + 1)  # the lines at the cursor
    assert warmed > 500  # the window around the method (textwrap's prompt here is about 1,000 tokens)

    await edit_reuses(client, uri, line, "add a comment saying what it returns", warmed)


@pytest.mark.parametrize("client", [{"acceptance": "auto", "nThreads": 1}], indirect=True)
async def test_after_the_user_types_in_a_large_file_the_prompt_there_is_warmed(client):
    uri = open_document(client, "textwrap_typed.py", LARGE)
    assert await opened_tokens(client, uri) > 0  # on open: the window at the top of the file
    line = LARGE[:LARGE.index("    def _split_chunks")].count("\n") + 1  # the first line of its body
    edit_document(client, uri, (line, 8), (line, 8), "# keep the chunks in order\n        ")
    warmed = await warmed_tokens(client, line + 1)  # after the change, around it

    await edit_reuses(client, uri, line, "say what the comment means", warmed)


@pytest.mark.parametrize("client", [{"acceptance": "auto", "nThreads": 1}], indirect=True)
async def test_a_code_action_in_a_small_file_warms_the_lines_an_edit_there_rewrites(client):
    assert prompts.context_window(SMALL, 0, 0) == (0, len(SMALL))  # shown whole
    uri = open_document(client, "small_warm.py", SMALL)
    first = SMALL.splitlines().index("def describe(shape, size):")
    selection = types.Range(types.Position(first, 0), types.Position(first + 6, 0))  # describe(), selected
    await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=selection,
        context=types.CodeActionContext(diagnostics=[])))
    warmed = await warmed_tokens(client, first + 1)  # describe()'s lines, after the file
    assert warmed > 0

    started = await run_command(client, commands.EDIT, {
        "uri": uri, "instruction": "add a docstring",
        "range": {"start": {"line": first, "character": 0}, "end": {"line": first + 6, "character": 0}}})
    stats = (await wait_job(client, started["job"]))["stats"]
    print(f"the region's warm-up prefilled {warmed} tokens; the edit then prefilled "
          f"{stats['prefill_tokens']} of {stats['prompt_tokens']}")
    # Only the change request and the answer's opening (15 tokens measured with the embedded model;
    # unwarmed, describe()'s lines came first: 97 measured).
    assert 0 < stats["prefill_tokens"] <= 30


@pytest.mark.parametrize("client", [{"acceptance": "auto", "nThreads": 1}], indirect=True)
async def test_a_directive_comment_typed_warms_the_edit_it_asks_for(client):
    """Helix's way in: the user writes `# ai: ...` above a function and picks the code action. The
    warm-up after the typing plans that edit (the comment left out of the text, as the edit leaves it)."""
    uri = open_document(client, "small_directive.py", SMALL)
    first = SMALL.splitlines().index("def describe(shape, size):")
    edit_document(client, uri, (first, 0), (first, 0), "# ai: add a docstring\n")
    warmed = await warmed_tokens(client, first + 2)  # the comment's and describe()'s lines
    assert warmed > 0

    at = {"line": first, "character": 3}
    started = await run_command(client, commands.EDIT_FROM_COMMENT, {"uri": uri, "range": {"start": at, "end": at}})
    stats = (await wait_job(client, started["job"]))["stats"]
    print(f"the warm-up prefilled {warmed} tokens; the edit then prefilled "
          f"{stats['prefill_tokens']} of {stats['prompt_tokens']}")
    # Only the change request and the answer's opening: the file before the comment is shared anyway,
    # the rest of the file and describe()'s lines only when the warm-up left the comment out.
    assert 0 < stats["prefill_tokens"] <= 30


@pytest.mark.parametrize("client", [{"acceptance": "auto", "nThreads": 1, "warmUp": False}], indirect=True)
async def test_with_warm_up_off_nothing_is_prefilled_before_a_command(client):
    """warmUp false (a laptop on battery): neither opening a file nor a code action runs the model;
    the edit prefills its whole prompt."""
    uri = open_document(client, "small_cold.py", SMALL)
    first = SMALL.splitlines().index("def describe(shape, size):")
    selection = types.Range(types.Position(first, 0), types.Position(first + 6, 0))
    await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=selection,
        context=types.CodeActionContext(diagnostics=[])))
    # Past the open's warm-up delay (1.5 s) and the code action's (0.5 s), a model load and a prefill
    # (with warm-ups on, the code action's log line comes about 2 s after it here).
    await asyncio.sleep(8.0)
    assert not [m.message for m in client.log_messages if "warm-up" in m.message]

    started = await run_command(client, commands.EDIT, {
        "uri": uri, "instruction": "add a docstring",
        "range": {"start": {"line": first, "character": 0}, "end": {"line": first + 6, "character": 0}}})
    stats = (await wait_job(client, started["job"]))["stats"]
    assert stats["prefill_tokens"] == stats["prompt_tokens"]


@pytest.mark.parametrize("client", [{"acceptance": "auto", "nThreads": 1}], indirect=True)
async def test_on_open_the_file_is_warmed_and_no_guessed_region(client):
    """When a file is opened the cursor's place is not known: its top would be a guess (in a file that
    starts with a large class, the whole class). Only the file is warmed; a code action then adds
    the lines there."""
    text = "class Shapes:\n" + "".join(f"    def area_{i}(self, x):\n        return x * {i}\n\n" for i in range(30))
    assert prompts.context_window(text, 0, 0) == (0, len(text))  # shown whole
    uri = open_document(client, "starts_with_a_class.py", text)
    file_part = await opened_tokens(client, uri)
    assert file_part > 0
    assert not [m.message for m in client.log_messages if "for an edit of lines" in m.message]

    await code_action_at(client, uri, 4, 8)  # in area_1's body
    lines = await warmed_tokens(client, 5)
    print(f"on open: {file_part} tokens; at the code action, {lines} more")
    assert 0 < lines < file_part // 4  # area_1's lines only: the file was cached
