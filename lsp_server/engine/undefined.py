"""Names an edited file uses that nothing defines, and the imports that would define them (pure).

After a free-form edit of the definitions a request names (engine/scope.py), a Python result whose new
code uses a name nothing binds gets the import where the name is a standard module's (`logging.warning`)
or typing's (`Optional`); other languages, a standard package or type their language.toml lists.
"""

from __future__ import annotations

import builtins
import re
import symtable
import sys
import typing

from .. import syntax

_DEFINED_EVERYWHERE = set(dir(builtins)) | {"__file__", "__name__", "__doc__", "__spec__", "__loader__", "__package__",
                                            "__builtins__", "__path__", "__annotations__", "__dict__", "__module__",
                                            "__qualname__", "__class__"}
STAR_IMPORT = re.compile(r"^\s*from\s+\S+\s+import\s+\*", re.MULTILINE)


def undefined_names(text: str) -> set[str] | None:
    """The names a Python module uses that nothing binds (no assignment, import, definition or builtin);
    None when that cannot be told (it does not compile, or `import *`)."""
    if STAR_IMPORT.search(text):
        return None
    try:
        top = symtable.symtable(text, "<edit>", "exec")
    except (SyntaxError, ValueError):
        return None
    tables, bound, used = [top], set(), set()
    while tables:
        table = tables.pop()
        tables += table.get_children()
        for sym in table.get_symbols():
            name = sym.get_name()
            if table is top:
                if sym.is_assigned() or sym.is_imported() or sym.is_namespace():
                    bound.add(name)
                elif sym.is_referenced():
                    used.add(name)
            elif sym.is_declared_global() and sym.is_assigned():
                bound.add(name)
            elif sym.is_global() and sym.is_referenced():
                used.add(name)
    return used - bound - _DEFINED_EVERYWHERE


def new_undefined(original: str, edited: str, language: syntax.Language) -> set[str]:
    """The names the edited text uses undefined that the original did not. Python: any name (none where
    the original's names cannot be told, as it does not compile); other languages: a standard package
    or type used with no import (`fmt.Errorf` in Go, `io::Result` in Rust; syntax.unbound_uses)."""
    if language.name != "python":
        return syntax.unbound_uses(original.encode("utf-8"), edited.encode("utf-8"), language)
    before = undefined_names(original)
    after = undefined_names(edited) if before is not None else None
    return after - before if after else set()


def imports_for(names: set[str], edited: str, language: syntax.Language) -> list[bytes] | None:
    """Import lines that bind every one of `names` in a Python module: a standard module used as one
    (`logging.warning`) imported by its name, a name of typing's from typing; None when one has none.
    Other languages: the lines language.toml's `standard_imports` and `trait_methods` give them."""
    if language.name != "python":
        table = dict(language.standard_imports) | dict(language.trait_methods)
        if not names or not names <= table.keys():
            return None
        return sorted({language.import_line.format(spec=table[n]).encode() for n in names})
    modules = sorted(n for n in names if n in sys.stdlib_module_names and not n.startswith("_")
                     and re.search(rf"(?<![\w.]){re.escape(n)}\.[^\W\d]", edited))
    typed = sorted(n for n in names if n in typing.__all__ and n not in modules)
    if set(modules) | set(typed) != names:
        return None
    return [f"import {m}".encode() for m in modules] + ([f"from typing import {', '.join(typed)}".encode()] if typed else [])
