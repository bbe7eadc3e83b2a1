"""A model token that is the draft's text with other spacing inside a line: taken as the draft's (engine/respace.py)."""

from __future__ import annotations

import pytest

from lsp_server.engine.drafts import Drafter
from lsp_server.engine.drafttext import DraftText
from lsp_server.engine.respace import in_string, respaced_span, respaced_token
from lsp_server.engine.speculative import LoopOptions, LoopStats, speculative_edit
from tests.scripted import EOS
from tests.unit.test_speculative import FENCE, ScriptedModel, draft_text


@pytest.mark.parametrize("piece, before, ahead, span", [
    (b" -", b"rangec = (maxc", b"-minc)", 1),  # a space the draft does not have
    (b" -min", b"rangec = (maxc", b"-minc)", 4),
    (b"=", b"x", b" = 1", 2),  # a space of the draft left out
    (b" *", b"int(h", b"*6.0)", 1),
    (b"  #", b"x = 1", b" # note", 2),  # two spaces before a comment
])
def test_spacing_between_tokens_stands_for_the_draft_text(piece, before, ahead, span):
    assert respaced_span(piece, before, ahead) == span


@pytest.mark.parametrize("piece, before, ahead, why", [
    (b"-", b"(maxc", b"-minc)", "the same spacing: no variant"),
    (b" b", b"x = a", b"b", "a space between two word characters joins or splits a word"),
    (b"b", b"x = not", b" b", "the same, taken out"),
    (b"  y", b"  ", b"    y = 1", "indentation"),
    (b" -", b'print("a', b'-b")', "inside a string literal"),
    (b' "', b"print(", b'"a")', "a quote"),
    (b" +", b"x = y", b")", "other text"),
    (b" ", b"x = y", b"", "a space where the draft's line ends"),
    (b"\n", b"x = y", b" + 1", "a line break"),
])
def test_other_differences_are_not_spacing(piece, before, ahead, why):
    assert respaced_span(piece, before, ahead) is None, why


@pytest.mark.parametrize("line, inside", [
    (b'print("a', True), (b'print("a")', False), (b"x = 'it\\'s", True), (b'"""doc', True),
    (b'"""doc"""', False), (b"s = `a", True), (b'"a" + "b', True),
])
def test_in_string(line, inside):
    assert in_string(line) == inside


# A vocabulary of pieces, and a tokenizer that takes the longest piece each time.
PIECES = [b"(max", b"c", b"-min", b")", b" -", b"-", b"min", b" ", b"rangec", b" =", b"\n"]


def tokenize(data: bytes) -> list[tuple[int, bytes]]:
    out = []
    while data:
        token = max((i for i, p in enumerate(PIECES) if data.startswith(p)), key=lambda i: len(PIECES[i]))
        out.append((token, PIECES[token]))
        data = data[len(PIECES[token]):]
    return out


def source(text: bytes) -> DraftText:
    return DraftText.from_tokens([t for t, _ in tokenize(text)], PIECES.__getitem__, retokenize=tokenize)


def test_the_draft_token_where_the_piece_covers_it_else_a_token_of_what_it_covers():
    src = source(b"rangec = (maxc-minc)\n")
    at = src.data.index(b"-min")
    assert respaced_token(src, at, b" -min") == PIECES.index(b"-min")  # the draft's own token
    assert respaced_token(src, at, b" -") == PIECES.index(b"-")  # the model's token ends inside the draft's
    assert respaced_token(src, at, b" +") is None


class RestylingModel(ScriptedModel):
    """Predicts `target` whatever spacing the output has taken so far (a model with a house style)."""

    def _predict(self, context: list[int]) -> int:
        produced, target = bytes(context[len(self.prompt):]), bytes(self.target)
        i = j = 0
        while i < len(produced):
            if j < len(target) and produced[i] == target[j]:
                i, j = i + 1, j + 1
            elif produced[i] == ord(" "):
                i += 1
            elif j < len(target) and target[j] == ord(" "):
                j += 1
            else:
                return EOS
        return target[j] if j < len(target) else EOS


def restyled_run(original: bytes, restyled: bytes, respace: bool) -> tuple[bytes, LoopStats]:
    prompt = b"code:\n" + original + b"\nedited:\n"
    model = RestylingModel(prompt, restyled + FENCE)
    drafter = Drafter([draft_text(original + FENCE, content_end=len(original))])
    stats = LoopStats()
    *_, last = speculative_edit(model, list(prompt), drafter,
                                LoopOptions(stop_at_region_end=False, lookup=False, respace=respace), stats)
    return last.output, stats


ORIGINAL = b"def f(a, b):\n    x = a - b\n    y = x * 2\n    return not y\n"


def test_a_model_that_restyles_copies_the_original_with_respace_on():
    restyled = ORIGINAL.replace(b" - ", b"-").replace(b" * ", b"*")
    out, stats = restyled_run(ORIGINAL, restyled, respace=True)
    assert out == ORIGINAL
    assert stats.undrafted_passes == 0 and stats.passes <= 4
    out, stats = restyled_run(ORIGINAL, restyled, respace=False)
    assert out == restyled  # without it the model's spacing stands, written a token a pass
    assert stats.passes > 8


@pytest.mark.parametrize("restyled", [
    ORIGINAL.replace(b"    x", b"  x"),  # indentation
    ORIGINAL.replace(b"not y", b"noty"),  # two words joined
    ORIGINAL.replace(b"a - b", b"a + b"),  # a change
])
def test_what_is_more_than_spacing_stands(restyled):
    out, _ = restyled_run(ORIGINAL, restyled, respace=True)
    assert out == restyled
