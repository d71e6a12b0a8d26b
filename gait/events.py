"""Gait events per foot: initial contact (IC), midstance (MS) and toe-off (TO).

Two stages, like onset detection in librosa: :func:`contact_envelope` turns landmarks
into a per-foot *height above the floor* signal (in leg lengths); :func:`detect_events`
picks contacts from it (and accepts a precomputed envelope).  :func:`strides_from_events`
turns the events into one row per stance/stride with the checks that make strides
trustworthy; strides that fail are kept, marked invalid with a reason.

Method (METRICS.md §5): a foot is in contact while the lowest of its heel and toe points is
within a threshold of the floor (the approach of Pose2Sim's toe-height rule, with the
heel added to catch rearfoot strikes; Fellin et al. 2010, J Sci Med Sport 13:646, validate
foot-position rules for running against force plates).  The floor is a rolling high
percentile of that lowest point, per foot, so a far foot that appears higher in the image
(perspective) and a slowly changing camera distance are handled.  IC and TO get sub-frame
times by extrapolating the foot's approach (or departure) to the floor level.  MS is the
middle of stance by default, or the lowest pelvis or peak knee flexion.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from gait._runs import next_true, prev_true, true_runs
from gait.posedata import LANDMARK_INDEX

SIDES = ("left", "right")
EVENT_COLUMNS = ("side", "kind", "frame", "time_s", "pos", "contact", "valid", "reason")
#: Reasons that mark a contact timed next to missing or gap-filled landmarks: its events
#: say nothing about the gait (a contact cut by the start or end of the pose data, a
#: landing inside a dropout).
LANDMARK_GAP_REASONS = (
    "foot landmarks missing around the contact",
    "contact inside a landmark gap",
    "toe-off inside a landmark gap",
)

Midstance = Literal["middle", "pelvis", "knee"]


@dataclass(frozen=True)
class StrideLimits:
    """Physiological limits for running strides, in seconds of real time.

    ``scaled(f)`` multiplies every limit by ``f`` (for footage suspected to be slowed);
    ``max_stride_change`` is a fraction of the clip's median stride time and stays, as
    does ``max_duty``, the largest share of its stride a foot may spend on the ground
    (running stays under 50 %; a stride of the near foot at 64 % passed every other
    check on the real overground side clip, whose pose is missing on a third of the
    frames).
    """

    min_contact_s: float = 0.07
    max_contact_s: float = 0.55
    min_stride_s: float = 0.45
    max_stride_s: float = 1.6
    max_overlap_s: float = 0.03
    max_stride_change: float = 0.35
    max_duty: float = 0.6

    def scaled(self, factor: float) -> StrideLimits:
        return StrideLimits(
            self.min_contact_s * factor,
            self.max_contact_s * factor,
            self.min_stride_s * factor,
            self.max_stride_s * factor,
            self.max_overlap_s * factor,
            self.max_stride_change,
            self.max_duty,
        )


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


#: Why a contact at the very start of a clip is not used (its landing may precede it).
CLIP_START_REASON = "contact at the start of the clip: its landing may lie before it"
#: Why the last contact of each foot in a clip is not a stride.
CLIP_END_REASON = "no next contact of this foot (end of clip)"

_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _span(values: list[str]) -> str:
    """``175-307`` for the numbers a reason held in one place (one value if all agree)."""
    nums = sorted({float(v) for v in values})
    show = [next(v for v in values if float(v) == x) for x in (nums[0], nums[-1])]
    return show[0] if len(nums) == 1 else f"{show[0]}–{show[1]}"


def reason_counts(reasons: Iterable[Any]) -> list[tuple[str, int]]:
    """Why strides were not used: each reason once with its count, most frequent first.

    Reasons that differ only in their numbers ("a second contact of this foot 175 ms
    from another", "... 307 ms ...") are one reason, with each number shown as the range
    it took ("175–307 ms").
    """
    groups: dict[str, list[str]] = {}
    for r in reasons:
        t = r if isinstance(r, str) and r else "unspecified"
        groups.setdefault(_NUMBER.sub("#", t), []).append(t)
    out = []
    for key, texts in groups.items():
        slots = list(zip(*(_NUMBER.findall(t) for t in texts), strict=True))
        parts = key.split("#")
        label = parts[0] + "".join(
            _span(list(s)) + p for s, p in zip(slots, parts[1:], strict=True)
        )
        out.append((label, len(texts)))
    return sorted(out, key=lambda x: -x[1])


def _noise_level(h: np.ndarray) -> float:
    """Robust high-frequency noise of a signal: scaled MAD of its second difference."""
    d2 = np.diff(h, 2)
    d2 = d2[np.isfinite(d2)]
    if d2.size == 0:
        return 0.0
    return float(1.4826 * np.median(np.abs(d2)) / np.sqrt(6.0))


def _run_mask(n: int, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """(n,) bool, True inside the [start, stop) runs (non-overlapping), vectorised."""
    d = np.zeros(n + 1, dtype=np.int64)
    np.add.at(d, start, 1)
    np.add.at(d, stop, -1)
    return np.asarray(np.cumsum(d[:n]) > 0)


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


def _contacts(
    h: np.ndarray, *, threshold: float, min_contact: int, min_swing: int
) -> tuple[np.ndarray, np.ndarray]:
    """Start (first contact frame) and stop (first airborne frame) of contact runs."""
    contact = np.nan_to_num(h, nan=np.inf) < threshold
    # close short airborne gaps, then drop short contacts
    s, e = true_runs(~contact)
    inner = (s > 0) & (e < h.size) & (e - s < min_swing)
    contact |= _run_mask(h.size, s[inner], e[inner])
    s, e = true_runs(contact)
    keep = (e - s >= min_contact) & (s > 0) & (e < h.size)
    return s[keep], e[keep]


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


def _local_kink(sig: np.ndarray, t0: np.ndarray) -> np.ndarray:
    """Sharpen kink times: intersect the lines through the two samples on each side.

    With ``f = floor(t0)``, the line through (f-1, f) meets the line through (f+1, f+2);
    the intersection replaces ``t0`` when it lies within half a frame of it (noise-free
    signals get their exact sub-frame kink; noisy ones keep the least-squares estimate).
    """
    n = sig.size
    ok = np.isfinite(t0)
    f = np.clip(np.floor(np.where(ok, t0, 0)).astype(int), 1, max(n - 3, 1))
    with np.errstate(divide="ignore", invalid="ignore"):
        k1 = sig[f] - sig[f - 1]
        k2 = sig[np.minimum(f + 2, n - 1)] - sig[np.minimum(f + 1, n - 1)]
        t = (sig[np.minimum(f + 1, n - 1)] - sig[f] + k1 * f - k2 * (f + 1)) / (k1 - k2)
    good = ok & np.isfinite(t) & (np.abs(t - t0) <= 0.5)
    return np.asarray(np.where(good, t, t0))


def _kink_min(sig: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Sub-frame position of a minimum at sample ``m``, allowing a one-sided kink.

    Two lines - through the two samples before the minimum and the two after - meet at
    the kink; the intersection is used when it lies next to ``m``, else a parabola
    through (m-1, m, m+1).  Exact for a flat approach that turns into a steep rise (knee
    flexion at toe-off) and close to the vertex for a smooth minimum.
    """
    n = sig.size
    out = m.astype(float)

    def line_meet(
        p0: np.ndarray, p1: np.ndarray, q0: np.ndarray, q1: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        with np.errstate(divide="ignore", invalid="ignore"):
            k1 = sig[p1] - sig[p0]
            k2 = sig[q1] - sig[q0]
            # sig[p1] + k1 (t - p1) = sig[q0] + k2 (t - q0)
            t = (sig[q0] - sig[p1] + k1 * p1 - k2 * q0) / (k1 - k2)
        return np.asarray(t), np.asarray(k2 - k1)

    c = lambda i: np.clip(i, 0, n - 1)  # noqa: E731
    ta, bend_a = line_meet(c(m - 1), c(m), c(m + 1), c(m + 2))
    tb, bend_b = line_meet(c(m - 2), c(m - 1), c(m), c(m + 1))
    ok_a = np.isfinite(ta) & (ta >= m) & (ta <= m + 1)
    ok_b = np.isfinite(tb) & (tb >= m - 1) & (tb <= m)
    y0, y1, y2 = sig[c(m - 1)], sig[m], sig[c(m + 1)]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        den = y0 - 2 * y1 + y2
        par = m + np.where(den > 0, 0.5 * (y0 - y2) / den, 0.0)
    par = np.clip(np.where(np.isfinite(par), par, m), m - 0.5, m + 0.5)
    out = np.where(ok_a & ~ok_b, ta, np.where(ok_b & ~ok_a, tb, par))
    both = ok_a & ok_b
    out = np.where(both, np.where(bend_a >= bend_b, ta, tb), out)
    return np.asarray(out)


def curved_kink_fit(
    sig: np.ndarray,
    center: np.ndarray,
    *,
    half: int,
    degree: int = 3,
    search: float = 1.0,
    coarse_step: float = 0.1,
    step: float = 0.01,
    degree_after: int | None = None,
    chunk: int = 256,
    fallback: np.ndarray | None = None,
) -> np.ndarray:
    """Sub-frame kink times by a continuous two-piece *polynomial* fit.

    Like :func:`hinge_fit`, but each side of the break is a polynomial of ``degree``
    (``degree_after`` after the break, default the same; the pieces share only the value
    at the break), fitted to the samples within ``half`` frames
    of the rounded ``center``; the break with the least squared error within ``search``
    frames of ``center`` is returned (coarse grid, then a fine grid of ``step``).  For a
    kink between curved sides - the knee's extension peak at toe-off: it flattens out
    at the end of stance and flexes fast, and ever faster, once the foot is off - where
    straight lines through two samples a side (:func:`_kink_min`) place the kink up to a
    quarter frame off (measured on the dense synthetic knee, every 1/20 frame phase:
    this fit within 0.12 frame at 30, 60 and 120 fps with ``degree=3`` and 4 or more
    samples a side).

    Parameters
    ----------
    sig : ndarray of shape (n,)
    center : ndarray of shape (k,)
        Coarse kink positions (fractional frames; NaN allowed).
    half : int
        Half-width of the fitted window in frames (at least ``degree + search + 1``
        samples then lie on each side of any candidate break).
    degree, degree_after : int
        Degree of the piece before the break, and after it (None: ``degree``).
    search, coarse_step, step : float
        Search range about ``center`` and the coarse and fine grid steps, in frames.
    chunk : int
        Kinks fitted at once (the candidate grid's arrays grow with it; a long clip's
        contacts go through in chunks of this many).
    fallback : ndarray of shape (k,), optional
        Positions returned where no fit is possible (default ``center``).

    Returns
    -------
    ndarray of shape (k,)
        Kink positions; ``fallback`` where the window leaves the clip or holds NaN.
    """
    n = sig.size
    c = np.asarray(center, dtype=float)
    out = np.array(c if fallback is None else fallback, dtype=float, copy=True)
    base = np.rint(np.where(np.isfinite(c), c, 0.0)).astype(int)
    offs = np.arange(-half, half + 1)
    idx = base[:, None] + offs[None, :]  # (k, w)
    ok = np.isfinite(c) & (idx[:, 0] >= 0) & (idx[:, -1] < n)
    y = sig[np.clip(idx, 0, n - 1)]
    ok &= np.isfinite(y).all(axis=1)
    if not ok.any():
        return out
    y, cz = y[ok], (c - base)[ok]
    powers = np.arange(1, degree + 1)
    powers_after = np.arange(1, (degree if degree_after is None else degree_after) + 1)

    def best(u: np.ndarray, y: np.ndarray) -> np.ndarray:  # u (k, g): breaks from base
        t = offs[None, None, :] - u[..., None]  # (k, g, w)
        a = np.minimum(t, 0.0)[..., None] ** powers
        b = np.maximum(t, 0.0)[..., None] ** powers_after
        design = np.concatenate([np.ones((*t.shape, 1)), a, b], axis=-1)  # (k, g, w, p)
        ata = np.einsum("kgwi,kgwj->kgij", design, design)
        ata += 1e-9 * np.eye(ata.shape[-1])
        aty = np.einsum("kgwi,kw->kgi", design, y)
        coef = np.linalg.solve(ata, aty[..., None])[..., 0]
        resid = np.einsum("kgwi,kgi->kgw", design, coef) - y[:, None, :]
        return np.asarray(u[np.arange(u.shape[0]), np.argmin((resid**2).sum(axis=-1), axis=1)])

    coarse = np.arange(-search, search + 1e-9, coarse_step)
    fine = np.arange(-coarse_step, coarse_step + 1e-9, step)
    u = np.empty(cz.size)
    for lo in range(0, cz.size, chunk):
        part = slice(lo, lo + chunk)
        first = best(cz[part, None] + coarse[None, :], y[part])
        u[part] = best(first[:, None] + fine[None, :], y[part])
    out[ok] = base[ok] + u
    return out


def hinge_fit(
    sig: np.ndarray,
    center: np.ndarray,
    *,
    half: int,
    search: float = 1.5,
    step: float = 0.05,
    coarse_step: float = 0.25,
) -> np.ndarray:
    """Sub-frame kink times by a continuous two-segment linear fit (broken-stick regression).

    Around each ``center`` (fractional frame), the samples within ``half`` frames are
    fitted by ``y = c + k1 min(t - t0, 0) + k2 max(t - t0, 0)`` for a grid of break
    points ``t0`` within ``search`` frames of the centre; the break with the least squared
    error is returned (coarse grid, then a fine grid of ``step`` around the best).  Noise
    is averaged over the window instead of trusting two samples, which makes the event
    times robust to landmark jitter (the far leg).

    Parameters
    ----------
    sig : ndarray of shape (n,)
        Signal with a kink (foot height at contact, knee flexion at toe-off).
    center : ndarray of shape (k,)
        Coarse event positions in frames.
    half : int
        Half-width of the fitted window in frames.
    search, step : float
        Search range and final grid step of the break point, in frames.
    coarse_step : float
        Step of the first, coarse grid over ``search`` (frames); the fine grid then
        spans one coarse step either side of the best coarse break.

    Returns
    -------
    ndarray of shape (k,)
        Break positions; the centre where the window is incomplete or holds NaN.
    """
    n = sig.size
    c = np.asarray(center, dtype=float)
    out = c.copy()
    ok = np.isfinite(c)
    if not ok.any():
        return out
    cz = np.where(ok, c, 0.0)
    base = np.rint(cz).astype(int)
    offs = np.arange(-half - 1, half + 2)
    idx = offs[:, None] + base[None, :]  # (w, k): window-major, so running sums are fast
    inside = (idx >= 0) & (idx < n)
    y = sig[np.clip(idx, 0, n - 1)]
    win = inside & np.isfinite(y)
    # about each window's own level: the sums of squares stay small, so the fit is
    # not lost to rounding (and y -> a - y, a mirrored clip, gives the same breaks)
    y = np.where(win, y, 0.0)
    y = np.where(win, y - y.sum(axis=0) / np.maximum(win.sum(axis=0), 1), 0.0)
    sums = _window_sums(offs, y, win)
    coarse = np.arange(-search, search + 1e-9, coarse_step)
    best = _hinge_best(sums, half, cz[:, None] + coarse[None, :] - base[:, None])
    fine = np.arange(-coarse_step, coarse_step + 1e-9, step)
    best = _hinge_best(sums, half, best[:, None] + fine[None, :])
    ok &= sums[0, -1] >= 5
    out[ok] = best[ok] + base[ok]
    return out


def _window_sums(offs: np.ndarray, y: np.ndarray, win: np.ndarray) -> np.ndarray:
    """Running sums down each window (w, k) of the samples ``win`` at offsets ``offs``
    from the window centre: shape (6, w + 1, k), rows sum of 1, o, o^2, y, o y, y^2, and
    entry j summing the first j samples."""
    w = win.astype(float)
    o = offs.astype(float)[:, None]
    yw = y * w
    sums = np.zeros((6, y.shape[0] + 1, y.shape[1]))
    for row, term in enumerate((w, o * w, o * o * w, yw, o * yw, y * yw)):
        np.cumsum(term, axis=0, out=sums[row, 1:])
    return sums


def _hinge_best(sums: np.ndarray, half: int, u: np.ndarray) -> np.ndarray:
    """Best break among candidates ``u`` (k, g; frames from the window centre): closed-form
    3-parameter least squares over the window from the running sums of
    :func:`_window_sums` (the samples before the break enter as ``a = o - u``, those after
    it as ``b = o - u``)."""
    w1, k = sums.shape[1], sums.shape[2]
    # the samples with offset o < u (the first j of the window) lie before the break
    j = np.clip(np.ceil(u + (half + 1)), 0, w1 - 1).astype(np.intp)
    at = j * k + np.arange(k)[:, None]
    flat = sums[:5].reshape(5, -1)
    n_l, o_l, oo_l, y_l, oy_l = (np.take(flat[r], at) for r in range(5))
    s0, so, soo, sy, soy, syy = (sums[r, -1][:, None] for r in range(6))
    # expand sum (o - u)^p ... over each side in powers of u
    sa = o_l - u * n_l
    sb = (so - o_l) - u * (s0 - n_l)
    saa = oo_l - 2.0 * u * o_l + u * u * n_l
    sbb = (soo - oo_l) - 2.0 * u * (so - o_l) + u * u * (s0 - n_l)
    say = oy_l - u * y_l
    sby = (soy - oy_l) - u * (sy - y_l)
    # Normal equations [[s0, sa, sb], [sa, saa, 0], [sb, 0, sbb]] (+ 1e-9 I) c = (sy,
    # say, sby), solved in closed form: eliminate c1 and c2 (rows 2 and 3), then c0.
    eps = 1e-9
    aa, bb = saa + eps, sbb + eps
    c0 = (sy - sa * say / aa - sb * sby / bb) / (s0 + eps - sa * sa / aa - sb * sb / bb)
    c1 = (say - sa * c0) / aa
    c2 = (sby - sb * c0) / bb
    sse = syy - (c0 * sy + c1 * say + c2 * sby)
    pick = np.argmin(sse, axis=1)
    return np.asarray(u[np.arange(k), pick])


def _above_chord(
    sig: np.ndarray,
    ic: np.ndarray,
    to: np.ndarray,
    a: np.ndarray,
    b: np.ndarray,
    timed: np.ndarray,
) -> np.ndarray:
    """``sig`` less, on the frames [a, b) of each timed stance, the straight line from its
    value at ``ic`` to its value at ``to`` (linear between frames); unchanged elsewhere."""
    out = np.array(sig, dtype=float, copy=True)
    k = np.flatnonzero(timed & (b > a))
    if k.size == 0:
        return out
    grid = np.arange(sig.size, dtype=float)
    y0, y1 = np.interp(ic[k], grid, sig), np.interp(to[k], grid, sig)
    run, frames = _run_frames(a[k], b[k])
    w = (frames - ic[k][run]) / (to[k][run] - ic[k][run])
    out[frames] = sig[frames] - (y0[run] + w * (y1[run] - y0[run]))
    return out


def _run_frames(start: np.ndarray, stop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(run number, frame) of every frame of the [start, stop) runs, run by run."""
    lengths = stop - start
    run = np.repeat(np.arange(start.size), lengths)
    offset = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return run, start[run] + offset


def _argmax_in_runs(sig: np.ndarray, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """Sub-frame position of the maximum of ``sig`` in each [start, stop) run (vectorised)."""
    out = np.full(start.size, np.nan)
    if start.size == 0:
        return out
    lengths = stop - start
    run, idx = _run_frames(start, stop)
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
            mask |= _run_mask(n, start[long], stop[long])
    return mask


def _reach_frames(gap_reach_s: float, fps: float) -> int:
    """``gap_reach_s`` in frames, 1 or 2 (see :func:`detect_events`)."""
    return int(np.clip(round(gap_reach_s * fps), 1, 2))


def _near_gap(gap: np.ndarray, pos: np.ndarray, *, reach: int) -> np.ndarray:
    """(k,) bool: a True sample of ``gap`` lies within ``reach`` frames of the samples
    around each fractional position (frames floor(pos) - reach .. ceil(pos) + reach)."""
    n = gap.size
    out = np.zeros(pos.size, dtype=bool)
    ok = np.isfinite(pos)
    if not gap.any() or not ok.any():
        return out
    cg = np.concatenate([[0], np.cumsum(gap)])
    p = pos[ok]
    lo = np.clip(np.floor(p).astype(int) - reach, 0, n)
    hi = np.clip(np.ceil(p).astype(int) + reach + 1, 0, n)
    out[ok] = cg[hi] - cg[lo] > 0
    return out


def _forward_stop(
    xy: np.ndarray,
    side: str,
    ic: np.ndarray,
    *,
    half: int,
    search: float,
    gap: np.ndarray | None = None,
) -> np.ndarray:
    """End of the foot's forward swing near each IC: the kink of its horizontal position.

    In swing the foot moves forward fast; on the ground it stops (overground) or moves
    backward with the belt (treadmill): the foot's image x - the mean of heel and toe -
    has a kink at contact, found by :func:`hinge_fit` within ``search`` frames of ``ic``
    (the facing direction does not matter: a kink is a kink).  Swing-leg retraction
    slows the foot before it lands, so the kink can precede the true contact by a few
    milliseconds (on Dorn et al. 2012 motion capture it came 11-34 ms early); it is used
    as a lower bound on IC, never on its own.

    ``gap`` (n,) bool marks samples to leave out (filled by interpolation).

    Returns
    -------
    ndarray of shape (k,)
        Fractional frame positions (``ic`` where the fit has too few samples).
    """
    fx = 0.5 * (
        xy[:, LANDMARK_INDEX[f"{side}_heel"], 0] + xy[:, LANDMARK_INDEX[f"{side}_foot_index"], 0]
    )
    if gap is not None and gap.any():
        fx[gap] = np.nan  # samples in a gap of the foot are left out of the fit
    search = max(1.5, search)
    return hinge_fit(fx, ic, half=half, search=search, coarse_step=max(0.25, search / 12))


def _slide_start(
    xy: np.ndarray, side: str, ic: np.ndarray, *, half: int, search: float
) -> np.ndarray:
    """Frontal view: start of the stance foot's steady image-y slide near each IC.

    Seen from behind (or the front) on a treadmill, the foot on the belt moves steadily
    towards (away from) the camera, so its image y changes at a steady rate from contact
    to toe-off; before contact the swing foot is either still descending onto the belt
    or hangs nearly level.  Either way the ankle's image y has a kink at contact, found by
    :func:`hinge_fit` within ``search`` frames of ``ic``.
    """
    ay = xy[:, LANDMARK_INDEX[f"{side}_ankle"], 1]
    search = max(1.5, search)
    return hinge_fit(ay, ic, half=half, search=search, coarse_step=max(0.25, search / 12))


def knee_flexion_2d(xy: np.ndarray, side: str) -> np.ndarray:
    """(n,) unsigned image knee flexion ``180 - angle(hip, knee, ankle)`` in degrees."""
    hip = xy[:, LANDMARK_INDEX[f"{side}_hip"]]
    knee = xy[:, LANDMARK_INDEX[f"{side}_knee"]]
    ankle = xy[:, LANDMARK_INDEX[f"{side}_ankle"]]
    a, b = hip - knee, ankle - knee
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return np.asarray(180.0 - np.degrees(np.arccos(np.clip(cos, -1, 1))))


def _midstance_signal(xy: np.ndarray, side: str, method: Midstance) -> np.ndarray | None:
    if method == "pelvis":
        return np.asarray(
            0.5 * (xy[:, LANDMARK_INDEX["left_hip"], 1] + xy[:, LANDMARK_INDEX["right_hip"], 1])
        )
    if method == "knee":
        return knee_flexion_2d(xy, side)
    return None


def _leg_shortening(xy: np.ndarray, side: str) -> np.ndarray:
    """(n,) 1 - vertical hip-to-ankle distance / leg length: a knee-flexion proxy for
    frontal views (the leg is longest in the image when the knee is straightest)."""
    hip = xy[:, LANDMARK_INDEX[f"{side}_hip"], 1]
    ankle = xy[:, LANDMARK_INDEX[f"{side}_ankle"], 1]
    leg = leg_length_px(xy)
    return np.asarray(1.0 - (ankle - hip) / leg)


def _knee_extension_near(
    knee: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    fallback: np.ndarray,
    *,
    curved_half: int = 0,
) -> np.ndarray:
    """Sub-frame knee-extension peak (flexion minimum) within [first, last] frames.

    The knee is straightest at toe-off (Fellin et al. 2010).  It is straight in late
    swing too, but well before the landing: on Dorn et al. (2012) motion capture the
    knee is least flexed 44-52 ms before the force plate's contact (as a contact rule,
    the extension peak came 31-78 ms early at 31-250 Hz), so contacts are timed on the
    foot instead.  The minimum is refined as a one-sided kink (:func:`_kink_min`), then,
    with ``curved_half`` frames a side, by :func:`curved_kink_fit`; ``fallback`` is kept
    where the knee is missing or the minimum sits on the window's edge (no clear peak).
    """
    n = knee.size
    start = np.clip(np.ceil(first).astype(int), 0, n - 1)
    stop = np.clip(np.floor(last).astype(int) + 1, 1, n)
    ok = (stop - start >= 3) & np.isfinite(first) & np.isfinite(last)
    out = fallback.copy()
    if not ok.any():
        return out
    pos = _argmax_in_runs(-knee, start[ok], stop[ok])
    edge = (np.rint(pos) <= start[ok]) | (np.rint(pos) >= stop[ok] - 1) | ~np.isfinite(pos)
    m = np.clip(np.rint(np.nan_to_num(pos)).astype(int), 0, n - 1)
    filled = np.where(np.isfinite(knee), knee, np.inf)
    kink = _kink_min(filled, m)
    kink = np.where(np.isfinite(kink), kink, pos)
    if curved_half:
        # a bounded correction: on a smooth (real) extension peak the break is ill-defined
        kink = curved_kink_fit(knee, kink, half=curved_half, search=0.2, coarse_step=0.05)
    out[ok] = np.where(edge, fallback[ok], kink)
    return out


def detect_events(
    xy: np.ndarray,
    time_s: np.ndarray,
    fps: float,
    *,
    envelope: np.ndarray | None = None,
    leg_length: np.ndarray | float | None = None,
    min_threshold: float = 0.02,
    max_threshold: float = 0.08,
    noise_sigmas: float = 4.0,
    min_contact_s: float = 0.05,
    min_swing_s: float = 0.1,
    midstance: Midstance = "middle",
    toe_off: Literal["knee", "leg", "height"] = "knee",
    refine_ic: bool = True,
    refine_to: bool = False,
    curved_to: bool = True,
    curved_ic: bool = False,
    kink_window_s: float = 0.07,
    refine_xy: np.ndarray | None = None,
    ic_lookback_s: float = 0.0,
    ic_forward_stop_s: float = 0.0,
    follow_drift: bool = False,
    lift_off_height: float = 0.08,
    frame_index: np.ndarray | None = None,
    filled: np.ndarray | None = None,
    min_gap_frames: int = 2,
    gap_reach_s: float = 0.035,
    stance_level_sds: float = 0.0,
    ic_min_low_frames: int = 1,
    ic_after_level: bool = False,
    floor_window_s: float = 2.0,
    ms_chord: bool = False,
) -> pd.DataFrame:
    """Initial contacts, midstances and toe-offs of both feet.

    Parameters
    ----------
    xy : ndarray of shape (n, 33, 2)
        Cleaned, roll-corrected image coordinates in pixels.
    time_s : ndarray of shape (n,)
        Frame times in seconds.
    fps : float
        Frame rate in Hz.
    envelope : ndarray of shape (n, 2), optional
        Precomputed :func:`contact_envelope` (left, right) in leg lengths.
    leg_length : ndarray of shape (n,) or float, optional
        Leg length in pixels (see :func:`leg_length_px`).
    min_threshold : float
        Smallest contact threshold on the foot height, in leg lengths.
    max_threshold : float
        Largest contact threshold (leg lengths): a foot this high above its floor level
        is in the air however noisy its landmarks are.  Without the cap, scattered
        stance heights of a badly tracked foot raised the threshold to 0.12-0.18 leg on
        rendered clips, and the foot counted as down while still swinging in (contacts
        ~80 ms too long, knee at contact read 28° too flexed).
    noise_sigmas : float
        The threshold is at least this many noise SDs of the envelope (per foot), so the
        far foot's noisier landmarks do not create false contacts.
    min_contact_s, min_swing_s : float
        Shorter contacts are dropped; shorter airborne gaps are closed (seconds).
    midstance : {"middle", "pelvis", "knee"}
        MS rule: middle of stance, lowest pelvis, or peak knee flexion during stance
        (searched from IC to TO - to the contact run's end with ``follow_drift``; the
        middle of stance where the signal peaks at either end: no midstance in it).
    toe_off : {"knee", "leg", "height"}
        TO rule: peak knee extension after midstance (side view; Fellin et al. 2010 report
        about 5 ms error), peak vertical hip-to-ankle length (its frontal-view
        proxy), or the foot leaving the floor level.
    refine_ic, refine_to : bool
        Refine IC (TO) by a two-segment linear fit of the foot height (of the knee
        flexion or foot height) around the first estimate (:func:`hinge_fit`).  For IC
        this finds the landing - the foot's descent stops abruptly - rather than the
        moment the foot has rolled down to its stance level (on motion capture at 250 Hz
        it cut the IC error against force plates from about 55 ms to about 15 ms); for TO
        it helps with jittery knees and costs a little on clean ones.
    curved_to : bool
        Knee-based TO: move the knee's extension peak found by straight lines through two
        frames a side (:func:`_kink_min`) by up to a quarter frame to the break of
        :func:`curved_kink_fit` (two cubic pieces, about 50 ms and at least 4 frames a
        side).  The knee flattens out at the end of stance and flexes ever faster after
        toe-off, so the lines put TO up to 0.27 frame off (exact synthetic runner:
        contact time +3.7 ms at 30 fps, +1.5 ms at 60; with the fit +0.5 and +0.6 ms).
        The bound keeps the fit from wandering on a smooth peak, where the break is
        ill-defined (unbounded, it moved TO by 22 ms on the 50 Hz motion capture of
        ``tests/test_mocap.py``; bounded, those TO errors change by 1-5 ms, none
        beyond 13 ms).  Turn it off on low-passed landmarks: the filter rounds the kink
        off and the lines scatter less there (noisy synthetic runner: median absolute TO
        error 0.3 vs 0.7 frame at 30 and 60 fps).
    curved_ic : bool
        Time each landing by a two-piece fit whose approach is a parabola and whose
        stance is a line (:func:`curved_kink_fit`, degrees 2 and 1, searched about the
        first estimate as far as the straight-line fit), where the fit has at least 4
        frames a side (``kink_window_s`` x fps: 57 fps and up) and no look-back is asked
        for.  A foot that comes down ever faster - a forefoot's toe as the foot swings
        down: on the motion capture the toe marker falls at 0.5-0.7 m/s 50 ms before
        the plate's contact and at 1.6-2.0 m/s in the last 20 ms - bends the
        straight-line hinge's break late (exact synthetic forefoot runners: contacts
        1.1-2.1 frames late at 60 and 120 fps).  Like ``curved_to``, for landmarks that
        are not low-passed: on filtered ones the curve is the filter's, and the fit came
        later still (noisy synthetic runner, 10 seeds, events beyond 2 frames: 60 fps
        9 -> 26 of 333, 120 fps 29 -> 50 of 315; the 12 rendered side clips through
        MediaPipe: contact mean absolute error 20.6 -> 24.4 ms, knee at contact 4.4 ->
        5.5 deg).  With 2 frames a side (30 fps) it
        overfits: every event within a frame on 18 of 26 exact 30-fps runners, 22
        with the straight lines.
    kink_window_s : float
        Half-width of that fit in seconds.
    refine_xy : ndarray of shape (n, 33, 2), optional
        Landmarks for that fit, typically despiked but not low-passed (the fit averages
        the noise; a low-pass would round the kink off).  Default ``xy``.
    ic_lookback_s : float
        How far before the threshold crossing the landing kink may lie (seconds).  In a
        rear or front view the stance foot keeps moving in the image (it slides towards
        or away from the camera), so the foot reaches its floor level well after IC;
        the kink search then looks back this far.
    ic_forward_stop_s : float
        Side view: search range (seconds) of the end of the foot's forward swing around
        each IC (:func:`_forward_stop`); IC is then the later of the landing and that
        end - a foot still swinging forward is not on the ground.  Low in the image is
        not the same as on the floor: at 30 fps a foot that skims the belt (treadmill)
        or the floor in late swing, or a heel that lands above the level the sole reaches
        when flat, would otherwise be timed a frame or two off.  0 turns it off (frontal
        views, where the foot moves towards the camera).
    lift_off_height : float
        Foot height (leg lengths) at which the foot is surely airborne: the knee-based
        toe-off is searched before the foot first rises this high after the contact.
    follow_drift : bool
        Extend each contact while the foot keeps moving along the stance drift line (the
        median frame-to-frame change of the foot height during contact): in a rear or
        front view the stance foot slides towards or away from the camera on a treadmill,
        so its image height changes steadily during stance instead of staying on a floor.
    frame_index : ndarray of shape (n,), optional
        Video frame numbers reported in the ``frame`` column (default 0..n-1).
    filled : ndarray of shape (n, 33, 2) bool, optional
        Image x, y samples the cleaning filled by interpolation
        (:func:`gait.clean.interpolated_mask`); only gaps of at least ``min_gap_frames``
        frames count.  The IC refinement and the forward-stop fit leave out the frames
        where the foot's height (heel or toe y) was filled, so a landing next to a gap
        is timed on the real samples around it.  An IC still within ``gap_reach_s``
        (at least a frame) of a gap in the foot's image y, or a TO within it of a gap
        in the points it is timed on, is marked invalid, "contact inside a landmark gap"
        ("toe-off inside a landmark gap"): the foot may have landed (left) inside the
        gap, where the data are a straight line.  Gaps in the foot's x alone do not
        count: on the real treadmill clip they are the bottoms of the foot's x reversal
        at landing, real motion the Hampel filter rejects, and counting them took 4 of
        its 15 valid strides.
    min_gap_frames : int
        Shortest filled run that counts as a gap.  Single filled samples - mostly
        outliers the Hampel filter rejected: 100 of the 118 filled runs of the leg
        and foot points' x and y on the real treadmill clip - leave real samples a
        frame either side.
    gap_reach_s : float
        How close to a gap an event must lie to be called inside it, rounded to 1 or 2
        frames (1 at 30 fps, 2 at 60 and above).  The fit needs a few real samples past
        a gap to see the bend: a far-foot landing in a 5-frame gap of the noisy
        synthetic runner at 60 fps was timed 2.5 frames after the gap (7 frames late).
        At 120 fps a reach of 4 frames invalidated 8 more of 64 strides there without
        lowering the share of events more than 2 frames off (11.7 vs 11.1 %).

    stance_level_sds : float
        The first IC/TO estimate is where the foot comes within 3 frame-to-frame noise
        SDs of its stance level - or, when positive, within this many robust SDs of its
        height in early stance (the second sixth to the half of each contact), if that is
        wider.  Low-passed landmarks at a high frame rate keep a slow wobble the
        frame-to-frame noise does not show: at 120 fps the far foot of the noisy
        synthetic runner stayed just above the narrow level for up to 19 frames after
        landing, and the landing fit, searching about that late estimate, missed the
        landing (seeds 0-5 with 2: largest IC error 19.3 -> 5.7 frames, MS 9.1 -> 2.9;
        30/60 fps, the exact runner, the side motion capture and the rendered and real
        clips unchanged within a frame).  Side views only: seen from behind the stance
        foot slides down the image, and its early-stance spread is motion (motion
        capture from 4 m behind: IC +22..+32 -> -36..-55 ms).
    ic_min_low_frames : int
        The first IC estimate is taken where the foot stays at or below that level for
        this many frames, not where it first dips to it.  A swing foot that skims the
        belt dips to the (wide) side-view level for a frame before it lands: on
        ``sample_videos/before_side.mp4`` the first right contact was timed 108 ms
        early (0.189 vs 0.296 s) with 1, 22 ms early with 3.  With 3 (the side views)
        the rendered side clips' IC errors changed only towards the truth (before_side
        mean absolute error 44 -> 26 ms, after_side 44 -> 41 ms, its unmatched contacts
        7 -> 1); the synthetic runner, the side motion capture and the real clip did not
        move.  A count of frames, not seconds: at 120 fps a 0.1 s hold moved noisy
        landings late (IC SD 1.9 -> 2.2 frames).
    ic_after_level : bool
        Side views: no IC before the descending foot passes its stance level (the first
        estimate's level, :func:`_level_crossing`) - above it the foot is in the air.
        The landing fit draws straight lines, and a foot that slows down in its last
        frames before landing pulls the break early: the exact synthetic midfoot runner
        (its heel slows from 2.1 to 1.1 px a frame over the last 40 ms) read IC up to
        0.85 / 1.57 frames early at 60 / 120 fps, 0.38 / 0.30 with the bound.  Noisy
        synthetic runner (``tests/test_events.py``), events of valid strides beyond 2
        frames, seeds 0-5: 60 fps 3 -> 2 of 198, 120 fps 16 -> 13 of 189.  The side
        motion capture, the rearfoot and forefoot runners (within 0.4 frame) and the
        rendered side clips (IC mean absolute error over the 12 renders at 30/60/120
        fps 21.7 -> 21.3 ms, contact time unchanged at 15.9 ms) hardly move; the real
        treadmill clip's contact time 317 -> 312 ms.
    floor_window_s : float
        Window of the feet's rolling floor levels (:func:`contact_envelope`), seconds.
    ms_chord : bool
        A signal-based midstance (``"pelvis"``, ``"knee"``) is the stance's highest
        point above the chord from its value at IC to its value at TO, not its highest
        value: a runner receding from a camera above the hips sees the hips rise in the
        picture all along (seen from 1.7 m, 13 m away, the lowest pelvis was always the
        contact frame, and pelvic drop read 0 instead of 4 deg).

    Returns
    -------
    DataFrame
        One row per event, sorted by time, columns ``side``, ``kind`` (ic|ms|to),
        ``frame`` (nearest video frame), ``time_s`` (sub-frame), ``pos`` (fractional
        frame position), ``contact`` (contact number per side), ``valid``, ``reason``.
        Empty (typed) when nothing is found.
    """
    n = xy.shape[0]

    def feet_envelope(points: np.ndarray) -> np.ndarray:
        return contact_envelope(points, fps, leg_length=leg_length, floor_window_s=floor_window_s)

    env = feet_envelope(xy) if envelope is None else envelope
    rxy = xy if refine_xy is None else refine_xy
    renv = env if refine_xy is None else feet_envelope(rxy)
    fidx = np.arange(n) if frame_index is None else np.asarray(frame_index)
    frames: list[pd.DataFrame] = []
    for j, side in enumerate(SIDES):
        h = env[:, j]
        if np.isfinite(h).sum() < 5:
            continue
        min_c = max(1, round(min_contact_s * fps))
        min_s = max(1, round(min_swing_s * fps))
        thr = min(max(min_threshold, noise_sigmas * _noise_level(h)), max_threshold)
        s, e = _contacts(h, threshold=thr, min_contact=min_c, min_swing=min_s)
        if s.size == 0:
            continue
        in_contact = _run_mask(n, s, e)
        # second pass: threshold from the scatter of the foot height during stance
        stance_h = h[in_contact & np.isfinite(h)]
        if stance_h.size >= 10:
            g0 = float(np.median(stance_h))
            spread = 1.4826 * float(np.median(np.abs(stance_h - g0)))
            thr2 = min(max(min_threshold, g0 + noise_sigmas * spread), max_threshold)
            if thr2 > thr:
                s2, e2 = _contacts(h, threshold=thr2, min_contact=min_c, min_swing=min_s)
                if s2.size:
                    s, e, thr = s2, e2, thr2
                    in_contact = _run_mask(n, s, e)
        if follow_drift:
            s, e = _follow_drift(h, s, e, in_contact, tol=thr, max_frames=round(0.2 * fps))
            in_contact = _run_mask(n, s, e)
        noise = _noise_level(h)
        ground = float(np.nanmedian(h[in_contact])) if in_contact.any() else 0.0
        ground = min(ground, 0.5 * thr)
        level = ground + max(3.0 * noise, 0.002)
        if stance_level_sds > 0:
            early = _run_mask(n, s + (e - s) // 6, s + (e - s) // 2)
            vals = h[early & np.isfinite(h)]
            if vals.size >= 10:
                spread = 1.4826 * float(np.median(np.abs(vals - np.median(vals))))
                level = max(level, ground + stance_level_sds * spread)
        ic = _subframe_ic(h, s, e, level, ground, min_low_frames=ic_min_low_frames)
        to = _subframe_to(h, s, e, level, ground)
        half = max(2, round(kink_window_s * fps))
        search = max(1.5, 0.05 * fps)
        foot_y_gap, leg_gap = _gap_masks(filled, side, n, min_frames=min_gap_frames)
        reach = _reach_frames(gap_reach_s, fps)
        if refine_ic:
            back = ic_lookback_s * fps / 2
            # the landing is timed on real samples only: a filled one is a straight line
            rh = np.where(foot_y_gap, np.nan, renv[:, j]) if foot_y_gap.any() else renv[:, j]
            first_ic = ic
            ic = hinge_fit(rh, ic - back, half=half, search=max(search, back))
            ic = _local_kink(rh, ic)
            if curved_ic and back == 0 and half >= 4:  # the lines stand where it cannot fit
                ic = curved_kink_fit(
                    rh,
                    first_ic,
                    half=half,
                    degree=2,
                    degree_after=1,
                    search=search,
                    coarse_step=0.25,
                    fallback=ic,
                )
        if ic_after_level:
            ic = np.fmax(ic, _level_crossing(h, s, e, level, min_low_frames=ic_min_low_frames))
        if ic_forward_stop_s > 0:
            stop = _forward_stop(
                rxy, side, ic, half=half, search=ic_forward_stop_s * fps, gap=foot_y_gap
            )
            ic = np.fmax(ic, stop)
        if toe_off in ("knee", "leg"):
            flex = knee_flexion_2d if toe_off == "knee" else _leg_shortening
            stride = float(np.median(np.diff(ic))) if ic.size > 1 else 2.0 * float(np.median(e - s))
            # from mid-stance to 45 % of a stride later: before the late-swing extension
            mid = 0.5 * (ic + to)
            # ... and not after the foot is clearly off the ground
            lifted = next_true(np.nan_to_num(h, nan=-np.inf) > ground + lift_off_height)
            last = np.minimum(mid + 0.45 * stride, lifted[np.clip(e, 0, n - 1)])
            curved = max(4, round(0.05 * fps)) if toe_off == "knee" and curved_to else 0
            to = _knee_extension_near(flex(xy, side), mid, last, to, curved_half=curved)
            if refine_to:
                to = hinge_fit(flex(rxy, side), to, half=half, search=search)
        elif refine_to:
            to = hinge_fit(renv[:, j], to, half=half, search=search)
        sig = _midstance_signal(xy, side, midstance)
        if sig is None:
            ms = 0.5 * (ic + to)
        else:
            # in the stance from the landing on (the contact run may start before it) to
            # the toe-off (a run whose end lags the toe-off, as from behind on a treadmill
            # where the foot slides on, held the flight's falling pelvis: midstances up to
            # 27 frames late and pelvic drop 5-9 deg low); not cut at TO where the run
            # follows the drift (from the front on a treadmill the foot-height TO comes
            # 5-12 frames early and the run, extended along that slide, still holds the
            # lowest pelvis)
            first = np.ceil(np.nan_to_num(ic))
            landed = np.isfinite(ic) & (first < e - 1)
            a = np.where(landed, np.maximum(first, s), s).astype(int)
            a, b = np.clip(a, 0, n - 1), np.clip(e, 1, n)
            if not follow_drift:
                cut = np.floor(np.nan_to_num(to, nan=np.inf)) + 1
                b = np.where(landed & np.isfinite(to) & (cut < b), cut, b).astype(int)
            b = np.maximum(b, a + 1)
            if ms_chord:
                timed = landed & np.isfinite(to) & (to - ic >= 1.0)
                sig = _above_chord(sig, ic, to, a, b, timed)
            ms = _argmax_in_runs(sig, a, b)
            ms = np.where(landed, np.maximum(ms, ic), ms)
            # a signal highest at the stance's first or last frame has no midstance in
            # it (a pelvis still rising from the landing, or already falling to the
            # flight): the middle of stance then, as METRICS.md allows
            best = np.rint(np.nan_to_num(ms, nan=-1.0))
            edge = (b - a >= 3) & ((best <= a) | (best >= b - 1))
            mid = np.where(np.isfinite(to), 0.5 * (ic + to), 0.5 * (ic + e - 1))
            ms = np.where(edge & np.isfinite(mid), mid, ms)
        ms = np.where(np.isfinite(ms), ms, 0.5 * (ic + to))
        # missing foot samples next to or inside a contact
        missing = ~np.isfinite(h)
        cm = np.concatenate([[0], np.cumsum(missing)])
        lo, hi = np.clip(s - 2, 0, n), np.clip(e + 2, 0, n)
        gap = cm[hi] - cm[lo] > 0
        reason = np.where(gap, LANDMARK_GAP_REASONS[0], "")
        # events next to a gap the cleaning filled: the foot may have landed (left) in it
        ic_in = _near_gap(foot_y_gap, ic, reach=reach)
        to_in = _near_gap(leg_gap if toe_off in ("knee", "leg") else foot_y_gap, to, reach=reach)
        reason = np.where(
            gap,
            reason,
            np.where(
                ic_in,
                LANDMARK_GAP_REASONS[1],
                np.where(to_in, LANDMARK_GAP_REASONS[2], ""),
            ),
        )
        gap |= ic_in | to_in
        if ic_lookback_s > 0:
            # the landing is looked for up to ic_lookback_s before the contact run: a run
            # that starts sooner after the foot's first sample may be a stance under way
            # when the clip starts (from behind on a treadmill the stance foot's height
            # keeps changing, so the run can start mid-stance: a 120-fps clip's first
            # contact was timed 72 frames late and kept)
            seen = np.flatnonzero(np.isfinite(h))
            early = (s - (seen[0] if seen.size else 0)) < round(ic_lookback_s * fps) + 1
            reason = np.where(~gap & early, CLIP_START_REASON, reason)
            gap |= early
        k = s.size
        for kind, pos in (("ic", ic), ("ms", ms), ("to", to)):
            frames.append(
                pd.DataFrame(
                    {
                        "side": side,
                        "kind": kind,
                        "frame": fidx[np.clip(np.rint(pos).astype(int), 0, n - 1)],
                        "time_s": np.interp(pos, np.arange(n), time_s),
                        "pos": pos,
                        "contact": np.arange(k),
                        "valid": ~gap,
                        "reason": reason,
                    }
                )
            )
    if not frames:
        return empty_events()
    ev = pd.concat(frames, ignore_index=True)
    order = {"ic": 0, "ms": 1, "to": 2}
    ev["_k"] = ev["kind"].map(order)
    ev = ev.sort_values(["pos", "_k"], kind="stable").drop(columns="_k")
    return ev.reset_index(drop=True)


def frontal_events(
    xy: np.ndarray,
    time_s: np.ndarray,
    fps: float,
    *,
    refine_xy: np.ndarray | None = None,
    min_run_s: float = 0.12,
    kink_window_s: float = 0.07,
    ic_search_s: float = 0.05,
    refine_ic: bool = False,
    to_search_s: float = 0.1,
    frame_index: np.ndarray | None = None,
    filled: np.ndarray | None = None,
    min_gap_frames: int = 2,
    gap_reach_s: float = 0.035,
) -> pd.DataFrame:
    """Initial contacts, midstances and toe-offs of both feet in a rear (or front) view.

    A foot's height above its floor level is a poor contact cue from behind: the stance
    foot slides towards the camera with the belt (its image y keeps changing) and the pose
    model's heel and ankle hardly rise in swing (on the rendered rear clips MediaPipe's
    heel spans about 12 px against a true 43 px).  What does stand out is which foot is
    *lower* in the image: the landing foot drops below the foot that has just left the
    ground.  So:

    * **IC** - the ankle-height difference ``y_left - y_right`` changes sign (sub-frame
      linear interpolation of the crossing) when a foot becomes the lower one; optionally
      refined to the kink of that ankle's image y within ``ic_search_s`` (the start of
      its steady slide on the belt, :func:`_slide_start`).  Runs of either sign shorter
      than ``min_run_s`` are noise and are merged into their neighbours.
    * **TO** - the peak of the leg's vertical hip-to-ankle projection over a rolling leg
      length (the knee is straightest at toe-off, Fellin et al. 2010; as in
      :func:`_leg_shortening`) from the middle of the foot's "lower" phase to
      ``to_search_s`` after the other foot becomes the lower one.
    * **MS** - the middle of stance, ``(IC + TO) / 2``.

    On the rendered rear sample clips (30 fps) the timing errors against the truth are
    given in ``tests/test_rendered.py``.

    Parameters
    ----------
    xy : ndarray of shape (n, 33, 2)
        Cleaned, roll-corrected image coordinates in pixels (y down).
    time_s : ndarray of shape (n,)
        Frame times in seconds.
    fps : float
        Frame rate in Hz.
    refine_xy : ndarray of shape (n, 33, 2), optional
        Landmarks for the IC kink fit (despiked, not low-passed); default ``xy``.
    min_run_s : float
        Shortest run (seconds) of one foot being the lower one that counts.
    kink_window_s, ic_search_s : float
        Half-width of the IC kink fit and its search range, in seconds.
    refine_ic : bool
        Refine IC to the kink of the ankle's image y.
    to_search_s : float
        How long (seconds) after the other foot becomes the lower one TO may still lie.
    frame_index : ndarray of shape (n,), optional
        Video frame numbers reported in the ``frame`` column (default 0..n-1).
    filled, min_gap_frames, gap_reach_s
        As in :func:`detect_events`: an IC within ``gap_reach_s`` of a filled gap in
        either ankle's image y (the crossing is timed on both), or a TO within it of a
        gap in its leg's hip, knee or ankle, is marked invalid ("contact inside a
        landmark gap" / "toe-off inside a landmark gap").

    Returns
    -------
    DataFrame
        Same layout as :func:`detect_events`.
    """
    n = xy.shape[0]
    rxy = xy if refine_xy is None else refine_xy
    fidx = np.arange(n) if frame_index is None else np.asarray(frame_index)
    ay = xy[:, [LANDMARK_INDEX["left_ankle"], LANDMARK_INDEX["right_ankle"]], 1]
    d = ay[:, 0] - ay[:, 1]  # > 0: the left ankle is lower in the image
    ok = np.isfinite(d)
    if ok.sum() < 5:
        return empty_events()
    dfill = np.interp(np.arange(n), np.flatnonzero(ok), d[ok])
    left_low = dfill > 0
    # merge short runs of either sign into their neighbours (noise around a crossing)
    min_run = max(1, round(min_run_s * fps))
    for _ in range(2):
        for val in (True, False):
            s, e = true_runs(left_low == val)
            short = (e - s < min_run) & (s > 0) & (e < n)
            left_low = left_low ^ _run_mask(n, s[short], e[short])
    # a crossing between frames k-1 and k, at the interpolated zero of d
    k = np.flatnonzero(left_low[1:] != left_low[:-1]) + 1
    if k.size < 2:
        return empty_events()
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = dfill[k - 1] / (dfill[k - 1] - dfill[k])
    cross = k - 1 + np.where(np.isfinite(frac), np.clip(frac, 0.0, 1.0), 1.0)
    becomes_left = left_low[k]
    half = max(2, round(kink_window_s * fps))
    # rolling leg length: a runner moving towards or away from the camera changes size
    leg = leg_length_px(xy, fps, percentile=90.0)
    ank = [LANDMARK_INDEX["left_ankle"], LANDMARK_INDEX["right_ankle"]]
    reach = _reach_frames(gap_reach_s, fps)
    ankle_gap = _filled_runs(filled, ["left_ankle", "right_ankle"], (1,), n, min_gap_frames)
    hip = [LANDMARK_INDEX["left_hip"], LANDMARK_INDEX["right_hip"]]
    frames: list[pd.DataFrame] = []
    for j, side in enumerate(SIDES):
        mine = becomes_left if j == 0 else ~becomes_left
        idx = np.flatnonzero(mine)
        if idx.size == 0:
            continue
        # each run from this foot's crossing to the next crossing (the other foot's) or
        # to the end of the clip
        ic = cross[idx]
        run_end = np.append(cross, n - 1.0)[idx + 1]
        if refine_ic:
            ic = _slide_start(rxy, side, ic, half=half, search=ic_search_s * fps)
        mid = ic + 0.5 * (run_end - ic)
        to = _knee_extension_near(
            1.0 - (xy[:, ank[j], 1] - xy[:, hip[j], 1]) / leg,
            mid,
            run_end + to_search_s * fps,
            np.full(ic.size, np.nan),
        )
        ms = 0.5 * (ic + to)
        missing = ~np.isfinite(ay[:, j])
        cm = np.concatenate([[0], np.cumsum(missing)])
        lo = np.clip(np.floor(ic).astype(int) - 2, 0, n)
        hi = np.clip(np.ceil(np.where(np.isfinite(to), to, run_end)).astype(int) + 3, 0, n)
        gap = cm[hi] - cm[lo] > 0
        no_to = ~np.isfinite(to)
        _, leg_gap = _gap_masks(filled, side, n, min_frames=min_gap_frames)
        ic_in = _near_gap(ankle_gap, ic, reach=reach)
        to_in = _near_gap(leg_gap, to, reach=reach)
        reason = np.where(
            gap,
            "foot landmarks missing around the contact",
            np.where(
                no_to,
                "no toe-off found (no clear leg-length peak)",
                np.where(
                    ic_in,
                    "contact inside a landmark gap",
                    np.where(to_in, "toe-off inside a landmark gap", ""),
                ),
            ),
        )
        valid = ~gap & ~no_to & ~ic_in & ~to_in
        for kind, pos in (("ic", ic), ("ms", ms), ("to", to)):
            p = np.nan_to_num(pos, nan=0.0)
            frames.append(
                pd.DataFrame(
                    {
                        "side": side,
                        "kind": kind,
                        "frame": fidx[np.clip(np.rint(p).astype(int), 0, n - 1)],
                        "time_s": np.where(
                            np.isfinite(pos), np.interp(p, np.arange(n), time_s), np.nan
                        ),
                        "pos": pos,
                        "contact": np.arange(ic.size),
                        "valid": valid,
                        "reason": reason,
                    }
                )
            )
    if not frames:
        return empty_events()
    ev = pd.concat(frames, ignore_index=True)
    # a contact without a toe-off keeps its IC (marked invalid), not NaN MS/TO rows
    ev = ev[np.isfinite(ev["pos"].to_numpy(dtype=float))]
    order = {"ic": 0, "ms": 1, "to": 2}
    ev["_k"] = ev["kind"].map(order)
    ev = ev.sort_values(["pos", "_k"], kind="stable").drop(columns="_k")
    return ev.reset_index(drop=True)


def empty_events() -> pd.DataFrame:
    """The typed, empty events table."""
    return pd.DataFrame(
        {
            "side": pd.Series(dtype=object),
            "kind": pd.Series(dtype=object),
            "frame": pd.Series(dtype=np.int64),
            "time_s": pd.Series(dtype=float),
            "pos": pd.Series(dtype=float),
            "contact": pd.Series(dtype=np.int64),
            "valid": pd.Series(dtype=bool),
            "reason": pd.Series(dtype=object),
        }
    )


STRIDE_COLUMNS = (
    "side",
    "stride",
    "ic_pos",
    "ms_pos",
    "to_pos",
    "next_ic_pos",
    "prev_contra_ic_pos",
    "next_contra_ic_pos",
    "ic_time_s",
    "ms_time_s",
    "to_time_s",
    "next_ic_time_s",
    "contact_time_ms",
    "stride_time_s",
    "step_time_s",
    "valid",
    "reason",
    "note",
)


def _off_rhythm_contacts(
    events: pd.DataFrame, time_s: np.ndarray, min_stride_s: float
) -> tuple[dict[str, dict[Any, float]], dict[str, dict[Any, float]]]:
    """Contacts to leave out, and contacts kept that may be cut short: per side, contact
    id -> gap (s) to its twin.

    Two contacts of one foot closer than ``min_stride_s``, with no contact of the other
    foot between them, cannot both be landings: the pose model's foot dipped to the floor
    level and rose again before the real landing (the far foot of the rendered
    ``before_side`` runner, 4-6 frames early, 4 times in 5 s), or it was misplaced for a
    few frames.  The one farther from the middle of the other foot's contacts before and
    after the pair (where steady running puts it) is dropped; at the clip's edge, the one
    farther from half a stride after (before) the other foot's last (first) contact.
    When the later one goes, the earlier one's stance may have been cut in two (the
    foot rose off its level for a few frames: ``side_compensations``' near foot, toe-off
    118 ms after contact against a true 289 ms), so its stride is not used either.
    """
    n = time_s.size
    dropped: dict[str, dict[Any, float]] = {s: {} for s in SIDES}
    cut: dict[str, dict[Any, float]] = {s: {} for s in SIDES}
    ic_rows = events[events["kind"] == "ic"]
    pos = {
        s: ic_rows[ic_rows["side"] == s][["contact", "pos"]].dropna().sort_values("pos")
        for s in SIDES
    }
    for side, other in (("left", "right"), ("right", "left")):
        mine, oth = pos[side], pos[other]["pos"].to_numpy(dtype=float)
        if len(mine) < 2 or oth.size < 2:
            continue
        ids, p = mine["contact"].to_list(), mine["pos"].to_numpy(dtype=float)
        t = np.interp(p, np.arange(n), time_s)
        half = 0.5 * float(np.median(np.diff(oth)))  # half a stride of the other foot
        kept = [0]
        for j in range(1, p.size):
            k = kept[-1]
            gap = float(t[j] - t[k])
            lo, hi = np.searchsorted(oth, p[k], "left"), np.searchsorted(oth, p[j], "right")
            if gap >= min_stride_s or hi > lo:
                kept.append(j)  # a stride, or a contralateral contact between
                continue
            if lo > 0 and hi < oth.size:
                mid = 0.5 * (oth[lo - 1] + oth[hi])
            else:  # at the clip's edge: half a stride from the other foot's one contact
                mid = oth[lo - 1] + half if lo > 0 else oth[hi] - half
            if abs(p[j] - mid) < abs(p[k] - mid):
                dropped[side][ids[k]] = gap
                kept[-1] = j
            else:
                # the later one dropped: the contact kept may end where it split in two
                dropped[side][ids[j]] = gap
                cut[side][ids[k]] = gap
    return dropped, cut


def strides_from_events(
    events: pd.DataFrame,
    time_s: np.ndarray,
    *,
    limits: StrideLimits | None = None,
    unusable: Sequence[tuple[np.ndarray, str]] = (),
    trusted_side: str | None = None,
    far_min_valid_fraction: float = 0.5,
) -> pd.DataFrame:
    """One row per contact (stance and the stride that starts with it), with checks.

    A stride runs from a foot's IC to its next IC.  It is valid when: both ICs and the TO
    exist and are ordered IC < TO < next IC; exactly one contralateral IC lies between
    (alternation) and it falls between 30 % and 70 % of the stride (steps of similar
    length); the other foot does not land before this one leaves the ground (running has
    no double support; ``limits.max_overlap_s`` tolerance), nor does this foot land before
    the other one leaves it; contact and stride times lie
    within ``limits`` and the stride time within ``limits.max_stride_change`` of the
    median valid stride; its events are valid; and no frame in it is in one of
    the ``unusable`` sets.  Failing strides are kept with
    ``valid = False`` and a ``reason``.  Of two contacts of one foot closer than
    ``limits.min_stride_s`` with no contact of the other foot between them, the one off
    the step rhythm is left out first (:func:`_off_rhythm_contacts`): a stride then runs
    to the next contact kept.

    Parameters
    ----------
    events : DataFrame
        Output of :func:`detect_events`.
    time_s : ndarray of shape (n,)
        Frame times in seconds.
    limits : StrideLimits, optional
        Physiological limits (default :class:`StrideLimits`).
    unusable : sequence of (ndarray of shape (n,) bool, str)
        Frames that invalidate a stride containing them (a turn, a stretch played at
        another speed), each set with the reason recorded; checked in order.
    trusted_side : {"left", "right"} or None
        The foot whose landmarks are reliable (the near foot in a side view).  The checks
        that involve the other foot (alternation, even steps, no double support) then do
        not invalidate the trusted foot's strides - a far foot hidden or misplaced by the
        pose model would otherwise take every stride down with it; they are recorded in
        the ``note`` column instead.  Conversely, when fewer than
        ``far_min_valid_fraction`` of the other foot's strides pass (and at least that
        share of the trusted foot's do), the other foot's passing strides are marked
        invalid too: that leg is not being tracked.
    far_min_valid_fraction : float
        See ``trusted_side``.

    Returns
    -------
    DataFrame
        Columns :data:`STRIDE_COLUMNS`; positions are fractional frame indices, times in
        seconds, ``contact_time_ms = 1000 (TO - IC)``, ``stride_time_s = next IC - IC``,
        ``step_time_s = IC - previous contralateral IC``.
    """
    lim = limits or StrideLimits()
    n = time_s.size
    rows: list[pd.DataFrame] = []
    ics: dict[str, np.ndarray] = {}
    tos: dict[str, np.ndarray] = {}
    dropped, split = _off_rhythm_contacts(events, time_s, lim.min_stride_s)
    for s in SIDES:
        ev_s = events[(events["side"] == s) & ~events["contact"].isin(list(dropped[s]))]
        if ev_s.empty:
            ics[s] = tos[s] = np.zeros(0)
            continue
        piv_s = ev_s.pivot_table(index="contact", columns="kind", values="pos", aggfunc="first")
        piv_s = piv_s.reindex(columns=["ic", "to"])
        order = np.argsort(piv_s["ic"].to_numpy(dtype=float), kind="stable")
        ics[s] = piv_s["ic"].to_numpy(dtype=float)[order]
        tos[s] = piv_s["to"].to_numpy(dtype=float)[order]
    for side, other in (("left", "right"), ("right", "left")):
        ev = events[events["side"] == side]
        if ev.empty:
            continue
        piv = ev.pivot_table(index="contact", columns="kind", values="pos", aggfunc="first")
        piv = piv.reindex(columns=["ic", "ms", "to"])  # a kind may be missing entirely
        ok_ev = ev.groupby("contact")["valid"].all()
        why = ev.groupby("contact")["reason"].first()
        ic = piv["ic"].to_numpy(dtype=float)
        ms = piv["ms"].to_numpy(dtype=float)
        to = piv["to"].to_numpy(dtype=float)
        gone = piv.index.isin(list(dropped[side]))
        # each stride ends at the next contact kept (a dropped one ends nothing)
        later = np.append(np.where(gone, np.nan, ic)[1:], [np.nan, np.nan])
        nxt = np.where(gone, np.nan, later[next_true(np.isfinite(later[:-1]))])
        oth = ics[other]
        j_after = np.searchsorted(oth, ic, side="right")
        # toe-off of the other foot's previous contact (double support if after this IC)
        prev_to = np.where(
            j_after > 0, tos[other][np.clip(j_after - 1, 0, None)] if oth.size else np.nan, np.nan
        )
        prev_c = np.where(
            j_after > 0, oth[np.clip(j_after - 1, 0, None)] if oth.size else np.nan, np.nan
        )
        next_c = np.where(
            j_after < oth.size,
            oth[np.clip(j_after, 0, max(oth.size - 1, 0))] if oth.size else np.nan,
            np.nan,
        )
        n_between = np.searchsorted(oth, nxt, side="left") - j_after
        t = lambda p: np.interp(p, np.arange(n), time_s)  # noqa: E731
        ic_t, to_t, nxt_t = t(ic), t(to), np.where(np.isfinite(nxt), t(np.nan_to_num(nxt)), np.nan)
        contact_ms = 1000.0 * (to_t - ic_t)
        stride_s = nxt_t - ic_t
        with np.errstate(divide="ignore", invalid="ignore"):
            duty = 0.1 * contact_ms / stride_s  # per cent of the stride on the ground
        duty_pct = np.round(np.clip(np.nan_to_num(duty), -999, 999)).astype(int)
        step_s = np.where(np.isfinite(prev_c), ic_t - t(np.nan_to_num(prev_c)), np.nan)
        cross = [
            (
                n_between != 1,
                np.char.add(
                    "contacts do not alternate: ",
                    np.char.add(n_between.astype(str), " contralateral contacts in the stride"),
                ),
            ),
            (
                np.isfinite(next_c)
                & np.isfinite(stride_s)
                & (n_between == 1)
                & (
                    (t(np.nan_to_num(next_c)) - ic_t < 0.3 * stride_s)
                    | (t(np.nan_to_num(next_c)) - ic_t > 0.7 * stride_s)
                ),
                np.full(ic.size, "uneven steps: the other foot's contact is far from mid-stride"),
            ),
            (
                np.isfinite(next_c) & (t(np.nan_to_num(next_c)) < to_t - lim.max_overlap_s),
                np.full(ic.size, "the other foot lands before this one leaves the ground"),
            ),
            (
                np.isfinite(prev_to) & (t(np.nan_to_num(prev_to)) > ic_t + lim.max_overlap_s),
                np.full(ic.size, "this foot lands before the other one leaves the ground"),
            ),
        ]
        cut = piv.index.isin(list(split[side]))
        cut_msg = [
            f"this contact may be cut short: the foot seemed to land again "
            f"{1000.0 * split[side].get(c, 0.0):.0f} ms later, off the step rhythm (that "
            "second contact is not used)"
            for c in piv.index
        ]
        gone_msg = [
            f"a second contact of this foot {1000.0 * dropped[side].get(c, 0.0):.0f} ms from "
            "another, off the step rhythm (the foot dipped to the floor level, or the pose "
            "model misplaced it): not used"
            for c in piv.index
        ]
        checks = [
            (cut, np.array(cut_msg)),
            (gone, np.array(gone_msg)),
            (~ok_ev.to_numpy(), why.to_numpy().astype(str)),
            (~np.isfinite(nxt), np.full(ic.size, CLIP_END_REASON)),
            (
                ~(to > ic) | (np.isfinite(nxt) & (to >= nxt)),  # NaN: missing
                np.full(ic.size, "events missing or out of order"),
            ),
            (
                (contact_ms < 1000 * lim.min_contact_s) | (contact_ms > 1000 * lim.max_contact_s),
                np.char.add(
                    "contact time outside running range: ",
                    np.char.add(np.round(np.nan_to_num(contact_ms)).astype(int).astype(str), " ms"),
                ),
            ),
            (
                np.isfinite(stride_s)
                & ((stride_s < lim.min_stride_s) | (stride_s > lim.max_stride_s)),
                np.char.add(
                    "stride time outside running range: ",
                    np.char.add(np.round(np.nan_to_num(stride_s), 2).astype(str), " s"),
                ),
            ),
            (
                np.isfinite(stride_s) & (contact_ms > 1000.0 * lim.max_duty * stride_s),
                np.char.add(
                    np.char.add("the foot is on the ground for ", duty_pct.astype(str)),
                    " % of the stride: not a running stride",
                ),
            ),
        ]
        for frames, why_bad in unusable:
            if frames.any():
                lo = np.clip(np.floor(ic).astype(int), 0, n)
                last = np.where(np.isfinite(nxt), nxt, np.where(np.isfinite(to), to, ic))
                end = np.ceil(np.nan_to_num(last)).astype(int)
                hi = np.clip(end + 1, 0, n)
                cb = np.concatenate([[0], np.cumsum(frames)])
                checks.append((cb[hi] - cb[lo] > 0, np.full(ic.size, why_bad)))
        note = np.full(ic.size, "", dtype=object)
        if side == trusted_side:
            for fail, msg in cross:
                fill = fail & (note == "")
                note[fill] = msg[fill]
        else:
            checks = checks[:5] + cross + checks[5:]
        reason = np.full(ic.size, "", dtype=object)
        for fail, msg in checks:
            fill = fail & (reason == "")
            reason[fill] = msg[fill]
        rows.append(
            pd.DataFrame(
                {
                    "side": side,
                    "stride": piv.index.to_numpy(),
                    "ic_pos": ic,
                    "ms_pos": ms,
                    "to_pos": to,
                    "next_ic_pos": nxt,
                    "prev_contra_ic_pos": prev_c,
                    "next_contra_ic_pos": next_c,
                    "ic_time_s": ic_t,
                    "ms_time_s": t(ms),
                    "to_time_s": to_t,
                    "next_ic_time_s": nxt_t,
                    "contact_time_ms": contact_ms,
                    "stride_time_s": stride_s,
                    "step_time_s": step_s,
                    "valid": reason == "",
                    "reason": reason,
                    "note": note,
                }
            )
        )
    if not rows:
        return pd.DataFrame(
            {
                c: pd.Series(dtype=object if c in ("side", "reason", "note") else float)
                for c in STRIDE_COLUMNS
            }
        )
    out = pd.concat(rows, ignore_index=True).sort_values("ic_pos", kind="stable")
    out = out.reset_index(drop=True)
    _flag_odd_strides(out, lim.max_stride_change)
    if trusted_side in SIDES:
        _distrust_far_leg(out, trusted_side, min_valid_fraction=far_min_valid_fraction)
    return out


def _flag_odd_strides(strides: pd.DataFrame, max_change: float) -> None:
    """Invalidate (in place) valid strides far from the clip's median stride time.

    Steady running varies its stride time by a few per cent; a stride more than
    ``max_change`` (a fraction) off the median of the valid ones ends at a missed or an
    extra contact.  Needs at least three valid strides.
    """
    ok = strides["valid"].to_numpy(dtype=bool)
    st = strides["stride_time_s"].to_numpy(dtype=float)
    if ok.sum() < 3:
        return
    typical = float(np.median(st[ok]))
    odd = ok & (np.abs(st / typical - 1.0) > max_change)
    if odd.any():
        strides.loc[odd, "valid"] = False
        strides.loc[odd, "reason"] = [
            f"stride time {v:.2f} s is over {max_change:.0%} off the clip's median {typical:.2f} s"
            for v in st[odd]
        ]


def _distrust_far_leg(
    strides: pd.DataFrame, trusted_side: str, *, min_valid_fraction: float
) -> None:
    """Invalidate (in place) the few passing strides of a far leg whose strides mostly fail.

    When most of the far leg's strides fail the checks while the near leg's mostly pass,
    the pose model is not tracking the far leg (hidden by a treadmill console, or its
    landmarks drawn onto the near leg), and the strides that pass do so by chance.
    """
    other = SIDES[1 - SIDES.index(trusted_side)]
    far = (strides["side"] == other).to_numpy()
    near = (strides["side"] == trusted_side).to_numpy()
    valid = strides["valid"].to_numpy(dtype=bool)
    if far.sum() < 3 or not near.any():
        return
    far_ok, near_ok = valid[far].mean(), valid[near].mean()
    if far_ok >= min_valid_fraction or near_ok < min_valid_fraction:
        return
    n_fail, n_far = int((far & ~valid).sum()), int(far.sum())
    hit = far & valid
    strides.loc[hit, "valid"] = False
    strides.loc[hit, "reason"] = (
        f"the far ({other}) leg is poorly tracked: {n_fail} of its {n_far} strides fail "
        "the checks, so the others are not trusted either"
    )
