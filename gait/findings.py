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

#: Why a left/right difference is not judged from a side view: one camera sees the near
#: leg clearly and the far leg partly hidden behind it, so the far leg's angles carry their
#: own bias and its contacts are timed on worse landmarks.  The four rendered side sample
#: runners move both legs alike, yet through MediaPipe their knees at midstance read 4-18
#: deg apart (the rule's threshold: 6) and their contact times -17 to +9 % apart at 30, 60
#: and 120 fps (7 of 12 clips past the rule's 8 %): the difference would mostly show which
#: leg was nearer the camera.
SIDE_VIEW_ASYMMETRY = (
    "left/right differences are not judged from one side view (the far leg is partly "
    "hidden: its angles read differently and its contacts are timed less precisely); film "
    "the other side too, or from behind"
)


#: A side-view finding seen on the far leg alone (confidence "low"): its angles carry
#: their own bias (rendered runners: far-leg ankle dorsiflexion at midstance read -1.6 to
#: -14.1 deg off, the near leg's -3.7 to +11.1; on after_side the far leg alone read
#: 8.7 deg and fired "limited ankle dorsiflexion" for a runner with 23 deg - 12.0 now).
FAR_LEG_ONLY = (
    "seen on the far {far} leg only, which the camera sees partly hidden: film the {far} "
    "side to confirm"
)


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
    *,
    view: str | None = None,
    near_side: str | None = None,
) -> list[Finding]:
    """Apply every rule to a metric summary; one :class:`Finding` per rule.

    ``view`` is the clip's view kind (``side``, ``rear``, ``front``); from a side view a
    left/right difference is not checked (:data:`SIDE_VIEW_ASYMMETRY`).  ``near_side``
    is the leg nearer a side camera, if known: a finding that fires on the far leg alone
    gets confidence "low" and says so in its ``reason`` (:data:`FAR_LEG_ONLY`).  A rule
    that does not fire carries the confidence of the measurements that rule it out (every
    condition of an "any" rule: the weakest; one of an "all" rule: the surest): "low"
    does not rule the pattern out.
    """
    if near_side not in (None, "left", "right"):
        raise ConfigError(f"near_side must be 'left', 'right' or None, found {near_side!r}")
    if view not in (None, "side", "rear", "front"):
        raise ConfigError(f"view must be 'side', 'rear', 'front' or None, found {view!r}")
    rows = _rows(summary)
    out = []
    for rule in rules if rules is not None else load_rules():
        out.append(_evaluate_rule(rule, rows, view, near_side))
    return out


def _unjudged(cond: Condition, view: str | None) -> str | None:
    """Why this clip cannot judge the condition even though the metric was measured."""
    if view == "side" and cond.field in ("asymmetry_abs", "asymmetry_pct_abs"):
        return SIDE_VIEW_ASYMMETRY
    return None


#: Confidence labels from least to most sure.
_CONFIDENCE_ORDER = {"low": 0, "medium": 1, "high": 2}


@dataclass
class _Checks:
    """What a rule's conditions showed on one clip, condition by condition."""

    evidence: list[dict[str, Any]]
    results: list[bool]  # whether each condition checked is met
    confidences: list[str]  # the confidence of each condition met
    cleared: list[str]  # the confidence of each condition checked and not met
    sides: list[str]  # the side of each condition met on one side
    unchecked: list[str]  # "metric: why" of each condition not checked


def _evaluate_rule(
    rule: Rule,
    rows: Mapping[str, Mapping[str, Any]],
    view: str | None = None,
    near_side: str | None = None,
) -> Finding:
    """The rule on one clip's metric rows: fired, not fired or not checked."""
    if rule.not_measurable_reason or not rule.conditions:
        return _finding(rule, "not_checked", [], reason=rule.not_measurable_reason)
    checks = _check_conditions(rule, rows, view)
    if not checks.results:
        return _finding(rule, "not_checked", checks.evidence, reason="; ".join(checks.unchecked))
    results, unchecked = checks.results, checks.unchecked
    fired_rule = any(results) if rule.match == "any" else all(results) and not unchecked
    if not fired_rule:
        return _not_fired_finding(rule, checks)
    return _fired_finding(rule, checks, view, near_side)


def _finding(
    rule: Rule,
    status: str,
    evidence: list[dict[str, Any]],
    reason: str = "",
    confidence: str = "",
    sides: tuple[str, ...] = (),
) -> Finding:
    """The rule's :class:`Finding` with this outcome."""
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


def _check_conditions(
    rule: Rule, rows: Mapping[str, Mapping[str, Any]], view: str | None
) -> _Checks:
    """Each condition of the rule checked on the metric rows, where the clip allows."""
    evidence: list[dict[str, Any]] = []
    results: list[bool] = []
    confidences: list[str] = []
    cleared: list[str] = []
    sides: list[str] = []
    unchecked: list[str] = []
    for cond in rule.conditions:
        row = rows.get(cond.metric, {})
        reason = _text(row.get("not_measurable")) if row else "metric not computed"
        reason = reason or _unjudged(cond, view)
        observed, side = _observe(cond, row) if row and not reason else (None, None)
        if observed is None:
            unchecked.append(f"{cond.metric}: {reason or 'no value'}")
            evidence.append(_evidence(cond, None, None, None, row, reason or "no value"))
            continue
        fired = observed > cond.threshold if cond.op == ">" else observed < cond.threshold
        results.append(fired)
        label = _text(row.get("confidence_label")) or ""
        if fired:
            confidences.append(label)
            if side:
                sides.append(side)
        else:
            cleared.append(label)
        evidence.append(_evidence(cond, observed, side, fired, row, None))
    return _Checks(evidence, results, confidences, cleared, sides, unchecked)


def _not_fired_finding(rule: Rule, checks: _Checks) -> Finding:
    """A rule not met, as sure as the measurements that rule it out."""
    unchecked = checks.unchecked
    # as sure as the measurements that rule it out: every condition of an "any"
    # rule (the weakest), one of an "all" rule (the surest)
    pick = min if rule.match == "any" else max
    known = [c for c in checks.cleared if c in _CONFIDENCE_ORDER]
    return _finding(
        rule,
        "not_fired",
        checks.evidence,
        reason=("not checked: " + "; ".join(unchecked)) if unchecked else "",
        confidence=pick(known, key=_CONFIDENCE_ORDER.__getitem__) if known else "",
    )


def _fired_finding(rule: Rule, checks: _Checks, view: str | None, near_side: str | None) -> Finding:
    """A rule met: its least sure condition met, "low" when seen on the far leg only."""
    confidences, sides, unchecked = checks.confidences, checks.sides, checks.unchecked
    conf = min(confidences, key=lambda c: _CONFIDENCE_ORDER.get(c, -1)) if confidences else ""
    notes = [("not checked: " + "; ".join(unchecked))] if unchecked else []
    far = _far_leg_only(view, near_side, sides, confidences)
    if far is not None:
        conf = "low"
        notes.insert(0, FAR_LEG_ONLY.format(far=far))
    return _finding(
        rule,
        "fired",
        checks.evidence,
        reason="; ".join(notes),
        confidence=conf,
        sides=tuple(dict.fromkeys(sides)),
    )


def _far_leg_only(
    view: str | None, near_side: str | None, sides: list[str], confidences: list[str]
) -> str | None:
    """The far leg when a side-view finding fired on it alone (see :data:`FAR_LEG_ONLY`)."""
    far_only = (
        view == "side"
        and near_side in ("left", "right")
        and len(sides) == len(confidences)  # every condition that fired is one leg's
        and bool(sides)
        and near_side not in sides
    )
    if not far_only:
        return None
    return "left" if near_side == "right" else "right"


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
