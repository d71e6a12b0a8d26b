"""The swing leg of the synthetic runner: from toe-off to the leg's next contact.

Frame of reference (metres): x forward, y to the runner's left, z up, ground frame (see
:mod:`gait.synth.kinematics`, whose :class:`~gait.synth.kinematics.RunnerModel` calls
:func:`swing_joints` for the swing part of each stride).

* Swing.  Knee flexion, sagittal leg angle, lateral foot offset and ankle angle are cubic
  Hermite curves from TO to the next IC that match value and rate at both ends (the
  stance boundary states the model computes), plus a knee-flexion bump (peak early in
  swing) and a small foot lift so the foot lands from above.  For the "running" stance
  shape the knee is straightest 45 ms before contact and flexes into it
  (:func:`_swing_knee`), the lift is spent by then, and the foot comes down with the
  leg (the motion capture's approach; :class:`~gait.synth.params.RunnerParams`).
* Clearance.  Where that swing would still touch the floor, two smooth extra ankle lifts
  (:func:`_lift_shapes`) are fitted once per side (:func:`_clearance_amps`), so every
  evaluation - one frame or a whole clip - gives the same motion.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from gait.errors import ConfigError
from gait.synth.geometry import Body, bump, hermite, knee_ik, rot2
from gait.synth.params import RunnerParams

_SWING_KNEE_PEAK_AT = 0.4  # swing progress of peak knee flexion
#: stance_shape "running": the swing knee is straightest this long before contact (s) and
#: flexes from there (RunnerParams.stance_shape; motion capture 40-47 ms)
_KNEE_MIN_BEFORE_IC_S = 0.045
#: Slowest descent of the lowest sole point towards the floor in late swing (m/s): the
#: swing foot comes down steadily and cannot graze or hover over the floor before contact.
_LANDING_DESCENT_MPS = 0.3
#: The step over which that descent is checked (s).
_DESCENT_STEP_S = 0.005
#: stance_shape "running": the sole must come down over the last this many seconds of the
#: swing, not from 75 % of it (the motion capture's lowest marker, the fifth metatarsal
#: head, stays 5-6 cm up from 100 to 60 ms before contact, then comes down)
_RUNNING_HOVER_S = 0.06
#: Least height of the sole's lowest point from 10 % of the swing to its second half (m).
_MIN_CLEARANCE_M = 0.003


@dataclass(frozen=True)
class SwingCoords:
    """The swing leg at the samples ``w`` of :func:`swing_joints`, before the clearance lifts.

    Attributes
    ----------
    hip : ndarray of shape (n, 3)
        This side's hip, metres.
    theta : ndarray of shape (n,)
        Sagittal leg angle (rad): the hip-to-ankle line's forward tilt from straight down.
    dy : ndarray of shape (n,)
        Lateral ankle offset from the hip (m, + to the runner's left).
    dsag : ndarray of shape (n,)
        Hip-to-ankle length in the sagittal plane (m).
    lift : ndarray of shape (n,)
        Foot lift added to the ankle's height (m).
    dorsi : ndarray of shape (n,)
        Ankle angle (rad): foot pitch minus the shank's sagittal angle.
    """

    hip: np.ndarray
    theta: np.ndarray
    dy: np.ndarray
    dsag: np.ndarray
    lift: np.ndarray
    dorsi: np.ndarray


def _swing_knee(w: np.ndarray, k: np.ndarray, p: RunnerParams, dur: float) -> np.ndarray:
    """Swing knee flexion (rad) at swing progress ``w`` from its stance boundary state ``k``
    (value at TO, rate at TO, value at IC, rate at IC; rates per unit ``w``).

    A cubic Hermite from TO to IC plus a bump peaking at ``knee_flexion_swing_deg``
    (:data:`_SWING_KNEE_PEAK_AT`).  For the "running" stance shape the knee reaches
    contact already flexing: the Hermite ends at rest and, over the last
    ``2 t`` of the swing (``t`` = :data:`_KNEE_MIN_BEFORE_IC_S`), a cubic takes it to a
    minimum ``t`` before contact, from which it flexes from rest at a constant angular
    acceleration to the stance's rate at contact ``r``: ``r t / 2`` over that time.  The
    motion capture's knee (Dorn et al. 2012; hip centre, lateral epicondyle and
    malleolus markers) is straightest 40-47 ms before the force plate's contact and
    flexes 6.5-8.3 deg from there, reaching 316-345 deg/s (``r t / 2``: 6.8-7.6 deg).
    """
    running = p.stance_shape == "running"
    rate = float(k[3])
    if running:  # the Hermite ends at rest; the flexing into contact is added below
        k = np.array([k[0], k[1], k[2], 0.0])
    base = float(hermite(np.array(_SWING_KNEE_PEAK_AT), *k))
    gain = np.radians(p.knee_flexion_swing_deg) - base

    def curve(x: np.ndarray) -> np.ndarray:
        return hermite(x, *k) + gain * bump(x, _SWING_KNEE_PEAK_AT)

    kappa = curve(w)
    if not running:
        return kappa
    span = _knee_span(dur)
    head, least = 1.0 - span, k[2] - rate * span / 2
    # from 2 t to t before contact a cubic turns the curve to rest at the minimum
    ends = curve(np.array([head, head + 1e-6]))
    slope = float(ends[1] - ends[0]) / 1e-6
    x = np.clip((w - head + span) / span, 0, 1)
    blend = hermite(x, 0.0, 0.0, least - float(ends[0]), -slope * span)
    tail = least + rate * (w - head) ** 2 / (2 * span) - kappa
    return kappa + np.where(w < head, blend, tail)


def _knee_span(dur: float) -> float:
    """Share of a swing of ``dur`` s from the running knee's minimum to contact."""
    return min(_KNEE_MIN_BEFORE_IC_S / dur, 0.25)


def _foot_offset(fp: dict[str, np.ndarray], name: str, pitch: np.ndarray) -> np.ndarray:
    """(n, 2) forward/up offset of foot point ``name`` from the ankle at foot ``pitch``."""
    return rot2(pitch, np.broadcast_to(fp[name] - fp["ankle"], (pitch.size, 2)))


def _lift_shapes(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The swing clearance lift shapes ``27/4 w (1 - w)^2`` (early, peak 1 at w = 1/3) and
    ``729/16 w^4 (1 - w)^2`` (late, peak 1 at w = 2/3): zero at toe-off and at contact.

    The late one also leaves the contact's speed alone (zero slope at w = 1).  The
    former late shape ``27/4 w^2 (1 - w)`` came down into the floor at its steepest: the
    foot hovered and then dropped (heel speed rising from 0.2 to 5 px a frame over the
    last 40 ms at 120 fps), and the landing fit timed it about 2 frames late.
    """
    return 27 / 4 * w * (1 - w) ** 2, 729 / 16 * w**4 * (1 - w) ** 2


def swing_joints(
    w: np.ndarray,
    hip: np.ndarray,
    side: str,
    *,
    body: Body,
    params: RunnerParams,
    dur: float,
    bounds: dict[str, tuple[float, float, float, float]],
    lift_amps: dict[str, tuple[float, float]],
) -> dict[str, np.ndarray]:
    """Swing ankle, knee, heel and toe (n, 3) and foot pitch (n,) of leg ``side``.

    Parameters
    ----------
    w : ndarray of shape (n,)
        Swing progress, 0 at toe-off, 1 at the next contact.
    hip : ndarray of shape (n, 3)
        This side's hip, metres.
    side : "left" or "right"
    body, params : the runner.
    dur : float
        Swing duration (s): ``(1 - stance fraction) * stride time``.
    bounds : dict
        This side's stance boundary state: per swing coordinate (value at TO, rate at TO,
        value at IC, rate at IC), rates per s.
    lift_amps : dict
        Side -> clearance lift amplitudes (:func:`_clearance_amps`).  When ``side`` is
        missing, they are fitted on the ``w`` given (so pass a dense stride first) and
        stored there.
    """
    b, p = body, params

    def herm(key: str) -> np.ndarray:
        v = bounds[key]
        return hermite(w, v[0], v[1] * dur, v[2], v[3] * dur)

    kappa = _swing_knee(w, np.array(bounds["kappa"]) * [1, dur, 1, dur], p, dur)
    theta, dy = herm("theta"), herm("dy")
    v = bounds["dorsi"]  # the foot slaps down at contact: match the angle, not its rate
    dorsi = hermite(w, v[0], v[1] * dur, v[2], 0.0) + np.radians(5.0) * bump(w, 0.5)
    # push-off: the foot keeps dorsiflexing off the floor (normalised w (1 - w)^4, peak
    # at w = 0.2); see RunnerParams.push_off
    dorsi = dorsi + p.push_off * np.radians(12.0) * w * (1 - w) ** 4 / 0.08192
    d2 = b.thigh_m**2 + b.shank_m**2 + 2 * b.thigh_m * b.shank_m * np.cos(kappa)
    dsag = np.sqrt(np.clip(d2 - dy**2, 1e-6, None))
    # the foot leaves the ground briskly and comes down onto it (not tangentially)
    if p.stance_shape == "running":  # the foot lands at the speed its sole then sinks
        lift = 0.33 * b.height_m * w**2 * (1 - w) ** 2 + 0.13 * b.height_m * w * (1 - w) ** 3
        # spent by the knee's minimum: from there the leg alone brings the foot down
        span = _knee_span(dur)
        x = np.clip((w - (1.0 - 2 * span)) / span, 0, 1)
        lift = lift * (1 - x * x * (3 - 2 * x))
    else:
        lift = 0.14 * b.height_m * w**2 * (1 - w) + 0.13 * b.height_m * w * (1 - w) ** 3
    lift = lift + p.push_off * 0.4 * b.height_m * w * (1 - w) ** 6  # brisk lift-off
    fp = b.foot_points()
    coords = SwingCoords(hip, theta, dy, dsag, lift, dorsi)
    if side not in lift_amps:
        hover = _RUNNING_HOVER_S / dur if p.stance_shape == "running" else 0.25
        lift_amps[side] = _clearance_amps(b, w, coords, dur, side, 1.0 - hover)
    early_amp, late_amp = lift_amps[side]
    early_shape, late_shape = _lift_shapes(w)
    extra = early_amp * early_shape + late_amp * late_shape
    ankle, knee, pitch = _swing_leg(b, coords, side, extra)
    out = {"ankle": ankle, "knee": knee, "pitch": pitch}
    for name in ("heel", "toe"):
        xz = _foot_offset(fp, name, pitch)
        out[name] = ankle + np.stack([xz[:, 0], 0 * w, xz[:, 1]], -1)
    return out


def _swing_leg(
    body: Body, coords: SwingCoords, side: str, extra: np.ndarray | float = 0.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Swing ankle and knee (n, 3) and foot pitch (n,) from the swing coordinates.

    ``extra`` (the clearance lifts) raises the ankle without turning the foot: the
    pitch is ``coords.dorsi`` plus the angle of the shank without it.  Near a straight knee
    the knee bends a lot for a little lift (a 0.3 mm lift bent a 5 deg knee 0.8 deg),
    and the shank's turn, passed on to the foot, lowered a pointed toe more than the
    lift raised it: no lift could clear the floor (20 of the 90 random runners of
    ``benchmarks/exact_sweep.py`` could not be built; 2 now).
    """
    hip, theta, dsag = coords.hip, coords.theta, coords.dsag
    leg = np.stack([dsag * np.sin(theta), coords.dy, -dsag * np.cos(theta) + coords.lift], -1)
    zero = np.zeros_like(dsag)
    shank = hip + leg - knee_ik(hip, hip + leg, zero, side, body)
    ankle = hip + leg + np.stack([zero, zero, zero + extra], -1)
    knee = knee_ik(hip, ankle, zero, side, body) if np.any(extra) else hip + leg - shank
    return ankle, knee, coords.dorsi + np.arctan2(shank[:, 0], -shank[:, 2])


def _clearance_amps(
    body: Body, w: np.ndarray, coords: SwingCoords, dur: float, side: str, descend_from: float
) -> tuple[float, float]:
    """Amplitudes (m) of the extra ankle lift that keeps the swing foot off the floor.

    The cubic swing can drag the toe through the floor just after toe-off (low
    dorsiflexion) or, with a steep toe-up landing (high dorsiflexion), bring the heel
    down to the floor some 60 ms before the contact and lift it again: touches the
    truth would not count.  So the sole's lowest point must stay above the floor in the
    first half of the swing; in the second half above ``_LANDING_DESCENT_MPS * time to
    contact`` and, after ``descend_from`` of the swing (75 %; for the "running" shape
    60 ms before contact, :data:`_RUNNING_HOVER_S`), coming down at least that fast (no
    hovering).  Where it does not, smooth lifts ``B w (1 - w)^2`` (early) and
    ``A w^4 (1 - w)^2`` (late; :func:`_lift_shapes`), zero at toe-off and at
    contact, are added with the smallest sufficient ``B`` and then ``A`` (bisection to
    0.5 mm), found on the samples ``w`` given (a dense stride), where the swing leg is
    ``coords``.  ``(0, 0)`` when the swing already clears.
    """
    fp = body.foot_points()
    early_shape, late_shape = _lift_shapes(w)
    early = (w > 0.02) & (w < 0.5)
    # just off the floor after toe-off, then at least a few millimetres clear
    early_need = np.where(w[early] < 0.1, 0.0, _MIN_CLEARANCE_M)
    late = (w >= 0.5) & (w < 0.999)
    order = np.argsort(w[late], kind="stable")
    wl = w[late][order]
    need = _LANDING_DESCENT_MPS * dur * (1 - wl)
    descent = wl >= descend_from
    # the descent is checked over steps of _DESCENT_STEP_S: between neighbouring samples
    # (0.4 ms apart) the 0.1-mm tolerance for frames of different strides was as much as
    # the 0.3 m/s asked for, and a heel could hover 26-30 mm up for 40 ms (0.1 m/s)
    w_descent = wl[descent]
    grid = (
        np.arange(w_descent[0], w_descent[-1], _DESCENT_STEP_S / dur)
        if w_descent.size
        else w_descent
    )
    drop = -_LANDING_DESCENT_MPS * _DESCENT_STEP_S

    def sole(extra: np.ndarray) -> np.ndarray:
        ankle, _, pitch = _swing_leg(body, coords, side, extra)
        pivots = ("heel_pivot", "ball_pivot")
        return np.min([ankle[:, 2] + _foot_offset(fp, p, pitch)[:, 1] for p in pivots], axis=0)

    def early_ok(amp: float) -> bool:
        return bool((sole(amp * early_shape)[early] >= early_need - 1e-4).all())

    def late_ok(amp: float, base: np.ndarray) -> bool:
        s = sole(base + amp * late_shape)[late][order]
        slow = np.diff(np.interp(grid, w_descent, s[descent])) > drop + 1e-4
        return bool((s >= need - 1e-4).all() and not slow.any())

    def smallest(ok: Callable[[float], bool]) -> float:
        if ok(0.0):
            return 0.0
        lo, hi = 0.0, 0.05
        while not ok(hi):
            lo, hi = hi, 2 * hi
            if hi > 0.5:
                raise ConfigError(
                    f"{side} leg: the swing foot cannot come down to its landing without "
                    "touching the floor first; raise knee_flexion_ic_deg (a leg this "
                    "straight at contact leaves the foot no room)"
                )
        while hi - lo > 5e-4:
            mid = 0.5 * (lo + hi)
            lo, hi = (lo, mid) if ok(mid) else (mid, hi)
        return hi

    early_amp = smallest(early_ok) if early.any() else 0.0
    extra = early_amp * early_shape
    late_amp = smallest(lambda a: late_ok(a, extra)) if late.any() else 0.0
    return early_amp, late_amp
