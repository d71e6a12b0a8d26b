"""Findings: declarative rules that turn the metric summary into compensations.

Rules live in ``gait/data/rules.toml`` (one per compensation, each with a stable code,
a plain-language explanation, its conditions and where each threshold comes from). A
rule whose metrics this clip cannot measure is ``not_checked`` — never passed, never
failed. The wording describes movement patterns; it names no injury.

Input is the summary table of :func:`gait.summary.summarize` (one row per metric with
``value``, ``left``, ``right``, ``asymmetry``, ``asymmetry_pct``, ``confidence_label``
and ``not_measurable``) or any mapping of metric name to such a row.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd

from gait.errors import ConfigError

STATUSES = ("fired", "not_fired", "not_checked")
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


@dataclass(frozen=True)
class Finding:
    """The outcome of one rule on one clip (see :meth:`to_dict` for the JSON form)."""

    code: str
    key: str
    compensation: str
    explanation: str
    status: str
    evidence: tuple[dict[str, Any], ...]
    drills: tuple[str, ...]
    cue: str = ""
    reason: str = ""
    confidence: str = ""
    sides: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "key": self.key,
            "compensation": self.compensation,
            "explanation": self.explanation,
            "status": self.status,
            "confidence": self.confidence or None,
            "sides": list(self.sides),
            "evidence": list(self.evidence),
            "drills": list(self.drills),
            "cue": self.cue or None,
            "reason": self.reason or None,
        }


def _read_toml(path: str | Path | None) -> dict[str, Any]:
    if path is None:
        text = resources.files("gait").joinpath("data/rules.toml").read_text(encoding="utf-8")
        return tomllib.loads(text)
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"rules file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"rules file {path} is not valid TOML: {exc}") from None


def load_rules(overrides: str | Path | None = None) -> tuple[Rule, ...]:
    """The built-in rules, with thresholds (or any field) overridden from a user TOML.

    The override file has the built-in structure; a key it gives replaces the built-in
    one (conditions are matched by metric). Unknown rules, metrics or keys are errors.
    """
    from gait.metrics import METRICS

    base = _read_toml(None)["rules"]
    if overrides is not None:
        _apply_overrides(base, _read_toml(overrides).get("rules", {}), overrides)
    rules = []
    for key, raw in base.items():
        conds = []
        for c in raw.get("conditions", []):
            if c["metric"] not in METRICS:
                raise ConfigError(f"rule {key}: unknown metric {c['metric']!r}")
            if c["field"] not in FIELDS or c["op"] not in (">", "<") or c["kind"] not in KINDS:
                raise ConfigError(f"rule {key}: bad field/op/kind in condition on {c['metric']}")
            conds.append(
                Condition(
                    c["metric"], c["field"], c["op"], float(c["threshold"]), c["kind"], c["basis"]
                )
            )
        rules.append(
            Rule(
                key=key,
                code=raw["code"],
                compensation=raw["compensation"],
                explanation=raw["explanation"],
                match=raw.get("match", "any"),
                drills=tuple(raw.get("drills", ())),
                conditions=tuple(conds),
                cue=raw.get("cue", ""),
                not_measurable_reason=raw.get("not_measurable_reason", ""),
            )
        )
    return tuple(rules)


def _apply_overrides(base: dict[str, Any], user: dict[str, Any], path: str | Path) -> None:
    for key, raw in user.items():
        if key not in base:
            raise ConfigError(f"{path}: unknown rule {key!r}; known: {', '.join(base)}")
        for name, value in raw.items():
            if name == "conditions":
                by_metric = {c["metric"]: c for c in base[key].get("conditions", [])}
                for cond in value:
                    metric = cond.get("metric")
                    if metric not in by_metric:
                        raise ConfigError(
                            f"{path}: rule {key} has no condition on {metric!r}; "
                            f"it has {', '.join(by_metric) or 'none'}"
                        )
                    unknown = set(cond) - {"metric", "field", "op", "threshold", "kind", "basis"}
                    if unknown:
                        raise ConfigError(f"{path}: unknown keys {sorted(unknown)} in rule {key}")
                    by_metric[metric].update(cond)
                    if "threshold" in cond and "basis" not in cond:
                        by_metric[metric]["kind"] = "heuristic"
                        by_metric[metric]["basis"] = f"user override from {Path(path).name}"
            elif name in base[key]:
                base[key][name] = value
            else:
                raise ConfigError(f"{path}: unknown key {name!r} in rule {key}")


def _rows(summary: pd.DataFrame | Mapping[str, Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    if isinstance(summary, pd.DataFrame):
        records: list[dict[str, Any]] = summary.to_dict("records")  # type: ignore[assignment]
        return {str(r["metric"]): r for r in records}
    return {str(k): v for k, v in summary.items()}


def _num(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _text(x: Any) -> str | None:
    """A non-empty string, or None (pandas turns missing strings into NaN)."""
    return x if isinstance(x, str) and x else None


def _observe(cond: Condition, row: Mapping[str, Any]) -> tuple[float | None, str | None]:
    """The value a condition compares, and the side it belongs to (if any)."""
    if cond.field == "value":
        return _num(row.get("value")), None
    if cond.field == "worse_side":
        sides = {s: _num(row.get(s)) for s in ("left", "right")}
        known = {s: v for s, v in sides.items() if v is not None}
        if not known:
            return _num(row.get("value")), None
        pick = max if cond.op == ">" else min
        side = pick(known, key=lambda s: known[s])
        return known[side], side
    if cond.field == "asymmetry_abs":
        v = _num(row.get("asymmetry"))
        return (abs(v) if v is not None else None), None
    v = _num(row.get("asymmetry_pct"))
    return (abs(v) if v is not None else None), None


def evaluate(
    summary: pd.DataFrame | Mapping[str, Mapping[str, Any]],
    rules: tuple[Rule, ...] | None = None,
) -> list[Finding]:
    """Apply every rule to a metric summary; one :class:`Finding` per rule."""
    rows = _rows(summary)
    out = []
    for rule in rules if rules is not None else load_rules():
        out.append(_evaluate_rule(rule, rows))
    return out


def _evaluate_rule(rule: Rule, rows: Mapping[str, Mapping[str, Any]]) -> Finding:
    def make(
        status: str,
        evidence: list[dict[str, Any]],
        reason: str = "",
        confidence: str = "",
        sides: tuple[str, ...] = (),
    ) -> Finding:
        return Finding(
            code=rule.code,
            key=rule.key,
            compensation=rule.compensation,
            explanation=rule.explanation,
            status=status,
            evidence=tuple(evidence),
            drills=rule.drills,
            cue=rule.cue,
            reason=reason,
            confidence=confidence,
            sides=sides,
        )

    if rule.not_measurable_reason or not rule.conditions:
        return make("not_checked", [], reason=rule.not_measurable_reason)
    evidence: list[dict[str, Any]] = []
    results: list[bool] = []
    confidences: list[str] = []
    sides: list[str] = []
    unchecked: list[str] = []
    for cond in rule.conditions:
        row = rows.get(cond.metric, {})
        reason = _text(row.get("not_measurable")) if row else "metric not computed"
        observed, side = _observe(cond, row) if row and not reason else (None, None)
        if observed is None:
            unchecked.append(f"{cond.metric}: {reason or 'no value'}")
            evidence.append(_evidence(cond, None, None, None, row, reason or "no value"))
            continue
        fired = observed > cond.threshold if cond.op == ">" else observed < cond.threshold
        results.append(fired)
        if fired:
            confidences.append(_text(row.get("confidence_label")) or "")
            if side:
                sides.append(side)
        evidence.append(_evidence(cond, observed, side, fired, row, None))
    if not results:
        return make("not_checked", evidence, reason="; ".join(unchecked))
    fired_rule = any(results) if rule.match == "any" else all(results) and not unchecked
    if not fired_rule:
        return make(
            "not_fired",
            evidence,
            reason=("not checked: " + "; ".join(unchecked)) if unchecked else "",
        )
    order = {"low": 0, "medium": 1, "high": 2}
    conf = min(confidences, key=lambda c: order.get(c, -1)) if confidences else ""
    return make(
        "fired",
        evidence,
        reason=("not checked: " + "; ".join(unchecked)) if unchecked else "",
        confidence=conf,
        sides=tuple(dict.fromkeys(sides)),
    )


def _evidence(
    cond: Condition,
    observed: float | None,
    side: str | None,
    fired: bool | None,
    row: Mapping[str, Any],
    reason: str | None,
) -> dict[str, Any]:
    return {
        "metric": cond.metric,
        "field": cond.field,
        "observed": None if observed is None else round(observed, 2),
        "side": side,
        "op": cond.op,
        "threshold": cond.threshold,
        "threshold_kind": cond.kind,
        "threshold_basis": cond.basis,
        "fired": fired,
        "measurement_confidence": _text(row.get("confidence_label")) if row else None,
        "not_measurable": reason,
    }


def findings_table(findings: list[Finding]) -> pd.DataFrame:
    """One row per finding: ``code``, ``compensation``, ``status``, ``confidence``, ``sides``."""
    return pd.DataFrame(
        [
            {
                "code": f.code,
                "key": f.key,
                "compensation": f.compensation,
                "status": f.status,
                "confidence": f.confidence or None,
                "sides": ",".join(f.sides) or None,
                "reason": f.reason or None,
            }
            for f in findings
        ],
        columns=["code", "key", "compensation", "status", "confidence", "sides", "reason"],
    )
