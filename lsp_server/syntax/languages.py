"""Language registry: maps paths and LSP languageIds to grammars described by grammars/<lang>/language.toml."""

from __future__ import annotations

import functools
import importlib
import importlib.resources
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from ..tomlcompat import tomllib

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Language:
    """One source language; `name` is "text" (and there is no grammar) for unknown files."""

    name: str
    line_comment: str | None
    # What a name may look like (language.toml's `identifier`), and the words that cannot be names.
    identifier: re.Pattern[str] = field(default=re.compile(r"[^\W\d]\w*"), compare=False)
    reserved: frozenset[str] = field(default=frozenset(), repr=False, compare=False)
    # Separators and closers a syntax repair may insert or delete (language.toml's `repair_tokens`).
    repair_tokens: tuple[str, ...] = field(default=(), repr=False, compare=False)
    # One import of several names from a module (language.toml's `from_import`: {module}, {names}).
    from_import: str | None = field(default=None, repr=False, compare=False)
    # A type made to admit None ({type}: the annotation; types.scm), and what finds a type to leave as it is.
    optional_forms: tuple[str, ...] = field(default=(), repr=False, compare=False)
    optional_as_is: re.Pattern[str] | None = field(default=None, repr=False, compare=False)
    # A name written as a type that means another (language.toml's `type_names`: `any` -> `Any`).
    type_names: tuple[tuple[str, str], ...] = field(default=(), repr=False, compare=False)
    # A standard module or type new code may use without importing it (language.toml's `standard_imports`:
    # the name as imports.scm's @import.use finds it -> its import), and how one import is written
    # (`import_line`, {spec}: the table's value; absent: the value is the whole line).
    standard_imports: tuple[tuple[str, str], ...] = field(default=(), repr=False, compare=False)
    import_line: str = field(default="{spec}", repr=False, compare=False)
    # A method of a standard trait new code calls with the trait not in scope (language.toml's
    # `trait_methods`: the method as imports.scm's @import.method finds it -> the trait's import; Rust).
    trait_methods: tuple[tuple[str, str], ...] = field(default=(), repr=False, compare=False)
    # An import nothing uses stops the build (Go): one an edit left unused goes (language.toml).
    unused_import_is_error: bool = field(default=False, repr=False, compare=False)
    # A standard module's import an edit left unused goes all the same (Python: a lint error, F401).
    drops_unused_standard_imports: bool = field(default=False, repr=False, compare=False)
    # How a doc comment written above a definition opens (language.toml's `doc_opening`; absent: Python,
    # whose docstrings go inside).
    doc_opening: str | None = field(default=None, repr=False, compare=False)
    # A doc comment starts with the name it documents (language.toml's `doc_names`: Go's "// Len returns ...").
    doc_names: bool = field(default=False, repr=False, compare=False)
    # Imported names that count as used where no word names them (language.toml: `React`, which JSX uses).
    never_unused: tuple[str, ...] = field(default=(), repr=False, compare=False)
    _ts_language: Any = field(default=None, repr=False, compare=False)
    _inherits: tuple[str, ...] = field(default=(), repr=False, compare=False)

    @property
    def has_grammar(self) -> bool:
        return self._ts_language is not None


TEXT = Language("text", None)


def grammars_root():
    """The grammars/ folder: inside the installed package (wheel) or at the repo root (dev)."""
    try:
        packaged = importlib.resources.files("lsp_server") / "grammars"
        if packaged.is_dir():
            return packaged
    except (ModuleNotFoundError, TypeError, AttributeError):
        pass
    return Path(__file__).resolve().parents[2] / "grammars"


def _load_ts_language(spec: dict[str, Any]):
    """The tree-sitter Language for a spec, or None when its grammar wheel is not installed."""
    try:
        import tree_sitter

        module = importlib.import_module(spec["module"])
        return tree_sitter.Language(getattr(module, spec.get("function", "language"))())
    except (ImportError, AttributeError, ValueError) as exc:
        log.warning("grammar for %s unavailable (%s); using line-based behaviour", spec.get("name"), exc)
        return None


@functools.lru_cache(maxsize=1)
def _registry() -> tuple[dict[str, dict], dict[str, str], dict[str, str]]:
    """(specs by name, name by file extension/file name, name by LSP languageId)."""
    specs: dict[str, dict] = {}
    by_ext: dict[str, str] = {}
    by_id: dict[str, str] = {}
    root = grammars_root()
    if not root.is_dir():
        log.warning("no grammars folder at %s", root)
        return specs, by_ext, by_id
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        toml_file = entry / "language.toml"
        if not (entry.is_dir() and toml_file.is_file()):
            continue
        spec = tomllib.loads(toml_file.read_text(encoding="utf-8"))
        spec.setdefault("name", entry.name)
        specs[spec["name"]] = spec
        for ext in spec.get("extensions", []):
            by_ext[ext.lower()] = spec["name"]
        for file_name in spec.get("file_names", []):
            by_ext[file_name] = spec["name"]
        for language_id in spec.get("language_ids", []):
            by_id[language_id] = spec["name"]
    return specs, by_ext, by_id


@functools.lru_cache(maxsize=None)
def language_named(name: str) -> Language:
    """The Language registered as `name` (grammar loaded once), or TEXT if there is none."""
    spec = _registry()[0].get(name)
    if spec is None:
        return TEXT
    return Language(
        name=name,
        line_comment=spec.get("line_comment") or None,
        identifier=re.compile(spec.get("identifier", TEXT.identifier.pattern)),
        reserved=frozenset(spec.get("reserved", [])),
        repair_tokens=tuple(spec.get("repair_tokens", [])),
        from_import=spec.get("from_import"),
        optional_forms=tuple(spec.get("optional_forms", [])),
        optional_as_is=re.compile(spec["optional_as_is"]) if spec.get("optional_as_is") else None,
        type_names=tuple(spec.get("type_names", {}).items()),
        standard_imports=tuple(spec.get("standard_imports", {}).items()),
        import_line=spec.get("import_line", "{spec}"),
        trait_methods=tuple(spec.get("trait_methods", {}).items()),
        unused_import_is_error=bool(spec.get("unused_import_is_error", False)),
        drops_unused_standard_imports=bool(spec.get("drops_unused_standard_imports", False)),
        doc_opening=spec.get("doc_opening") or None,
        doc_names=bool(spec.get("doc_names", False)),
        never_unused=tuple(spec.get("never_unused", [])),
        _ts_language=_load_ts_language(spec),
        _inherits=tuple(spec.get("inherits", [])),
    )


def language_for(path: str | None = None, language_id: str | None = None) -> Language:
    """The language of a document from its LSP languageId (preferred) or its path; never raises."""
    _, by_ext, by_id = _registry()
    if language_id and language_id in by_id:
        return language_named(by_id[language_id])
    if path:
        pure = PurePath(path.split("?", 1)[0])
        if pure.name in by_ext:
            return language_named(by_ext[pure.name])
        suffix = pure.suffix.lower()
        if suffix in by_ext:
            return language_named(by_ext[suffix])
    return TEXT


def known_languages() -> list[str]:
    """Names of all languages with a language.toml, sorted."""
    return sorted(_registry()[0])
