"""The snippet database's circuit breaker on its own (on a real PostgreSQL: tests/deploy/test_postgres_store.py)."""

from __future__ import annotations

from gradtrace.store.breaker import CircuitBreaker


class Clock:
    """Seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_after_a_failure_calls_are_refused_then_one_probe_at_a_time_tries() -> None:
    clock = Clock()
    breaker = CircuitBreaker(seconds=2.0, clock=clock)
    assert breaker.admit() and breaker.admit()  # closed: everyone tries
    breaker.failed()
    assert not breaker.admit()
    clock.now += 1.9
    assert not breaker.admit()
    clock.now += 0.2
    assert breaker.admit()  # the probe
    assert not breaker.admit()  # while it runs, the others are still refused
    breaker.failed()  # still down: refused for another window
    assert not breaker.admit()
    clock.now += 2.1
    assert breaker.admit()
    breaker.succeeded()  # back: closed
    assert breaker.admit() and breaker.admit()


def test_a_probe_that_learns_nothing_lets_the_next_call_probe() -> None:
    clock = Clock()
    breaker = CircuitBreaker(seconds=2.0, clock=clock)
    breaker.failed()
    clock.now += 3
    assert breaker.admit()
    breaker.released()  # every connection busy, say: the database may be up or down
    assert breaker.admit()
