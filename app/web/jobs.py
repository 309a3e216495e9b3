"""Running a request's job in a worker, within its client's share (see fairness.py)."""

from __future__ import annotations

from fastapi import Request

from ..result import Result
from ..worker import Job, WorkerPool
from .fairness import ClientQuota


def pool_of(request: Request) -> WorkerPool:
    pool: WorkerPool = request.app.state.pool
    return pool


def quota_of(request: Request) -> ClientQuota:
    quota: ClientQuota = request.app.state.quota
    return quota


async def run_admitted(request: Request, client: str, job: Job) -> Result:
    """Run a job already charged to `client`, in one of the client's job slots; waiting for a
    worker holds no thread, and the client holds at most its share of the workers."""
    settings = request.app.state.settings
    with quota_of(request).job_slot(client):
        return await pool_of(request).run_async(
            job, wait_seconds=settings.queue_wait_seconds, client=client, share=settings.client_share()
        )


async def run_admitted_json(request: Request, client: str, job: Job) -> bytes:
    """`run_admitted` answering the API's JSON body, encoded by the worker."""
    settings = request.app.state.settings
    with quota_of(request).job_slot(client):
        return await pool_of(request).run_json_async(
            job, wait_seconds=settings.queue_wait_seconds, client=client, share=settings.client_share()
        )
