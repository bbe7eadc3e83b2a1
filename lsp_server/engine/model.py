"""The one module that talks to llama.cpp: load a GGUF, tokenize, decode batches, roll back the KV cache."""

from __future__ import annotations

import ctypes
import hashlib
import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

import llama_cpp as L

from ..config import DEFAULT_MAX_CTX, ModelSettings, default_threads
from ..cpu import REBUILD, amx_path_built
from ..errors import Cancelled, ModelError  # noqa: F401  (raised here; callers import them from errors)
from . import states
from .states import PromptStates

log = logging.getLogger(__name__)

GGUF_MAGIC = b"GGUF"


_backend_lock = threading.Lock()
_backend_ready = False


def _init_backend() -> None:
    global _backend_ready
    with _backend_lock:
        if not _backend_ready:
            _silence_llama_log()
            L.llama_backend_init()
            _backend_ready = True


def _silence_llama_log() -> None:
    """llama.cpp prints its load log to stderr; route only errors to our logger."""

    def forward(level: int, text: bytes, _user: object) -> None:
        if level >= 3:  # ggml: 3 WARN, 4 ERROR; the INFO load log stays quiet
            log.debug("llama.cpp: %s", text.decode("utf-8", "replace").rstrip())

    global _log_cb
    _log_cb = L.llama_log_callback(forward)
    L.llama_log_set(_log_cb, ctypes.c_void_p(0))


_log_cb = None


def download_model(hf_repo: str) -> str:
    """Opt-in: fetch "owner/repo:file.gguf" from Hugging Face with huggingface-hub's hf_hub_download."""
    repo, _, filename = hf_repo.partition(":")
    if not repo or not filename:
        raise ModelError(f"hfRepo must look like 'owner/repo:file.gguf', got {hf_repo!r}")
    try:
        from huggingface_hub import hf_hub_download
    except ImportError as exc:
        raise ModelError("downloading a model needs the huggingface-hub package: pip install 'specedit[hf]'") from exc
    try:
        return hf_hub_download(repo_id=repo, filename=filename)
    except Exception as exc:  # network and hub errors come in many types
        raise ModelError(f"could not download {filename} from {repo}: {exc}") from exc


def check_gguf(path: str) -> str:
    """Validate that path is a readable GGUF file; return it, or raise ModelError with the reason."""
    p = Path(path).expanduser()
    if not p.exists():
        raise ModelError(f"model file not found: {p}")
    if not p.is_file():
        raise ModelError(f"model path is not a file: {p}")
    try:
        with p.open("rb") as f:
            magic = f.read(4)
    except OSError as exc:
        raise ModelError(f"cannot read model file {p}: {exc.strerror}") from exc
    if magic != GGUF_MAGIC:
        raise ModelError(f"not a GGUF model file: {p}")
    return str(p)


def resolve_model_path(settings: ModelSettings) -> str:
    """The GGUF to load: a path, a model name (lsp_server/models.py), a download, or the default model."""
    from .. import models

    if settings.hf_repo and not settings.path:
        return check_gguf(download_model(settings.hf_repo))
    return check_gguf(models.resolve(settings.path))


@dataclass
class ModelInfo:
    path: str
    description: str
    n_vocab: int
    n_ctx: int
    chat_template: str | None
    embedded: bool


def _states_dir(settings: ModelSettings, path: str) -> Path | None:
    """Where kept prompts of this model file and llama.cpp build go (settings.prompt_cache_dir), or None."""
    if not settings.prompt_cache_dir:
        return None
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = f"{os.path.abspath(path)}|{stat.st_size}|{stat.st_mtime_ns}|{getattr(L, '__version__', '')}"
    return Path(settings.prompt_cache_dir) / hashlib.sha256(key.encode()).hexdigest()[:16]


class Model:
    """A llama.cpp model and context with one KV sequence whose contents we track token by token.

    `kv_tokens` is the exact list of tokens whose keys/values are in the cache, in position order:
    decode() appends to it, truncate() rolls it back, prefill() reuses its common prefix.
    """

    def __init__(self, settings: ModelSettings | None = None):
        settings = settings or ModelSettings()
        self.settings = settings
        path = resolve_model_path(settings)
        _init_backend()
        if settings.use_extra_bufts and amx_path_built(L.llama_print_system_info()):
            raise ModelError("repacked weights (useExtraBufts, --use-extra-bufts): this llama.cpp build has its AMX "
                             "weight-repacking path and this CPU has AMX, where that path crashes on the first decode "
                             "(docs/measurements.md 1); turn the setting off, or rebuild llama-cpp-python without AMX as "
                             f"the Makefile does: {REBUILD}")
        mparams = L.llama_model_default_params()
        mparams.n_gpu_layers = settings.n_gpu_layers
        mparams.use_extra_bufts = settings.use_extra_bufts
        self._model = L.llama_model_load_from_file(path.encode(), mparams)
        if not self._model:
            raise ModelError(f"llama.cpp could not load {path} (corrupt or unsupported GGUF?)")
        threads = settings.n_threads or default_threads()
        self.n_batch = 512
        cparams = L.llama_context_default_params()
        n_ctx_train = L.llama_model_n_ctx_train(self._model)
        cparams.n_ctx = settings.n_ctx or min(n_ctx_train if n_ctx_train > 0 else DEFAULT_MAX_CTX, DEFAULT_MAX_CTX)
        cparams.n_batch = self.n_batch
        cparams.n_ubatch = self.n_batch
        cparams.n_seq_max = 1
        cparams.n_threads = threads
        cparams.n_threads_batch = threads
        cparams.no_perf = True
        cparams.swa_full = True  # keep every position of sliding-window layers, so rollback works anywhere
        self._ctx = L.llama_init_from_model(self._model, cparams)
        if not self._ctx:
            L.llama_model_free(self._model)
            raise ModelError(f"llama.cpp could not create a context of {cparams.n_ctx} tokens for {path}")
        self._vocab = L.llama_model_get_vocab(self._model)
        self._mem = L.llama_get_memory(self._ctx)
        self._batch = L.llama_batch_init(self.n_batch, 0, 1)
        self.n_vocab = L.llama_vocab_n_tokens(self._vocab)
        self.n_ctx = L.llama_n_ctx(self._ctx)
        self.kv_tokens: list[int] = []
        self._prompt_len = 0  # the last prefill's tokens: the prompt part of kv_tokens
        self.states = PromptStates(settings.prompt_states_mb << 20, _states_dir(settings, path)) \
            if settings.prompt_states_mb else None
        self._pieces: dict[int, bytes] = {}
        self.add_bos = bool(L.llama_vocab_get_add_bos(self._vocab))
        self.bos = L.llama_vocab_bos(self._vocab)
        template = L.llama_model_chat_template(self._model, None)
        buf = ctypes.create_string_buffer(256)
        L.llama_model_desc(self._model, buf, 256)
        self.info = ModelInfo(
            path=path,
            description=buf.value.decode("utf-8", "replace"),
            n_vocab=self.n_vocab,
            n_ctx=self.n_ctx,
            chat_template=template.decode("utf-8", "replace") if template else None,
            embedded=not settings.path and not settings.hf_repo,  # the default model (lsp_server/models.py)
        )
        self.decode_calls = 0

    # -- tokens -------------------------------------------------------------------------

    def tokenize(self, data: bytes, *, add_bos: bool = False, special: bool = False) -> list[int]:
        """Tokens of data (bytes), without BOS unless asked; special=True parses control tokens."""
        if not data:
            return [self.bos] if add_bos else []
        cap = len(data) + 8
        arr = (L.llama_token * cap)()
        n = L.llama_tokenize(self._vocab, data, len(data), arr, cap, add_bos, special)
        if n < 0:
            cap = -n
            arr = (L.llama_token * cap)()
            n = L.llama_tokenize(self._vocab, data, len(data), arr, cap, add_bos, special)
        return list(arr[:n])

    def piece(self, token: int) -> bytes:
        """The bytes a token stands for in generated text (control tokens render as nothing)."""
        cached = self._pieces.get(token)
        if cached is None:
            buf = ctypes.create_string_buffer(64)
            n = L.llama_token_to_piece(self._vocab, token, buf, 64, 0, False)
            if n < 0:
                buf = ctypes.create_string_buffer(-n)
                n = L.llama_token_to_piece(self._vocab, token, buf, -n, 0, False)
            cached = buf.raw[:n]
            self._pieces[token] = cached
        return cached

    def is_eog(self, token: int) -> bool:
        return bool(L.llama_vocab_is_eog(self._vocab, token))

    # -- KV cache -----------------------------------------------------------------------

    def truncate(self, n_keep: int) -> None:
        """Roll the KV cache back to its first n_keep tokens."""
        if n_keep < len(self.kv_tokens):
            if not L.llama_memory_seq_rm(self._mem, 0, n_keep, -1):
                # A partial removal can fail for some cache types: drop everything instead.
                L.llama_memory_clear(self._mem, True)
                del self.kv_tokens[:]
                return
            del self.kv_tokens[n_keep:]

    def reset(self) -> None:
        """A cold cache: nothing in it, no prompt kept (the benchmark's cold edits, a failed decode)."""
        L.llama_memory_clear(self._mem, True)
        self.kv_tokens = []
        if self.states is not None:
            self.states.entries.clear()
            self.states.on_disk.clear()

    def common_prefix(self, tokens: Sequence[int]) -> int:
        """How many of `tokens`, from the first, a prefill would not evaluate: the cache's, or a kept prompt's."""
        have = states.common_prefix(self.kv_tokens, tokens)
        while self.states is not None and (kept := self.states.best(tokens, have)) is not None:
            if self.states.take(kept[0]) is not None:  # read and checked now (a file may not be what it says)
                return kept[1]
        return have

    def _reuse(self, tokens: Sequence[int]) -> None:
        """Before a prefill of `tokens`: keep the last prompt where they leave it (its prompt part, not the
        answer after it), and take a kept prompt back where they share more with it (engine/states.py)."""
        have = states.common_prefix(self.kv_tokens, tokens)
        if self.states.worth_keeping(self.kv_tokens[:self._prompt_len], have):
            self.states.put(*self._prompt_state())
        if (kept := self.states.best(tokens, have)) is None:
            return
        blob = self.states.take(kept[0])
        L.llama_memory_clear(self._mem, True)
        self.kv_tokens = []
        if blob and L.llama_state_seq_set_data(self._ctx, (ctypes.c_uint8 * len(blob)).from_buffer_copy(blob),
                                               len(blob), 0) == len(blob):
            self.kv_tokens = list(kept[0])
        else:
            L.llama_memory_clear(self._mem, True)
            self.states.forget(kept[0])

    def _prompt_state(self) -> tuple[list[int], bytes]:
        """The cache rolled back to the last prompt (the answer after it dropped): its tokens and state."""
        self.truncate(self._prompt_len)
        size = L.llama_state_seq_get_size(self._ctx, 0)
        buf = (ctypes.c_uint8 * size)()
        n = L.llama_state_seq_get_data(self._ctx, buf, size, 0)
        return list(self.kv_tokens), bytes(memoryview(buf)[:n])

    def keep_prompt(self) -> None:
        """Keep the last prompt, on disk too where kept prompts have a directory: a process about to end
        (`specedit edit`) leaves it to the next one."""
        if self.states is not None and self.states.worth_keeping(self.kv_tokens[:self._prompt_len], 0):
            self.states.keep(*self._prompt_state())

    def prefill(
        self, tokens: Sequence[int], cancelled: Callable[[], bool] | None = None, then: Sequence[int] = (),
        then_logits: Sequence[int] = (),
    ) -> np.ndarray:
        """Make the cache hold exactly `tokens`, reusing the common prefix; return the last position's logits.

        Only the tail past the cached prefix is evaluated; at least one token is, for fresh logits.
        With `then`: those tokens follow in the prompt's last batch where they fit (one forward pass
        fewer), and the logits returned are decode()'s at `then_logits`, sorted indices into `then`;
        -1 is the prompt's last token (the row that predicts then[0]).
        """
        if len(tokens) >= self.n_ctx:
            raise ModelError(f"prompt of {len(tokens)} tokens does not fit the context of {self.n_ctx}")
        if self.states is not None:
            self._reuse(tokens)
        self._prompt_len = len(tokens)
        keep = min(states.common_prefix(self.kv_tokens, tokens), len(tokens) - 1)
        self.truncate(keep)
        rest = list(tokens[keep:])
        logits = None
        for start in range(0, len(rest), self.n_batch):
            if cancelled and cancelled():
                raise Cancelled()
            part = rest[start : start + self.n_batch]
            last = start + len(part) == len(rest)
            if last and then and len(part) + len(then) <= self.n_batch:
                return self.decode([*part, *then], logits_at=[len(part) + i for i in then_logits])
            logits = self.decode(part, logits_at=[len(part) - 1] if last else [])
        assert logits is not None
        if not then:
            return logits[0]
        if then_logits and then_logits[0] < 0:  # the prompt's row, then `then`'s (the view is overwritten by the next decode)
            head = logits[:1].copy()
            return np.concatenate([head, self.decode(then, then_logits[1:])])
        return self.decode(then, then_logits)

    def decode(self, tokens: Sequence[int], logits_at: Sequence[int]) -> np.ndarray:
        """Evaluate tokens at the next positions; return logits (len(logits_at) x n_vocab) at those indices.

        The array views llama.cpp's buffer: it is valid until the next decode.
        """
        n = len(tokens)
        if n == 0 or n > self.n_batch:
            raise ValueError(f"decode takes 1..{self.n_batch} tokens, got {n}")
        if len(self.kv_tokens) + n > self.n_ctx:
            raise ModelError(f"the edit ran past the context of {self.n_ctx} tokens")
        batch = self._batch
        base = len(self.kv_tokens)
        wanted = set(logits_at)
        for i, tok in enumerate(tokens):
            batch.token[i] = tok
            batch.pos[i] = base + i
            batch.n_seq_id[i] = 1
            batch.seq_id[i][0] = 0
            batch.logits[i] = i in wanted
        batch.n_tokens = n
        rc = L.llama_decode(self._ctx, batch)
        self.decode_calls += 1
        if rc != 0:
            raise ModelError(f"llama_decode failed with code {rc}")
        self.kv_tokens.extend(tokens)
        n_out = len(wanted)
        if n_out == 0:
            return np.empty((0, self.n_vocab), dtype=np.float32)
        ptr = L.llama_get_logits(self._ctx)
        # Outputs come back in batch order, so sorted(logits_at) maps rows to positions.
        return np.ctypeslib.as_array(ptr, shape=(n_out, self.n_vocab))

    def close(self) -> None:
        if getattr(self, "_ctx", None):
            L.llama_batch_free(self._batch)
            L.llama_free(self._ctx)
            L.llama_model_free(self._model)
            self._ctx = None
            self._model = None

    def __del__(self):  # pragma: no cover - best effort at interpreter exit
        try:
            self.close()
        except Exception:
            pass
