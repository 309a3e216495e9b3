"""`import random`: Python's random module for one run, seeded per request (deterministic answers).

A program gets a random.Random of its own: the numbers are Python's own after the same
random.seed(...), and no call can read or move the worker's global generator.
"""

from __future__ import annotations

import random as py_random
from collections.abc import Callable
from typing import Any

from ..config import Limits
from ..errors import GradtraceError
from ..i18n import Message
from . import guards
from .allowlist import names
from .values import HostFunction, Namespace

RANDOM_FUNCTIONS = frozenset(
    names(
        """
    random uniform seed shuffle choice randint randrange gauss normalvariate sample
    """
    )
)


class RunRandom:
    """The functions of `random` bound to one generator, with arguments checked first."""

    def __init__(self, seed: int, limits: Limits) -> None:
        self.generator = py_random.Random(seed)
        self.limits = limits

    def seed(self, value: Any = None) -> None:
        if type(value) not in (int, float, str) or (isinstance(value, str) and len(value) > 1000):
            raise GradtraceError(
                "runtime",
                Message("TypeError: random.seed takes a number or a short string here"),
                code="runtime.type_error",
            )
        self.generator.seed(value)

    def shuffle(self, values: Any) -> None:
        if type(values) is not list:
            raise GradtraceError(
                "runtime", Message("TypeError: random.shuffle takes a list here"), code="runtime.type_error"
            )
        self.generator.shuffle(values)

    def choice(self, values: Any) -> Any:
        return self.generator.choice(_sequence(values))

    def sample(self, population: Any, k: Any) -> list[Any]:
        if type(k) is not int:
            raise GradtraceError(
                "runtime", Message("TypeError: random.sample's k must be an int"), code="runtime.type_error"
            )
        guards.check_length(k, self.limits)
        return self.generator.sample(_sequence(population), k)

    def numbers(self, name: str) -> Any:
        method = getattr(self.generator, name)

        def call(*args: Any) -> Any:
            if not all(type(a) in (int, float, bool) for a in args):
                raise GradtraceError(
                    "runtime",
                    Message("TypeError: {function} takes numbers", function="random." + name),
                    code="runtime.type_error",
                )
            for value in args:
                guards.check_int(value, self.limits)
            return method(*args)

        return call


def _sequence(values: Any) -> Any:
    if type(values) not in (list, tuple, str, range):
        raise GradtraceError(
            "runtime", Message("TypeError: random takes a list, tuple, string or range here"), code="runtime.type_error"
        )
    return values


def build_random(limits: Limits, seed: int) -> Namespace:
    """The `random` namespace of one run."""
    run = RunRandom(seed, limits)
    members: dict[str, Callable[..., Any]] = {
        "seed": run.seed,
        "shuffle": run.shuffle,
        "choice": run.choice,
        "sample": run.sample,
    }
    for name in ("random", "uniform", "randint", "randrange", "gauss", "normalvariate"):
        members[name] = run.numbers(name)
    assert set(members) == RANDOM_FUNCTIONS
    return Namespace(
        "random", {name: HostFunction(f"random.{name}", fn, policy="builtin") for name, fn in members.items()}
    )
