"""Before/after comparison of two analyses of the same runner.

:func:`compare` takes two sessions (:class:`~gait.analysis.AnalysisResult` or
:class:`~gait.compare_session.Session`) and returns a :class:`Comparison`: per metric the
before and after values, the change with its interval, the smallest meaningful change from
the registry and a verdict; the same per side and for the left/right asymmetry; which
findings appeared, resolved or persisted (or were checked in one clip only) and what that
means for the drill plan; and warnings when the two clips are not filmed alike.

The intervals and verdict rules are in :mod:`gait.compare_stats` (a bootstrap over strides;
for the whole-clip cadence a moving-block jackknife over the clip); loading a clip or a
saved analysis is in :mod:`gait.compare_session`; how each finding changed and the drill
advice are in :mod:`gait.compare_findings`.  ``not_comparable`` comes with a ``reason``:
the metric is not measurable in one of the clips, the two views differ and the metric
needs one of them, the metric is in pixels and the camera distance differs, or a session
has fewer than two strides.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gait import __version__
from gait.compare_findings import _conf, findings_change
from gait.compare_findings import finding_change_text as finding_change_text
from gait.compare_findings import low_confidence_text as low_confidence_text
from gait.compare_session import SIDES, Session, as_session, load_session
from gait.compare_stats import (
    aggregator,
    asymmetry_row,
    bootstrap_change,
    change_row,
    expanded_levels,
    judge,
)
from gait.errors import GaitError
from gait.metrics import METRICS, MetricSpec

if TYPE_CHECKING:
    from gait.analysis import AnalysisResult

__all__ = [
    "Comparison",
    "Session",
    "as_session",
    "bootstrap_change",
    "compare",
    "expanded_levels",
    "judge",
    "load_session",
]

#: Version of the document written by :meth:`Comparison.to_dict`.
SCHEMA_VERSION = "1.1"
SCHEMA_FILE = Path(__file__).parent / "data" / "compare.schema.json"
VERDICTS = ("improved", "worse", "no_meaningful_change", "not_comparable")
#: Fewest valid steps per side for a stable 2D mean (Dingenen et al. 2018).
MIN_STEPS = 7
#: Frame-rate ratio above which timing metrics are flagged as less comparable.
MAX_FPS_RATIO = 1.5
#: Leg-length (pixels) ratio above which the camera distance is called different.
MAX_SCALE_RATIO = 1.25


# ----------------------------------------------------------------------------- comparison


@dataclass
class Comparison:
    """The comparison of two sessions (see :meth:`to_dict` for the JSON form).

    Attributes
    ----------
    before, after : Session
    metrics : DataFrame
        One row per registry metric: ``metric``, ``unit``, ``before``, ``after``,
        ``change``, ``ci_low``, ``ci_high``, ``smallest_change``, ``verdict``,
        ``changed``, ``judged``, ``direction``, ``reason``, ``note``, ``n_before``,
        ``n_after``, ``few_strides``, ``interval_method`` (``bootstrap`` over strides, or
        ``clip_jackknife`` for a whole-clip value, see :mod:`gait.compare_stats`).
    sides : DataFrame
        The same per side (``side`` column: left, right) for measurable metrics.
    asymmetry : DataFrame
        ``|left - right|`` before and after, its change and verdict.
    findings : DataFrame
        ``code``, ``compensation``, ``before``, ``after``, ``change`` (appeared, resolved,
        persisted, absent, not_comparable), ``drills``.
    drill_advice : dict
        ``keep``, ``maintenance``, ``add`` (drill ids) and ``messages`` (sentences).
    warnings : list of str
    n_boot, seed : int
    level : float
    """

    before: Session
    after: Session
    metrics: pd.DataFrame
    sides: pd.DataFrame
    asymmetry: pd.DataFrame
    findings: pd.DataFrame
    drill_advice: dict[str, Any]
    warnings: list[str]
    n_boot: int
    seed: int
    level: float = 0.95

    def __repr__(self) -> str:
        counts = self.metrics["verdict"].value_counts().to_dict() if len(self.metrics) else {}
        verdicts = ", ".join(f"{v}: {n}" for v, n in sorted(counts.items()))
        return (
            f"<Comparison {self.before.label!r} -> {self.after.label!r}: {verdicts}; "
            f"{len(self.warnings)} warning(s); see .metrics, .sides, .asymmetry, .findings>"
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON document (schema ``gait/data/compare.schema.json``)."""
        metrics: dict[str, Any] = {}
        sides = {(r["metric"], r["side"]): r for r in self.sides.to_dict("records")}
        asym = {r["metric"]: r for r in self.asymmetry.to_dict("records")}
        for rec in self.metrics.to_dict("records"):
            name = str(rec["metric"])
            d = _entry(rec)
            d["unit"] = rec["unit"]
            d["smallest_change_source"] = METRICS[name].smallest_change_source
            d["better"] = METRICS[name].better
            d["n_before"] = int(rec["n_before"])
            d["n_after"] = int(rec["n_after"])
            d["few_strides"] = bool(rec["few_strides"])
            if rec["verdict"] != "not_comparable":
                d["sides"] = {s: _entry(sides[(name, s)]) for s in SIDES if (name, s) in sides}
                if name in asym:
                    d["asymmetry"] = _entry(asym[name])
            metrics[name] = d
        return {
            "schema_version": SCHEMA_VERSION,
            "generator": {"name": "gait", "version": __version__},
            "before": _session_dict(self.before),
            "after": _session_dict(self.after),
            "bootstrap": {
                "n_boot": int(self.n_boot),
                "seed": int(self.seed),
                "level": float(self.level),
                "method": "expanded percentile interval (Hesterberg 2015) of the difference "
                "of per-session aggregates, strides resampled per session; for a whole-clip "
                "value (interval_method clip_jackknife: the rhythm cadence) a Student "
                "interval from moving-block jackknife standard errors (windows of a third "
                "of the clip)",
            },
            "metrics": metrics,
            "findings": [
                {
                    "code": r["code"],
                    "compensation": r["compensation"],
                    "before": r["before"],
                    "after": r["after"],
                    "change": r["change"],
                    "drills": list(r["drills"]),
                    "before_confidence": _conf(r.get("before_confidence")),
                    "after_confidence": _conf(r.get("after_confidence")),
                }
                for r in self.findings.to_dict("records")
            ],
            "drill_advice": self.drill_advice,
            "warnings": list(self.warnings),
        }


def _f(x: Any) -> float | None:
    if x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return round(v, 4) if math.isfinite(v) else None


def _s(x: Any) -> str | None:
    return x if isinstance(x, str) and x else None


def _entry(rec: Mapping[Any, Any]) -> dict[str, Any]:
    lo, hi = _f(rec.get("ci_low")), _f(rec.get("ci_high"))
    return {
        "before": _f(rec.get("before")),
        "after": _f(rec.get("after")),
        "change": _f(rec.get("change")),
        "interval": [lo, hi] if lo is not None and hi is not None else None,
        "smallest_meaningful_change": _f(rec.get("smallest_change")),
        "verdict": rec["verdict"],
        "changed": bool(rec.get("changed")),
        "judged": bool(rec.get("judged")),
        "direction": _s(rec.get("direction")),
        "reason": _s(rec.get("reason")),
        "note": _s(rec.get("note")),
        "interval_method": _s(rec.get("interval_method")),
    }


def _session_dict(s: Session) -> dict[str, Any]:
    return {
        "label": s.label,
        "source": s.source,
        "view": {"kind": s.view_kind, "facing": s.facing, "setting": s.setting},
        "fps": _f(s.fps),
        "leg_length_px": _f(s.leg_length_px),
        "n_valid_strides": s.n_valid(),
        "n_left": s.n_valid("left"),
        "n_right": s.n_valid("right"),
    }


def compare(
    before: AnalysisResult | Session,
    after: AnalysisResult | Session,
    *,
    n_boot: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> Comparison:
    """Compare two analyses of the same runner, metric by metric.

    Parameters
    ----------
    before, after : AnalysisResult or Session
    n_boot : int
        Bootstrap resamples per session and metric.
    seed : int
        Seed of the resampling (the result is reproducible).
    level : float
        Interval coverage.

    Returns
    -------
    Comparison
    """
    if n_boot < 100:
        raise GaitError(f"n_boot must be at least 100, found {n_boot}")
    b, a = as_session(before), as_session(after)
    rng = np.random.default_rng(seed)
    warnings, blocked, notes = _comparability(b, a)
    rows: list[dict[str, Any]] = []
    side_rows: list[dict[str, Any]] = []
    asym_rows: list[dict[str, Any]] = []
    for name, spec in METRICS.items():
        row, recs, asym = _compare_metric(
            b, a, name, spec, blocked.get(name), notes.get(name), n_boot, rng, level
        )
        rows.append(row)
        side_rows += recs
        if asym is not None:
            asym_rows.append(asym)
    fnd, advice = findings_change(b, a)
    return Comparison(
        before=b,
        after=a,
        metrics=pd.DataFrame(rows, columns=METRIC_COLUMNS),
        sides=pd.DataFrame(side_rows, columns=["metric", "side", *METRIC_COLUMNS[2:]]),
        asymmetry=pd.DataFrame(asym_rows, columns=["metric", *METRIC_COLUMNS[2:]]),
        findings=fnd,
        drill_advice=advice,
        warnings=warnings,
        n_boot=n_boot,
        seed=seed,
        level=level,
    )


def _compare_metric(
    b: Session,
    a: Session,
    name: str,
    spec: MetricSpec,
    blocked: str | None,
    note: str | None,
    n_boot: int,
    rng: np.random.Generator,
    level: float,
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any] | None]:
    """One metric's row, its per-side rows and its asymmetry row (None if not compared).

    ``blocked`` is why :func:`_comparability` rules the metric out, if it does.  A metric
    compared draws from ``rng`` for its change, then each side, then its asymmetry.
    """
    row: dict[str, Any] = {
        "metric": name,
        "unit": spec.unit,
        "smallest_change": spec.smallest_change,
        "note": note,
    }
    reason = blocked or _missing(b, a, name)
    xb, xa = b.stride_values(spec), a.stride_values(spec)
    row.update(n_before=xb.size, n_after=xa.size)
    if reason is None and min(xb.size, xa.size) < 2:
        reason = "fewer than 2 valid strides in one of the clips: no interval possible"
    row["few_strides"] = _few_strides(b, a)
    if reason is not None:
        row.update(_not_comparable_values(b, a, name, spec, xb, xa, reason))
        return row, [], None
    clip = (b.value(name), a.value(name))
    errors = (b.clip_errors.get(name), a.clip_errors.get(name))
    row.update(change_row(spec, xb, xa, n_boot, rng, level, clip=clip, clip_error=errors))
    side_rows, per_side = _side_rows(b, a, name, spec, n_boot, rng, level)
    asym = asymmetry_row(spec, per_side, n_boot, rng, level) if len(per_side) == 2 else None
    return row, side_rows, asym


def _few_strides(b: Session, a: Session) -> bool:
    """Whether either clip has fewer than :data:`MIN_STEPS` valid strides on a side."""
    return (
        min(b.n_valid(s) for s in SIDES) < MIN_STEPS or min(a.n_valid(s) for s in SIDES) < MIN_STEPS
    )


def _not_comparable_values(
    b: Session,
    a: Session,
    name: str,
    spec: MetricSpec,
    xb: np.ndarray,
    xa: np.ndarray,
    reason: str,
) -> dict[str, Any]:
    """A metric not compared: each clip's value where it has one, the verdict and why."""
    agg = aggregator(spec)
    return dict(
        before=float(agg(xb)) if xb.size and not b.reason(name) else None,
        after=float(agg(xa)) if xa.size and not a.reason(name) else None,
        verdict="not_comparable",
        reason=reason,
        changed=False,
        judged=False,
    )


def _side_rows(
    b: Session,
    a: Session,
    name: str,
    spec: MetricSpec,
    n_boot: int,
    rng: np.random.Generator,
    level: float,
) -> tuple[list[dict[str, Any]], dict[str, tuple[np.ndarray, np.ndarray]]]:
    """Each side's row of a metric, and the stride values of the sides it compares."""
    side_rows: list[dict[str, Any]] = []
    per_side = {}
    for side in SIDES:
        sb, sa = b.stride_values(spec, side), a.stride_values(spec, side)
        rec: dict[str, Any] = {"metric": name, "side": side}
        rec["smallest_change"] = spec.smallest_change
        if min(sb.size, sa.size) < 2:
            rec.update(verdict="not_comparable", reason="fewer than 2 strides on this side")
        else:
            rec.update(change_row(spec, sb, sa, n_boot, rng, level))
            per_side[side] = (sb, sa)
        side_rows.append(rec)
    return side_rows, per_side


METRIC_COLUMNS = [
    "metric",
    "unit",
    "before",
    "after",
    "change",
    "ci_low",
    "ci_high",
    "smallest_change",
    "verdict",
    "changed",
    "judged",
    "direction",
    "reason",
    "note",
    "n_before",
    "n_after",
    "few_strides",
    "interval_method",
]


def _missing(b: Session, a: Session, name: str) -> str | None:
    rb, ra = b.reason(name), a.reason(name)
    if rb and ra:
        if rb == ra:  # the same reason (both side views, say): said once
            return f"not measurable in either clip: {rb}"
        return f"not measurable in either clip (before: {rb}; after: {ra})"
    if rb:
        return f"not measurable in the before clip: {rb}"
    if ra:
        return f"not measurable in the after clip: {ra}"
    return None


def _comparability(b: Session, a: Session) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """Warnings, metrics blocked (name -> reason) and per-metric notes."""
    warnings: list[str] = []
    blocked: dict[str, str] = {}
    notes: dict[str, str] = {}
    if b.view_kind != a.view_kind:
        warnings.append(
            f"the clips were filmed from different views (before: {b.view_kind}, after: "
            f"{a.view_kind}): only metrics both views support (cadence) are compared"
        )
        for name, spec in METRICS.items():
            if not (b.view_kind in spec.views and a.view_kind in spec.views):
                blocked[name] = (
                    f"needs a {' or '.join(spec.views)} view in both clips; before is a "
                    f"{b.view_kind} view, after a {a.view_kind} view"
                )
    elif b.view_kind == "side" and b.facing and a.facing and b.facing != a.facing:
        warnings.append(
            f"the runner faces image-{b.facing} before and image-{a.facing} after: the camera "
            "filmed the other side of the body, so the near (better tracked) leg differs; "
            "per-side values are less comparable"
        )
    if b.setting != a.setting:
        warnings.append(
            f"before is {b.setting}, after is {a.setting} running: treadmill and overground "
            "mechanics differ (cadence, contact time, joint angles), so part of any change "
            "may come from the setting"
        )
    if b.fps > 0 and a.fps > 0 and max(b.fps, a.fps) / min(b.fps, a.fps) > MAX_FPS_RATIO:
        warnings.append(
            f"the frame rates differ a lot ({b.fps:.0f} vs {a.fps:.0f} fps): timing metrics "
            "carry different frame-quantisation errors and are less comparable"
        )
        for name, spec in METRICS.items():
            if spec.timing:
                notes[name] = (
                    f"frame rates differ ({b.fps:.0f} vs {a.fps:.0f} fps): less comparable"
                )
    lb, la = b.leg_length_px, a.leg_length_px
    if lb and la and max(lb, la) / min(lb, la) > MAX_SCALE_RATIO:
        warnings.append(
            f"the runner appears at a different size (leg length {lb:.0f} vs {la:.0f} px): "
            "the camera distance changed; angles and %-leg metrics stay comparable, pixel "
            "distances do not"
        )
        for name, spec in METRICS.items():
            if "px" in spec.unit:
                blocked.setdefault(name, "in pixels and the camera distance changed")
    for label, s in (("before", b), ("after", a)):
        n = {side: s.n_valid(side) for side in SIDES}
        if min(n.values()) < MIN_STEPS:
            warnings.append(
                f"the {label} clip has few valid steps (left {n['left']}, right "
                f"{n['right']}; at least {MIN_STEPS} per side are needed for a stable value, "
                "Dingenen 2018): its intervals are wider; film a longer clip"
            )
    return warnings, blocked, notes
