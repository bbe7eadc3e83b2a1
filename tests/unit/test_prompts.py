"""Prompt layouts: what the model is shown for an edit, and what stays cacheable."""

from __future__ import annotations

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


def test_instruct_models_see_the_sketch_base_models_do_not():
    with_sketch = parts(sketch=SKETCH)
    assert SKETCH in prompts.chat_prompt(with_sketch, TEMPLATE, "", "")
    completion = prompts.completion_prompt(with_sketch)
    assert "existing code" not in completion and completion.endswith("Updated code:\n```python\n")


def test_the_file_block_comes_first_so_edits_of_a_file_share_a_prefix():
    one = prompts.completion_prompt(parts(instruction="rename a to b"))
    two = prompts.completion_prompt(parts(instruction="add a docstring", sketch=SKETCH))
    prefix = prompts.cacheable_prefix(one)
    assert prefix == prompts.cacheable_prefix(two) and "def a():" in prefix
