"""deploy/'s nginx keeps one cached copy of an image URL per language: an image URL without `lang` draws the
reader's Accept-Language and says `Vary: Accept-Language` (tests/web/test_i18n_api.py), and the cache must never
hand a Chinese drawing to an English reader or the other way round. A stand-in replica answers as gradtrace
does (immutable, Vary unless the URL names `lang`), so what is tested is the deployment's nginx configuration."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import httpx2 as httpx
import pytest
from gradtrace.i18n import from_accept_language, parse_language

from tests.deploy.servers import MissingServer, NginxServer, start_nginx


class LanguageReplica:
    """Answers GET /svg/... with the language it chose (as gradtrace chooses it) and counts what reached it."""

    def __init__(self) -> None:
        self.received: list[str] = []
        replica = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                named = parse_qs(urlsplit(self.path).query).get("lang")
                language = parse_language(named[0]) if named else from_accept_language(self.headers["Accept-Language"])
                replica.received.append(f"{self.path} {language}")
                body = f"<svg>{language}</svg>".encode()
                self.send_response(200)
                self.send_header("Content-Type", "image/svg+xml")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "public, max-age=31536000, immutable")
                if not named:
                    self.send_header("Vary", "Accept-Language")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                del format, args

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"127.0.0.1:{self.server.server_address[1]}"


@contextmanager
def nginx_before_replica() -> Iterator[tuple[NginxServer, LanguageReplica]]:
    replica = LanguageReplica()
    thread = threading.Thread(target=replica.server.serve_forever, daemon=True)
    thread.start()
    try:
        with start_nginx(None, [replica.address]) as nginx:
            yield nginx, replica
    except MissingServer as missing:
        pytest.skip(str(missing))
    finally:
        replica.server.shutdown()
        replica.server.server_close()
        thread.join()


def test_nginx_caches_one_copy_per_language() -> None:
    with nginx_before_replica() as (nginx, replica):
        url = f"{nginx.url}/svg/eJyrVkrLz1eyUkrOyS9KUagFAC0hBS0"

        def get(accept: str, query: str = "") -> httpx.Response:
            return httpx.get(url + query, headers={"Accept-Language": accept}, timeout=30)

        chinese = get("zh-CN,zh;q=0.9")
        assert chinese.text == "<svg>zh-CN</svg>" and chinese.headers["x-cache-status"] == "MISS"
        english = get("en-US,en;q=0.9")
        assert english.text == "<svg>en</svg>", "nginx served another language's copy"
        again = get("zh-CN,zh;q=0.9")
        assert again.text == "<svg>zh-CN</svg>" and again.headers["x-cache-status"] == "HIT"
        assert get("en-US,en;q=0.9").headers["x-cache-status"] == "HIT"  # both copies kept
        # A URL that names its language is one copy for every reader.
        named = [get(accept, "?lang=zh-CN") for accept in ("en", "zh-CN", "fr")]
        assert [answer.text for answer in named] == ["<svg>zh-CN</svg>"] * 3
        assert [answer.headers["x-cache-status"] for answer in named] == ["MISS", "HIT", "HIT"]
        assert len(replica.received) == 3
