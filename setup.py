"""Build hook: a wheel always carries the playground bundle (static/build/), built here from static/src.

The project's metadata lives in pyproject.toml; this file only adds the step setuptools cannot
declare. A wheel built from a clean checkout or from the sdist runs `npm ci` and
`node scripts/build-assets.mjs` first, or stops with a message saying what to install: a wheel
without the bundle would serve a page with no playground.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.errors import SetupError

ROOT = Path(__file__).resolve().parent
APP = ROOT / "app"
BUNDLE = [
    ROOT / "static" / "build" / name
    for name in ("playground.js", "playground.css", "api-docs.js", "api-docs.css", "LICENSES.txt")
]
MIN_NODE = 18
HOW_TO_GET_NODE = (
    f"gradtrace's playground bundle (static/build/) is built from static/src with Node.js {MIN_NODE}+ and npm "
    "(`npm ci`, then `node scripts/build-assets.mjs`). {problem} Install Node.js {min_node}+ and npm "
    "(Debian/Ubuntu: `apt-get install nodejs npm`) and build again, or install a released wheel, which "
    "carries the bundle."
)


def bundle_sources() -> list[Path]:
    """Every file the bundle is built from: a change to one makes the bundle stale."""
    fixed = [ROOT / "package.json", ROOT / "package-lock.json", ROOT / "scripts" / "build-assets.mjs"]
    folders = (ROOT / "scripts", ROOT / "static" / "src")
    return fixed + sorted(p for folder in folders for p in folder.rglob("*") if p.is_file() and p not in fixed)


def bundle_is_current() -> bool:
    """The bundle exists and no source is newer than it (so a built checkout needs no Node.js)."""
    if not all(path.is_file() for path in BUNDLE):
        return False
    built = min(path.stat().st_mtime for path in BUNDLE)
    return all(source.stat().st_mtime <= built for source in bundle_sources() if source.exists())


def refuse(problem: str) -> SetupError:
    return SetupError(HOW_TO_GET_NODE.format(problem=problem, min_node=MIN_NODE))


def check_node() -> tuple[str, str]:
    """Paths of node and npm, or a SetupError that says what to install."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        missing = [f"`{name}`" for name, path in (("node", node), ("npm", npm)) if path is None]
        raise refuse(f"{' and '.join(missing)} {'are' if len(missing) > 1 else 'is'} not on PATH.")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    major = re.match(r"v(\d+)\.", version)
    if major is None or int(major.group(1)) < MIN_NODE:
        raise refuse(f"`node --version` says {version or 'nothing'}.")
    return node, npm


def build_bundle() -> None:
    """npm ci + node scripts/build-assets.mjs, in the source tree being built."""
    missing = [str(p.relative_to(ROOT)) for p in bundle_sources()[:3] if not p.is_file()]
    if missing or not (ROOT / "static" / "src").is_dir():
        raise refuse(f"The source tree lacks {', '.join(missing) or 'static/src'}.")
    node, npm = check_node()
    for command in ([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], [node, "scripts/build-assets.mjs"]):
        shown = " ".join([Path(command[0]).name, *command[1:]])
        print(f"gradtrace: {shown}", flush=True)
        if subprocess.run(command, cwd=ROOT, check=False).returncode != 0:
            raise refuse(f"`{shown}` failed (its output is above).")
    if not bundle_is_current():
        raise refuse("The build ran but static/build/ is still incomplete.")


def gradtrace_packages() -> dict[str, str]:
    """Import name -> folder: `gradtrace` is app/ and every package below it (found, so a new subpackage
    cannot be left out of the wheel), plus the data folders templates/ and static/build/."""
    found = {"gradtrace": "app"}
    for marker in sorted(APP.rglob("__init__.py")):
        parts = marker.parent.relative_to(APP).parts
        if parts:
            found[".".join(("gradtrace", *parts))] = "/".join(("app", *parts))
    return {**found, "gradtrace.templates": "templates"}


PACKAGE_DATA = {
    "gradtrace": ["py.typed"],
    "gradtrace.i18n": ["locale/*/LC_MESSAGES/*.mo"],
    "gradtrace.examples": ["*.py"],
    "gradtrace.templates": ["*.html"],
}


class BuildPyWithBundle(build_py):  # type: ignore[misc]  # setuptools' commands are untyped
    """build_py that first makes sure static/build/ is there and current, then ships it as
    gradtrace/static/build. It is package data added here, not a package: the folder does not exist
    until this step (a clean checkout, an sdist), and setuptools wants package folders at sdist time."""

    def run(self) -> None:
        # The message catalogues are compiled (.po -> .mo, with Babel) before the package data is collected, so
        # a wheel and an editable checkout both speak every language.
        compile_catalogues()
        # An editable install serves the checkout's own static/build (`make assets` builds it).
        if not self.editable_mode:
            if not bundle_is_current():
                build_bundle()
            self.data_files = [*self.data_files, self.bundle_data()]  # type: ignore[has-type]
        super().run()

    def bundle_data(self) -> tuple[str, str, str, list[str]]:
        """static/build/ as one build_py data entry: (package, source folder, target folder, files)."""
        source = ROOT / "static" / "build"
        files = sorted(str(p.relative_to(source)) for p in source.rglob("*") if p.is_file())
        target = str(Path(self.build_lib, "gradtrace", "static", "build"))
        return ("gradtrace", str(source.relative_to(ROOT)), target, files)


def compile_catalogues() -> None:
    """scripts/messages.py compile: every app/i18n/locale/*/LC_MESSAGES/*.po to its .mo beside it."""
    spec = importlib.util.spec_from_file_location("gradtrace_messages", ROOT / "scripts" / "messages.py")
    if spec is None or spec.loader is None:
        raise SetupError("scripts/messages.py is missing: the source tree is incomplete.")
    messages = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = messages  # dataclasses look their module up there
    spec.loader.exec_module(messages)
    for compiled in messages.compile_catalogues():
        print(f"gradtrace: compiled {compiled.relative_to(ROOT)}", flush=True)


PACKAGES = gradtrace_packages()
setup(
    packages=list(PACKAGES),
    package_dir=PACKAGES,
    package_data=PACKAGE_DATA,
    cmdclass={"build_py": BuildPyWithBundle},
)
