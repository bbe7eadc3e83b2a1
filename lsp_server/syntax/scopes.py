"""Edit scopes (which region an edit rewrites) and identifier lookup, in UTF-8 byte offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import queries
from .languages import Language
from .lines import line_end, line_start, whole_lines

# A name: a word that does not start with a digit (ASCII word characters, $, any non-ASCII).
WORD = re.compile(rb"[A-Za-z_$\x80-\xff][\w$\x80-\xff]*")


def _closure(start: int, end: int, nodes: list[tuple[int, int]]) -> tuple[int, int]:
    """[start, end) grown until no node crosses its boundary (so it holds whole nodes only)."""
    changed = True
    while changed:
        changed = False
        for s, e in nodes:
            overlaps = s < end and start < e
            contains = s <= start and end <= e
            if overlaps and not contains and (s < start or e > end):
                start, end, changed = min(start, s), max(end, e), True
    return start, end


def edit_scope(source: bytes, language: Language, start: int, end: int, max_bytes: int) -> tuple[int, int]:
    """Region to rewrite for a selection/cursor/diagnostic [start,end) (UTF-8 byte offsets, end-exclusive).

    Preference order, each grown to whole lines (first line's start .. after the last line's '\\n' or
    EOF), taking the first one no longer than max_bytes:
    1. a selection that spans parts of several function/class/statement nodes: the union of the
       nodes it touches;
    2. the smallest function/class/statement node containing [start,end) (for a cursor, start ==
       end: the smallest such node around it, touching counts), then the enclosing ones outward;
    3. the whole lines of [start,end) (a cursor: its line), whatever their size.
    Comments are not scopes. Unknown language: always 3. A selection of the whole file is (0, len).
    """
    size = len(source)
    start, end = max(0, min(start, size)), max(0, min(end, size))
    if start > end:
        start, end = end, start
    if start == 0 and end == size:
        return 0, size
    fallback = whole_lines(source, start, end)
    if not language.has_grammar:
        return fallback
    comments = set(queries.ranges(language, source, "textobjects", ("comment",)))
    nodes = [r for r in queries.ranges(language, source, "textobjects", queries.SCOPE_CAPTURES) if r not in comments and r[1] > r[0]]
    candidates: list[tuple[int, int]] = []
    if start < end:
        union = _closure(start, end, nodes)
        if any(union[0] <= s and e <= union[1] for s, e in nodes):
            candidates.append(union)
    containing = [(s, e) for s, e in nodes if s <= start and end <= e]
    candidates.extend(sorted(containing, key=lambda r: r[1] - r[0]))
    for s, e in candidates:
        region = line_start(source, s), line_end(source, e - 1)
        if region[1] - region[0] <= max_bytes:
            return region
    return fallback


def names_in(source: bytes, language: Language, start: int = 0, end: int | None = None) -> set[str]:
    """The identifiers (names.scm @identifier captures; no keywords, no words in strings) in [start, end)."""
    end = len(source) if end is None else end
    if not language.has_grammar:
        return {m.group().decode("utf-8", "replace") for m in WORD.finditer(source, start, end)}
    return {n.text.decode("utf-8", "replace") for n in queries.captures(language, source, "names").get("identifier", ())
            if start <= n.start_byte and n.end_byte <= end}


def identifier_at(source: bytes, language: Language, offset: int) -> tuple[int, int, str] | None:
    """(start, end, text) of the identifier touching byte `offset` (start <= offset <= end), or None.

    Prefers the @identifier captures of grammars/<lang>/names.scm, then any named leaf whose text is a
    word; unknown language: the word (letters, digits, _, $) around the offset.
    """
    if language.has_grammar:
        touching = [
            n for n in queries.captures_near(language, source, "names", offset, offset).get("identifier", ())
            if n.start_byte <= offset <= n.end_byte
        ]
        if touching:
            # The one the offset is inside beats one that merely ends at it.
            node = max(touching, key=lambda n: (n.start_byte <= offset < n.end_byte, n.start_byte))
            return node.start_byte, node.end_byte, node.text.decode("utf-8", "replace")
        root = queries.parse(language, source).root_node
        for probe in (offset, offset - 1):
            if probe < 0:
                continue
            leaf = root.descendant_for_byte_range(probe, probe + 1)
            if leaf is not None and leaf.is_named and leaf.child_count == 0 and WORD.fullmatch(leaf.text or b""):
                return leaf.start_byte, leaf.end_byte, leaf.text.decode("utf-8", "replace")
        return None
    lo, hi = line_start(source, offset), line_end(source, offset)
    for match in WORD.finditer(source, lo, hi):
        if match.start() <= offset <= match.end():
            return match.start(), match.end(), match.group().decode("utf-8", "replace")
    return None


# Siblings that belong to the definition after them when they end on the line just above it.
_ATTACHED = ("comment", "attribute", "decorator", "annotation")


@dataclass(frozen=True)
class Unit:
    """Whole lines [start, end) of a region that stand or fall together (byte offsets into the source).

    A definition (with the comments, attributes and decorators right above it) has its `name`. An
    edge (no name) is the region's last lines when they are only what is attached to a definition
    that starts after the region: the decorator of a class that runs on past it.
    """

    start: int
    end: int
    name: str | None = None


def _name_node(node, named: list):
    """The identifier a definition node declares: its `name` field, looking through decorators and
    declarators, else the first @definition.name capture inside it (grammars/<lang>/textobjects.scm)."""
    inner = node
    for _ in range(4):
        name = inner.child_by_field_name("name")
        if name is not None:
            return name
        inner = inner.child_by_field_name("definition") or inner.child_by_field_name("declarator")
        if inner is None:
            break
    return next((n for n in named if node.start_byte <= n.start_byte and n.end_byte <= node.end_byte), None)


def region_units(source: bytes, language: Language, start: int, end: int) -> list[Unit]:
    """The named definitions lying whole inside the region [start, end) (outermost only), and its edge, sorted.

    `start`, `end` are line starts (or the source's end). Unknown language: none.
    """
    if not language.has_grammar:
        return []
    found = queries.captures(language, source, "textobjects")
    units: list[Unit] = []
    outer: list[tuple[int, int]] = []
    for node in sorted((n for cap in ("function.outer", "class.outer") for n in found.get(cap, ())),
                       key=lambda n: (n.start_byte, -n.end_byte)):
        lo, hi = line_start(source, node.start_byte), line_end(source, max(node.start_byte, node.end_byte - 1))
        if not (start <= lo and hi <= end) or any(s <= lo and hi <= e for s, e in outer):
            continue
        outer.append((lo, hi))
        name = _name_node(node, found.get("definition.name", []))
        if name is None:
            continue
        units.append(Unit(_with_attached(source, node, start), hi, name.text.decode("utf-8", "replace")))
    for node in found.get("statement.outer", ()):
        inside = [c for c in node.named_children if c.start_byte < end]
        if start <= node.start_byte < end < node.end_byte and inside and all(map(_attached, inside)):
            edge = Unit(line_start(source, node.start_byte), end)
            if not any(u.start < edge.end and edge.start < u.end for u in units):
                units.append(edge)
            break
    return sorted(units, key=lambda u: (u.start, u.end))


def definitions_named(source: bytes, language: Language, name: str,
                      kinds: tuple[str, ...] = ("function.outer", "class.outer")) -> list[Unit]:
    """Every definition (function, method, class, at any depth) that declares `name`, as whole lines with
    the comments, attributes and decorators right above it; sorted. `kinds`: the textobjects captures
    looked at (functions and methods, classes). Unknown language: none."""
    return sorted({u for kind, u in definitions(source, language).get(name, ()) if kind in kinds},
                  key=lambda u: (u.start, u.end))


def definitions(source: bytes, language: Language) -> dict[str, list[tuple[str, Unit]]]:
    """Every named definition of the source by its name: (its textobjects capture, its Unit), as
    `definitions_named` gives them. Unknown language: none."""
    if not language.has_grammar:
        return {}
    found = queries.captures(language, source, "textobjects")
    owners = found.get("definition.owner", [])
    by_name: dict[str, list[tuple[str, Unit]]] = {}
    for kind in ("function.outer", "class.outer"):
        for node in found.get(kind, ()):
            declared = _name_node(node, found.get("definition.name", []))
            if declared is None:
                continue
            name = declared.text.decode("utf-8", "replace")
            end = line_end(source, max(node.start_byte, node.end_byte - 1))
            unit = Unit(_with_attached(source, node, 0), end, name)
            # A method a constructor's prototype is given is that constructor's too (textobjects' @definition.owner).
            owner = next((o for o in owners if node.start_byte <= o.start_byte < declared.start_byte), None)
            for key in (name,) if owner is None else (name, owner.text.decode("utf-8", "replace")):
                found_before = by_name.setdefault(key, [])
                # A C++ template and the function it declares end together: one definition, from the template.
                same = next((i for i, (k, u) in enumerate(found_before) if k == kind and u.end == end), None)
                if same is None:
                    found_before.append((kind, unit))
                elif unit.start < found_before[same][1].start:
                    found_before[same] = (kind, unit)
    return by_name


def _with_attached(source: bytes, node, start: int) -> int:
    """Where `node`'s first line starts, moved up over the comments, attributes and decorators right
    above it (not above `start`), which may be above a wrapper on its lines (`export function`)."""
    while (node.prev_named_sibling is None and node.parent is not None and node.parent.parent is not None
           and node.parent.start_point[0] == node.start_point[0] and node.parent.end_point[0] == node.end_point[0]):
        node = node.parent
    first, previous = node, node.prev_named_sibling
    while (previous is not None and _attached(previous)
           and previous.end_point[0] >= first.start_point[0] - 1 and line_start(source, previous.start_byte) >= start):
        first, previous = previous, previous.prev_named_sibling
    return line_start(source, first.start_byte)


def _attached(node) -> bool:
    """A comment, attribute, decorator or annotation: it belongs to the definition after it."""
    return any(word in node.type for word in _ATTACHED)


@dataclass(frozen=True)
class DocSite:
    """A definition (whole lines [start, end), with what is attached above it) and the byte by which its
    doc has been written: an answer that went past it wrote that definition's doc or none."""

    start: int
    end: int
    name: str
    site: int


def doc_sites(source: bytes, language: Language, start: int, end: int, inside: bool) -> list[DocSite]:
    """The named definitions lying whole inside [start, end), at any depth, with their doc's site: where
    the definition's own first line starts (a doc comment above it), or, `inside` (docstrings), where the
    first statement of its body starts, or ends if that is prose (a docstring to rewrite); sorted."""
    if not language.has_grammar:
        return []
    found = queries.captures(language, source, "textobjects")
    blocks = found.get("block.outer", [])
    prose = sorted(queries.ranges(language, source, "textobjects", ("comment",))
                   + queries.ranges(language, source, "names", ("prose",)))
    sites: list[DocSite] = []
    for node in (n for cap in ("function.outer", "class.outer") for n in found.get(cap, ())):
        lo, hi = line_start(source, node.start_byte), line_end(source, max(node.start_byte, node.end_byte - 1))
        declared = _name_node(node, found.get("definition.name", []))
        if not (start <= lo and hi <= end) or declared is None:
            continue
        site = line_start(source, node.start_byte)
        if inside:
            body = next((b for b in blocks if declared.end_byte <= b.start_byte and b.end_byte <= node.end_byte), None)
            if body is None:
                continue  # no body to hold a docstring (a one-line lambda bound to a name)
            site = body.start_byte
            for a, b in prose:
                if a == site:
                    site = b
        sites.append(DocSite(_with_attached(source, node, start), hi, declared.text.decode("utf-8", "replace"), site))
    return sorted(set(sites), key=lambda s: (s.start, s.end, s.site))


def defines_nothing(language: Language) -> bool:
    """Whether the language's textobjects capture no function nor class: a stylesheet's, a data file's."""
    compiled = queries.query(language, "textobjects")
    return compiled is not None and not any(compiled.capture_name(i) in ("function.outer", "class.outer")
                                            for i in range(compiled.capture_count))


def statements_holding(source: bytes, language: Language, needles: list[bytes], uses: bool = False,
                       beside: frozenset[bytes] = frozenset()) -> list[tuple[int, int]] | None:
    """For a language whose textobjects name no functions nor classes (a stylesheet, a data file): the whole
    lines of the innermost statements (`@statement.outer`, no comment) that hold every needle the source has
    outside comments, merged where they touch; [] where no statement holds them all; None where the language
    has definitions or the source has none of the needles. A needle matches whole: not inside a longer name;
    where it is declared (`@definition.name`: `--radius: 4px`, a rule's selector `.dark`), only there unless
    `uses` (then `var(--radius)` too). A needle `beside` names a place ("after --destructive"): what goes
    there is written in the statement around it, not in it (shown its one line, the 1.5B wrote it back)."""
    if not defines_nothing(language):
        return None
    found = queries.captures(language, source, "textobjects")
    comments = [(c.start_byte, c.end_byte) for c in found.get("comment", ())]
    places, placed = [], []
    for needle in needles:
        word = re.compile(rb"[\w-]")
        edged = (rb"(?<![\w-])" if word.match(needle[:1]) else b"") + re.escape(needle) + (
            rb"(?![\w-])" if word.match(needle[-1:]) else b"")  # `.btn` in `a.btn`, not in `.btn-primary`
        at = [m.start() for m in re.finditer(edged, source)
              if not any(a <= m.start() < b for a, b in comments)]
        # declared: the whole of a name a declaration gives (`--radius:`, a `"lint"` key, `.dark` of `.dark, .x {`)
        names = [d for d in found.get("definition.name", ()) if needle in (
            item.strip().strip(b"\"'") for item in d.text.split(b","))]
        declared = [a for a in at if any(d.start_byte <= a < d.end_byte for d in names)]
        if at and not declared and not uses and found.get("definition.name"):
            return None  # said but not declared (`.card` of `.card .title` alone, `lint` in a script's text): new
        if at:
            places.append(at if uses or not declared else declared)
            placed += places[-1] if needle in beside else []
    if not places:
        return None
    statements = {(n.start_byte, n.end_byte) for n in found.get("statement.outer", ())} - set(comments)
    blocks = {(n.start_byte, n.end_byte) for n in found.get("block.outer", ())}
    chosen = []
    for outer in _innermost(_holding(statements, places)):
        # a needle only its head holds (`.dark` of "--card in .dark") says where: inside, what holds the others
        inner = {s for s in statements if outer[0] <= s[0] and s[1] <= outer[1] and s != outer}
        targets = [at for at in places if not set(at) & set(placed)
                   and any(s[0] <= a < s[1] for s in inner for a in at if outer[0] <= a < outer[1])]
        for span in (_innermost(_holding(inner, targets)) if len(targets) < len(places) else []) or [outer]:
            lone = any(span[0] <= a < span[1] and not any(span[0] <= s[0] and s[1] <= span[1] and s[0] <= a < s[1]
                                                          for s in inner if s != span) for a in placed)
            chosen.append(_siblings(span, statements, blocks) if lone else span)
    spans: list[tuple[int, int]] = []
    for a, b in sorted(set(chosen)):
        lo, hi = line_start(source, a), line_end(source, max(a, b - 1))
        if spans and lo <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], hi))
        else:
            spans.append((lo, hi))
    return spans


def _holding(spans: set[tuple[int, int]], places: list[list[int]]) -> set[tuple[int, int]]:
    """The spans that hold one of each list of places."""
    return {s for s in spans if places and all(any(s[0] <= a < s[1] for a in at) for at in places)}


def _innermost(spans: set[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans that hold no other, sorted."""
    return sorted(s for s in spans if not any(o != s and s[0] <= o[0] and o[1] <= s[1] for o in spans))


def _siblings(span: tuple[int, int], statements: set[tuple[int, int]], blocks: set[tuple[int, int]]) -> tuple[int, int]:
    """From the first to the last statement of the innermost block around `span`, its braces left out (a JSON
    member's comma, a rule's closing brace stay as they are: shown `"scripts": {...},` to remove a member of,
    the 1.5B dropped the comma after its brace); `span` itself where no block holds it."""
    around = [b for b in blocks if b[0] <= span[0] and span[1] <= b[1] and b != span]
    if not around:
        return span
    block = min(around, key=lambda b: b[1] - b[0])
    inside = [s for s in statements if block[0] < s[0] and s[1] < block[1]]
    top = [s for s in inside if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in inside)]
    return (min(s[0] for s in top), max(s[1] for s in top)) if top else span
