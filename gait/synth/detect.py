"""Run MediaPipe PoseLandmarker on rendered frames, and score what the analysis makes of
them against the truth (for tests and benchmarks).

The model bundle comes from ``gait.models.ensure_model("full", offline=True)`` (the
verified cache, never the network; ``scripts/install`` provisions it).  MediaPipe's
Tasks API is called directly (VIDEO mode, one pose) so these checks do not depend on the
extraction stage.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np


def model_path() -> Path | None:
    """Path of the full pose model bundle, or None if none is available."""
    from gait.errors import ModelError
    from gait.models import ensure_model

    try:
        return Path(ensure_model("full", offline=True))
    except ModelError:
        return None


def detect_frames(frames: Iterable[np.ndarray], fps: float, model: Path) -> np.ndarray:
    """Image landmarks (n, 33, 3) in pixels (x, y, visibility); NaN rows where no pose.

    ``frames`` are RGB uint8 arrays; VIDEO running mode with timestamps ``frame / fps``.
    """
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model)),
        running_mode=vision.RunningMode.VIDEO,
        num_poses=1,
    )
    out = []
    with vision.PoseLandmarker.create_from_options(options) as landmarker:
        for i, rgb in enumerate(frames):
            h, w = rgb.shape[:2]
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
            res = landmarker.detect_for_video(image, round(i * 1000 / fps))
            row = np.full((33, 3), np.nan)
            if res.pose_landmarks:
                lm = res.pose_landmarks[0]
                row[:] = [[p.x * w, p.y * h, p.visibility] for p in lm]
            out.append(row)
    return np.array(out)


def read_video(path: str | Path) -> tuple[list[np.ndarray], float]:
    """Decode a video with OpenCV: (RGB frames, fps)."""
    import cv2

    cap = cv2.VideoCapture(str(path))
    fps = float(cap.get(cv2.CAP_PROP_FPS))
    frames = []
    while True:
        ok, bgr = cap.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    cap.release()
    return frames, fps


def label_agreement(detected: Any, true_xy: np.ndarray) -> float:
    """Share of the frames where the true feet are apart (> 0.3 leg) whose ankle labels,
    after :func:`gait.clean.find_leg_swaps` on the gated landmarks ``detected``
    (PoseData), are the true ones (``true_xy``: (n, 33, 2) true image points)."""
    from gait.clean import find_leg_swaps, gate_visibility
    from gait.posedata import LANDMARK_INDEX as LI

    swap = find_leg_swaps(gate_visibility(detected).image_px[..., :2], detected.fps)
    p = detected.image_px[..., :2]
    lf, rt, hip = LI["left_ankle"], LI["right_ankle"], LI["left_hip"]
    same = np.linalg.norm(p[:, lf] - true_xy[:, lf], axis=1) + np.linalg.norm(
        p[:, rt] - true_xy[:, rt], axis=1
    )
    cross = np.linalg.norm(p[:, lf] - true_xy[:, rt], axis=1) + np.linalg.norm(
        p[:, rt] - true_xy[:, lf], axis=1
    )
    leg = np.median(np.linalg.norm(true_xy[:, hip] - true_xy[:, lf], axis=1))
    clear = np.linalg.norm(true_xy[:, lf] - true_xy[:, rt], axis=1) > 0.3 * leg
    return float(((cross < same) == swap)[clear].mean())


def event_errors_ms(
    events: Any, truth: dict[str, Any], kind: str, end_s: float
) -> tuple[np.ndarray, int]:
    """Detected minus true time (ms) of each true event of ``kind`` away from the clip's
    ends (0.15 s) and from a contact that began before the clip (nearest detected event
    of the same foot and kind in ``events``), and the number of true events with no
    detected one within 150 ms plus detected ones with no true one."""
    errs, unmatched = [], 0
    for side in ("left", "right"):
        true_all = np.asarray(truth["events"][side][f"{kind}_s"], dtype=float)
        # events of contacts whose landing is in the clip (no IC, no contact reported)
        first_ic = float(np.min(truth["events"][side]["ic_s"]))
        true = true_all[(true_all > max(0.15, first_ic - 1e-9)) & (true_all < end_s - 0.15)]
        rows = (events["side"] == side) & (events["kind"] == kind)
        found = events[rows]["time_s"].to_numpy(dtype=float)
        found = found[np.isfinite(found)]
        for t in true:
            d = found - t
            if found.size and np.min(np.abs(d)) < 0.15:
                errs.append(1000.0 * d[np.argmin(np.abs(d))])
            else:
                unmatched += 1
        inner = found[(found > 0.15) & (found < end_s - 0.15)]
        unmatched += int(sum(np.min(np.abs(true_all - f)) >= 0.15 for f in inner))
    return np.asarray(errs), unmatched


def landmark_error_parts(
    detected: np.ndarray, true: np.ndarray, time_s: np.ndarray, ic_s: np.ndarray, *, bins: int = 20
) -> dict[str, float]:
    """Split a pose model's landmark error into a part that repeats every stride and a
    random remainder.

    ``detected`` and ``true`` are (n, 2) image points of one landmark (pixels; NaN where
    missing), ``time_s`` (n,) their frame times and ``ic_s`` the true initial contacts of
    one foot (the stride boundaries).  The error minus its median is averaged per phase
    bin of the stride (``bins`` per stride, frames outside the first and last contact
    left out): that average is the *phase-locked* part - the same error at the same
    moment of every stride, which the median of a metric over strides keeps (a landmark
    bias).  What is left is the *random* part.

    Returns
    -------
    dict
        ``total_rms``, ``locked_rms``, ``random_rms`` (px, root mean square over both
        coordinates), ``random_sd`` (robust: 1.4826 MAD) and ``random_step_sd`` (robust SD
        of the random part's frame-to-frame change over sqrt 2: equal to ``random_sd`` for
        independent frames, smaller when the errors of neighbouring frames move together).
    """
    err = np.asarray(detected, dtype=float) - np.asarray(true, dtype=float)
    err = err - np.nanmedian(err, axis=0)
    t = np.asarray(time_s, dtype=float)
    ic = np.sort(np.asarray(ic_s, dtype=float))
    k = np.searchsorted(ic, t, side="right") - 1
    inside = (k >= 0) & (k < ic.size - 1)
    phase_bin = np.full(t.size, -1)
    kk = k[inside]
    frac = (t[inside] - ic[kk]) / (ic[kk + 1] - ic[kk])
    phase_bin[inside] = np.minimum((frac * bins).astype(int), bins - 1)
    locked = np.full_like(err, np.nan)
    for b in range(bins):
        rows = phase_bin == b
        if rows.any():
            locked[rows] = np.nanmean(err[rows], axis=0)
    rand = err - locked
    err = np.where(inside[:, None], err, np.nan)

    def rms(a: np.ndarray) -> float:
        return float(np.sqrt(np.nanmean(a**2)))

    def robust_sd(a: np.ndarray) -> float:
        a = a[np.isfinite(a)]
        return float(1.4826 * np.median(np.abs(a - np.median(a)))) if a.size else float("nan")

    return {
        "total_rms": rms(err),
        "locked_rms": rms(locked),
        "random_rms": rms(rand),
        "random_sd": robust_sd(rand),
        "random_step_sd": robust_sd(np.diff(rand, axis=0)) / float(np.sqrt(2.0)),
    }
