"""The cleaning as one call (:func:`clean_pose`): visibility gating, leg-swap repair,
outliers, gaps and the low-pass in order, with what it did recorded; and which samples
it filled in (:func:`interpolated_mask`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from gait._runs import true_runs
from gait.clean.filters import (
    MIN_JITTER_LEG_S,
    effective_cutoff_hz,
    hampel,
    interpolate_gaps,
    jitter_leg_s,
    lowpass,
    noise_px,
    residual_cutoff_hz,
)
from gait.clean.swaps import _leg_indices, _swap_permutation, find_leg_swaps
from gait.errors import ConfigError
from gait.posedata import (
    LANDMARK_INDEX,
    LANDMARK_NAMES,
    N_LANDMARKS,
    PoseData,
    _landmark_major,
    _replace,
)

#: Landmarks the gait core reads; cleaning is restricted to them by default.
CORE_LANDMARKS: tuple[str, ...] = (
    "nose",
    "left_ear",
    "right_ear",
    "left_shoulder",
    "right_shoulder",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
)


_TORSO = {LANDMARK_INDEX[n] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip")}


def gate_visibility(
    pose: PoseData, *, min_visibility: float = 0.5, min_presence: float = 0.0
) -> PoseData:
    """Mark landmarks whose visibility or presence is below a threshold as missing.

    Parameters
    ----------
    pose : PoseData
        Input landmarks; ``image_px`` has shape (n, 33, 3).
    min_visibility, min_presence : float
        Thresholds in [0, 1]; a point below either becomes NaN in ``image_px``.

    Returns
    -------
    PoseData
        A copy with the gated points set to NaN (never 0).
    """
    low = (pose.visibility < min_visibility) | (pose.presence < min_presence)
    if not low.any():
        return pose
    image = pose.image_px.copy()
    image[low] = np.nan
    return dataclasses.replace(pose, image_px=image)


def leg_scale_px(xy: np.ndarray) -> float:
    """Median leg length (hip -> knee -> ankle, both legs) in pixels; 0 if unknown."""
    _li, _ = _leg_indices()
    vals = []
    for side in ("left", "right"):
        h, k, a = (xy[:, LANDMARK_INDEX[f"{side}_{p}"]] for p in ("hip", "knee", "ankle"))
        vals.append(np.linalg.norm(h - k, axis=1) + np.linalg.norm(k - a, axis=1))
    v = np.concatenate(vals)
    v = v[np.isfinite(v)]
    return float(np.median(v)) if v.size else 0.0


def _filled_runs(filled: np.ndarray, idx: np.ndarray) -> dict[str, list[list[int]]]:
    """``{"<landmark>.<x|y>": [[start, stop], ...]}``: the True runs of ``filled`` (n, k,
    2), whose column c is landmark ``idx[c]``; coordinates without a run are left out."""
    out: dict[str, list[list[int]]] = {}
    for c, a in zip(*np.nonzero(filled.any(axis=0)), strict=True):
        start, stop = true_runs(filled[:, c, a])
        key = f"{LANDMARK_NAMES[int(idx[c])]}.{'xy'[a]}"
        out[key] = np.stack([start, stop], axis=1).tolist()
    return out


def interpolated_mask(pose: PoseData) -> np.ndarray:
    """(n, 33, 2) bool: the image x, y samples :func:`clean_pose` filled by interpolation.

    Read from ``settings["cleaning"]["interpolated_runs"]``; all False for a pose that
    was not cleaned.  A filled sample - missing, or rejected as an outlier, then
    interpolated - is a straight line between the real samples around its gap, so an
    event timed on it (a foot landing inside the gap) is a guess.  x and y are told
    apart: the outlier filter may reject one and keep the other.
    """
    mask = np.zeros((pose.n_frames, N_LANDMARKS, 2), dtype=bool)
    runs = pose.settings.get("cleaning", {}).get("interpolated_runs", {})
    for key, spans in runs.items():
        name, axis = key.rsplit(".", 1)
        se = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
        d = np.zeros(pose.n_frames + 1, dtype=np.int64)
        np.add.at(d, se[:, 0], 1)
        np.add.at(d, se[:, 1], -1)
        mask[:, LANDMARK_INDEX[name], "xy".index(axis)] = np.cumsum(d[:-1]) > 0
    return mask


def filter_pose(
    pose: PoseData,
    *,
    cutoff_hz: float | None,
    landmarks: Sequence[str] | None = CORE_LANDMARKS,
) -> PoseData:
    """Low-pass the image x, y of some landmarks (see :func:`lowpass`); None = unchanged.

    Returns
    -------
    PoseData
        Copy with ``settings["filter_cutoff_hz"]`` recording the cut-off used.
    """
    if cutoff_hz is None:
        return dataclasses.replace(pose, settings={**pose.settings, "filter_cutoff_hz": None})
    cut = effective_cutoff_hz(cutoff_hz, pose.fps)
    idx = _landmark_indices(landmarks, pose.image_px.shape[1])
    image = pose.image_px.copy()
    image[:, idx, :2] = lowpass(image[:, idx, :2], pose.fps, cutoff_hz=cut)
    return dataclasses.replace(
        pose, image_px=image, settings={**pose.settings, "filter_cutoff_hz": cut}
    )


#: Frame rate down to which the Hampel filter's smallest outlier deviation
#: (``hampel_min_leg``) holds; below it the deviation grows with the square of the frame
#: interval.  Real motion strays from its 5-sample running median about as much as it
#: covers in a frame where it turns sharply (a foot landing): on the exact synthetic
#: runner up to 0.07 leg at 30 fps, 0.09-0.10 at 24-25 and 0.13 at 20, so the fixed
#: 0.08 leg took real samples for outliers below 30 fps (7-43 of them at 24-25 fps,
#: 113-142 at 20, and 3 of 14 strides of the forefoot runner at 24 fps).  Kept at 30 fps
#: and up, where it rejects MediaPipe's own glitches on the real clips: a floor of 6 leg
#: lengths per second times the frame interval (0.2 leg at 30 fps) let them through, and
#: the real walking clip read "sped up 2x" instead of walking.
HAMPEL_REFERENCE_FPS = 30.0


def clean_pose(
    pose: PoseData,
    *,
    landmarks: Sequence[str] | None = CORE_LANDMARKS,
    min_visibility: float = 0.5,
    min_presence: float = 0.0,
    repair_swaps: bool = True,
    swap_prior_per_s: float = 3.0,
    hampel_window_s: float = 0.1,
    hampel_sigmas: float = 3.0,
    hampel_min_leg: float = 0.08,
    max_gap_s: float = 0.3,
    cutoff_hz: float | str | None = "auto",
    min_jitter: float = MIN_JITTER_LEG_S,
) -> PoseData:
    """Run the whole cleaning chain on the image landmarks.

    Parameters
    ----------
    pose : PoseData
        Raw landmarks.
    landmarks : sequence of str or None
        Landmarks whose x, y are despiked, gap-filled and filtered (None = all 33);
        the others are only gated.
    min_visibility, min_presence : float
        Gating thresholds (see :func:`gate_visibility`).
    repair_swaps : bool
        Undo short leg label swaps (see :func:`repair_leg_swaps`).
    swap_prior_per_s : float
        Cost of one second of swapped leg labels (see :func:`find_leg_swaps`).
    hampel_window_s, hampel_sigmas, hampel_min_leg : float
        Hampel window in seconds, threshold in robust SDs, and the smallest deviation, as
        a fraction of the leg length (hip -> knee -> ankle), that can count as an outlier
        (keeps fast but real foot motion from being flagged), at
        :data:`HAMPEL_REFERENCE_FPS` and above; below it, that times the square of the
        ratio of the frame rates (a runner's own motion strays further from the running
        median between sparser frames).
    max_gap_s : float
        Longest gap interpolated, in seconds.
    cutoff_hz : float, "auto" or None
        Low-pass cut-off in Hz, capped below Nyquist; "auto" chooses it by residual
        analysis (:func:`residual_cutoff_hz`), or no filtering when the torso jitter
        is below ``min_jitter``; None = no filtering.
    min_jitter : float
        Jitter in leg lengths per second (:data:`MIN_JITTER_LEG_S`) below which "auto"
        does not filter.

    Returns
    -------
    PoseData
        Cleaned copy; ``settings["cleaning"]`` records the options, the counts of
        gated, swapped, rejected and interpolated points, and under
        ``interpolated_runs`` the [start, stop) frame runs filled per landmark and
        coordinate (see :func:`interpolated_mask`).
    """
    if max_gap_s < 0 or hampel_window_s <= 0:
        raise ConfigError("max_gap_s must be >= 0 and hampel_window_s > 0")
    # one landmark-major copy of the image points, gated, swapped and cleaned in place
    # (the later stages read landmarks one at a time: contiguous that way)
    image = _landmark_major(pose.image_px)
    n_gated = _gate_in_place(image, pose, min_visibility, min_presence)
    swap = (
        find_leg_swaps(image[:, :, :2], pose.fps, prior_per_s=swap_prior_per_s)
        if repair_swaps
        else np.zeros(pose.n_frames, dtype=bool)
    )
    n_swapped = int(swap.sum())
    fields = _swap_legs_in_place(image, pose, swap) if n_swapped else {}
    idx = _landmark_indices(landmarks, pose.image_px.shape[1])
    xy = image[:, idx, :2]
    window = round(hampel_window_s * pose.fps)
    leg = leg_scale_px(image[:, :, :2])
    scale = (HAMPEL_REFERENCE_FPS / pose.fps) ** 2 if 0 < pose.fps < HAMPEL_REFERENCE_FPS else 1.0
    min_dev = hampel_min_leg * scale * leg
    xy, outliers = hampel(xy, window=window, n_sigmas=hampel_sigmas, min_deviation=min_dev)
    missing_before = np.isnan(xy)
    xy = interpolate_gaps(xy, pose.time_s, max_gap_s=max_gap_s)
    filled = missing_before & ~np.isnan(xy)  # (n, len(idx), 2)
    torso = [i for i, k in enumerate(idx) if k in _TORSO]
    jitter = noise_px(xy[:, torso]) if torso else float("nan")
    used_cut = _cleaning_cutoff_hz(cutoff_hz, xy, pose.fps, jitter, leg, min_jitter)
    if used_cut is not None:
        xy = lowpass(xy, pose.fps, cutoff_hz=used_cut)
    image[:, idx, :2] = xy
    image[:, idx, 2] = np.where(np.isnan(xy[..., 0]), np.nan, image[:, idx, 2])
    record: dict[str, Any] = {
        "min_visibility": min_visibility,
        "min_presence": min_presence,
        "swap_prior_per_s": swap_prior_per_s if repair_swaps else None,
        "hampel_window_s": hampel_window_s,
        "hampel_sigmas": hampel_sigmas,
        "hampel_min_px": round(min_dev, 3),
        "max_gap_s": max_gap_s,
        "cutoff_hz": used_cut,
        "noise_px": round(jitter, 3) if np.isfinite(jitter) else None,
        "n_gated": n_gated,
        "n_swapped_frames": n_swapped,
        "n_outliers": int(outliers[..., 0].sum()),
        "n_interpolated": int(filled.sum()) // 2,
        "interpolated_runs": _filled_runs(filled, idx),
    }
    settings = {**dict(pose.settings), "cleaning": record}
    # derived from a validated PoseData (NaN where missing, never infinite): no re-check
    return _replace(pose, image_px=image, settings=settings, **fields)


def _landmark_indices(landmarks: Sequence[str] | None, n_landmarks: int) -> np.ndarray:
    """Indices of the named landmarks; all ``n_landmarks`` of them for None."""
    return (
        np.arange(n_landmarks)
        if landmarks is None
        else np.array([LANDMARK_INDEX[name] for name in landmarks])
    )


def _gate_in_place(
    image: np.ndarray, pose: PoseData, min_visibility: float, min_presence: float
) -> int:
    """Set the points of ``image`` (``pose``'s landmarks, landmark-major) whose visibility
    or presence is below its threshold to NaN; returns how many were not already NaN."""
    low = (pose.visibility < min_visibility) | (pose.presence < min_presence)
    n_gated = 0
    if low.any():
        n_gated = int((low & ~np.isnan(image[..., 0])).sum())
        image[low] = np.nan
    return n_gated


def _swap_legs_in_place(
    image: np.ndarray, pose: PoseData, swap: np.ndarray
) -> dict[str, np.ndarray]:
    """Swap the left and right landmarks of ``image`` on the frames ``swap``; returns
    ``pose``'s visibility, presence and world points swapped likewise (new arrays)."""
    perm = _swap_permutation(image.shape[1])
    image[swap] = image[swap][:, perm]
    fields: dict[str, np.ndarray] = {}
    for name in ("visibility", "presence", "world_m"):
        arr = getattr(pose, name).copy()
        arr[swap] = arr[swap][:, perm]
        fields[name] = arr
    return fields


def _cleaning_cutoff_hz(
    cutoff_hz: float | str | None,
    xy: np.ndarray,
    fps: float,
    jitter_px: float,
    leg_px: float,
    min_jitter: float,
) -> float | None:
    """The low-pass cut-off :func:`clean_pose` applies to the gap-filled ``xy`` (None: no
    filtering): ``cutoff_hz`` capped below Nyquist or, for "auto", the residual analysis'
    choice once the jitter in leg lengths per second reaches ``min_jitter``."""
    used_cut: float | None = None
    if cutoff_hz == "auto":
        rate = jitter_leg_s(jitter_px, fps, leg_px)
        used_cut = None if rate < min_jitter else residual_cutoff_hz(xy, fps)
    elif isinstance(cutoff_hz, int | float):
        used_cut = effective_cutoff_hz(float(cutoff_hz), fps)
    elif cutoff_hz is not None:
        raise ConfigError(f"cutoff_hz must be a number, 'auto' or None, found {cutoff_hz!r}")
    return used_cut
