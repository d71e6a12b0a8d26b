"""The metric registry and the vectorised per-stride kernels.

:data:`METRICS` is the single registry of metric specifications the rest of the product
reads (report, comparison, rules): name, label, unit, views, event, definition, which
direction is better, typical range, smallest meaningful change and citations.

:func:`stride_metrics` evaluates every metric the view supports for all strides at once:
landmarks are sampled at the (sub-frame) event times with cubic interpolation and the
angle kernels run on ``(k, 2)`` arrays - no Python loop over frames or strides.

Geometry conventions (METRICS.md §1): image x right, y down.  Side-view kernels work in
*oriented* coordinates - ``u`` forward along the direction of travel, ``v`` up - so a clip
and its mirror image give the same numbers.  Angles are in degrees.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from gait.posedata import LANDMARK_INDEX
from gait.posedata import point as _pt

View = Literal["side", "rear", "front"]
SIDE: tuple[View, ...] = ("side",)
FRONTAL: tuple[View, ...] = ("rear", "front")
ANY: tuple[View, ...] = ("side", "rear", "front")


@dataclass(frozen=True)
class MetricSpec:
    """What one metric is, how it is measured and how to read it.

    Attributes
    ----------
    name : str
        snake_case key with the unit suffix (``_deg``, ``_ms``, ``_pct``, ``_spm``).
    label, unit : str
        Display name and unit.
    views : tuple of str
        Views that support the metric (``side``, ``rear``, ``front``).
    event : str
        When it is measured: ``ic``, ``ms``, ``to``, ``stance``, ``stride`` or ``step``.
    definition : str
        The formula in words.
    better : str
        ``higher``, ``lower``, ``target`` (inside the typical range) or ``none``.
    typical : tuple of (float or None, float or None)
        Typical range in the metric's unit.
    smallest_change : float or None
        Smallest meaningful change between two sessions, in the metric's unit.
    smallest_change_source : str
        Where ``smallest_change`` comes from (a study, or "heuristic").
    citation : str
        The references behind the definition and the typical values.
    timing : bool
        The metric is a duration or rate (withheld for slowed or sped-up footage).
    overall_column : str or None
        Per-stride column whose median is the overall value when it differs from the
        per-side quantity (step width: distance between successive contacts).
    aggregate : {"median", "harmonic_mean"}
        How the summary combines strides.  ``harmonic_mean`` for a rate whose period is
        what is measured (cadence = 120 / stride time): ``n / sum(1 / x)`` is the rate of
        the mean period, in which the timing errors of consecutive contacts cancel
        (each IC ends one stride and starts the next), whereas a median keeps the
        frame quantisation of single strides (about 8 steps/min per frame at 30 fps).
    max_confidence : float
        Upper bound of the summary's confidence (:func:`gait.summary.summarize`) for a
        metric whose measurement from video is known to be weak: 0.45 keeps it "low",
        0.6 "medium".
    caveat : str
        What the measurement is known to miss, shown with every value of it (terminal,
        report, JSON ``caveat``); empty when nothing is known.
    near_leg_only : bool
        In a side view the value is the median over the near leg's valid strides (the
        far leg's stays in its per-side column): the pose model reads the far leg's
        strides with a bias of their own.  Set where that was measured to help.
    instant : bool
        Taken at an event where it changes fast, so its value depends on the event's
        timing as much as a duration's does: its confidence takes the frame-rate term of
        the timing metrics (full at 60 fps).  One frame at 30 fps, measured as the change
        between the detected contact moved half a frame earlier and half a frame later
        (median over the valid strides of the four rendered side clips and the real
        treadmill clip): knee at contact 2.9-8.3 deg, shank angle 1.5-7.5, foot strike
        angle 5.4-23.1, overstride 5.1-6.5 % leg; hip extension 3.4-7.0 deg about the
        toe-off - about one to nine times each one's smallest meaningful change (motion
        capture at 31 Hz: 15.9, 14.4, 6.0 deg, 11.8 % leg, 2.1 deg).  Contacts through
        MediaPipe at 30 fps come up to 1.6 frames off (before_side: -0.9 to +1.6).
    """

    name: str
    label: str
    unit: str
    views: tuple[View, ...]
    event: str
    definition: str
    better: str
    typical: tuple[float | None, float | None]
    smallest_change: float | None
    smallest_change_source: str
    citation: str
    timing: bool = False
    overall_column: str | None = None
    aggregate: Literal["median", "harmonic_mean"] = "median"
    max_confidence: float = 1.0
    caveat: str = ""
    near_leg_only: bool = False
    instant: bool = False


_SPECS = (
    MetricSpec(
        "cadence_spm",
        "Cadence",
        "steps/min",
        ANY,
        "stride",
        "clip value: the step frequency of the pelvis bounce (zero-padded spectrum, searched "
        "within 20 % of the events' rate); per stride and per side: 120 / stride time (two "
        "steps per stride of one foot), harmonic mean over strides",
        "target",
        (160.0, 185.0),
        3.0,
        "heuristic (about 2 %)",
        "Heiderscheit et al. 2011, Med Sci Sports Exerc 43:296",
        timing=True,
        aggregate="harmonic_mean",
    ),
    MetricSpec(
        "contact_time_ms",
        "Ground contact time",
        "ms",
        SIDE,
        "stance",
        "toe-off time minus initial-contact time of the same foot",
        "none",
        (160.0, 300.0),
        15.0,
        "heuristic (half a frame at 30 fps)",
        "Fellin et al. 2010, J Sci Med Sport 13:646 (event detection)",
        timing=True,
    ),
    MetricSpec(
        "duty_factor_pct",
        "Duty factor",
        "%",
        SIDE,
        "stride",
        "100 x contact time / stride time of the same foot",
        "none",
        (25.0, 45.0),
        2.0,
        "heuristic",
        "Folland et al. 2017, Med Sci Sports Exerc 49:1412",
        timing=True,
    ),
    MetricSpec(
        "trunk_lean_deg",
        "Trunk forward lean",
        "deg",
        SIDE,
        "ms",
        "inclination of mid-hip -> mid-shoulder from vertical at midstance, forward positive",
        "target",
        (5.0, 12.0),
        2.3,
        "Dingenen et al. 2018, Phys Ther Sport 33:40 (1.3-2.3 deg)",
        "Teng & Powers 2015, Med Sci Sports Exerc 47:625; Bramah et al. 2018, Am J Sports "
        "Med 46:3023",
        # rendered side runners (4 at 30 fps, 8 at 60/120): at the far foot's midstances
        # MediaPipe reads the trunk 2.5-5.4 deg more upright; mean |error| of the value
        # 1.66 deg over both legs, 0.69 over the near leg's strides
        near_leg_only=True,
    ),
    MetricSpec(
        "knee_flexion_ic_deg",
        "Knee flexion at contact",
        "deg",
        SIDE,
        "ic",
        "180 - angle(hip, knee, ankle) at initial contact (signed: thigh minus shank inclination)",
        "higher",
        (15.0, 25.0),
        3.8,
        "Dingenen et al. 2018 (2.3-3.8 deg)",
        "Bramah et al. 2018, Am J Sports Med 46:3023",
        instant=True,
    ),
    MetricSpec(
        "knee_flexion_midstance_deg",
        "Knee flexion at midstance",
        "deg",
        SIDE,
        "ms",
        "peak of 180 - angle(hip, knee, ankle) during stance (contact to toe-off), the "
        "midstance knee",
        "none",
        (36.0, 45.0),
        3.8,
        "Dingenen et al. 2018 (2.3-3.8 deg)",
        "Bramah et al. 2018, Am J Sports Med 46:3023",
    ),
    MetricSpec(
        "ankle_dorsiflexion_midstance_deg",
        "Ankle dorsiflexion at midstance",
        "deg",
        SIDE,
        "ms",
        "angle(shank knee->ankle, foot heel->toe) - 90 at midstance, the foot line taken "
        "relative to its midstance (foot-flat) angle; + = dorsiflexion",
        "higher",
        (None, None),
        4.8,
        "Dingenen et al. 2018 (2.2-4.8 deg)",
        "Rabin et al. 2014; Lima et al. 2018 (meta-analysis)",
    ),
    MetricSpec(
        "shank_angle_ic_deg",
        "Shank angle at contact",
        "deg",
        SIDE,
        "ic",
        "inclination of knee -> ankle from vertical at initial contact; ankle ahead of knee "
        "positive",
        "lower",
        (-2.0, 8.0),
        2.3,
        "Dingenen et al. 2018 (1.3-2.3 deg)",
        "Souza 2016, Phys Med Rehabil Clin N Am 27:217; Lieberman et al. 2015, J Exp Biol 218:3406",
        instant=True,
    ),
    MetricSpec(
        "foot_strike_angle_deg",
        "Foot strike angle",
        "deg",
        SIDE,
        "ic",
        "angle of the sole line heel -> toe to the floor at initial contact relative to "
        "its angle where the foot is flattest (the lowest frame between contact and "
        "midstance), toe up positive; > 8 rearfoot, -1.6..8 midfoot, < -1.6 forefoot",
        "none",
        (-5.0, 25.0),
        2.5,
        "Murray et al. 2018 (typical 2D error)",
        "Altman & Davis 2012, Gait Posture 35:298; Souza 2016",
        # rendered side runners: far-leg mean |error| 9.1 deg, the value's 5.6 over both
        # legs and 4.0 over the near leg's strides (better on 8 of 12 clips)
        near_leg_only=True,
        instant=True,
    ),
    MetricSpec(
        "hip_extension_to_deg",
        "Hip extension at toe-off",
        "deg",
        SIDE,
        "to",
        "inclination of hip -> knee behind vertical at toe-off, knee behind hip positive",
        "higher",
        (None, None),
        2.3,
        "Dingenen et al. 2018 (segment inclination)",
        "Van Hooren et al. 2024, Sports Med 54:827",
        instant=True,
    ),
    MetricSpec(
        "vertical_oscillation_pct_leg",
        "Vertical oscillation",
        "% leg",
        SIDE,
        "step",
        "range of mid-hip height over each step (contact to contralateral contact), "
        "100 x / leg length",
        "lower",
        (4.0, 12.0),
        1.0,
        "heuristic",
        "Folland et al. 2017, Med Sci Sports Exerc 49:1412",
    ),
    MetricSpec(
        "overstride_pct_leg",
        "Overstride (heel ahead of hip)",
        "% leg",
        SIDE,
        "ic",
        "horizontal distance heel - mid-hip at initial contact along the direction of "
        "travel, 100 x / leg length",
        "lower",
        (None, 8.0),
        2.0,
        "heuristic",
        "Lieberman et al. 2015, J Exp Biol 218:3406",
        instant=True,
    ),
    MetricSpec(
        "pelvic_drop_deg",
        "Contralateral pelvic drop",
        "deg",
        FRONTAL,
        "ms",
        "tilt of the hip-to-hip line from the floor line at midstance, positive when the "
        "swing-side hip is lower",
        "lower",
        (None, 6.0),
        2.8,
        "Dingenen et al. 2018",
        "Bramah et al. 2018, Am J Sports Med 46:3023",
        # 2D reliability is the weakest of these (ICC 0.59-0.77, Dingenen 2018), and the
        # pose model under-reads it (tests/test_rendered.py, the rear xfail)
        max_confidence=0.45,
        caveat="The pose model's hip points barely follow a sideways tilt of the pelvis: "
        "on rendered test runners they turned 0.1-0.2 deg per degree of tilt, and a "
        "10 deg drop read -3 deg. A value in the normal range does not rule out pelvic "
        "drop; check the annotated frames by eye (measured on rendered runners; no "
        "real-video reference yet).",
    ),
    MetricSpec(
        "knee_valgus_deg",
        "Knee frontal-plane projection angle",
        "deg",
        FRONTAL,
        "ms",
        "angle between thigh (hip -> knee) and shank (knee -> ankle) in the image at "
        "midstance, knee medial (valgus) positive",
        "lower",
        (1.0, 7.0),
        3.0,
        "heuristic",
        "Vasconcelos et al. 2022; Dingenen et al. 2018",
        # does not track 3D knee abduction (Vasconcelos 2022), and the pose model
        # under-reads it (tests/test_rendered.py, the rear xfail)
        max_confidence=0.45,
        caveat="The pose model's knee barely follows an inward-moving knee: on a rendered "
        "test runner an 11.9 deg angle read 3 deg. In running this angle also reflects "
        "hip adduction more than knee motion (Vasconcelos et al. 2022). A value in the "
        "normal range does not rule out valgus (measured on rendered runners).",
    ),
    MetricSpec(
        "step_width_pct_leg",
        "Step width",
        "% leg",
        FRONTAL,
        "ic",
        "overall: lateral distance between the ankles of successive contacts, left ankle "
        "left of right ankle positive (negative = crossover); per side: the ankle's "
        "lateral offset from the mid-hip at contact, toward its own side positive; "
        "100 x / leg length",
        "target",
        (2.0, 12.0),
        2.0,
        "heuristic",
        "Meardon et al. 2012; Brindle et al. 2014",
        overall_column="step_width_between_pct_leg",
        max_confidence=0.6,
        caveat="On a rendered test runner whose feet crossed the midline (-3.2 % of leg "
        "length) the pose model kept the ankles apart (+3.9 %): a crossover can read as "
        "a narrow step (measured on rendered runners; the good-form runner's step width "
        "read within 0.5 %).",
    ),
    MetricSpec(
        "lateral_trunk_lean_deg",
        "Lateral trunk lean",
        "deg",
        FRONTAL,
        "ms",
        "inclination of mid-hip -> mid-shoulder from vertical in the image at midstance, "
        "toward the stance side positive",
        "lower",
        (None, 5.0),
        2.3,
        "Dingenen et al. 2018 (trunk inclination)",
        "Bramah et al. 2018, Am J Sports Med 46:3023",
    ),
)

#: The registry: metric name -> specification, in report order.
METRICS: dict[str, MetricSpec] = {spec.name: spec for spec in _SPECS}

#: Foot strike pattern thresholds on the foot strike angle in degrees (Altman & Davis 2012).
STRIKE_REARFOOT_DEG = 8.0
STRIKE_FOREFOOT_DEG = -1.6


def strike_pattern(angle_deg: np.ndarray) -> np.ndarray:
    """Foot strike pattern of each foot strike angle (degrees; object array, None where
    the angle is NaN): above :data:`STRIKE_REARFOOT_DEG` rearfoot, below
    :data:`STRIKE_FOREFOOT_DEG` forefoot, else midfoot."""
    a = np.asarray(angle_deg, dtype=float)
    out = np.where(
        a > STRIKE_REARFOOT_DEG,
        "rearfoot",
        np.where(a < STRIKE_FOREFOOT_DEG, "forefoot", "midfoot"),
    ).astype(object)
    out[np.isnan(a)] = None
    return out


def strike_patterns_within(angle_deg: float, uncertainty_deg: float) -> list[str]:
    """The foot strike patterns that ``angle_deg +/- uncertainty_deg`` reaches: the
    angle's own (:func:`strike_pattern`) first, then the others by distance (empty for a
    non-finite angle)."""
    if not np.isfinite(angle_deg):
        return []
    u = max(float(uncertainty_deg), 0.0) if np.isfinite(uncertainty_deg) else 0.0
    own = str(strike_pattern(np.array([angle_deg]))[0])
    bands = {
        "forefoot": (-np.inf, STRIKE_FOREFOOT_DEG),
        "midfoot": (STRIKE_FOREFOOT_DEG, STRIKE_REARFOOT_DEG),
        "rearfoot": (STRIKE_REARFOOT_DEG, np.inf),
    }
    gap = {name: max(lo - angle_deg, angle_deg - hi, 0.0) for name, (lo, hi) in bands.items()}
    others = sorted((d, name) for name, d in gap.items() if name != own and d <= u)
    return [own] + [name for _, name in others]


def metrics_for_view(view: str) -> list[str]:
    """Names of the metrics a view supports, in registry order."""
    return [name for name, spec in METRICS.items() if view in spec.views]


def not_measurable_reason(name: str, view: str) -> str | None:
    """Why a metric cannot be measured from a view, or None when it can."""
    spec = METRICS[name]
    if view in spec.views:
        return None
    need = " or ".join(spec.views)
    return f"needs a {need} view; this clip is a {view} view"


# --------------------------------------------------------------------------- kernels


def _deg(rad: np.ndarray) -> np.ndarray:
    return np.asarray(np.degrees(rad))


def inclination_up_deg(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Inclination of the segment lower -> upper from vertical, forward positive.

    Parameters
    ----------
    lower, upper : ndarray of shape (k, 2)
        Oriented coordinates (u forward, v up).

    Returns
    -------
    ndarray of shape (k,)
        ``atan2(du, dv)`` in degrees.
    """
    d = upper - lower
    return _deg(np.arctan2(d[:, 0], d[:, 1]))


def inclination_down_deg(upper: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """Inclination of the segment upper -> lower from the downward vertical, forward positive.

    ``atan2(du, -dv)`` in degrees, for (k, 2) oriented coordinates: 0 when ``lower`` is
    straight below ``upper``, positive when it is ahead.
    """
    d = lower - upper
    return _deg(np.arctan2(d[:, 0], -d[:, 1]))


def knee_flexion_deg(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray) -> np.ndarray:
    """Sagittal knee flexion: thigh inclination minus shank inclination.

    Equals ``180 - angle(hip, knee, ankle)`` for a flexed knee and is negative for
    hyperextension.  Inputs (k, 2) in oriented coordinates; output (k,) degrees.
    """
    return _wrap(inclination_down_deg(hip, knee) - inclination_down_deg(knee, ankle))


def foot_angle_deg(heel: np.ndarray, toe: np.ndarray) -> np.ndarray:
    """Angle of the sole line heel -> toe to the horizontal, toe up positive (degrees)."""
    d = toe - heel
    return _deg(np.arctan2(d[:, 1], d[:, 0]))


def ankle_dorsiflexion_deg(
    knee: np.ndarray, ankle: np.ndarray, heel: np.ndarray, toe: np.ndarray
) -> np.ndarray:
    """Ankle dorsiflexion: ``angle(knee->ankle, heel->toe) - 90``, signed.

    Computed as foot angle minus shank inclination, which is the same number with a sign:
    0 for a vertical shank on a flat foot, positive when the knee is ahead of the ankle
    or the toe is up.  Inputs (k, 2) oriented coordinates; output (k,) degrees.
    """
    return _wrap(foot_angle_deg(heel, toe) - inclination_down_deg(knee, ankle))


def _wrap(deg: np.ndarray) -> np.ndarray:
    return np.asarray((deg + 180.0) % 360.0 - 180.0)


def frontal_knee_angle_deg(
    hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray, medial_sign: np.ndarray
) -> np.ndarray:
    """Knee frontal-plane projection angle, valgus (knee medial) positive.

    Thigh and shank inclinations from the downward vertical, ``a = atan2(dx, dy)`` in image
    coordinates; FPPA = ``(a_thigh - a_shank) * medial_sign`` where ``medial_sign`` (k,)
    is +1 when medial is image +x for that leg.
    """
    t = knee - hip
    s = ankle - knee
    a_t = np.arctan2(t[:, 0], t[:, 1])
    a_s = np.arctan2(s[:, 0], s[:, 1])
    return _wrap(_deg(a_t - a_s) * medial_sign)


def pelvic_drop_deg(stance_hip: np.ndarray, swing_hip: np.ndarray) -> np.ndarray:
    """Tilt of the hip line from horizontal, positive when the swing-side hip is lower.

    ``atan2(y_swing - y_stance, |x_swing - x_stance|)`` in image coordinates (y down).
    """
    d = swing_hip - stance_hip
    return _deg(np.arctan2(d[:, 1], np.abs(d[:, 0])))


# --------------------------------------------------------------------- sampling


def sample_at(x: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Cubic (Catmull-Rom) interpolation of frames at fractional positions.

    Parameters
    ----------
    x : ndarray of shape (n, ...)
        Per-frame values.
    pos : ndarray of shape (k,)
        Fractional frame positions (NaN allowed).

    Returns
    -------
    ndarray of shape (k, ...)
        Values at ``pos``; NaN where ``pos`` is NaN or out of range or a neighbour is
        missing.  Falls back to linear interpolation where only the two bracketing
        frames are available.
    """
    n = x.shape[0]
    pos = np.asarray(pos, dtype=float)
    ok = np.isfinite(pos) & (pos >= 0) & (pos <= n - 1)
    p = np.where(ok, pos, 0.0)
    i1 = np.clip(np.floor(p).astype(int), 0, max(n - 2, 0))
    i2 = np.minimum(i1 + 1, n - 1)
    t = (p - i1).reshape((-1,) + (1,) * (x.ndim - 1))
    i0 = np.maximum(i1 - 1, 0)
    i3 = np.minimum(i2 + 1, n - 1)
    p0, p1, p2, p3 = x[i0], x[i1], x[i2], x[i3]
    lin = p1 + (p2 - p1) * t
    cub = 0.5 * (
        2 * p1
        + (-p0 + p2) * t
        + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2
        + (-p0 + 3 * p1 - 3 * p2 + p3) * t**3
    )
    out = np.where(np.isnan(cub), lin, cub)
    out[~ok] = np.nan
    return np.asarray(out)


def sample_one_sided(
    x: np.ndarray, pos: np.ndarray, *, after: bool, n_points: int = 4
) -> np.ndarray:
    """Value at fractional positions from the samples on one side only.

    A least-squares quadratic through the ``n_points`` frames at or after ``pos``
    (``after=True``) or at or before it is evaluated at ``pos``.  Used for values *at*
    an event that sits on a kink of the signal (the knee stops extending at initial
    contact, starts flexing at toe-off): the stance-side samples describe the value at
    the event, interpolation across the kink would not.

    Parameters
    ----------
    x : ndarray of shape (n, ...)
    pos : ndarray of shape (k,)
    after : bool
    n_points : int

    Returns
    -------
    ndarray of shape (k, ...)
        NaN where ``pos`` is NaN or the samples run out of the clip.
    """
    n = x.shape[0]
    pos = np.asarray(pos, dtype=float)
    ok = np.isfinite(pos)
    p = np.where(ok, pos, 0.0)
    base = np.ceil(p - 1e-9).astype(int) if after else np.floor(p + 1e-9).astype(int)
    steps = np.arange(n_points) if after else -np.arange(n_points)
    idx = base[:, None] + steps[None, :]  # (k, m)
    ok &= (idx.min(axis=1) >= 0) & (idx.max(axis=1) <= n - 1)
    idx = np.clip(idx, 0, n - 1)
    t = idx - p[:, None]  # sample offsets from pos, (k, m)
    t[~ok] = steps  # distinct offsets where the window is clipped (the result is NaN)
    if n_points >= 3:
        w = _quadratic_value_weights(t)
    else:
        # least-squares line or constant: value at t = 0 is the first coefficient
        a = np.stack([np.ones_like(t), t][:n_points], axis=-1)  # (k, m, deg+1)
        w = np.linalg.pinv(a)[:, 0, :]  # (k, m)
    vals = x[idx]  # (k, m, ...)
    w = w.reshape(w.shape + (1,) * (x.ndim - 1))
    out = np.sum(w * vals, axis=1)
    out[~ok] = np.nan
    return np.asarray(out)


def sample_kink(
    x: np.ndarray, pos: np.ndarray, *, n_points: int = 3, degree: int = 2
) -> np.ndarray:
    """Value at fractional positions that sit on a kink of the signal.

    A continuous two-piece polynomial - one polynomial of ``degree`` on each side of
    ``pos``, sharing their value at ``pos`` but not their slopes or curvatures - is fitted
    by least squares to the ``n_points`` frames at or before ``pos`` and the ``n_points``
    frames after it; the shared value is returned.  This is a broken-stick regression
    with a known break (the break of :func:`gait.events.hinge_fit`, with curved pieces).

    It is made for values *at* initial contact, where the landmarks' motion changes
    abruptly (the foot is stopped by the ground): a cubic through the neighbouring
    frames rounds the kink off (at 30 fps the synthetic runner's knee flexion read
    1.5-1.8 deg high), and a one-sided fit extrapolates whichever side it uses across
    a frame or more of curvature.  Both sides pin the shared value.  Exact when the
    signal is a polynomial of ``degree`` on each side.

    Parameters
    ----------
    x : ndarray of shape (n, ...)
    pos : ndarray of shape (k,)
    n_points : int
        Frames per side (at least ``degree + 1`` for a unique fit).
    degree : int
        Degree of each piece.

    Returns
    -------
    ndarray of shape (k, ...)
        NaN where ``pos`` is NaN, the samples run out of the clip or one is missing.
    """
    n = x.shape[0]
    pos = np.asarray(pos, dtype=float)
    ok = np.isfinite(pos)
    p = np.where(ok, pos, 0.0)
    last = np.floor(p + 1e-9).astype(int)  # the last frame at or before pos
    steps = np.arange(-n_points + 1, n_points + 1)
    idx = last[:, None] + steps[None, :]  # (k, 2 n_points)
    ok &= (idx[:, 0] >= 0) & (idx[:, -1] <= n - 1)
    idx = np.clip(idx, 0, n - 1)
    t = idx - p[:, None]
    t[~ok] = steps - 0.5  # a well-posed dummy fit where the window is clipped (NaN)
    before, after = np.minimum(t, 0.0), np.maximum(t, 0.0)
    powers = np.arange(1, degree + 1)
    design = np.concatenate(
        [np.ones((*t.shape, 1)), before[..., None] ** powers, after[..., None] ** powers],
        axis=-1,
    )  # (k, m, 2 degree + 1)
    w = np.linalg.pinv(design)[:, 0, :]  # weights of the shared value, (k, m)
    vals = x[idx]
    w = w.reshape(w.shape + (1,) * (x.ndim - 1))
    out = np.sum(w * vals, axis=1)
    out[~ok] = np.nan
    return np.asarray(out)


def _quadratic_value_weights(t: np.ndarray) -> np.ndarray:
    """Weights (k, m) giving the value at t = 0 of the least-squares quadratic through
    samples at offsets ``t`` (k, m; at least three distinct per row).

    The value is the first coefficient of the normal equations ``M c = A^T y`` with the
    moment matrix ``M[i, j] = sum t^(i + j)``: weight_i = (M^-1)[0] . (1, t_i, t_i^2),
    the first row of the inverse taken from its cofactors (a 3x3 solve in closed form,
    the same as the first row of the pseudo-inverse when ``A`` has full rank).
    """
    t2 = t * t
    m0 = float(t.shape[1])
    m1, m2 = t.sum(axis=1), t2.sum(axis=1)
    m3, m4 = (t2 * t).sum(axis=1), (t2 * t2).sum(axis=1)
    c0 = m2 * m4 - m3 * m3
    c1 = m2 * m3 - m1 * m4
    c2 = m1 * m3 - m2 * m2
    det = m0 * c0 + m1 * c1 + m2 * c2
    return np.asarray((c0[:, None] + c1[:, None] * t + c2[:, None] * t2) / det[:, None])


def _mid(xy: np.ndarray, a: str, b: str) -> np.ndarray:
    return 0.5 * (_pt(xy, a) + _pt(xy, b))


# ------------------------------------------------------------------ stride metrics


def _range_between(y: np.ndarray, start: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """Max - min of ``y`` over the frames of each range [start, stop], vectorised.

    Frames ``ceil(start) .. ceil(stop) - 1`` are used (clipped to the clip).  One
    ``np.fmax.reduceat`` / ``np.fmin.reduceat`` over interleaved ``[s_i, e_i)`` boundaries
    reduces every range independently, so overlapping or unsorted ranges need no special
    case (the odd, in-between slices are discarded).  NaN samples are ignored (``fmax``).

    Parameters
    ----------
    y : ndarray of shape (n,)
        Per-frame signal (NaN = missing).
    start, stop : ndarray of shape (k,)
        Fractional frame positions (NaN allowed).

    Returns
    -------
    ndarray of shape (k,)
        The ranges; NaN where a range is missing, empty (no whole frame inside, or outside
        the clip) or holds no finite sample - poor data never raises.
    """
    start = np.asarray(start, dtype=float)
    stop = np.asarray(stop, dtype=float)
    out = np.full(start.shape, np.nan)
    n = y.size
    ok = np.isfinite(start) & np.isfinite(stop)
    s = np.clip(np.ceil(np.where(ok, start, 0.0)), 0, n).astype(np.int64)
    e = np.clip(np.ceil(np.where(ok, stop, 0.0)), 0, n).astype(np.int64)
    ok &= e > s
    if not ok.any():
        return out
    bounds = np.empty(2 * int(ok.sum()), dtype=np.int64)
    bounds[0::2] = s[ok]
    bounds[1::2] = e[ok]
    padded = np.append(np.asarray(y, dtype=float), np.nan)  # index n is valid for reduceat
    hi = np.fmax.reduceat(padded, bounds)[0::2]
    lo = np.fmin.reduceat(padded, bounds)[0::2]
    out[ok] = hi - lo
    return out


def stride_metrics(
    xy: np.ndarray,
    strides: pd.DataFrame,
    *,
    view: str,
    direction: np.ndarray | float,
    leg_length_px: np.ndarray | float,
    fps: float = 60.0,
    xy_events: np.ndarray | None = None,
    xy_oscillation: np.ndarray | None = None,
    noise_free: bool = False,
    floor_deg: float = 0.0,
) -> pd.DataFrame:
    """Every metric the view supports, for all strides at once.

    Parameters
    ----------
    xy : ndarray of shape (n, 33, 2)
        Cleaned, roll-corrected image coordinates in pixels.
    strides : DataFrame
        One row per stride (see :func:`gait.events.strides_from_events`) with at least
        ``side``, ``ic_pos``, ``ms_pos``, ``to_pos``, ``next_ic_pos``, ``prev_contra_ic_pos``,
        ``next_contra_ic_pos``, ``contact_time_ms``, ``stride_time_s``, ``step_time_s``.
    view : {"side", "rear", "front"}
        The camera view.
    direction : ndarray of shape (n,) or float
        +1 when the runner travels toward image +x (faces right), -1 otherwise
        (side view only).
    leg_length_px : ndarray of shape (n,) or float
        Leg length in pixels (per frame or constant) used to normalise distances; it is
        taken at each stride's initial contact.
    fps : float
        Frame rate in Hz (chooses how values at initial contact are interpolated).
    xy_events : ndarray of shape (n, 33, 2), optional
        Less smoothed landmarks for the values *at* IC and TO, where the signals have
        kinks a strong low-pass would round off (default ``xy``).
    xy_oscillation : ndarray of shape (n, 33, 2), optional
        Lightly filtered landmarks for the vertical oscillation (a range, so a strong
        low-pass shrinks it and raw jitter inflates it; default ``xy``).
    noise_free : bool
        The landmarks carry no measurable noise (the cleaning found nothing to filter):
        values at IC then come from fits that keep the contact's kink (see
        ``_side_metrics``), which would amplify the jitter of pose-model landmarks.
    floor_deg : float
        Slope of the floor line in ``xy``, degrees, positive descending to the right (as
        :attr:`gait.view.ViewInfo.roll_deg`).  The foot's flat reference (ankle
        dorsiflexion, foot strike angle) is its angle to the floor, not to the image
        horizontal: on a treadmill the belt may slope in the picture without the camera
        being tilted (see :attr:`gait.view.ViewInfo.floor_deg`).

    Returns
    -------
    DataFrame
        One row per stride, one column per metric (NaN where it could not be computed)
        plus ``foot_strike_pattern`` in a side view.
    """
    k = len(strides)
    out: dict[str, np.ndarray] = {}
    is_left = (strides["side"].to_numpy() == "left") if k else np.zeros(0, dtype=bool)
    stride = strides["stride_time_s"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["cadence_spm"] = 120.0 / stride
    leg_frames = np.broadcast_to(np.asarray(leg_length_px, dtype=float), xy.shape[:1])
    leg = sample_at(leg_frames, strides["ic_pos"].to_numpy(dtype=float)) if k else np.zeros(0)
    if view == "side":
        xy_ev = xy if xy_events is None else xy_events
        xy_vo = xy if xy_oscillation is None else xy_oscillation
        out.update(
            _side_metrics(
                xy,
                xy_ev,
                xy_vo,
                strides,
                is_left,
                direction,
                leg,
                fps,
                noise_free=noise_free,
                floor_deg=floor_deg,
            )
        )
    else:
        out.update(_frontal_metrics(xy, strides, is_left, view, leg))
    df = pd.DataFrame(out, index=strides.index)
    if view == "side":
        df["foot_strike_pattern"] = strike_pattern(df["foot_strike_angle_deg"].to_numpy())
    return df


def _oriented(
    xy: np.ndarray, direction: np.ndarray | float, landmarks: Sequence[int] | None = None
) -> np.ndarray:
    """Image coordinates (n, L, 2) -> oriented (u forward, v up), per frame: shape (n,
    len(landmarks), 2) (all landmarks by default) of the dtype of ``xy``, laid out
    landmark-major.

    One pass per landmark and coordinate writes contiguous memory (no gathered copy of
    ``xy[:, landmarks]`` first).
    """
    n = xy.shape[0]
    d = np.broadcast_to(np.asarray(direction, dtype=float), (n,))
    lms = range(xy.shape[1]) if landmarks is None else landmarks
    buf = np.empty((len(lms), 2, n), dtype=xy.dtype)
    for j, i in enumerate(lms):
        np.multiply(xy[:, i, 0], d, out=buf[j, 0])
        np.negative(xy[:, i, 1], out=buf[j, 1])
    return np.moveaxis(buf, -1, 0)


def _side_metrics(
    xy: np.ndarray,
    xy_ev: np.ndarray,
    xy_vo: np.ndarray,
    strides: pd.DataFrame,
    is_left: np.ndarray,
    direction: np.ndarray | float,
    leg: np.ndarray,
    fps: float,
    *,
    noise_free: bool,
    floor_deg: float = 0.0,
) -> dict[str, np.ndarray]:
    # only the 12 landmarks the kernels read, oriented once: (n, 12, 2), not (n, 33, 2)
    names = ("hip", "knee", "ankle", "heel", "foot_index", "shoulder")
    used = [LANDMARK_INDEX[f"{s}_{p}"] for p in names for s in ("left", "right")]
    o = _oriented(xy, direction, used)
    o_ev = _oriented(xy_ev, direction, used)
    col = {p: np.array([2 * i, 2 * i + 1]) for i, p in enumerate(names)}  # left, right
    sel = np.where(is_left, 0, 1)

    def at(pos_col: str, how: str = "cubic") -> dict[str, np.ndarray]:
        pos = strides[pos_col].to_numpy(dtype=float)
        if how == "cubic":
            s = sample_at(o if pos_col == "ms_pos" else o_ev, pos)  # (k, 12, 2)
        elif how == "kink":
            s = sample_kink(o_ev, pos, n_points=n_kink, degree=2)
        elif how == "swing_line":
            s = sample_one_sided(o_ev, pos, after=False, n_points=n_line)
        else:
            s = sample_one_sided(o_ev, pos, after=how == "after", n_points=n_side)
        rows = np.arange(len(pos))
        pts = {p: s[rows, col[p][sel]] for p in names}
        pts["mid_hip"] = 0.5 * (s[:, col["hip"][0]] + s[:, col["hip"][1]])
        pts["mid_shoulder"] = 0.5 * (s[:, col["shoulder"][0]] + s[:, col["shoulder"][1]])
        return pts

    # Values at IC sit on a kink: the ground stops the foot, so the knee stops extending
    # (about -340 deg/s before contact, +20 after on the synthetic runner), the shank
    # starts rotating forward and the heel stops.  A cubic through the neighbouring
    # frames rounds the kink off (knee +1.5-1.8 deg at 30 fps) and a fit on one side
    # extrapolates its curvature (stance knee -0.3 deg at 120 fps), so the knee, shank
    # and heel come from a two-piece quadratic with its break at IC, 3 frames a side
    # (4 at 120 fps: about 33 ms; measured on the dense synthetic signals, every 1/20
    # frame phase: knee, shank and overstride within 0.4 deg / 0.3 % leg at 30 fps).
    # The sole angle is taken from the swing side only: the foot slaps flat within
    # about 40 ms of a heel strike (a frame at 30 fps), so the stance side holds no
    # curve to fit; a least-squares line through the frames of the last ~33 ms before
    # IC (2 at 30 fps, 3 at 60, 5 at 120) extrapolates the swing's sole angle best
    # (quadratics amplified its changing curvature: -0.7 deg mean at 30 fps).
    # Those fits follow every wiggle of their few frames: on pose-model landmarks (10
    # seeds of the noisy synthetic runner, 60 fps) foot strike scattered 3.2 deg rms
    # against 2.2 with the smoother samplers below, and rendered clips through
    # MediaPipe read knee flexion at IC up to 3.6 deg further off.  So they are used
    # only on landmarks the cleaning found noise-free; otherwise the values come from
    # one side of the event (see sample_one_sided): the sole angle from the swing side
    # before IC, the knee, shank and heel from the stance side after it - except below
    # 50 fps, where the stance samples after IC span too much of the stance and a cubic
    # through the neighbouring frames is used instead.
    # Values at TO come from the stance side before it (about 67 ms, at least 3 frames).
    n_side = max(3, round(0.067 * fps))
    if noise_free:
        n_kink = max(3, round(0.067 * fps))
        n_line = 1 + max(1, round(0.033 * fps))
        ic = at("ic_pos", "kink")
        ic_before = at("ic_pos", "swing_line")
    else:
        ic = at("ic_pos", "after" if fps >= 50 else "cubic")
        ic_before = at("ic_pos", "before")
    ms, to = at("ms_pos"), at("to_pos", "before")
    res: dict[str, np.ndarray] = {}
    res["contact_time_ms"] = strides["contact_time_ms"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        res["duty_factor_pct"] = (
            100.0 * res["contact_time_ms"] / 1000.0 / strides["stride_time_s"].to_numpy(dtype=float)
        )
    res["trunk_lean_deg"] = inclination_up_deg(ms["mid_hip"], ms["mid_shoulder"])
    res["knee_flexion_ic_deg"] = knee_flexion_deg(ic["hip"], ic["knee"], ic["ankle"])
    # The knee at midstance is the stance's peak flexion (METRICS.md: "peak in stance";
    # the synthetic runner's peak is at the middle of stance): near the peak the knee
    # hardly moves, so a midstance event a frame off no longer moves the value with it.
    knee = knee_flexion_deg(
        o[:, col["hip"]].reshape(-1, 2),
        o[:, col["knee"]].reshape(-1, 2),
        o[:, col["ankle"]].reshape(-1, 2),
    ).reshape(-1, 2)
    res["knee_flexion_midstance_deg"], res["knee_peak_pos"] = _peak_between(
        knee,
        sel,
        strides["ic_pos"].to_numpy(dtype=float),
        strides["to_pos"].to_numpy(dtype=float),
        max_frames=round(0.6 * fps),
        half_width=max(1, round(0.033 * fps)),
    )
    # The foot line is referenced to the foot's own midstance (foot-flat) angle, per side:
    # BlazePose's heel and foot-index points do not lie on the sole line (at midstance,
    # when the sole is flat, the line reads 5-14 deg toe-down: rendered runners and the
    # real treadmill clip), which read dorsiflexion and the foot strike angle that much
    # too low.  Subtracting a flat-foot reference angle is the usual 2D correction of a
    # marker offset (Altman & Davis 2012 subtract the standing foot angle).
    # ... against the floor line: its angle in the oriented frame (toe up +) per stride
    floor = np.zeros(len(strides))
    if floor_deg != 0 and len(strides):
        d = np.broadcast_to(np.asarray(direction, dtype=float), xy.shape[:1])
        rows = np.clip(np.rint(strides["ms_pos"].to_numpy(dtype=float)), 0, xy.shape[0] - 1)
        floor = -np.sign(d[rows.astype(int)]) * floor_deg
    offset = foot_flat_offset_deg(
        foot_angle_deg(ms["heel"], ms["foot_index"]) - floor, strides, is_left
    )
    res["foot_flat_offset_deg"] = offset
    res["ankle_dorsiflexion_midstance_deg"] = _wrap(
        ankle_dorsiflexion_deg(ms["knee"], ms["ankle"], ms["heel"], ms["foot_index"]) - offset
    )
    res["shank_angle_ic_deg"] = inclination_down_deg(ic["knee"], ic["ankle"])
    # The foot strike angle has its own reference: the foot line where the foot is
    # flattest early in stance (see _foot_flat_angle_deg), not at midstance - a runner
    # who lands flat and lifts the heel before midstance read as a rearfoot striker.
    flat = _foot_flat_angle_deg(
        o[:, col["heel"]], o[:, col["foot_index"]], sel, strides, ms, max_frames=round(0.3 * fps)
    )
    res["foot_strike_angle_deg"] = _wrap(
        foot_angle_deg(ic_before["heel"], ic_before["foot_index"])
        - floor
        - foot_flat_offset_deg(flat - floor, strides, is_left)
    )
    res["hip_extension_to_deg"] = -inclination_down_deg(to["hip"], to["knee"])
    mid_hip_v = -_mid(xy_vo, "left_hip", "right_hip")[:, 1]
    vo = _range_between(
        mid_hip_v,
        strides["ic_pos"].to_numpy(dtype=float),
        strides["next_contra_ic_pos"].to_numpy(dtype=float),
    )
    res["vertical_oscillation_pct_leg"] = 100.0 * vo / leg
    res["overstride_pct_leg"] = 100.0 * (ic["heel"][:, 0] - ic["mid_hip"][:, 0]) / leg
    return res


def _frame_windows(
    start: np.ndarray, stop: np.ndarray, n: int, *, max_frames: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per stride, the whole frames ``ceil(start)`` .. ``floor(stop)`` (at most
    ``max_frames + 1`` of them: a stride with odd events builds no huge grid) as a
    padded grid.  Returns ``first``, ``last`` (k,) and ``grid``, ``inside`` (k, width):
    the frame numbers and which of them lie in the window and the clip; a window with a
    missing or reversed end holds no frame."""
    ok = np.isfinite(start) & np.isfinite(stop) & (stop >= start)
    first = np.ceil(np.where(ok, start, 0.0)).astype(int)
    last = np.where(ok, np.floor(np.where(ok, stop, 0.0)), -1).astype(int)
    last = np.minimum(last, first + max(0, max_frames))
    width = int(max(1, (last - first + 1).max(initial=1)))
    grid = first[:, None] + np.arange(width)[None, :]
    inside = (grid <= last[:, None]) & (grid < n)
    return first, last, grid, inside


def _peak_between(
    y: np.ndarray,
    sel: np.ndarray,
    start: np.ndarray,
    stop: np.ndarray,
    *,
    max_frames: int,
    half_width: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Per stride, the peak of ``y[:, sel]`` over the frames ``ceil(start)`` ..
    ``floor(stop)`` (at most ``max_frames + 1`` of them), refined between frames: the
    vertex of the least-squares quadratic through the ``2 * half_width + 1`` frames
    around the highest one (kept within them and the range), which also averages the
    landmarks' jitter; the highest frame's value where a neighbour is missing or the
    frames do not bend down.  Returns the peaks and their fractional frame positions
    (NaN where the range holds no finite frame).

    On the exact synthetic runner over random runners (``benchmarks/exact_sweep.py``,
    seed 1) the exact tier is met by 27 of 82 (25 with the value at the midstance
    event).

    ``y`` (n, 2): a per-frame signal of the left and right side; ``sel`` (k,): 0 left,
    1 right; ``start``, ``stop`` (k,): fractional frame positions (NaN allowed).
    """
    n, k = y.shape[0], sel.size
    first, last, grid, inside = _frame_windows(start, stop, n, max_frames=max_frames)
    v = y[np.clip(grid, 0, max(n - 1, 0)), sel[:, None]]
    v = np.where(inside & np.isfinite(v), v, -np.inf)
    rows = np.arange(k)
    top = np.argmax(v, axis=1)
    peak = v[rows, top]
    found = np.isfinite(peak)
    # least-squares quadratic a + b j + c j^2 through offsets j = -h..h (symmetric, so
    # b decouples from a and c)
    j = np.arange(-half_width, half_width + 1, dtype=float)
    f = grid[rows, top][:, None] + j[None, :].astype(int)
    around = y[np.clip(f, 0, max(n - 1, 0)), sel[:, None]]
    around = np.where((f >= 0) & (f < n), around, np.nan)
    s0, s2, s4 = float(j.size), float((j**2).sum()), float((j**4).sum())
    sy, sjy, sj2y = around.sum(axis=1), around @ j, around @ (j**2)
    b = sjy / s2
    c = (s0 * sj2y - s2 * sy) / (s0 * s4 - s2 * s2)
    a = (sy - c * s2) / s0
    with np.errstate(divide="ignore", invalid="ignore"):
        vertex = np.clip(-b / (2 * c), -half_width, half_width)
        # and within the range
        vertex = np.clip(vertex, first - grid[rows, top], last - grid[rows, top])
        fitted = a + b * vertex + c * vertex**2
    use_fit = found & np.isfinite(fitted) & (c < 0)
    value = np.where(use_fit, fitted, np.where(found, peak, np.nan))
    where = grid[rows, top] + np.where(use_fit, vertex, 0.0)
    return np.asarray(value), np.asarray(np.where(found, where, np.nan), dtype=float)


def _foot_flat_angle_deg(
    heel: np.ndarray,
    toe: np.ndarray,
    sel: np.ndarray,
    strides: pd.DataFrame,
    at_ms: dict[str, np.ndarray],
    *,
    max_frames: int,
) -> np.ndarray:
    """Per stride, the foot line's angle (heel -> toe, toe up +) where the foot is
    flattest: at the frame from the contact to midstance (at most ``max_frames`` after
    the contact) where it is lowest (the mean height of heel and toe); its angle at
    midstance (``at_ms``) where no frame qualifies.

    ``heel``, ``toe`` (n, 2, 2): oriented (y up) points of the left and right foot;
    ``sel`` (k,): 0 left, 1 right.  A rearfoot striker's foot is flat from about 15 % to
    60 % of the stance, so midstance would do; a runner who lands flat or on the
    forefoot may set the heel down only briefly.  On the motion capture
    (``tests/test_mocap.py``) the heel is lowest 10-15 % into the stance and 28 mm
    higher at midstance: referenced to midstance the flat landing (markers -0.4 to +1.6
    deg) read +9.8 deg, "rearfoot"; referenced here, 1.7 deg, "midfoot".  Through
    MediaPipe the foot line of the rendered runners tilts toe-down through stance on a
    flat foot: over the 12 rendered side clips (four runners at 30, 60 and 120 fps) the
    foot strike angle's mean absolute error went 3.7 -> 3.3 deg, its mean -1.3 -> -3.0.
    The dorsiflexion at midstance keeps the midstance reference, which cancels the
    landmarks' offset at the same moment (with this one, 4.8 -> 5.1 deg mean absolute
    error on the four 30-fps clips).
    """
    n, k = heel.shape[0], len(strides)
    _, _, grid, inside = _frame_windows(
        strides["ic_pos"].to_numpy(dtype=float),
        strides["ms_pos"].to_numpy(dtype=float),
        n,
        max_frames=max_frames,
    )
    g = np.clip(grid, 0, max(n - 1, 0))
    h, t = heel[g, sel[:, None]], toe[g, sel[:, None]]  # (k, width, 2)
    height = 0.5 * (h[..., 1] + t[..., 1])
    height = np.where(inside & np.isfinite(height), height, np.inf)
    best = np.argmin(height, axis=1)
    rows = np.arange(k)
    found = np.isfinite(height[rows, best])
    angle = foot_angle_deg(h[rows, best], t[rows, best])
    return np.asarray(np.where(found, angle, foot_angle_deg(at_ms["heel"], at_ms["foot_index"])))


#: Largest foot-line angle at midstance taken as the landmarks' flat-foot offset; beyond
#: it the foot is not flat at midstance (or is misplaced) and no offset is applied.
MAX_FOOT_OFFSET_DEG = 20.0


def foot_flat_offset_deg(
    foot_ms_deg: np.ndarray, strides: pd.DataFrame, is_left: np.ndarray
) -> np.ndarray:
    """Per stride, its side's flat-foot reference: the median foot-line angle (heel ->
    toe vs floor, toe up +) at midstance over that side's valid strides (all of its
    strides when fewer than 2 are valid); 0 when it is unknown or beyond
    :data:`MAX_FOOT_OFFSET_DEG`."""
    valid = (
        strides["valid"].to_numpy(dtype=bool)
        if "valid" in strides
        else np.ones(len(strides), dtype=bool)
    )
    out = np.zeros(len(strides))
    for side_mask in (is_left, ~is_left):
        vals = foot_ms_deg[side_mask & valid]
        vals = vals[np.isfinite(vals)]
        if vals.size < 2:
            vals = foot_ms_deg[side_mask]
            vals = vals[np.isfinite(vals)]
        ref = float(np.median(vals)) if vals.size else 0.0
        out[side_mask] = ref if abs(ref) <= MAX_FOOT_OFFSET_DEG else 0.0
    return out


def _frontal_metrics(
    xy: np.ndarray, strides: pd.DataFrame, is_left: np.ndarray, view: str, leg: np.ndarray
) -> dict[str, np.ndarray]:
    rows = np.arange(len(strides))
    # Image direction (+1 = +x) of the runner's left: image-left from behind.
    left_dir = -1.0 if view == "rear" else 1.0
    own = np.where(is_left, 1.0, -1.0) * left_dir  # image direction of the stance side
    sel = np.where(is_left, 0, 1)
    li = {p: [LANDMARK_INDEX[f"left_{p}"], LANDMARK_INDEX[f"right_{p}"]] for p in _FRONT}

    def pick(s: np.ndarray, part: str, other: bool = False) -> np.ndarray:
        idx = np.asarray(li[part])[1 - sel if other else sel]
        return np.asarray(s[rows, idx])

    ms = sample_at(xy, strides["ms_pos"].to_numpy(dtype=float))
    ic = sample_at(xy, strides["ic_pos"].to_numpy(dtype=float))
    nxt = sample_at(xy, strides["next_contra_ic_pos"].to_numpy(dtype=float))
    res: dict[str, np.ndarray] = {}
    res["pelvic_drop_deg"] = pelvic_drop_deg(pick(ms, "hip"), pick(ms, "hip", other=True))
    res["knee_valgus_deg"] = frontal_knee_angle_deg(
        pick(ms, "hip"), pick(ms, "knee"), pick(ms, "ankle"), -own
    )
    mid_ic = _mid(ic, "left_hip", "right_hip")
    res["step_width_pct_leg"] = 100.0 * (pick(ic, "ankle")[:, 0] - mid_ic[:, 0]) * own / leg
    this_x, next_x = pick(ic, "ankle")[:, 0], pick(nxt, "ankle", other=True)[:, 0]
    left_x = np.where(is_left, this_x, next_x)
    right_x = np.where(is_left, next_x, this_x)
    res["step_width_between_pct_leg"] = 100.0 * (left_x - right_x) * left_dir / leg
    d = _mid(ms, "left_shoulder", "right_shoulder") - _mid(ms, "left_hip", "right_hip")
    res["lateral_trunk_lean_deg"] = _deg(np.arctan2(d[:, 0], -d[:, 1])) * own
    return res


_FRONT = ("hip", "knee", "ankle")
