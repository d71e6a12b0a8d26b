"""Repeated frames: duplicated video frames and frozen stretches (:func:`find_repeated_frames`),
and the landmarks with the repeats made missing (:func:`mask_repeated_frames`)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from gait._runs import true_runs
from gait.posedata import LANDMARK_INDEX, PoseData


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
    image = pose.image_px
    n = image.shape[0]
    if n < 2:
        return np.full(n, np.inf)
    # one row per landmark: displacement since the previous frame, (8, n - 1)
    d = np.empty((len(idx), n - 1))
    for row, i in enumerate(idx):
        x, y = image[:, i, 0], image[:, i, 1]
        np.hypot(x[1:] - x[:-1], y[1:] - y[:-1], out=d[row])
    d[~np.isfinite(d)] = np.nan
    finite = np.isfinite(d)
    full = finite.all(axis=0)
    part = finite.any(axis=0) & ~full
    # median of complete frames: the mean of the two middle values, picked by a sorting
    # network over the 8 rows (exact, the same numbers as sorting each frame's values)
    med = _middle_mean_of_8(d)
    med[~full] = np.nan
    if part.any():
        med[part] = np.nanmedian(d[:, part], axis=0)
    return np.concatenate([[np.inf], med])


#: Batcher's odd-even merge sort of 8 values: 19 compare-exchanges.
_SORT8 = (
    (0, 1), (2, 3), (4, 5), (6, 7), (0, 2), (1, 3), (4, 6), (5, 7), (1, 2), (5, 6),
    (0, 4), (1, 5), (2, 6), (3, 7), (2, 4), (3, 5), (1, 2), (3, 4), (5, 6),
)  # fmt: skip


def _middle_mean_of_8(d: np.ndarray) -> np.ndarray:
    """Per column of ``d`` (8, m): the mean of its 4th and 5th smallest values."""
    rows = list(d)
    for a, b in _SORT8:
        lo = np.minimum(rows[a], rows[b])
        rows[b] = np.maximum(rows[a], rows[b])
        rows[a] = lo
    return np.asarray((rows[3] + rows[4]) / 2.0)


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
    starts, stops = true_runs(rep)
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
