"""`specedit serve | edit | apply | demo | bench | models`: the command line over the same engine the server uses."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys

from .config import Settings
from .errors import CliError
from .fileio import FileChanged, FileError, read_sketch, read_source, unified_diff, write_file

log = logging.getLogger("specedit")


# Exit statuses of `specedit edit`: 0 the edit is done, 1 not written (syntax errors, or the file changed
# meanwhile), 2 a user error, 3 the model made no change (nothing to write: say so, never silently).
EXIT_UNCHANGED = 3


def settings_from_args(args) -> Settings:
    settings = Settings()
    if getattr(args, "model", None):
        settings.model.path = args.model
    if getattr(args, "freeform_model", None):
        settings.freeform_model = args.freeform_model
    if getattr(args, "hf_repo", None):
        settings.model.hf_repo = args.hf_repo
    for name in ("n_ctx", "n_threads", "n_gpu_layers"):
        value = getattr(args, name, None)
        if value is not None:
            setattr(settings.model, name, value)
    if getattr(args, "use_extra_bufts", False):
        settings.model.use_extra_bufts = True
    if getattr(args, "no_speculation", False):
        settings.draft.speculate = False
    if getattr(args, "acceptance", None):
        settings.draft.acceptance = args.acceptance
    if getattr(args, "fixed_chunks", False):
        settings.draft.syntax_aligned = False
    for name in ("engine", "engine_url", "engine_model", "engine_api", "engine_api_key_env"):
        if getattr(args, name, None):
            setattr(settings, name, getattr(args, name))
    if getattr(args, "engine", None) is None and getattr(args, "engine_url", None):
        settings.engine = "openai"  # --engine-url alone means the server
    return settings


def add_model_args(p: argparse.ArgumentParser, freeform_default: str | None = None) -> None:
    """The model options; `freeform_default`: what --freeform-model defaults to where it is not the pairing."""
    from .models import DEFAULT_FREEFORM_MODEL, DEFAULT_MODEL

    p.add_argument("--model", metavar="GGUF|NAME",
                   help=f"a GGUF model file or a model name (`specedit models` lists them; default: {DEFAULT_MODEL})")
    p.add_argument("--freeform-model", metavar="GGUF|NAME",
                   help="the model for free-form edits, which no tool drafts ('same': --model's; default: " + (
                       freeform_default or f"{DEFAULT_FREEFORM_MODEL} beside the default model, once installed") + ")")
    p.add_argument("--hf-repo", metavar="OWNER/REPO:FILE", help="opt-in: download a GGUF from Hugging Face")
    p.add_argument("--n-ctx", type=int, help="context size in tokens (default: the model's, at most 16384)")
    p.add_argument("--n-threads", type=int, help="CPU threads (default: all cores)")
    p.add_argument("--n-gpu-layers", type=int, help="layers to offload to CUDA/Metal (default 0)")
    p.add_argument("--use-extra-bufts", action="store_true", help="weights repacked for the CPU: cheaper one-token passes, dearer prefill (refused on a llama.cpp build with the AMX path, which crashes)")
    p.add_argument("--acceptance", choices=("auto", "greedy", "typical"), help="draft acceptance rule")
    p.add_argument("--no-speculation", action="store_true", help="plain decoding, one token per forward pass")
    p.add_argument("--fixed-chunks", action="store_true", help="draft fixed-size chunks instead of syntax-aligned ones")
    p.add_argument("--engine", choices=("local", "openai"),
                   help="where the model runs: 'local' (llama.cpp here, the default) or 'openai' (an OpenAI-compatible server)")
    p.add_argument("--engine-url", metavar="URL", help="the server's API base, e.g. http://127.0.0.1:8080/v1 (implies --engine openai)")
    p.add_argument("--engine-model", metavar="NAME", help="the server's model name (default: the first it lists)")
    p.add_argument("--engine-api", choices=("chat", "completion"),
                   help="'chat' for instruct models (default), 'completion' for base models")
    p.add_argument("--engine-api-key-env", metavar="VAR",
                   help="environment variable holding the server's API key (default OPENAI_API_KEY)")


def add_prompt_cache_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--no-prompt-cache", action="store_true",
                   help="do not keep the last prompt's state on disk for the next run (~/.cache/specedit/prompts)")


def with_prompt_cache(settings: Settings, args) -> Settings:
    """`edit` and `apply` run a process each: the last prompt is kept on disk for the next one (engine/states.py)."""
    if not args.no_prompt_cache:
        from .models import cache_dir
        settings.model.prompt_cache_dir = str(cache_dir().parent / "prompts")
    return settings


def add_marker_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--marker", action="append", metavar="PHRASE",
                   help="a sketch line that stands for unchanged code, e.g. '... keep ...' (repeatable; "
                        "replaces the defaults '... existing code ...', '... rest of the code ...')")


def _lines_named(text: str, regions) -> str:
    """'line 10', 'lines 9-53, 63-97': where regions are, as an editor numbers lines."""
    from . import coords
    spans = [coords.line_numbers(text, (r.start, r.end)) for r in regions]
    parts = [str(a) if a == b else f"{a}-{b}" for a, b in spans]
    return ("line " if len(spans) == 1 and spans[0][0] == spans[0][1] else "lines ") + ", ".join(parts)


def cmd_edit(args) -> int:
    from . import linters
    from .engine.engine import Engine
    from .errors import EditError, ModelError
    from .engine.tasks import build_request, parse_lines, position_at, task_from

    if args.more_paths or (args.symbol and os.path.isdir(args.path)):
        return cmd_rename_files(args)
    text = read_source(args.path)
    sketch = read_sketch(args.sketch) if args.sketch else None
    try:
        task = task_from(args.instruction, parse_lines(args.lines), args.symbol, args.new_name, args.diagnostic,
                         sketch, args.marker, position_at(text, args.at))
        if task.kind == "fix":  # a message that names a linter's rule: that linter's fix is the draft
            task.fix_edits = linters.fix_for_rule(args.path, text, task.diagnostic or "")
        request = build_request(text, task, path=args.path)
        engine = Engine(with_prompt_cache(settings_from_args(args), args))
        result = engine.edit(request)
    except (EditError, ModelError) as exc:
        raise CliError(str(exc)) from exc
    if result.widened_for:
        print(f"specedit: the new code of {', '.join(request.definitions)} uses {', '.join(result.widened_for)}, which the "
              "file does not define: rewrote the whole file instead", file=sys.stderr)
    elif request.narrowed and request.regions[0].lead == text[request.regions[0].start:request.regions[0].end]:
        print(f"specedit: wrote the new code after {request.definitions[0]}, the function named most like it "
              "(give --lines to rewrite other lines instead)", file=sys.stderr)
    elif request.narrowed:
        what = (f"{', '.join(request.definitions)}, which the instruction names" if request.definitions else
                f"{(lines := _lines_named(text, request.regions))}, which hold{'s' * lines.startswith('line ')} what the "
                "instruction names")  # a stylesheet's
        print(f"specedit: rewrote only {what} (give --lines to rewrite other lines too)", file=sys.stderr)
    if not result.changed:
        print(f"specedit: the model made no change to {args.path} ({result.stats.stop_reason}, "
              f"{result.stats.output_tokens} tokens); nothing to write", file=sys.stderr)
    if result.problems:
        first = result.problems[0]
        line = result.text.encode()[: first.start].count(b"\n") + 1
        print(f"specedit: warning: the edit introduces {len(result.problems)} syntax error(s), first at line {line}: {first.message}", file=sys.stderr)
    if args.write:
        if result.problems and not args.force:
            print("specedit: not writing the file (use --force to write it anyway)", file=sys.stderr)
            status = 1
        else:
            if result.text != text:
                write_file(args.path, result.text, text)  # FileChanged if the file changed meanwhile
            status = 0
    else:
        status = 0
        printed = unified_diff(args.path, text, result.text) if args.diff else result.text
        sys.stdout.write(printed)
        if args.json and printed and not printed.endswith("\n"):
            sys.stdout.write("\n")  # the stats stay on a line of their own
    if args.json:
        sys.stdout.flush()
        print(json.dumps(result.stats_json()))
    sys.stdout.flush()
    for model in engine.loaded_models():  # the answer is out: leave the prompt to the next run
        model.keep_prompt()
    return status if result.changed else EXIT_UNCHANGED


def cmd_rename_files(args) -> int:
    """`edit --symbol X --new-name Y PATH...`: the rename in every file given and every language file
    under every folder given; a diff per file (or --write: all files or none), --json: one answer per file."""
    from .apply import loaded_engine
    from .errors import EditError
    from .multifile import rename_files, write_outcomes

    if not (args.symbol and args.new_name) or args.instruction or args.diagnostic or args.sketch or args.lines:
        raise CliError("several files or a folder take a rename only: --symbol and --new-name, no -i, --diagnostic, "
                       "--sketch or --lines")
    engine = loaded_engine(settings_from_args(args))
    try:
        outcomes = rename_files(engine, args.symbol, args.new_name, [args.path, *args.more_paths], args.force)
    except EditError as exc:
        raise CliError(str(exc)) from exc
    if args.write:
        write_outcomes(outcomes, atomic=True)  # a rename half done across files breaks the build
    for o in outcomes:
        if args.json:
            print(json.dumps(o.answer(with_diff=not args.write)))
        elif not o.ok:
            print(f"specedit: {o.path}: {o.error}", file=sys.stderr)
        elif not args.write:
            sys.stdout.write(o.diff())
    if not all(o.ok for o in outcomes):
        return 1
    return 0 if any(o.changed for o in outcomes) else EXIT_UNCHANGED


def cmd_mcp(args) -> int:
    try:
        from .mcp_server import serve
    except ImportError as exc:
        raise CliError(f"specedit mcp needs the mcp package ({exc}): pip install 'specedit[mcp]'") from exc

    return serve(settings_from_args(args), root=args.root)


def cmd_serve(args) -> int:
    from .server import build_server

    server = build_server()
    if args.tcp:
        server.start_tcp(args.host, args.port)
    else:
        server.start_io()
    return 0


def cmd_apply(args) -> int:
    from .apply import cmd_apply as run

    return run(args, with_prompt_cache(settings_from_args(args), args))


def cmd_demo(args) -> int:
    from .demo import run_demo

    return run_demo(settings_from_args(args))


def cmd_bench(args) -> int:
    """The harness lives in a checkout's bench/harness (not in the installed package): load it from there."""
    from pathlib import Path

    roots = [Path(__file__).resolve().parents[1], Path.cwd()]
    root = next((r for r in roots if (r / "bench" / "harness" / "__init__.py").is_file()), None)
    if root is None:
        raise CliError("bench needs a specedit source checkout (bench/harness): run it from the checkout's folder")
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    from bench.harness import run_benchmark

    return run_benchmark(args, settings_from_args(args))


def cmd_models(args) -> int:
    from .errors import ModelError
    from .models import status_lines

    try:
        print("\n".join(status_lines(args.assemble)))
    except ModelError as exc:
        raise CliError(str(exc)) from exc
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="specedit", description="Local AI code edits with speculative decoding.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log to stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="run the language server (stdio by default)")
    transport = p.add_mutually_exclusive_group()
    transport.add_argument("--stdio", action="store_true", help="talk LSP on stdin/stdout (the default; language clients pass it)")
    transport.add_argument("--tcp", action="store_true", help="listen on TCP instead of stdio (debugging)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=2087)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("edit", help="edit one file and print the result (a rename: files and folders)")
    p.add_argument("path")
    p.add_argument("more_paths", nargs="*", metavar="PATH",
                   help="a rename across files: more files or folders (their files of known languages)")
    p.add_argument("-i", "--instruction", help="what to change")
    p.add_argument("--lines", metavar="A:B", help="only rewrite lines A..B (1-based, inclusive)")
    p.add_argument("--symbol", help="rename: the symbol to rename (with --new-name); with -i alone: the definitions "
                   "to rewrite (functions, methods, classes; comma-separated names)")
    p.add_argument("--new-name", help="rename: the new name")
    p.add_argument("--at", metavar="LINE:COL", help="rename: only the binding of the --symbol at this place (a local "
                   "within its scope); without it, every occurrence in the file")
    p.add_argument("--diagnostic", help="fix: the linter or compiler message to fix")
    p.add_argument("--sketch", metavar="FILE", help="apply an edit sketch ('... existing code ...' lines for the rest; '-': stdin)")
    add_marker_arg(p)
    out = p.add_mutually_exclusive_group()
    out.add_argument("--diff", action="store_true", help="print a unified diff instead of the file")
    out.add_argument("--write", action="store_true", help="write the file in place (atomically)")
    p.add_argument("--force", action="store_true", help="--write even if the edit introduces syntax errors")
    p.add_argument("--json", action="store_true", help="print the statistics as one JSON line at the end")
    add_model_args(p)
    add_prompt_cache_arg(p)
    p.set_defaults(func=cmd_edit)

    p = sub.add_parser("apply", help="a batch of edits (JSON lines), or one unified diff or SEARCH/REPLACE text")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--jsonl", metavar="FILE", help="requests, one JSON object per line ('-' for stdin)")
    source.add_argument("--diff", metavar="FILE", help="a unified diff of one or many files ('-' for stdin)")
    source.add_argument("--blocks", metavar="FILE", help="file paths, each followed by SEARCH/REPLACE blocks ('-' for stdin)")
    p.add_argument("--root", default=".", metavar="DIR", help="--diff/--blocks: the folder their paths start from (default .)")
    p.add_argument("--atomic", action="store_true", help="--diff/--blocks: write every file or none")
    p.add_argument("--force", action="store_true", help="--diff/--blocks: write even if an edit introduces syntax errors")
    p.add_argument("--dry-run", action="store_true", help="do not write files; answers carry a unified diff")
    add_marker_arg(p)
    add_model_args(p)
    add_prompt_cache_arg(p)
    p.set_defaults(func=cmd_apply)

    p = sub.add_parser("mcp", help="a Model Context Protocol server on stdio: edit_file, rename_symbol, fix_diagnostic")
    p.add_argument("--root", default=".", metavar="DIR", help="relative paths in tool calls start here (default .)")
    add_model_args(p)
    p.set_defaults(func=cmd_mcp)

    p = sub.add_parser("demo", help="a real edit of the bundled sample, next to plain decoding")
    add_model_args(p)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("bench", help="benchmark plain decoding, the peer and ours")
    p.add_argument("--tasks", default=None, help="folder of task folders (default bench/tasks and bench/sketches)")
    p.add_argument("--json", dest="json_out", metavar="FILE", help="write the results as JSON")
    p.add_argument("--only", nargs="*", help="only the tasks with these names")
    p.add_argument("--no-peer", action="store_true", help="skip the peer (llama-cpp-python prompt lookup)")
    p.add_argument("--compare-chunks", action="store_true", help="also run ours with fixed-size chunks (syntax-aligned vs fixed)")
    add_model_args(p, freeform_default="same, one model a run, for its calibration and baselines")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser("models", help="the model names --model accepts: installed or not, and their files")
    p.add_argument("--assemble", nargs="*", metavar="NAME", help="assemble and verify these (no name: every installed one)")
    p.set_defaults(func=cmd_models)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    if args.command == "edit" and not (args.instruction or args.symbol or args.diagnostic or args.sketch):
        print("specedit: edit needs --instruction (or --symbol/--new-name, --diagnostic, or --sketch)", file=sys.stderr)
        return 2
    if args.command == "edit" and args.sketch and (args.instruction or args.symbol or args.diagnostic or args.lines):
        print("specedit: --sketch applies to the whole file on its own: leave out -i, --symbol, --diagnostic and --lines",
              file=sys.stderr)
        return 2
    if args.command == "edit" and args.at and (not args.symbol or (args.instruction and not args.new_name)):
        print("specedit: --at needs --symbol and --new-name", file=sys.stderr)
        return 2
    if args.command == "edit" and args.symbol and not args.new_name and not args.instruction:
        print("specedit: --symbol needs --new-name (a rename) or -i (an edit of the definitions so named)", file=sys.stderr)
        return 2
    if args.command == "edit" and args.symbol and args.instruction and not args.new_name and (
            args.more_paths or os.path.isdir(args.path)):
        print("specedit: an edit of named definitions (-i with --symbol) takes one file", file=sys.stderr)
        return 2
    try:
        return args.func(args)
    except FileChanged as exc:  # a newer file on disk: nothing written, not a usage error
        print(f"specedit: {exc}", file=sys.stderr)
        return 1
    except (CliError, FileError) as exc:
        print(f"specedit: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `specedit edit ... | head`
        sys.stderr.close()
        return 141


if __name__ == "__main__":
    sys.exit(main())
