"""`gradtrace render` for a course build: many snippets -> one image each, unchanged ones skipped."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from . import pipeline
from .config import Limits
from .errors import GradtraceError
from .i18n import Message
from .rendering.options import RenderOptions
from .result import result_to_json
from .snippets import canonical_request

OutputFormat = Literal["svg", "png", "pdf", "dot", "json"]
MANIFEST = ".gradtrace-hashes.json"  # output path -> hash of what it was drawn from


def render_output(
    source: str, inputs: Mapping[str, Any], options: RenderOptions, fmt: OutputFormat, limits: Limits
) -> bytes:
    """One snippet drawn in `fmt` (graph `options.graph`), or its JSON result."""
    # In-process there is no worker to kill and replace: Python's own recursion and memory
    # errors are the last line, and they are limit errors like the worker's caps.
    try:
        return _output(source, inputs, options, fmt, limits)
    except RecursionError:
        raise too_deep() from None
    except MemoryError:
        raise out_of_memory() from None


def too_deep() -> GradtraceError:
    return GradtraceError("limit", Message("the program or its graph nests too deeply to draw"), code="limit.nesting")


def out_of_memory() -> GradtraceError:
    message = Message("the program needs more memory than this machine has")
    return GradtraceError("limit", message, code="limit.memory")


def _output(source: str, inputs: Mapping[str, Any], options: RenderOptions, fmt: OutputFormat, limits: Limits) -> bytes:
    result = pipeline.run(source, inputs, options, limits)
    if fmt == "json":
        return (json.dumps(result_to_json(result, options.lang), indent=1) + "\n").encode("utf-8")
    if fmt == "dot":
        pipeline.pick_graph_svg(result, options.graph)  # same checks as the image
        return result.graphs[options.graph].dot.encode("utf-8")
    return pipeline.draw_image(result, options.graph, fmt)


def input_hash(source: str, options: RenderOptions, fmt: OutputFormat, limits: Limits) -> str:
    """What an output depends on: the source, the options, the format, the renderer's versions and
    the limits that change what is drawn or listed."""
    text = f"{canonical_request(source, {}, options)}\n{fmt}\n{pipeline.output_version(limits)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def planned_outputs(paths: Iterable[Path], fmt: OutputFormat) -> list[tuple[Path, Path]]:
    """(snippet file, output path relative to the output folder); two snippets that would be
    written to one file are refused: one would silently replace the other, and the manifest
    would flip between them so that every run drew both again."""
    planned: dict[Path, Path] = {}
    for source_path, name in snippet_files(paths):
        target = name.with_name(f"{name.name}.{fmt}")
        if target in planned:
            message = Message(
                "{first} and {second} would both be written to {target}: "
                "rename one, or render the folders that hold them (each keeps its folder structure)",
                first=str(planned[target]),
                second=str(source_path),
                target=target.as_posix(),
            )
            raise GradtraceError("request", message, code="request.output_clash")
        planned[target] = source_path
    return [(source_path, target) for target, source_path in planned.items()]


def snippet_files(paths: Iterable[Path]) -> Iterator[tuple[Path, Path]]:
    """(snippet file, output name without suffix): every *.py below a folder keeps its relative path."""
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*.py")):
                yield found, found.relative_to(path).with_suffix("")
        else:
            yield path, Path(path.stem)


@dataclass
class BatchReport:
    """What a batch run did, file by file."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, GradtraceError]] = field(default_factory=list)


def render_folder(
    paths: Iterable[Path], out_dir: Path, options: RenderOptions, fmt: OutputFormat, limits: Limits
) -> BatchReport:
    """Write `out_dir/<name>.<fmt>` for each snippet whose source, options or versions changed."""
    planned = planned_outputs(paths, fmt)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest_path = out_dir / MANIFEST
    manifest = _read_manifest(manifest_path)
    report = BatchReport()
    for source_path, relative in planned:
        target = out_dir / relative
        key = relative.as_posix()
        try:
            source = source_path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            message = Message("cannot read {path}: {error}", path=str(source_path), error=str(exc))
            report.failed.append((source_path, GradtraceError("request", message, code="request.unreadable")))
            continue
        digest = input_hash(source, options, fmt, limits)
        if manifest.get(key) == digest and target.exists():
            report.unchanged.append(target)
            continue
        try:
            data = render_output(source, {}, options, fmt, limits)
        except GradtraceError as exc:
            report.failed.append((source_path, exc))
            manifest.pop(key, None)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        manifest[key] = digest
        report.written.append(target)
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return report


def _read_manifest(path: Path) -> dict[str, str]:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}
