"""The Dockerfile is correct by construction: it runs the README's install commands, keeps the snippet
database on a volume, and its health check fails when the page cannot be served.

Docker cannot run here, so the Dockerfile is parsed; its health check command is run for real against
small HTTP servers. tests/test_install.py runs the same install commands outside Docker."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[1]


def instructions(dockerfile: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) for each instruction, continuation lines joined, comments dropped."""
    lines = [line for line in dockerfile.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    found = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, rest = line.strip().partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def readme_install_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"<!-- install:commands -->\n```sh\n(.*?)```", readme, re.S)
    assert block is not None, "README.md lost its install:commands block"
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


DOCKER = instructions((ROOT / "Dockerfile").read_text())


def env_of(docker: list[tuple[str, str]]) -> dict[str, str]:
    values: dict[str, str] = {}
    for keyword, rest in docker:
        if keyword == "ENV":
            values.update(item.split("=", 1) for item in shlex.split(rest))
    return values


def test_dockerfile_runs_the_readme_install_commands_in_order() -> None:
    runs = [rest for keyword, rest in DOCKER if keyword == "RUN"]
    installs = [command for command in runs if command.startswith(("pip ", "python -m build"))]
    assert installs == readme_install_commands()
    assert "torch==2.13.0" in " ".join(installs) and "whl/cpu" in " ".join(installs)


def test_only_the_build_stage_has_node_and_the_image_installs_its_wheel() -> None:
    stages = [i for i, (keyword, _) in enumerate(DOCKER) if keyword == "FROM"]
    assert len(stages) == 2
    build, final = DOCKER[stages[0] : stages[1]], DOCKER[stages[1] :]
    assert any("nodejs npm" in rest for keyword, rest in build if keyword == "RUN")
    assert not any("node" in rest for keyword, rest in final if keyword == "RUN")
    assert ("COPY", "--from=build /src/dist ./dist") in final


def test_snippet_database_is_on_a_volume_the_service_user_owns() -> None:
    env = env_of(DOCKER)
    database = PurePosixPath(env["GRADTRACE_SNIPPET_DB"])
    volumes = [v for keyword, rest in DOCKER if keyword == "VOLUME" for v in re.findall(r'"([^"]+)"', rest)]
    assert [str(database.parent)] == volumes and not str(database).startswith("/tmp")
    user = next(rest for keyword, rest in DOCKER if keyword == "USER")
    assert any(f"chown {user} {database.parent}" in rest for keyword, rest in DOCKER if keyword == "RUN")
    volume_at = next(i for i, (keyword, _) in enumerate(DOCKER) if keyword == "VOLUME")
    chown_at = next(i for i, (keyword, rest) in enumerate(DOCKER) if "chown" in rest)
    assert chown_at < volume_at  # changes after VOLUME to its folder are thrown away


def test_dockerignore_keeps_local_builds_and_environments_out() -> None:
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".git", ".venv", "node_modules", "static/build", "dist", "*.sqlite3"} <= ignored


def healthcheck_command(port: int) -> list[str]:
    line = next(rest for keyword, rest in DOCKER if keyword == "HEALTHCHECK")
    exec_form = re.search(r"CMD (\[.*\])$", line)
    assert exec_form is not None, "HEALTHCHECK should use the exec form"
    command: list[str] = json.loads(exec_form.group(1))
    port_of_service = env_of(DOCKER)["GRADTRACE_PORT"]
    assert f"127.0.0.1:{port_of_service}" in command[-1]
    command[-1] = command[-1].replace(f"127.0.0.1:{port_of_service}", f"127.0.0.1:{port}")
    return [sys.executable if command[0] == "python" else command[0], *command[1:]]


@contextmanager
def server_failing(failing_path: str | None) -> Iterator[int]:
    """A loopback HTTP server answering 200 everywhere except 500 at `failing_path`."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status = 500 if self.path == failing_path else 200
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    ("failing", "healthy"),
    [(None, True), ("/", False), ("/static/build/playground.js", False), ("/healthz", False)],
)
def test_healthcheck_fails_when_the_page_or_its_bundle_cannot_be_served(failing: str | None, healthy: bool) -> None:
    with server_failing(failing) as port:
        done = subprocess.run(healthcheck_command(port), capture_output=True, timeout=60, check=False)
    assert (done.returncode == 0) == healthy, done.stderr.decode()


def test_healthcheck_fails_when_nothing_listens() -> None:
    with server_failing(None) as port:
        pass  # the port is free again
    assert subprocess.run(healthcheck_command(port), capture_output=True, timeout=60, check=False).returncode != 0
