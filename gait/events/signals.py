"""Leg and foot signals the events are timed on, besides the foot's height: the knee's
flexion and the leg's vertical length (toe-off), the foot's forward stop (a bound on the
landing), the ankle's slide on a belt seen from behind, and the midstance signals."""

from __future__ import annotations

import numpy as np

from gait._runs import run_frames
from gait.events.common import (
    Midstance,
)
from gait.events.contacts import (
    _argmax_in_runs,
    leg_length_px,
)
from gait.events.fits import _kink_min, curved_kink_fit, hinge_fit
from gait.posedata import LANDMARK_INDEX


def knee_flexion_2d(xy: np.ndarray, side: str) -> np.ndarray:
    """(n,) unsigned image knee flexion ``180 - angle(hip, knee, ankle)`` in degrees."""
    hip = xy[:, LANDMARK_INDEX[f"{side}_hip"]]
    knee = xy[:, LANDMARK_INDEX[f"{side}_knee"]]
    ankle = xy[:, LANDMARK_INDEX[f"{side}_ankle"]]
    a, b = hip - knee, ankle - knee
    with np.errstate(invalid="ignore", divide="ignore"):
        cos = np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return np.asarray(180.0 - np.degrees(np.arccos(np.clip(cos, -1, 1))))


def _leg_shortening(xy: np.ndarray, side: str) -> np.ndarray:
    """(n,) 1 - vertical hip-to-ankle distance / leg length: a knee-flexion proxy for
    frontal views (the leg is longest in the image when the knee is straightest)."""
    hip = xy[:, LANDMARK_INDEX[f"{side}_hip"], 1]
    ankle = xy[:, LANDMARK_INDEX[f"{side}_ankle"], 1]
    leg = leg_length_px(xy)
    return np.asarray(1.0 - (ankle - hip) / leg)


def _midstance_signal(xy: np.ndarray, side: str, method: Midstance) -> np.ndarray | None:
    if method == "pelvis":
        return np.asarray(
            0.5 * (xy[:, LANDMARK_INDEX["left_hip"], 1] + xy[:, LANDMARK_INDEX["right_hip"], 1])
        )
    if method == "knee":
        return knee_flexion_2d(xy, side)
    return None


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
    run, frames = run_frames(a[k], b[k])
    w = (frames - ic[k][run]) / (to[k][run] - ic[k][run])
    out[frames] = sig[frames] - (y0[run] + w * (y1[run] - y0[run]))
    return out
