"""The result of one analysis: every stage's output, the JSON document and the files.

:class:`AnalysisResult` is what :func:`gait.analysis.analyze_pose` returns;
:meth:`AnalysisResult.to_dict` gives the versioned JSON document described by
``gait/data/analysis.schema.json``; :meth:`AnalysisResult.save` writes ``analysis.json``,
``events.csv`` and ``strides.csv`` atomically (temporary file, then rename).
"""

from __future__ import annotations

import json
import math
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from gait import __version__
from gait._io import staged_files
from gait.findings import Finding
from gait.metrics import METRICS, strike_patterns_within
from gait.posedata import LANDMARK_INDEX, PoseData, _replace, _rows_with_pose
from gait.timing import GaitCheck, RepeatReport, SpeedCheck
from gait.view import ViewInfo

#: Version of the JSON document written by :meth:`AnalysisResult.to_dict`.
SCHEMA_VERSION = "1.5"
#: Its JSON Schema.
SCHEMA_FILE = Path(__file__).parent / "data" / "analysis.schema.json"


@dataclass(repr=False)
class AnalysisResult:
    """Everything one analysis produced.

    Attributes
    ----------
    pose : PoseData
        The landmarks analysed: the input's, or - for a clip found slowed down or sped
        up by the legs' rhythm (``retimed_by`` other than 1) - the input retimed by that
        factor, as ``--slowmo`` would; the events' and strides' times are on its clock,
        frame numbers are the input's.  :attr:`input_pose` is the input as given.
    cleaned : PoseData
        Cleaned and roll-levelled landmarks the events and metrics were computed on.
    view : ViewInfo
    repeats : RepeatReport
    speed : SpeedCheck
    events : DataFrame
        One row per event: ``side``, ``kind`` (ic|ms|to), ``frame``, ``time_s``, ``pos``,
        ``contact``, ``valid``, ``reason``.
    strides : DataFrame
        One row per contact/stride: timing columns, ``valid``, ``reason`` and one column
        per metric.
    summary : DataFrame
        One row per registry metric (see :func:`gait.summary.summarize`).
    warnings : list of str
    options : dict
        The options the analysis ran with.
    findings : list of Finding
    drill_plan : dict
    gait : GaitCheck or None
        Whether the contact pattern looks like running (see :func:`gait.timing.check_gait`).
    person_switches : ndarray of int
        Video frames where the tracked skeleton jumps to another person.
    retimed_by : float
        The slow-motion factor the input was retimed by before the analysis (1: none).
    """

    pose: PoseData
    cleaned: PoseData
    view: ViewInfo
    repeats: RepeatReport
    speed: SpeedCheck
    events: pd.DataFrame
    strides: pd.DataFrame
    summary: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    drill_plan: dict[str, Any] = field(default_factory=dict)
    gait: GaitCheck | None = None
    person_switches: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    retimed_by: float = 1.0

    @property
    def input_pose(self) -> PoseData:
        """The landmarks as given to the analysis (on the input's clock): what is saved,
        so that analysing them again finds the same playback speed."""
        return self.pose if self.retimed_by == 1.0 else retime_pose(self.pose, 1 / self.retimed_by)

    def __repr__(self) -> str:
        view = self.view
        facing = f" facing {view.facing}" if view.facing else ""
        n_valid = int(self.strides["valid"].sum()) if len(self.strides) else 0
        fired = [f.code for f in self.findings if f.status == "fired"]
        clip = Path(self.pose.source_path).name if self.pose.source_path else "landmarks"
        return (
            f"<AnalysisResult {clip!r}: {view.kind}{facing}, {view.setting}; "
            f"{n_valid}/{len(self.strides)} valid strides; "
            f"findings: {', '.join(fired) or 'none fired'}; {len(self.warnings)} warning(s); "
            "see .summary, .strides, .events, .findings_table, .drill_plan>"
        )

    @property
    def findings_table(self) -> pd.DataFrame:
        """The findings as a DataFrame, one row per rule (see
        :func:`gait.findings.findings_table`); the evidence stays on :attr:`findings`."""
        from gait.findings import findings_table

        return findings_table(self.findings)

    @property
    def near_leg(self) -> str | None:
        """The leg nearer the camera in a side view (:func:`near_side` of the cleaned
        landmarks); None in other views or when unclear."""
        return near_side(self.cleaned) if self.view.kind == "side" else None

    @property
    def far_leg(self) -> str | None:
        """The other leg when :attr:`near_leg` is known (partly hidden behind it), else
        None."""
        return {"left": "right", "right": "left"}.get(self.near_leg or "")

    @property
    def strike_pattern(self) -> str | None:
        """The most frequent foot strike pattern over the strides the foot strike angle's
        value comes from (from a side view the near leg's, as ``near_leg_only`` says),
        or None."""
        s = self.strides
        if s.empty or "foot_strike_pattern" not in s:
            return None
        use = s["valid"].to_numpy(dtype=bool) & s["foot_strike_pattern"].notna().to_numpy()
        near = self.near_leg
        if METRICS["foot_strike_angle_deg"].near_leg_only and near is not None:
            mine = use & (s["side"].to_numpy() == near)
            use = mine if mine.any() else use
        pat = s.loc[use, "foot_strike_pattern"]
        return str(pat.mode().iloc[0]) if len(pat) else None

    @property
    def strike_uncertainty_deg(self) -> float:
        """Uncertainty of the foot strike angle's value (degrees; NaN when it is not
        measured): the typical error of a 2D foot strike angle (Murray et al. 2018, 2.5
        deg: the metric's ``smallest_change``) combined with the standard error of the
        median over the strides it comes from (``1.2533 * IQR / 1.349 / sqrt(n)``)."""
        row = self.summary.loc[self.summary["metric"] == "foot_strike_angle_deg"]
        if row.empty or not np.isfinite(self.metric("foot_strike_angle_deg")):
            return float("nan")
        n, iqr = row["n_strides"].iloc[0], row["iqr"].iloc[0]
        se = 1.2533 * float(iqr) / 1.349 / np.sqrt(float(n)) if n and np.isfinite(iqr) else 0.0
        return float(np.hypot(METRICS["foot_strike_angle_deg"].smallest_change or 0.0, se))

    @property
    def strike_patterns(self) -> list[str]:
        """:attr:`strike_pattern`, then any other pattern the foot strike angle's value
        reaches within :attr:`strike_uncertainty_deg` (empty when there is no pattern).

        A pose model reads a foot strike angle degrees off (the near leg of the rendered
        side runners: value errors of -8.2 to +1.5 deg; MediaPipe's foot points scatter
        about 7 deg from stride to stride), so near a pattern's boundary the pattern is
        not known: the midfoot good-form runner (+2.0 deg) read -4.2, -3.4 deg
        ("forefoot") at 30 and 120 fps, the rearfoot after_side runner (+13.9 deg) 5.7
        deg ("midfoot") at 60 fps.  Within the uncertainty each of those clips, and every
        other rendered side clip, names its runner's true pattern.
        """
        first = self.strike_pattern
        if first is None:
            return []
        within = strike_patterns_within(
            self.metric("foot_strike_angle_deg"), self.strike_uncertainty_deg
        )
        return [first] + [p for p in within if p != first]

    def metric(self, name: str) -> float:
        """Overall (median) value of a metric, NaN when not measurable."""
        row = self.summary.loc[self.summary["metric"] == name]
        if row.empty or row["value"].iloc[0] is None:
            return float("nan")
        return float(row["value"].iloc[0])

    def to_dict(self) -> dict[str, Any]:
        """The JSON document (schema ``gait/data/analysis.schema.json``)."""
        metrics = self._metrics_doc()
        events = self._events_doc()
        n_valid = int(self.strides["valid"].sum()) if len(self.strides) else 0
        return {
            "schema_version": SCHEMA_VERSION,
            "generator": {"name": "gait", "version": __version__},
            "input": self._input_doc(),
            "view": self.view.to_dict(),
            "pose": self._pose_doc(),
            "timing": self._timing_doc(),
            "strides": {"n_total": len(self.strides), "n_valid": n_valid},
            "metrics": metrics,
            "events": events,
            "warnings": list(self.warnings),
            "options": _jsonable(self.options),
            "findings": [f.to_dict() for f in self.findings],
            "drill_plan": self.drill_plan,
        }

    def _metrics_doc(self) -> dict[str, Any]:
        """The document's ``metrics``: one entry per summary row (:func:`_metric_doc`),
        the foot strike angle's with its strike pattern when there is one."""
        metrics = {rec["metric"]: _metric_doc(rec) for rec in self.summary.to_dict("records")}
        pattern = self.strike_pattern
        fsa = metrics.get("foot_strike_angle_deg")
        if fsa is not None and "not_measurable" not in fsa and pattern is not None:
            fsa["pattern"] = pattern
            fsa["pattern_alternatives"] = self.strike_patterns[1:]
            fsa["pattern_uncertainty_deg"] = _num(self.strike_uncertainty_deg)
        return metrics

    def _events_doc(self) -> list[dict[str, Any]]:
        """The document's ``events``: side, kind, frame, time (to 10 us) and validity."""
        return [
            {
                "side": e["side"],
                "kind": e["kind"],
                "frame": int(e["frame"]),
                "time_s": round(float(e["time_s"]), 5),
                "valid": bool(e["valid"]),
            }
            for e in self.events.to_dict("records")
        ]

    def _input_doc(self) -> dict[str, Any]:
        """The document's ``input``: the clip's path, hash, frame rate (the input's
        clock) and size."""
        pose = self.pose
        return {
            "path": pose.source_path,
            "sha256": pose.source_sha256,
            "fps": float(self.input_pose.fps),
            "frames": int(pose.n_frames),
            "width": int(pose.width),
            "height": int(pose.height),
        }

    def _pose_doc(self) -> dict[str, Any]:
        """The document's ``pose``: the model, the frames with a pose, the jitter and the
        cut-offs the cleaning used, and a treadmill side view's camera sway."""
        settings = self.cleaned.settings
        return {
            "model": self.pose.model,
            "frames_with_pose": int(self.pose.frames_with_pose),
            "noise_px": _num(settings.get("noise_px")),
            "angle_cutoff_hz": _num(settings.get("angle_cutoff_hz")),
            "event_cutoff_hz": _num(settings.get("event_cutoff_hz")),
            # a treadmill side view's camera sway (gait.sway), % of a leg; None elsewhere
            "camera_sway_pct_leg": _num(
                None
                if settings.get("camera_sway_leg") is None
                else 100 * settings["camera_sway_leg"]
            ),
            "camera_steadied": bool(settings.get("camera_steadied", False)),
        }

    def _timing_doc(self) -> dict[str, Any]:
        """The document's ``timing``: repeated frames, playback speed, whether the contacts
        look like running, and the frames where the tracked person switches."""
        check = self.gait
        return {
            "repeated_frame_fraction": round(self.repeats.fraction, 4),
            "duplicate_factor": int(self.repeats.factor),
            "slowmo_factor": _num(self.speed.factor),
            "clip_cadence_spm": _num(self.speed.cadence_spm),
            "real_time_plausible": bool(self.speed.plausible),
            "looks_like_running": bool(check.running) if check else True,
            "duty_factor": _num(check.duty_factor) if check else None,
            "both_feet_down_fraction": _num(check.both_down) if check else None,
            "person_switch_frames": [int(f) for f in self.person_switches],
        }

    def save(self, out_dir: str | Path) -> dict[str, Path]:
        """Write ``analysis.json``, ``events.csv`` and ``strides.csv`` into ``out_dir``.

        The three are written under temporary names in that folder and renamed together
        at the end (:func:`gait._io.staged_files`), so an interrupted or failed run
        leaves none of them half-written, nor one without the others.

        Returns
        -------
        dict of str to Path
        """
        out = Path(out_dir)
        texts = {
            "analysis": json.dumps(self.to_dict(), indent=1) + "\n",
            "events": self.events.to_csv(index=False),
            "strides": self.strides.to_csv(index=False),
        }
        paths = {
            "analysis": out / "analysis.json",
            "events": out / "events.csv",
            "strides": out / "strides.csv",
        }
        with staged_files(*paths.values()) as staged:
            for tmp, text in zip(staged, texts.values(), strict=True):
                tmp.write_bytes(text.encode("utf-8"))
        return paths


def _metric_doc(rec: dict[Hashable, Any]) -> dict[str, Any]:
    """One summary row as the document's entry for its metric: its unit and why it is not
    measurable, or its values, stride counts and confidence (and the metric's caveat)."""
    spec = METRICS[rec["metric"]]
    reason = rec["not_measurable"]
    if isinstance(reason, str) and reason:
        return {"unit": spec.unit, "not_measurable": reason}
    doc: dict[str, Any] = {
        "value": _num(rec["value"]),
        "unit": spec.unit,
        "left": _num(rec["left"]),
        "right": _num(rec["right"]),
        "iqr": _num(rec["iqr"]),
        "asymmetry": _num(rec["asymmetry"]),
        "n_strides": _int(rec["n_strides"]),
        "n_left": _int(rec["n_left"]),
        "n_right": _int(rec["n_right"]),
        "few_strides": bool(rec["few_strides"]),
        "confidence": _num(rec["confidence"]),
        "confidence_label": rec["confidence_label"],
    }
    if spec.caveat:
        doc["caveat"] = spec.caveat
    return doc


def _int(x: Any) -> int:
    return 0 if x is None or (isinstance(x, float) and math.isnan(x)) else int(x)


def _num(x: Any) -> float | None:
    if x is None:
        return None
    x = float(x)
    return round(x, 4) if math.isfinite(x) else None


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, float | np.floating):
        return _num(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    return obj


def near_side(pose: PoseData) -> str | None:
    """The leg nearer the camera in a side view: more visible, or smaller depth ``z``.

    Returns None when neither cue separates the legs.
    """
    parts = ("knee", "ankle", "heel", "foot_index")
    idx = {s: [LANDMARK_INDEX[f"{s}_{p}"] for p in parts] for s in ("left", "right")}
    has = pose.has_pose
    if not has.any():
        return None
    vis = {s: float(np.mean(_rows_with_pose(pose.visibility[:, idx[s]], has))) for s in idx}
    if abs(vis["left"] - vis["right"]) > 0.05:
        return "left" if vis["left"] > vis["right"] else "right"
    z = {s: _rows_with_pose(pose.image_px[:, idx[s], 2], has) for s in idx}
    zl, zr = (float(np.nanmedian(z[s])) if np.isfinite(z[s]).any() else np.nan for s in idx)
    if np.isfinite(zl) and np.isfinite(zr) and abs(zl - zr) > 1.0:
        return "left" if zl < zr else "right"
    return None


def retime_pose(pose: PoseData, factor: float) -> PoseData:
    """``pose`` with its clock divided by ``factor`` (what ``--slowmo factor`` gives)."""
    return _replace(pose, time_s=pose.time_s / factor, fps=pose.fps * factor)
