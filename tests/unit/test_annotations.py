"""Annotations that default to None and do not admit it are made optional (syntax/annotations.py,
grammars/python/types.scm); what the original had stays the user's."""

from __future__ import annotations

from lsp_server import syntax

PY = syntax.language_for("m.py")


def fixed(original: str, edited: str) -> str:
    out, at = syntax.explicit_types(original.encode(), edited.encode(), PY)
    assert (at is None) == (out == edited.encode())
    return out.decode()


def test_a_new_parameter_type_that_defaults_to_none_is_made_optional():
    original = "def relpath(path, start=None):\n    return path\n"
    edited = "def relpath(path: str, start: str = None) -> str:\n    return path\n"
    assert fixed(original, edited) == "def relpath(path: str, start: Optional[str] = None) -> str:\n    return path\n"
    out, at = syntax.explicit_types(original.encode(), edited.encode(), PY)
    assert out[at:].startswith(b"Optional[str] = None")  # where the first change starts


def test_types_that_admit_none_or_must_stay_outermost_are_left():
    edited = ("def f(a: Optional[int] = None, b: int | None = None, c: None = None, d: Any = None,\n"
              "      e: Union[int, None] = None, f: 'Optional[Node]' = None, g: typing.Optional[str] = None,\n"
              "      h: object = None, i: None | str = None):\n    pass\n\n\n"
              "class C:\n    x: ClassVar[int] = None\n    y: Final = None\n")
    assert fixed("", edited) == edited


def test_a_type_that_only_mentions_none_inside_is_still_made_optional():
    edited = "def on(event: str, callback: Callable[[str], None] = None) -> None:\n    pass\n"
    assert "callback: Optional[Callable[[str], None]] = None" in fixed("", edited)


def test_a_forward_reference_gets_optional_around_its_quotes():
    edited = "def link(self, nxt: \"Node\" = None):\n    self.nxt = nxt\n"
    assert 'nxt: Optional["Node"] = None' in fixed("", edited)


def test_the_union_spelling_is_used_where_the_file_writes_unions_that_way():
    edited = ("def first(xs: list[int], default: int | None = None) -> int | None:\n    pass\n\n\n"
              "def last(xs: list[int], default: int = None) -> int | None:\n    pass\n")
    assert "default: int | None = None) -> int | None:\n    pass\n" in fixed("", edited).split("def last")[1]


def test_variables_and_attributes_are_made_optional_too():
    edited = "class Job:\n    owner: str = None\n\n    def run(self):\n        result: dict[str, int] = None\n"
    assert fixed("class Job:\n    owner = None\n", edited) == (
        "class Job:\n    owner: Optional[str] = None\n\n    def run(self):\n        result: Optional[dict[str, int]] = None\n")


def test_what_the_original_already_had_stays_as_the_user_wrote_it():
    original = "def pad(text: str, fill: str = None):\n    return text\n"
    edited = "def pad(text: str, fill: str = None, width: int = None) -> str:\n    return text\n"
    assert fixed(original, edited) == "def pad(text: str, fill: str = None, width: Optional[int] = None) -> str:\n    return text\n"


def test_other_languages_are_left_alone():
    ts = syntax.language_for("m.ts")
    edited = b"function f(a: string = null) {}\n"
    assert syntax.explicit_types(b"", edited, ts) == (edited, None)


def test_builtins_written_as_types_are_spelled_as_the_types_on_new_lines_only():
    original = "def pick(x, key=None, strict=False):\n    ok: any = any(x)\n    return x\n"
    edited = ("def pick(x: any, key: callable = None, strict: bool = False) -> list[any]:\n"
              "    ok: any = any(x)\n    return x\n")
    assert fixed(original, edited) == ("def pick(x: Any, key: Optional[Callable] = None, strict: bool = False) -> list[Any]:\n"
                                       "    ok: any = any(x)\n    return x\n")  # the user's line, and a call, stay
