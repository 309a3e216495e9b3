"""The sandbox: parse learner code with ast and run it with our own interpreter (never eval/exec)."""

from __future__ import annotations

from .interpret import Execution, Observer, run_program
from .parse import Program, parse_program

__all__ = ["Execution", "Observer", "Program", "parse_program", "run_program"]
