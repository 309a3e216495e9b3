"""JSON API and the plain image endpoint: each builds one Result and renders it as JSON or SVG."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ..errors import GradtraceError
from ..pipeline import check_inputs
from ..result import Result, result_to_json
from ..worker import Job, WorkerPool
from .image_query import ImageQuery, image_query
from .image_response import ImageRequest, answer_image
from .schemas import GraphRequest

router = APIRouter()

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"description": 'error: {"error": {type, message, line, col}}'}
    for code in (400, 403, 408, 413, 414, 422, 429)
}


def pool_of(request: Request) -> WorkerPool:
    pool: WorkerPool = request.app.state.pool
    return pool


async def run_job(request: Request, job: Job) -> Result:
    """Run a job in a worker without blocking the event loop."""
    return await run_in_threadpool(pool_of(request).run, job)


@router.post("/api/graph", responses=ERROR_RESPONSES)
async def post_graph(body: GraphRequest, request: Request) -> JSONResponse:
    """Run the code; answer every graph, the named tensors, what it printed and warnings."""
    check_inputs(body.inputs)
    result = await run_job(request, Job(body.code, body.inputs, body.options.to_options()))
    # Building and encoding a large answer takes a while: do it in a thread, not on the event loop
    # every other request waits on (JSONResponse encodes its body when it is made).
    return await run_in_threadpool(_json_answer, result)


def _json_answer(result: Result) -> JSONResponse:
    return JSONResponse(result_to_json(result), headers={"Cache-Control": "no-store"})


@router.get("/graph.svg", responses={200: {"content": {"image/svg+xml": {}}}, **ERROR_RESPONSES})
async def get_graph_svg(
    request: Request,
    query: Annotated[ImageQuery, Depends(image_query)],
    code: Annotated[str | None, Query(description="PyTorch code")] = None,
) -> Response:
    """The last (or chosen) graph as an SVG image; a bad snippet answers an error picture."""

    async def load() -> ImageRequest:
        if code is None:
            raise GradtraceError("request", "give the PyTorch code as ?code=... (or use /svg/{encoded})")
        return ImageRequest(code, query.input_values(), query.options(), "svg")

    return await answer_image(request, "svg", load)


@router.get("/healthz")
async def healthz(request: Request) -> JSONResponse:
    """200 while a worker can take a request (idle, or busy and alive); 503 otherwise."""
    idle, busy = await run_in_threadpool(pool_of(request).health)
    workers = idle + busy
    body = {"status": "ok" if workers else "no workers", "workers": workers, "idle": idle, "busy": busy}
    return JSONResponse(body, status_code=200 if workers else 503)
