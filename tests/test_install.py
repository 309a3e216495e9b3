"""The installed package is the product: built from a clean `git archive` export with the README's
commands, installed into a fresh virtualenv without Node.js on PATH, it serves the page, its bundle,
the API and image URLs, and `import gradtrace` works in a folder that has its own `app/` package.

torch is not downloaded again: the fresh virtualenv sees the development environment's torch (and
only what torch itself requires) through a .pth file, which is ~40 s quicker than installing the
2.13.0 CPU wheel from the local cache (25 s against 63 s for the whole virtualenv, measured here);
pip still installs every other dependency the wheel declares."""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tarfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from gradtrace.web.source_encoding import encode_source

from tests.test_packaging import readme_install_commands

ROOT = Path(__file__).resolve().parents[1]
BUILD_COMMAND = "python -m build --outdir dist ."
WHEEL_COMMAND = "pip install dist/gradtrace-*.whl"
EXPORT_REF = os.environ.get("GRADTRACE_TEST_EXPORT_REF", "HEAD")  # another commit, to see these tests fail on it
PROCESS_SECONDS = 600  # generous: two cores shared by many jobs

pytestmark = pytest.mark.slow  # ~70 s: a build with npm ci, a virtualenv, a server start


@dataclass(frozen=True)
class Built:
    export: Path  # the clean export the commands ran in
    sdist: Path
    wheel: Path
    build_log: str


@dataclass(frozen=True)
class Installed:
    venv: Path
    env: dict[str, str]  # no Node.js on PATH, no checkout on sys.path
    folder_with_app: Path  # a working folder holding its own `app` package


def run(command: list[str] | str, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        shell=isinstance(command, str),
        capture_output=True,
        text=True,
        timeout=PROCESS_SECONDS,
        check=False,
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """`git archive HEAD` unpacked, then the README's build command in it (Node.js on PATH here)."""
    export = tmp_path_factory.mktemp("export")
    archive = subprocess.run(["git", "archive", EXPORT_REF], cwd=ROOT, capture_output=True, check=True, timeout=120)
    subprocess.run(["tar", "-x"], input=archive.stdout, cwd=export, check=True, timeout=120)
    assert not (export / "static" / "build").exists() and not (export / "node_modules").exists()
    assert BUILD_COMMAND in readme_install_commands()
    python = Path(sys.executable)
    log = run(BUILD_COMMAND.replace("python", str(python), 1), cwd=export)
    [sdist] = (export / "dist").glob("gradtrace-*.tar.gz")
    [wheel] = (export / "dist").glob("gradtrace-*.whl")
    return Built(export, sdist, wheel, log)


def link_torch(target: Path) -> None:
    """Symlinks to torch and the distributions it requires (transitively), with their metadata."""
    target.mkdir(parents=True)
    pending, seen = ["torch"], set()
    while pending:
        name = pending.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        seen.add(key)
        dist = importlib.metadata.distribution(name)
        for requirement in dist.requires or []:
            if "extra ==" not in requirement:
                pending.append(re.match(r"[A-Za-z0-9_.\-]+", requirement).group())  # type: ignore[union-attr]
        for top in {Path(str(file)).parts[0] for file in dist.files or []}:
            source = Path(str(dist.locate_file(top)))
            if not top.startswith("..") and source.exists() and not (target / top).exists():
                (target / top).symlink_to(source)


def base_python() -> str:
    """The interpreter the development virtualenv was made from (a venv made from a venv's python
    would still point at that base)."""
    return str(Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}")


@pytest.fixture(scope="module")
def installed(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    home = tmp_path_factory.mktemp("venv")
    venv = home / "venv"
    subprocess.run([base_python(), "-m", "venv", str(venv)], check=True, timeout=PROCESS_SECONDS)
    site = next((venv / "lib").glob("python3*/site-packages"))
    link_torch(home / "torch-from-dev")
    (site / "torch_from_dev.pth").write_text(str(home / "torch-from-dev") + "\n")
    env = {
        "PATH": str(venv / "bin"),  # nothing else: no node, no npm, no checkout tools
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "VIRTUAL_ENV": str(venv),
        **{k: v for k, v in os.environ.items() if k.startswith("PIP_")},  # the machine's index settings
    }
    assert shutil.which("node", path=env["PATH"]) is None and shutil.which("npm", path=env["PATH"]) is None
    assert WHEEL_COMMAND in readme_install_commands()
    run(WHEEL_COMMAND, cwd=built.export, env=env)  # the shell expands dist/gradtrace-*.whl as a user's would
    folder = home / "course"
    (folder / "app").mkdir(parents=True)
    (folder / "app" / "__init__.py").write_text("__version__ = 'the course app, not gradtrace'\n")
    return Installed(venv, env, folder)


def test_sdist_carries_what_building_the_bundle_needs(built: Built) -> None:
    with tarfile.open(built.sdist) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    needed = {
        "setup.py",
        "package.json",
        "package-lock.json",
        "scripts/build-assets.mjs",
        "static/src/playground.js",
        "static/src/playground.css",
        "templates/index.html",
        "app/__init__.py",
        "app/py.typed",
        # the message catalogues' sources and the script that compiles them while the wheel is built
        "scripts/messages.py",
        "app/i18n/locale/zh_CN/LC_MESSAGES/gradtrace.po",
        "app/i18n/locale/zh_CN/LC_MESSAGES/playground.po",
    }
    assert needed <= names
    assert not any(name.startswith(("static/build/", "node_modules/", ".venv/")) for name in names)


def test_wheel_carries_the_bundle_and_one_import_name(built: Built) -> None:
    wheel = zipfile.ZipFile(built.wheel)
    names = set(wheel.namelist())
    dist_info = built.wheel.name.split("-py3")[0] + ".dist-info"
    assert {name.split("/")[0] for name in names} == {"gradtrace", dist_info}
    assert wheel.read(f"{dist_info}/top_level.txt").decode().split() == ["gradtrace"]
    required = [
        "gradtrace/static/build/playground.js",
        "gradtrace/static/build/playground.css",
        "gradtrace/static/build/LICENSES.txt",
        "gradtrace/templates/index.html",
        "gradtrace/py.typed",
        "gradtrace/examples/01_autograd_basics.py",
        "gradtrace/__main__.py",
        # compiled while the wheel was built (setup.py): the service reads these, never the .po files
        "gradtrace/i18n/locale/zh_CN/LC_MESSAGES/gradtrace.mo",
        "gradtrace/i18n/locale/zh_CN/LC_MESSAGES/playground.mo",
    ]
    assert set(required) <= names
    assert not any("static/src" in name or "node_modules" in name for name in names)
    # every package of the checkout ships: a subpackage left out would vanish without a word
    app = built.export / "app"
    assert {f"gradtrace/{marker.relative_to(app)}" for marker in app.rglob("__init__.py")} <= names


def test_building_prints_no_package_data_warnings(built: Built) -> None:
    assert "npm ci" in built.build_log and "scripts/build-assets.mjs" in built.build_log
    assert "would be ignored" not in built.build_log and "absent from the `packages`" not in built.build_log


def test_a_wheel_from_the_sdist_without_node_says_how_to_build_it(built: Built, tmp_path: Path) -> None:
    env = {
        "PATH": str(Path(sys.executable).parent),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        **{k: v for k, v in os.environ.items() if k.startswith("PIP_")},
    }
    assert shutil.which("node", path=env["PATH"]) is None
    done = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--wheel", "--outdir", str(tmp_path), str(built.sdist)],
        env=env,
        capture_output=True,
        text=True,
        timeout=PROCESS_SECONDS,
        check=False,
    )
    assert done.returncode != 0 and not list(tmp_path.glob("*.whl"))
    said = done.stdout + done.stderr
    assert "Node.js 18+ and npm" in said and "`node` and `npm` are not on PATH" in said


def test_import_gradtrace_from_a_folder_with_its_own_app_package(installed: Installed) -> None:
    python = str(installed.venv / "bin" / "python")
    probe = "import app, gradtrace; print(gradtrace.__version__, gradtrace.__file__, app.__version__)"
    said = run([python, "-c", probe], cwd=installed.folder_with_app, env=installed.env).split()
    assert said[0] == importlib.metadata.version("gradtrace") and "site-packages/gradtrace" in said[1]
    assert said[2:] == ["the", "course", "app,", "not", "gradtrace"]


def test_python_m_gradtrace_help(installed: Installed) -> None:
    said = run(
        [str(installed.venv / "bin" / "python"), "-m", "gradtrace", "--help"],
        cwd=installed.folder_with_app,
        env=installed.env,
    )
    assert "serve" in said and "render" in said


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def fetch(url: str, body: bytes | None = None) -> tuple[int, str, bytes]:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    request = urllib.request.Request(url, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.headers.get("Content-Type", ""), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


@pytest.fixture
def served(installed: Installed, tmp_path: Path) -> Iterator[str]:
    """`gradtrace serve` from the fresh virtualenv, started in the folder with its own app/."""
    port = free_port()
    env = {**installed.env, "GRADTRACE_PORT": str(port), "GRADTRACE_SNIPPET_DB": str(tmp_path / "s.sqlite3")}
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [str(installed.venv / "bin" / "gradtrace"), "serve"],
        cwd=installed.folder_with_app,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            try:
                if fetch(base + "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "gradtrace serve did not answer /healthz in time"
            time.sleep(0.2)  # polling interval while waiting for the condition above
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=60)
        log.close()


def test_the_installed_wheel_serves_page_bundle_api_and_images(built: Built, served: str) -> None:
    status, kind, page = fetch(served + "/")
    assert status == 200 and kind.startswith("text/html") and b"/static/build/playground.js" in page
    status, kind, bundle = fetch(served + "/static/build/playground.js")
    assert status == 200 and "javascript" in kind and len(bundle) > 10_000
    assert fetch(served + "/static/build/playground.css")[0] == 200
    tutorial = (built.export / "app" / "examples" / "01_autograd_basics.py").read_text()
    status, _, answer = fetch(served + "/api/graph", json.dumps({"code": tutorial}).encode())
    assert status == 200, answer[:500]
    graph = json.loads(answer)["graphs"][-1]
    assert "MeanBackward0" in json.dumps(graph)
    status, kind, svg = fetch(f"{served}/svg/{encode_source(tutorial)}")
    assert status == 200 and kind.startswith("image/svg+xml") and svg.lstrip().startswith((b"<?xml", b"<svg", b"<!"))
    status, kind, png = fetch(f"{served}/png/{encode_source(tutorial)}")
    assert status == 200 and png.startswith(b"\x89PNG")
