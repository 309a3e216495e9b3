"""deploy/docker-compose.yml is correct by construction (Docker cannot run here): its nginx fills every
placeholder of the template the tests run, the replicas trust exactly nginx's address, reach the
compose PostgreSQL and run the repository's image, which carries the PostgreSQL driver."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from tests.deploy.servers import NGINX_TEMPLATE, PLACEHOLDER, fill_template

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
COMPOSE: dict[str, Any] = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]


def test_nginx_uses_the_tested_template_with_every_placeholder_filled() -> None:
    nginx = SERVICES["nginx"]
    mounts = [volume.split(":") for volume in nginx["volumes"]]
    template = next(source for source, target, *_ in mounts if target.startswith("/etc/nginx/templates/"))
    assert (DEPLOY / template).resolve() == NGINX_TEMPLATE
    assert set(PLACEHOLDER.findall(NGINX_TEMPLATE.read_text())) == set(nginx["environment"])
    filled = fill_template(NGINX_TEMPLATE.read_text(), nginx["environment"])
    listen = nginx["environment"]["NGINX_LISTEN_PORT"]
    assert f"listen {listen};" in filled and any(port.endswith(f":{listen}") for port in nginx["ports"])
    cache = nginx["environment"]["NGINX_CACHE_DIR"]
    assert any(volume.endswith(f":{cache}") for volume in nginx["volumes"])  # the cache outlives the container


def test_replicas_trust_only_nginx_and_share_the_compose_database() -> None:
    replicas, nginx = SERVICES["gradtrace"], SERVICES["nginx"]
    nginx_address = nginx["networks"]["gradtrace"]["ipv4_address"]
    assert replicas["environment"]["GRADTRACE_TRUSTED_PROXIES"] == nginx_address
    database = urlsplit(replicas["environment"]["GRADTRACE_DATABASE_URL"])
    assert database.scheme == "postgresql" and database.hostname in SERVICES
    assert database.path.lstrip("/") == SERVICES["postgres"]["environment"]["POSTGRES_DB"]
    assert any(volume.endswith(":/var/lib/postgresql/data") for volume in SERVICES["postgres"]["volumes"])
    upstream = nginx["environment"]["GRADTRACE_UPSTREAM_SERVERS"]
    assert upstream.startswith("server gradtrace:8000 ")  # the replicas' service name, all of them
    assert str(replicas["deploy"]["replicas"]).startswith("${GRADTRACE_REPLICAS")


def test_replicas_run_the_repository_image_with_the_postgres_driver() -> None:
    build = SERVICES["gradtrace"]["build"]
    assert (DEPLOY / build["context"] / build["dockerfile"]).resolve() == (DEPLOY.parent / "Dockerfile").resolve()
    dockerfile = (DEPLOY.parent / "Dockerfile").read_text()
    assert 'pip install "$(ls dist/gradtrace-*.whl)[postgres]"' in dockerfile
