"""The PostgreSQL snippet store on a real server: 503 while the database is down and recovery once it
is back, the size cap's 507, rows no larger than what was sent, migrations that replicas run at once."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from gradtrace.config import Settings
from gradtrace.errors import GradtraceError
from gradtrace.rendering.options import RenderOptions
from gradtrace.store import open_snippet_store
from gradtrace.store.postgres import MIGRATIONS, PostgresSnippetStore
from gradtrace.store.sqlite import SQLiteSnippetStore
from gradtrace.web.factory import create_app
from gradtrace.worker import WorkerPool

from tests.conftest import NO_RATE_LIMITS, TEST_LIMITS
from tests.deploy.servers import MissingServer, PostgresServer, start_postgres, wait_until

psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed: pip install -e '.[test]'")

CODE = "w = torch.tensor([1.0, -2.0], requires_grad=True)\nloss = (w * w).sum()\nloss.backward()"
RECOVERY_SECONDS = 60.0  # the pool reconnects in the background, backing off; a busy machine is slow


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL this test may stop and start (the session's server is shared)."""
    try:
        with start_postgres() as server:
            yield server
    except MissingServer as missing:
        pytest.skip(str(missing))


def settings_on(url: str, **changes: object) -> Settings:
    return Settings(limits=TEST_LIMITS, database_url=url, database_wait_seconds=1.0, **NO_RATE_LIMITS, **changes)  # type: ignore[arg-type]


def open_store(url: str, max_bytes: int = 0) -> PostgresSnippetStore:
    store = open_snippet_store(settings_on(url, snippet_store_max_bytes=max_bytes))
    assert isinstance(store, PostgresSnippetStore)
    store.open()
    return store


def test_database_down_answers_503_then_recovers(own_postgres: PostgresServer) -> None:
    store = open_store(own_postgres.create_database("course"))
    try:
        key, created = store.put(CODE, {}, RenderOptions())
        assert created
        own_postgres.stop()
        for attempt in (lambda: store.get(key), lambda: store.put("y = 2", {}, RenderOptions()), store.count):
            with pytest.raises(GradtraceError) as down:
                attempt()
            assert down.value.status == 503 and down.value.kind == "limit"
            assert "snippet store is not available" in down.value.message
            assert "127.0.0.1" not in down.value.message and str(own_postgres.port) not in down.value.message
        own_postgres.start()
        wait_until(lambda: answers(store, key), RECOVERY_SECONDS, "the store to answer again")
        snippet = store.get(key)
        assert snippet is not None and snippet.code == CODE  # nothing stored was lost
    finally:
        store.close()


def test_a_down_database_fails_fast_after_the_first_call(own_postgres: PostgresServer) -> None:
    """Only the first call (and one probe every BREAKER_SECONDS) waits for a connection; the others answer
    503 at once instead of each holding a thread for the whole wait (1 s here, 5 s by default)."""
    store = open_store(own_postgres.create_database("breaker"))
    try:
        key, _ = store.put(CODE, {}, RenderOptions())
        own_postgres.stop()
        with pytest.raises(GradtraceError):
            store.get(key)  # finds the database down: waits up to the 1 s wait
        started = time.monotonic()
        for _ in range(10):
            with pytest.raises(GradtraceError) as down:
                store.get(key)
            assert down.value.status == 503 and "the database does not answer" in down.value.message
            assert "数据库没有响应" in down.value.display_message("zh-CN")  # our reason, in the learner's language
        assert time.monotonic() - started < 5.0  # each waiting the full 1 s: 10 s or more
        own_postgres.start()
        wait_until(lambda: answers(store, key), RECOVERY_SECONDS, "a probe to find the database back")
        assert store.count() == 1  # closed again: every call goes through
    finally:
        store.close()


def test_every_connection_busy_answers_503_saying_busy(postgres_server: PostgresServer) -> None:
    url = postgres_server.create_database("busy")
    store = open_snippet_store(settings_on(url, database_pool_size=1))
    assert isinstance(store, PostgresSnippetStore)
    store.open()
    key, _ = store.put(CODE, {}, RenderOptions())
    held: list[object] = []
    try:
        with psycopg.connect(url) as locker:
            locker.execute("LOCK TABLE snippets IN ACCESS EXCLUSIVE MODE")  # until this transaction ends
            slow = threading.Thread(target=lambda: held.append(store.get(key)))
            slow.start()  # takes the store's only connection and waits for the lock
            wait_until(lambda: waiting_for_lock(locker), 30, "the store's query to wait for the lock")
            with pytest.raises(GradtraceError) as busy:
                store.count()
            assert busy.value.status == 503 and "every connection to the database is busy" in busy.value.message
            assert "数据库的所有连接都在忙" in busy.value.display_message("zh-CN")
        slow.join(timeout=30)  # the lock is gone with the locker's connection
        assert len(held) == 1 and held[0] is not None
        assert store.count() == 1  # busy is not down: no breaker opened
    finally:
        store.close()


def waiting_for_lock(connection: Any) -> bool:
    row = connection.execute("SELECT count(*) FROM pg_locks WHERE NOT granted").fetchone()
    return row is not None and int(row[0]) > 0


def answers(store: PostgresSnippetStore, key: str) -> bool:
    try:
        return store.get(key) is not None
    except GradtraceError as error:
        assert error.status == 503
        return False


def test_service_started_while_the_database_is_down(pool: WorkerPool, own_postgres: PostgresServer) -> None:
    url = own_postgres.create_database("later")
    own_postgres.stop()
    with TestClient(create_app(settings_on(url), pool=pool), raise_server_exceptions=False) as client:
        assert client.get("/healthz").status_code == 200  # drawing needs no database
        posted = client.post("/api/snippets", json={"code": CODE})
        assert posted.status_code == 503 and "snippet store" in posted.json()["error"]["message"]
        assert posted.headers["retry-after"] == "5" and posted.headers["cache-control"] == "no-store"
        picture = client.get("/s/0123456789abcdef.svg")
        assert picture.status_code == 503 and picture.headers["cache-control"] == "no-store"
        own_postgres.start()

        def stored() -> bool:
            return client.post("/api/snippets", json={"code": CODE}).status_code in (200, 201)

        wait_until(stored, RECOVERY_SECONDS, "POST /api/snippets to work once the database is up")
        key = client.post("/api/snippets", json={"code": CODE}).json()["id"]
        assert client.get(f"/s/{key}.svg").status_code == 200


def test_size_cap_answers_507_and_stored_snippets_still_load(postgres_server: PostgresServer) -> None:
    store = open_store(postgres_server.create_database("capped"), max_bytes=96 * 1024)
    try:
        stored: list[str] = []
        with pytest.raises(GradtraceError) as refused:
            for n in range(1_000):
                store.check_room()
                stored.append(store.put(f"y = {n}  # {'pad ' * 500}", {}, RenderOptions())[0])
        assert refused.value.status == 507 and "snippet store is full" in refused.value.message
        assert 3 < len(stored) < 200 and store.stored_bytes() >= 96 * 1024
        assert all(store.get(key) is not None for key in stored)
    finally:
        store.close()


def test_a_row_keeps_the_shorter_of_sent_and_canonical(postgres_server: PostgresServer) -> None:
    url = postgres_server.create_database("rows")
    store = open_store(url)
    try:
        inputs = {"x": [1e15] * 200}
        sent = ('{"code": "y = (x * 3).sum()", "inputs": {"x": [' + ",".join(["1e15"] * 200) + "]}}").encode()
        key, _ = store.put("y = (x * 3).sum()", inputs, RenderOptions(), sent)
        with psycopg.connect(url) as connection:
            (length,) = connection.execute("SELECT length(body) FROM snippets WHERE id = %s", (key,)).fetchone()
        assert length == len(sent)
        snippet = store.get(key)
        assert snippet is not None and snippet.inputs == inputs
    finally:
        store.close()


def test_replicas_starting_at_once_migrate_once(postgres_server: PostgresServer) -> None:
    url = postgres_server.create_database("fresh")
    stores = [open_snippet_store(settings_on(url)) for _ in range(6)]
    failures: list[BaseException] = []

    def start(store: object) -> None:
        try:
            assert isinstance(store, PostgresSnippetStore)
            store.open()
            store.put("y = 1", {}, RenderOptions())
        except BaseException as failure:  # pragma: no cover - reported below
            failures.append(failure)

    threads = [threading.Thread(target=start, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert failures == []
        with psycopg.connect(url) as connection:
            versions = connection.execute("SELECT version FROM gradtrace_schema").fetchall()
            (rows,) = connection.execute("SELECT count(*) FROM snippets").fetchone()
        assert versions == [(len(MIGRATIONS),)] and rows == 1
    finally:
        for store in stores:
            store.close()


def test_sqlite_without_a_database_url_and_only_postgresql_urls(tmp_path: Path) -> None:
    assert isinstance(open_snippet_store(Settings(snippet_db=tmp_path / "x.sqlite3")), SQLiteSnippetStore)
    with pytest.raises(ValueError, match="must start with postgresql://"):
        open_snippet_store(Settings(database_url="mysql://x/y", snippet_db=tmp_path / "x.sqlite3"))
    assert Settings.from_env({"GRADTRACE_DATABASE_URL": "postgresql://a@b/c"}).database_url == "postgresql://a@b/c"


def test_serve_refuses_an_unusable_database_url_in_one_line() -> None:
    environment = {**os.environ, "GRADTRACE_DATABASE_URL": "mysql://course/snippets"}
    command = [sys.executable, "-m", "gradtrace.cli", "serve", "--port", "0"]
    done = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip() == (
        "gradtrace serve: GRADTRACE_DATABASE_URL must start with postgresql://; leave it unset for the SQLite file"
    )


def test_a_database_that_refuses_the_schema_answers_503_saying_so(postgres_server: PostgresServer) -> None:
    url = postgres_server.create_database("locked")
    with psycopg.connect(postgres_server.url(), autocommit=True) as connection:
        connection.execute("CREATE ROLE visitor LOGIN")  # PostgreSQL 15: no CREATE on public for it
    store = open_store(url.replace(f"{postgres_server.user}@", "visitor@"))
    try:
        with pytest.raises(GradtraceError) as refused:
            store.put(CODE, {}, RenderOptions())
        assert refused.value.status == 503 and "the database refused the request" in refused.value.message
    finally:
        store.close()
