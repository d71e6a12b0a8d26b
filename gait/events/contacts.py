"""The foot's height above its floor, and the contact runs found on it.

:func:`contact_envelope` turns landmarks into a per-foot height signal in leg lengths
(:func:`leg_length_px`); a foot is in contact while that height stays within a threshold
of the floor (:func:`_contacts`), and its first IC and TO estimates are where it comes
down to, and leaves, its stance level.  The gap helpers say which events lie next to
landmarks the cleaning filled in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np

from gait._runs import next_true, prev_true, run_frames, run_mask, true_runs
from gait.events.common import (
    SIDES,
)
from gait.posedata import LANDMARK_INDEX


def rolling_percentile(x: np.ndarray, q: float, window: int) -> np.ndarray:
    """Centred rolling percentile of a gap-free (n,) signal over ``window`` samples.

    For long windows the signal is decimated so that about 120 samples span the window,
    the percentile is taken on that, and the result is linearly interpolated back: a
    slowly varying reference (floor level, leg length) at a fraction of the cost.
    """
    from scipy import ndimage  # imported on use: unpickling a result needs no scipy

    n = x.size
    step = max(1, window // 120)
    if step == 1:
        return np.asarray(ndimage.percentile_filter(x, q, size=window, mode="nearest"))
    sub = x[::step]
    win = max(3, (window // step) | 1)
    ref = ndimage.percentile_filter(sub, q, size=win, mode="nearest")
    return np.asarray(np.interp(np.arange(n), np.arange(0, n, step), ref))


def leg_length_px(
    xy: np.ndarray,
    fps: float | None = None,
    *,
    window_s: float = 1.5,
    percentile: float = 50.0,
    legs: Literal["mean", "longer"] = "mean",
) -> np.ndarray:
    """Leg length (thigh + shank, i.e. hip -> ankle standing) in pixels, per frame.

    ``|hip - knee| + |knee - ankle|`` does not change with knee flexion; averaged over
    both legs it is the leg length at the pelvis depth (the near leg looks longer in a
    side view, the far leg shorter).  A rolling ``percentile`` over ``window_s`` follows a
    runner whose distance to the camera changes; use a high percentile in frontal views,
    where thigh and shank are foreshortened when they point towards the camera.

    Parameters
    ----------
    xy : ndarray of shape (n, 33, 2)
    fps : float, optional
        Frame rate in Hz; without it one value for the whole clip is returned.
    window_s : float
        Rolling window in seconds.
    percentile : float
        Percentile over frames within the window.
    legs : {"mean", "longer"}
        Per frame, the mean of the two legs (a side view: one near, one far) or the
        longer one (a frontal view: both at the pelvis depth, but the swing leg is
        foreshortened all along - averaged with it, the exact synthetic runner seen from
        behind read 10 % short, 106 px against 118 from the side, and step width 0.9 %
        leg over its truth).

    Returns
    -------
    ndarray of shape (n,)
        Leg length in pixels (NaN everywhere when no frame has a complete leg).
    """
    n = xy.shape[0]
    lengths = []
    for s in SIDES:
        hip = xy[:, LANDMARK_INDEX[f"{s}_hip"]]
        knee = xy[:, LANDMARK_INDEX[f"{s}_knee"]]
        ankle = xy[:, LANDMARK_INDEX[f"{s}_ankle"]]
        lengths.append(np.linalg.norm(hip - knee, axis=1) + np.linalg.norm(knee - ankle, axis=1))
    both = np.stack(lengths, axis=1)
    with np.errstate(invalid="ignore"):
        one = both.mean(axis=1) if legs == "mean" else both.max(axis=1)
        per_frame = np.where(np.isfinite(both).all(axis=1), one, np.nan)
    ok = np.isfinite(per_frame)
    if not ok.any():
        return np.full(n, np.nan)
    if fps is None or n < 3:
        return np.full(n, float(np.percentile(per_frame[ok], percentile)))
    win = max(3, round(window_s * fps) | 1)
    filled = np.where(ok, per_frame, np.interp(np.arange(n), np.flatnonzero(ok), per_frame[ok]))
    return rolling_percentile(filled, percentile, win)


def contact_envelope(
    xy: np.ndarray,
    fps: float,
    *,
    leg_length: np.ndarray | float | None = None,
    floor_window_s: float = 2.0,
    floor_percentile: float = 90.0,
    per_point: bool = True,
) -> np.ndarray:
    """Height of each foot above the floor, in leg lengths.

    Heel and toe each get their own floor level - a rolling high percentile of their
    image y - and the foot's height is the lower of the two heights::

        h = min(floor_heel - y_heel, floor_toe - y_toe) / L

    A single floor for the whole foot (the lowest of heel and toe) fails when the two
    points rest at different image heights in stance - a camera slightly above or behind
    the runner sees the toe lower than the heel on a flat foot - because a heel strike
    then stays a toe-to-heel offset above "the floor" until the sole is flat, several
    frames after the landing.  Per-point floors make the landing itself touch zero.

    Parameters
    ----------
    xy : ndarray of shape (n, 33, 2)
        Cleaned image coordinates in pixels (y down), roll-corrected.
    fps : float
        Frame rate in Hz.
    leg_length : ndarray of shape (n,) or float, optional
        Leg length in pixels (default: :func:`leg_length_px`).
    floor_window_s : float
        Window of the rolling floor estimate in seconds (about two strides).
    floor_percentile : float
        Percentile of each point's y taken as its floor within the window.
    per_point : bool
        Give heel and toe their own floors (default).  False: one floor for the foot's
        lowest point, ``(floor - max(y_heel, y_toe)) / L``, which is near zero only with
        the sole flat on the floor (used to pick flat-foot frames for the floor line).

    Returns
    -------
    ndarray of shape (n, 2)
        Column 0 left foot, column 1 right foot; 0 on the floor, positive above it,
        NaN where both foot points are missing.
    """
    n = xy.shape[0]
    leg = leg_length_px(xy, fps) if leg_length is None else leg_length
    leg = np.broadcast_to(np.asarray(leg, dtype=float), (n,))
    out = np.full((n, 2), np.nan)
    if n == 0 or not np.isfinite(leg).any():
        return out
    win = max(3, round(floor_window_s * fps) | 1)
    for j, side in enumerate(SIDES):
        heel = xy[:, LANDMARK_INDEX[f"{side}_heel"], 1]
        toe = xy[:, LANDMARK_INDEX[f"{side}_foot_index"], 1]
        points = (heel, toe) if per_point else (np.fmax(heel, toe),)
        h = np.full((n, 2), np.nan)
        for c, y in enumerate(points):
            valid = np.isfinite(y)
            if valid.sum() < 3:
                continue
            if n <= win:
                floor = np.full(n, np.percentile(y[valid], floor_percentile))
            else:
                filled = np.where(valid, y, np.median(y[valid]))
                floor = rolling_percentile(filled, floor_percentile, win)
            h[:, c] = (floor - y) / leg
        out[:, j] = np.fmin(h[:, 0], h[:, 1])
    return out


def stance_anchored_height(
    xy: np.ndarray,
    side: str,
    s: np.ndarray,
    e: np.ndarray,
    leg_length: np.ndarray | float,
    *,
    floor_percentile: float = 75.0,
) -> np.ndarray | None:
    """One foot's height above the level it stands at in each of its contacts, in leg
    lengths: ``min(level_heel - y_heel, level_toe - y_toe) / L``, where a point's level
    for contact k (run [s_k, e_k)) is the ``floor_percentile`` percentile of its image y
    over the first half of that run (the foot flat: later the heel rises) and holds
    from the end of contact k - 1 to the end of contact k - the foot comes down onto the
    level of the contact it lands in.

    The rolling floor of :func:`contact_envelope` assumes the lowest point of a foot in
    the picture is on the floor.  Seen from behind or in front, a point nearer the
    camera is lower in the picture: the swing foot of a runner close to the camera,
    a stride nearer than where it lands, can sit below that landing's level, and a
    rolling floor taking it in reads the stance above the floor.  Anchored to the
    contact's own level, a landing is timed against the floor it lands on.

    Parameters
    ----------
    xy : ndarray of shape (n, 33, 2)
        Image coordinates in pixels (y down).
    side : {"left", "right"}
    s, e : ndarray of shape (k,)
        The foot's contact runs [s, e) in frames, in time order.
    leg_length : ndarray of shape (n,) or float
        Leg length in pixels.
    floor_percentile : float
        Percentile of a point's image y taken as its level (y down: the 75th is near
        the lowest, yet a median of the lowest samples where the landmarks jitter).

    Returns
    -------
    ndarray of shape (n,) or None
        None when a run has no sample of heel or toe in its first half.
    """
    n = xy.shape[0]
    leg = np.broadcast_to(np.asarray(leg_length, dtype=float), (n,))
    half = s + np.maximum((e - s) // 2, 1)  # the first half of each run: the foot flat
    width = int(np.max(half - s)) if s.size else 0
    grid = s[:, None] + np.arange(width)[None, :]
    inside = grid < half[:, None]
    # each run's level holds from the previous run's end to its own end
    bounds = np.concatenate([[0], e[:-1], [n]])
    counts = np.diff(bounds)
    heights = []
    for name in ("heel", "foot_index"):
        y = xy[:, LANDMARK_INDEX[f"{side}_{name}"], 1]
        vals = np.where(inside, y[np.clip(grid, 0, n - 1)], np.nan)
        if not np.isfinite(vals).any(axis=1).all():
            return None
        level = np.nanpercentile(vals, floor_percentile, axis=1)
        floor = np.repeat(level, counts)
        heights.append((floor - y) / leg)
    return np.asarray(np.fmin(heights[0], heights[1]))


def _noise_level(h: np.ndarray) -> float:
    """Robust high-frequency noise of a signal: scaled MAD of its second difference."""
    d2 = np.diff(h, 2)
    d2 = d2[np.isfinite(d2)]
    if d2.size == 0:
        return 0.0
    return float(1.4826 * np.median(np.abs(d2)) / np.sqrt(6.0))


def _contacts(
    h: np.ndarray, *, threshold: float, min_contact: int, min_swing: int
) -> tuple[np.ndarray, np.ndarray]:
    """Start (first contact frame) and stop (first airborne frame) of contact runs."""
    contact = np.nan_to_num(h, nan=np.inf) < threshold
    # close short airborne gaps, then drop short contacts
    s, e = true_runs(~contact)
    inner = (s > 0) & (e < h.size) & (e - s < min_swing)
    contact |= run_mask(h.size, s[inner], e[inner])
    s, e = true_runs(contact)
    keep = (e - s >= min_contact) & (s > 0) & (e < h.size)
    return s[keep], e[keep]


def _follow_drift(
    h: np.ndarray,
    s: np.ndarray,
    e: np.ndarray,
    in_contact: np.ndarray,
    *,
    tol: float,
    max_frames: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Extend contact runs [s, e) while ``h`` stays within ``tol`` of the drift line.

    The drift rate is the median change of ``h`` per frame inside contacts; the line goes
    through each contact's lowest sample.  Vectorised over contacts (k x max_frames).
    """
    n = h.size
    d = np.diff(h)
    inside = in_contact[1:] & in_contact[:-1] & np.isfinite(d)
    if inside.sum() < 5 or s.size == 0:
        return s, e
    rate = float(np.median(d[inside]))
    tm = np.rint(_argmax_in_runs(-np.nan_to_num(h, nan=np.inf), s, e)).astype(int)
    base = h[tm]
    steps = np.arange(max_frames)

    def reach(t: np.ndarray) -> np.ndarray:
        ok = (t >= 0) & (t < n)
        ht = h[np.clip(t, 0, n - 1)]
        line = base[:, None] + rate * (t - tm[:, None])
        good = ok & np.isfinite(ht) & (np.abs(ht - line) < tol)
        return np.asarray(np.cumprod(good, axis=1).sum(axis=1))

    back = reach(s[:, None] - 1 - steps[None, :])
    fwd = reach(e[:, None] + steps[None, :])
    prev_e = np.concatenate([[0], e[:-1]])
    next_s = np.concatenate([s[1:], [n]])
    return np.maximum(s - back, prev_e + 1), np.minimum(e + fwd, next_s - 1)


def _first_low(
    h: np.ndarray, s: np.ndarray, e: np.ndarray, level: float, min_low_frames: int
) -> np.ndarray:
    """Per contact [s, e): the first frame starting a run of ``min_low_frames`` frames at
    or below ``level`` (else the first frame at or below it, else ``s``)."""
    n = h.size
    low = np.nan_to_num(h, nan=np.inf) <= level
    first = next_true(low)[s]
    if min_low_frames > 1:
        held = low.copy()
        for k in range(1, min_low_frames):
            held[:-k] &= low[k:]
            held[n - k :] = False
        first_held = next_true(held)[s]
        first = np.where(first_held < e, first_held, first)
    return np.asarray(np.where(first < e, first, s))


def _subframe_ic(
    h: np.ndarray,
    s: np.ndarray,
    e: np.ndarray,
    level: float,
    ground: float,
    *,
    min_low_frames: int = 1,
) -> np.ndarray:
    """Sub-frame IC: the descent line of the last two airborne frames meets the floor.

    The first frame within each contact [s, e) that starts a run of ``min_low_frames``
    frames at or below ``level`` is found (else the first frame at or below it); the
    line through the two frames before it is extrapolated to the ``ground`` level.
    """
    n = h.size
    first = _first_low(h, s, e, level, min_low_frames)
    b = np.clip(first - 1, 0, n - 1)
    a = np.clip(first - 2, 0, n - 1)
    v = h[a] - h[b]  # descent per frame (positive)
    with np.errstate(divide="ignore", invalid="ignore"):
        dt = (h[b] - ground) / v
    dt = np.where(np.isfinite(dt) & (v > 0), np.clip(dt, 0.0, 2.0), 1.0)
    return np.asarray(b + dt)


def _level_crossing(
    h: np.ndarray, s: np.ndarray, e: np.ndarray, level: float, *, min_low_frames: int = 1
) -> np.ndarray:
    """Sub-frame time the descending foot passes ``level`` on its way into each contact
    (linear between the frames either side; -inf where it does not come from above).

    A foot above its stance level by more than the noise is in the air: the landing
    cannot come before this crossing.
    """
    n = h.size
    first = _first_low(h, s, e, level, min_low_frames)
    a, b = np.clip(first - 1, 0, n - 1), np.clip(first, 0, n - 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = (h[a] - level) / (h[a] - h[b])
    ok = np.isfinite(frac) & (h[a] > level) & (h[b] <= level) & (first > 0)
    return np.asarray(np.where(ok, a + frac, -np.inf))


def _subframe_to(
    h: np.ndarray, s: np.ndarray, e: np.ndarray, level: float, ground: float
) -> np.ndarray:
    """Sub-frame TO: the rise line of the first two airborne frames meets the floor."""
    n = h.size
    last = prev_true(np.nan_to_num(h, nan=np.inf) <= level)[np.clip(e - 1, 0, n - 1)]
    last = np.where(last >= s, last, e - 1)
    c = np.clip(last + 1, 0, n - 1)
    d = np.clip(last + 2, 0, n - 1)
    v = h[d] - h[c]
    with np.errstate(divide="ignore", invalid="ignore"):
        dt = (h[c] - ground) / v
    dt = np.where(np.isfinite(dt) & (v > 0), np.clip(dt, 0.0, 2.0), 1.0)
    return np.asarray(c - dt)


def _argmax_in_runs(sig: np.ndarray, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """Sub-frame position of the maximum of ``sig`` in each [start, stop) run (vectorised)."""
    out = np.full(start.size, np.nan)
    if start.size == 0:
        return out
    lengths = stop - start
    run, idx = run_frames(start, stop)
    vals = np.nan_to_num(sig[idx], nan=-np.inf)
    order = np.lexsort((vals, run))
    last = np.cumsum(lengths) - 1
    best = idx[order[last]]
    # parabolic refinement
    lo = np.clip(best - 1, 0, sig.size - 1)
    hi = np.clip(best + 1, 0, sig.size - 1)
    y0, y1, y2 = sig[lo], sig[best], sig[hi]
    den = y0 - 2 * y1 + y2
    with np.errstate(divide="ignore", invalid="ignore"):
        off = np.where(den < 0, 0.5 * (y0 - y2) / den, 0.0)
    off = np.clip(np.nan_to_num(off), -0.5, 0.5)
    out[:] = best + off
    return out


def _gap_masks(
    filled: np.ndarray | None, side: str, n: int, *, min_frames: int
) -> tuple[np.ndarray, np.ndarray]:
    """(n,) bool masks of the frames inside gaps of at least ``min_frames`` frames that
    the cleaning filled by interpolation (``filled`` (n, 33, 2)): of the foot points'
    (heel, toe) image y, and of either coordinate of a leg point (hip, knee, ankle)."""
    foot = _filled_runs(
        filled, [f"{side}_{p}" for p in ("heel", "foot_index")], (1,), n, min_frames
    )
    leg = _filled_runs(
        filled, [f"{side}_{p}" for p in ("hip", "knee", "ankle")], (0, 1), n, min_frames
    )
    return foot, leg


def _filled_runs(
    filled: np.ndarray | None,
    names: Sequence[str],
    axes: tuple[int, ...],
    n: int,
    min_frames: int,
) -> np.ndarray:
    """(n,) bool: frames inside a filled run of at least ``min_frames`` frames of any of
    the landmarks ``names`` along any of ``axes`` (0 = image x, 1 = image y)."""
    mask = np.zeros(n, dtype=bool)
    if filled is None:
        return mask
    for name in names:
        for a in axes:
            start, stop = true_runs(filled[:, LANDMARK_INDEX[name], a])
            long = stop - start >= min_frames
            mask |= run_mask(n, start[long], stop[long])
    return mask


def _reach_frames(gap_reach_s: float, fps: float) -> int:
    """``gap_reach_s`` in frames, 1 or 2 (see :func:`detect_events`)."""
    return int(np.clip(round(gap_reach_s * fps), 1, 2))


def _near_gap(gap: np.ndarray, pos: np.ndarray, *, reach: int) -> np.ndarray:
    """(k,) bool: a True sample of ``gap`` lies within ``reach`` frames of the samples
    around each fractional position (frames floor(pos) - reach .. ceil(pos) + reach)."""
    ok = np.isfinite(pos)
    p = np.where(ok, pos, 0.0)
    lo = np.floor(p).astype(int) - reach
    return ok & _gap_in(gap, lo, np.ceil(p).astype(int) + reach + 1)


def _gap_in(gap: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """(k,) bool: a True sample of ``gap`` lies in frames [lo, hi) (clipped to the clip)."""
    n = gap.size
    if not gap.any():
        return np.zeros(np.shape(lo), dtype=bool)
    cg = np.concatenate([[0], np.cumsum(gap)])
    a = np.clip(lo, 0, n)
    return np.asarray(cg[np.clip(hi, a, n)] - cg[a] > 0)
