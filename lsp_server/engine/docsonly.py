"""A request for comments or docstrings only: the answer's code changes are undone (pure, str).

Asked "Add doc comments to New, Put and Get." of a Go file, the 1.5B wrote comments inside Put and
also moved its `Unlock` into a `defer`: a change of behaviour in an edit the user reads as
documentation and may not review line by line. Where every word of the request is about prose
(`documents_only`), the answer's code must be the original's, token for token, comments and
docstrings aside; where it is not, its prose is kept and its code is put back as it was
(`code_kept`), or, where that cannot be done line by line, the edit is refused.
"""

from __future__ import annotations

import difflib
import re

from .. import coords, syntax
from ..errors import EditError
from ..syntax.lines import line_start, without
from .narration import rewritten
from .scope import named_definitions

# The words a request for documentation only is made of (and the names of the file's own code).
_PROSE_NOUNS = (r"doc|docs|docstrings?|doc-?comments?|comments?|javadoc|jsdoc|rustdoc|godoc|documentation|summary|"
                r"description")
_VERBS = (r"add|write|insert|put|generate|create|update|improve|expand|complete|reword|rewrite|document|give|fix|correct|"
          r"shorten|condense|trim|tighten|simplify|clarify|rephrase|summari[sz]e|proofread|polish|translate")
_FILLER = (r"a|an|the|one|one-line|single-line|short|brief|concise|detailed|full|proper|clear|good|better|missing|"
           r"google-style|numpy-style|sphinx-style|style|line|lines|block|to|for|of|on|in|above|before|at|and|or|with|"
           r"every|each|all|its|it|them|their|this|that|these|those|function|functions|method|methods|class|classes|"
           r"struct|structs|type|types|public|exported|module|file|api|describing|explaining|saying|what|how|why|"
           r"please|here|top|header|head|typos?|spelling|grammar|wording|it's|like|other|others|ones|same|as|"
           r"rest|existing|go|rust|java|javascript|typescript|python|c|cpp|c\+\+|kotlin|ruby|doxygen|sphinx|"
           r"markdown|plain|english|loops?|branch|branches|conditions?|statements?|cases?|variables?|fields?|"
           r"constants?|parameters?|arguments?|expressions?|assignments?|headings?|messages?|strings?|below|after|"
           r"inside|within|near|where|under|around|between|over|first|last|second|next|previous|main|inner|outer|"
           r"two|three|four|five|\d+|sentences?|words?|paragraphs?|fewer|less|shorter|than|most|into")
_WORD = re.compile(r"[\w'-]+")
# Verbs that shorten code as well as prose: a request for prose only when what they act on first is prose.
_REWORD = re.compile(r"^\s*(?:please\s+)?(?:shorten|condense|trim|tighten|simplify)\b", re.IGNORECASE)
_REWORD_PROSE = re.compile(rf"^\s*(?:please\s+)?\w+\s+(?:(?:the|a|an|its|this|that|these|those|every|each|all)\s+)?"
                           rf"(?:[\w$.]+['’]s\s+)?(?:(?:one-line|single-line|long|short|existing)\s+)?(?:{_PROSE_NOUNS})\b",
                           re.IGNORECASE)
_PROSE_NOUN = re.compile(rf"\b(?:{_PROSE_NOUNS})\b", re.IGNORECASE)
_VERB = re.compile(rf"^\s*(?:please\s+)?(?:{_VERBS})\b", re.IGNORECASE)
_ADDING = re.compile(r"^\s*(?:please\s+)?(?:add|write|insert|put|generate|create|document|give)\b", re.IGNORECASE)
_ALLOWED = re.compile(rf"(?:{_PROSE_NOUNS}|{_FILLER})", re.IGNORECASE)  # after the verb: no other verb
# Where the prose's own content starts: "...: text", "a comment explaining why".
_CONTENT = re.compile(r":|\b(?:explaining|describing|say|saying|says|stating|noting|mentioning|about|that|"
                      r"starting|beginning|listing|covering)\b", re.IGNORECASE)
# A second request after the prose's text: another sentence, "also", "then", "and fix ...".
MORE = re.compile(r"[.;!?]\s+\w|\b(?:also|then)\b|\band\s+(?:fix|make|change|add|remove|rename|use|return|raise|"
                   r"throw|handle|replace|convert|refactor|move|call|check|log|implement|optimi[sz]e|simplify|delete|"
                   r"extract|update|rewrite|clean)\b", re.IGNORECASE)
_QUOTED = re.compile(r"\"[^\"]*\"|'[^'\s][^']*'|`[^`]*`|“[^”]*”")


def _head(instruction: str) -> tuple[str, str]:
    """The instruction with its quoted text blanked, and that up to where the prose's own text starts."""
    unquoted = _QUOTED.sub(" ", instruction)
    return unquoted, unquoted[:m.start()] if (m := _CONTENT.search(unquoted)) else unquoted


# Code inside a definition that a comment may be asked to go at (lower case: `Message`, `Statement` are types).
_WITHIN = re.compile(r"\b(?:loops?|branch|branches|conditions?|statements?|cases?|variables?|expressions?|assignments?|"
                     r"headings?|messages?|strings?|inside|within)\b")


def own_words(source: bytes, language: syntax.Language) -> set[str]:
    """The names of the file's code and the words of its strings: what a request may name a place by ("the
    Caused by loop")."""
    strings = (re.sub(r"\\.", " ", source[a:b].decode("utf-8", "replace")) for a, b in syntax.literal_ranges(source, language))
    words = {w for string in strings for w in _WORD.findall(string)}  # "\n\nCaused by:": Caused, by
    return syntax.names_in(source, language) | words


def documents_only(instruction: str, names: set[str]) -> bool:
    """Whether the request asks for comments or docstrings and nothing else: it opens with a verb of
    writing, names a kind of prose ("Document X" needs none), and every other word is a filler (no
    second verb: "document f2 and fix it") or one of `names` (the file's identifiers); what is quoted,
    and what follows a colon or "explaining", is the prose's own text, one sentence of it."""
    unquoted, head = _head(instruction)
    if MORE.search(unquoted[len(head):]):
        return False  # "...: it raises. Also make it raise": a second request after the prose
    verb = _VERB.match(head)
    if not verb or not (_PROSE_NOUN.search(head) or verb[0].strip().lower().endswith("document")):
        return False
    if _REWORD.match(head) and not _REWORD_PROSE.match(head):
        return False  # "Simplify parse and its comments": code first; "Shorten the doc comment of X": its prose
    rest = head[verb.end():].replace("()", "")
    return all(_ALLOWED.fullmatch(w) or w.strip("'") in names for w in _WORD.findall(rest))


# Prose that goes with a definition (a doc comment above it, a docstring at its body's start), not comments
# anywhere; and the words by which a request for it means every definition, named or not.
_DOC_NOUN = re.compile(r"\b(?:docs?|docstrings?|doc-?comments?|javadoc|jsdoc|rustdoc|godoc|documentation)\b",
                       re.IGNORECASE)
_EVERY = re.compile(r"\b(?:every|each|all|other|others|rest)\b", re.IGNORECASE)


def settled_at(text: str, start: int, end: int, instruction: str, language: syntax.Language) -> int | None:
    """For a request for doc comments or docstrings only, the byte of the region text[start:end] (from its
    start) past which its answer can only copy the original: the last doc site (`syntax.doc_sites`) of the
    definitions it names (with those nested in them), or of every definition in it; code changes are put back
    anyway (`code_kept`), and prose past there would be no definition's doc. None for any other request, or
    where the region holds no definition."""
    if not language.has_grammar or not _VERB.match(instruction):
        return None
    head = _head(instruction)[1]
    verb = _VERB.match(head)
    if verb is None or not (_DOC_NOUN.search(head) or verb[0].strip().lower().endswith("document")):
        return None  # "comments" alone may mean comments anywhere in the code
    source = text.encode("utf-8")
    if not documents_only(instruction, own_words(source, language)):
        return None
    lo, hi = coords.byte_span(text, (start, end))
    sites = syntax.doc_sites(source, language, lo, hi, inside=language.doc_opening is None)
    words = {w for w in _WORD.findall(instruction.replace("()", " ")) if not _ALLOWED.fullmatch(w)}
    named = [] if _EVERY.search(head) else [s for s in sites if s.name in words]
    targets = [s for s in sites if any(n.start <= s.start and s.end <= n.end for n in named)] if named else sites
    return max(s.site for s in targets) - lo if targets else None


def _code_of(text: str, prose: list[tuple[int, int]]) -> list[bytes]:
    """The text's tokens outside the prose (byte ranges of it), split on white space."""
    return without(text.encode("utf-8"), prose, b" ").split()


def code_kept(text: str, start: int, end: int, answer: str, language: syntax.Language,
              adding: bool = False) -> str | None:
    """`answer` (the new text of text[start:end]) with the code it changed put back as it was and its
    prose kept: `answer` itself where its code is the original's; None where the two cannot be told apart
    line by line (a line of code and prose both changed, a file without a grammar). `adding` (the request
    adds prose): comment lines the answer dropped are put back too, unless its new prose rewrote them."""
    if not language.has_grammar:
        return None
    region = text[start:end]
    before = _prose_lines(text, start, region, language)
    after_text = text[:start] + answer + text[end:]
    after = _prose_lines(after_text, start, answer, language)
    old_code, new_code = _code_of(region, before[1]), _code_of(answer, after[1])
    old, new = coords.lsp_lines(region), coords.lsp_lines(answer)
    old_prose, new_prose = before[0], after[0]
    out: list[str] = []
    matcher = difflib.SequenceMatcher(None, [line.rstrip() for line in old], [line.rstrip() for line in new],
                                      autojunk=False)
    opcodes = matcher.get_opcodes()
    # Comment lines to put back (adding), each before the original's next line of code where that lands.
    dropped = [i for op in opcodes if adding and _prose_dropped(old, new, old_prose, new_prose, *op[1:])
               for i in range(op[1], op[2]) if i in old_prose]
    if old_code == new_code and not dropped:
        return answer
    placed: dict[int, int] = {}  # a line of the original's code -> its index in out
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            placed.update((i, len(out) + i - i1) for i in range(i1, i2))
            out += old[i1:i2]
            continue
        first_code = next((j for j in range(j1, j2) if j not in new_prose and new[j].strip()), j2)
        out += [new[j] for j in range(j1, first_code) if j in new_prose]
        for i in range(i1, i2):
            if i not in old_prose:
                placed[i] = len(out)
                out.append(old[i])
        out += [new[j] for j in range(first_code, j2) if j in new_prose]
    for i in dropped:  # not inside the answer's new prose (a docstring): above that code
        code = next((c for c in range(i + 1, len(old)) if c not in old_prose and old[c].strip() and c in placed), None)
        at = len(out) if code is None else placed[code]
        lines = [old[i] if old[i].endswith(("\n", "\r")) else old[i] + "\n"]
        if code is not None and i + 1 not in dropped and at and out[at - 1].strip():
            lines += [line for line in old[i + 1:code] if not line.strip()]  # and the blank lines it had below
        out[at:at] = lines
        placed = {c: p + len(lines) * (p >= at) for c, p in placed.items()}
    kept = "".join(out)
    kept_after = _prose_lines(text[:start] + kept + text[end:], start, kept, language)
    if _code_of(kept, kept_after[1]) != old_code:
        return None
    return kept


def _prose_dropped(old: list[str], new: list[str], old_prose: set[int], new_prose: set[int],
                  i1: int, i2: int, j1: int, j2: int) -> bool:
    """Whether old[i1:i2], replaced by new[j1:j2], held comment lines that the new lines neither keep nor
    rewrite: less than half their words come back in the new prose (a docstring in place of the notes
    in a function's body drops them; a doc comment said at more length rewrites it)."""
    gone = [_WORD.findall(old[i]) for i in range(i1, i2) if i in old_prose and old[i] not in new[j1:j2]]
    written = [w for j in range(j1, j2) if j in new_prose for w in _WORD.findall(new[j])]
    words = [w for line in gone for w in line]
    if not words:
        return False
    matcher = difflib.SequenceMatcher(None, words, written, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) * 2 < len(words)


def _prose_lines(text: str, start: int, region: str, language: syntax.Language
                 ) -> tuple[set[int], list[tuple[int, int]]]:
    """For `region` lying at text[start:], the indices of its lines that hold prose and nothing else
    (comments, docstrings; not blank ones), and its prose as byte ranges of the region."""
    source = text.encode("utf-8")
    lo = coords.index_to_byte(text, start)
    hi = lo + len(region.encode("utf-8"))
    prose = [(max(a, lo) - lo, min(b, hi) - lo) for a, b in syntax.prose_ranges(source, language) if a < hi and b > lo]
    lines: set[int] = set()
    at = 0
    for index, line in enumerate(coords.lsp_lines(region)):
        data = line.encode("utf-8")
        here = [(max(a, at) - at, min(b, at + len(data)) - at) for a, b in prose if a < at + len(data) and b > at]
        if data.strip() and here and not without(data, here).strip():
            lines.add(index)
        at += len(data)
    return lines, prose


# A request for docs of one line ("a one-line docstring", "single-line doc comments").
_ONE_LINE = re.compile(rf"\b(?:one|single|1)[- ]line\s+(?:{_PROSE_NOUNS})\b", re.IGNORECASE)
# A docstring or block comment: its opening quotes or marker, its text, its closing ones.
_BLOCK = re.compile(r'^([rRuUbB]{0,2}"""|[rRuUbB]{0,2}\'\'\'|/\*\*?)(.*?)("""|\'\'\'|\*/)$', re.DOTALL)


def one_line(text: str, start: int, end: int, instruction: str, answer: str, language: syntax.Language) -> str:
    """`answer` with each docstring or block doc comment it wrote over several lines cut to its first line of
    text (a docstring of three lines and two sections becomes its summary line), where the request asks for docs of one line: asked
    for "a one-line docstring", the 1.5B wrote a summary, then Args and Returns sections."""
    if not language.has_grammar or not _ONE_LINE.search(instruction):
        return answer
    source = text.encode("utf-8")
    lo, hi = coords.byte_span(text, (start, end))
    had = {source[a:b] for a, b in syntax.prose_ranges(source, language) if lo <= a and b <= hi}

    def cuts(source: bytes, lo: int, hi: int) -> list[tuple[int, int, bytes]]:
        found = []
        for a, b in syntax.prose_ranges(source, language):
            block = _BLOCK.match(source[a:b].decode("utf-8", "replace"))
            if lo <= a and b <= hi and block and b"\n" in source[a:b] and source[a:b] not in had:
                star = "*" if block[3] == "*/" else ""  # a block comment's lines may start with "*"
                first = next((t for line in block[2].splitlines() if (t := line.strip().lstrip(star).strip())), "")
                pad = " " if star else ""
                if first and not first.endswith(block[3][-1]):  # '"""x""""' would not parse
                    found.append((a, b, f"{block[1]}{pad}{first}{pad}{block[3]}".encode()))
        return found

    return rewritten(text, start, end, answer, cuts)


def documented(text: str, start: int, end: int, instruction: str, answer: str, language: syntax.Language) -> str:
    """The answer for text[start:end] as it may land: where the request asks for comments or docstrings
    only, its code as it was (code_kept), its docs of one line where asked (one_line); EditError where that
    cannot be done."""
    answer = one_line(text, start, end, instruction, answer, language)
    if not language.has_grammar or not _VERB.match(instruction) or not documents_only(
            instruction, own_words(text.encode("utf-8"), language)):
        return answer  # most requests: told apart by their first word, before the file's names are read
    kept = code_kept(text, start, end, answer, language, adding=bool(_ADDING.match(instruction)))
    if kept is None:
        raise EditError("the model's answer changed code, which a request for comments or docstrings does not ask "
                        "for, where its prose and code cannot be told apart line by line", kind="model")
    return kept


def doc_lead(text: str, start: int, end: int, instruction: str, language: syntax.Language) -> str | None:
    """The opening of a doc comment for the answer of a region that starts with a definition to start
    with (its indentation and language.toml's `doc_opening`), where the request asks for one and nothing
    else and the definition has none: asked "Add doc comments to New, Put and Get", the 1.5B, shown each function
    alone, wrote comments inside their bodies and none above. None otherwise."""
    if language.doc_opening is None or not _ADDING.match(instruction) or _WITHIN.search(_head(instruction)[1]):
        return None  # (not "a comment above the Caused by loop": that goes inside)
    region = text[start:end]
    first = region.lstrip("\r\n")
    if not first or not documents_only(instruction, own_words(text.encode("utf-8"), language)):
        return None
    source = text.encode("utf-8")
    lo, hi = coords.byte_span(text, (start + len(region) - len(first), end))
    units = syntax.region_units(source, language, lo, hi)
    if not units or units[0].start != lo or units[0].name is None:
        return None  # no definition starts the region (a selection of statements, a file's head)
    lines, _ = _prose_lines(text, start, region, language)
    if any(index in lines for index in range(len(coords.lsp_lines(region)) - len(coords.lsp_lines(first)) + 1)):
        return None  # it has a comment above it: asked for docs, the answer may well rewrite that one
    above = coords.index_to_byte(text, len(text[:start].rstrip())) - 1
    if above >= 0 and any(a <= above < b for a, b in syntax.prose_ranges(source, language)):
        return None  # one with blank lines between (ms's JSDoc): opened again, the 1.5B wrote it twice
    indent = first[:len(first) - len(first.lstrip(" \t"))]
    opening = language.doc_opening
    alone = len(re.findall(rf"(?m)^[ \t]*{re.escape(opening)}[ \t]*$", text))
    if alone > len(re.findall(rf"(?m)^[ \t]*{re.escape(opening)}[ \t]+\S", text)):
        # the file's docs open on a line of their own: so does this one, its words first ("/**\n * Find close
        # matches"); opened with "/**" alone, the 1.5B wrote "/** @param {string} a" and no words)
        return f"{indent}{opening}\n{indent} *"
    # Go's docs start with the name: shown three one-line methods and "//", the 1.5B went on with the comment above
    return indent + opening + (f" {units[0].name}" if language.doc_names else "")


# The doc's own words, given in the request: the one text in triple quotes, double quotes or curly quotes.
_GIVEN = re.compile(r'"""(.+?)"""|"([^"\n]+)"|“([^”\n]+)”')


def given_doc(text: str, span: tuple[int, int], instruction: str, language: syntax.Language) -> str | None:
    """`text` with the doc a request gives word for word ('Add the docstring "Deletes it." to remove',
    'Add a doc comment above Get: "Get returns the value."') written where it goes, as a tool's draft
    for the model to verify: a docstring at the start of the definition's body, a doc comment above it
    (language.toml's `doc_opening`). None unless the request asks for that and nothing else, gives one
    text of one line, names one definition lying in `span` (str indices), and that definition has no
    doc yet (then the model rewrites it)."""
    if not language.has_grammar or not _ADDING.match(instruction):
        return None
    given = [next(g for g in m.groups() if g is not None).strip() for m in _GIVEN.finditer(instruction)]
    source = text.encode("utf-8")
    if len(given) != 1 or not given[0] or not documents_only(instruction, own_words(source, language)):
        return None
    lo, hi = coords.byte_span(text, span)
    sites = syntax.doc_sites(source, language, lo, hi, inside=language.doc_opening is None)
    named = named_definitions(instruction, text, language)
    if len(named) == 1:  # "Circle.area"
        *outer, name = named[0].split(".")
        owners = syntax.definitions_named(source, language, outer[-1]) if outer else []
        sites = [s for s in sites if s.name == name and (not outer or any(
            o.start <= s.start and s.end <= o.end for o in owners))]
    else:  # the definitions its words name ("above transpose: ..."), the innermost ("remove method of Repo")
        words = {w for w in _WORD.findall(_QUOTED.sub(" ", instruction)) if not _ALLOWED.fullmatch(w)}
        sites = [s for s in sites if s.name in words]
        sites = [s for s in sites if not any(o != s and s.start <= o.start and o.end <= s.end for o in sites)]
    prose = syntax.prose_ranges(source, language)
    if len(sites) != 1 or any(b == sites[0].site or sites[0].start <= a < sites[0].site for a, b in prose):
        return None  # it has a doc (a docstring the site is past, a comment above it)
    doc, opening = given[0], language.doc_opening
    at = line_start(source, sites[0].site) if opening is None else sites[0].start
    first = source[at:].split(b"\n", 1)[0]
    indent = first[:len(first) - len(first.lstrip(b" \t"))]
    if opening is None and (source[at:sites[0].site].strip() or '"""' in doc):
        return None  # a body on the definition's own line; a docstring that would end early
    if opening == "/**" and "*/" in doc:
        return None
    line = '"""' + doc + '"""' if opening is None else f"/** {doc} */" if opening == "/**" else f"{opening} {doc}"
    newline = "\r\n" if "\r\n" in text else "\n"
    where = coords.str_index(source, at)
    return text[:where] + indent.decode("utf-8") + line + newline + text[where:]
