"""The one real nn.Module class behind every `class Net(nn.Module)` a program defines.

Why a real module: torch's own attribute registration, parameters(), named_parameters() with
module paths, state_dict(), zero_grad(), the train and eval modes, repr and nn.Sequential nesting then
behave exactly as in PyTorch. The class is fixed (made once here, never per program); each
instance points at its UserClass, and forward() runs the user's method in the interpreter.
User code never touches the real object's internals: app/sandbox/classes.py answers every
attribute from the instance's own dict, the registered parameters/modules/buffers, the user
class, or the module allowlist.
"""

from __future__ import annotations

from typing import Any

from torch import nn

from ..errors import GradtraceError
from ..i18n import Message
from .objects import UserClass


class ModuleTable(dict[str, "nn.Module | None"]):
    """A user nn.Module's `_modules`: the dict torch keeps its children in, which a program may read
    and add children to (d2l's `self._modules[str(i)] = block`), holding only modules. A program
    writing anything else there (`m._modules['x'] = print`) would have torch's own code call module
    methods on it; every way of writing checks the value, as add_module would."""

    def __setitem__(self, name: str, module: nn.Module | None) -> None:
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {type(name).__name__}")
        if module is not None and not isinstance(module, nn.Module):
            message = Message(
                "TypeError: child module '{name}' is not a Module: only layers and modules can be children", name=name
            )
            raise GradtraceError("runtime", message, code="runtime.type_error")
        super().__setitem__(name, module)

    def update(self, *others: Any, **named: Any) -> None:
        for key, value in dict(*others, **named).items():
            self[key] = value

    def setdefault(self, name: str, module: nn.Module | None = None) -> nn.Module | None:
        if name not in self:
            self[name] = module
        return self[name]

    def __ior__(self, other: Any) -> ModuleTable:  # type: ignore[override,misc]
        self.update(other)
        return self


class SandboxModule(nn.Module):
    """An nn.Module whose class, plain attributes and forward come from a user class."""

    is_sandbox_module = True

    sandbox_class: UserClass
    sandbox_attrs: dict[str, object]
    address: int

    @classmethod
    def make(cls, user_class: UserClass) -> SandboxModule:
        """A bare instance; the user's __init__ (through super().__init__()) sets up nn.Module."""
        module = cls.__new__(cls)
        object.__setattr__(module, "sandbox_class", user_class)
        object.__setattr__(module, "sandbox_attrs", {})
        object.__setattr__(module, "address", user_class.caller.next_address())
        return module

    def set_up(self, *args: Any, **kwargs: Any) -> None:
        """nn.Module.__init__ (what `super().__init__()` reaches), with the table of children checked."""
        nn.Module.__init__(self, *args, **kwargs)
        object.__setattr__(self, "_modules", ModuleTable())

    def _get_name(self) -> str:
        # nn.Module.__repr__ prints this: the user's class name, as PyTorch would.
        return self.sandbox_class.name

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        found, method = self.sandbox_class.find("forward")
        if not found:
            raise NotImplementedError(f'Module [{self.sandbox_class.name}] is missing the required "forward" function')
        return self.sandbox_class.caller.call_value(method, [self, *args], kwargs, None)

    def extra_repr(self) -> str:
        found, method = self.sandbox_class.find("extra_repr")
        if not found:
            return ""
        text = self.sandbox_class.caller.call_value(method, [self], {}, None)
        if type(text) is not str:
            raise TypeError("extra_repr() must return a str")
        return text

    def __repr__(self) -> str:
        for dunder in ("__repr__",):
            found, method = self.sandbox_class.find(dunder)
            if found:
                text = self.sandbox_class.caller.call_value(method, [self], {}, None)
                if type(text) is not str:
                    raise TypeError(f"{dunder} returned non-string (type {type(text).__name__})")
                return text
        return super().__repr__()

    def __str__(self) -> str:
        found, method = self.sandbox_class.find("__str__")
        if found:
            text = self.sandbox_class.caller.call_value(method, [self], {}, None)
            if type(text) is not str:
                raise TypeError(f"__str__ returned non-string (type {type(text).__name__})")
            return text
        return repr(self)
