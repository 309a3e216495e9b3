"""JSON API and the plain image endpoint: each builds one Result and renders it as JSON or SVG."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from ..errors import GradtraceError
from ..i18n import Message
from ..pipeline import check_inputs
from ..result import Result
from ..worker import Job
from .image_query import ImageQuery, image_query
from .image_response import ImageRequest, answer_image
from .jobs import pool_of, quota_of, run_admitted, run_admitted_json
from .language import header_language, resolve_language
from .schemas import GraphRequest

router = APIRouter()

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"description": 'error: {"error": {type, code, message, line, col}} (message in the request\'s language)'}
    for code in (400, 403, 408, 413, 414, 422, 429)
}


def charged_client(request: Request) -> str:
    """The request's client, charged one compute request (or refused: 429)."""
    quota = quota_of(request)
    client = quota.client_of(request)
    quota.charge(client, "compute")
    return client


async def run_job(request: Request, job: Job) -> Result:
    """Run a job in a worker for the request's client, within the client's rate and cap on jobs."""
    return await run_admitted(request, charged_client(request), job)


@router.post("/api/graph", responses=ERROR_RESPONSES, response_class=JSONResponse)
async def post_graph(body: GraphRequest, request: Request) -> Response:
    """Run the code; answer every graph, the named tensors, what it printed and warnings."""
    options = body.options.to_options(resolve_language(request, body.options.lang))
    check_inputs(body.inputs)
    job = Job(body.code, body.inputs, options)
    # The worker encodes the answer (result_json_bytes): a large one costs the event loop every other
    # request waits on nothing, and needs no thread hand-off either.
    answer = await run_admitted_json(request, charged_client(request), job)
    headers = {"Cache-Control": "no-store", "Content-Language": options.lang}
    return Response(answer, media_type="application/json", headers=headers)


@router.get("/graph.svg", responses={200: {"content": {"image/svg+xml": {}}}, **ERROR_RESPONSES})
async def get_graph_svg(
    request: Request,
    query: Annotated[ImageQuery, Depends(image_query)],
    code: Annotated[str | None, Query(description="PyTorch code")] = None,
) -> Response:
    """The last (or chosen) graph as an SVG image; a bad snippet answers an error picture."""

    async def load() -> ImageRequest:
        if code is None:
            raise GradtraceError(
                "request",
                Message("give the PyTorch code as ?code=... (or use /svg/{{encoded}})"),
                code="request.no_code",
            )
        return ImageRequest(code, query.input_values(), query.options(accepted=header_language(request)), "svg")

    return await answer_image(request, "svg", load)


@router.get("/healthz")
async def healthz(request: Request) -> JSONResponse:
    """200 while a worker can take a request (idle, or busy and alive); 503 otherwise."""
    pool = pool_of(request)
    # On the event loop, no thread hop: health() only polls the workers' sentinels (and stops a dead
    # idle worker, which returns at once); a probe must answer in milliseconds however busy the pool.
    idle, busy = pool.health()
    starting = pool.starting()
    workers = idle + busy
    # Workers being replaced count as coming: a moment with every worker restarting is not an outage.
    status = "ok" if workers else "starting" if starting else "no workers"
    body = {"status": status, "workers": workers, "idle": idle, "busy": busy, "starting": starting}
    body["waiting"] = pool.waiting()  # requests waiting for a worker
    return JSONResponse(body, status_code=200 if workers or starting else 503, headers={"Cache-Control": "no-store"})
