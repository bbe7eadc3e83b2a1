"""Prompt layouts: what the model is shown for an edit, and what stays cacheable."""

from __future__ import annotations

import pytest

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
