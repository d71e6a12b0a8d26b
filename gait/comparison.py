"""Before/after comparison of two analyses of the same runner.

:func:`compare` takes two sessions (:class:`~gait.analysis.AnalysisResult` or
:class:`Session`) and returns a :class:`Comparison`: per metric the before and after
values, the change with a bootstrap interval over strides, the smallest meaningful change
from the registry and a verdict; the same per side and for the left/right asymmetry; which
findings appeared, resolved or persisted and what that means for the drill plan; and
warnings when the two clips are not filmed alike.  :func:`load_session` reads a clip, a
saved analysis folder, an ``analysis.json`` or a ``landmarks.npz`` (the I/O edge).

Statistics
----------
Each session's valid strides are resampled independently (``n_boot`` resamples, one
``(n_boot, n)`` index matrix per session and group, no Python loop per resample); the
statistic of each resample is the metric's own aggregate (median, or harmonic mean for
cadence - :attr:`gait.metrics.MetricSpec.aggregate`, the same as the summary), and the
interval is a percentile interval of ``after - before``.  Because the plain percentile
interval is too narrow for small samples, the *expanded* percentile interval of Hesterberg
(2015, Am Stat 69:371) is used: the percentiles are taken at
``alpha' / 2 = Phi(-sqrt(n / (n - 1)) * t_{1 - alpha/2, n - 1})`` with ``n`` the smaller of
the two stride counts, which widens the interval for few strides (``n = 7``: 0.4-99.6 %
instead of 2.5-97.5 %) and tends to the plain interval for many.

Verdicts
--------
A change is *real* when ``|change| >= smallest meaningful change`` **and** the interval
excludes 0.  The smallest meaningful changes come from the registry: for joint and segment
angles the smallest detectable differences of 2D video analysis (Dingenen et al. 2018, Phys
Ther Sport 33:40: ``SDD = 1.96 * sqrt(2) * SEM``; trunk/foot inclination 1.3-2.3 deg, knee
flexion 2.3-3.8 deg, ankle dorsiflexion 2.2-4.8 deg, pelvic drop 2.8 deg), for the others a
stated heuristic.  The verdict of a real change follows the metric's ``better`` direction:

* ``higher`` / ``lower`` - ``improved`` or ``worse`` by the sign of the change;
* ``target`` - ``improved`` when the value moves closer to the typical range (for a
  two-sided range: closer to its middle, measured in half-widths, so entering the range
  and moving from its edge toward its middle both count); ``worse`` when it moves further
  away *and* ends outside the range; a change that stays within the range without moving
  toward its middle is not judged;
* ``none`` (contact time, duty factor, foot strike angle, knee flexion at midstance) - never
  judged.

A real change that is not judged keeps ``verdict = "no_meaningful_change"`` (the JSON enum
has four values: ``improved``, ``worse``, ``no_meaningful_change``, ``not_comparable``) with
``changed = true``, ``judged = false`` and ``direction`` (``increased``/``decreased``) saying
what happened.  ``not_comparable`` comes with a ``reason``: the metric is not measurable in
one of the clips, the two views differ and the metric needs one of them, the metric is in
pixels and the camera distance differs, or a session has fewer than two strides.

Asymmetry is ``|left - right|`` (lower is better); its change is judged against the same
smallest meaningful change.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gait import __version__
from gait.errors import GaitError
from gait.metrics import METRICS, MetricSpec

if TYPE_CHECKING:
    from gait.analysis import AnalysisResult

#: Version of the document written by :meth:`Comparison.to_dict`.
SCHEMA_VERSION = "1.0"
SCHEMA_FILE = Path(__file__).parent / "data" / "compare.schema.json"
VERDICTS = ("improved", "worse", "no_meaningful_change", "not_comparable")
#: Fewest valid steps per side for a stable 2D mean (Dingenen et al. 2018).
MIN_STEPS = 7
#: Frame-rate ratio above which timing metrics are flagged as less comparable.
MAX_FPS_RATIO = 1.5
#: Leg-length (pixels) ratio above which the camera distance is called different.
MAX_SCALE_RATIO = 1.25
SIDES = ("left", "right")
VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".3gp")


# ----------------------------------------------------------------------------- sessions


@dataclass(repr=False)
class Session:
    """What the comparison needs from one analysis.

    Attributes
    ----------
    label : str
        Display name (clip file name or folder name).
    source : str
        Where it came from (clip path or analysis folder).
    strides : DataFrame
        Per-stride table (``side``, ``valid``, one column per metric).
    summary : DataFrame
        Per-metric summary (``metric``, ``value``, ``not_measurable`` ...).
    view_kind : {"side", "rear", "front"}
    facing : {"left", "right"} or None
    setting : {"treadmill", "overground"}
    fps : float
    leg_length_px : float or None
        Median leg length in pixels (camera distance); None when unknown.
    findings : list of dict
        ``Finding.to_dict()`` of each rule.
    drill_plan : dict
    warnings : list of str
    result : AnalysisResult or None
        The full analysis when available (curves and key frames need it).
    """

    label: str
    source: str
    strides: pd.DataFrame
    summary: pd.DataFrame
    view_kind: str
    facing: str | None
    setting: str
    fps: float
    leg_length_px: float | None = None
    findings: list[dict[str, Any]] = field(default_factory=list)
    drill_plan: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    result: AnalysisResult | None = None

    @classmethod
    def from_result(cls, result: AnalysisResult, *, label: str | None = None) -> Session:
        """A session from an in-memory analysis (no I/O)."""
        from gait.events import leg_length_px

        xy = result.cleaned.image_px[:, :, :2]
        pct = 50.0 if result.view.kind == "side" else 90.0
        leg = leg_length_px(xy, percentile=pct) if result.pose.n_frames else np.zeros(0)
        finite = leg[np.isfinite(leg)]
        source = result.pose.source_path or ""
        return cls(
            label=label or (Path(source).name if source else "clip"),
            source=source,
            strides=result.strides,
            summary=result.summary,
            view_kind=result.view.kind,
            facing=result.view.facing,
            setting=result.view.setting,
            fps=float(result.pose.fps),
            leg_length_px=float(finite[0]) if finite.size else None,
            findings=[f.to_dict() for f in result.findings],
            drill_plan=dict(result.drill_plan),
            warnings=list(result.warnings),
            result=result,
        )

    def n_valid(self, side: str | None = None) -> int:
        """Number of valid strides (of one side, or both)."""
        s = self.strides
        if s.empty:
            return 0
        ok = s["valid"].astype(bool)
        if side is not None:
            ok &= s["side"] == side
        return int(ok.sum())

    def _summary_row(self, metric: str) -> pd.DataFrame:
        return self.summary.loc[self.summary["metric"] == metric]

    def value(self, metric: str) -> float | None:
        """The summary value of a metric, or None when it has none."""
        row = self._summary_row(metric)
        v = row["value"].iloc[0] if not row.empty else None
        return float(v) if v is not None and np.isfinite(float(v)) else None

    def reason(self, metric: str) -> str | None:
        """Why the session has no value for a metric, or None."""
        row = self._summary_row(metric)
        if row.empty:
            return "not in the analysis"
        r = row["not_measurable"].iloc[0]
        return r if isinstance(r, str) and r else None

    def __repr__(self) -> str:
        facing = f" facing {self.facing}" if self.facing else ""
        n_valid = int(self.strides["valid"].sum()) if len(self.strides) else 0
        return (
            f"<Session {self.label!r}: {self.view_kind}{facing}, {self.setting}, "
            f"{self.fps:g} fps, {n_valid} valid strides>"
        )


def as_session(x: AnalysisResult | Session) -> Session:
    """A :class:`Session` from either an analysis result or a session."""
    return x if isinstance(x, Session) else Session.from_result(x)


# ----------------------------------------------------------------------------- bootstrap


def _aggregate(spec: MetricSpec) -> Callable[[np.ndarray], np.ndarray]:
    """The metric's aggregate along the last axis (as in :func:`gait.summary.summarize`)."""
    if spec.aggregate == "harmonic_mean":
        return lambda x: x.shape[-1] / np.sum(1.0 / x, axis=-1)
    return lambda x: np.median(x, axis=-1)


def _values(session: Session, spec: MetricSpec, side: str | None) -> np.ndarray:
    """Finite values of a metric over a session's valid strides (of one side or all)."""
    s = session.strides
    col = spec.overall_column if side is None and spec.overall_column else spec.name
    if s.empty or col not in s:
        return np.zeros(0)
    x = s[col].to_numpy(dtype=float)
    ok = s["valid"].to_numpy(dtype=bool) & np.isfinite(x)
    if side is not None:
        ok &= s["side"].to_numpy() == side
    if spec.aggregate == "harmonic_mean":
        ok &= x > 0
    return x[ok]


def _resample(
    x: np.ndarray, agg: Callable[[np.ndarray], np.ndarray], n_boot: int, rng: np.random.Generator
) -> np.ndarray:
    """Statistic of ``n_boot`` resamples of ``x``: one ``(n_boot, n)`` index matrix."""
    idx = rng.integers(0, x.size, size=(n_boot, x.size))
    return agg(x[idx])


def expanded_levels(n: int, level: float = 0.95) -> tuple[float, float]:
    """Percentiles (0-100) of Hesterberg's expanded percentile interval for ``n`` strides.

    ``alpha' / 2 = Phi(-sqrt(n / (n - 1)) * t_{1 - alpha / 2, n - 1})`` (Hesterberg 2015,
    Am Stat 69:371); equals the plain percentile interval as ``n`` grows.
    """
    from scipy import stats

    alpha = 1.0 - level
    if n < 2:
        return 0.0, 100.0
    half = float(stats.norm.cdf(-math.sqrt(n / (n - 1)) * stats.t.ppf(1 - alpha / 2, n - 1)))
    return 100.0 * half, 100.0 * (1.0 - half)


def bootstrap_change(
    before: np.ndarray,
    after: np.ndarray,
    *,
    aggregate: Callable[[np.ndarray], np.ndarray],
    n_boot: int,
    rng: np.random.Generator,
    level: float = 0.95,
) -> tuple[float, float, float]:
    """Change of the aggregate (after - before) and its expanded percentile interval.

    Parameters
    ----------
    before, after : ndarray of shape (n_b,), (n_a,)
        Per-stride values, each with at least 2 entries.
    aggregate : callable
        Statistic along the last axis (median, harmonic mean).
    n_boot : int
    rng : numpy Generator
    level : float

    Returns
    -------
    (change, low, high) : tuple of float
    """
    change = float(aggregate(after) - aggregate(before))
    diff = _resample(after, aggregate, n_boot, rng) - _resample(before, aggregate, n_boot, rng)
    lo, hi = np.percentile(diff, expanded_levels(min(before.size, after.size), level))
    return change, float(lo), float(hi)


# ----------------------------------------------------------------------------- verdicts


def _target_distance(spec: MetricSpec, v: float) -> float:
    """Distance from the typical range: in half-widths from its middle when two-sided."""
    lo, hi = spec.typical
    if lo is not None and hi is not None and hi > lo:
        return abs(v - 0.5 * (lo + hi)) / (0.5 * (hi - lo))
    if lo is not None and v < lo:
        return lo - v
    if hi is not None and v > hi:
        return v - hi
    return 0.0


def _inside(spec: MetricSpec, v: float) -> bool:
    lo, hi = spec.typical
    return (lo is None or v >= lo) and (hi is None or v <= hi)


def judge(
    spec: MetricSpec, before: float, after: float, changed: bool
) -> tuple[str, bool, str | None]:
    """Verdict of a comparable metric: (verdict, judged, note).

    See the module docstring for the rules; ``judged`` is False when a real change is
    not called better or worse.
    """
    if not changed:
        return "no_meaningful_change", True, None
    up = after > before
    if spec.better == "higher":
        return ("improved" if up else "worse"), True, None
    if spec.better == "lower":
        return ("worse" if up else "improved"), True, None
    if spec.better == "target":
        d0, d1 = _target_distance(spec, before), _target_distance(spec, after)
        if d1 < d0 - 1e-9:
            return "improved", True, None
        if d1 > d0 + 1e-9 and not _inside(spec, after):
            return "worse", True, None
        return "no_meaningful_change", False, "changed, and still within the typical range"
    return "no_meaningful_change", False, "changed; this metric has no better direction"


def _is_real(change: float, lo: float, hi: float, smallest: float | None) -> bool:
    excludes_zero = lo > 0 or hi < 0
    big = smallest is None or abs(change) >= smallest
    return bool(excludes_zero and big)


def _direction(change: float | None) -> str | None:
    if change is None or change == 0:
        return None if change is None else "unchanged"
    return "increased" if change > 0 else "decreased"


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
        ``n_after``, ``few_strides``.
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
                "of per-session aggregates, strides resampled per session",
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
    rows, side_rows, asym_rows = [], [], []
    for name, spec in METRICS.items():
        row: dict[str, Any] = {
            "metric": name,
            "unit": spec.unit,
            "smallest_change": spec.smallest_change,
            "note": notes.get(name),
        }
        reason = blocked.get(name) or _missing(b, a, name)
        xb, xa = _values(b, spec, None), _values(a, spec, None)
        row.update(n_before=xb.size, n_after=xa.size)
        if reason is None and min(xb.size, xa.size) < 2:
            reason = "fewer than 2 valid strides in one of the clips: no interval possible"
        few = (
            min(b.n_valid(s) for s in SIDES) < MIN_STEPS
            or min(a.n_valid(s) for s in SIDES) < MIN_STEPS
        )
        row["few_strides"] = few
        if reason is not None:
            agg = _aggregate(spec)
            row.update(
                before=float(agg(xb)) if xb.size and not b.reason(name) else None,
                after=float(agg(xa)) if xa.size and not a.reason(name) else None,
                verdict="not_comparable",
                reason=reason,
                changed=False,
                judged=False,
            )
            rows.append(row)
            continue
        row.update(_judged(spec, xb, xa, n_boot, rng, level, clip=(b.value(name), a.value(name))))
        rows.append(row)
        per_side = {}
        for side in SIDES:
            sb, sa = _values(b, spec, side), _values(a, spec, side)
            rec: dict[str, Any] = {"metric": name, "side": side}
            rec["smallest_change"] = spec.smallest_change
            if min(sb.size, sa.size) < 2:
                rec.update(verdict="not_comparable", reason="fewer than 2 strides on this side")
            else:
                rec.update(_judged(spec, sb, sa, n_boot, rng, level))
                per_side[side] = (sb, sa)
            side_rows.append(rec)
        if len(per_side) == 2:
            asym_rows.append(_asymmetry(spec, per_side, n_boot, rng, level))
    fnd, advice = _findings_change(b, a)
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
]


def _judged(
    spec: MetricSpec,
    xb: np.ndarray,
    xa: np.ndarray,
    n_boot: int,
    rng: np.random.Generator,
    level: float,
    clip: tuple[float | None, float | None] = (None, None),
) -> dict[str, Any]:
    """Change, interval and verdict from per-stride values.

    ``clip`` holds the sessions' summary values; where both differ from the per-stride
    aggregate (a whole-clip measurement such as the rhythm cadence) they are the before
    and after values and the interval is shifted with the change it surrounds.
    """
    agg = _aggregate(spec)
    change, lo, hi = bootstrap_change(xb, xa, aggregate=agg, n_boot=n_boot, rng=rng, level=level)
    vb, va = float(agg(xb)), float(agg(xa))
    cb, ca = clip
    if cb is not None and ca is not None and (cb != vb or ca != va):
        vb, va = cb, ca
        shift = (va - vb) - change
        change, lo, hi = change + shift, lo + shift, hi + shift
    real = _is_real(change, lo, hi, spec.smallest_change)
    verdict, judged, note = judge(spec, vb, va, real)
    return {
        "before": vb,
        "after": va,
        "change": change,
        "ci_low": lo,
        "ci_high": hi,
        "verdict": verdict,
        "changed": real,
        "judged": judged,
        "direction": _direction(change) if real else None,
        "note": note,
    }


def _asymmetry(
    spec: MetricSpec,
    per_side: Mapping[str, tuple[np.ndarray, np.ndarray]],
    n_boot: int,
    rng: np.random.Generator,
    level: float,
) -> dict[str, Any]:
    """``|left - right|`` before vs after, bootstrapped per session and side."""
    agg = _aggregate(spec)
    (lb, la), (rb, ra) = per_side["left"], per_side["right"]
    before = abs(float(agg(lb) - agg(rb)))
    after = abs(float(agg(la) - agg(ra)))
    boot_b = np.abs(_resample(lb, agg, n_boot, rng) - _resample(rb, agg, n_boot, rng))
    boot_a = np.abs(_resample(la, agg, n_boot, rng) - _resample(ra, agg, n_boot, rng))
    n = min(lb.size, la.size, rb.size, ra.size)
    lo, hi = np.percentile(boot_a - boot_b, expanded_levels(n, level))
    change = after - before
    real = _is_real(change, float(lo), float(hi), spec.smallest_change)
    verdict = "no_meaningful_change" if not real else ("worse" if change > 0 else "improved")
    return {
        "metric": spec.name,
        "before": before,
        "after": after,
        "change": change,
        "ci_low": float(lo),
        "ci_high": float(hi),
        "smallest_change": spec.smallest_change,
        "verdict": verdict,
        "changed": real,
        "judged": True,
        "direction": _direction(change) if real else None,
    }


def _missing(b: Session, a: Session, name: str) -> str | None:
    rb, ra = b.reason(name), a.reason(name)
    if rb and ra:
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


# ----------------------------------------------------------------------------- findings


def _findings_change(b: Session, a: Session) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Findings that appeared, resolved or persisted, and what it means for the drills."""
    from gait.drills import catalogue

    cat = catalogue()
    fb = {str(f["code"]): f for f in b.findings}
    fa = {str(f["code"]): f for f in a.findings}
    rows = []
    for code in list(dict.fromkeys([*fb, *fa])):
        f0, f1 = fb.get(code, {}), fa.get(code, {})
        s0, s1 = f0.get("status", "not_checked"), f1.get("status", "not_checked")
        if "not_checked" in (s0, s1):
            change = "not_comparable"
        elif s0 == "fired" and s1 == "fired":
            change = "persisted"
        elif s0 == "fired":
            change = "resolved"
        elif s1 == "fired":
            change = "appeared"
        else:
            change = "absent"
        rows.append(
            {
                "code": code,
                "compensation": f1.get("compensation") or f0.get("compensation") or code,
                "before": s0,
                "after": s1,
                "change": change,
                "drills": list(f1.get("drills") or f0.get("drills") or []),
            }
        )
    table = pd.DataFrame(
        rows, columns=["code", "compensation", "before", "after", "change", "drills"]
    )

    def drills(kind: str) -> list[str]:
        out: list[str] = []
        for r in rows:
            if r["change"] == kind:
                out += [d for d in r["drills"] if d not in out]
        return out

    keep = drills("persisted")
    add = [d for d in drills("appeared") if d not in keep]
    maint = [d for d in drills("resolved") if d not in keep and d not in add]

    def names(ids: list[str], k: int = 3) -> str:
        shown = [cat[d].name if d in cat else d for d in ids[:k]]
        return ", ".join(shown) + (" ..." if len(ids) > k else "")

    messages = []
    for r in rows:
        comp = r["compensation"]
        if r["change"] == "persisted":
            messages.append(f"{comp}: still seen - keep its drills ({names(r['drills'])}).")
        elif r["change"] == "resolved":
            moved = [d for d in r["drills"] if d in maint]
            tail = f" ({names(moved)})" if moved else ""
            messages.append(
                f"{comp}: no longer seen - its drills{tail} can move to maintenance "
                "(once a week); keep the running cue."
            )
        elif r["change"] == "appeared":
            messages.append(
                f"{comp}: newly seen - add its drills ({names(r['drills'])}); see the after "
                "clip's drill plan."
            )
    if not messages:
        messages.append("No pattern changed status between the clips: keep the current plan.")
    return table, {"keep": keep, "maintenance": maint, "add": add, "messages": messages}


# ----------------------------------------------------------------------------- loading


def load_session(
    source: str | Path,
    *,
    model: str = "full",
    slowmo: float = 1.0,
    offline: bool | None = None,
    report: Callable[[str], None] | None = None,
) -> Session:
    """A session from a clip, a saved analysis folder, ``analysis.json`` or ``landmarks.npz``.

    * a **clip** is analysed (pose inference is cached by video hash, so a clip analysed
      before is not inferred again);
    * a **folder** written by ``gait analyze -o`` (or its ``analysis.json``): when
      ``landmarks.npz`` is beside it, the landmarks are re-analysed with this version of
      gait and the view/setting options recorded in ``analysis.json`` (no inference, and
      both sessions then come from the same analysis code, with curves and key frames);
      otherwise ``analysis.json`` + ``strides.csv`` are read as saved (numbers only);
    * a **landmarks.npz** is analysed directly.

    Raises
    ------
    GaitError
        When the path is missing or holds none of these.
    """
    from gait.analysis import analyze_pose
    from gait.api import load as load_analysis

    path = Path(source)
    if not path.exists():
        raise GaitError(f"{path} not found: give a clip, an analysis folder or analysis.json")
    folder = path if path.is_dir() else path.parent
    if path.is_dir() or path.name.endswith(".json"):
        doc = _read_analysis_json(folder / "analysis.json") if path.is_dir() else None
        if path.name.endswith(".json"):
            doc = _read_analysis_json(path)
        if (folder / "landmarks.npz").is_file():
            return Session.from_result(load_analysis(folder), label=_label(doc, folder))
        if doc is None:
            raise GaitError(f"{folder} holds no analysis.json or landmarks.npz")
        return _from_saved(doc, folder)
    if path.suffix == ".npz":
        return Session.from_result(load_analysis(path), label=path.name)
    if path.suffix.lower() not in VIDEO_SUFFIXES:
        raise GaitError(
            f"{path}: expected a video clip ({', '.join(VIDEO_SUFFIXES)}), an analysis "
            "folder, analysis.json or landmarks.npz"
        )
    from gait import pose as pose_mod

    data = pose_mod.extract(
        path,
        options=pose_mod.ExtractOptions(model=model, slowmo=slowmo),
        progress=False,
        offline=offline,
        report=report,
    )
    if data.frames_with_pose == 0:
        raise GaitError(f"no person was detected in any frame of {path}")
    return Session.from_result(analyze_pose(data), label=path.name)


def _label(doc: Mapping[str, Any] | None, folder: Path) -> str:
    src = ((doc or {}).get("input") or {}).get("path")
    return Path(src).name if src else folder.name


def _read_analysis_json(path: Path) -> dict[str, Any]:
    import json

    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GaitError(f"{path} not found") from None
    except (OSError, ValueError) as exc:
        raise GaitError(f"{path} is not a readable analysis.json ({exc})") from None
    if not isinstance(doc, dict) or "metrics" not in doc or "view" not in doc:
        raise GaitError(f"{path} is not an analysis.json written by gait analyze")
    return doc


def _from_saved(doc: Mapping[str, Any], folder: Path) -> Session:
    """A numbers-only session from ``analysis.json`` + ``strides.csv``."""
    csv = folder / "strides.csv"
    if not csv.is_file():
        raise GaitError(
            f"{folder} has analysis.json but neither strides.csv nor landmarks.npz: the "
            "per-stride comparison needs one of them; re-run gait analyze with -o"
        )
    try:
        strides = pd.read_csv(csv)
    except (OSError, ValueError) as exc:
        raise GaitError(f"{csv} is not readable ({exc})") from None
    if not {"side", "valid"} <= set(strides.columns):
        raise GaitError(f"{csv} lacks the side/valid columns of a gait strides table")
    strides["valid"] = strides["valid"].astype(str).str.lower().isin(["true", "1"])
    rows = []
    for name in METRICS:
        m = (doc.get("metrics") or {}).get(name) or {"not_measurable": "not in analysis.json"}
        rows.append(
            {
                "metric": name,
                "value": m.get("value"),
                "left": m.get("left"),
                "right": m.get("right"),
                "not_measurable": m.get("not_measurable"),
            }
        )
    view = doc.get("view") or {}
    warnings = list(doc.get("warnings") or [])
    version = (doc.get("generator") or {}).get("version")
    if version != __version__:
        warnings.append(f"analysed by gait {version}, compared by gait {__version__}")
    return Session(
        label=_label(doc, folder),
        source=str(folder),
        strides=strides,
        summary=pd.DataFrame(rows),
        view_kind=str(view.get("kind", "side")),
        facing=view.get("facing"),
        setting=str(view.get("setting", "treadmill")),
        fps=float((doc.get("input") or {}).get("fps") or 0.0),
        findings=list(doc.get("findings") or []),
        drill_plan=dict(doc.get("drill_plan") or {}),
        warnings=warnings,
    )
