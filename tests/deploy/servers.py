"""Real PostgreSQL and nginx from Debian's packages, started as unprivileged processes in temporary folders.

    with start_postgres(tmp) as postgres:          # initdb + postgres on a free loopback port, TCP only
        url = postgres.create_database("course")   # postgresql://gradtrace@127.0.0.1:PORT/course
        postgres.stop(); postgres.start()          # same data, same port
    with start_nginx(tmp, ["127.0.0.1:8001", "127.0.0.1:8002"]) as nginx:
        nginx.url, nginx.access_log                # deploy/nginx/gradtrace.conf.template, filled in

Both refuse to run as root (PostgreSQL outright; nginx should not), so when the tests run as root the
servers run as `nobody` in folders made for them; run as anyone else, they run as that user.
A missing program raises MissingServer, which test fixtures turn into a skip that names the package."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
NGINX_TEMPLATE = ROOT / "deploy" / "nginx" / "gradtrace.conf.template"
UNPRIVILEGED_USER = "nobody"
START_SECONDS = 60.0  # a busy machine starts a server slowly; waiting ends as soon as it answers
PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")
COMPUTE_RATE, COMPUTE_BURST = "20r/s", 40  # deploy/docker-compose.yml's defaults
READ_TIMEOUT = re.compile(r"proxy_read_timeout [^;]+;")


class MissingServer(RuntimeError):
    """A server program is not installed; the message says which Debian package provides it."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def port_answers(port: int) -> bool:
    """Whether something accepts TCP connections on 127.0.0.1:`port`."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def wait_until(condition: Callable[[], bool], seconds: float, what: str) -> None:
    """Poll `condition` until it holds; RuntimeError naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"timed out after {seconds:.0f} s waiting for {what}")
        time.sleep(0.05)


def _run_as() -> dict[str, Any]:
    # Popen's own user/group switch: no setpriv or runuser needed.
    if os.geteuid() != 0:
        return {}
    account = pwd.getpwnam(UNPRIVILEGED_USER)
    return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}


def _own_folder(prefix: str) -> Path:
    # pytest's tmp_path sits below a root-only folder: the server's user could not reach it.
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        account = pwd.getpwnam(UNPRIVILEGED_USER)
        os.chown(folder, account.pw_uid, account.pw_gid)
    return folder


def _program(name: str, package: str, extra_dirs: Sequence[str] = ()) -> str:
    for folder in extra_dirs:
        if (Path(folder) / name).is_file():
            return str(Path(folder) / name)
    found = shutil.which(name)
    if found is None:
        raise MissingServer(f"`{name}` is not installed: `make system-deps` installs Debian's {package} package")
    return found


def _postgres_bin_dirs() -> list[str]:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True)
    return [str(path) for path in versions if path.parent.name.isdigit()]


def _stop_process(process: subprocess.Popen[bytes], sig: int = signal.SIGINT, seconds: float = 30.0) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class PostgresServer:
    """One PostgreSQL cluster in a temporary folder, on a loopback port; superuser `gradtrace`, trust auth."""

    user = "gradtrace"

    def __init__(self, folder: Path) -> None:
        bin_dirs = _postgres_bin_dirs()
        self.initdb = _program("initdb", "postgresql", bin_dirs)
        self.postgres = _program("postgres", "postgresql", bin_dirs)
        self.folder = folder
        self.data = folder / "data"
        self.log_path = folder / "postgres.log"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, database: str = "postgres") -> str:
        """The connection URL of `database` on this server."""
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def init(self) -> None:
        """Create the cluster (C locale, no fsync: a test cluster, not a durable one)."""
        command = [self.initdb, "-D", str(self.data), "-U", self.user, "--auth=trust", "-E", "UTF8", "--locale=C"]
        done = subprocess.run([*command, "--no-sync"], capture_output=True, check=False, **_run_as())
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr.decode(errors='replace')}")

    def start(self) -> None:
        """Start the server (again) on the same port and data, and wait until it accepts connections."""
        settings = {
            "listen_addresses": "127.0.0.1",
            "port": str(self.port),
            "unix_socket_directories": "",
            "fsync": "off",
            "full_page_writes": "off",
            "max_connections": "100",
        }
        options = [item for key, value in settings.items() for item in ("-c", f"{key}={value}")]
        log = self.log_path.open("ab")
        command = [self.postgres, "-D", str(self.data), *options]
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, **_run_as())
        log.close()
        wait_until(self._accepts, START_SECONDS, f"PostgreSQL on port {self.port} (log: {self.log_path})")

    def _accepts(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"postgres exited: {self.log_path.read_text(errors='replace')[-2000:]}")
        if not port_answers(self.port):
            return False
        import psycopg

        try:
            psycopg.connect(self.url(), connect_timeout=2).close()
        except psycopg.OperationalError:  # "the database system is starting up"
            return False
        return True

    def stop(self) -> None:
        """Fast shutdown (SIGINT: running sessions are ended), waiting until the port is closed."""
        if self.process is not None:
            _stop_process(self.process)
            self.process = None
        wait_until(lambda: not port_answers(self.port), START_SECONDS, f"PostgreSQL to close port {self.port}")

    def create_schema(self, name: str) -> str:
        """Create schema `name` in database postgres and answer a URL whose connections use only it: an
        empty store per test without copying a whole database each time."""
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"schema name {name!r}: use lower-case letters, digits and _")
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f"CREATE SCHEMA {name}")
        return f"{self.url()}?options=-csearch_path%3D{name}"

    def create_database(self, name: str) -> str:
        """Create database `name` (letters, digits, _) and answer its URL."""
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
            raise ValueError(f"database name {name!r}: use lower-case letters, digits and _")
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return self.url(name)


@contextmanager
def start_postgres(tmp: Path | None = None) -> Iterator[PostgresServer]:
    """A running PostgreSQL for the block; removed with its data afterwards. `tmp` is unused by the
    server (its user may not reach it) and kept for symmetry with start_nginx."""
    del tmp
    folder = _own_folder("gradtrace-postgres-")
    server: PostgresServer | None = None
    try:
        server = PostgresServer(folder)
        server.init()
        server.start()
        yield server
    finally:
        if server is not None and server.process is not None:
            _stop_process(server.process)
        shutil.rmtree(folder, ignore_errors=True)


def fill_template(text: str, values: Mapping[str, str]) -> str:
    """Replace each ${NAME} of `values` as the nginx image's envsubst step does; any ${NAME} left is an error."""
    filled = PLACEHOLDER.sub(lambda found: values.get(found.group(1), found.group(0)), text)
    left = sorted(set(PLACEHOLDER.findall(filled)))
    if left:
        raise ValueError(f"nginx template placeholders without a value: {', '.join(left)}")
    return filled


def upstream_servers(upstreams: Sequence[str]) -> str:
    """The upstream block's server lines for host:port addresses (a replica that fails is skipped for 2 s)."""
    return " ".join(f"server {address} max_fails=1 fail_timeout=2s;" for address in upstreams)


class NginxServer:
    """nginx with deploy/'s configuration in its own prefix folder: pid, logs, temp and cache paths."""

    def __init__(
        self,
        folder: Path,
        upstreams: Sequence[str],
        worker_processes: int | str = 1,
        compute_rate: str = COMPUTE_RATE,
        compute_burst: int = COMPUTE_BURST,
        read_timeout: str | None = None,
    ) -> None:
        self.nginx = _program("nginx", "nginx", ["/usr/sbin"])
        self.read_timeout = read_timeout  # None: the template's own proxy_read_timeout
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.access_log = folder / "access.log"
        self.error_log = folder / "error.log"
        self.config = folder / "nginx.conf"
        self.process: subprocess.Popen[bytes] | None = None
        self.write_config(upstreams, worker_processes, compute_rate, compute_burst)

    def write_config(
        self,
        upstreams: Sequence[str],
        worker_processes: int | str = 1,
        compute_rate: str = COMPUTE_RATE,
        compute_burst: int = COMPUTE_BURST,
    ) -> None:
        """The test's main nginx.conf around deploy/'s template (what the nginx image's own nginx.conf is)."""
        values = {
            "NGINX_COMPUTE_RATE": compute_rate,
            "NGINX_COMPUTE_BURST": str(compute_burst),
            "GRADTRACE_UPSTREAM_SERVERS": upstream_servers(upstreams),
            "NGINX_LISTEN_PORT": f"127.0.0.1:{self.port}",
            "NGINX_CACHE_DIR": str(self.folder / "cache"),
            "NGINX_ACCESS_LOG": str(self.access_log),
        }
        filled = fill_template(NGINX_TEMPLATE.read_text(), values)
        if self.read_timeout is not None:  # a test of what a timeout does need not wait the real one
            filled, count = READ_TIMEOUT.subn(f"proxy_read_timeout {self.read_timeout};", filled)
            assert count == 1, "the template sets proxy_read_timeout once"
        (self.folder / "gradtrace.conf").write_text(filled)
        temp = {name: self.folder / name for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")}
        temp_paths = "\n".join(f"    {name}_temp_path {path};" for name, path in temp.items())
        self.config.write_text(
            f"worker_processes {worker_processes};\npid {self.folder / 'nginx.pid'};\n"
            f"error_log {self.error_log} notice;\ndaemon off;\n"
            "events { worker_connections 4096; }\n"
            f"http {{\n{temp_paths}\n    include {self.folder / 'gradtrace.conf'};\n}}\n"
        )

    def start(self) -> None:
        """Check the configuration, start nginx and wait until it accepts connections."""
        command = [self.nginx, "-p", str(self.folder), "-c", str(self.config), "-e", str(self.error_log)]
        checked = subprocess.run([*command, "-t"], capture_output=True, check=False, **_run_as())
        if checked.returncode != 0:
            raise RuntimeError(f"nginx -t refused the configuration: {checked.stderr.decode(errors='replace')}")
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **_run_as())
        wait_until(self._accepts, START_SECONDS, f"nginx on port {self.port} (log: {self.error_log})")

    def _accepts(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"nginx exited: {self.error_log.read_text(errors='replace')[-2000:]}")
        return port_answers(self.port)

    def stop(self) -> None:
        """Fast shutdown (SIGTERM) and wait."""
        if self.process is not None:
            _stop_process(self.process, signal.SIGTERM)
            self.process = None

    def access_lines(self) -> list[str]:
        """The access log's lines so far (format `gradtrace` of the template: cache status, upstream)."""
        return self.access_log.read_text().splitlines() if self.access_log.exists() else []


@contextmanager
def start_nginx(
    tmp: Path | None,
    upstreams: Sequence[str],
    worker_processes: int | str = 1,
    compute_rate: str = COMPUTE_RATE,
    compute_burst: int = COMPUTE_BURST,
    read_timeout: str | None = None,
) -> Iterator[NginxServer]:
    """nginx in front of `upstreams` ("127.0.0.1:PORT") for the block, in a fresh prefix folder; POSTs
    limited per client address to `compute_rate` (nginx notation) past `compute_burst`; `read_timeout`
    (nginx notation, e.g. "1s") replaces the template's proxy_read_timeout."""
    del tmp
    folder = _own_folder("gradtrace-nginx-")
    server: NginxServer | None = None
    try:
        server = NginxServer(folder, upstreams, worker_processes, compute_rate, compute_burst, read_timeout)
        server.start()
        yield server
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)
