"""What a free-form answer may not leave out: the whole definitions of its region (pure, str).

A small model asked to change one function of a region often answers with that function alone, or skips the ones
around it, though the prompt asks for every line. Lines it did not write are deleted code. A definition lying whole
in the region (with the comments and attributes above it) that the answer left out, not one of its lines kept and
its name not in the answer's new code, is put back where it stood; so is a decorator or attribute at the region's
end whose definition runs on past it. So is the region's code before its first definition and after its last
(imports, constants, an export) when the answer starts at a definition, with at most new comments above it, or ends
with one, and kept none of those lines: a fragment, not a rewrite. A request that may mean removing, moving,
merging, converting or renaming code is taken at its word: nothing is put back.

An answer that lost a long run of lines, writing next to nothing in their place, is refused unless the request may
mean removing or shortening code; so is one that wrote no code of its own yet lost some, and one that no longer
defines a name the region defined (another function's opening written over one's; a new function the request asks
for written in its place is put beside it: blocks.beside), unless the request may mean removing or renaming code.
One that began with other code of the file is stopped within its first lines (Keeper.astray).

A line the answer changed in its spacing only (`maxc-minc` -> `maxc - minc`, two spaces before a comment) is put
back as it was, unless the request is about layout: a model's house style is a change nobody asked for. Its
indentation and the text of its string literals must be the same (engine/spacing.py).
"""

from __future__ import annotations

import difflib
import functools
import re

from .. import coords, syntax
from ..errors import EditError
from . import asked, blocks, scope
from .resume import resumed, without_copies, without_lines_above, without_lines_below
from .spacing import indent as _indent
from .spacing import unrestyled

# Words of a request that may mean whole definitions should go or change their form; then the
# answer stands as written.
REMOVING = re.compile(
    r"\b(remov|delet|drop|strip|eliminat|get rid|get \w+ out|no longer|inlin|merg|combin|consolidat|unif|"
    r"single|one (?:function|method|class)|dedup|de-dup|collaps|move|moving|unused|dead|prun|cut|trim|"
    r"extract|split|renam|convert|turn|transform|wrap|group|sort|reorder|order|namespace|record|namedtuple|"
    r"arrow|lambda|rewrite (?:it|them|these|this) as)", re.I)
_EXTRACT = re.compile(r"\bextract\w*", re.I)
# Words of a request that may mean code should get shorter (besides REMOVING's).
SHORTENING = re.compile(r"\b(simplif|shorten|condens|compact|refactor|clean|reduc|tidy|minif|rewrit|comprehension|"
                        r"one[- ]liner|declarative|idiomatic)", re.I)
# Words of a request that may be about layout; then spacing changes stand.
RESTYLING = re.compile(r"\b(format|style|spac|whitespace|blank|empty line|indent|align|pep ?8|black|prettier|gofmt|"
                       r"rustfmt|clang-format|lint|wrap|line length|long|characters|columns|tidy|clean|readab|consistent)",
                       re.I)
DROPPED_MIN_LINES = 10  # lines with words gone, a quarter as many written: skipped (a comprehension loses 6)
# What a refused answer's message suggests: a narrower region, where the model has less to copy.
ASK_AGAIN = "(ask again for the code to change alone: a selection, --lines or --symbol)"
_QUOTED = re.compile(r'"""[\s\S]*?"""|"[^"\n]*"|`[^`\n]*`|(?<!\w)\'[^\'\n]*\'(?!\w)')
# A word that names code after a name: "the remove method" speaks of `remove`, it asks to remove nothing.
_NAMES_CODE = r"(?=\s*(?:\(|method|function|func|fn|class|struct|type|field|property|attribute|variable|constant))"
# Lines that say nothing alone ("}", "]);", blank): an answer has them anyway, so they show nothing.
_WORDLESS = re.compile(r"^\W*$")
# A line that is a comment only: a name there is prose, not code.
_COMMENT = re.compile(r"^\s*(#|//|/\*|\*|--|;)")
_BREAKS = ("\n", "\r")
ASTRAY_LINES = 12  # an answer's first lines with words Keeper.astray watches for other code of the file


class Keeper:
    """The units of one region (text[start:end], str indices) and whether the request may remove them."""

    def __init__(self, text: str, start: int, end: int, instruction: str, language: syntax.Language):
        self.text, self.start, self.end, self.language = text, start, end, language
        source = text.encode("utf-8")
        lo, hi = coords.byte_span(text, (start, end))
        self.base = lo
        self.units = syntax.region_units(source, language, lo, hi)
        self.region = text[start:end]
        self.original = coords.lsp_lines(self.region)
        self.newline = "\r\n" if self.region.count("\r\n") * 2 > self.region.count("\n") else "\n"
        words = _request_words(instruction, source, language, lo, hi)
        self.asked = asked.asked_names(instruction)  # new definitions it asks for ("Add a CheckErrf function")
        # "Extract ... into a helper f": the definitions it comes from stay, calling f (not put back beside it).
        self.extracting = bool(self.asked and _EXTRACT.search(words) and not REMOVING.search(_EXTRACT.sub(" ", words)))
        removing = bool(REMOVING.search(words)) and not self.extracting
        self.removing = bool(self.units) and removing
        self.shortening = removing or bool(SHORTENING.search(words))
        self.restyling = bool(RESTYLING.search(words))
        self.first_line = text.count("\n", 0, start) + 1  # the region's first line in the file, 1-based
        # Where each unit ends, as a str index into the region; and where the code before the first
        # definition does (the stream holds there too).
        named = [u for u in self.units if u.name is not None]
        self.ends = sorted([coords.str_index(source, u.end) - start for u in self.units]
                           + [coords.str_index(source, u.start) - start for u in named[:1]])
        self.first_unit, self.last_unit = (named[0].start, max(u.end for u in self.units)) if named else (None, None)
        self._declares = _declaring([u.name for u in named]).search if named else None
        self.last_named = named[-1].start if named else None
        self._astray: int | None | bool = False  # astray(): not decided yet

    def left_out(self, output: str, upto: int | None = None) -> int:
        """How many units of region[:upto] (default: all of it) the answer `output` left out."""
        return 0 if self.removing or not self.units else len(self._left_out(output, upto)[0])

    def keep(self, output: str) -> tuple[str, int]:
        """`output` (the region's new text) with the units it left out put back; and how many there were."""
        left_out, answer, anchors = ([], [], {}) if self.removing or not self.units else self._left_out(output, None)
        if not left_out:
            return output, 0
        original = self.original
        gone = {i for first, last in left_out for i in range(first, last)}
        kept_lines = set(anchors.values())
        inserts: dict[int, list[tuple[list[str], list[str], list[str]]]] = {}  # answer line -> (blanks, unit, blanks)
        for first, last in left_out:
            before = max((i for i in anchors if i < first), default=-1)
            after = min((i for i in anchors if i >= last), default=len(original))
            # At the answer's end where nothing of the region followed it; ahead of the answer's new
            # text where nothing but left-out units precedes it in the gap; else after that text.
            if all(i in gone or not original[i].strip() for i in range(last, len(original))):
                at = len(answer)
            elif all(i in gone or not original[i].strip() for i in range(before + 1, first)):
                at = anchors[before] + 1 if before >= 0 else 0
            else:
                at = anchors[after] if after < len(original) else len(answer)
                # Above the new comment the answer wrote for that line's definition, not between them.
                while at > 0 and at - 1 not in kept_lines and _COMMENT.match(answer[at - 1]):
                    at -= 1
            head, tail = first, last
            while head > 0 and not original[head - 1].strip():
                head -= 1
            while tail < len(original) and not original[tail].strip():
                tail += 1
            inserts.setdefault(at, []).append((original[head:first], original[first:last], original[last:tail]))
        lines: list[str] = []
        for i in range(len(answer) + 1):
            pieces = inserts.get(i, [])
            for n, (blanks_before, unit_lines, blanks_after) in enumerate(pieces):
                if lines and not lines[-1].endswith(_BREAKS):
                    lines[-1] += self.newline
                if lines and lines[-1].strip():
                    lines += blanks_before  # kept apart from the line above as in the original
                lines += [line if line.endswith(_BREAKS) else line + self.newline for line in unit_lines]
                if n == len(pieces) - 1 and i < len(answer) and answer[i].strip():
                    lines += blanks_after  # and from the answer's next line
            if i < len(answer):
                lines.append(answer[i])
        result = "".join(lines)
        if not output.endswith(_BREAKS) and result.endswith(_BREAKS) and not self.region.endswith(_BREAKS):
            result = result[: -len(self.newline) if result.endswith(self.newline) else -1]
        return result, len(left_out)

    def final(self, output: str) -> tuple[str, int]:
        """keep(output) less the file's lines around the region it began or ended with (resume.py), or EditError where
        it skipped a run of lines (skipped()) or lost code writing none (code_lost()), unless only after its prose."""
        output = without_copies(self.text, self.start, self.end, without_lines_below(
            self.text, self.start, self.end, output, self.language), self.language)
        result, kept = self.keep(without_lines_above(self.text[:self.start], output, self.region))
        result = self.unrestyled(result)
        if skipped := self.skipped(result):
            first, last, lost = skipped
            raise EditError(f"the model's answer dropped {lost} of lines {first}-{last}, which the request does not ask "
                            f"to remove {ASK_AGAIN}", kind="model")
        lost = self.code_lost(result)
        comments = {i for i, line in enumerate(self.original) if _COMMENT.match(line)}
        if lost and (whole := resumed(self.original, result, self._code_lines(self.text, self.start, self.original),
                                      comments, lost, self.newline)) is not None:
            result, lost = whole, []  # it stopped after its prose: the code after it as it was
        if lost:
            raise EditError(f"the model's answer wrote no code, yet dropped {len(lost)} line(s) of it, first line "
                            f"{self.first_line + lost[0]} {ASK_AGAIN}", kind="model")
        if (gone := self.undefined(result)) and not self.extracting and (
                both := blocks.beside(self.text, self.start, self.end, result, self.asked, self.language)):
            result = both  # the new definition asked for, written in place of the region's: beside it
        elif gone:
            raise EditError(f"the model's answer no longer defines {', '.join(gone)}, which the request does not ask "
                            f"to remove or rename {ASK_AGAIN}", kind="model")
        return result, kept

    def astray(self, output: str) -> int | None:
        """The file's line (1-based) that the answer `output`, so far, began with instead of its region's
        code: before any line of the region or opening of its definitions, it opened one of the file's
        definitions outside the region or wrote the file's first line (a module docstring); a small
        model that copies the file from its top, or the functions above the one named, runs on to its
        token budget. None while that is not so or not yet known. Only a region of whole definitions
        that does not start the file; decided once, within the answer's first lines with words."""
        if self._astray is not False or self.first_unit is None or not self.text[: self.start].strip():
            return self._astray or None
        lines = re.findall(r"[^\n]*\w[^\n]*\n", output)[:ASTRAY_LINES]
        if not lines:
            return None
        own, theirs, starts, region, top = self._elsewhere
        for line in (line.strip() for line in lines):
            # A comment or attribute line the region has says nothing: `#[derive(Debug)]` opens many definitions.
            if (line in region and not scope.ATTACHED_LINE.match(line)) or (own and own.match(line)):
                self._astray = None
            elif theirs and (declared := theirs.match(line)):
                self._astray = starts[declared.group(1)]
            elif top and line == top[0]:
                self._astray = top[1]
            if self._astray is not False:
                return self._astray
        if len(lines) == ASTRAY_LINES:
            self._astray = None
        return None

    @functools.cached_property
    def _elsewhere(self) -> tuple:
        """What astray() looks for, worked out once: (a line opening one of the region's definitions, one
        opening a definition outside it, the file's line where each of those starts, the region's lines,
        (the file's first line with words, its line number) unless that line is an import, which a
        model may well write above its code)."""
        source = self.text.encode("utf-8")
        lo, hi = self.base, self.base + len(self.region.encode("utf-8"))
        found = syntax.definitions(source, self.language)
        others = {name: units for name, units in found.items() if not any(lo <= u.start < hi for _, u in units)}
        mine = [name for name in found if name not in others]
        starts = {name: self.text.count("\n", 0, coords.str_index(source, min(u.start for _, u in units))) + 1
                  for name, units in others.items()}
        top_at = re.search(r"^[ \t]*(\S[^\n]*\w[^\n]*|\w[^\n]*)", self.text, re.M)
        top = (top_at.group(1).strip(), self.text.count("\n", 0, top_at.start()) + 1) if top_at else None
        if top_at and any(a <= coords.index_to_byte(self.text, top_at.start(1)) < b
                          for a, b in syntax.import_spans(source, self.language)):
            top = None
        return (_opening(mine) if mine else None, _opening(list(others)) if others else None, starts,
                {line.strip() for line in self.original}, top)

    def undefined(self, output: str) -> list[str]:
        """The names of the region's definitions that no definition in the answer `output` has (it wrote
        another function's opening over one's: `def insort_right(` where `def bisect_right(` stood, the
        body kept); [] when the request may mean removing, renaming or converting code."""
        names = [u.name for u in self.units if u.name is not None]
        if self.removing or not names:
            return []
        edited = self.text[: self.start] + output + self.text[self.end:]
        lo, hi = coords.byte_span(edited, (self.start, self.start + len(output)))
        found = syntax.definitions(edited.encode("utf-8"), self.language)
        gone = [name for name in dict.fromkeys(names) if not any(u.start < hi and lo < u.end for _, u in found.get(name, ()))]
        # An answer that stopped inside one (its closing `};` not written) breaks the syntax: said as such after.
        return [] if gone and syntax.introduced_problems(self.text.encode(), edited.encode(), self.language) else gone

    def unrestyled(self, output: str) -> str:
        """`output` with each line that differs from its original line in spacing only put back as it was
        (spacing.unrestyled); as it is when the request is about layout."""
        return output if self.restyling else unrestyled(self.original, output)

    def code_lost(self, output: str) -> list[int]:
        """The region's code lines (indices) gone from an answer that wrote no code line of its own; [] when
        it wrote some, lost none, or the request may mean removing or shortening code. Code lines have
        words and are no comment or docstring; a rewritten first line of a definition is no new code."""
        if self.shortening or self.first_unit is None:
            return []
        answer = coords.lsp_lines(output)
        edited = self.text[: self.start] + output + self.text[self.end:]
        before = {line.strip() for line in self.original}
        if any(answer[i].strip() not in before and not self._declares(answer[i])
               for i in self._code_lines(edited, self.start, answer)):
            return []
        after = {line.strip() for line in answer}
        return [i for i in self._code_lines(self.text, self.start, self.original)
                if self.original[i].strip() not in after and not self._declares(self.original[i])]

    def _code_lines(self, text: str, start: int, lines: list[str]) -> list[int]:
        """Indices of `lines` (text's lines from str index `start`) with words outside comments and docstrings."""
        source = text.encode("utf-8")
        prose = syntax.prose_ranges(source, self.language)
        code, at = [], len(text[:start].encode("utf-8"))
        for i, line in enumerate(lines):
            raw = line.encode("utf-8")
            lo, hi = at + len(raw) - len(raw.lstrip()), at + len(raw.rstrip())
            at += len(raw)
            if not _WORDLESS.match(line) and not _COMMENT.match(line) and not any(a <= lo and hi <= b for a, b in prose):
                code.append(i)
        return code

    def skipped(self, output: str) -> tuple[int, int, int] | None:
        """The first run of lines the answer `output` skipped: at least DROPPED_MIN_LINES lines with words
        gone, at most a quarter as many written in their place, as (first, last, lines gone), the file's
        lines (1-based); None when there is none, or the request may mean removing or shortening code."""
        if self.shortening:
            return None
        original, answer = self.original, coords.lsp_lines(output)
        matcher = difflib.SequenceMatcher(None, original, answer, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag not in ("delete", "replace"):
                continue
            gone = sum(1 for line in original[i1:i2] if not _WORDLESS.match(line))
            written = sum(1 for line in answer[j1:j2] if not _WORDLESS.match(line))
            if gone - written >= DROPPED_MIN_LINES and written * 4 <= gone:
                return self.first_line + i1, self.first_line + i2 - 1, gone - written
        return None

    def _left_out(self, output: str, upto: int | None) -> tuple[list[tuple[int, int]], list[str], dict[int, int]]:
        """(the left-out units as region line ranges, the answer's lines, original line -> answer line anchors)."""
        region = self.region if upto is None else self.region[:upto]
        original = coords.lsp_lines(region)
        line_of: dict[int, int] = {}  # byte offset of a region line's start -> its index
        at = self.base
        for i, line in enumerate(original):
            line_of[at] = i
            at += len(line.encode("utf-8"))
        line_of[at] = len(original)
        answer = coords.lsp_lines(output)
        matched: dict[int, int] = {}  # original line -> the answer's equal line
        for block in difflib.SequenceMatcher(None, original, answer, autojunk=False).get_matching_blocks():
            for k in range(block.size):
                matched[block.a + k] = block.b + k
        new_code = [answer[j] for j in set(range(len(answer))) - set(matched.values()) if not _COMMENT.match(answer[j])]
        present = {line.strip() for line in answer}
        left_out = []
        for unit in self.units:
            first, last = line_of.get(unit.start), line_of.get(unit.end)
            if first is None or last is None:
                continue  # past `upto`
            lines = [line for line in original[first:last] if line.strip()]
            if not lines or any(i in matched and not _WORDLESS.match(original[i]) for i in range(first, last)):
                continue
            if unit.name is not None:
                # Declared again in the answer's new code ("const add = ...", "area() {", "fn rows(&self)"):
                # rewritten under its name, not left out. A use ("self.rows", "(p Point)") is not that.
                declared = _declaring([unit.name])
                if any(declared.search(line) for line in new_code):
                    continue
            elif any(line.strip() in present for line in lines):
                continue
            left_out.append((first, last))
        left_out = sorted(left_out + self._edges_left_out(original, answer, matched, line_of, upto is None))
        gone = {i for first, last in left_out for i in range(first, last)}
        # Where the answer stands for the original: equal lines with words, not a blank or a "}" that
        # happened to pair with one of the answer's, and not one of a left-out unit.
        anchors = {i: j for i, j in matched.items() if i not in gone and not _WORDLESS.match(original[i])}
        return left_out, answer, anchors

    def _edges_left_out(self, original: list[str], answer: list[str], matched: dict[int, int],
                        line_of: dict[int, int], whole: bool) -> list[tuple[int, int]]:
        """The region's lines with words before its first definition, and (`whole`: the answer is complete)
        after its last, that the answer left out as a fragment does (the module docstring,
        imports and constants above the first function it changed; the export below the last)."""
        if self.first_unit is None:
            return []
        kept = sorted(i for i in matched if not _WORDLESS.match(original[i]))
        present = {line.strip() for line in answer}
        found = []
        head = line_of.get(self.first_unit, len(original))
        lines = [i for i in range(head) if not _WORDLESS.match(original[i])]
        # Nothing of the head kept; before the answer's first kept line, only comments and a definition's
        # rewritten first line ("def area(r: float) -> float:"), nothing in the head's place.
        before = answer[: matched[kept[0]] if kept else None]
        if (lines and (not kept or kept[0] >= head)
                and all(_COMMENT.match(a) or _WORDLESS.match(a) or self._declares(a) for a in before)
                and not any(original[i].strip() in present for i in lines)):
            found.append(_grown(original, matched, lines[0], lines[-1] + 1, 0, head))
        tail = line_of.get(self.last_unit) if whole else None
        lines = [i for i in range(tail, len(original)) if not _WORDLESS.match(original[i])] if tail is not None else []
        # Nothing of the tail kept; after the answer's last kept line, only lines inside the last definition
        # (indented deeper than its first line: its rewritten end) or without words ("}"), nothing in the tail's place.
        last = line_of.get(self.last_named, 0)
        deeper = _indent(original[last]) if last < len(original) else ""
        if (lines and kept and kept[-1] < tail
                and all(_WORDLESS.match(a) or (_indent(a).startswith(deeper) and len(_indent(a)) > len(deeper))
                        for a in answer[matched[kept[-1]] + 1:])
                and not any(original[i].strip() in present for i in lines)):
            found.append(_grown(original, matched, lines[0], lines[-1] + 1, tail, len(original)))
        return found


def _grown(original: list[str], matched: dict[int, int], first: int, last: int, lo: int, hi: int) -> tuple[int, int]:
    """Lines [first, last) grown over the lines next to them within [lo, hi) that have no word, are not blank and
    are no line of the answer: what opens or closes them (a docstring's quotes, '/*', '//****', '};')."""
    def edge(i: int) -> bool:
        return lo <= i < hi and bool(original[i].strip()) and bool(_WORDLESS.match(original[i])) and i not in matched
    while edge(first - 1):
        first -= 1
    while edge(last):
        last += 1
    return first, last


# Words before a name that make it a use, not a declaration ("return add(1, 2)").
_USING_WORDS = r"(?:import|from|use|using|require|return|await|yield|throw|raise|new|else|case|not|and|or|in|is|typeof|void|delete|go|defer|echo|print|assert)"


def _declaring(names: list[str]) -> re.Pattern:
    """A line that declares one of `names` ("const add = ...", "area() {", "fn rows(&self)",
    "func (p Point) Shift(", "char *make(void)"): the name after nothing but words (keywords,
    modifiers, a type) and a Go receiver; not a use ("self.rows", "(p Point)",
    "return `${quote(arg)}`", "total = add(1, 2)")."""
    alternatives = "|".join(re.escape(name) for name in names)
    return re.compile(rf"^\s*(?:(?!{_USING_WORDS}\s)[\w$<>\[\],*&@]+\s+|\([^()]*\)\s*)*[*&]*(?:{alternatives})\s*(?:\(|=(?![=>])|:=)")


def _opening(names: list[str]) -> re.Pattern:
    """A line that opens a definition of one of `names` (group 1): words before the name, none of them one that
    makes it a use ("def insort(", "class Wrapper:", "pub fn rows", "export function f", "func (s byName) Len(")."""
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"^\s*(?:(?!{_USING_WORDS}\s)(?:[\w$<>\[\],*&@]+|\([^()\n]*\))\s+)+[*&]*({alternatives})\b")


def _request_words(instruction: str, source: bytes, language: syntax.Language, lo: int, hi: int) -> str:
    """The request's own words, for REMOVING and SHORTENING. Quoted text is not its words, nor a region's
    name followed by a word for code: 'the remove method' asks to remove nothing."""
    words = _QUOTED.sub(" ", instruction)
    names = sorted(syntax.names_in(source, language, lo, hi), key=len, reverse=True)
    if names:
        words = re.sub("|".join(rf"(?<![\w$.]){re.escape(n)}(?![\w$]){_NAMES_CODE}" for n in names), " ", words)
    return words
