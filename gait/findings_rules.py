"""The findings' rules (:func:`load_rules`): the built-in ones of ``gait/data/rules.toml``
with a user's overrides merged in (``gait analyze --rules``), each checked - its keys and
their types, its drills against the catalogue, each condition's metric, field, operator,
kind and threshold - into a :class:`Rule` with its :class:`Condition` list, or else a
:class:`~gait.errors.ConfigError` naming the file, the rule and the key.
:func:`gait.findings.evaluate` applies them to a clip's metric summary."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from gait.errors import ConfigError

FIELDS = ("value", "worse_side", "asymmetry_abs", "asymmetry_pct_abs")
KINDS = ("study", "heuristic")


@dataclass(frozen=True)
class Condition:
    metric: str
    field: str
    op: str
    threshold: float
    kind: str
    basis: str


@dataclass(frozen=True)
class Rule:
    key: str
    code: str
    compensation: str
    explanation: str
    match: str
    drills: tuple[str, ...]
    conditions: tuple[Condition, ...]
    cue: str = ""
    not_measurable_reason: str = ""


def _read_toml(path: str | Path | None) -> dict[str, Any]:
    if path is None:
        text = resources.files("gait").joinpath("data/rules.toml").read_text(encoding="utf-8")
        return tomllib.loads(text)
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"rules file not found: {path}") from None
    except OSError as exc:
        raise ConfigError(f"cannot read the rules file {path}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"rules file {path} is not valid TOML (UTF-8 text): {exc}") from None


RULE_KEYS: dict[str, type] = {
    "code": str,
    "compensation": str,
    "explanation": str,
    "match": str,
    "drills": list,
    "conditions": list,
    "cue": str,
    "not_measurable_reason": str,
}
CONDITION_KEYS: dict[str, type] = {
    "metric": str,
    "field": str,
    "op": str,
    "threshold": float,
    "kind": str,
    "basis": str,
}


def load_rules(overrides: str | Path | None = None) -> tuple[Rule, ...]:
    """The built-in rules, with thresholds (or any field) overridden from a user TOML.

    The override file has the built-in structure; a key it gives replaces the built-in
    one (conditions are matched by metric). Unknown rules, metrics, drills or keys, values
    of the wrong type, non-finite thresholds and unknown operators raise
    :class:`~gait.errors.ConfigError` naming the file, the rule and the key.
    """
    base = _read_toml(None)["rules"]
    where = "built-in rules"
    if overrides is not None:
        user = _read_toml(overrides)
        where = str(overrides)
        unknown = sorted(set(user) - {"rules"})
        if unknown:
            raise ConfigError(f"{where}: unknown top-level key(s) {unknown}; use [rules.NAME]")
        _apply_overrides(base, _table(user.get("rules", {}), where, "[rules]"), overrides)
    from gait.drills import catalogue

    known_drills = frozenset(catalogue())
    return tuple(_rule(key, raw, where, known_drills) for key, raw in base.items())


def _table(value: Any, where: str, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: {what} must be a table, found {type(value).__name__}")
    return value


def _typed(raw: dict[str, Any], spec: dict[str, type], where: str, what: str) -> None:
    """Unknown keys and values of the wrong type are errors (numbers for floats)."""
    unknown = sorted(set(raw) - set(spec))
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {unknown} in {what}")
    for name, value in raw.items():
        kind = spec[name]
        ok = (
            isinstance(value, int | float) and not isinstance(value, bool)
            if kind is float
            else isinstance(value, kind)
        )
        if not ok:
            raise ConfigError(
                f"{where}: {what} {name} must be a {'number' if kind is float else kind.__name__}"
                f", found {value!r}"
            )


def _rule(key: str, raw: Any, where: str, known_drills: frozenset[str]) -> Rule:
    """One validated rule from its (merged) TOML table."""
    from gait.metrics import METRICS

    what = f"rule {key}"
    raw = _table(raw, where, what)
    _typed(raw, RULE_KEYS, where, what)
    missing = sorted({"code", "compensation", "explanation"} - set(raw))
    if missing:
        raise ConfigError(f"{where}: {what} lacks {missing}")
    if raw.get("match", "any") not in ("any", "all"):
        raise ConfigError(f"{where}: {what} match must be 'any' or 'all', found {raw['match']!r}")
    drills = raw.get("drills", [])
    bad_drills = [d for d in drills if not isinstance(d, str) or d not in known_drills]
    if bad_drills:
        raise ConfigError(f"{where}: {what} names unknown drill(s) {bad_drills}")
    conds = []
    for c in raw.get("conditions", []):
        c = _table(c, where, f"a condition of {what}")
        _typed(c, CONDITION_KEYS, where, f"a condition of {what}")
        lacking = sorted(set(CONDITION_KEYS) - set(c))
        if lacking:
            raise ConfigError(f"{where}: a condition of {what} lacks {lacking}")
        checks = (
            ("metric", c["metric"] in METRICS, ", ".join(METRICS)),
            ("field", c["field"] in FIELDS, ", ".join(FIELDS)),
            ("op", c["op"] in (">", "<"), "> or <"),
            ("kind", c["kind"] in KINDS, ", ".join(KINDS)),
            ("threshold", math.isfinite(c["threshold"]), "a finite number"),
        )
        for name, ok, choices in checks:
            if not ok:
                raise ConfigError(
                    f"{where}: {what} condition {name} {c[name]!r} is invalid; use {choices}"
                )
        conds.append(
            Condition(
                c["metric"], c["field"], c["op"], float(c["threshold"]), c["kind"], c["basis"]
            )
        )
    return Rule(
        key=key,
        code=raw["code"],
        compensation=raw["compensation"],
        explanation=raw["explanation"],
        match=raw.get("match", "any"),
        drills=tuple(drills),
        conditions=tuple(conds),
        cue=raw.get("cue", ""),
        not_measurable_reason=raw.get("not_measurable_reason", ""),
    )


def _apply_overrides(base: dict[str, Any], user: dict[str, Any], path: str | Path) -> None:
    for key, raw in user.items():
        if key not in base:
            raise ConfigError(f"{path}: unknown rule {key!r}; known: {', '.join(base)}")
        for name, value in _table(raw, str(path), f"rule {key}").items():
            if name == "conditions":
                if not isinstance(value, list):
                    raise ConfigError(f"{path}: rule {key} conditions must be [[...]] tables")
                by_metric = {c["metric"]: c for c in base[key].get("conditions", [])}
                for cond in value:
                    cond = _table(cond, str(path), f"a condition of rule {key}")
                    metric = cond.get("metric")
                    if metric not in by_metric:
                        raise ConfigError(
                            f"{path}: rule {key} has no condition on {metric!r}; "
                            f"it has {', '.join(by_metric) or 'none'}"
                        )
                    unknown = set(cond) - set(CONDITION_KEYS)
                    if unknown:
                        raise ConfigError(f"{path}: unknown keys {sorted(unknown)} in rule {key}")
                    by_metric[metric].update(cond)
                    if "threshold" in cond and "basis" not in cond:
                        # a threshold of the user's own: no longer the cited study's,
                        # unless they say what kind it is
                        by_metric[metric]["kind"] = cond.get("kind", "heuristic")
                        by_metric[metric]["basis"] = f"user override from {Path(path).name}"
            elif name in RULE_KEYS:  # the optional keys (cue, ...) may be added
                base[key][name] = value
            else:
                raise ConfigError(f"{path}: unknown key {name!r} in rule {key}")
