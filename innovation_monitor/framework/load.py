"""Loading ``indicators.yaml``: parse, validate against its JSON Schema, check, build.

``indicators.yaml`` is edited by evaluators, so loading is strict: the file is parsed with
``yaml.safe_load``, validated against ``indicators.schema.json`` (JSON Schema 2020-12), then
checked for what a schema cannot say — formulas over known variables available at the level,
unique codes, target references that exist and fit. Every problem raises
:class:`~innovation_monitor.errors.FrameworkError` naming the file and the key path
(e.g. ``frameworks.city.pillars[0].indicators[2].formula``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema

from innovation_monitor import paths
from innovation_monitor.divisions import LEVELS
from innovation_monitor.divisions.registry import PROVINCE_CODE
from innovation_monitor.errors import FrameworkError
from innovation_monitor.framework.model import (
    DEFAULT_COUNTY_SUM,
    DEFAULT_YEAR_ON_YEAR,
    SHANDONG,
    AdvancedRule,
    Baseline,
    Evaluation,
    Indicator,
    IndicatorSystem,
    Methodology,
    MonitoringFramework,
    Pillar,
    PlanValue,
    Source,
    Target,
    Tier,
    Variable,
)
from innovation_monitor.framework.unit_types import parse_unit_types
from innovation_monitor.text import fold
from innovation_monitor.yaml_file import read_yaml

SCHEMA_FILE = paths.PROJECT_ROOT / "indicators.schema.json"


def load_indicator_system(path: Path | None = None) -> IndicatorSystem:
    """Load, validate and check ``indicators.yaml`` (default :data:`paths.INDICATORS_FILE`)."""
    path = Path(path) if path is not None else paths.INDICATORS_FILE
    return build_indicator_system(read_yaml(path, "indicator file"), path)


def build_indicator_system(document: Any, path: Path) -> IndicatorSystem:
    """Validate and check an already parsed document (``path`` names it in errors), e.g. a
    variant of the framework built in a notebook."""
    _validate_schema(document, path)
    return _Builder(document, path).build()


def _key_path(document: Any, keys: Sequence[Any]) -> str:
    """``frameworks.city.pillars[0].indicators[2].formula``, with the code/id of list items
    shown in parentheses so the user finds the entry without counting."""
    parts: list[str] = []
    node = document
    for key in keys:
        if isinstance(key, int):
            parts.append(f"[{key}]")
            node = node[key] if isinstance(node, list) and key < len(node) else None
            label = None
            if isinstance(node, Mapping):
                label = node.get("code", node.get("id"))
            if isinstance(label, str):
                parts.append(f" ({label})")
        else:
            parts.append(f".{key}" if parts else str(key))
            node = node.get(key) if isinstance(node, Mapping) else None
    return "".join(parts) or "(top level)"


@functools.cache
def _schema_validator() -> jsonschema.Draft202012Validator:
    """The validator for ``indicators.schema.json``, read once per process."""
    try:
        schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise FrameworkError(f"{SCHEMA_FILE}: cannot read the JSON Schema ({err})") from None
    return jsonschema.Draft202012Validator(schema)


def _validate_schema(document: Any, path: Path) -> None:
    validator = _schema_validator()
    errors = sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.path)))
    if not errors:
        return
    first = jsonschema.exceptions.best_match(errors)
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    raise FrameworkError(
        f"{path}: {_key_path(document, list(first.absolute_path))}: {first.message}"
        f" — does not match {SCHEMA_FILE.name}{more}"
    )


class _Builder:
    """Turns a schema-valid document into an :class:`IndicatorSystem`, checking semantics."""

    def __init__(self, document: Mapping[str, Any], path: Path) -> None:
        self.doc = document
        self.path = path

    def fail(self, keys: Sequence[Any], message: str) -> FrameworkError:
        return FrameworkError(f"{self.path}: {_key_path(self.doc, keys)}: {message}")

    def build(self) -> IndicatorSystem:
        variables = self._variables()
        trees = {level: self._tree(level, variables) for level in LEVELS}
        targets = [
            self._plan_value(Target, "targets", i, raw, variables, trees)
            for i, raw in enumerate(self.doc["targets"])
        ]
        baselines = [
            self._plan_value(Baseline, "baselines", i, raw, variables, trees)
            for i, raw in enumerate(self.doc.get("baselines") or [])
        ]
        seen: set[str] = set()
        for section, items in (("targets", targets), ("baselines", baselines)):
            for i, item in enumerate(items):
                if item.id in seen:
                    raise self.fail([section, i, "id"], f"id {item.id!r} is used twice")
                seen.add(item.id)
        frameworks = {
            level: self._framework(level, trees[level], {t.id: t for t in targets})
            for level in LEVELS
        }
        self._check_shared_codes(trees)
        region = self.doc.get("region")
        return IndicatorSystem(
            path=self.path,
            variables=variables,
            frameworks=frameworks,
            targets=targets,
            baselines=baselines,
            region=(region["name_zh"], region["name_en"]) if region else SHANDONG,
        )

    # -------------------------------------------------------------------------- variables

    def _variables(self) -> dict[str, Variable]:
        variables: dict[str, Variable] = {}
        spellings: dict[str, str] = {}
        for i, raw in enumerate(self.doc["variables"]):
            keys: list[Any] = ["variables", i]
            code = raw["code"]
            if code in variables:
                raise self.fail([*keys, "code"], f"variable code {code!r} is used twice")
            if raw["units"].get(raw["unit"]) != 1:
                raise self.fail(
                    [*keys, "units"],
                    f"must map the canonical unit {raw['unit']!r} to 1 (got "
                    f"{raw['units'].get(raw['unit'])!r})",
                )
            for name in (code, raw["name_zh"], *raw["aliases"]):
                key = fold(name)
                if spellings.get(key, code) != code:
                    raise self.fail(
                        [*keys, "aliases"],
                        f"spelling {name!r} also names variable {spellings[key]!r}; a header "
                        "must identify one variable",
                    )
                spellings[key] = code
            ranges = self._ranges(raw, keys)
            envelope = (
                (min(r[0] for r in ranges.values()), max(r[1] for r in ranges.values()))
                if ranges
                else None
            )
            variables[code] = Variable(
                code=code,
                name_zh=raw["name_zh"],
                name_en=raw["name_en"],
                aliases=tuple(raw["aliases"]),
                unit=raw["unit"],
                units={u: float(f) for u, f in raw["units"].items()},
                kind=raw["kind"],
                levels=tuple(raw["levels"]),
                range=envelope,
                integer=bool(raw["integer"]),
                ranges=ranges,
                at_most=tuple(raw.get("at_most", ())),
                year_on_year=self._bounds(raw, keys, "year_on_year", DEFAULT_YEAR_ON_YEAR),
                county_sum=self._county_sum(raw, keys),
            )
        for i, variable in enumerate(variables.values()):
            self._check_at_most(variable, variables, ["variables", i, "at_most"])
        return variables

    def _bounds(
        self, raw: Mapping[str, Any], keys: list[Any], key: str, default: tuple[float, float]
    ) -> tuple[float, float]:
        """A [low, high] factor around 1 (``year_on_year``, ``county_sum``), or the default."""
        if key not in raw:
            return default
        low, high = (float(bound) for bound in raw[key])
        if not low <= 1.0 <= high or low == high:
            raise self.fail(
                [*keys, key], f"[{low:g}, {high:g}] must hold 1 (no change) with low below high"
            )
        return (low, high)

    def _county_sum(self, raw: Mapping[str, Any], keys: list[Any]) -> tuple[float, float] | None:
        """Counties are summed against their city for extensive variables of both levels."""
        summable = raw["kind"] == "extensive" and set(LEVELS) <= set(raw["levels"])
        if "county_sum" in raw and not summable:
            raise self.fail(
                [*keys, "county_sum"],
                "only an extensive variable collected at both levels has a county sum",
            )
        return self._bounds(raw, keys, "county_sum", DEFAULT_COUNTY_SUM) if summable else None

    def _check_at_most(
        self, variable: Variable, variables: Mapping[str, Variable], keys: list[Any]
    ) -> None:
        """Each bound is another known variable of a shared level, in a comparable unit."""
        for j, code in enumerate(variable.at_most):
            bound = variables.get(code)
            if bound is None or code == variable.code:
                raise self.fail(
                    [*keys, j],
                    f"{code!r} is not another variable; known variables: {sorted(variables)}",
                )
            if not set(variable.levels) & set(bound.levels):
                raise self.fail(
                    [*keys, j], f"{code} is not collected at any level of {variable.code}"
                )
            try:
                variable.scale_of(bound)
            except FrameworkError as err:
                raise self.fail([*keys, j], str(err)) from None

    def _ranges(self, raw: Mapping[str, Any], keys: list[Any]) -> dict[str, tuple[float, float]]:
        given = raw.get("range")
        if given is None:
            return {}
        per_level = (
            dict(given) if isinstance(given, Mapping) else dict.fromkeys(raw["levels"], given)
        )
        ranges: dict[str, tuple[float, float]] = {}
        for level, (low, high) in per_level.items():
            where = [*keys, "range", level] if isinstance(given, Mapping) else [*keys, "range"]
            if level not in raw["levels"]:
                raise self.fail(where, f"level {level!r} is not in levels {raw['levels']}")
            if not low < high:
                raise self.fail(where, f"low end {low} must be below high end {high}")
            ranges[level] = (float(low), float(high))
        return ranges

    # -------------------------------------------------------------------------- frameworks

    def _tree(self, level: str, variables: Mapping[str, Variable]) -> list[tuple[list, Indicator]]:
        """Indicators of one framework with their key paths, formulas checked."""
        available = sorted(c for c, v in variables.items() if level in v.levels)
        out: list[tuple[list, Indicator]] = []
        for p, pillar in enumerate(self.doc["frameworks"][level]["pillars"]):
            for j, raw in enumerate(pillar["indicators"]):
                keys = ["frameworks", level, "pillars", p, "indicators", j]
                try:
                    indicator = Indicator(
                        code=raw["code"],
                        name_zh=raw["name_zh"],
                        name_en=raw["name_en"],
                        formula=raw["formula"],
                        unit=raw["unit"],
                        direction=int(raw["direction"]),
                        weight=float(raw["weight"]),
                        pillar=pillar["code"],
                        rationale_zh=raw["rationale_zh"],
                        rationale_en=raw["rationale_en"],
                        target=raw.get("target"),
                    )
                except FrameworkError as err:
                    raise self.fail([*keys, "formula"], str(err)) from None
                unknown = sorted(indicator.variables - set(variables))
                if unknown:
                    raise self.fail(
                        [*keys, "formula"],
                        f"formula {indicator.formula!r} of indicator {indicator.code} uses "
                        f"unknown variable(s) {unknown}; known variables: {sorted(variables)}",
                    )
                missing_here = sorted(indicator.variables - set(available))
                if missing_here:
                    raise self.fail(
                        [*keys, "formula"],
                        f"formula {indicator.formula!r} of indicator {indicator.code} uses "
                        f"variable(s) {missing_here} that are not collected at level {level} "
                        "(see their `levels`)",
                    )
                out.append((keys, indicator))
        return out

    def _check_shared_codes(self, trees: Mapping[str, list[tuple[list, Indicator]]]) -> None:
        """One code, one meaning: an indicator in both frameworks has the same definition."""
        first: dict[str, Indicator] = {}
        for level in LEVELS:
            for keys, ind in trees[level]:
                other = first.setdefault(ind.code, ind)
                for name in ("formula", "unit", "direction"):
                    if getattr(other, name) != getattr(ind, name):
                        raise self.fail(
                            [*keys, name],
                            f"indicator {ind.code} has {name} {getattr(ind, name)!r} here but "
                            f"{getattr(other, name)!r} in another framework; give a different "
                            "definition a different code",
                        )

    def _framework(
        self, level: str, tree: list[tuple[list, Indicator]], targets: Mapping[str, Target]
    ) -> MonitoringFramework:
        raw = self.doc["frameworks"][level]
        indicators: list[Indicator] = []
        for keys, ind in tree:
            if ind.target is not None:
                tgt = targets.get(ind.target)
                if tgt is None:
                    raise self.fail(
                        [*keys, "target"], f"no target with id {ind.target!r} in `targets`"
                    )
                if tgt.indicator != ind.code or tgt.level not in ("province", level):
                    raise self.fail(
                        [*keys, "target"],
                        f"target {tgt.id} is on {tgt.measure} for a {tgt.level} scope; expected "
                        f"a target on indicator {ind.code} for the province or a {level}",
                    )
                ind = replace(ind, target_value=tgt.canonical_value)
            indicators.append(ind)
        pillars = [
            Pillar(p["code"], p["name_zh"], p["name_en"], float(p["weight"]))
            for p in raw["pillars"]
        ]
        weights = {p.code: p.weight for p in pillars} | {i.code: i.weight for i in indicators}
        methodology = self._methodology(level, weights)
        try:
            return MonitoringFramework(
                level=level,
                name_zh=raw["name_zh"],
                name_en=raw["name_en"],
                pillars=pillars,
                indicators=indicators,
                methodology=methodology,
                index_name_zh=raw["index"]["name_zh"],
                index_name_en=raw["index"]["name_en"],
            )
        except FrameworkError as err:
            raise self.fail(["frameworks", level], str(err)) from None

    def _methodology(self, level: str, weights: Mapping[str, float]) -> Methodology:
        raw = self.doc["methodology"][level]
        tiers = tuple(Tier(**t) for t in raw["tiers"])
        keys: list[Any] = ["methodology", level, "tiers"]
        codes = [t.code for t in tiers]
        if len(set(codes)) != len(codes):
            raise self.fail(keys, f"tier codes {codes} are not unique")
        if tiers[-1].bound is not None:
            raise self.fail([*keys, len(tiers) - 1], "the last tier must have no bound")
        bounded = tiers[:-1]
        for i, tier in enumerate(bounded):
            if tier.bound is None:
                raise self.fail([*keys, i], "only the last tier may have no bound")
            if tier.bound != bounded[0].bound:
                raise self.fail(
                    [*keys, i], f"uses {tier.bound} but the first tier uses {bounded[0].bound}"
                )
        values = [getattr(t, t.bound) for t in bounded if t.bound is not None]
        ordered = (
            values == sorted(values, reverse=bounded[0].bound == "min_score") if values else True
        )
        if not ordered or len(set(values)) != len(values):
            raise self.fail(keys, f"bounds {values} must run from the best tier to the worst")
        goalposts = raw.get("editions", {}).get("goalposts", "pooled")
        reference = raw.get("reference")
        if reference is not None and level != "city":
            raise self.fail(
                ["methodology", level, "reference"],
                "only the cities have the province as a reference (its indicators are the sum "
                "of the cities' statistics)",
            )
        base = raw.get("province_index", {}).get("base_year")
        if base is not None and reference != "province":
            raise self.fail(
                ["methodology", level, "province_index"],
                "the province's own index needs `reference: province` (its indicators are the "
                "sum of the cities' statistics)",
            )
        for i, step in enumerate(raw["steps"]):
            unit = step.get("normalise", {}).get("unit")
            if unit == PROVINCE_CODE and reference != "province":
                raise self.fail(
                    ["methodology", level, "steps", i, "normalise", "unit"],
                    f"the reference unit {PROVINCE_CODE} (the province) is in the data only "
                    "with `reference: province` in this level's methodology",
                )
        return Methodology(
            steps=tuple(raw["steps"]),
            tiers=tiers,
            edition_goalposts=goalposts,
            reference=reference,
            evaluation=self._evaluation(level, raw.get("evaluation"), codes),
            types=parse_unit_types(
                raw.get("types"),
                ["methodology", level, "types"],
                self.path.parent,
                weights,
                self.fail,
            ),
            province_base_year=base,
            uncertainty=raw.get("uncertainty"),
        )

    def _evaluation(
        self, level: str, raw: dict[str, Any] | None, tier_codes: list[str]
    ) -> Evaluation | None:
        if raw is None:
            return None
        advanced = raw.get("advanced", {})
        rules = tuple(AdvancedRule(**rule) for rule in advanced.get("rules", []))
        for i, rule in enumerate(rules):
            if rule.rule == "tier" and rule.tier not in tier_codes:
                raise self.fail(
                    ["methodology", level, "evaluation", "advanced", "rules", i, "tier"],
                    f"tier {rule.tier!r} is not one of this level's tiers {tier_codes}",
                )
        return Evaluation(
            period=raw["period"],
            rank_on=raw.get("rank_on", "mean"),
            advanced_rules=rules,
            advanced_max=advanced.get("max"),
        )

    # -------------------------------------------------------------------------- targets

    def _plan_value(
        self,
        cls: type[PlanValue],
        section: str,
        i: int,
        raw: Mapping[str, Any],
        variables: Mapping[str, Variable],
        trees: Mapping[str, list[tuple[list, Indicator]]],
    ) -> Any:
        keys: list[Any] = [section, i]
        scope = raw["scope"]
        if (scope["level"] == "province") != (scope["code"] == "370000"):
            raise self.fail(
                [*keys, "scope"],
                f"scope {scope['code']} with level {scope['level']}: the province is 370000 and "
                "only it has level province",
            )
        value = float(raw["value"])
        if "indicator" in raw:
            levels = LEVELS if scope["level"] == "province" else (scope["level"],)
            found = [ind for lvl in levels for _, ind in trees[lvl] if ind.code == raw["indicator"]]
            if not found:
                raise self.fail(
                    [*keys, "indicator"],
                    f"no indicator {raw['indicator']!r} in the {'/'.join(levels)} framework(s)",
                )
            if raw["unit"] != found[0].unit:
                raise self.fail(
                    [*keys, "unit"],
                    f"unit {raw['unit']!r} differs from indicator {raw['indicator']}'s unit "
                    f"{found[0].unit!r}",
                )
            canonical = value
        else:
            var = variables.get(raw["variable"])
            if var is None:
                raise self.fail(
                    [*keys, "variable"], f"no variable {raw['variable']!r} in `variables`"
                )
            if raw["unit"] not in var.units:
                raise self.fail(
                    [*keys, "unit"],
                    f"unit {raw['unit']!r} is not accepted for {var.code}; expected one of "
                    f"{sorted(var.units)}",
                )
            canonical = value * var.units[raw["unit"]]
        extra = {"comparison": raw["comparison"]} if cls is Target else {}
        return cls(
            id=raw["id"],
            scope_code=scope["code"],
            scope_name_zh=scope["name_zh"],
            scope_name_en=scope["name_en"],
            level=scope["level"],
            indicator=raw.get("indicator"),
            variable=raw.get("variable"),
            year=int(raw["year"]),
            value=value,
            unit=raw["unit"],
            canonical_value=canonical,
            source=Source(**raw["source"]),
            note=raw.get("note"),
            **extra,
        )
