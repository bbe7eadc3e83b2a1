"""rename_draft: identifiers, comments and docstrings renamed, whole words only; string literals are data and stay."""

from pathlib import Path

import pytest

from lsp_server.syntax import language_for, rename_draft

DATA = Path(__file__).resolve().parents[1] / "data" / "syntax"


@pytest.mark.parametrize(
    "path, source, expected",
    [
        (
            "a.py",
            b'def greet(n):\n    """greet someone; greeting stays."""\n    return greet_all(n)  # calls greet\n\ngreet(1)\n',
            b'def welcome(n):\n    """welcome someone; greeting stays."""\n    return greet_all(n)  # calls welcome\n\nwelcome(1)\n',
        ),
        (
            "a.js",
            b"function greet() {}\nobj.greet = greet; // greet\nconst s = `greet ${greet()}`;\nconst greeter = 1;\n",
            # The template's text is data; its ${...} is code.
            b"function welcome() {}\nobj.welcome = welcome; // welcome\nconst s = `greet ${welcome()}`;\nconst greeter = 1;\n",
        ),
        (
            "a.go",
            b'package main\n\n// greet says hi\nfunc greet() string { return "greet" }\n\nvar x = greet()\n',
            b'package main\n\n// welcome says hi\nfunc welcome() string { return "greet" }\n\nvar x = welcome()\n',
        ),
        (
            "a.c",
            b"struct s { int greet; };\nint f(struct s *p) { return p->greet; } /* greet */\n",
            b"struct s { int welcome; };\nint f(struct s *p) { return p->welcome; } /* welcome */\n",
        ),
        (
            "a.rb",
            b"def greet\nend\ngreet # greet\n",
            b"def welcome\nend\nwelcome # welcome\n",
        ),
        (
            "a.sh",
            b'greet() { echo "greet"; }\ngreet\n',
            b'welcome() { echo "greet"; }\nwelcome\n',
        ),
    ],
)
def test_rename_draft(path, source, expected):
    assert rename_draft(source, language_for(path), "greet", "welcome") == expected


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("sample.*")))
def test_rename_in_samples_keeps_other_words(name):
    source = (DATA / name).read_bytes()
    renamed = rename_draft(source, language_for(name), "greet", "welcome")
    assert b"greet" not in renamed.replace(b"greeter", b"").replace(b"Greeter", b"")
    assert renamed.count(b"welcome") == source.count(b"greet") - source.count(b"greeter")


def test_unknown_language_whole_word_replace():
    source = "greet greeting _greet greet()\nnaïvegreet é greet\n".encode()
    expected = "welcome greeting _greet welcome()\nnaïvegreet é welcome\n".encode()
    assert rename_draft(source, language_for("a.txt"), "greet", "welcome") == expected


def test_rename_to_same_name_is_identity():
    assert rename_draft(b"x = 1\n", language_for("a.py"), "x", "x") == b"x = 1\n"


def test_rename_name_with_quote_does_not_break_the_query():
    assert rename_draft(b'x = 1\n', language_for("a.py"), 'a"b', "c") == b"x = 1\n"


def test_dictionary_keys_and_messages_in_strings_stay():
    source = b'def f(total):\n    log("order total %s", total)\n    return {"total": total}\n'
    expected = b'def f(subtotal):\n    log("order total %s", subtotal)\n    return {"total": subtotal}\n'
    assert rename_draft(source, language_for("a.py"), "total", "subtotal") == expected
