"""The `gradtrace` command: `serve` starts the service, `render` draws files without a server."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .config import Settings
from .errors import CLI_EXIT, ERROR_TITLES, GradtraceError
from .i18n import DEFAULT_LANGUAGE, LANGUAGES, Language, Message, parse_language
from .rendering.options import RenderOptions


def build_parser() -> argparse.ArgumentParser:
    """The command line, as `gradtrace --help` shows it."""
    parser = argparse.ArgumentParser(prog="gradtrace", description="Draw the autograd graph of PyTorch code.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="start the web service")
    serve.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default 8000)")
    serve.add_argument("--no-access-log", action="store_true", help="write no line per request to standard output")
    render = commands.add_parser(
        "render",
        help="render files without a server",
        description="Render one file (or - for standard input) to -o FILE or standard output, or several "
        "files and folders (every *.py inside) to the folder -o DIR, skipping snippets that did not change.",
    )
    render.add_argument("source", nargs="+", help="a .py file of PyTorch code, a folder of them, or -")
    render.add_argument("-o", "--output", help="file to write (default: standard output); a folder for several")
    render.add_argument("--format", choices=("svg", "png", "pdf", "dot", "json"), default="svg")
    render.add_argument("--inputs", help="JSON object of input values, e.g. '{\"x\": [1, 2]}'")
    render.add_argument("--theme", choices=("light", "dark", "auto"), default="light")
    render.add_argument("--direction", choices=("TB", "LR", "BT", "RL"), default="TB")
    render.add_argument("--precision", type=int, choices=range(1, 11), default=4, metavar="1..10")
    render.add_argument("--no-values", action="store_true", help="hide the values")
    render.add_argument("--no-grads", action="store_true", help="hide the gradients")
    render.add_argument("--no-collapse", action="store_true", help="draw every step of long runs of one op")
    render.add_argument("--graph", type=int, default=-1, help="which graph when the code calls backward() often")
    render.add_argument(
        "--color-by", choices=("none", "grad"), default="none", help="grad: colour nodes by gradient size (log ramp)"
    )
    render.add_argument(
        "--gradcheck", action="store_true", help="draw each leaf's numeric gradient check (✓/✗) in its box"
    )
    render.add_argument(
        "--edge-labels", choices=("auto", "on", "off"), default="auto",
        help="the chain rule on each edge (auto: on for drawings of up to 30 boxes)",
    )  # fmt: skip
    render.add_argument(
        "--step", type=_step_number, default=None, metavar="K",
        help="draw the stepper's step K: forward values first, then gradients in backward order",
    )  # fmt: skip
    render.add_argument(
        "--lang", type=_language, default=None, metavar="LANG",
        help="en or zh-CN: the drawing's words and the messages (default: from LC_ALL, LC_MESSAGES or LANG)",
    )  # fmt: skip
    return parser


def environment_language(environ: Mapping[str, str]) -> Language:
    """The language the locale environment asks for, as gettext reads it: LANGUAGE (a list), then the first
    set of LC_ALL, LC_MESSAGES, LANG; `zh_CN.UTF-8` is zh-CN, C/POSIX and anything else English."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            if value in ("C", "POSIX") or value.startswith("C."):
                return DEFAULT_LANGUAGE  # gettext ignores LANGUAGE under the C locale
            wanted = [*environ.get("LANGUAGE", "").split(":"), value]
            break
    else:
        wanted = environ.get("LANGUAGE", "").split(":")
    for entry in wanted:
        language = parse_language(entry.split(".", 1)[0].split("@", 1)[0]) if entry else None
        if language is not None:
            return language
    return DEFAULT_LANGUAGE


def _language(raw: str) -> Language:
    """A --lang value (forgiving: zh, zh_CN, zh-Hans, en-US)."""
    language = parse_language(raw)
    if language is None:
        raise argparse.ArgumentTypeError(f"{raw!r} is not one of {', '.join(LANGUAGES)}")
    return language


def error_line(error: GradtraceError, language: Language, where: object = None) -> str:
    """`gradtrace: syntax error: line 1: ...` in `language` (`where`: the file it is about)."""
    title = ERROR_TITLES[error.kind]
    message = error.display_message(language)
    if where is None:
        return Message("gradtrace: {error}: {message}", error=title, message=message).render(language)
    line = Message("gradtrace: {path}: {error}: {message}", path=str(where), error=title, message=message)
    return line.render(language)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `gradtrace` command; returns the exit code."""
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    if args.lang is None:
        args.lang = environment_language(os.environ)
    if _is_batch(args.source):
        return _render_batch(args)
    try:
        _write(_render(args), args.output)
    except GradtraceError as exc:
        print(error_line(exc, args.lang), file=sys.stderr)
        return CLI_EXIT[exc.kind]
    return 0


def _write(output: bytes, target: str | None) -> None:
    if not target:
        sys.stdout.buffer.write(output)
        sys.stdout.flush()
        return
    try:
        Path(target).write_bytes(output)
    except OSError as exc:  # a missing folder, no permission, a full disk: say so, no traceback
        raise cannot_write(target, exc) from None


def cannot_write(target: object, exc: OSError) -> GradtraceError:
    """The error of an output file or folder that cannot be written."""
    message = Message("cannot write {path}: {error}", path=str(exc.filename or target), error=str(exc.strerror or exc))
    return GradtraceError("request", message, code="request.unwritable")


def _is_batch(sources: list[str]) -> bool:
    return len(sources) > 1 or Path(sources[0]).is_dir()


def _serve(args: argparse.Namespace) -> int:
    import dataclasses
    import gc

    import uvicorn

    from .web.factory import create_app

    try:
        settings = Settings.from_env()
        settings = dataclasses.replace(
            settings, host=args.host or settings.host, port=args.port if args.port is not None else settings.port
        )
        app = create_app(settings)
    except ValueError as problem:  # a GRADTRACE_* setting that cannot be used: say which, no traceback
        print(f"gradtrace serve: {problem}", file=sys.stderr)
        return 2
    # torch and the app are loaded now: their ~200,000 objects live as long as the process. Frozen,
    # they are left out of every later collection, each of which would otherwise stop the event loop
    # (and every answer, /healthz included) for 0.1-0.3 s.
    gc.collect()
    gc.freeze()
    uvicorn.run(app, **server_options(settings, access_log=not args.no_access_log))
    return 0


def server_options(settings: Settings, access_log: bool = True) -> dict[str, Any]:
    """uvicorn's settings for `settings`: its own limits where they suffice, our protocol for the rest
    (header and body deadlines, connections per address, 414/431 answers: web/connection_guard.py)."""
    from .web.connection_guard import guarded_protocol

    return {
        "host": settings.host,
        "port": settings.port,
        "http": guarded_protocol(settings, access_log=access_log),
        "access_log": False,  # the protocol writes each request's line itself, at a fraction of the cost
        # A request arriving with this many connections open or requests in progress is answered 503;
        # the protocol closes connections past it.
        "limit_concurrency": settings.max_connections,
        "timeout_keep_alive": settings.keep_alive_seconds,
        # X-Forwarded-For/-Proto are believed only from the proxies the settings trust (uvicorn's
        # default trusts 127.0.0.1 whatever the deployment); the app reads the client the same way.
        "proxy_headers": bool(settings.trusted_proxies),
        "forwarded_allow_ips": list(settings.trusted_proxies) or None,
    }


def _read_source(name: str) -> str:
    try:
        return sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        message = Message("cannot read {path}: {error}", path=name, error=str(exc))
        raise GradtraceError("request", message, code="request.unreadable") from None


def _step_number(raw: str) -> int:
    """A --step value: a whole number, 0 or more."""
    if not raw.isdigit():
        raise argparse.ArgumentTypeError(f"{raw!r} is not a step number (0, 1, 2, ...)")
    return int(raw)


def _options(args: argparse.Namespace) -> RenderOptions:
    return RenderOptions(
        theme=args.theme, direction=args.direction, precision=args.precision,
        show_values=not args.no_values, show_grads=not args.no_grads, collapse_runs=not args.no_collapse,
        graph=args.graph, color_by=args.color_by, gradcheck=args.gradcheck,
        edge_labels={"auto": None, "on": True, "off": False}[args.edge_labels], step=args.step, lang=args.lang,
    )  # fmt: skip


def _render(args: argparse.Namespace) -> bytes:
    from .batch_render import render_output
    from .pipeline import parse_inputs

    source = _read_source(args.source[0])
    limits = Settings.from_env().limits
    return render_output(source, parse_inputs(args.inputs), _options(args), args.format, limits)


def _render_batch(args: argparse.Namespace) -> int:
    from .batch_render import render_folder

    if not args.output or "-" in args.source or args.inputs:
        refusal = Message("gradtrace: several sources need -o FOLDER (and no - or --inputs)")
        print(refusal.render(args.lang), file=sys.stderr)
        return CLI_EXIT["request"]
    sources = [Path(s) for s in args.source]
    try:
        report = render_folder(sources, Path(args.output), _options(args), args.format, Settings.from_env().limits)
    except (OSError, GradtraceError) as problem:  # an unwritable -o; two snippets named for one file
        error = problem if isinstance(problem, GradtraceError) else cannot_write(args.output, problem)
        print(error_line(error, args.lang), file=sys.stderr)
        return CLI_EXIT[error.kind]
    for path, exc in report.failed:
        print(error_line(exc, args.lang, path), file=sys.stderr)
    summary = Message(
        "gradtrace: {written} written, {unchanged} unchanged, {failed} failed in {folder}",
        written=len(report.written),
        unchanged=len(report.unchanged),
        failed=len(report.failed),
        folder=args.output,
    )
    print(summary.render(args.lang), file=sys.stderr)
    return CLI_EXIT[report.failed[0][1].kind] if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
