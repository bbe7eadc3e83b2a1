"""The peer: llama-cpp-python's own prompt-lookup speculative decoding (LlamaPromptLookupDecoding).

It lives here, not in the runtime library, because loading it patches llama_cpp's globals.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from typing import Sequence

from lsp_server import Settings
from lsp_server.config import default_threads

from .measures import first_divergence, ratio, rounded

log = logging.getLogger(__name__)

PEER_DRAFT_TOKENS = 10


def peer_llama(model_path: str, settings, num_pred_tokens: int = PEER_DRAFT_TOKENS):
    """A llama_cpp.Llama with a LlamaPromptLookupDecoding draft model, for the GGUF at model_path.

    Llama() has no use_extra_bufts argument, so the default model params are patched while it
    loads (the extra-buffer path crashes on AMX CPUs, docs/measurements.md 1). logits_all=True is what the
    peer needs to accept prompts longer than n_batch (measured, docs/measurements.md 1). `settings` is the
    model part of Settings (n_ctx, n_threads, n_gpu_layers, use_extra_bufts).
    """
    import llama_cpp as L
    import llama_cpp.llama as high_level
    from llama_cpp.llama_speculative import LlamaPromptLookupDecoding

    original = L.llama_model_default_params
    high_level_original = high_level.llama_cpp.llama_model_default_params

    def patched():
        params = original()
        params.use_extra_bufts = settings.use_extra_bufts
        return params

    L.llama_model_default_params = patched
    high_level.llama_cpp.llama_model_default_params = patched
    try:
        return L.Llama(
            model_path=model_path,
            n_ctx=settings.n_ctx,
            n_threads=settings.n_threads or default_threads(),
            n_threads_batch=settings.n_threads or default_threads(),
            n_gpu_layers=settings.n_gpu_layers,
            logits_all=True,
            draft_model=LlamaPromptLookupDecoding(num_pred_tokens=num_pred_tokens),
            verbose=False,
        )
    finally:
        L.llama_model_default_params = original
        high_level.llama_cpp.llama_model_default_params = high_level_original


def run_peer(llm, prompt_tokens: Sequence[int], n_tokens: int, is_eog) -> tuple[dict, list[int]]:
    """The peer on the same prompt tokens, greedy, stopped after n_tokens output tokens (or end of generation).

    The first token arrives after the peer's prefill (logits for the whole prompt: its logits_all);
    generation is timed from there, as ours is.
    """
    llm.reset()
    tokens: list[int] = []
    stop_reason = "exhausted"
    t0 = time.perf_counter()
    t_first = None
    for token in llm.generate(list(prompt_tokens), temp=0.0, top_k=1, top_p=1.0, min_p=0.0, repeat_penalty=1.0):
        if t_first is None:
            t_first = time.perf_counter()
        if is_eog(token):
            stop_reason = "eos"
            break
        tokens.append(token)
        if len(tokens) >= n_tokens:
            stop_reason = "count"
            break
    t_end = time.perf_counter()
    t_first = t_first or t_end
    generate_s = t_end - t_first
    return {
        "prefill_s": round(t_first - t0, 4),
        "generate_s": round(generate_s, 4),
        "tokens_per_s": round(len(tokens) / generate_s, 2) if generate_s > 0 else 0.0,
        "output_tokens": len(tokens),
        "stop_reason": stop_reason,
    }, tokens


def run_peers(records: list[dict], peer_inputs: list[dict], settings: Settings, model, err) -> None:
    """The peer on every task that has a plain run, after all of ours (its logits_all buffers are large)."""
    todo = [(r, p) for r, p in zip(records, peer_inputs) if p]
    if not todo:
        return
    # Only as much context as the longest task needs: the peer keeps n_ctx x n_vocab logits.
    needed = max(len(p["prompt_tokens"]) + len(p["plain_tokens"]) + PEER_DRAFT_TOKENS + 64 for _, p in todo)
    peer_settings = dataclasses.replace(settings.model, n_ctx=min(model.n_ctx, -(-needed // 256) * 256))
    print(f"loading the peer (n_ctx {peer_settings.n_ctx})...", file=err, flush=True)
    try:
        llm = peer_llama(model.info.path, peer_settings)
    except Exception as exc:  # llama-cpp-python raises ValueError/RuntimeError/OSError on load
        for r, _ in todo:
            r["errors"]["peer"] = f"the peer did not load: {exc}"
        return
    try:
        for i, (r, p) in enumerate(todo, 1):
            try:
                peer, tokens = run_peer(llm, p["prompt_tokens"], len(p["plain_tokens"]), model.is_eog)
            except Exception as exc:  # the peer is third-party code: report and go on
                log.debug("peer failed on %s", r["name"], exc_info=True)
                r["errors"]["peer"] = f"{type(exc).__name__}: {exc}"
                continue
            peer["first_divergence"] = first_divergence(tokens, p["plain_tokens"][: len(tokens)])
            peer["identical_to_plain"] = peer["first_divergence"] is None
            r["peer"] = peer
            r["speedup_vs_peer"] = rounded(ratio(r["ours"]["tokens_per_s"], peer["tokens_per_s"]))
            print(f"[{i}/{len(todo)}] {r['name']}: peer {peer['output_tokens']} tok {peer['generate_s']:.1f} s "
                  f"{peer['tokens_per_s']:.1f} tok/s (prefill {peer['prefill_s']:.1f} s)", file=err, flush=True)
    finally:
        llm.close()
