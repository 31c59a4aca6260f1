"""Checking step parameters, so that a typo in BUILD.yaml is one clear FrameworkError."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from innovation_monitor.errors import FrameworkError

REQUIRED = object()  # marks a parameter without a default


def check_method(method: Any, known: Iterable[str], where: str) -> str:
    """Return ``method`` if it is one of ``known``; else raise naming it and the choices."""
    choices = list(known)
    if not isinstance(method, str) or method not in choices:
        raise FrameworkError(f"{where}: unknown method {method!r}; expected one of {choices}")
    return method


def check_share(value: Any, what: str) -> None:
    """Refuse anything but a number from 0 to 1 (a data-availability threshold), so that a
    percentage typed as 90 is not silently a threshold no unit can meet."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise FrameworkError(f"{what} is {value!r}; expected a share from 0 to 1")


def resolve_params(
    given: Mapping[str, Any], defaults: Mapping[str, Any], where: str
) -> dict[str, Any]:
    """Merge ``given`` over ``defaults``; unknown names and missing required ones raise."""
    unknown = sorted(set(given) - set(defaults), key=str)
    if unknown:
        raise FrameworkError(
            f"{where}: unknown parameter(s) {unknown}; expected some of {sorted(defaults)}"
        )
    out = {**defaults, **given}
    missing = sorted(
        k for k, v in out.items() if defaults[k] is REQUIRED and (v is REQUIRED or v is None)
    )
    if missing:
        raise FrameworkError(f"{where}: missing required parameter(s) {missing}")
    return out


def per_indicator_specs(
    overrides: Mapping[str, Any] | None, indicators: Iterable[str], where: str
) -> dict[str, dict[str, Any]]:
    """Validate ``indicators: {CODE: {method: ..., ...}}`` overrides against the framework."""
    if overrides is None:
        return {}
    if not isinstance(overrides, Mapping):
        raise FrameworkError(f"{where}: 'indicators' must map indicator codes to settings")
    known = set(indicators)
    out: dict[str, dict[str, Any]] = {}
    for code, spec in overrides.items():
        if code not in known:
            raise FrameworkError(f"{where}: override for unknown indicator {code!r}")
        if isinstance(spec, str):
            spec = {"method": spec}
        if not isinstance(spec, Mapping):
            raise FrameworkError(f"{where}: override for {code!r} must be a mapping")
        out[str(code)] = dict(spec)
    return out


def merged_spec(
    method: str, params: Mapping[str, Any], override: Mapping[str, Any] | None
) -> tuple[str, dict[str, Any]]:
    """An indicator's method and parameters: an override with the same method inherits the
    global parameters (as COINr's ``indiv_specs``); a different method starts afresh."""
    if not override:
        return method, dict(params)
    own_method = override.get("method", method)
    own = {k: v for k, v in override.items() if k != "method"}
    if own_method == method:
        return method, {**params, **own}
    return own_method, own
