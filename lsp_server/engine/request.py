"""One edit request: a document, what to do, and the regions to rewrite (explicit str spans, each with its draft)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Region:
    """Rewrite text[start:end] (str indices, whole lines) of the request's document.

    `draft` is what a tool says the region becomes (a rename, a fix, a merged sketch): the model
    verifies it and may change it. None: the original lines are the draft (free-form edits).
    `lead`: the answer's opening, written for the model (a prefix of the region's text); None: its
    indentation (region.prepare).
    """

    start: int
    end: int
    draft: str | None = None
    lead: str | None = None


@dataclass
class EditRequest:
    """Everything the engine needs for one edit of one document; regions are sorted and disjoint.

    Several regions are rewritten in turn, in one job, and stream as one edit of the span that
    covers them (the text between them is kept as it is).
    """

    text: str  # the whole document
    instruction: str
    regions: list[Region] = field(default_factory=list)  # empty: the whole document
    path: str | None = None
    language_id: str | None = None
    sketch: str | None = None  # an agent's edit sketch, shown in instruct prompts (its merge is the draft)
    acceptance: str | None = None  # override settings.draft.acceptance for this edit
    speculate: bool | None = None  # override settings.draft.speculate (False: decode one token a pass)
    # False: plain greedy decoding, no tool draft followed or forced (the unguided baseline); the
    # original still marks where the region ends.
    guided: bool = True
    # Whether the drafts' changed words are what the user asked for (a rename's new name, an agent's
    # sketch or diff) or a linter's own fix: they are then taken as drafted. A guessed fix (a one-token
    # syntax repair, the closest defined name) an instruct model may overrule.
    draft_certain: bool = True
    # Whether the drafts' changes inside comments and docstrings are a tool's whole-word guess (a
    # rename's: "Describe a player" -> "a entrant", "The samples are" -> "The history are"). An
    # instruct model then verifies those lines greedily, their changed words not forced: it may
    # fix the words around them, or keep a word that means something else.
    prose_guessed: bool = False
    # The definitions the regions are, by name: given (--symbol), or named by the instruction of a
    # request for the whole file (then `narrowed`: a result that needs more of the file is redone on
    # all of it). An import the answer for one writes above it is moved to the file's imports.
    definitions: tuple[str, ...] = ()
    narrowed: bool = False
    # The request asks for nothing but that those definitions go (scope.removes_only): no model is asked.
    removes: bool = False

    def __post_init__(self) -> None:
        if not self.regions:
            self.regions = [Region(0, len(self.text))]

    @property
    def span(self) -> tuple[int, int]:
        """From the first region's start to the last region's end (str indices)."""
        return self.regions[0].start, self.regions[-1].end

    @property
    def draft_led(self) -> bool:
        """Whether a tool made drafts that carry the change (then typical acceptance follows them)."""
        return any(r.draft is not None for r in self.regions)

    def draft_start(self, region: Region) -> int:
        """Where `region`'s draft starts in drafted_text (str index)."""
        shift = sum(len(r.draft) - (r.end - r.start) for r in self.regions
                    if r.start < region.start and r.draft is not None)
        return region.start + shift

    @property
    def drafted_text(self) -> str:
        """The document as the drafts would make it (the original where a region has no draft)."""
        pieces, done = [], 0
        for r in self.regions:
            pieces += [self.text[done:r.start], self.text[r.start:r.end] if r.draft is None else r.draft]
            done = r.end
        return "".join(pieces) + self.text[done:]

    # The covering span and its drafted text, for callers that treat the edit as one region.
    @property
    def region(self) -> tuple[int, int]:
        return self.span

    @property
    def draft(self) -> str | None:
        if not self.draft_led:
            return None
        start, end = self.span
        drafted = self.drafted_text
        return drafted[start:len(drafted) - (len(self.text) - end)]
