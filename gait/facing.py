"""Which way a side-view runner faces, frame by frame, and where they turn round.

The evidence is the posture - toes ahead of the heels, the nose ahead of the ears - and,
overground, the direction the hips travel.  It is never read frame by frame (Sports2D
issues #35, #39): it is smoothed over ``min_turn_s``, shorter runs of one facing are
merged into the preceding run, and a stretch without any pose takes its nearest
evidence's facing: a clip is split into segments only by a facing held that long.  Frames
within ``turn_margin_s`` of a turn are flagged (strides containing them are invalid).
:func:`side_facing` answers for :func:`gait.view.detect_view`, on the landmarks levelled
by the camera roll.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gait._runs import next_true, prev_true
from gait.posedata import PoseData
from gait.posedata import point as _pt


def nanmedian(x: np.ndarray) -> float:
    """Median of the finite values of ``x`` (NaN if there are none)."""
    x = x[np.isfinite(x)]
    return float(np.median(x)) if x.size else float("nan")


def _facing_signal(xy: np.ndarray) -> np.ndarray:
    """(n,) per-frame evidence of facing +x: toe ahead of heel, nose ahead of ears."""
    s = np.zeros(xy.shape[0])
    w = np.zeros(xy.shape[0])
    for side in ("left", "right"):
        d = _pt(xy, f"{side}_foot_index")[:, 0] - _pt(xy, f"{side}_heel")[:, 0]
        ok = np.isfinite(d)
        s[ok] += np.sign(d[ok])
        w[ok] += 1
    ears = 0.5 * (_pt(xy, "left_ear")[:, 0] + _pt(xy, "right_ear")[:, 0])
    d = _pt(xy, "nose")[:, 0] - ears
    ok = np.isfinite(d)
    s[ok] += np.sign(d[ok])
    w[ok] += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(w > 0, s / w, np.nan)


def _nearest_true(mask: np.ndarray) -> np.ndarray:
    """For every index, the nearest index where ``mask`` is True (``mask`` has one)."""
    n = mask.size
    idx = np.arange(n)
    prev, nxt = prev_true(mask), next_true(mask)
    prev = np.where(prev < 0, nxt, prev)
    nxt = np.where(nxt >= n, prev, nxt)
    return np.asarray(np.where(idx - prev <= nxt - idx, prev, nxt))


def _segments_of(sign: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    change = np.flatnonzero(np.diff(sign) != 0) + 1
    starts = np.concatenate([[0], change])
    stops = np.concatenate([change, [sign.size]])
    return starts, stops


def side_facing(
    lev: np.ndarray,
    lev_hip: np.ndarray,
    pose: PoseData,
    setting: str,
    view: str | None,
    min_turn_s: float,
    turn_margin_s: float,
) -> tuple[np.ndarray, list[dict[str, Any]], str | None, float, np.ndarray]:
    """A side view's facing: (the (n,) travel direction, +1 towards image +x; the segments
    of constant facing; the facing, None when it changes; its confidence; the (n,) frames
    within ``turn_margin_s`` of a turn).  From the posture cue of the levelled landmarks
    ``lev``, averaged overground with the direction the hips ``lev_hip`` travel; a
    ``side_left`` / ``side_right`` override sets it."""
    n = lev.shape[0]
    turn = np.zeros(n, dtype=bool)
    sig = _facing_signal(lev)
    if setting == "overground":
        v = np.gradient(lev_hip[:, 0]) if n > 1 else np.zeros(n)
        # average the posture cue with the travel direction where both exist
        sv = np.sign(v)
        sig = np.where(np.isfinite(v), np.where(np.isfinite(sig), 0.5 * (sig + sv), sv), sig)
    if view in ("side_left", "side_right"):
        facing = view.split("_")[1]
        direction = np.full(n, 1.0 if facing == "right" else -1.0)
        return direction, [{"start_frame": 0, "stop_frame": n, "facing": facing}], facing, 1.0, turn
    direction, segments, face, face_conf = _facing_segments(sig, pose, min_turn_s)
    if len(segments) > 1:
        margin = round(turn_margin_s * pose.fps)
        for b in _segments_of(direction)[1][:-1]:
            turn[max(0, b - margin) : b + margin] = True
    return direction, segments, face, face_conf, turn


def _facing_segments(
    sig: np.ndarray, pose: PoseData, min_turn_s: float
) -> tuple[np.ndarray, list[dict[str, Any]], str, float]:
    """(direction +1 right / -1 left per frame, the segments of constant facing, the
    facing most frames with evidence show, its confidence) from the facing signal
    ``sig`` (NaN where there is no evidence), smoothed over ``min_turn_s`` and with
    shorter runs merged into the preceding one."""
    from scipy import ndimage

    win = max(3, round(min_turn_s * pose.fps) | 1)
    has = np.isfinite(sig)
    filled = np.where(has, sig, 0.0)
    smooth = ndimage.uniform_filter1d(filled, win, mode="nearest")
    sign = np.where(smooth >= 0, 1.0, -1.0)
    # a window without any evidence (no pose: an overground runner out of view) takes
    # the nearest evidence's sign, not "right" by default
    seen = ndimage.uniform_filter1d(has.astype(float), win, mode="nearest") > 0
    if seen.any() and not seen.all():
        sign = sign[_nearest_true(seen)]
    starts, stops = _segments_of(sign)
    # merge runs shorter than min_turn_s into the preceding run
    long = (stops - starts) >= min_turn_s * pose.fps
    if long.any():
        keep_sign = sign[starts]
        idx = np.maximum.accumulate(np.where(long, np.arange(long.size), -1))
        first_long = int(np.argmax(long))
        idx = np.where(idx < 0, first_long, idx)
        sign = np.repeat(keep_sign[idx], stops - starts)
    starts, stops = _segments_of(sign)
    segments = [
        {
            "start_frame": int(pose.frame_index[a]),
            "stop_frame": int(pose.frame_index[b - 1]) + 1,
            "facing": "right" if sign[a] > 0 else "left",
        }
        for a, b in zip(starts, stops, strict=True)
    ]
    # the frames with evidence vote (not those without a pose)
    durations = np.bincount((sign[has] > 0).astype(int), minlength=2)
    facing = "right" if durations[1] >= durations[0] else "left"
    med = nanmedian(sig)
    face_conf = float(min(1.0, abs(med) + 0.5)) if np.isfinite(med) else 0.0
    return sign, segments, facing, face_conf
