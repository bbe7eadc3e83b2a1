"""A whole-file free-form request that names definitions rewrites only those (as `--symbol` does).

"Add type hints to rgb_to_hsv and hsv_to_rgb", asked of a whole file, is about two functions. Rewritten whole,
the file is copied by the model a token at a time where the draft does not carry it, and the model changes
lines nobody asked about; rewritten as the two functions, the rest cannot change and the edit costs what the
functions cost. The request keeps the whole file when it may need more: words that reach outside definitions
("callers", "imports", "every", "move"), a definition it names as a place ("add ring_pop after ring_push": the
1.5B, given ring_push alone, wrote it back unchanged), or a name it gives that the file declares outside them
(a constant, a module variable). After the edit, a Python result whose new code uses a name nothing defines
gets the import when the name is a standard module's (`logging.warning(...)`) or typing's (`Optional`), and
is redone on the whole file otherwise (engine/undefined.py).
"""

from __future__ import annotations

import re

from .. import coords, syntax
from ..syntax.lines import without
from .request import EditRequest, Region

# A library named as a means ("with the ipaddress module", "using Python's re module"), not this file's module.
LIBRARY = re.compile(r"(?i)\b(?:with|using|use|uses|via|from|through|of)\s+(?:the\s+|[^\W\d]\w*['’]s\s+)?"
                     r"(?!(?:this|that|the|whole|entire|current|same|every|each|other|all|its|our|my|your|a|an|shared|single|"
                     r"one|new)\b)[^\W\d][\w.]*\s+(?:module|package|library|crate)s?\b(?!-)")
# Words that say the request reaches past the definitions it names.
WIDE = re.compile(
    r"\b(?:files?|modules?|imports?|importing|callers?|call(?:ing)? sites?|usages?|uses of|everywhere|whole|entire|"
    r"(?:every|each|all(?: the| of the)?|other) (?:functions?|methods?|class(?:es)?|definitions?|calls?|callers?|"
    r"uses?|usages?|places?|occurrences?|references?)|globals?|constants?|top of|across|"
    r"move|moves|moving|reorder|swap|merge|combine|inline)\b",
    re.IGNORECASE,
)
# A word for a kind of definition ("the print_shapes function", "this method").
KIND_WORD = r"(?:function|method|class|struct|type|helper|definition)s?"
# Words that say a named definition goes or changes its name: where the file uses it, that changes too.
GONE = re.compile(r"\b(?:remove|delete|drop|get\s+rid\s+of|rename)", re.IGNORECASE)
# Before a name given as a place ("add ring_pop after ring_push"): what is asked goes outside that definition.
PLACE_BEFORE = re.compile(rf"(?i)\b(?:after|before|below|above|beneath|under|next\s+to|beside)\s+(?:the\s+)?(?:{KIND_WORD}\s+)?`?$")
# Before a name given as a model to follow ("like as_array", "as in route"): not what the request changes. So is
# one given as a means ("check for fmt with has_cmd", "using load_config"), not "the bug with parse".
LIKE_BEFORE = re.compile(r"(?i)(?:\b(?:like|unlike|similar\s+to|same\s+as|as\s+in|as\s+does|following|using|via|through|by\s+"
                         r"calling)|(?<!bug)(?<!bugs)(?<!error)(?<!errors)(?<!problem)(?<!problems)(?<!issue)(?<!issues)(?<!crash)(?<!crashes)(?<!leak)(?<!leaks)\s+with)"
                         r"\s+(?:the\s+)?(?:(?:function|method|helper)\s+)?`?$")
# Before a type named as where a member goes ("add a Json variant to OutputFormat"): a target, not a type referred to.
MEMBER_TO = re.compile(r"(?i)\b(?:variant|field|member|propert(?:y|ie)|attribute|method|constructor|case|[gs]etter)s?\b"
                       r"(?:(?!\b(?:to|into|in|that|which)\b)[^.;:!?])*\b(?:to|into|in)\s+(?:the\s+)?(?:(?:enum|class|struct|type)\s+)?`?$")
# A class's possessive before a member's name ("LookupDict's __repr__").
# A type's methods, named by the type: "the byName methods", "Store's methods", "the methods of byName".
METHODS_AFTER = re.compile(r"^(?:['’]s)?\s+(?:methods|receivers)\b", re.IGNORECASE)
METHODS_BEFORE = re.compile(r"\bmethods\s+(?:of|on|for)\s+(?:the\s+)?(?:type\s+)?`?$", re.IGNORECASE)
OWNER_BEFORE = re.compile(r"([^\W\d][\w$]*)['’]s\s+`?$")
OWNER_AFTER = re.compile(r"['’]s\s+`?([^\W\d][\w$]*)")
# What goes right above a definition is part of it ("add a doc comment above transpose").
ATTACHING = re.compile(r"\b(?:comments?|doc|docs|docstrings?|jsdoc|javadoc|decorators?|attributes?|annotations?)\b",
                       re.IGNORECASE)
# A name as an instruction writes it: `quoted`, dotted (scheduler.cancel), called (mean()).
# A name the request writes; qualified as `Class.method`, `Type::method` (Rust, C++, Ruby) or `Class#method` (docs).
MENTION = re.compile(r"`(?P<tick>[^`\n]+)`|(?P<word>[^\W\d][\w$]*(?:(?:\.|::|#)[^\W\d][\w$]*)*[?!]?)(?P<call>\(\))?")
# Before a plain word that names a definition: "to split", "in the function filter", "of quote".
PLAIN_BEFORE = re.compile(r"\b(?:to|in|of|for|from|on)\s+(?:the\s+)?(?:(?:function|method)\s+)?$", re.IGNORECASE)
# After a plain word that names a definition: a kind word, one or more ("the split and join functions").
PLAIN_AFTER = re.compile(r"^\s+(?:functions?|methods?|class(?:es)?|structs?|types?)\b", re.IGNORECASE)
# A sentence that opens "Make <name> ..." or "Convert <name> ...": <name> is what changes ("Make filter skip dot files").
MAKE_BEFORE = re.compile(r"(?:^|[.!?;]\s+)(?:please\s+)?(?:make|convert|change|update|refactor|rewrite|simplify|fix|"
                         r"extend|harden|optimi[sz]e|modernize|clean\s+up|speed\s+up|remove|delete|drop|mark|annotate|decorate|"
                         r"deprecate|memoi[sz]e|give)\s+$", re.IGNORECASE)
# After a plain word: its calls or uses, not its definition ("Mark log calls in run ...").
USES_AFTER = re.compile(r"^\s+(?:calls|call\s+sites|usages?|references|invocations)\b", re.IGNORECASE)
# After a plain word that names a definition: an end, a list, or a linking word ("in route order" names none).
PLAIN_THEN = re.compile(r"(?i)^\s*(?:$|[,.:;!?)]|(?:and|or|so|that|to|with|using|by|when|if|instead|too|also|as|"
                        r"should|must|so that|describing|explaining|saying|stating|listing|documenting|covering)\b)")
LIST_GAP = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)$", re.IGNORECASE)
CLASS_WORD = re.compile(r"(?i)\b(?:class|struct|type|interface|trait|enum)\s*$|^\s*(?:class|struct|type|interface|trait|enum)\b")
# Quoted text that is no bare name ("Regex:", 'not found'): a string's words, not the file's definitions.
_NAME_TEXT = r"[^\W\d][\w$]*(?:(?:\.|::|#)[^\W\d][\w$]*)*(?:\([^()\n]*\))?"  # "Stack.push", "parse(s)": code
LITERAL = re.compile(rf"\"(?!{_NAME_TEXT}\")[^\"\n]*\"|“(?!{_NAME_TEXT}”)[^”\n]*”|(?<!\w)'(?!{_NAME_TEXT}')[^'\n]*'(?!\w)")
QUOTED = re.compile(r"\"[^\"\n]*\"|“[^”\n]*”|(?<!\w)'[^'\n]*'(?!\w)")  # its words are no request's ("the "file" word")
DESTRUCTOR_AFTER = re.compile(r"^(?:['’]s)?\s+destructor\b", re.IGNORECASE)
DESTRUCTOR_BEFORE = re.compile(r"\bdestructor\s+(?:of|for|in)\s+(?:the\s+)?(?:class\s+)?`?$", re.IGNORECASE)
ATTRIBUTE = re.compile(r"#!?\[[^\]\n]*\]|(?<![\w@])@[^\W\d][\w.]*")  # `#[inline]`, `@cache`: code, not words
SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s+|\n\s*)$")
# A request's details after a colon, clause by clause: a clause opens with its subject and a verb.
DETAILS = re.compile(r":\s+")
SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
NAMED = r"`?(?!(?:and|or)\b)[^\W\d][\w$]*(?:\.[^\W\d][\w$]*)*`?(?:\(\))?"
# A clause opens with its subject (or two), then a verb, or an article where the verb is left out ("quote a bool").
CLAUSE_OPEN = re.compile(rf"(?:the\s+)?(?P<subjects>{NAMED}(?:\s+and\s+{NAMED})?)\s+(?:(?P<verb>is|are|returns?|"
                         r"takes?|gets?|becomes?|should|must|has|have|yields?|raises?|accepts?|needs?|can|may|"
                         r"defaults?)\b|(?=(?:a|an|any|optional)\s))")
SUBJECTS_GAP = re.compile(r"\s+and\s+")
CLAUSE_GAP = re.compile(r"\s*[,;]\s*(?:and\s+)?|\s+and\s+")
NOT_A_SUBJECT = {"the", "it", "its", "this", "that", "these", "those", "which", "there", "one", "every", "result", "value"}
# Subjects that stand for all the named definitions ("both return a str"): in a region of one, its name.
ALL_OF_THEM = {"both", "they", "all", "each"}
SINGULAR = {"are": "is", "have": "has"}
MODAL = {"should", "must", "can", "may"}


def _declared_pattern(name: str) -> re.Pattern[str]:
    """A line that declares `name` as a value: `NAME = ...`, `const NAME: T = ...`, `x := ...`, `#define NAME`."""
    word = re.escape(name)
    return re.compile(rf"^[ \t]*(?:#[ \t]*define[ \t]+{word}\b|(?:[\w$<>\[\],*&]+[ \t]+)*{word}[ \t]*(?::[^=\n]*)?(?:=(?![=>])|:=))",
                      re.MULTILINE)


def _mentioned(m: re.Match) -> str:
    """The name a MENTION match writes: `mean()` -> mean, `scheduler.cancel` as it is, `Chain::new` -> Chain.new."""
    return re.sub(r"::|#(?=[^\W\d])", ".", (m["tick"] or m["word"]).strip().removesuffix("()"))


def _code_marked(instruction: str, m: re.Match, word: str | None = None) -> bool:
    """Whether a mention is written as code: quoted, dotted, called, with _, a digit or inner capital, or capitalized
    mid-sentence (`word`: a name matched otherwise, quoted or called as its match shows)."""
    if word is not None:
        return "`" in m[0] or "()" in m[0] or "$" in word or bool(
            (alone := MENTION.match(word)) and _code_marked(instruction, alone, None))
    if m["tick"] or m["call"] or re.search(r"\.|::|#", m["word"]):
        return True
    word = m["word"]
    if "_" in word or "$" in word or any(c.isdigit() for c in word) or any(c.isupper() for c in word[1:]):
        return True
    return word[0].isupper() and not SENTENCE_START.search(instruction[:m.start()])


def code_names(instruction: str) -> set[str]:
    """The names an instruction writes as code ("raise MethodNotAllowed", "`clamp`", "parse_config()"), each
    part of a dotted one; not plain words ("clamp each value")."""
    return {part for m in MENTION.finditer(instruction) if _code_marked(instruction, m)
            for part in _mentioned(m).split(".") if part}


def named_definitions(instruction: str, text: str, language: syntax.Language) -> list[str]:
    """The definitions a whole-file request is about, as `--symbol` takes them ("Class.method" where the
    instruction qualifies one); [] when the request should rewrite the whole file."""
    if not language.has_grammar or not instruction.strip():
        return []
    source = text.encode("utf-8")
    defined = syntax.definitions(source, language)
    functions: list[str] = []
    classes: list[str] = []
    referred: list[str] = []  # classes the request refers to (a type in a hint): targets only if nothing else is
    spans: list[tuple[int, int]] = []
    values: list[str] = []  # names the request gives that the file declares as values: checked below
    counted_end = -1  # where the last counted mention ended (a list of plain names goes on from it)
    for m in MENTION.finditer(LITERAL.sub(lambda q: " " * len(q[0]), instruction)):
        parts = [p for p in _mentioned(m).split(".") if p]
        if parts and (parts[-1] not in defined or not language.identifier.fullmatch(parts[-1])):
            parts[-1] = parts[-1].rstrip("?!")  # "... to remap?" ends a question (Ruby's `casecmp?` is a name)
        if not parts or not all(language.identifier.fullmatch(p) for p in parts):
            continue
        name, qualifier = parts[-1], parts[-2] if len(parts) > 1 else None
        before, after = instruction[:m.start()], instruction[m.end():]
        if (owns := OWNER_AFTER.match(after)) and owns[1] in defined and any(
                kind == "class.outer" for kind, _ in defined.get(name, ())):
            continue  # "LookupDict's __repr__": the class is where its member is, not what changes
        if qualifier is None and _code_marked(instruction, m) and (
                METHODS_AFTER.match(after) or METHODS_BEFORE.search(before)) and ((owned := declared_with(
                source, sorted({u for found in defined.values() for kind, u in found if kind == "function.outer"
                                and u.name != name}, key=lambda u: u.start), name)) or name not in defined):
            # "the byName methods", "the Server methods": those that receive it (`func (s *Server) Start()`), outside
            # any block of its own (a Go struct); a class's own methods are its block's, below
            functions += [f"{name}.{u.name}" for u in owned]
            spans += [(u.start, u.end) for u in owned]
            counted_end = m.end() if owned else counted_end
            continue
        if f"~{name}" in defined and (DESTRUCTOR_AFTER.match(after) or DESTRUCTOR_BEFORE.search(before)):
            name = f"~{name}"  # "the Arena destructor": `Arena::~Arena()`, not the constructor
        marked = _code_marked(instruction, m)
        if qualifier is None and (owner := OWNER_BEFORE.search(before)) and any(
                kind == "class.outer" for kind, _ in defined.get(owner[1], ())):
            qualifier, marked = owner[1], True  # that class's
        plain = (PLAIN_AFTER.match(after) or (MAKE_BEFORE.search(before) and not USES_AFTER.match(after)) or (PLAIN_THEN.match(after) and (
            PLAIN_BEFORE.search(before) or (counted_end >= 0 and LIST_GAP.match(instruction[counted_end:m.start()])))))
        if not (marked or plain) or LIKE_BEFORE.search(before):
            continue
        found = [u for kind, u in defined.get(name, ()) if kind == "function.outer"]
        if found and qualifier and qualifier[0].isupper() and qualifier not in defined and not (
                found := declared_with(source, found, qualifier)):
            continue  # "Use Long.hashCode in ...": a library's type's, not the file's hashCode (`cart.total` is)
        place = PLACE_BEFORE.search(before)
        if (found or name in defined) and place and not (
                re.match(r"(?i)above|before", place[0]) and ATTACHING.search(instruction)):
            return []  # new code goes beside it, not in it: the whole file
        if found:
            functions.append(f"{qualifier}.{name}" if qualifier else name)
            spans += [(u.start, u.end) for u in found]
            counted_end = m.end()
        elif any(kind == "class.outer" for kind, _ in defined.get(name, ())):
            if m["tick"] or CLASS_WORD.search(before) or CLASS_WORD.match(after) or not marked or MEMBER_TO.search(before):
                classes.append(name)
                counted_end = m.end()
            else:
                referred.append(name)
        elif marked and qualifier is None:
            values.append(name)
    targets = functions + classes or referred
    names = "|".join(rf"(?<![\w$]){re.escape(t.rsplit('.', 1)[-1])}(?![\w$])" for t in targets)
    if not targets or WIDE.search(LIBRARY.sub(" ", re.sub(names, " ", ATTRIBUTE.sub(" ", QUOTED.sub(" ", instruction))))):
        return []  # none, or words that reach past them, read without their names ("Make usage print to stderr")
    outside = without(source, spans).decode("utf-8", "replace")
    if any(_declared_pattern(v).search(outside) for v in values):
        return []  # it names a constant or variable of the file: that may be what it changes
    if _gone_but_used(instruction, targets, source, language):
        return []  # removing or renaming a definition the file uses elsewhere: its uses change too
    return list(dict.fromkeys(targets))


def declared_with(source: bytes, found: list, qualifier: str) -> list:
    """The definitions whose declaring line says `qualifier` before their name (Go's receiver `func (s *Server)
    Start`, C++'s `void Stack::push`): a qualifier the file defines nowhere, and they do not, names another's."""
    word = re.compile(rf"(?<![\w$]){re.escape(qualifier)}(?![\w$])".encode())
    return [u for u in found if (at := declared_at(source, u.start, u.end, u.name)) is not None
            and word.search(source[source.rfind(b"\n", 0, at) + 1:at])]


# A line that attaches to a definition rather than declaring it: a comment, an attribute, a decorator.
ATTACHED_LINE = re.compile(r"^\s*(?:#|//|/\*|\*|--|;|@)")


def declared_at(source: bytes, start: int, end: int, name: str) -> int | None:
    """Where `name` is declared in source[start:end] (a definition, with what is attached above it): its first
    place on a line that is not, before it, a comment, an attribute or a decorator (`@x.setter`); None."""
    for m in re.finditer(rf"(?<![\w$]){re.escape(name)}(?![\w$])".encode(), source[start:end]):
        at = start + m.start()
        if not ATTACHED_LINE.match(source[source.rfind(b"\n", 0, at) + 1:at].decode("utf-8", "replace")):
            return at
    return None


def _gone_but_used(instruction: str, targets: list[str], source: bytes, language: syntax.Language) -> bool:
    """Whether the request removes or renames one of `targets` ("Remove print_shapes", "rename the
    Shape class") that the file names outside all their definitions."""
    names = {t.split(".")[-1] for t in targets}
    gone = [n for n in names if re.search(rf"{GONE.pattern}\s+(?:(?:the|this)\s+)?(?:{KIND_WORD}\s+)?`?"
                                          rf"{re.escape(n)}(?![\w$])", instruction, re.IGNORECASE)]
    if not gone:
        return False
    defined = syntax.definitions(source, language)
    rest = without(source, [(u.start, u.end) for n in names for _, u in defined.get(n, ())]).decode("utf-8", "replace")
    return any(re.search(rf"(?<![\w$]){re.escape(n)}(?![\w$])", rest) for n in gone)


def shown_instruction(request: EditRequest, region: Region, language: syntax.Language) -> str:
    """The instruction a region's prompt shows: as given, or for a region of several named definitions
    (no draft) cut to its own names (instruction_for)."""
    if len(request.definitions) < 2 or region.draft is not None:
        return request.instruction
    text = request.text
    lo, hi = coords.byte_span(text, (region.start, region.end))
    source = text.encode("utf-8")
    here = {u.name for u in syntax.region_units(source, language, lo, hi)}
    others = [u for name, found in syntax.definitions(source, language).items()
              if name in {n.rsplit(".", 1)[-1] for n in request.definitions} - here
              for kind, u in found if kind in ("function.outer", "class.outer")]
    theirs = set().union(*(syntax.names_in(source, language, u.start, u.end) for u in others))
    return instruction_for(request.instruction, here, request.definitions, syntax.names_in(source, language, lo, hi),
                           theirs)


def instruction_for(instruction: str, here: set[str], named: tuple[str, ...], mine: set[str] | None = None,
                    theirs: frozenset[str] | set[str] = frozenset()) -> str:
    """The instruction as one region of several named definitions is shown it: each list of the named
    ones ("split, join and quote") cut to those in the region ("quote"), and the clauses of its details
    that speak of another region left out (_own_clauses). Shown the whole list, a small model answers
    every region with all of them. Names not in a list stay as they are."""
    targets = {n.rsplit(".", 1)[-1] for n in named}
    runs: list[list[re.Match]] = []
    for m in MENTION.finditer(instruction):
        if _mentioned(m).rsplit(".", 1)[-1] not in targets:
            continue
        if runs and LIST_GAP.match(instruction[runs[-1][-1].end():m.start()]):
            runs[-1].append(m)
        else:
            runs.append([m])
    out, done = [], 0
    for run in runs:
        kept = [m[0] for m in run if _mentioned(m).rsplit(".", 1)[-1] in here]
        if len(run) < 2 or not kept or len(kept) == len(run):
            continue
        out += [instruction[done:run[0].start()], _listed(kept)]
        done = run[-1].end()
    cut = "".join(out) + instruction[done:]
    return cut if mine is None else _own_clauses(cut, here, targets, mine, theirs)


def _own_clauses(instruction: str, here: set[str], targets: set[str], mine: set[str], theirs: set[str]) -> str:
    """The details after a request's colon ("...: players is a list of Player, limit is an optional int,
    rank_players returns a list, and average_total returns a float") without the subjects, or whole
    clauses, that belong to another region: a named definition not here, or a name the other named
    definitions use and this region does not (`mine`, `theirs`: their identifiers). Shown "limit is an
    optional int", a model gave the function without one a `limit` parameter too. Pieces of another
    shape stay with the clause before them, or before the first clause, as they are."""
    colon = DETAILS.search(instruction)
    if not colon:
        return instruction
    end = SENTENCE_END.search(instruction, colon.end())
    stop = end.start() if end else len(instruction)
    details = instruction[colon.end():stop]
    starts, at = [], 0  # where each clause opens, each found past the last one's subject and verb
    while True:
        opened = CLAUSE_OPEN.match(details, at) if at == 0 else None
        if opened is None:
            gap = next((g for g in CLAUSE_GAP.finditer(details, at) if CLAUSE_OPEN.match(details, g.end())), None)
            if gap is None:
                break
            opened = CLAUSE_OPEN.match(details, gap.end())
            starts.append((gap.start(), gap.end()))
        else:
            starts.append((0, 0))
        at = max(opened.end(), at + 1)
    if not starts:
        return instruction
    pieces = ([details[:starts[0][0]]] if starts[0][1] > 0 else []) + [
        details[s[1]:(starts[i + 1][0] if i + 1 < len(starts) else len(details))] for i, s in enumerate(starts)]
    own = sorted(here & targets)

    def elsewhere(subject: str) -> bool:
        name = subject.strip("`").removesuffix("()").rsplit(".", 1)[-1]
        if name in here or name.lower() in NOT_A_SUBJECT or name.lower() in ALL_OF_THEM:
            return False
        return name in targets or (name in theirs and name not in mine)

    kept = []
    for piece in pieces:
        m = CLAUSE_OPEN.match(piece)
        if m is None:
            kept.append(piece)
            continue
        subjects = SUBJECTS_GAP.split(m["subjects"])
        left = [x for x in subjects if not elsewhere(x)]
        if len(own) == 1 and len(left) == 1 and left[0].lower() in ALL_OF_THEM:
            left = [own[0]]  # "both return a str", shown one function: a small model goes looking for the other
        if not left:
            continue
        if left == subjects:
            kept.append(piece)
            continue
        verb = m["verb"] or ""
        if len(left) == 1 and verb:
            verb = SINGULAR.get(verb, verb if verb.endswith("s") or verb in MODAL else verb + "s")
        rest = piece[m.end("verb"):] if m["verb"] else piece[m.end("subjects"):]
        kept.append(piece[:m.start("subjects")] + " and ".join(left) + (" " + verb if verb else "") + rest)
    if kept == pieces:
        return instruction
    head = instruction[:colon.start()]
    if not kept:
        return head + instruction[stop:]
    return head + colon[0] + _listed(kept) + instruction[stop:]


def _listed(items: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def opening(text: str, region: Region, language: syntax.Language) -> str | None:
    """The region's text through the name of the first definition it holds ("def dedent", "@cache\ndef
    load", past the comments above it): what a retry writes for the model when its answer went astray.
    A small model shown one function of a file sometimes answers with the functions before it and runs
    to its budget (the 1.5B, asked for hints on textwrap.dedent, began at wrap). None without one."""
    source = text.encode("utf-8")
    lo, hi = coords.byte_span(text, (region.start, region.end))
    named = [u for u in syntax.region_units(source, language, lo, hi) if u.name]
    if not named:
        return None
    at = declared_at(source, named[0].start, hi, named[0].name)
    return None if at is None else text[region.start:coords.str_index(source, at + len(named[0].name.encode("utf-8")))]


def _nestings(text: str, language: syntax.Language) -> dict[str, set[tuple[str, ...]]]:
    """Each definition's name -> the names of the definitions each of its places lies in, outermost first."""
    found = syntax.definitions(text.encode("utf-8"), language).values()
    units = sorted({u for pairs in found for _, u in pairs}, key=lambda u: (u.start, -u.end))
    places: dict[str, set[tuple[str, ...]]] = {}
    for u in units:
        places.setdefault(u.name, set()).add(tuple(o.name for o in units if o != u and o.start <= u.start and u.end <= o.end))
    return places


def moved_definitions(original: str, edited: str, language: syntax.Language, named: set[str]) -> list[str]:
    """The definitions of `original`, other than `named`, that `edited` no longer has where they were (a
    whole-file answer that made the module's `total_size` a method of the class above it)."""
    before, after = _nestings(original, language), _nestings(edited, language)
    return sorted(n for n, places in before.items() if n not in named and not places <= after.get(n, set()))
