"""Language registry: languageIds, file extensions, fallback, every query compiles."""

import pytest

from lsp_server.syntax import known_languages, language_for
from lsp_server.syntax.languages import language_named
from lsp_server.syntax.queries import query

ALL = ["bash", "c", "cpp", "css", "go", "html", "java", "javascript", "json", "python", "ruby", "rust", "tsx", "typescript"]


@pytest.mark.parametrize(
    "language_id, name",
    [
        ("python", "python"), ("javascript", "javascript"), ("javascriptreact", "javascript"),
        ("typescript", "typescript"), ("typescriptreact", "tsx"), ("go", "go"), ("rust", "rust"),
        ("c", "c"), ("cpp", "cpp"), ("java", "java"), ("json", "json"), ("jsonc", "json"),
        ("shellscript", "bash"), ("sh", "bash"), ("bash", "bash"), ("ruby", "ruby"), ("css", "css"),
        ("html", "html"),
    ],
)
def test_language_id_maps_to_grammar(language_id, name):
    language = language_for(language_id=language_id)
    assert language.name == name
    assert language.has_grammar


@pytest.mark.parametrize(
    "path, name",
    [
        ("a.py", "python"), ("/x/y/a.pyi", "python"), ("a.js", "javascript"), ("a.mjs", "javascript"),
        ("a.jsx", "javascript"), ("a.ts", "typescript"), ("a.tsx", "tsx"), ("main.go", "go"),
        ("lib.rs", "rust"), ("a.c", "c"), ("a.h", "c"), ("a.cpp", "cpp"), ("a.hpp", "cpp"),
        ("A.java", "java"), ("package.json", "json"), ("run.sh", "bash"), ("a.rb", "ruby"),
        ("Rakefile", "ruby"), ("a.css", "css"), ("index.html", "html"), ("file:///tmp/A.PY", "python"),
    ],
)
def test_path_maps_to_grammar(path, name):
    assert language_for(path=path).name == name


@pytest.mark.parametrize("name, comment", [("python", "#"), ("go", "//"), ("bash", "#"), ("json", None), ("css", None)])
def test_line_comment(name, comment):
    assert language_named(name).line_comment == comment


def test_language_id_wins_over_path():
    assert language_for("a.py", "rust").name == "rust"


@pytest.mark.parametrize("path, language_id", [(None, None), ("notes.txt", None), ("a.py", "cobol-ish"), ("", ""), ("noext", None)])
def test_unknown_falls_back_to_text_without_error(path, language_id):
    language = language_for(path, language_id)
    if path == "a.py":
        assert language.name == "python"  # an unknown languageId still lets the path decide
        return
    assert language.name == "text"
    assert not language.has_grammar
    assert language.line_comment is None


def test_all_languages_registered():
    assert known_languages() == ALL


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("kind", ["textobjects", "names"])
def test_every_query_compiles(name, kind):
    assert query(language_named(name), kind) is not None


def test_language_is_hashable_and_cached():
    assert language_for("a.py") is language_for(language_id="python")
    assert len({language_for("a.py"), language_for("b.py")}) == 1


def test_no_python_file_names_a_grammar_node_type():
    """Language knowledge lives in grammars/*.scm: multi-word node kinds never appear in the code."""
    import re
    from pathlib import Path

    import lsp_server.syntax as package

    kinds = set()
    for name in ALL:
        ts_language = language_named(name)._ts_language
        for kind_id in range(ts_language.node_kind_count):
            kind = ts_language.node_kind_for_id(kind_id)
            if kind and ts_language.node_kind_is_named(kind_id) and re.fullmatch(r"[a-z]+(_[a-z]+)+", kind):
                kinds.add(kind)
    assert "function_definition" in kinds
    kinds.discard("line_comment")  # the Language field of that name (the comment prefix), not a node
    for module in Path(package.__file__).parent.glob("*.py"):
        words = set(re.findall(r"[a-z]+(?:_[a-z]+)+", module.read_text()))
        assert not words & kinds, f"{module.name} names node types {sorted(words & kinds)}"
