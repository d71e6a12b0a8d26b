"""One side of a before/after comparison: what it needs from an analysis, and loading.

A :class:`Session` holds the per-stride table, the summary, the view, the findings and,
for the whole-clip cadence, its standard error (:func:`gait.compare_stats.
rhythm_cadence_error`).  :func:`load_session` reads a clip, a saved analysis folder, an
``analysis.json`` or a ``landmarks.npz`` (the I/O edge).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gait import __version__
from gait.compare_stats import ClipError, rhythm_cadence_error
from gait.errors import GaitError
from gait.metrics import METRICS, MetricSpec

if TYPE_CHECKING:
    from gait.analysis import AnalysisResult

SIDES = ("left", "right")
VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".3gp")


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
    clip_errors : dict of str to ClipError
        Standard error of each whole-clip summary value (the rhythm cadence) where the
        landmarks allow it; a comparison of two such values uses it for the interval.
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
    clip_errors: dict[str, ClipError] = field(default_factory=dict)

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
            clip_errors=_clip_errors(result),
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

    def stride_values(self, spec: MetricSpec, side: str | None = None) -> np.ndarray:
        """Finite values of a metric over the valid strides (of one side, or all - or, for
        a ``near_leg_only`` metric whose summary value came from one leg, that leg's)."""
        s = self.strides
        if side is None and spec.near_leg_only:
            side = self._value_side(spec.name)
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

    def _value_side(self, metric: str) -> str | None:
        """The leg a summary value was taken from alone - its stride count is that leg's,
        less than both legs', and its value that leg's median - or None."""
        row = self._summary_row(metric)
        if row.empty or self.strides.empty or metric not in self.strides:
            return None
        r = row.iloc[0]
        try:
            counts = [float(r[k]) for k in ("n_strides", "n_left", "n_right")]
        except (KeyError, TypeError, ValueError):
            return None
        if not np.isfinite(counts).all():
            return None
        n, n_l, n_r = (int(c) for c in counts)
        value = self.value(metric)
        if value is None or n >= n_l + n_r:
            return None
        x = self.strides[metric].to_numpy(dtype=float)
        ok = self.strides["valid"].to_numpy(dtype=bool) & np.isfinite(x)
        for side, n_side in (("left", n_l), ("right", n_r)):
            vals = x[ok & (self.strides["side"].to_numpy() == side)]
            if n == n_side and vals.size and abs(float(np.median(vals)) - value) < 1e-9:
                return side
        return None

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


def _clip_errors(result: AnalysisResult) -> dict[str, ClipError]:
    """Standard error of the summary's rhythm cadence, where the landmarks show a rhythm."""
    row = result.summary.loc[result.summary["metric"] == "cadence_spm", "value"]
    value = float(row.iloc[0]) if len(row) and row.iloc[0] is not None else float("nan")
    if not np.isfinite(value):
        return {}
    xy = result.cleaned.image_px[:, :, :2]
    err = rhythm_cadence_error(xy, result.pose.time_s, cadence_spm=value)
    return {} if err is None else {"cadence_spm": err}


def as_session(x: AnalysisResult | Session) -> Session:
    """A :class:`Session` from either an analysis result or a session."""
    return x if isinstance(x, Session) else Session.from_result(x)


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

    path = require_source(source)
    folder = path if path.is_dir() else path.parent
    if path.is_dir() or path.name.endswith(".json"):
        if path.is_dir():  # a folder may hold only landmarks.npz
            saved = folder / "analysis.json"
            doc = _read_analysis_json(saved) if saved.is_file() else None
        else:
            doc = _read_analysis_json(path)
        if (folder / "landmarks.npz").is_file():
            return Session.from_result(load_analysis(folder), label=_label(doc, folder))
        if doc is None:
            raise GaitError(
                f"{folder} holds no analysis.json or landmarks.npz: give a folder that "
                "gait analyze -o wrote, or the clip itself"
            )
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


def require_source(source: str | Path) -> Path:
    """``source`` as a Path, or a GaitError saying what to give when it does not exist."""
    path = Path(source)
    if not path.exists():
        raise GaitError(f"{path} not found: give a clip, an analysis folder or analysis.json")
    return path


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
