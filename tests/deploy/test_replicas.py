"""Two `gradtrace serve` replicas on one PostgreSQL behind nginx, configured by deploy/'s own files:
snippets are shared, nginx's cache answers repeated image URLs, a replica killed mid-stream loses
nothing and fails no request, and a database restart gives 503s and then normal answers.

The tests share one deployment (starting replicas costs torch's import in each) and run in file order:
the last one kills a replica for good."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

import httpx2 as httpx
import pytest
from gradtrace.web.source_encoding import encode_source

from tests.deploy.servers import MissingServer, NginxServer, PostgresServer, start_nginx, start_postgres, wait_until
from tests.service import Service

pytestmark = pytest.mark.slow
psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed: pip install -e '.[test]'")

RECOVERY_SECONDS = 60.0
_numbers = itertools.count()


def program(tag: str) -> str:
    """A small program of its own (a new snippet id and image URL each call)."""
    number = next(_numbers)
    return f"w = torch.tensor([1.0, {number}.0], requires_grad=True)\nloss = (w * w).sum()  # {tag}\nloss.backward()"


@dataclass
class Deployment:
    postgres: PostgresServer
    database_url: str
    replicas: list[Service]
    nginx: NginxServer

    def hits(self, replica: Service, path: str) -> int:
        """Requests for `path` that reached `replica` (its uvicorn access log, which quotes paths its own way)."""
        logged = quote(unquote(path))
        return Path(replica.log.name).read_text(errors="replace").count(f'"GET {logged} HTTP/1.1"')

    def hits_once_logged(self, path: str, total: int) -> list[int]:
        """Each replica's hits for `path` once `total` of them are logged: a replica writes its access line
        after the answer has gone out, so the client can read the answer before the line is there."""
        wait_until(lambda: sum(self.hits(r, path) for r in self.replicas) >= total, 30, f"{total} access lines")
        return [self.hits(replica, path) for replica in self.replicas]

    def stored(self) -> int:
        with psycopg.connect(self.database_url) as connection:
            (rows,) = connection.execute("SELECT count(*) FROM snippets").fetchone()
        return int(rows)


def replica_env(database_url: str) -> dict[str, str]:
    return {
        "PYTHONUNBUFFERED": "1",  # access-log lines reach the log file as requests are answered
        "GRADTRACE_DATABASE_URL": database_url,
        "GRADTRACE_DATABASE_WAIT_SECONDS": "1",
        "GRADTRACE_TRUSTED_PROXIES": "127.0.0.1",  # nginx: its X-Forwarded-For names the client
        "GRADTRACE_CLIENT_RATE_LIMIT": "",
        "GRADTRACE_SNIPPET_RATE_LIMIT": "",
    }


@pytest.fixture(scope="module")
def deployment() -> Iterator[Deployment]:
    try:
        with start_postgres() as postgres:
            url = postgres.create_database("gradtrace")
            replicas = [Service(replica_env(url), workers=1) for _ in range(2)]
            try:
                for replica in replicas:
                    replica.wait_ready()
                upstreams = [f"127.0.0.1:{replica.port}" for replica in replicas]
                # POSTs unlimited here: the streams below post as fast as the replicas answer
                with start_nginx(None, upstreams, compute_rate="10000r/s", compute_burst=10000) as nginx:
                    yield Deployment(postgres, url, replicas, nginx)
            finally:
                for replica in replicas:
                    replica.stop()
    except MissingServer as missing:
        pytest.skip(str(missing))


def test_a_snippet_created_through_one_replica_is_served_by_the_other(deployment: Deployment) -> None:
    first, second = deployment.replicas
    assert second.process.poll() is None, "the replica-killing test must run last"
    code = program("shared")
    created = httpx.post(f"{first.url}/api/snippets", json={"code": code}, timeout=60)
    assert created.status_code == 201, created.text
    key = created.json()["id"]
    read = httpx.get(f"{second.url}/api/snippets/{key}", timeout=60)
    assert read.status_code == 200 and read.json()["code"] == code
    drawn = httpx.get(f"{second.url}/s/{key}.svg", timeout=60)
    assert drawn.status_code == 200 and "<svg" in drawn.text
    # Through nginx the answer's links name nginx's address, the Host the client used.
    again = httpx.post(f"{deployment.nginx.url}/api/snippets", json={"code": code}, timeout=60)
    assert again.status_code == 200 and again.json()["id"] == key
    assert again.json()["urls"]["svg"] == f"{deployment.nginx.url}/s/{key}.svg"


def test_a_repeated_image_url_is_answered_by_nginx_cache(deployment: Deployment) -> None:
    first = httpx.get(f"{deployment.nginx.url}/svg/{encode_source(program('cached'))}", timeout=60)
    assert first.status_code == 200 and first.headers["x-cache-status"] == "MISS"
    path = first.request.url.raw_path.decode()
    reached = deployment.hits_once_logged(path, 1)
    assert sorted(reached) == [0, 1]  # one replica drew it
    second = httpx.get(deployment.nginx.url + path, timeout=60)
    assert second.request.url.raw_path.decode() == path
    assert second.status_code == 200 and second.headers["x-cache-status"] == "HIT"
    assert second.content == first.content and second.headers["etag"] == first.headers["etag"]
    assert [deployment.hits(replica, path) for replica in deployment.replicas] == reached  # no replica saw it
    logged = [line for line in deployment.nginx.access_lines() if f"GET {path} " in line]
    assert len(logged) == 2 and "cache=HIT upstream=-" in logged[1]


def test_error_pictures_are_not_cached(deployment: Deployment) -> None:
    path = "/s/0123456789abcdef.svg"
    answers = [httpx.get(deployment.nginx.url + path, timeout=60) for _ in range(2)]
    assert [answer.status_code for answer in answers] == [404, 404]
    assert sum(deployment.hits_once_logged(path, 2)) == 2


def test_the_client_address_reaches_the_replicas(deployment: Deployment) -> None:
    # The client connects from 127.0.0.2 (the replicas trust only nginx's 127.0.0.1) and claims another
    # address: nginx appends the real peer to X-Forwarded-For and the replicas take that hop.
    url = f"{deployment.nginx.url}/svg/{encode_source(program('forwarded'))}"
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2"), timeout=60) as client:
        answer = client.get(url, headers={"X-Forwarded-For": "203.0.113.9"})
    assert answer.status_code == 200
    path = answer.request.url.raw_path.decode()
    deployment.hits_once_logged(path, 1)
    logs = "".join(Path(replica.log.name).read_text(errors="replace") for replica in deployment.replicas)
    line = next(line for line in logs.splitlines() if f"GET {quote(unquote(path))} " in line)
    assert "INFO:     127.0.0.2:" in line  # the client's own claim, 203.0.113.9, is not believed


def test_posts_past_the_rate_are_refused_by_nginx_and_image_urls_are_not(deployment: Deployment) -> None:
    upstreams = [f"127.0.0.1:{replica.port}" for replica in deployment.replicas]
    with start_nginx(None, upstreams, compute_rate="1r/m", compute_burst=2) as limited:
        posts = [httpx.post(f"{limited.url}/api/graph", json={"code": ""}, timeout=60) for _ in range(5)]
        statuses = [post.status_code for post in posts]
        assert 429 not in statuses[:3] and statuses[3:] == [429, 429], statuses  # one, then a burst of two
        image = f"{limited.url}/svg/{encode_source(program('limited'))}"
        assert [httpx.get(image, timeout=60).status_code for _ in range(6)] == [200] * 6


def test_database_stopped_and_started_gives_503s_then_normal_answers(deployment: Deployment) -> None:
    nginx = deployment.nginx.url
    before = httpx.post(f"{nginx}/api/snippets", json={"code": program("before")}, timeout=60).json()["id"]
    cached = httpx.get(f"{nginx}/s/{before}.svg", timeout=60)
    assert cached.status_code == 200
    deployment.postgres.stop()
    try:
        refused = httpx.post(f"{nginx}/api/snippets", json={"code": program("during")}, timeout=60)
        assert refused.status_code == 503, refused.text
        assert "snippet store is not available" in refused.json()["error"]["message"]
        picture = httpx.get(f"{nginx}/s/{before}.png", timeout=60)
        assert picture.status_code == 503 and picture.content.startswith(b"\x89PNG")
        # an image drawn before the outage is still answered, from nginx's cache
        assert httpx.get(f"{nginx}/s/{before}.svg", timeout=60).content == cached.content
        drawn = httpx.post(f"{nginx}/api/graph", json={"code": program("drawing")}, timeout=60)
        assert drawn.status_code == 200  # drawing needs no database
    finally:
        deployment.postgres.start()

    def normal() -> bool:
        return httpx.post(f"{nginx}/api/snippets", json={"code": program("after")}, timeout=60).status_code == 201

    wait_until(normal, RECOVERY_SECONDS, "POST /api/snippets through nginx to succeed again")
    for replica in deployment.replicas:  # both replicas recovered, and nothing stored before was lost
        # A replica whose store failed moments ago refuses at once for its breaker's window (app/store/breaker.py)
        wait_until(serves(replica.url, before), RECOVERY_SECONDS, f"{replica.url} to serve the snippet stored before")
        wait_until(stores(replica.url), RECOVERY_SECONDS, f"{replica.url} to store snippets again")


def serves(url: str, key: str) -> Callable[[], bool]:
    """Whether the replica at `url` answers the stored snippet `key` now."""
    return lambda: httpx.get(f"{url}/api/snippets/{key}", timeout=60).status_code == 200


def stores(url: str) -> Callable[[], bool]:
    """Whether the replica at `url` stores a new snippet now."""
    return lambda: httpx.post(f"{url}/api/snippets", json={"code": program("x")}, timeout=60).status_code == 201


def test_a_replica_killed_mid_stream_loses_no_snippet(deployment: Deployment) -> None:
    """Three clients post snippets through nginx while one replica is killed (SIGKILL, as a crash): every
    request is answered (nginx sends a request the dead replica never answered to the other one), and
    every answered snippet is stored and served by the survivor."""
    first, second = deployment.replicas
    sent: dict[str, str] = {}
    failures: list[str] = []
    killed = threading.Event()

    def stream() -> None:
        left_after_kill = 10
        with httpx.Client(base_url=deployment.nginx.url, timeout=60) as client:
            while left_after_kill:
                left_after_kill -= killed.is_set()
                code = program("stream")
                answer = client.post("/api/snippets", json={"code": code})
                # 200: the killed replica had stored it before dying and the other one found it stored
                if answer.status_code not in (200, 201):
                    failures.append(f"{answer.status_code} {answer.text[:200]}")
                else:
                    sent[answer.json()["id"]] = code

    streamers = [threading.Thread(target=stream) for _ in range(3)]
    for streamer in streamers:
        streamer.start()
    wait_until(lambda: len(sent) >= 15 or not streamers[0].is_alive(), 120, "15 snippets stored before the kill")
    assert "POST /api/snippets" in Path(second.log.name).read_text(), "nginx never used the second replica"
    second.process.kill()
    killed.set()
    for streamer in streamers:
        streamer.join(timeout=300)
    assert not any(streamer.is_alive() for streamer in streamers) and failures == []
    assert second.stop() == [], "the killed replica's workers did not end"
    assert len(sent) >= 45
    for key, code in sent.items():  # every answered snippet is stored, and the survivor serves it
        read = httpx.get(f"{first.url}/api/snippets/{key}", timeout=60)
        assert read.status_code == 200 and read.json()["code"] == code
    assert deployment.stored() >= len(sent)
