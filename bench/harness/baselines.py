"""What ours is measured against: unguided plain decoding, guided decoding, and the tool's draft without the model.

- plain (unguided): the model's own greedy output from the same prompt, no draft shown, followed
  or forced, no typical acceptance, one token per forward pass (EditRequest guided=False). Speed
  ("x plain") and "identical to plain" are against it.
- guided: ours' decoding rule one token per pass (speculate=False: the tool's draft read, its
  changed words forced, typical acceptance where ours uses it). Ours verifies the same rule many
  tokens a pass, so a difference from guided is a numeric flip (greedy) or a flip at the typical
  bound; that is where the top-2 margin is measured. Without a tool draft it decodes exactly as
  plain, so it is not run again.
- draft only: the tool's drafts applied as they are (`request.drafted_text`), judged by the same
  checks; a task without a tool draft is not correct this way (its draft is the original).
"""

from __future__ import annotations

import dataclasses

from .checks import judge
from .tasks import BenchTask

NO_DRAFT = "no tool draft: the draft is the original"


def unguided(request):
    """The request as plain greedy decoding: no draft followed or forced, one token per pass."""
    return dataclasses.replace(request, speculate=False, guided=False)


def guided(request):
    """The request decoded by ours' rule one token per pass (the draft read and forced, no verification batches)."""
    return dataclasses.replace(request, speculate=False)


def draft_only(bt: BenchTask, request) -> tuple[bool, str | None]:
    """(correct, why not) of the tool's drafts applied without the model, judged like ours."""
    if not request.draft_led:
        return False, NO_DRAFT
    return judge(bt, request.drafted_text)
