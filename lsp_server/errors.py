"""The errors an edit can end in, for every layer (engine, CLI, batch, server); no imports of their own."""

from __future__ import annotations


class EditError(Exception):
    """The edit cannot be done as asked, or the model could not finish it; `reason` is for the user.

    `kind` says which: "request" (the input does not fit: a bad range, an empty instruction, a name
    that is not there), "fit" (too large for the model's context), or "model" (the model ran but its
    answer cannot be used: unfinished, lines dropped). For "fit" and "model" nothing was changed, and
    each caller says what happened to the file in its own words (`with_outcome`).
    """

    def __init__(self, reason: str, kind: str = "request"):
        super().__init__(reason)
        self.reason = reason
        self.kind = kind

    def with_outcome(self, outcome: str) -> str:
        """The message with what became of the file: "nothing was changed", "the streamed part was reverted"."""
        return self.reason if self.kind == "request" else f"{self.reason}; {outcome}"

    def __str__(self) -> str:
        return self.with_outcome("nothing was changed")


class CliError(Exception):
    """A user error on the command line: printed as one line on stderr, exit status 2."""


class ModelError(Exception):
    """The model could not be found, loaded or run; the message is for the user."""


class Cancelled(Exception):
    """The user cancelled the edit; nothing is returned."""
