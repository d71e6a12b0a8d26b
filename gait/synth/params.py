"""Parameters of the synthetic runner: one frozen dataclass, units in the field names.

Every field is a plain number, string or ``None`` so that the parameters serialise to the
truth file as-is (:meth:`RunnerParams.to_dict`).  Fields named ``right_*`` override the
matching symmetric field for the right leg only (left/right asymmetry); ``None`` means
"same as the left".
"""

from __future__ import annotations

import math
import typing
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Literal

from gait.errors import ConfigError

View = Literal["side_left", "side_right", "rear", "front"]
FootStrike = Literal["rearfoot", "midfoot", "forefoot"]
StanceShape = Literal["symmetric", "running"]

VIEWS: tuple[str, ...] = ("side_left", "side_right", "rear", "front")
FOOT_STRIKES: tuple[str, ...] = ("rearfoot", "midfoot", "forefoot")
STANCE_SHAPES: tuple[str, ...] = ("symmetric", "running")

#: Default sole angle at initial contact for each strike pattern (degrees, toe up +).
STRIKE_ANGLE_DEG: dict[str, float] = {"rearfoot": 14.0, "midfoot": 2.0, "forefoot": -8.0}

#: Fields that a ``right_<name>`` field may override for the right leg.
SIDED_FIELDS: tuple[str, ...] = (
    "stance_fraction",
    "knee_flexion_ic_deg",
    "knee_flexion_midstance_deg",
    "ankle_dorsiflexion_deg",
    "overstride_pct_leg",
    "pelvic_drop_deg",
    "knee_valgus_deg",
    "lateral_trunk_lean_deg",
    "foot_strike_angle_deg",
)


@dataclass(frozen=True)
class RunnerParams:
    """Everything that defines one synthetic clip.

    Gait (both legs unless a ``right_*`` override is set)
    -----------------------------------------------------
    cadence_spm : steps per minute (both feet counted).
    stance_fraction : contact time / stride time (duty factor as a fraction), < 0.5 for
        running (there must be a flight phase).
    trunk_lean_deg : forward lean of mid-hip → mid-shoulder from vertical at midstance.
    lateral_trunk_lean_deg : frontal-plane lean towards the stance leg at midstance.
    pelvic_drop_deg : contralateral pelvic drop at midstance (swing-side hip lower).
    knee_valgus_deg : knee frontal-plane projection angle at midstance (valgus +),
        produced by swivelling the knee medially about the hip–ankle axis (hip adduction
        and internal rotation).
    ankle_dorsiflexion_deg : ankle dorsiflexion at midstance (shank-to-foot angle − 90°).
    knee_flexion_ic_deg, knee_flexion_midstance_deg, knee_flexion_toe_off_deg,
    knee_flexion_swing_deg : 3-D knee flexion at those instants (swing = peak).
    overstride_pct_leg : heel ahead of the mid-hip at initial contact, % of leg length.
    foot_strike : "rearfoot", "midfoot" or "forefoot"; sets the sole angle at contact
        unless ``foot_strike_angle_deg`` is given (toe up +).
    foot_pitch_toe_off_deg : sole angle at toe-off (negative = heel up).
    push_off : how briskly the foot leaves the floor, 0-1.  0 (default): the original swing
        start - the foot rolls to a stop at toe-off and lifts slowly (toe 4 / 19 / 84 mm
        and ankle 13 / 42 / 123 mm up 20 / 50 / 100 ms after toe-off).  1: an extra ankle
        lift ``0.4 h w (1 - w)^6`` and dorsiflexion ``12 deg w (1 - w)^4 / 0.082`` early in
        swing (``w`` = swing progress, ``h`` = height), matched to motion capture at
        3.5 m/s (Dorn et al. 2012, force-plate toe-off: toe 18-25 / 59-76 / 138-165 mm,
        ankle 29-35 / 74-87 / 157-179 mm; with 1: 27 / 65 / 131 and 36 / 80 / 157 mm).
        Seen from behind on a treadmill the slowly lifting toe keeps sliding down the
        image towards the camera: the rear toe-off is 1.4 / 3.2 / 6.7 frames late at 30 /
        60 / 120 fps with 0, 0.7 / 0.9 / 1.4 with 1.  Not the default: the extra lift
        comes from the knee, which then flexes at 600-1000 deg/s within 20 ms of toe-off
        (0: 160-420 deg/s; the motion capture's knee about 0 at toe-off, 100 deg/s at +20
        ms, 220 at +35), so the foot is right and the knee wrong.  With 1 as the default
        the low-pass of noisy landmarks rounds that kink early (the noisy runner of
        tests/test_events.py, seed 2: side-view toe-off at 120 fps 1.2-2.7 frames early;
        exact landmarks at 30 fps: contact time -4.9 ms; 8 tests failed).  A realistic
        push-off would lift the foot with the hip and the ankle, not the knee.
    stance_shape : how the stance leg moves between the values above.  "symmetric" (the
        default, what every test and sample was built on): the knee flexion is a cosine
        bell peaking at the middle of stance, the foot is flat from foot-flat to 60 % of
        stance, and the stance is mirror-symmetric about its middle.  "running", shaped
        after motion capture (Dorn et al. 2012, 3.5 m/s, four force-plate stances): the
        knee gives at contact (a quarter sine up to its peak at 36 % of stance, about 400
        deg/s at first) and straightens to toe-off with a half cosine, passing
        ``knee_flexion_midstance_deg`` at the middle of stance (the peak, which the metric
        reports, is higher); the heel rises from the middle of stance, which keeps the
        foot flat where the ankle dorsiflexion is read, and the foot turns to
        ``foot_pitch_toe_off_deg`` ever faster (``x^2 (2 - x)``), still turning at
        toe-off; the sole is compliant: the foot touches down 0.006 of the height above
        its loaded level, sinks to it (0.7 m/s at first) over the first 12 % of the
        stance and rises back over the last 20 %, leaving the floor at 0.4 m/s (the
        motion capture's markers drop 12-17 mm in the 24 ms after the force plate's
        contact and its toe marker rises about 7 mm before toe-off).  The landing, as
        the motion capture's last 50 ms before contact (its foot comes down with the
        hips, the ankle at 0.6-0.8 m/s over the last 8 ms, and touches down nearly at
        rest in pitch: its heel-to-toe line turns toe down at 200-475 deg/s 8 ms before
        contact, at 30-170 at contact): the foot's roll from the strike angle to flat
        starts from rest (a smoothstep), so the whole foot lands at the sole's sinking
        speed (0.71 m/s for every strike pattern; with the roll at its fastest there the
        ankle came down at 1.24 / 0.81 / 1.73 m/s, rearfoot / midfoot / forefoot, and the
        heel-strike toe at 3.8); the swing knee straightens to a minimum 45 ms before
        contact (motion capture 40-47) and flexes from rest at a constant angular
        acceleration to the stance's rate at contact (``r t / 2``: 9.7 deg; motion
        capture 6.5-8.3 deg to 316-345 deg/s); the swing's extra foot lift is spent by
        that minimum; and the sole's lowest point may hover until 60 ms before contact
        (the motion capture's lowest marker, the fifth metatarsal head, stays 5-6 cm up
        from 100 to 60 ms before it), where it formerly had to come down from 75 % of
        the swing and an extra lift made the midfoot and forefoot runners' feet plunge at
        2-3 m/s.  The pelvis, carried by the leg, then falls at contact and rises at
        toe-off; with this foot landing 35 % of a leg ahead of the hips (the motion
        capture's 16-17 %) the leg vaults the hips up as it lands and they fall at only
        0.25-0.30 m/s at contact (``overstride_pct_leg=12``: 1.0 m/s; motion capture
        0.82-0.94).  Not the default: the detectors were measured on "symmetric"; see
        ``python benchmarks/runner_vs_mocap.py --param stance_shape=running`` and
        ``python benchmarks/exact_sweep.py --param stance_shape=running``.
    step_width_m : lateral distance between the left and right foot lines (ankles);
        negative = crossover.
    arm_swing_deg : amplitude of the upper-arm swing (± degrees about the mean).
    runner_height_m : standing height; every segment length scales with it.

    Scene
    -----
    view : "side_left" (runner faces image-left), "side_right", "rear", "front".
    treadmill : True = runner stays in place, the stance foot moves backwards at belt
        speed; False = overground, the runner crosses (side) or recedes/approaches.
    fps, duration_s, width_px, height_px : video sampling and size.
    camera_height_m, camera_distance_m, camera_hfov_deg, camera_roll_deg : pinhole camera
        placed ``camera_distance_m`` from the runner's path, aimed at the runner; a
        positive roll makes the floor line rise to the right in the image.
    start_phase : phase of the left stride (0 = left initial contact) at t = 0.
    appearance : index of the colour palette (skin, hair, clothes) of the rendered runner.

    Landmark noise (``synth_landmarks`` only; the renderer ignores them)
    ---------------------------------------------------------------------
    noise_px : standard deviation of Gaussian pixel jitter.  1 px (2 px on the far leg,
        the default ``far_leg_noise_factor``) is about the *random* part of MediaPipe's
        error on the rendered side runner (118-px leg; ``benchmarks/landmark_errors.py``):
        robust SD 0.9-1.7 px near, 1.4-2.0 px far on the knee, ankle, heel and toe at 30
        and 60 fps, 0.8-1.4 / 1.4-1.7 px at 120 fps, 0.4-0.6 px on the hips; that part is
        nearly independent from frame to frame, but heavy-tailed (its RMS is 2-3 times
        its robust SD).  MediaPipe's larger error, 2-9 px, repeats at the same moment of
        every stride: a landmark bias, which jitter does not model (the rendered clips
        measure it).
    noise_corr_s : correlation time of that jitter in seconds (0: independent from frame
        to frame, which fits MediaPipe's random part; a first-order autoregressive
        process with the same SD otherwise).
    far_leg_noise_factor : multiplier of ``noise_px`` on the far-side leg in side views.
    dropout_fraction : fraction of frames without a pose (runs of 2–5 frames).
    n_leg_swaps : number of short runs (2–4 frames) with left/right leg landmarks swapped.
    seed : random seed for the noise.
    """

    cadence_spm: float = 170.0
    stance_fraction: float = 0.35
    trunk_lean_deg: float = 7.0
    lateral_trunk_lean_deg: float = 0.0
    pelvic_drop_deg: float = 4.0
    knee_valgus_deg: float = 3.0
    ankle_dorsiflexion_deg: float = 22.0
    knee_flexion_ic_deg: float = 20.0
    knee_flexion_midstance_deg: float = 42.0
    knee_flexion_toe_off_deg: float = 24.0
    knee_flexion_swing_deg: float = 95.0
    overstride_pct_leg: float = 30.0
    foot_strike: str = "rearfoot"
    foot_strike_angle_deg: float | None = None
    foot_pitch_toe_off_deg: float = -28.0
    push_off: float = 0.0
    stance_shape: str = "symmetric"
    step_width_m: float = 0.07
    arm_swing_deg: float = 35.0
    runner_height_m: float = 1.75
    # per-side overrides (right leg); None = same as left
    right_stance_fraction: float | None = None
    right_knee_flexion_ic_deg: float | None = None
    right_knee_flexion_midstance_deg: float | None = None
    right_ankle_dorsiflexion_deg: float | None = None
    right_overstride_pct_leg: float | None = None
    right_pelvic_drop_deg: float | None = None
    right_knee_valgus_deg: float | None = None
    right_lateral_trunk_lean_deg: float | None = None
    right_foot_strike_angle_deg: float | None = None
    # scene
    view: str = "side_right"
    treadmill: bool = True
    fps: float = 30.0
    duration_s: float = 3.0
    width_px: int = 640
    height_px: int = 360
    camera_height_m: float = 1.0
    camera_distance_m: float = 4.0
    camera_hfov_deg: float = 60.0
    camera_roll_deg: float = 0.0
    start_phase: float = 0.1
    appearance: int = 0
    # landmark noise
    noise_px: float = 0.0
    noise_corr_s: float = 0.0
    far_leg_noise_factor: float = 2.0
    dropout_fraction: float = 0.0
    n_leg_swaps: int = 0
    seed: int = 0

    def __post_init__(self) -> None:
        _validate(self)

    def side(self, name: str, side: str) -> float:
        """Value of a sided field for ``side`` ("left" or "right")."""
        if name == "foot_strike_angle_deg":
            left = self.foot_strike_angle_deg
            value = STRIKE_ANGLE_DEG[self.foot_strike] if left is None else left
        else:
            value = float(getattr(self, name))
        if side == "right":
            override = getattr(self, "right_" + name)
            if override is not None:
                return float(override)
        return float(value)

    @property
    def n_frames(self) -> int:
        """Number of frames: ``round(duration_s * fps)``."""
        return round(self.duration_s * self.fps)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready copy of every field."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RunnerParams:
        """Inverse of :meth:`to_dict`; unknown keys and values of the wrong JSON type
        (``"cadence_spm": "fast"``) raise :class:`ConfigError`."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(
                f"unknown synthetic-runner parameter(s) {unknown}; known: {sorted(known)}"
            )
        hints = typing.get_type_hints(cls)
        for name, value in data.items():
            allowed = typing.get_args(hints[name]) or (hints[name],)  # float | None, or int
            if value is None and type(None) in allowed:
                continue
            accepts, what = _JSON_TYPES[allowed[0]]
            if isinstance(value, bool) != (allowed[0] is bool) or not isinstance(value, accepts):
                raise ConfigError(
                    f"synthetic-runner parameter {name} must be {what}, found {value!r}"
                )
        return cls(**data)

    def mirrored(self) -> RunnerParams:
        """The same runner filmed from the other side (side views) or the other end."""
        swap = {
            "side_left": "side_right",
            "side_right": "side_left",
            "rear": "front",
            "front": "rear",
        }
        return replace(self, view=swap[self.view])


#: What a field of each annotated type accepts from JSON (a bool is no number here).
_JSON_TYPES: dict[Any, tuple[type | tuple[type, ...], str]] = {
    float: ((int, float), "a number"),
    int: (int, "a whole number"),
    bool: (bool, "true or false"),
    str: (str, "text"),
}


def _validate(p: RunnerParams) -> None:
    def need(ok: bool, msg: str) -> None:
        if not ok:
            raise ConfigError(msg)

    need(p.view in VIEWS, f"view must be one of {VIEWS}, found {p.view!r}")
    need(
        p.foot_strike in FOOT_STRIKES,
        f"foot_strike must be one of {FOOT_STRIKES}, found {p.foot_strike!r}",
    )
    need(
        p.stance_shape in STANCE_SHAPES,
        f"stance_shape must be one of {STANCE_SHAPES}, found {p.stance_shape!r}",
    )
    need(
        100.0 <= p.cadence_spm <= 240.0, f"cadence_spm must be in [100, 240], found {p.cadence_spm}"
    )
    for side in ("left", "right"):
        beta = p.side("stance_fraction", side)
        need(
            0.15 <= beta <= 0.47,
            f"{side} stance_fraction must be in [0.15, 0.47] (running has a flight phase), "
            f"found {beta}",
        )
        need(
            0.0 <= p.side("knee_flexion_ic_deg", side) < 60.0,
            "knee_flexion_ic_deg must be in [0, 60)",
        )
        need(
            p.side("knee_flexion_midstance_deg", side) > p.side("knee_flexion_ic_deg", side),
            "knee_flexion_midstance_deg must exceed knee_flexion_ic_deg",
        )
        need(abs(p.side("knee_valgus_deg", side)) <= 25.0, "knee_valgus_deg must be within ±25")
        need(abs(p.side("pelvic_drop_deg", side)) <= 20.0, "pelvic_drop_deg must be within ±20")
        need(
            -20.0 <= p.side("foot_strike_angle_deg", side) <= 30.0,
            "foot_strike_angle_deg must be in [-20, 30]",
        )
    need(
        -30.0 <= p.trunk_lean_deg <= 40.0,
        f"trunk_lean_deg must be in [-30, 40], found {p.trunk_lean_deg}",
    )
    need(abs(p.step_width_m) <= 0.3, f"step_width_m must be within ±0.3, found {p.step_width_m}")
    need(
        1.2 <= p.runner_height_m <= 2.3,
        f"runner_height_m must be in [1.2, 2.3], found {p.runner_height_m}",
    )
    need(math.isfinite(p.fps) and p.fps > 0, f"fps must be positive, found {p.fps}")
    need(p.duration_s > 0 and p.n_frames >= 2, "duration_s * fps must give at least 2 frames")
    need(p.width_px >= 64 and p.height_px >= 64, "width_px and height_px must be at least 64")
    need(
        p.camera_distance_m > 1.0, f"camera_distance_m must exceed 1 m, found {p.camera_distance_m}"
    )
    need(10.0 <= p.camera_hfov_deg <= 120.0, "camera_hfov_deg must be in [10, 120]")
    need(
        p.noise_px >= 0 and p.far_leg_noise_factor >= 0,
        "noise_px and far_leg_noise_factor must be >= 0",
    )
    need(math.isfinite(p.noise_corr_s) and p.noise_corr_s >= 0, "noise_corr_s must be >= 0")
    need(math.isfinite(p.push_off) and 0.0 <= p.push_off <= 1.5, "push_off must be in [0, 1.5]")
    need(0.0 <= p.dropout_fraction < 0.5, "dropout_fraction must be in [0, 0.5)")
    need(p.n_leg_swaps >= 0, "n_leg_swaps must be >= 0")
