"""create_app(settings): the FastAPI app, its worker pool, routes and error handling."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from .. import __version__
from ..config import Settings
from ..errors import GradtraceError
from ..store import open_snippet_store
from ..worker import WorkerPool
from . import api, embed, kroki
from .errors import error_json, on_gradtrace_error, on_http_error, on_validation_error
from .fairness import ClientQuota
from .guards import BodyTooLarge, RequestSizeGuard, body_too_large
from .headers import CommonHeaders
from .image_cache import RenderedImageCache
from .language import answer_language
from .resources import resource_dir


def create_app(settings: Settings | None = None, pool: WorkerPool | None = None) -> FastAPI:
    """Build the service. Without `pool`, one is started with the app and stopped with it."""
    settings = settings or Settings.from_env()
    own_pool = pool is None
    worker_pool = pool or WorkerPool(settings.limits, settings.workers)
    snippet_store = open_snippet_store(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(snippet_store.open)
        if own_pool:
            await run_in_threadpool(worker_pool.start)
        try:
            yield
        finally:
            if own_pool:
                worker_pool.close()
            snippet_store.close()

    app = FastAPI(title="gradtrace", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.pool = worker_pool
    app.state.snippets = snippet_store
    app.state.image_cache = RenderedImageCache(settings.image_cache_bytes)
    app.state.quota = ClientQuota(settings)
    app.state.templates = Jinja2Templates(directory=str(resource_dir("templates")))
    # Pages translate with `{% trans %}` and `_()`; app/web/pages.py passes each request's catalogue in.
    app.state.templates.env.add_extension("jinja2.ext.i18n")
    app.add_exception_handler(GradtraceError, on_gradtrace_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(HTTPException, on_http_error)

    async def on_body_too_large(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, BodyTooLarge)
        return error_json(body_too_large(exc.limit), answer_language(request))

    app.add_exception_handler(BodyTooLarge, on_body_too_large)
    app.include_router(api.router)
    app.include_router(embed.router)
    _include_pages(app)
    app.mount("/static", StaticFiles(directory=str(resource_dir("static")), check_dir=False), name="static")
    app.include_router(kroki.router)  # last: its /{type}/{format}/{encoded} would shadow other paths
    app.add_middleware(RequestSizeGuard, max_url=settings.max_url_chars, max_body=settings.max_body_bytes)
    app.add_middleware(CommonHeaders)  # outermost: the guard's own 413/414 answers get the headers too
    return app


def _include_pages(app: FastAPI) -> None:
    from . import pages

    app.include_router(pages.router)
