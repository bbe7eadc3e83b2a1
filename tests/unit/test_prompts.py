"""Prompt layouts: what the model is shown for an edit, and what stays cacheable."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lsp_server.engine import prompts

TEMPLATE = (
    "{% for m in messages %}<start_of_turn>{{ m['role'] }}\n{{ m['content'] }}<end_of_turn>\n{% endfor %}"
    "{% if add_generation_prompt %}<start_of_turn>model\n{% endif %}"
)
SKETCH = "# ... existing code ...\ndef b():\n    return 3\n"


def parts(**kw) -> prompts.PromptParts:
    base = dict(name="m.py", fence_lang="python", context="def a():\n    return 1\n", region=None, region_lines=None,
                instruction="Apply the edit sketch", fence="```")
    return prompts.PromptParts(**{**base, **kw})


def test_no_model_sees_the_sketch_its_merge_is_the_draft():
    with_sketch = parts(sketch=SKETCH)
    chat = prompts.chat_prompt(with_sketch, TEMPLATE, "", "")
    assert "existing code" not in chat and chat.endswith("<start_of_turn>model\n```python\n")
    completion = prompts.completion_prompt(with_sketch)
    assert "existing code" not in completion and completion.endswith("Updated code:\n```python\n")


def test_the_file_block_comes_first_so_edits_of_a_file_share_a_prefix():
    one = prompts.completion_prompt(parts(instruction="rename a to b"))
    two = prompts.completion_prompt(parts(instruction="add a docstring", sketch=SKETCH))
    prefix = prompts.cacheable_prefix(one)
    assert prefix == prompts.cacheable_prefix(two) and "def a():" in prefix


# SmolLM2-135M-Instruct's template, as its GGUF holds it (ChatML with a default system turn).
CHATML = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}"
    "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


def test_chatml_template_renders_the_user_turn_and_opens_the_answer_with_the_fence():
    prompt = prompts.chat_prompt(parts(instruction="rename a to b"), CHATML, "", "<|im_end|>")
    assert prompt.startswith("<|im_start|>system\nYou are a helpful AI assistant")
    assert ("<|im_start|>user\nApply the change request to the code. Change only what it asks for and copy every "
            "other line exactly. Answer with only the edited code in one fenced code block.\n\nOriginal code:\n"
            "```python\n") in prompt
    assert "Change request: rename a to b\n<|im_end|>\n" in prompt
    assert prompt.endswith("<|im_end|>\n<|im_start|>assistant\n```python\n")
    assert prompts.cacheable_prefix(prompt).endswith("```\n\n")


def test_a_bos_the_tokenizer_adds_is_not_written_twice():
    template = "{{ bos_token }}" + TEMPLATE
    assert prompts.chat_prompt(parts(), template, "<bos>", "").startswith("<start_of_turn>user\n")
    assert prompts.chat_prompt(parts(), template, "", "").startswith("<start_of_turn>user\n")


def test_templates_render_like_hugging_face_does():
    template = (
        "{% for m in messages %}{% if loop.index > 1 %}{% break %}{% endif %}{{ m | tojson }}{% endfor %}"
        "{{ strftime_now('%Y') | length }}"
    )
    rendered = prompts.chat_prompt(parts(instruction="café"), template, "", "")
    assert '"role": "user"' in rendered and "café" in rendered  # tojson keeps non-ASCII as it is
    assert rendered.endswith("4```python\n")


def test_a_template_cannot_reach_python_internals():
    with pytest.raises(ValueError, match="chat template error"):
        prompts.chat_prompt(parts(), "{{ ''.__class__.__mro__[1].__subclasses__() }}", "", "")


def test_template_errors_are_value_errors():
    with pytest.raises(ValueError, match="chat template error: no tools"):
        prompts.chat_prompt(parts(), "{{ raise_exception('no tools') }}", "", "")
    with pytest.raises(ValueError, match="chat template error"):
        prompts.chat_prompt(parts(), "{% for %}", "", "")


def test_chat_prompts_of_one_file_share_the_prefix_up_to_the_file_block_end():
    whole = prompts.chat_prompt(parts(instruction="add type hints"), CHATML, "", "")
    lines = prompts.chat_prompt(parts(instruction="add a docstring", region="    return 1\n", region_lines=(2, 2)), CHATML, "", "")
    excerpt = prompts.chat_prompt(parts(instruction="rename a to b", region_lines=(1, 2)), CHATML, "", "")
    prefix = prompts.cacheable_prefix(whole)
    assert prefix.endswith("```\n\n") and lines.startswith(prefix) and excerpt.startswith(prefix)
    assert ("Answer with lines 2-2 in full as they read after the change, every line of them, and nothing else.\n"
            "<|im_end|>") in lines and "Answer with lines" not in excerpt


# -- the window a larger file is shown through ------------------------------------------------

# 16 KB of code-like lines of every length, a few longer than a block.
LINES = [("    " * (i % 3) + f"value_{i} = compute({i})" + "  # note" * (i % 7) + "\n") for i in range(300)]
LINES[40] = "x = '" + "y" * 2000 + "'\n"
LARGE = "".join(LINES)
BLOCK = prompts.CONTEXT_BLOCK_BYTES
spans = st.tuples(st.integers(0, len(LARGE)), st.integers(0, 3000)).map(lambda p: (p[0], min(len(LARGE), p[0] + p[1])))


def line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


@given(spans)
@settings(max_examples=300, deadline=None)
def test_the_window_holds_the_region_in_whole_lines_within_the_blocks_around_it(span):
    start, end = span
    lo, hi = prompts.context_window(LARGE, start, end)
    assert lo <= start <= end <= hi
    assert hi > start or hi == len(LARGE)  # an empty region still has its line
    assert lo == line_start(LARGE, lo) and (hi == len(LARGE) or LARGE[hi - 1] == "\n")
    # From the first line starting CONTEXT_BLOCKS_BEFORE blocks before the region's first line's block,
    # to the first line starting CONTEXT_BLOCKS_AFTER blocks after its last line's block.
    first_block = line_start(LARGE, start) // BLOCK
    last_block = line_start(LARGE, max(start, end - 1)) // BLOCK
    assert lo == 0 or (first_block - prompts.CONTEXT_BLOCKS_BEFORE) * BLOCK <= lo
    assert lo == 0 or line_start(LARGE, lo - 1) < (first_block - prompts.CONTEXT_BLOCKS_BEFORE) * BLOCK
    assert hi == len(LARGE) or (last_block + 1 + prompts.CONTEXT_BLOCKS_AFTER) * BLOCK <= hi
    assert hi == len(LARGE) or line_start(LARGE, hi - 1) < (last_block + 1 + prompts.CONTEXT_BLOCKS_AFTER) * BLOCK


@given(st.integers(0, len(LARGE) - 1), st.integers(0, len(LARGE) - 1), st.integers(0, 200), st.integers(0, 200))
@settings(max_examples=300, deadline=None)
def test_regions_whose_lines_start_in_the_same_blocks_are_shown_the_same_window(a, b, len_a, len_b):
    """So the prompt prefix warmed for one region of a block serves every other one of it."""
    region_a = (a, min(len(LARGE), a + len_a))
    region_b = (b, min(len(LARGE), b + len_b))

    def blocks(region):
        start, end = region
        return line_start(LARGE, start) // BLOCK, line_start(LARGE, max(start, end - 1)) // BLOCK

    window_a, window_b = prompts.context_window(LARGE, *region_a), prompts.context_window(LARGE, *region_b)
    if blocks(region_a) == blocks(region_b):
        assert window_a == window_b
    if blocks(region_a)[0] == blocks(region_b)[0]:  # the same first block: one window starts the other
        assert window_a[0] == window_b[0]


def test_the_regions_of_one_request_near_one_another_are_shown_one_window():
    """So the second region's prompt begins as the first's did, and the model keeps what it read of it."""
    a = (LARGE.index("value_100 "), LARGE.index("value_101 "))
    b = (LARGE.index("value_130 "), LARGE.index("value_131 "))
    assert prompts.context_window(LARGE, *a) != prompts.context_window(LARGE, *b)
    around = (a[0], b[1])
    assert prompts.context_window(LARGE, *a, around) == prompts.context_window(LARGE, *b, around) == \
        prompts.context_window(LARGE, *around)
    far = (a[0], LARGE.index("value_290 "))  # too far apart: each its own window, as alone
    assert prompts.context_window(LARGE, *a, far) == prompts.context_window(LARGE, *a)


def test_the_window_is_as_large_as_the_fixed_margins_it_replaced_on_average():
    """The margins were 2400 characters before the region and 800 after (to line ends), for any region:
    the blocks show 1600-2400 before and 800-1600 after, the same on average (within 2% here)."""

    def fixed_margins(text, start, end):
        lo = text.rfind("\n", 0, max(0, start - 2400)) + 1
        hi = text.find("\n", min(len(text), end + 800))
        return lo, len(text) if hi < 0 else hi + 1

    text = "".join(f"def f{i}(x):\n    return x * {i}\n\n" for i in range(1000))
    regions = [(s, s + n) for s in range(0, len(text) - 500, 97) for n in (0, 30, 400)]
    shown = sum(hi - lo for lo, hi in (prompts.context_window(text, *r) for r in regions))
    before = sum(hi - lo for lo, hi in (fixed_margins(text, *r) for r in regions))
    assert shown <= 1.02 * before, (shown, before)


def test_a_small_file_is_shown_whole():
    text = "def a():\n    return 1\n" * 100
    assert len(text) <= prompts.WHOLE_FILE_CONTEXT_BYTES
    assert prompts.context_window(text, 500, 520) == (0, len(text))
