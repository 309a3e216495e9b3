"""`class F(torch.autograd.Function)` with staticmethod forward(ctx, ...)/backward(ctx, ...).

torch names a custom Function's graph node `<ClassName>Backward` after the Function class, so
each user class gets one real Function subclass carrying its name (made here, held only by the
UserClass, never reachable from user code). Its forward and backward run the user's methods in
the interpreter; `ctx` reaches user code as a FunctionContext exposing only save_for_backward,
saved_tensors, needs_input_grad, mark_non_differentiable and plain attributes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch

from ..errors import GradtraceError
from ..forward_tape import function_forward_tape
from ..i18n import Message

if TYPE_CHECKING:
    from .objects import UserClass

# Members of ctx user code may read; everything else is the program's own plain attributes.
CONTEXT_METHODS: frozenset[str] = frozenset({"save_for_backward", "mark_non_differentiable"})
CONTEXT_ATTRIBUTES: frozenset[str] = frozenset({"saved_tensors", "needs_input_grad"})


class FunctionContext:
    """The `ctx` argument as user code sees it: the real ctx stays inside."""

    __slots__ = ("attributes", "ctx")

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        attributes = getattr(ctx, "gradtrace_attributes", None)
        if attributes is None:  # the same dict in forward and backward: one per autograd node
            attributes = {}
            ctx.gradtrace_attributes = attributes
        self.attributes: dict[str, object] = attributes

    def __repr__(self) -> str:
        return f"<torch.autograd.function.{type(self.ctx).__name__} object>"


def _run(user_class: UserClass, name: str, ctx: Any, args: tuple[Any, ...]) -> Any:
    found, method = user_class.find(name)
    if not found:
        raise GradtraceError(
            "runtime",
            Message(
                "NotImplementedError: {cls} must implement the {function} function", cls=user_class.name, function=name
            ),
            code="runtime.not_implemented",
        )
    function = getattr(method, "function", method)  # @staticmethod's function
    return user_class.caller.call_value(function, [FunctionContext(ctx), *args], {}, None)


def function_host(user_class: UserClass) -> type[torch.autograd.Function]:
    """The real Function subclass for one user class, named as the user named it."""

    def forward(ctx: Any, *args: Any) -> Any:
        # Its ops run with grad off and make no nodes: recorded on ctx for the gradient check's replay.
        with function_forward_tape(ctx, args) as finish:
            returned = _run(user_class, "forward", ctx, args)
            finish(returned)
        return returned

    def backward(ctx: Any, *grads: Any) -> Any:
        return _run(user_class, "backward", ctx, grads)

    namespace = {"forward": staticmethod(forward), "backward": staticmethod(backward), "__module__": "__main__"}
    host: type[torch.autograd.Function] = type(user_class.name, (torch.autograd.Function,), namespace)
    host.is_sandbox_function = True  # type: ignore[attr-defined]
    return host


def is_function_node(node_type: type) -> bool:
    """True for the backward node class torch made for one of our Function hosts."""
    forward_cls = node_type.__dict__.get("_forward_cls")
    return getattr(forward_cls, "is_sandbox_function", False) is True
