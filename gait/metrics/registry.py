"""The metric registry: :data:`METRICS`, the single list of metric specifications the
rest of the product reads (report, comparison, rules) - name, label, unit, views, event,
definition, which direction is better, typical range, smallest meaningful change and
citations - and the foot strike patterns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

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
