"""The `gradtrace` command: `serve` starts the service, `render` draws files without a server."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from app.config import Settings
from app.errors import CLI_EXIT, GradtraceError


def build_parser() -> argparse.ArgumentParser:
    """The command line, as `gradtrace --help` shows it."""
    parser = argparse.ArgumentParser(prog="gradtrace", description="Draw the autograd graph of PyTorch code.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="start the web service")
    serve.add_argument("--host", default=None, help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="port (default 8000)")
    render = commands.add_parser("render", help="render a file (or - for standard input) without a server")
    render.add_argument("source", help="a .py file of PyTorch code, or - to read standard input")
    render.add_argument("-o", "--output", help="where to write (default: standard output)")
    render.add_argument("--format", choices=("svg", "dot", "json"), default="svg")
    render.add_argument("--inputs", help='JSON object of input values, e.g. \'{"x": [1, 2]}\'')
    render.add_argument("--theme", choices=("light", "dark", "auto"), default="light")
    render.add_argument("--direction", choices=("TB", "LR", "BT", "RL"), default="TB")
    render.add_argument("--graph", type=int, default=-1, help="which graph when the code calls backward() often")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `gradtrace` command; returns the exit code."""
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    try:
        output = _render(args)
    except GradtraceError as exc:
        print(f"gradtrace: {exc.kind} error: {exc}", file=sys.stderr)
        return CLI_EXIT[exc.kind]
    if args.output:
        Path(args.output).write_text(output, encoding="utf-8")
    else:
        sys.stdout.write(output)
    return 0


def _serve(args: argparse.Namespace) -> int:
    import dataclasses

    import uvicorn

    from app.web.factory import create_app

    settings = Settings.from_env()
    settings = dataclasses.replace(
        settings, host=args.host or settings.host, port=args.port if args.port is not None else settings.port
    )
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port)
    return 0


def _read_source(name: str) -> str:
    try:
        return sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise GradtraceError("request", f"cannot read {name}: {exc}") from None


def _render(args: argparse.Namespace) -> str:
    from app import pipeline
    from app.pipeline import parse_inputs, pick_graph_svg
    from app.render.options import RenderOptions
    from app.result import result_to_json

    settings = Settings.from_env()
    options = RenderOptions(theme=args.theme, direction=args.direction, graph=args.graph)
    result = pipeline.run(_read_source(args.source), parse_inputs(args.inputs), options, settings.limits)
    if args.format == "json":
        return json.dumps(result_to_json(result), indent=1) + "\n"
    if args.format == "dot":
        pick_graph_svg(result, args.graph)  # same checks as the SVG
        dot: str = result.graphs[args.graph].dot
        return dot
    return pick_graph_svg(result, args.graph)


if __name__ == "__main__":
    sys.exit(main())
