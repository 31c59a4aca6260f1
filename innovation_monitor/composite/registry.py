"""The protocol shared by the methods of every step family, and the registry that lists them.

Each step (normalise, impute, treat, weight, aggregate) looks its methods up by name in one
:class:`Registry`. A method is a small class in the scikit-learn style: its parameters are
declared up front in ``defaults`` (``REQUIRED`` for one without a default) and merged with the
given ones on construction, so a misspelt parameter is one clear error; ``check`` refuses values
the method cannot use; ``fit`` (where the family has fitted parameters) stores what it learns in
attributes with a trailing underscore, as scikit-learn's ``MinMaxScaler`` keeps ``data_min_``;
``transform`` applies them. Adding a method is one class plus its ``@REGISTRY.register(name)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Generic, TypeVar

from innovation_monitor.composite.spec import resolve_params


class Method:
    """One method of a step family, with its parameters resolved against the declared ones."""

    #: the name the method is registered under (set by :meth:`Registry.register`)
    name: ClassVar[str] = ""
    #: every parameter the method takes, with its default (``spec.REQUIRED`` for none)
    defaults: ClassVar[Mapping[str, Any]] = {}

    def __init__(self, params: Mapping[str, Any] | None = None, *, where: str = "") -> None:
        """Merge ``params`` over :attr:`defaults`; unknown and missing required parameters
        raise, with ``where`` (the step and method, as BUILD.yaml names them) in the message."""
        self.params: dict[str, Any] = resolve_params(
            params or {}, self.defaults, where or f"{{method: {self.name}}}"
        )

    def check(self, where: str) -> None:
        """Refuse parameter values the method cannot use (``where`` starts the message); the
        family calls it before the values are first used."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.params!r})"


M = TypeVar("M", bound=Method)


class Registry(dict[str, type[M]], Generic[M]):
    """The methods of one step family by name, in the order registered (the order in which
    error messages list the choices)."""

    def __init__(self, family: str, base: type) -> None:
        # ``base`` is the family's abstract base class, so ``type`` rather than ``type[M]``
        super().__init__()
        self.family = family
        self.base = base

    def register(self, name: str) -> Callable[[type[M]], type[M]]:
        """Class decorator: list the class under ``name`` (and give it that name)."""

        def add(cls: type[M]) -> type[M]:
            if name in self:
                raise ValueError(f"{self.family}: a method {name!r} is already registered")
            if not issubclass(cls, self.base):
                raise TypeError(f"{self.family}: {cls.__name__} must subclass {self.base.__name__}")
            cls.name = name
            self[name] = cls
            return cls

        return add
