"""A file's imports (grammars/<lang>/imports.scm): where a new one goes, and imports that a rewritten
definition's answer wrote above it moved there.

An answer for one function is only that function's lines, so a model that needs an import (`from
typing import Optional`, `import logging`) writes it above the function, in the middle of the file.
"""

from __future__ import annotations

import re
import sys

from . import queries
from .languages import Language
from .import_names import from_import, parts, statement, used, words_outside_imports
from .lines import line_end, line_start, without


def _leading(source: bytes, language: Language, rewritten: list[tuple[int, int]] = ()) -> tuple[list, int] | None:
    """(the file's imports above its first definition, where the next import goes); None: the language
    has no imports query.

    A new import goes after the last top-level import that comes before the first function or class
    (statements between imports, `__version__ = ...`, are passed over), else after the header (a
    docstring, a package clause, 'use strict', comments above it allowed), else after the comments
    the file starts with (a licence, a #! line). `rewritten` (byte spans): a rewritten definition's
    lines, where the search stops too.
    """
    if queries.query(language, "imports") is None:
        return None
    found = queries.captures(language, source, "imports")
    imports = {(n.start_byte, n.end_byte) for n in found.get("import", ())}
    headers = {(n.start_byte, n.end_byte) for n in found.get("header", ())}
    shapes = queries.captures(language, source, "textobjects")
    definitions = {(n.start_byte, n.end_byte) for cap in ("function.outer", "class.outer") for n in shapes.get(cap, ())}
    top, after_import, after_header, after_comment, code = [], None, None, 0, False
    for node in queries.parse(language, source).root_node.named_children:
        key, end = (node.start_byte, node.end_byte), line_end(source, max(node.start_byte, node.end_byte - 1))
        if any(s <= node.start_byte < e for s, e in rewritten):
            break
        if key in imports:
            top.append(node)
            after_import = end
        elif key in definitions or any(s <= node.start_byte and node.end_byte <= e for s, e in definitions):
            break
        elif key in headers and not code and after_import is None:
            after_header = end
        elif "comment" in node.type:
            if not code and after_import is None and after_header is None:
                after_comment = end
        else:
            code = True
    at = after_import if after_import is not None else after_header if after_header is not None else after_comment
    return top, at


def import_spans(source: bytes, language: Language) -> list[tuple[int, int]]:
    """The byte spans of the file's top-level imports (imports.scm's @import), sorted; none when the
    language has no imports query."""
    return queries.ranges(language, source, "imports", ("import",))


def new_import_spans(source: bytes, language: Language, spans: list[tuple[int, int]], original: bytes) -> list[tuple[int, int]]:
    """The byte spans of the top-level imports that start inside `spans` (rewritten code) and that
    `original` (the rewritten lines before the edit) does not have word for word: the imports an answer added."""
    found = queries.captures(language, source, "imports").get("import", ())
    return [(n.start_byte, n.end_byte) for n in found if any(s <= n.start_byte < e for s, e in spans)
            and not re.search(rb"(?m)^[ \t]*" + re.escape(n.text.strip()) + rb"[ \t]*$", original)]


def imported_names(source: bytes, language: Language) -> set[str]:
    """The names the file's imports bind (imports.scm's @import.bound)."""
    found = queries.captures(language, source, "imports")
    return {n.text.decode("utf-8", "replace") for n in found.get("import.bound", ())}


def add_imports(source: bytes, language: Language, lines: list[bytes]) -> tuple[bytes, int]:
    """`source` with import lines added below its leading imports (those it has already left out), and
    the line start from which it changed; (source, len(source)) when nothing was added or the language
    has no imports query.

    Where the language says how to write one (language.toml's `from_import`), the names a line imports
    from a module join the file's one-line import of that module (`from typing import List` becomes
    `from typing import List, Optional`), and new lines of one module become one line.
    """
    leading = _leading(source, language)
    if leading is None:
        return source, len(source)
    top, at = leading
    have = {b"".join(n.text.split()) for n in top}  # as written, spaces aside (`#include<vector>`)
    found = queries.captures(language, source, "imports")
    joins: dict[bytes, tuple] = {}  # module -> (its one-line import in the file, the names it imports)
    for node in top:
        module, names = parts(found, node)
        if language.from_import and module and names and b"\n" not in node.text and b"(" not in node.text:
            joins.setdefault(module, (node, [n for n, _ in names]))
    entries: dict[bytes, list[bytes]] = {}  # a line as it is, or a module -> the names the lines add
    for line in (line.strip() for line in lines):
        if b"".join(line.split()) in have:
            continue
        module, names = statement(language, line) if language.from_import else (None, [])
        if module and names:
            entries.setdefault(module, []).extend(n for n, _ in names)
        else:
            entries.setdefault(line, [])
    edits, new = [], []
    for key, names in entries.items():
        if not names:
            new.append(key + b"\n")
        elif key in joins:
            node, old = joins[key]
            if set(names) - set(old):
                edits.append((node.start_byte, node.end_byte, from_import(language, key, old, names)))
        else:
            new.append(from_import(language, key, names[:1], names[1:]) + b"\n")
    grouped, new = _into_group(source, language, top, found, new)
    edits += grouped
    if not edits and not new:
        return source, len(source)
    blank = [b"\n"] if new and not top and at > 0 else []  # the first import below a docstring or package clause
    pieces, done = [], 0
    for lo, hi, text in sorted(edits):
        pieces += [source[done:lo], text]
        done = hi
    pieces += [source[done:at], *blank, *new, source[at:]]
    return b"".join(pieces), line_start(source, min([at, *(lo for lo, _, _ in edits)]))


def _into_group(source: bytes, language: Language, top: list, found: dict, new: list[bytes]) -> tuple[list, list[bytes]]:
    """([(at, at, an entry's line)] that put the new lines written as language.toml's `import_line` into
    the file's first import group (imports.scm's @import.group: Go's `import ( ... )`), sorted among
    its first block's entries where they are sorted, else at that block's end; the lines that stay
    lines). A spec the group has already is dropped."""
    groups = [g for g in found.get("import.group", ()) if any(n.start_byte <= g.start_byte < n.end_byte for n in top)]
    head, _, tail = language.import_line.partition("{spec}")
    if not groups or language.import_line == "{spec}":
        return [], new
    entries = [e for e in groups[0].named_children if "comment" not in e.type]
    block = []  # the entries up to the first blank line between two
    for entry in entries:
        if block and source[block[-1].end_byte:entry.start_byte].count(b"\n") > 1:
            break
        block.append(entry)
    texts = [e.text for e in block]
    indent = source[line_start(source, block[0].start_byte):block[0].start_byte] if block else b"\t"
    edits, kept = [], []
    for line in new:
        text = line.strip()
        spec = text[len(head):len(text) - len(tail)].strip()
        if not (text.startswith(head.encode()) and text.endswith(tail.encode())) or b"\n" in spec or spec.startswith(b"("):
            kept.append(line)  # not one import (a group of its own stays as written)
            continue
        if spec in {e.text for e in entries}:
            continue
        later = [e for e in block if e.text > spec] if texts == sorted(texts) else []
        at = line_start(source, later[0].start_byte) if later else (
            line_end(source, block[-1].start_byte) if block else line_start(source, groups[0].end_byte - 1))
        edits.append((at, at, indent + spec + b"\n"))
    return edits, kept


def unbound_uses(original: bytes, edited: bytes, language: Language) -> set[str]:
    """The names of language.toml's `standard_imports` that `edited` uses (imports.scm's @import.use: a
    package a call is qualified with, a type) with no import: every occurrence of the word in `edited`
    but a qualified name's tail is such a use, and `original` has the word nowhere but as the tail of a
    qualified name outside its imports (`java.util.Arrays.sort`), in a comment or a string. An import or a
    variable of that name leaves it be, and a glob import leaves every name be."""
    table = dict(language.standard_imports)
    if not table or any(b"*" in node.text for node in queries.captures(language, original, "imports").get("import", ())):
        return set()  # a glob import (`java.util.*`, `std::collections::*`) may bind any name, the user's too
    uses: dict[str, int] = {}
    found = queries.captures(language, edited, "imports")
    for node in found.get("import.use", ()):
        name = _entry(node.text.decode("utf-8", "replace"), table)
        if name is not None:
            uses[name] = uses.get(name, 0) + 1
    unbound, imports = set(), import_spans(original, language)
    said, says = _prose(original, language, imports), _prose(edited, language, import_spans(edited, language))
    for name, count in uses.items():
        word = _word(name.encode())
        if (not any(_binds(original, m.start(), imports) for m in word.finditer(original) if not _inside(m.start(), said))
                and sum(_binds(edited, m.start(), ()) for m in word.finditer(edited) if not _inside(m.start(), says)) == count):
            unbound.add(name)
    return unbound | _unbound_methods(original, edited, language, found)


def _prose(source: bytes, language: Language, imports: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The comments, docstrings and strings of `source` outside its imports: a word there binds nothing ("Such
    strings will be processed", in cobra's doc comment), in an import's string it does."""
    spans = queries.ranges(language, source, "textobjects", ("comment",)) + queries.ranges(
        language, source, "names", ("literal", "prose"))
    return [r for r in spans if not _inside(r[0], imports)]


def _inside(at: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= at < b for a, b in spans)


def _unbound_methods(original: bytes, edited: bytes, language: Language, found: dict) -> set[str]:
    """The methods of language.toml's `trait_methods` that `edited` calls (imports.scm's @import.method)
    where `original` neither calls them nor has their trait's name in any form, and `edited` does not
    name the trait either (`io::stdout().flush()` with no `Write` in the file)."""
    table = dict(language.trait_methods)
    unbound = set()
    for node in found.get("import.method", ()):
        name = node.text.decode("utf-8", "replace")
        trait = re.search(r"(\w+)\W*$", table.get(name, ""))
        if trait and not any(_word(w.encode()).search(original) for w in (name, trait[1])) \
                and not _word(trait[1].encode()).search(edited):
            unbound.add(name)
    return unbound


def _entry(name: str, table: dict[str, str]) -> str | None:
    """The key of `table` that a used name stands for: the name itself, else the name without its
    template arguments and then without its last `::` parts (C++: `std::vector<int>::iterator` is
    `std::vector`, `std::chrono::seconds` is `std::chrono`); None when there is none."""
    name = name.split("<", 1)[0].strip()
    while name not in table and "::" in name:
        name = name.rsplit("::", 1)[0]
    return name if name in table else None


def drop_unused_imports(original: bytes, edited: bytes, language: Language) -> tuple[bytes, int]:
    """`edited` without the standard imports (imports.scm's @import.spec, one of language.toml's
    `standard_imports`; Python: a standard library module's) that `original` used and `edited` no longer
    does, where the language refuses to build with an unused import (`unused_import_is_error`: Go) or
    says to drop it (`drops_unused_standard_imports`: Python); and the line start from which it changed
    ((edited, len(edited)): nothing dropped). An import the original did not use either is left be, and
    so is one that shares its line with another (`import os, sys`)."""
    if not (language.unused_import_is_error or language.drops_unused_standard_imports):
        return edited, len(edited)
    names = {spec.encode(): name.encode() for name, spec in language.standard_imports}
    if language.name == "python":
        names.update((name.encode(), name.encode()) for name in sys.stdlib_module_names if not name.startswith("_"))
    found = queries.captures(language, edited, "imports")
    tops = found.get("import", ())
    cuts = []
    for spec in found.get("import.spec", ()):
        name = names.get(spec.text.strip())
        top = next((n for n in tops if n.start_byte <= spec.start_byte < n.end_byte), None)
        if name is None or top is None or _uses(edited, name, language) or not _uses(original, name, language):
            continue
        alone = len([s for s in found["import.spec"] if top.start_byte <= s.start_byte < top.end_byte]) == 1
        if not alone and any(s is not spec and line_start(edited, s.start_byte) == line_start(edited, spec.start_byte)
                             for s in found["import.spec"]):
            continue
        node = top if alone else spec
        lo, hi = line_start(edited, node.start_byte), line_end(edited, max(node.start_byte, node.end_byte - 1))
        after = edited[node.end_byte:hi].strip()
        if edited[lo:node.start_byte].strip() or (after and not (language.line_comment and after.startswith(
                language.line_comment.encode()))):
            continue  # other code on its line (`import json; DEBUG = True`): left be
        if alone and not edited[line_start(edited, max(lo - 1, 0)):lo].strip() and not edited[hi:line_end(edited, hi)].strip():
            hi = line_end(edited, hi)  # a blank line on either side: one goes with it
        while alone and not edited[:lo].strip() and hi < len(edited) and not edited[hi:line_end(edited, hi)].strip():
            hi = line_end(edited, hi)  # the file's first line: the blank lines below go too
        cuts.append((lo, hi))
    if not cuts:
        return edited, len(edited)
    return without(edited, cuts), min(lo for lo, _ in cuts)


def _uses(source: bytes, name: bytes, language: Language) -> bool:
    """Whether `source` has the word `name` outside its imports, but as a qualified name's tail."""
    imports = import_spans(source, language)
    return any(_binds(source, m.start(), ()) and not any(s <= m.start() < e for s, e in imports)
               for m in _word(name).finditer(source))


def _word(name: bytes) -> re.Pattern[bytes]:
    """`name` as a whole word (`$` is a word character in JavaScript and Java names)."""
    return re.compile(rb"(?<![\w$])" + re.escape(name) + rb"(?![\w$])")


def _binds(source: bytes, at: int, imports: list[tuple[int, int]]) -> bool:
    """Whether the word at byte `at` may bind or be its file's name: anything but a qualified name's tail
    (after `.` or `::`) outside the file's imports."""
    return not source[max(0, at - 80):at].rstrip().endswith((b".", b"::")) or any(s <= at < e for s, e in imports)


def hoist_imports(source: bytes, language: Language, spans: list[tuple[int, int]]) -> tuple[bytes, int]:
    """`source` with the top-level imports that start inside `spans` (byte spans of rewritten code), below
    the file's leading imports, moved up to them (add_imports: merged with those of the same module); one
    the file already has is dropped, and so is a name one imports that the file never uses (a model
    writes `from typing import List, Optional, Union` and uses two).

    Returns the new source and the line start from which it differs from `source` (len(source) if equal).
    """
    leading = _leading(source, language, spans)
    if leading is None:
        return source, len(source)
    top, at = leading
    found = queries.captures(language, source, "imports")
    moved = sorted((n for n in found.get("import", ()) if n.start_byte >= at and any(s <= n.start_byte < e for s, e in spans)),
                   key=lambda n: n.start_byte)
    cuts: list[tuple[int, int, bytes]] = []
    edge = at  # where the imports end: one that starts here is in its place, so the blank lines below stay
    for node in moved:
        lo, hi = line_start(source, node.start_byte), line_end(source, max(node.start_byte, node.end_byte - 1))
        if source[lo:node.start_byte].strip() or source[node.end_byte:hi].strip():
            continue  # shares a line with other code: left where it is
        if lo == edge:
            edge = hi
        else:
            while hi < len(source) and not source[hi:line_end(source, hi)].strip():
                hi = line_end(source, hi)  # the blank lines after it go with it
        cuts.append((lo, hi, node))
    if not cuts:
        return source, len(source)
    rest = without(source, [(lo, hi) for lo, hi, _ in cuts])
    words = words_outside_imports(rest, language)
    lines = [line for _, _, node in cuts if (line := used(found, node, words, language))]
    added, _ = add_imports(rest, language, lines)
    same = next((i for i, (a, b) in enumerate(zip(source, added)) if a != b), min(len(source), len(added)))
    return added, line_start(source, same)


def tells_unused_imports(language: Language) -> bool:
    """Whether imports.scm tells the names an import binds (@import.bound), so that without_unused_imports can."""
    found = queries.query(language, "imports")
    return found is not None and "import.bound" in {found.capture_name(i) for i in range(found.capture_count)}


def without_unused_imports(source: bytes, language: Language) -> bytes:
    """`source` without what its top-level imports bind that nothing else in it names (code, strings,
    comments: a name `__all__` gives counts): a statement none of whose names is used goes with its
    line, a from-import keeps the names that are (_used). Only where imports.scm tells the names an
    import binds (@import.name, @import.bound: python, javascript, typescript); a statement sharing its
    line with other code, one imports.scm marks @import.fixed (`from __future__ import annotations`:
    it binds no name the code uses), and one of language.toml's `never_unused` names (`React`, which
    JSX uses unwritten) stay."""
    found = queries.captures(language, source, "imports")
    words = words_outside_imports(source, language)
    edits: list[tuple[int, int, bytes]] = []
    fixed = {(n.start_byte, n.end_byte) for n in found.get("import.fixed", ())}
    for node in found.get("import", ()):
        lo, hi = line_start(source, node.start_byte), line_end(source, max(node.start_byte, node.end_byte - 1))
        if (node.start_byte, node.end_byte) in fixed or source[lo:node.start_byte].strip() or source[node.end_byte:hi].strip():
            continue
        line = used(found, node, words, language)
        if line is None:
            edits.append((lo, hi, b""))
        elif line != node.text and (not language.from_import or (
                b"\n" not in node.text and b"#" not in source[node.start_byte:hi])):
            # A Python one written over lines or with a comment stays: written back, it would be one line.
            edits.append((node.start_byte, node.end_byte, line))
    out = source
    for lo, hi, new in sorted(edits, reverse=True):
        if not new:  # a whole line gone: not two gaps of blank lines joined into one wider than either
            head, rest = out[:lo], out[hi:]
            above = len(_BREAKS.findall(head[len(head.rstrip(b"\r\n")):])) - 1  # the line above ends in one
            below = _BREAKS.findall(rest[:len(rest) - len(rest.lstrip(b"\r\n"))])
            drop = len(below) if not head.strip() else min(above, len(below))
            hi += sum(map(len, below[:max(drop, 0)]))
        out = out[:lo] + new + out[hi:]
    return out


_BREAKS = re.compile(rb"\r\n|\r|\n")
