"""Per-frame joint angles and their gait-cycle normalisation, for plots, key frames and video.

The angles are computed with the kernels of :mod:`gait.metrics` (no angle maths is
repeated here) on the cleaned, roll-levelled landmarks of an analysis, frame by frame:

========================  =======  ====================================================
series                    views    kernel
========================  =======  ====================================================
``knee_flexion``          side     :func:`gait.metrics.knee_flexion_deg`
``trunk_lean``            side     :func:`gait.metrics.inclination_up_deg` (mid-hip ->
                                   mid-shoulder, the same for both sides)
``ankle_dorsiflexion``    side     :func:`gait.metrics.ankle_dorsiflexion_deg`
``shank_angle``           side     :func:`gait.metrics.inclination_down_deg` (knee ->
                                   ankle)
``pelvic_tilt``           frontal  :func:`gait.metrics.pelvic_drop_deg` with this side as
                                   the stance side (positive: the other hip is lower)
``knee_frontal``          frontal  :func:`gait.metrics.frontal_knee_angle_deg`, valgus
                                   positive
========================  =======  ====================================================

A *cycle* runs from one initial contact (IC) to the next IC of the same foot and is
resampled to 101 points (0-100 %).  Only numpy is imported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from gait.metrics import (
    ankle_dorsiflexion_deg,
    frontal_knee_angle_deg,
    inclination_down_deg,
    inclination_up_deg,
    knee_flexion_deg,
    pelvic_drop_deg,
    sample_at,
)
from gait.posedata import point as _pt

if TYPE_CHECKING:
    from gait.analysis import AnalysisResult

SIDES = ("left", "right")
#: Points of a normalised gait cycle (0, 1, ..., 100 %).
CYCLE_POINTS = 101


@dataclass(frozen=True)
class AngleSpec:
    """A per-frame angle the report can plot.

    Attributes
    ----------
    name : str
        Key (see the module docstring).
    label : str
        Display name.
    views : tuple of str
        Views that support it.
    metric : str
        The registry metric it underlies (its typical range is shaded in plots).
    positive : str
        What a positive value means, in words.
    """

    name: str
    label: str
    views: tuple[str, ...]
    metric: str
    positive: str


ANGLES: dict[str, AngleSpec] = {
    a.name: a
    for a in (
        AngleSpec(
            "knee_flexion",
            "Knee flexion",
            ("side",),
            "knee_flexion_midstance_deg",
            "knee bent; 0 = straight leg",
        ),
        AngleSpec(
            "trunk_lean",
            "Trunk forward lean",
            ("side",),
            "trunk_lean_deg",
            "trunk leaning forward from vertical",
        ),
        AngleSpec(
            "ankle_dorsiflexion",
            "Ankle dorsiflexion",
            ("side",),
            "ankle_dorsiflexion_midstance_deg",
            "shin tipped forward over the foot",
        ),
        AngleSpec(
            "shank_angle",
            "Shank (shin) angle",
            ("side",),
            "shank_angle_ic_deg",
            "ankle ahead of the knee",
        ),
        AngleSpec(
            "pelvic_tilt",
            "Pelvic tilt (frontal)",
            ("rear", "front"),
            "pelvic_drop_deg",
            "the other side's hip lower",
        ),
        AngleSpec(
            "knee_frontal",
            "Knee frontal-plane angle",
            ("rear", "front"),
            "knee_valgus_deg",
            "knee toward the midline (valgus)",
        ),
    )
}


def angles_for_view(view: str) -> list[str]:
    """Names of the angle series a view supports, in display order."""
    return [name for name, spec in ANGLES.items() if view in spec.views]


def _oriented(xy: np.ndarray, direction: np.ndarray | float) -> np.ndarray:
    """Image (x right, y down) -> oriented (u forward along travel, v up), per frame."""
    d = np.broadcast_to(np.asarray(direction, dtype=float), xy.shape[:1])
    out = np.empty_like(xy, dtype=float)
    out[..., 0] = xy[..., 0] * d[:, None]
    out[..., 1] = -xy[..., 1]
    return out


def angle_series(
    xy: np.ndarray, *, view: str, direction: np.ndarray | float = 1.0
) -> dict[str, dict[str, np.ndarray]]:
    """Every angle the view supports, frame by frame and per side.

    Parameters
    ----------
    xy : ndarray of shape (n, 33, 2)
        Cleaned, roll-levelled image coordinates in pixels.
    view : {"side", "rear", "front"}
    direction : ndarray of shape (n,) or float
        +1 where the runner faces image +x, -1 where they face -x (side view).

    Returns
    -------
    dict of str to dict of str to ndarray of shape (n,)
        ``series[name][side]`` in degrees, NaN where a landmark is missing.
    """
    out: dict[str, dict[str, np.ndarray]] = {}
    if view == "side":
        o = _oriented(xy, direction)
        # a zero direction (unknown facing) makes the oriented x meaningless
        d = np.broadcast_to(np.asarray(direction, dtype=float), xy.shape[:1])
        o[d == 0] = np.nan
        mid_hip = 0.5 * (_pt(o, "left_hip") + _pt(o, "right_hip"))
        mid_sh = 0.5 * (_pt(o, "left_shoulder") + _pt(o, "right_shoulder"))
        trunk = inclination_up_deg(mid_hip, mid_sh)
        knee, ankle, shank, trunk_s = {}, {}, {}, {}
        for s in SIDES:
            hip_, knee_, ank_ = (_pt(o, f"{s}_{p}") for p in ("hip", "knee", "ankle"))
            heel, toe = _pt(o, f"{s}_heel"), _pt(o, f"{s}_foot_index")
            knee[s] = knee_flexion_deg(hip_, knee_, ank_)
            ankle[s] = ankle_dorsiflexion_deg(knee_, ank_, heel, toe)
            shank[s] = inclination_down_deg(knee_, ank_)
            trunk_s[s] = trunk
        out = {
            "knee_flexion": knee,
            "trunk_lean": trunk_s,
            "ankle_dorsiflexion": ankle,
            "shank_angle": shank,
        }
    elif view in ("rear", "front"):
        xy = np.asarray(xy, dtype=float)
        left_dir = -1.0 if view == "rear" else 1.0  # image direction of the runner's left
        pelvis, knee = {}, {}
        for s in SIDES:
            other = "right" if s == "left" else "left"
            pelvis[s] = pelvic_drop_deg(_pt(xy, f"{s}_hip"), _pt(xy, f"{other}_hip"))
            own = (1.0 if s == "left" else -1.0) * left_dir
            medial = np.full(xy.shape[0], -own)
            knee[s] = frontal_knee_angle_deg(
                _pt(xy, f"{s}_hip"), _pt(xy, f"{s}_knee"), _pt(xy, f"{s}_ankle"), medial
            )
        out = {"pelvic_tilt": pelvis, "knee_frontal": knee}
    return out


def result_series(result: AnalysisResult) -> dict[str, dict[str, np.ndarray]]:
    """:func:`angle_series` of an analysis result's cleaned landmarks, with the ankle
    angle referenced to each foot's midstance (foot-flat) angle like the dorsiflexion
    metric (the strides' ``foot_flat_offset_deg``)."""
    xy = result.cleaned.image_px[:, :, :2]
    series = angle_series(xy, view=result.view.kind, direction=result.view.direction)
    strides = result.strides
    if "ankle_dorsiflexion" in series and "foot_flat_offset_deg" in strides:
        for side, values in series["ankle_dorsiflexion"].items():
            offset = strides.loc[strides["side"] == side, "foot_flat_offset_deg"].dropna()
            if len(offset):
                values -= float(offset.iloc[0])
    return series


@dataclass(frozen=True)
class Cycles:
    """Strides of one side resampled to the normalised gait cycle.

    Attributes
    ----------
    side : str
    pct : ndarray of shape (101,)
        0, 1, ..., 100 % of the cycle.
    values : ndarray of shape (k, 101)
        One row per stride (NaN where the angle is missing).
    valid : ndarray of shape (k,) bool
        The stride is valid (its metrics count).
    stride : ndarray of shape (k,) int
        Stride number of each row (the strides table's ``stride`` column).
    to_pct, ms_pct : ndarray of shape (k,)
        Toe-off and midstance as % of each cycle.
    """

    side: str
    pct: np.ndarray
    values: np.ndarray
    valid: np.ndarray
    stride: np.ndarray
    to_pct: np.ndarray
    ms_pct: np.ndarray

    def band(self, kind: str = "iqr") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Median curve and band (IQR or min-max) over the valid strides.

        Returns
        -------
        (median, low, high) : tuple of ndarray of shape (101,)
            All NaN when no valid stride has a value there.
        """
        v = self.values[self.valid]
        if v.shape[0] == 0:
            nan = np.full(self.pct.shape, np.nan)
            return nan, nan.copy(), nan.copy()
        q = (25.0, 75.0) if kind == "iqr" else (0.0, 100.0)
        ok = np.isfinite(v).any(axis=0)
        med = np.full(self.pct.shape, np.nan)
        lo, hi = med.copy(), med.copy()
        if ok.any():
            vv = v[:, ok]
            med[ok] = np.nanmedian(vv, axis=0)
            lo[ok], hi[ok] = np.nanpercentile(vv, q, axis=0)
        return med, lo, hi


def cycles(
    series: np.ndarray, strides: pd.DataFrame, side: str, *, n_points: int = CYCLE_POINTS
) -> Cycles:
    """Cut a per-frame series into this side's strides, IC to next IC, on a 0-100 % grid.

    Parameters
    ----------
    series : ndarray of shape (n,)
        Per-frame values (e.g. one side of :func:`angle_series`).
    strides : DataFrame
        The analysis' strides (``side``, ``stride``, ``ic_pos``, ``next_ic_pos``,
        ``ms_pos``, ``to_pos``, ``valid``); positions are fractional frame indices.
    side : {"left", "right"}
    n_points : int
        Samples per cycle.

    Returns
    -------
    Cycles
        Strides without a next contact are left out.
    """
    pct = np.linspace(0.0, 100.0, n_points)
    empty = Cycles(
        side,
        pct,
        np.zeros((0, n_points)),
        np.zeros(0, bool),
        np.zeros(0, int),
        np.zeros(0),
        np.zeros(0),
    )
    if strides.empty or "ic_pos" not in strides:
        return empty
    s = strides.loc[strides["side"] == side]
    ic = s["ic_pos"].to_numpy(dtype=float)
    nxt = s["next_ic_pos"].to_numpy(dtype=float)
    keep = np.isfinite(ic) & np.isfinite(nxt) & (nxt > ic)
    if not keep.any():
        return empty
    s, ic, nxt = s.loc[keep], ic[keep], nxt[keep]
    frac = pct / 100.0
    pos = ic[:, None] + (nxt - ic)[:, None] * frac[None, :]  # (k, n_points)
    vals = sample_at(np.asarray(series, dtype=float), pos.ravel()).reshape(pos.shape)
    span = nxt - ic
    to_pct = 100.0 * (s["to_pos"].to_numpy(dtype=float) - ic) / span
    ms_pct = 100.0 * (s["ms_pos"].to_numpy(dtype=float) - ic) / span
    return Cycles(
        side=side,
        pct=pct,
        values=vals,
        valid=s["valid"].to_numpy(dtype=bool),
        stride=s["stride"].to_numpy(dtype=int),
        to_pct=to_pct,
        ms_pct=ms_pct,
    )
