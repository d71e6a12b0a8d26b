"""Timing sanity: repeated (duplicated or frozen) frames and slowed or sped-up footage.

Two independent checks:

* :func:`find_repeated_frames` - a frame whose landmarks equal the previous frame's is a
  repeat (a duplicated video frame, or a frozen stretch).  When every frame appears twice
  the clip's real temporal resolution is half its frame rate; a frozen start holds no
  motion.  :func:`mask_repeated_frames` turns repeats into missing samples so cleaning
  interpolates them instead of differentiating a staircase.
* :func:`check_speed` - running has a cadence of roughly 140-220 steps/min with a duty
  factor below 50 %.  A clip whose step rhythm says 57 steps/min while the feet still
  have a flight phase is running slowed about 3x (phone slow motion re-encoded at normal
  frame rate); the warning names the factor and the ``--slowmo FACTOR`` fix, and the
  timing metrics are withheld rather than reported wrong.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gait.posedata import LANDMARK_INDEX, PoseData

#: Typical running cadence used to express the likely slow-motion factor (steps/min).
TYPICAL_CADENCE_SPM = 170.0
#: Cadence range accepted as real-time running (steps/min).
RUNNING_CADENCE_SPM = (125.0, 240.0)


@dataclass(frozen=True)
class RepeatReport:
    """Repeated frames in a clip.

    Attributes
    ----------
    repeated : ndarray of shape (n,) bool
        Frame equals the previous frame.
    fraction : float
        Fraction of frames that are repeats.
    factor : int
        Typical number of times each distinct frame is shown (1 = no duplication).
    frozen_start_s : float
        Duration of a frozen stretch at the start, in seconds.
    longest_freeze_s : float
        Longest run of repeats anywhere, in seconds.
    warnings : list of str
    """

    repeated: np.ndarray
    fraction: float
    factor: int
    frozen_start_s: float
    longest_freeze_s: float
    warnings: list[str]


_MOTION_LANDMARKS = tuple(
    f"{side}_{part}" for side in ("left", "right") for part in ("shoulder", "hip", "knee", "ankle")
)


def frame_motion_px(pose: PoseData) -> np.ndarray:
    """(n,) median displacement of 8 body landmarks since the previous frame, pixels.

    Frame 0 gets +inf; frames without comparable landmarks get NaN.
    """
    idx = [LANDMARK_INDEX[n] for n in _MOTION_LANDMARKS]
    xy = pose.image_px[:, idx, :2]
    dxy = np.diff(xy, axis=0)
    d = np.hypot(dxy[..., 0], dxy[..., 1])
    d = np.where(np.isfinite(d), d, np.nan)
    finite = np.isfinite(d)
    full = finite.all(axis=1)
    part = finite.any(axis=1) & ~full
    med = np.full(d.shape[0], np.nan)
    med[full] = np.median(d[full], axis=1)
    if part.any():
        med[part] = np.nanmedian(d[part], axis=1)
    return np.concatenate([[np.inf], med])


def find_repeated_frames(
    pose: PoseData, *, rel_tol: float = 0.03, abs_tol_px: float = 1e-3
) -> RepeatReport:
    """Detect duplicated and frozen frames from the landmarks.

    A frame is a repeat when its median landmark displacement is below
    ``max(abs_tol_px, rel_tol * typical)``, where ``typical`` is the 75th percentile of the
    displacements (robust to half of the frames being repeats).

    Parameters
    ----------
    pose : PoseData
    rel_tol : float
        Relative tolerance on the displacement.
    abs_tol_px : float
        Absolute tolerance in pixels.

    Returns
    -------
    RepeatReport
    """
    m = frame_motion_px(pose)
    n = m.size
    finite = m[np.isfinite(m)]
    typical = float(np.percentile(finite, 75)) if finite.size else 0.0
    rep = np.isfinite(m) & (m <= max(abs_tol_px, rel_tol * typical))
    fraction = float(rep.mean()) if n else 0.0
    d = np.diff(np.concatenate([[0], rep.astype(np.int8), [0]]))
    starts, stops = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
    runs = stops - starts
    dt = 1.0 / pose.fps
    frozen_start = float(runs[0] * dt) if starts.size and starts[0] == 1 else 0.0
    longest = float(runs.max() * dt) if runs.size else 0.0
    warnings: list[str] = []
    factor = 1
    if fraction > 0.3:
        factor = round(1.0 / max(1e-9, 1.0 - fraction))
        warnings.append(
            f"{100 * fraction:.0f} % of frames repeat the previous one: each frame appears "
            f"about {factor}x, so the real temporal resolution is about "
            f"{pose.fps / factor:.0f} fps, not {pose.fps:.0f} (duplicated-frame factor "
            f"{factor}); if the clip was slowed down this way, re-run with --slowmo {factor}"
        )
    if frozen_start >= 0.2:
        warnings.append(
            f"the first {frozen_start:.2f} s are frozen (identical frames); they are ignored"
        )
    elif longest >= 0.2:
        warnings.append(f"the video freezes for up to {longest:.2f} s; those frames are ignored")
    return RepeatReport(rep, fraction, factor, frozen_start, longest, warnings)


def mask_repeated_frames(pose: PoseData, repeated: np.ndarray) -> PoseData:
    """Copy of ``pose`` with repeated frames' landmarks set missing (NaN, visibility 0)."""
    if not repeated.any():
        return pose
    image = pose.image_px.copy()
    vis = pose.visibility.copy()
    image[repeated] = np.nan
    vis[repeated] = 0.0
    return dataclasses.replace(pose, image_px=image, visibility=vis)


@dataclass(frozen=True)
class SpeedCheck:
    """Result of the real-time check on the step rhythm.

    Attributes
    ----------
    cadence_spm : float
        Cadence as measured in clip time (NaN if no steps).
    duty_factor : float
        Median contact / stride time (scale-free).
    factor : float
        Likely slow-motion factor: >1 slowed down, <1 sped up, 1 plausible real time.
    plausible : bool
        Timing looks like real-time running.
    warning : str or None
    """

    cadence_spm: float
    duty_factor: float
    factor: float
    plausible: bool
    warning: str | None


def _round_factor(f: float) -> float:
    if f >= 1.75:
        return float(round(f))
    if f <= 0.6:
        return float(1.0 / round(1.0 / f))
    return float(round(f * 2) / 2)


def check_speed(events: pd.DataFrame) -> SpeedCheck:
    """Is the step rhythm that of real-time running?

    Uses every detected contact, valid or not: step time = median interval between
    consecutive initial contacts of alternating feet; duty factor = median contact time /
    stride time.  A cadence below the running range with a duty factor under 50 % (a
    flight phase, so not walking) means slowed footage; above it, sped-up footage.

    Parameters
    ----------
    events : DataFrame
        Output of :func:`gait.events.detect_events`.

    Returns
    -------
    SpeedCheck
    """
    ic = events[events["kind"] == "ic"].sort_values("time_s")
    to = events[events["kind"] == "to"]
    if len(ic) < 3:
        return SpeedCheck(float("nan"), float("nan"), 1.0, True, None)
    t = ic["time_s"].to_numpy()
    sides = ic["side"].to_numpy()
    alt = sides[1:] != sides[:-1]
    steps = np.diff(t)[alt]
    if steps.size == 0:
        return SpeedCheck(float("nan"), float("nan"), 1.0, True, None)
    step = float(np.median(steps))
    cadence = 60.0 / step
    duty = float("nan")
    stride_list, contact_list = [], []
    for side in ("left", "right"):
        ti = ic.loc[ic["side"] == side, "time_s"].to_numpy()
        tt = to.loc[to["side"] == side].sort_values("time_s")["time_s"].to_numpy()
        if ti.size >= 2 and tt.size:
            stride_list.append(np.diff(ti))
            k = min(ti.size, tt.size)
            contact_list.append(tt[:k] - ti[:k])
    if stride_list and contact_list:
        c = np.concatenate(contact_list)
        c = c[c > 0]
        if c.size:
            duty = float(np.median(c) / np.median(np.concatenate(stride_list)))
    lo, hi = RUNNING_CADENCE_SPM
    running_like = not (np.isfinite(duty) and duty > 0.55)
    if lo <= cadence <= hi or not running_like:
        return SpeedCheck(cadence, duty, 1.0, True, None)
    factor = _round_factor(TYPICAL_CADENCE_SPM / cadence)
    if factor > 1:
        msg = (
            f"the step rhythm ({cadence:.0f} steps/min with a flight phase) is too slow for "
            f"running: the clip looks slowed down about {factor:g}x (slow motion); cadence "
            f"and contact times are not reported - re-run with --slowmo {factor:g}"
        )
    else:
        msg = (
            f"the step rhythm ({cadence:.0f} steps/min) is too fast for running: the clip "
            f"looks sped up about {1 / factor:g}x; cadence and contact times are not "
            f"reported - re-run with --slowmo {factor:g}"
        )
    return SpeedCheck(cadence, duty, factor, False, msg)
