"""The engine: one backend (local llama.cpp or a shared server) and edits run on it one at a time, region by region."""

from __future__ import annotations

import dataclasses
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

from .. import coords, models, syntax
from ..config import Settings
from ..errors import Cancelled, EditError
from . import asked, blocks, fixes, prompts, scope, spacing, undefined
from .local import LocalBackend
from .model import Model
from .region import Backend, Prepared, Progress, prepare, prompt_parts, run_region
from .regions import split_region
from .request import EditRequest, Region
from .speculative import LoopOptions, LoopStats
from .tasks import identifier_at_index

# A free-form region's prompt holds it about twice (the file excerpt and the code to change) and the
# answer up to 1.5 times: a region larger than the context over this factor is split into parts.
CONTEXT_PER_REGION_TOKEN = 4
# Context kept for the rest of the prompt (excerpt around the region, instruction, template), tokens.
PROMPT_OVERHEAD_TOKENS = 1500
# A warm-up prefills this many tokens at a time and stops between them for an edit: a chunk took
# 0.4-0.7 s on the default model and one thread of this project's CPU (512 at once: 4-6 s).
WARM_CHUNK_TOKENS = 64

__all__ = ["EditResult", "Engine", "Prepared", "Progress", "split_region"]  # split_region: engine/regions.py


@dataclass
class EditResult:
    text: str  # the whole edited document
    region: tuple[int, int]  # str span of the request's regions (first start, last end) in the original
    new_region: str  # what that span became
    stats: LoopStats
    language: str
    problems: list[syntax.SyntaxProblem] = field(default_factory=list)  # syntax errors the edit introduced
    original_region: str = ""
    regions: int = 1  # regions rewritten
    definitions: list[str] = field(default_factory=list)  # the named definitions the regions were
    widened_for: list[str] = field(default_factory=list)  # names their new code used undefined: redone on the whole file

    @property
    def changed(self) -> bool:
        return self.new_region != self.original_region

    def stats_json(self) -> dict:
        s = self.stats
        return {
            "output_tokens": s.output_tokens,
            "prompt_tokens": s.prompt_tokens,
            "prefill_tokens": s.prefill_tokens,
            "prefill_s": round(s.prefill_s, 4),
            "generate_s": round(s.generate_s, 4),
            "passes": s.passes,
            "accepted_tokens": s.accepted_tokens,
            "drafted_tokens": s.drafted_tokens,
            "undrafted_passes": s.undrafted_passes,
            "looked_up_tokens": s.looked_up_tokens,
            "tokens_per_s": round(s.tokens_per_s, 2),
            "stop_reason": s.stop_reason,
            "kept_units": s.kept_units,
            "settled_bytes": s.settled_bytes,
            "regions": self.regions,
            "changed": self.changed,
            "definitions": self.definitions,
            "widened_for": self.widened_for,
        }


class Engine:
    """Runs edits one at a time on the backend the settings choose (the local model is loaded on first use)."""

    def __init__(self, settings: Settings | None = None, model: Model | None = None):
        self.settings = settings or Settings()
        self.local: LocalBackend | None = None
        if self.settings.engine == "openai":  # a shared inference server runs the model (engine/remote.py)
            from .remote import RemoteBackend

            self.backend: Backend = RemoteBackend(self.settings)
        else:
            self.local = self.backend = LocalBackend(self.settings.model, model)
        # Free-form regions (no tool-made draft) may run on a larger model (models.freeform_model).
        self.freeform: LocalBackend | None = None
        freeform = None if self.local is None or model is not None else models.freeform_model(
            self.settings.freeform_model, self.settings.model.path)
        if freeform is not None:
            self.freeform = LocalBackend(dataclasses.replace(self.settings.model, path=freeform, hf_repo=None))
        self.lock = threading.Lock()  # the model runs one edit at a time

    @property
    def loaded(self) -> bool:
        return self.local is not None and self.local.loaded

    @property
    def model(self) -> Model:
        if self.local is None:
            raise RuntimeError("a shared inference server runs the model: there is no local one")
        return self.local.model

    def load(self) -> None:
        """Load the local models now (ModelError if one cannot be); a shared inference server needs nothing here."""
        for backend in (b for b in (self.local, self.freeform) if b is not None):
            backend.model

    def loaded_models(self) -> list[Model]:
        return [b.model for b in (self.local, self.freeform) if b is not None and b.loaded]

    def reset(self) -> None:
        """Empty the loaded models' caches: the next edit prefills its whole prompt (the benchmark's cold start)."""
        for model in self.loaded_models():
            model.reset()

    def close(self) -> None:
        for backend in (b for b in (self.local, self.freeform) if b is not None):
            backend.close()

    def backend_for(self, region: Region) -> Backend:
        """The free-form model for a region without a tool-made draft, where there is one; else the backend."""
        return self.freeform if self.freeform is not None and region.draft is None else self.backend

    def check(self, request: EditRequest) -> syntax.Language:
        """The request's language; EditError when the request cannot be edited at all."""
        text = request.text
        if "\x00" in text:
            raise EditError("the file contains NUL bytes (binary?); refusing to edit it")
        if not request.instruction.strip() and not request.draft_led and request.sketch is None:
            raise EditError("the instruction is empty")
        previous_end = 0
        for r in request.regions:
            if not (previous_end <= r.start <= r.end <= len(text)):
                raise EditError(f"region {r.start}:{r.end} is outside the document ({len(text)} characters) "
                                "or overlaps the one before")
            previous_end = r.end
        return syntax.language_for(request.path, request.language_id)

    def prepare(self, request: EditRequest, region: Region | None = None) -> Prepared:
        """Prompt, draft texts and budget for one region (default: the first), without decoding."""
        self.check(request)
        region = region or request.regions[0]
        return prepare(self.backend_for(region), self.settings, request, region)

    def edit(
        self,
        request: EditRequest,
        on_progress: Callable[[Progress], None] | None = None,
        cancelled: Callable[[], bool] = lambda: False,
        options: LoopOptions | None = None,
    ) -> EditResult:
        """Run one edit to the end (or until cancelled: then Cancelled is raised and nothing is returned).

        The regions are rewritten in turn; progress and the result cover the span from the first
        region's start to the last one's end, with the text between regions kept as it was.

        An annotation the new code defaults to None is made to admit None (`Optional[str]`, `str | None`);
        in Go, a standard import the new code stopped using goes (Go will not build with it).
        A Python name the new code uses and nothing defines (the drafts aside) gets its import when a
        standard module or typing has it (undefined.imports_for); else a request the instruction narrowed
        to named definitions is redone on the whole text (`widened_for` names why; progress then
        starts again at the whole text's start), and any other is refused unless the instruction
        names it.
        """
        with self.lock:
            language = syntax.language_for(request.path, request.language_id)
            result = _finished(self._edit(request, on_progress, cancelled, options), request, language)
            # Names the drafts leave undefined (a user's sketch calls what they will write next) are theirs.
            missing = undefined.new_undefined(request.drafted_text, result.text, language)
            unwritten = asked.asked_unwritten(request.instruction, result.text, language)  # "into a helper f"
            missing |= unwritten
            imported = _imported(result, request.text, missing, language)
            if imported is not None:  # `logging.warning(...)`, `Optional[int]`: the import they need
                return imported
            # The new code needs more of the file than the definitions; not for what the instruction writes as code.
            if (widen := sorted(missing - (scope.code_names(request.instruction) - unwritten))) and request.narrowed:
                whole = dataclasses.replace(request, regions=[Region(0, len(request.text))], definitions=(),
                                            narrowed=False, removes=False)
                why = (f"the new code of {', '.join(request.definitions)} used {', '.join(widen)}, "
                       "which the file does not define, so the whole file was rewritten")
                try:
                    result = _finished(self._edit(whole, on_progress, cancelled, options), request, language)
                except EditError as exc:
                    raise EditError(f"{exc.reason} ({why})", exc.kind) from exc
                # The whole file rewritten may lose what the definitions alone could not: its imports, a
                # constant's spelling (the 0.5B dropped three imports and wrote BONUS_PER_STreak_DAY).
                lost = undefined.new_undefined(request.text, result.text, language) | asked.asked_unwritten(
                    request.instruction, result.text, language)
                imported = _imported(result, request.text, lost, language)
                if imported is not None:
                    result = imported
                elif lost:
                    raise EditError(f"the model's answer uses {', '.join(sorted(lost))}, which nothing in the file "
                                    f"defines any more ({why})", kind="model")
                if moved := scope.moved_definitions(request.text, result.text, language, set(request.definitions)):
                    raise EditError(f"the model's answer moved or removed {', '.join(moved)}, which the request did not name "
                                    f"({why})", kind="model")
                result.widened_for = widen
            elif unknown := sorted(missing - (set(language.identifier.findall(request.instruction)) - unwritten)):
                # A selection's answer, or a given definition's, that misspelled a constant or called a
                # helper that is not there; a name the instruction says ("use parse_config") is the user's.
                raise EditError(f"the model's answer does not define {', '.join(sorted(unwritten))}, which the request "
                                "asks for" if unwritten else f"the model's answer uses {', '.join(unknown)}, which nothing "
                                "in the file defines (say in the instruction where it comes from)", kind="model")
            return result

    def _edit(self, request: EditRequest, on_progress: Callable[[Progress], None] | None,
              cancelled: Callable[[], bool], options: LoopOptions | None) -> EditResult:
        language = self.check(request)
        request = self.fitted(request)
        text = request.text
        span_start, span_end = request.span
        span_len = max(1, span_end - span_start)
        composed = ""  # the span's new text up to the end of the last finished region
        head = span_start  # where the new text starts: above the span where a removal took blank lines there
        written: list[tuple[int, int]] = []  # where each region's output lies in `composed`
        done_end = span_start
        total = LoopStats()
        started = time.perf_counter()
        for region in request.regions:
            composed += text[done_end:region.start]

            def region_progress(p: Progress, prefix=composed, region=region, first=region is request.regions[0]):
                # The one place a region's progress becomes the span's: offsets, fraction, stats, rate.
                orig_before = region.start - span_start
                combined = p.stats if first else LoopStats.combined(total, p.stats)
                elapsed = time.perf_counter() - started - combined.prefill_s
                rate = combined.output_tokens / elapsed if elapsed > 0 else 0.0
                done = orig_before + p.fraction * (region.end - region.start)
                on_progress(p.rebased(orig_before, prefix, combined, done / span_len, rate))

            try:
                output, stats = run_region(self.backend_for(region), self.settings, request, region,
                                           region_progress if on_progress else None, cancelled, options)
            except EditError as exc:
                # A named definition whose answer could not be used (it ran to its budget writing other
                # functions, it dropped lines): once more, its opening through the name written for the model.
                lead = scope.opening(text, region, language) if (
                    exc.kind == "model" and request.definitions and region.draft is None and region.lead is None
                    and self.backend_for(region).prefills_answer) else None
                if lead is None:
                    raise
                region = dataclasses.replace(region, lead=lead)
                output, stats = run_region(self.backend_for(region), self.settings, request, region,
                                           region_progress if on_progress else None, cancelled, options)
            total = LoopStats.combined(total, stats)
            reached = region.end
            if not output and text[region.start:region.end].strip():  # code removed: not two gaps of blank lines
                lo, hi = spacing.removal_gap(text, region.start, region.end)
                reached = min(hi, next((r.start for r in request.regions if r.start >= region.end), len(text)))
                lo = max(lo, done_end if region is not request.regions[0] else 0)
                composed, head = composed[:max(0, len(composed) - (region.start - lo))], min(head, lo)
            written.append((len(composed), len(composed) + len(output)))
            composed += output
            done_end = reached
            if on_progress is not None and region is not request.regions[-1]:
                # The region is final: let the stream send it before the next region's prefill.
                at = done_end - span_start
                on_progress(Progress(composed, (at, len(composed)), total, at / span_len))
        tail = max(span_end, done_end)  # below the span where a removal took blank lines there
        new_text = text[:head] + composed + text[tail:]
        result = EditResult(text=new_text, region=(head, tail), new_region=composed, stats=total,
                            language=language.name, original_region=text[head:tail],
                            regions=len(request.regions), definitions=list(request.definitions))
        # An import a free-form answer wrote above its code goes to the file's imports: any import in a
        # named definition's answer; in a selection's or a node's, those the original did not have. A
        # tool's draft (a renamed import, a user's sketch) stays where it is.
        source = new_text.encode("utf-8")
        spans = [coords.byte_span(new_text, (head + a, head + b))
                 for (a, b), region in zip(written, request.regions) if region.draft is None]
        if not request.definitions:
            spans = syntax.new_import_spans(source, language, spans, text[head:tail].encode("utf-8"))
        if spans:
            hoisted, at = syntax.hoist_imports(source, language, spans)
            if hoisted != source:
                return _retexted(result, text, hoisted.decode("utf-8"), coords.str_index(hoisted, at), language)
        if (mended := fixes.mended_data(text, new_text, head, head + len(composed), language)) is not None:
            return _retexted(result, text, mended, head, language)  # a JSON member's comma left before `}`
        result.problems = syntax.introduced_problems(text.encode(), new_text.encode(), language)
        return result

    def fitted(self, request: EditRequest) -> EditRequest:
        """The request with each free-form region too large for the context split at blank lines (else line ends)."""
        if self.local is None:
            return request  # the server's context is its own (an oversized prompt: its HTTP 400, one sentence)
        regions: list[Region] = []
        for region in request.regions:
            if region.draft is not None:
                regions.append(region)  # tool-made drafts are already only the changed lines
                continue
            model = self.backend_for(region).model
            limit = (model.n_ctx - PROMPT_OVERHEAD_TOKENS) // CONTEXT_PER_REGION_TOKEN
            regions += split_region(request.text, region, limit, lambda s: len(model.tokenize(s.encode("utf-8"))))
        return request if len(regions) == len(request.regions) else dataclasses.replace(request, regions=regions)

    def propose_name(self, text: str, path: str | None, language_id: str | None, position: int) -> str:
        """A new name for the identifier at `position` (str index), proposed by the model (greedy, a few tokens)."""
        language = syntax.language_for(path, language_id)
        old = identifier_at_index(text, language, position)
        lo, hi = prompts.context_window(text, position, position)
        fence_lang = language.name if language.has_grammar else ""
        completion = prompts.name_prompt(text[lo:hi], fence_lang, old)
        message = prompts.name_message(text[lo:hi], fence_lang, old)
        with self.lock:
            answer = self.backend.complete(completion, message, max_tokens=24)
        name = language.identifier.search(answer.strip().strip("`").split("`")[0].strip())
        if not name or name.group(0) == old:
            raise EditError(f"the model proposed no new name for {old!r}; give one (newName)")
        return name.group(0)

    def warm(self, text: str, path: str | None = None, language_id: str | None = None,
             region: tuple[int, int] | None = None, cancelled: Callable[[], bool] = lambda: False,
             lines: bool = True) -> int:
        """Prefill the cache with the prompt prefix a free-form edit of this document starts with; tokens evaluated.

        `region` (str span) is what an edit at the cursor would rewrite. The prefix runs up to the
        change request: the file (a small one whole, a larger one as the window around the region,
        prompts.context_window), then the region's lines. An edit of that region then prefills only
        its instruction; one elsewhere in the file (or, in a larger file, in the same blocks) reuses
        the file part. None: only a small file's own part is warmed (a larger one has nothing to warm
        without a region). lines=False: the file part alone (the region only chooses a larger file's
        window), where the region is a guess. Prefilled WARM_CHUNK_TOKENS at a time, `cancelled` asked
        before each: then Cancelled is raised, and what was prefilled stays cached for the next
        warm-up or edit.
        """
        if self.local is None:
            return 0  # the server keeps its own prompt cache
        backend = self.freeform or self.local  # the model free-form edits run on
        with self.lock:
            if region is None:
                if prompts.context_window(text, 0, 0) != (0, len(text)):
                    return 0
                region = (0, len(text))
            language = syntax.language_for(path, language_id)
            parts = prompt_parts(text, region, language, path, "", prompts.fence_for(text))
            if not lines:
                parts = dataclasses.replace(parts, region=None, region_lines=None)
            prompt = backend.render(parts)
            prompt.text = prompts.cacheable_prefix(prompt.text)
            tokens = backend.tokens(prompt)
            model = backend.model
            before = model.common_prefix(tokens)
            if len(tokens) + 64 >= model.n_ctx:
                return 0
            for stop in range(before + WARM_CHUNK_TOKENS, len(tokens) + WARM_CHUNK_TOKENS, WARM_CHUNK_TOKENS):
                if cancelled():
                    raise Cancelled()
                model.prefill(tokens[:stop])  # evaluates only what the cache does not hold yet
            return len(tokens) - before


def _finished(result: EditResult, request: EditRequest, language: syntax.Language) -> EditResult:
    """`result` with its annotations made explicit (_explicit) and unused standard imports dropped where they break a build."""
    if twice := blocks.written_twice(request.text, result.text, language):  # a helper asked of two definitions
        raise EditError(f"the model's answer defines {', '.join(twice)} twice", kind="model")
    result = _explicit(result, request, language)
    dropped, at = syntax.drop_unused_imports(request.text.encode("utf-8"), result.text.encode("utf-8"), language)
    return result if at == len(dropped) else _retexted(result, request.text, dropped.decode("utf-8"),
                                                       coords.str_index(dropped, at), language)


def _explicit(result: EditResult, request: EditRequest, language: syntax.Language) -> EditResult:
    """`result` with the annotations its new code defaults to None made to admit None (`start: str =
    None` becomes `start: Optional[str] = None`) and builtins written as types spelled as the types
    (`x: any` becomes `x: Any`; syntax.explicit_types). The drafts' own (a
    renamed parameter, a user's sketch) are theirs. Where the file's names cannot be told (a star
    import), a name the new form uses gets its import here, as none is found missing later."""
    edited = result.text.encode("utf-8")
    fixed, at = syntax.explicit_types(request.drafted_text.encode("utf-8"), edited, language)
    if at is None:
        return result
    result = _retexted(result, request.text, fixed.decode("utf-8"), coords.str_index(fixed, at), language)
    if undefined.undefined_names(request.drafted_text) is None:
        words = {w for form in language.optional_forms for w in language.identifier.findall(form.replace("{type}", ""))}
        words |= {spelled for _, spelled in language.type_names}
        needed = {w for w in words - language.reserved if fixed.count(w.encode()) > edited.count(w.encode())}
        result = _imported(result, request.text, needed - syntax.imported_names(fixed, language), language) or result
    return result


def _imported(result: EditResult, original: str, names: set[str], language: syntax.Language) -> EditResult | None:
    """`result` with the imports that bind `names` added (undefined.imports_for); None where a name has none, or none given."""
    imports = undefined.imports_for(names, result.text, language) if names else None
    if not imports:
        return None
    added, at = syntax.add_imports(result.text.encode("utf-8"), language, imports)
    return _retexted(result, original, added.decode("utf-8"), coords.str_index(added, at), language)


def _retexted(result: EditResult, original: str, text: str, changed_from: int, language: syntax.Language) -> EditResult:
    """`result` with its whole text now `text`, which also differs from the original from str index
    `changed_from` on (an import added above the regions): its span grown to start there, problems anew."""
    start = min(result.region[0], changed_from)
    end = result.region[1]
    return dataclasses.replace(result, text=text, region=(start, end), new_region=text[start:len(text) - (len(original) - end)],
                               original_region=original[start:end],
                               problems=syntax.introduced_problems(original.encode(), text.encode(), language))
