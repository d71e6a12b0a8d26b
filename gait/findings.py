"""Findings: declarative rules that turn the metric summary into compensations.

Rules live in ``gait/data/rules.toml`` (one per compensation, each with a stable code,
a plain-language explanation, its conditions and where each threshold comes from), read
and checked by :func:`gait.findings_rules.load_rules`. A rule whose metrics this clip
cannot measure is ``not_checked`` — never passed, never failed. The wording describes
movement patterns; it names no injury.

Input is the summary table of :func:`gait.summary.summarize` (one row per metric with
``value``, ``left``, ``right``, ``asymmetry``, ``asymmetry_pct``, ``confidence_label``
and ``not_measurable``) or any mapping of metric name to such a row.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from gait.errors import ConfigError
from gait.findings_rules import Condition, Rule, load_rules

STATUSES = ("fired", "not_fired", "not_checked")

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
