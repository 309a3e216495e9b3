"""The one real nn.Module class behind every `class Net(nn.Module)` a program defines.

Why a real module: torch's own attribute registration, parameters(), named_parameters() with
module paths, state_dict(), zero_grad(), train()/eval(), repr and nn.Sequential nesting then
behave exactly as in PyTorch. The class is fixed (made once here, never per program); each
instance points at its UserClass, and forward() runs the user's method in the interpreter.
User code never touches the real object's internals: app/sandbox/classes.py answers every
attribute from the instance's own dict, the registered parameters/modules/buffers, the user
class, or the module allowlist.
"""

from __future__ import annotations

from typing import Any

from torch import nn

from .objects import UserClass


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
