"""Shared wording and number formatting for the HTML report and the terminal summary.

The metric registry (:data:`gait.metrics.METRICS`) holds the definitions; this module
adds what a runner who is not a biomechanist needs on top: units spelled out, one-line
plain explanations and the status of a value against its typical range.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gait.events import reason_counts as reason_counts  # re-exported: the report groups them
from gait.metrics import METRICS

#: Unit -> (short symbol shown after numbers, words for headings and explanations).
UNITS: dict[str, tuple[str, str]] = {
    "deg": ("°", "degrees"),
    "ms": (" ms", "milliseconds"),
    "%": (" %", "% of the stride"),
    "% leg": (" % leg", "% of leg length"),
    "steps/min": (" spm", "steps per minute"),
}

#: One plain-language sentence per metric: what it shows when you run.
PLAIN: dict[str, str] = {
    "cadence_spm": "How many steps you take per minute (both feet counted).",
    "contact_time_ms": "How long each foot stays on the ground per step.",
    "duty_factor_pct": "The share of each stride that a foot spends on the ground.",
    "trunk_lean_deg": "How far your upper body tips forward from upright in mid-step.",
    "knee_flexion_ic_deg": "How bent the knee is at the moment the foot touches down.",
    "knee_flexion_midstance_deg": "How far the knee bends to absorb the landing (mid-step).",
    "ankle_dorsiflexion_midstance_deg": (
        "How far the shin tips forward over the planted foot in mid-step."
    ),
    "shank_angle_ic_deg": (
        "How far the shin reaches forward at touch-down (0 = shin vertical, foot under knee)."
    ),
    "foot_strike_angle_deg": (
        "The angle of the foot to the ground at touch-down: toes up = heel strike."
    ),
    "hip_extension_to_deg": "How far the thigh swings behind the body as the foot pushes off.",
    "vertical_oscillation_pct_leg": "How much your hips bounce up and down each step.",
    "overstride_pct_leg": "How far ahead of your hips the heel lands.",
    "pelvic_drop_deg": (
        "How much the hip on the swinging-leg side sinks while the other foot is down."
    ),
    "knee_valgus_deg": "How far the knee moves toward the midline while the foot is down.",
    "step_width_pct_leg": (
        "How far apart the feet land sideways (negative = the feet cross the midline)."
    ),
    "lateral_trunk_lean_deg": "How far your upper body tips sideways over the standing leg.",
}

#: What the Left/Right values mean where they are not the value's own per-side medians
#: (a metric whose value comes from ``MetricSpec.overall_column``).
SIDES_MEANING: dict[str, str] = {
    "step_width_pct_leg": (
        "Step width: the value is the sideways distance between the feet; Left/Right are "
        "each foot's sideways offset from the middle of the hips"
    ),
}

CONFIDENCE_TEXT = {
    "high": "high: consistent strides and clear landmarks",
    "medium": "medium: read it as a rough value",
    "low": "low: treat it as a hint only",
}


def clean(x: Any) -> Any:
    """None for NaN / missing values (pandas turns None into NaN in text columns)."""
    if x is None:
        return None
    if isinstance(x, float) and math.isnan(x):
        return None
    try:
        if x != x:  # NaN of numpy and pandas scalar types
            return None
    except (TypeError, ValueError):
        pass
    return x


def num(x: Any) -> float | None:
    """A finite float, or None."""
    x = clean(x)
    if x is None or isinstance(x, str | bool):
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def text(x: Any) -> str:
    """A display string for any value, empty for missing ones."""
    x = clean(x)
    return "" if x is None else str(x)


def decimals(unit: str) -> int:
    """Digits after the point for a unit (timing and cadence are whole numbers)."""
    return 0 if unit in ("ms", "steps/min") else 1


def fmt(value: Any, unit: str, *, sign: bool = False, symbol: bool = True) -> str:
    """A value with its unit symbol, e.g. ``12.3°`` or ``171 spm``; ``–`` when missing."""
    v = num(value)
    if v is None:
        return "–"
    s = f"{v:+.{decimals(unit)}f}" if sign else f"{v:.{decimals(unit)}f}"
    if s in ("-0", "-0.0"):
        s = s[1:]
    return s + (UNITS.get(unit, (" " + unit, unit))[0] if symbol else "")


def unit_words(unit: str) -> str:
    """The unit spelled out (``degrees``, ``steps per minute``...)."""
    return UNITS.get(unit, ("", unit))[1]


def typical_text(name: str, *, symbol: bool = True) -> str:
    """The typical range in words, e.g. ``5.0–12.0°``, ``up to 6.0°``; empty when none."""
    spec = METRICS[name]
    lo, hi = spec.typical
    if lo is None and hi is None:
        return ""
    if lo is None:
        return f"up to {fmt(hi, spec.unit, symbol=symbol)}"
    if hi is None:
        return f"at least {fmt(lo, spec.unit, symbol=symbol)}"
    return f"{fmt(lo, spec.unit, symbol=False)}–{fmt(hi, spec.unit, symbol=symbol)}"


@dataclass(frozen=True)
class Status:
    """Where a value sits against its metric's typical range.

    ``level`` is ``ok`` (green), ``watch`` (amber) or ``info`` (grey).
    """

    level: str
    label: str


def status(name: str, value: Any) -> Status:
    """Status chip of a metric value (a comparison with the typical range, no diagnosis)."""
    spec = METRICS[name]
    v = num(value)
    lo, hi = spec.typical
    if v is None:
        return Status("info", "not measured")
    if lo is None and hi is None:
        return Status("info", "no reference range")
    if spec.better == "none":
        # neither way is better: say where the value sits, grey either way
        if lo is not None and v < lo:
            return Status("info", "below typical range (for information)")
        if hi is not None and v > hi:
            return Status("info", "above typical range (for information)")
        return Status("info", "within typical range")
    if lo is not None and v < lo and spec.better in ("target", "higher"):
        return Status("watch", "below typical range")
    if hi is not None and v > hi and spec.better in ("target", "lower"):
        return Status("watch", "above typical range")
    return Status("ok", "within typical range")


def summary_rows(summary: Any) -> list[dict[str, Any]]:
    """The summary table as records with NaN turned into None, in registry order."""
    if isinstance(summary, Mapping):
        records = [{"metric": k, **dict(v)} for k, v in summary.items()]
    else:
        records = summary.to_dict("records")
    rows = [{k: clean(v) for k, v in r.items()} for r in records]
    order = {name: i for i, name in enumerate(METRICS)}
    return sorted(rows, key=lambda r: order.get(str(r.get("metric")), len(order)))


def finding_dicts(findings: Any) -> list[dict[str, Any]]:
    """Findings (objects with ``to_dict`` or dicts) as dicts with NaN turned into None."""
    out = []
    for f in findings or []:
        d = f.to_dict() if hasattr(f, "to_dict") else dict(f)
        d = {k: clean(v) for k, v in d.items()}
        d["evidence"] = [{k: clean(v) for k, v in ev.items()} for ev in d.get("evidence") or []]
        out.append(d)
    return out


def evidence_line(ev: Mapping[str, Any]) -> str:
    """One line of evidence, e.g. ``Overstride: left 45.5 % leg > 30.0 % leg (heuristic)``."""
    name = str(ev.get("metric") or "")
    spec = METRICS.get(name)
    unit = spec.unit if spec else ""
    label = spec.label if spec else name
    field = ev.get("field")
    what = {
        "asymmetry_abs": " left-right difference",
        "asymmetry_pct_abs": " left-right difference",
    }.get(str(field), "")
    if ev.get("observed") is None:
        return f"{label}{what}: not measured ({text(ev.get('not_measurable')) or 'no value'})"
    side = f"{ev['side']} " if ev.get("side") else ""
    obs_unit = "%" if field == "asymmetry_pct_abs" else unit
    obs = fmt(ev.get("observed"), obs_unit)
    thr = fmt(ev.get("threshold"), obs_unit)
    kind = text(ev.get("threshold_kind")) or "heuristic"
    return f"{label}{what}: {side}{obs} {text(ev.get('op'))} {thr} ({kind} threshold)"


def pretty_reason(reason: Any) -> str:
    """A reason text with metric keys (``knee_valgus_deg``) replaced by their labels."""
    out = text(reason)
    for name in sorted(METRICS, key=len, reverse=True):
        out = out.replace(name, METRICS[name].label)
    return out


def duration_text(seconds: Any) -> str:
    """About how long a drill takes, e.g. ``about 75 s`` or ``about 2 min``."""
    s = num(seconds)
    if s is None or s <= 0:
        return ""
    return f"about {s:.0f} s" if s < 120 else f"about {s / 60:.0f} min"


def weakly_cleared_text(findings: Iterable[Mapping[str, Any]]) -> str:
    """``"; 2 of the 5 rest on low-confidence measurements ... not ruled out"`` for the
    patterns checked and not seen, when some of them rest on low-confidence
    measurements (:func:`gait.findings.evaluate`); empty otherwise."""
    clear = [f for f in findings if f.get("status") == "not_fired"]
    weak = sum(f.get("confidence") == "low" for f in clear)
    if not weak:
        return ""
    return (
        f"; {weak} of the {len(clear)} rest on low-confidence measurements (too few strides "
        "or unclear landmarks) and are not ruled out"
    )


def strike_pattern_text(patterns: Sequence[str], uncertainty_deg: float) -> str:
    """``"forefoot"``, or ``"forefoot or midfoot (both within the angle's +/-3.7 deg)"``
    when the foot strike angle's uncertainty reaches another pattern
    (:attr:`gait.analysis.AnalysisResult.strike_patterns`); empty without a pattern."""
    if not patterns:
        return ""
    if len(patterns) == 1:
        return patterns[0]
    both = "both" if len(patterns) == 2 else "all"
    return f"{' or '.join(patterns)} ({both} within the angle's ±{uncertainty_deg:.1f}°)"


def under_read(finding: Mapping[str, Any]) -> bool:
    """A pattern checked on a measurement the pose model is known to under-read
    (:attr:`gait.metrics.MetricSpec.caveat`) that did not fire."""
    return any(
        ev.get("metric") in METRICS and METRICS[ev["metric"]].caveat and ev.get("fired") is False
        for ev in finding.get("evidence") or []
    )


def not_ruled_out(findings: Iterable[Mapping[str, Any]]) -> list[str]:
    """Names of the patterns checked and not seen that their measurements do not rule
    out: measured with low confidence, or on a measurement known to be under-read."""
    return [
        text(f.get("compensation"))
        for f in findings
        if f.get("status") == "not_fired" and (f.get("confidence") == "low" or under_read(f))
    ]
