"""The local derivative on each edge: how an op turns the gradient it receives into the one it passes
back to each input — the factor of the chain rule, with real numbers where it has them.

Read from the autograd nodes' saved tensors, so it must run before backward() frees them. Elementwise
ops give a factor (`×6`, or a small tensor: d out / d input element by element); reductions,
broadcasts and matrix products name what their backward does (`÷4`, `sums over dim 0`,
`grad @ Bᵀ`). Ops without a meaningful local derivative get None.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import torch

from ..i18n import Message, Plural, Series, Text
from .model import LocalDerivative, TensorData, listed_elements
from .tensors import dtype_name, listed_size, to_tensor_data

AutogradNode = Any
Locals = dict[AutogradNode, tuple[LocalDerivative | None, ...]]

LISTED_FACTOR = 3  # a factor of up to this many elements is written out on the edge: `×[2, 4, 6]`

# op -> (rule written per input when the factor is too long to list, factor of each input)
FactorOf = Callable[[AutogradNode, int], torch.Tensor | float | None]


def _saved(node: AutogradNode, name: str) -> Any:
    return getattr(node, "_saved_" + name)


def _alpha(node: AutogradNode) -> float:
    alpha = _saved(node, "alpha")
    return float(alpha) if isinstance(alpha, int | float) else 1.0


def _mul(node: AutogradNode, index: int) -> torch.Tensor | None:
    return _saved(node, "other" if index == 0 else "self")  # type: ignore[no-any-return]


def _div(node: AutogradNode, index: int) -> torch.Tensor | None:
    a, b = _saved(node, "self"), _saved(node, "other")
    if index == 0:
        return None if b is None else 1 / b
    return None if a is None or b is None else -a / (b * b)


def _pow_scalar(node: AutogradNode, index: int) -> torch.Tensor | None:
    exponent, base = _saved(node, "exponent"), _saved(node, "self")
    if not isinstance(exponent, int | float) or isinstance(exponent, bool):
        return None
    return exponent * base ** (exponent - 1)  # type: ignore[no-any-return]


def _pow_tensor(node: AutogradNode, index: int) -> torch.Tensor:
    base, exponent = _saved(node, "self"), _saved(node, "exponent")
    if index == 0:
        return exponent * base ** (exponent - 1)  # type: ignore[no-any-return]
    return _saved(node, "result") * torch.log(base)  # type: ignore[no-any-return]


class FromSaved:
    """A factor that is one saved tensor (`result` or `self`) through an elementwise rule. The rules
    give the same bits on a stack of many nodes' tensors as on each alone (plain arithmetic, and
    sin/cos, whose CPU kernels run the same vector code on every element, a stack's tail included):
    a chain's nodes are computed together (stacked_factors)."""

    __slots__ = ("rule", "saved")

    def __init__(self, saved: str, rule: Callable[[torch.Tensor], torch.Tensor]) -> None:
        self.saved = saved
        self.rule = rule

    def __call__(self, node: AutogradNode, index: int) -> torch.Tensor:
        return self.rule(_saved(node, self.saved))


def _from_result(rule: Callable[[torch.Tensor], torch.Tensor]) -> FromSaved:
    return FromSaved("result", rule)


def _from_input(rule: Callable[[torch.Tensor], torch.Tensor]) -> FromSaved:
    return FromSaved("self", rule)


_ELEMENTWISE: dict[str, tuple[Sequence[str], FactorOf]] = {
    "MulBackward0": (("× b", "× a"), _mul),
    "DivBackward0": (("÷ b", "× −a/b²"), _div),
    "AddBackward0": (("× 1", "× α"), lambda node, index: 1.0 if index == 0 else _alpha(node)),
    "SubBackward0": (("× 1", "× −α"), lambda node, index: 1.0 if index == 0 else -_alpha(node)),
    "RsubBackward0": (("× −α", "× 1"), lambda node, index: -_alpha(node) if index == 0 else 1.0),
    "RsubBackward1": (("× −α",), lambda node, index: -_alpha(node)),
    "NegBackward0": (("× −1",), lambda node, index: -1.0),
    "PowBackward0": (("× n·xⁿ⁻¹",), _pow_scalar),
    "PowBackward1": (("× b·aᵇ⁻¹", "× aᵇ·ln a"), _pow_tensor),
    "ExpBackward0": (("× eˣ",), _from_result(lambda r: r)),
    "SigmoidBackward0": (("× σ(1−σ)",), _from_result(lambda r: r * (1 - r))),
    "TanhBackward0": (("× (1−tanh²)",), _from_result(lambda r: 1 - r * r)),
    "ReluBackward0": (("× (x>0)",), _from_result(lambda r: (r > 0).to(r.dtype))),
    "SqrtBackward0": (("× 1/(2√x)",), _from_result(lambda r: 0.5 / r)),
    "LogBackward0": (("× 1/x",), _from_input(lambda x: 1 / x)),
    "SinBackward0": (("× cos x",), _from_input(torch.cos)),
    "CosBackward0": (("× −sin x",), _from_input(lambda x: -torch.sin(x))),
    "AbsBackward0": (("× sign x",), _from_input(torch.sgn)),
    "ReciprocalBackward0": (("× −1/x²",), _from_result(lambda r: -r * r)),
}

# Rules with no numbers: what the backward of a matrix product or a reshaping does.
_TRANSPOSES = Message("transposes")
_PERMUTES_BACK = Message("permutes back")
_RESHAPES = Message("reshapes")
_RULES: dict[str, Sequence[Text | None]] = {
    "MmBackward0": ("grad @ Bᵀ", "Aᵀ @ grad"),
    "BmmBackward0": ("grad @ Bᵀ", "Aᵀ @ grad"),
    "AddmmBackward0": (None, "grad @ Bᵀ", "Aᵀ @ grad"),  # the bias takes the ×1 factor below
    "MvBackward0": ("grad ⊗ v", "Aᵀ @ grad"),
    "TBackward0": (_TRANSPOSES,),
    "TransposeBackward0": (_TRANSPOSES,),
    "PermuteBackward0": (_PERMUTES_BACK,),
    "ViewBackward0": (_RESHAPES,),
    "UnsafeViewBackward0": (_RESHAPES,),
    "ReshapeAliasBackward0": (_RESHAPES,),
    "SqueezeBackward0": (_RESHAPES,),
    "SqueezeBackward1": (_RESHAPES,),
    "SqueezeBackward4": (_RESHAPES,),
    "UnsqueezeBackward0": (_RESHAPES,),
}


def format_number(value: float) -> str:
    """A factor as an edge shows it: 4 significant digits, `−` for minus."""
    whole = math.isfinite(value) and value == int(value) and abs(value) < 1e6
    text = str(int(value)) if whole else f"{value:.4g}"
    return text.replace("-", "−")


def _factor_local(rule: str, factor: torch.Tensor | float | TensorData, max_elements: int) -> LocalDerivative:
    # Read through the copied-out elements, not torch ops: a long chain has thousands of edges.
    if isinstance(factor, TensorData):
        data = factor
    elif isinstance(factor, torch.Tensor):
        data = to_tensor_data(factor, max_elements)
    else:
        data = TensorData((), "float32", float(factor))
    listed = [] if data.values is None or data.dtype.startswith("complex") else list(listed_elements(data.values))
    if listed and all(value == listed[0] for value in listed):
        number = float(listed[0])  # one number, or the same at every element: `×3`
        if rule.startswith("÷") and number != 0:
            return LocalDerivative(f"÷{format_number(1 / number)}", data)
        return LocalDerivative(f"×{format_number(number)}", data)
    if 1 < len(listed) <= LISTED_FACTOR:
        return LocalDerivative("×[" + ", ".join(format_number(float(v)) for v in listed) + "]", data)
    return LocalDerivative(rule.replace("÷ b", "× 1/b"), data)


_REDUCTIONS = frozenset({"MeanBackward0", "MeanBackward1", "SumBackward0", "SumBackward1"})


def _reduced_dims(node: AutogradNode, rank: int) -> list[int]:
    """The dims a reduction ran over, from 0 (torch hands a negative dim back as its unsigned 64-bit
    form: -1 is 2**64 - 1)."""
    dims = _saved(node, "dim") or range(rank)
    signed = (d - 2**64 if d >= 2**63 else d for d in dims)
    return [d % rank if rank else 0 for d in signed]


def _reduction_local(node: AutogradNode, name: str) -> LocalDerivative | None:
    if name not in _REDUCTIONS:
        return None
    sizes = tuple(int(s) for s in _saved(node, "self_sym_sizes"))
    if name == "MeanBackward0":
        count = math.prod(sizes)
    elif name == "MeanBackward1":
        count = math.prod(sizes[d] for d in _reduced_dims(node, len(sizes))) if sizes else 1
    elif name == "SumBackward0":
        return LocalDerivative(Message("×1, copied to all {count}", count=math.prod(sizes)))
    elif name == "SumBackward1":
        named = Series(*_reduced_dims(node, len(sizes)))
        return LocalDerivative(Message("×1, copied along dim {dims}", dims=named))
    else:
        return None
    if count == 0:
        return None
    return LocalDerivative(f"÷{count}", TensorData((), "float32", 1 / count))


def local_of(node: AutogradNode, index: int, max_elements: int) -> LocalDerivative | None:
    """The local derivative of `node`'s output with respect to its input number `index` (the order
    of `node.next_functions`), or None when there is none worth showing."""
    name = type(node).__name__
    elementwise = _ELEMENTWISE.get(name)
    if elementwise is not None:
        rules, factor_of = elementwise
        if index >= len(rules):
            return None
        with torch.no_grad():
            factor = factor_of(node, index)
        return None if factor is None else _factor_local(rules[index], factor, max_elements)
    if name == "AddmmBackward0" and index == 0:
        beta = _saved(node, "beta")
        return _factor_local("× β", float(beta) if isinstance(beta, int | float) else 1.0, max_elements)
    rules_of = _RULES.get(name)
    if rules_of is not None:
        rule = rules_of[index] if index < len(rules_of) else None
        return None if rule is None else LocalDerivative(rule)
    return _reduction_local(node, name)


def local_derivatives(nodes: Sequence[AutogradNode], max_elements: int) -> Locals:
    """Every node's local derivatives, one per entry of its next_functions (None for a constant
    input or an op without one). Read before backward() frees the saved tensors; a node whose
    saved tensors are already freed (an earlier backward() without retain_graph) gets none."""
    found: Locals = stacked_factors(nodes, max_elements)
    for node in nodes:
        if node in found:
            continue
        inputs = node.next_functions
        if not inputs:
            continue
        try:
            found[node] = tuple(
                None if child is None else local_of(node, index, max_elements)
                for index, (child, _) in enumerate(inputs)
            )
        except Exception:  # an annotation must never stop the learner's program
            # Saved tensors freed or changed in place, saved under other names, a dtype or dim the
            # rule cannot take: the node shows no local derivative, and the program's run goes on.
            continue
    return found


# The groups stacked_factors computes together: (op, saved tensor's shape, dtype) -> nodes, tensors
Stacks = dict[tuple[str, tuple[int, ...], torch.dtype], tuple[list[AutogradNode], list[torch.Tensor]]]


def stacked_factors(nodes: Sequence[AutogradNode], max_elements: int) -> Locals:
    """The local derivatives of the one-input elementwise ops whose factor is a saved tensor through
    a FromSaved rule, computed once per op, shape and dtype for all such nodes (a 1,000-step chain:
    one torch call instead of 1,000); exactly what local_of gives each node. Nodes whose saved
    tensor cannot be read, or that are not such ops, are left to local_of."""
    stacks: Stacks = {}
    for node in nodes:
        name = type(node).__name__
        elementwise = _ELEMENTWISE.get(name)
        if elementwise is None or not isinstance(elementwise[1], FromSaved) or len(node.next_functions) != 1:
            continue
        if node.next_functions[0][0] is None:
            continue
        try:
            saved = _saved(node, elementwise[1].saved)
        except Exception:  # freed by an earlier backward(): local_of says so for this node
            continue
        if not isinstance(saved, torch.Tensor) or saved.is_complex() or listed_size(tuple(saved.shape)) > max_elements:
            continue  # summarised, not listed: local_of
        nodes_of, tensors = stacks.setdefault((name, tuple(saved.shape), saved.dtype), ([], []))
        nodes_of.append(node)
        tensors.append(saved)
    found: Locals = {}
    for (name, shape, _), (nodes_of, tensors) in stacks.items():
        rules, factor_of = _ELEMENTWISE[name]
        assert isinstance(factor_of, FromSaved)
        try:
            with torch.no_grad():
                factors = factor_of.rule(torch.stack(tensors))
        except Exception:  # a dtype the rule cannot take: local_of tries each node, and says none
            continue
        dtype_text = dtype_name(factors.dtype)
        for node, values in zip(nodes_of, factors.tolist(), strict=True):
            found[node] = (_factor_local(rules[0], TensorData(shape, dtype_text, values), max_elements),)
    return found


def broadcast_note(source_shape: tuple[int, ...], output_shape: tuple[int, ...]) -> Text | None:
    """`sums over dim 0` when an input of shape `source_shape` was broadcast to `output_shape`
    (its gradient is the output's summed over the broadcast dimensions), else None."""
    if source_shape == output_shape:
        return None
    lead = len(output_shape) - len(source_shape)
    if lead < 0:
        return None
    dims = [d for d, size in enumerate(output_shape) if d < lead or (source_shape[d - lead] == 1 and size != 1)]
    if not dims:
        return None
    return Plural("sums over dim {dims}", "sums over dims {dims}", n=len(dims), dims=Series(*dims))


def sums_broadcast(op: str, index: int) -> bool:
    """Whether input `index` of `op` may have been broadcast, so its gradient sums over dimensions."""
    return op in _ELEMENTWISE or op == "ExpandBackward0" or (op == "AddmmBackward0" and index == 0)


def with_broadcast(local: LocalDerivative | None, note: Text | None) -> LocalDerivative | None:
    """`local` with a broadcast's summing added (`×1, sums over dim 0`), or the note alone."""
    if note is None:
        return local
    if local is None:
        return LocalDerivative(note)
    return LocalDerivative(Message("{local}, {note}", local=local.text, note=note), local.value)
