"""What one import statement brings in (grammars/<lang>/imports.scm: @import.module, @import.name,
@import.bound, @import.list), and that statement less the names a file does not use (pure, bytes).
"""

from __future__ import annotations

from . import queries
from .languages import Language
from .lines import without


def inside(found: dict, capture: str, lo: int, hi: int) -> list:
    """The nodes captured as `capture` that lie within bytes [lo, hi), in order."""
    return sorted((n for n in found.get(capture, ()) if lo <= n.start_byte and n.end_byte <= hi),
                  key=lambda n: n.start_byte)


def parts(found: dict, node) -> tuple[bytes | None, list[tuple[bytes, bytes]]]:
    """(the module a from-import names, or None; [(each name as written, the name it binds)]) of the
    import `node`, from the imports query's captures over its source (imports.scm's @import.*)."""
    module = inside(found, "import.module", node.start_byte, node.end_byte)
    names = []
    for name in inside(found, "import.name", node.start_byte, node.end_byte):
        bound = inside(found, "import.bound", name.start_byte, name.end_byte)
        if bound:
            names.append((name.text, bound[-1].text))
    return (module[0].text if module else None), names


def statement(language: Language, line: bytes) -> tuple[bytes | None, list[tuple[bytes, bytes]]]:
    """parts() of one import statement's text (None, []: not one)."""
    found = queries.captures(language, line, "imports")
    statements = found.get("import", ())
    return parts(found, statements[0]) if len(statements) == 1 else (None, [])


def from_import(language: Language, module: bytes, first: list[bytes], more: list[bytes]) -> bytes:
    """One import of `module`'s names: `first`, then those of `more` it lacks; kept sorted if `first` was."""
    names = list(dict.fromkeys(first + more))
    if first == sorted(first):
        names.sort()
    return language.from_import.format(module=module.decode(), names=", ".join(n.decode() for n in names)).encode()


def words_outside_imports(source: bytes, language: Language) -> set[bytes]:
    """Every word that may be a name in `source` outside its top-level imports (code, strings: a quoted
    annotation uses its names too, comments), and language.toml's `never_unused` names."""
    imports = queries.ranges(language, source, "imports", ("import",))
    text = without(source, imports, b" ").decode("utf-8", "replace")
    return {w.encode() for w in language.identifier.findall(text)} | {w.encode() for w in language.never_unused}


def used(found: dict, node, words: set[bytes], language: Language) -> bytes | None:
    """The import `node` with only the names it binds that are among `words` (the file's, outside its
    imports); None when it binds none of them. An import whose names cannot be told is kept whole."""
    module, names = parts(found, node)
    if not names:
        return node.text
    kept = [name for name, bound in names if bound in words]
    if not kept:
        return None
    if len(kept) == len(names):
        return node.text
    if not language.from_import:  # JavaScript: `import a, { b, c } from "m"` less the names not used
        return _without_names(found, node, {bound for _, bound in names if bound not in words})
    if module is None:
        return node.text  # `import a, b` with one unused: left as written
    return from_import(language, module, kept, [])


def _without_names(found: dict, node, unused: set[bytes]) -> bytes:
    """The import `node`'s text without its @import.name items whose bound name is in `unused`: each
    `{...}` (@import.list) rewritten with the names it keeps, gone with none left, and so the statement's
    own list of items (a default, a namespace, the braces); the separators as written between the first two."""
    source, base = node.text, node.start_byte

    def item(n, new: bytes | None) -> tuple[int, int, bytes | None]:
        return n.start_byte - base, n.end_byte - base, new

    def named(n) -> tuple[int, int, bytes | None]:
        bound = inside(found, "import.bound", n.start_byte, n.end_byte)
        return item(n, None if bound and bound[-1].text in unused else n.text)

    def joined(lo: int, hi: int, items: list[tuple[int, int, bytes | None]]) -> bytes | None:
        """source[lo:hi] with its items [(start, end, new text or None: gone)] rewritten; None: none left."""
        left = [new for _, _, new in items if new is not None]
        if not left:
            return None
        gap = source[items[0][1]:items[1][0]] if len(items) > 1 else b", "
        return source[lo:items[0][0]] + gap.join(left) + source[items[-1][1]:hi]

    lists = inside(found, "import.list", node.start_byte, node.end_byte)
    items = [named(n) for n in inside(found, "import.name", node.start_byte, node.end_byte)
             if not any(lst.start_byte <= n.start_byte < lst.end_byte for lst in lists)]
    for lst in lists:
        names = [named(n) for n in inside(found, "import.name", lst.start_byte, lst.end_byte)]
        items.append(item(lst, joined(lst.start_byte - base, lst.end_byte - base, names) if names else lst.text))
    items.sort()
    kept = joined(items[0][0], items[-1][1], items) if items else None
    return source if kept is None else source[:items[0][0]] + kept + source[items[-1][1]:]
