"""Metric registry, angle kernels, and per-stride metrics against synthetic truth."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import pytest
from core_helpers import (
    event_errors_frames,
    exact_misses,
    metric_errors,
    mirror,
    swap_labels,
    synth,
    toe_down,
)

from gait.analysis import AnalysisResult, analyze_pose
from gait.metrics import (
    METRICS,
    ankle_dorsiflexion_deg,
    foot_angle_deg,
    frontal_knee_angle_deg,
    inclination_down_deg,
    inclination_up_deg,
    knee_flexion_deg,
    metrics_for_view,
    not_measurable_reason,
    pelvic_drop_deg,
    sample_at,
    sample_kink,
    sample_one_sided,
)

SIDE_METRICS = [
    "cadence_spm",
    "contact_time_ms",
    "duty_factor_pct",
    "trunk_lean_deg",
    "knee_flexion_ic_deg",
    "knee_flexion_midstance_deg",
    "ankle_dorsiflexion_midstance_deg",
    "shank_angle_ic_deg",
    "foot_strike_angle_deg",
    "hip_extension_to_deg",
    "vertical_oscillation_pct_leg",
    "overstride_pct_leg",
]
FRONTAL_METRICS = [
    "cadence_spm",
    "pelvic_drop_deg",
    "knee_valgus_deg",
    "step_width_pct_leg",
    "lateral_trunk_lean_deg",
]


def test_registry_is_complete_and_consistent() -> None:
    assert metrics_for_view("side") == SIDE_METRICS
    assert metrics_for_view("rear") == FRONTAL_METRICS == metrics_for_view("front")
    units = {"_deg": "deg", "_ms": "ms", "_spm": "steps/min", "_pct_leg": "% leg", "_pct": "%"}
    for name, spec in METRICS.items():
        suffix = next(s for s in units if name.endswith(s))
        assert spec.unit == units[suffix], name
        assert spec.citation and spec.definition and spec.label
        assert spec.better in ("higher", "lower", "target", "none")
        assert spec.smallest_change is not None and spec.smallest_change > 0
    assert METRICS["pelvic_drop_deg"].smallest_change == pytest.approx(2.8)  # Dingenen 2018
    assert "rear" in (not_measurable_reason("pelvic_drop_deg", "side") or "")
    assert not_measurable_reason("cadence_spm", "front") is None


def _pts(*xy: tuple[float, float]) -> list[np.ndarray]:
    return [np.array([p], dtype=float) for p in xy]


def test_sagittal_kernels_on_hand_made_points() -> None:
    # oriented coordinates: u forward, v up
    hip, knee, ankle = _pts((0, 100), (0, 50), (0, 0))
    assert knee_flexion_deg(hip, knee, ankle)[0] == pytest.approx(0.0)
    hip, knee, ankle = _pts((0, 100), (50, 100), (50, 50))  # thigh horizontal forward
    assert knee_flexion_deg(hip, knee, ankle)[0] == pytest.approx(90.0)
    lower, upper = _pts((0, 0), (10, 100))
    assert inclination_up_deg(lower, upper)[0] == pytest.approx(5.7106, abs=1e-3)
    knee, ankle = _pts((0, 50), (5, 0))  # ankle ahead of knee
    assert inclination_down_deg(knee, ankle)[0] > 0
    heel, toe = _pts((0, 0), (20, 20 * np.tan(np.radians(14.0))))
    assert foot_angle_deg(heel, toe)[0] == pytest.approx(14.0)
    # tibia 10 deg forward over a flat foot = 10 deg dorsiflexion
    knee, ankle = _pts((50 * np.sin(np.radians(10)), 50 * np.cos(np.radians(10))), (0, 0))
    heel, toe = _pts((-5, -3), (20, -3))
    assert ankle_dorsiflexion_deg(knee, ankle, heel, toe)[0] == pytest.approx(10.0)


def test_frontal_kernels_signs() -> None:
    # image coordinates, y down; swing hip 5 px lower over 100 px: drop = atan(0.05)
    stance, swing = _pts((0, 100), (100, 105))
    assert pelvic_drop_deg(stance, swing)[0] == pytest.approx(np.degrees(np.arctan(0.05)))
    hip, knee, ankle = _pts((0, 0), (5, 50), (0, 100))  # knee displaced towards +x
    assert frontal_knee_angle_deg(hip, knee, ankle, np.array([1.0]))[0] > 0  # medial = +x
    assert frontal_knee_angle_deg(hip, knee, ankle, np.array([-1.0]))[0] < 0


def test_interpolators_are_exact_on_polynomials() -> None:
    t = np.arange(20, dtype=float)
    pos = np.array([3.3, 10.75, 15.5])
    quad = 0.3 * t**2 - 2 * t + 1
    np.testing.assert_allclose(sample_at(quad, pos), 0.3 * pos**2 - 2 * pos + 1)
    for after in (True, False):
        got = sample_one_sided(quad, pos, after=after)
        np.testing.assert_allclose(got, 0.3 * pos**2 - 2 * pos + 1, atol=1e-9)
    assert np.isnan(sample_at(quad, np.array([np.nan, -1.0, 25.0]))).all()


def test_kink_sampler_is_exact_on_two_quadratics_and_beats_the_cubic() -> None:
    """A knee-like kink: steep extension before the break, slow flexion after it."""
    t = np.arange(30, dtype=float)
    pos = np.array([8.3, 12.0, 17.75])
    sig = np.zeros((t.size, pos.size))
    for j, p in enumerate(pos):
        d = t - p
        sig[:, j] = 20.0 + np.where(d < 0, -11.5 * d - 2.0 * d**2, 0.6 * d + 3.9 * d**2)
    got = np.array([sample_kink(sig[:, j], pos[j : j + 1])[0] for j in range(pos.size)])
    np.testing.assert_allclose(got, 20.0, atol=1e-9)
    cubic = np.array([sample_at(sig[:, j], pos[j : j + 1])[0] for j in range(pos.size)])
    assert np.abs(cubic - 20.0).max() > 1.0  # rounding the kink off
    # (n, L, 2) landmarks sample like (n,) signals; NaN out of the clip
    xy = np.repeat(sig[:, :1, None], 2, axis=2)
    assert sample_kink(xy, pos[:1]).shape == (1, 1, 2)
    assert np.isnan(sample_kink(sig[:, 0], np.array([1.0, 28.5, np.nan]))).all()


def _exact_side_misses(res: AnalysisResult, truth: dict[str, Any]) -> dict[str, float]:
    """The side metrics off the truth by more than the exact-landmark tolerances."""
    return exact_misses(res, truth, SIDE_METRICS)


# Exact synthetic landmarks: measured minus truth (truth["metrics_image"]).
# Tolerance 0.5 deg for angles, 1 % for ms and steps/min, 1 percentage point for metrics
# that are percentages (duty factor, % leg length) - at 30, 60 and 120 fps alike.
# Measured (side_right / side_left): knee flexion at IC +0.19/-0.06, +0.32/-0.09,
# +0.27/-0.12 deg at 30/60/120 fps; shank angle at IC at most 0.32 deg; foot strike angle
# at most 0.19 deg; contact time at most +0.6 ms (0.25 %); overstride +0.69 % leg at
# 30 fps.  Before the values at IC were taken from a two-piece fit with its break at IC
# (metrics.sample_kink) and TO from the curved knee fit, 30 fps needed looser bounds:
# knee flexion at IC +1.5/+1.8 deg, foot strike -0.9/-1.2 deg, contact time +3.7 ms.
@pytest.mark.parametrize("fps", [30.0, 60.0, 120.0])
@pytest.mark.parametrize("view", ["side_right", "side_left"])
def test_exact_side_metrics_match_truth(fps: float, view: str) -> None:
    pose, truth = synth(fps=fps, duration_s=5.0, view=view)
    res = analyze_pose(pose)
    assert res.view.kind == "side" and res.view.facing == view.split("_")[1]
    bad = _exact_side_misses(res, truth)
    assert not bad, bad


_MIDFOOT_XFAIL = (
    "the synthetic midfoot runner's ankle comes down with the rate it has just after "
    "contact, where the foot only rolls 2 deg: its heel slows from 2.1 to 1.1 px a frame "
    "over the last 40 ms before landing (the heel strike and the motion capture keep "
    "their speed into the floor).  Between frames, at 30 and 60 fps, that landing is "
    "timed 0.2-0.5 frame early: contact time +7.2 / +3.3 ms, overstride +2.9 / +1.4 % "
    "leg, knee at contact +1.7 / +0.8 deg (at 120 fps all within bounds)"
)


@pytest.mark.parametrize(
    ("strike", "fps"),
    [
        pytest.param(
            strike,
            fps,
            marks=pytest.mark.xfail(strict=True, reason=_MIDFOOT_XFAIL)
            if strike == "midfoot" and fps < 100
            else (),
        )
        for strike in ("midfoot", "forefoot")
        for fps in (30.0, 60.0, 120.0)
    ],
)
def test_exact_side_metrics_match_truth_for_every_strike(strike: str, fps: float) -> None:
    """The tolerances above for the other strike patterns (the default lands on the heel).
    The forefoot runner is within them at 30, 60 and 120 fps, the midfoot runner at 120
    fps; there it read contact time +8.4 ms and IC up to 1.57 frames early before the
    landing was kept after the foot passes its stance level (``ic_after_level``)."""
    pose, truth = synth(fps=fps, duration_s=5.0, foot_strike=strike)
    bad = _exact_side_misses(analyze_pose(pose), truth)
    assert not bad, bad


# stance_shape="running" (RunnerParams): the knee gives at contact and peaks at 36 % of the
# stance, the heel rises from mid-stance, the foot turns ever faster to toe-off, and the
# sole is compliant - the foot sinks about 10 mm over the first 12 % of the stance and
# rises back before toe-off (the motion capture's shapes).  The detectors were measured
# on the symmetric default.  On this shape (exact landmarks, side_right / side_left, 30 /
# 60 / 120 fps, every strike pattern) toe-offs stay within 0.11 frame and the metrics
# that do not hang on the contact hold the tier (knee's stance peak within 0.41 deg, hip
# extension at TO 0.46, trunk lean 0.33), but contacts are timed late, well into the
# sole's 30-ms sinking rather than where it touches: medians -0.13..+0.34 / +0.51..+1.62 /
# +2.13..+3.59 frames (up to 11 / 27 / 30 ms; the motion capture's, by the same
# detectors, 15-20 ms), so knee flexion at IC reads up to 13.0 deg too flexed at 120 fps,
# contact time 30 ms short, and the midstance, half that late, moves the ankle at
# midstance up to 2.0 deg.  The foot lands at the sole's sinking speed (its roll to flat
# starting from rest, as the motion capture's flat landing): before, the roll at its
# fastest at contact marked it, and the contacts were 0.2-0.3 / 0.5-0.8 / 2.1-2.2 frames
# late (knee at IC up to 7.8 deg, contact time 18 ms short).
_RUNNING_NOT_AT_CONTACT = (
    "cadence_spm",
    "trunk_lean_deg",
    "knee_flexion_midstance_deg",
    "hip_extension_to_deg",
    "vertical_oscillation_pct_leg",
)


@pytest.mark.parametrize("strike", ["rearfoot", "midfoot", "forefoot"])
@pytest.mark.parametrize("fps", [30.0, 60.0, 120.0])
def test_exact_running_shape_away_from_contact(strike: str, fps: float) -> None:
    """The exact tier of the metrics that do not hang on the contact, and toe-offs within
    0.2 frame, on the motion-capture-shaped stance too (see above).  Before the truth
    took the knee's stance peak (the metric's definition) it read the knee at the middle
    of stance, 2.3-2.5 deg below the peak this runner reaches at 36 % of it."""
    pose, truth = synth(fps=fps, duration_s=5.0, stance_shape="running", foot_strike=strike)
    res = analyze_pose(pose)
    bad = exact_misses(res, truth, _RUNNING_NOT_AT_CONTACT)
    assert not bad, bad
    to = event_errors_frames(res, truth)["to"]
    assert np.max(np.abs(to)) < 0.2, to


@pytest.mark.xfail(
    strict=True,
    reason="on the running stance shape the sole sinks about 10 mm over 30 ms after it "
    "touches down and the contacts are timed well into it: 2.4-2.9 frames (23 ms) late at 120 "
    "fps, knee flexion at IC +10.0 deg, contact time -23 ms (heel strike); the motion "
    "capture's contacts are 15-20 ms late the same way (README)",
)
def test_exact_running_shape_at_contact() -> None:
    pose, truth = synth(fps=120.0, duration_s=5.0, stance_shape="running")
    res = analyze_pose(pose)
    assert not _exact_side_misses(res, truth)
    assert all(np.max(np.abs(v)) <= 1.0 for v in event_errors_frames(res, truth).values())


@pytest.mark.parametrize("fps", [30.0, 60.0, 120.0])
def test_exact_rear_metrics_match_truth(fps: float) -> None:
    pose, truth = synth(fps=fps, duration_s=5.0, view="rear")
    res = analyze_pose(pose)
    assert res.view.kind == "rear"
    errs = metric_errors(res, truth)
    # measured at 30/60/120 fps: pelvic drop -0.02/-0.03/-0.02 deg, knee FPPA -0.05/
    # -0.05/-0.04 deg, lateral lean 0.00 deg, step width +0.08/+0.08/+0.07 % leg (it was
    # +0.93 while the leg length averaged the two legs: seen from behind the swing leg
    # is foreshortened all along, and the mean read 10 % short; the longer leg now
    # scales the distances).  With the middle of stance as midstance (before the
    # lowest pelvis was the rear default): -0.39..-0.50 and -0.50..-0.60 deg - the
    # foot-height toe-off comes about 50 ms after this runner's (its toe lifts slowly;
    # on motion capture +5 to +13 ms).
    assert abs(errs["cadence_spm"]) < 0.01 * 170
    assert abs(errs["pelvic_drop_deg"]) <= 0.5
    assert abs(errs["knee_valgus_deg"]) <= 0.5
    assert abs(errs["lateral_trunk_lean_deg"]) <= 0.5
    assert abs(errs["step_width_pct_leg"]) <= 0.3


@pytest.mark.parametrize("fps", [30.0, 60.0, 120.0])
def test_rear_midstance_stays_in_the_stance(fps: float) -> None:
    """A long stance (41 % of the stride, 173 steps/min, knee 27 -> 37.5 deg): from behind
    on a treadmill the stance foot slides on after toe-off, and the contact run it leaves
    ran into the flight, where the pelvis falls to its lowest - the lowest-pelvis
    midstance came 6 / 12 / 24 frames late at 30 / 60 / 120 fps and pelvic drop read
    -5.5 deg off (knee FPPA -1.9).  Searched from the contact to the toe-off, and taken as
    the middle of stance where the pelvis is lowest at either end of it (this runner's
    pelvis rises from the landing on): measured -0.26 / -0.46 / -0.57 deg (midstance
    0.6 / 1.6 / 3.6 frames late: the rear toe-off lag), knee FPPA -0.22 / -0.37 / -0.45.
    Over 34 random runners (``benchmarks/exact_sweep.py --view rear -n 40``) pelvic
    drop errors of -5 to -9 deg went, the largest is now -1.6."""
    pose, truth = synth(
        fps=fps,
        duration_s=5.0,
        view="rear",
        cadence_spm=173.0,
        stance_fraction=0.41,
        knee_flexion_ic_deg=27.0,
        knee_flexion_midstance_deg=37.5,
        pelvic_drop_deg=5.5,
    )
    errs = metric_errors(analyze_pose(pose), truth)
    assert abs(errs["pelvic_drop_deg"]) <= 0.6, errs
    assert abs(errs["knee_valgus_deg"]) <= 0.5, errs
    assert abs(errs["lateral_trunk_lean_deg"]) <= 0.1, errs


@pytest.mark.parametrize("view", ["rear", "front"])
@pytest.mark.parametrize("fps", [30.0, 60.0, 120.0])
def test_exact_frontal_overground_runner(view: str, fps: float) -> None:
    """A runner filmed from behind (receding) or from the front (approaching) on the
    ground, 10 m away at mid-clip: every contact lands at another image height, so the
    feet's floor levels follow within 0.6 s.  With the 2-s floor of the other views the
    front view found no contact at all, and from behind the lower-foot rule stood in
    (contacts 1.5-6 frames early, pelvic drop -0.9 to -1.2 deg at 60 and 120 fps).
    Measured (rear / front, 30/60/120 fps): largest IC error 0.15, 0.05, 0.07 / 0.39,
    0.43, 0.39 frame; 8 valid strides; pelvic drop within 0.07 deg, knee FPPA 0.07,
    lateral lean 0.01, step width 0.33 % leg.  The synthetic toe leaves the floor slowly,
    so toe-offs are 1.5-5 frames late (as on the treadmill from behind)."""
    pose, truth = synth(fps=fps, duration_s=4.0, view=view, treadmill=False, camera_distance_m=10.0)
    res = analyze_pose(pose)
    assert (res.view.kind, res.view.setting) == (view, "overground")
    assert int(res.strides["valid"].sum()) >= 7
    # midstance (the lowest pelvis) comes after the landing: the contact run it was
    # searched in starts before it, and the receding runner's first two midstances came
    # before their contacts (120 fps: 1.2 and 1.0 frames)
    assert (res.strides["ic_pos"] <= res.strides["ms_pos"]).all()
    ic = event_errors_frames(res, truth)["ic"]
    assert ic.size >= 7 and np.max(np.abs(ic)) <= 1.0, np.round(ic, 2)
    errs = metric_errors(res, truth)
    assert abs(errs["cadence_spm"]) < 0.01 * 170
    for name in ("pelvic_drop_deg", "knee_valgus_deg", "lateral_trunk_lean_deg"):
        assert abs(errs[name]) <= 0.5, (name, errs[name])
    assert abs(errs["step_width_pct_leg"]) <= 1.0


@pytest.mark.parametrize(
    ("fps", "height", "distance", "hfov"), [(60.0, 1.62, 10.5, 55.0), (120.0, 1.64, 9.45, 64.5)]
)
def test_receding_runner_close_to_the_camera_lands_on_its_own_level(
    fps: float, height: float, distance: float, hfov: float
) -> None:
    """Seen from behind overground, a runner passing close to a camera 1.6 m high: the
    swing foot, a stride nearer the camera than where it lands, sits below that
    landing's level in the picture, and the rolling floor that took it in timed the
    first contacts 6.3 and 11.9 / 12.8 frames late, yet valid (60 / 120 fps).  Timed on
    the height above each contact's own level (``anchor_landings``): every valid
    contact within 0.15 frame (measured 0.08 / 0.14)."""
    pose, truth = synth(
        fps=fps,
        duration_s=4.0,
        view="rear",
        treadmill=False,
        camera_height_m=height,
        camera_distance_m=distance,
        camera_hfov_deg=hfov,
        width_px=640,
        height_px=360,
    )
    res = analyze_pose(pose)
    assert (res.view.kind, res.view.setting) == ("rear", "overground")
    assert int(res.strides["valid"].sum()) >= 7
    res.events = res.events[res.events["valid"]]
    ic = event_errors_frames(res, truth)["ic"]
    assert ic.size >= 7 and np.max(np.abs(ic)) <= 0.15, np.round(ic, 2)


@pytest.mark.parametrize(
    ("view", "fps", "height", "distance", "hfov", "width"),
    [("rear", 30.0, 1.71, 12.94, 68.27, 1280), ("front", 120.0, 0.33, 10.62, 40.05, 1280)],
)
def test_frontal_overground_midstance_is_taken_against_the_drift(
    view: str, fps: float, height: float, distance: float, hfov: float, width: int
) -> None:
    """Seen from a camera above (or below) the hips, a receding (approaching) runner's
    hips move steadily up (down) the picture, so the lowest pelvis of every stance was its
    first (last) frame, where the pelvis has not dropped yet: pelvic drop read 0.0 and
    knee FPPA 0.4 and 0.0 against 4.0 and 3.6 / 2.8 deg (rear / front).  The midstance is
    now the pelvis's lowest point below the chord from contact to toe-off: measured
    within 0.06 deg from behind, 0.26 from the front."""
    pose, truth = synth(
        fps=fps,
        duration_s=4.0,
        view=view,
        treadmill=False,
        camera_height_m=height,
        camera_distance_m=distance,
        camera_hfov_deg=hfov,
        width_px=width,
        height_px=width * 9 // 16,
    )
    res = analyze_pose(pose)
    assert res.view.setting == "overground"
    errs = metric_errors(res, truth)
    for name in ("pelvic_drop_deg", "knee_valgus_deg", "lateral_trunk_lean_deg"):
        assert abs(errs[name]) <= 0.5, (name, errs[name])


def test_front_treadmill_midstance_does_not_wait_for_the_toe_off() -> None:
    """Seen from the front, from 1.5 m high and 5 m away, the stance foot slides up the
    picture on the belt and the foot-height toe-off comes about 12 frames early at 60
    fps (a limit of that rule from the front, not fixed).  The midstance is searched in
    the contact run from the landing on, not cut at that toe-off: pelvic drop measured
    -0.04 deg off (cut at the toe-off it read -4.0: the midstance fell on the contact)."""
    pose, truth = synth(
        fps=60.0,
        duration_s=4.0,
        view="front",
        treadmill=True,
        camera_height_m=1.5,
        camera_distance_m=5.0,
    )
    errs = metric_errors(analyze_pose(pose), truth)
    for name in ("pelvic_drop_deg", "knee_valgus_deg", "lateral_trunk_lean_deg"):
        assert abs(errs[name]) <= 0.5, (name, errs[name])


def test_noisy_side_angles_within_two_degrees_at_60fps() -> None:
    """Jitter 1 px (2 px far leg), 5 % dropouts, 3 leg swaps; medians over strides."""
    pose, truth = synth(
        fps=60.0, duration_s=6.0, noise_px=1.0, dropout_fraction=0.05, n_leg_swaps=3, seed=1
    )
    res = analyze_pose(pose)
    errs = metric_errors(res, truth)
    for name in (
        "trunk_lean_deg",
        "knee_flexion_midstance_deg",
        "ankle_dorsiflexion_midstance_deg",
        "knee_flexion_ic_deg",
        "shank_angle_ic_deg",
        "hip_extension_to_deg",
    ):
        assert abs(errs[name]) <= 2.0, (name, errs[name])
    assert abs(errs["cadence_spm"]) <= 0.02 * 170
    assert abs(errs["vertical_oscillation_pct_leg"]) <= 1.0


#: The side view's angles (the metrics in degrees).
NOISY_ANGLES = tuple(name for name in SIDE_METRICS if name.endswith("_deg"))


@functools.cache
def _noisy_angle_errors(fps: float) -> dict[str, np.ndarray]:
    """Each side angle's error (deg) on the noisy runner, seeds 0-9."""
    out: dict[str, list[float]] = {name: [] for name in NOISY_ANGLES}
    for seed in range(10):
        pose, truth = synth(
            fps=fps, duration_s=6.0, noise_px=1.0, dropout_fraction=0.05, n_leg_swaps=3, seed=seed
        )
        errs = metric_errors(analyze_pose(pose), truth)
        for name in NOISY_ANGLES:
            out[name].append(errs[name])
    return {k: np.asarray(v) for k, v in out.items()}


@pytest.mark.parametrize(
    ("fps", "name"),
    [
        pytest.param(
            fps,
            name,
            marks=pytest.mark.xfail(
                strict=True,
                reason="at 30 fps the knee at contact reads +2.5 deg on average (median "
                "|error| 2.9, 3 of 10 seeds within 2): the cubic through the frames next "
                "to the contact rounds the knee's kink off; a two-piece fit with its break "
                "at IC removes the bias on this runner (-0.2 deg) but passes event-timing "
                "errors through on MediaPipe's landmarks (what the events add on the four "
                "rendered side clips: +2.9 / -5.2 / +3.8 / -1.2 deg, against +0.7 / +1.1 / "
                "+6.0 / -1.7 with the cubic), so it is not used.  The kink is the synthetic "
                "runner's: its knee extends at about 250 deg/s 20 ms before contact and is "
                "still at contact, where a real knee flexes smoothly through it (motion "
                "capture: 300-370 deg/s before, about 470 after; tests/test_mocap.py)",
            )
            if (fps, name) == (30.0, "knee_flexion_ic_deg")
            else (),
        )
        for fps in (30.0, 60.0, 120.0)
        for name in NOISY_ANGLES
    ],
)
def test_noisy_side_angles_over_ten_seeds(fps: float, name: str) -> None:
    """The issue's "angles within 2 deg" on the noisy runner (1 px jitter, 2 px on the far
    leg, 5 % dropouts, 3 leg swaps), over seeds 0-9: the median absolute error is within
    2 deg for every side angle at 30, 60 and 120 fps but the knee at contact at 30 fps
    (xfail), and no seed is off by more than 5.5 deg.  Measured median |error| (deg) at
    30 / 60 / 120 fps: trunk lean 0.1 / 0.1 / 0.1, knee at contact 2.9 / 1.2 / 0.7, knee
    at midstance 0.2 / 0.4 / 0.3 (the stance's peak; taken at the midstance event it was
    0.7 / 0.6 / 0.3), ankle 1.1 / 0.9 / 0.9, shank 0.8 / 0.6 / 1.0, foot strike 1.4 / 1.3
    / 1.9, hip extension 1.3 / 1.1 / 1.4; seeds within 2 deg: all 10 for
    trunk lean and knee at midstance, 6-10 for the others (knee at contact 3 / 6 / 8,
    foot strike 8 / 8 / 6); largest error 5.2 deg (foot strike, 120 fps)."""
    err = np.abs(_noisy_angle_errors(fps)[name])
    assert np.median(err) <= 2.0, np.round(err, 2)
    assert np.max(err) <= 5.5, np.round(err, 2)


#: The frontal-plane angles (the rear view's metrics in degrees).
REAR_ANGLES = ("pelvic_drop_deg", "knee_valgus_deg", "lateral_trunk_lean_deg")


@pytest.mark.parametrize("fps", [30.0, 60.0, 120.0])
def test_noisy_rear_angles_within_two_degrees(fps: float) -> None:
    """The issue's noisy tier from behind (1 px jitter, 5 % dropouts, 3 leg swaps; seeds
    0-5): every frontal angle within 2 deg on every seed - measured largest |error| at
    30 / 60 / 120 fps: pelvic drop 1.62 / 0.89 / 0.62, knee FPPA 0.76 / 0.85 / 0.37,
    lateral lean 0.27 / 0.13 / 0.20 deg.  The contacts of valid strides are within 2
    frames on 55 of 66, 56 of 70 and 54 of 70 (mean +0.8 / +1.0 / +1.2 frames, largest
    4.6 / 7.1 / 11.7, all late): from behind the stance foot slides down the picture,
    and the landing is a weak kink (here from 0.044 to 0.028 leg a frame at 30 fps)
    that 1 px of jitter blurs; the exact runner's are within 0.53 / 0.24 / 0.14 frame.
    The toe-offs trail by the synthetic foot's slow lift (README)."""
    worst = dict.fromkeys(REAR_ANGLES, 0.0)
    ic: list[float] = []
    for seed in range(6):
        pose, truth = synth(
            fps=fps,
            duration_s=6.0,
            view="rear",
            noise_px=1.0,
            dropout_fraction=0.05,
            n_leg_swaps=3,
            seed=seed,
        )
        res = analyze_pose(pose)
        assert res.view.kind == "rear"
        errs = metric_errors(res, truth)
        for name in REAR_ANGLES:
            worst[name] = max(worst[name], abs(errs[name]))
        res.events = res.events[res.events["valid"]]
        ic += list(event_errors_frames(res, truth)["ic"])
    assert all(v <= 2.0 for v in worst.values()), worst
    within = np.mean(np.abs(np.asarray(ic)) <= 2.0)
    assert len(ic) >= 60 and within >= 0.7, (len(ic), round(float(within), 2))


def test_mirroring_swaps_facing_but_not_metrics() -> None:
    pose, _ = synth(fps=60.0, duration_s=5.0, view="side_right")
    a, b = analyze_pose(pose), analyze_pose(mirror(pose))
    assert (a.view.facing, b.view.facing) == ("right", "left")
    for name in SIDE_METRICS:
        assert b.metric(name) == pytest.approx(a.metric(name), abs=0.3), name


def test_swapping_labels_swaps_per_side_values() -> None:
    pose, _ = synth(
        fps=60.0, duration_s=5.0, right_knee_flexion_ic_deg=28.0, right_overstride_pct_leg=22.0
    )
    a, b = analyze_pose(pose), analyze_pose(swap_labels(pose))
    sa, sb = a.summary.set_index("metric"), b.summary.set_index("metric")
    for name in ("knee_flexion_ic_deg", "overstride_pct_leg", "contact_time_ms"):
        assert sb.loc[name, "left"] == pytest.approx(sa.loc[name, "right"], abs=0.3)
        assert sb.loc[name, "right"] == pytest.approx(sa.loc[name, "left"], abs=0.3)
    assert sa.loc["knee_flexion_ic_deg", "right"] - sa.loc["knee_flexion_ic_deg", "left"] > 6


REAR_METRICS = (
    "cadence_spm",
    "pelvic_drop_deg",
    "knee_valgus_deg",
    "step_width_pct_leg",
    "lateral_trunk_lean_deg",
)


def test_rear_mirror_with_swapped_labels_swaps_per_side_values() -> None:
    """From behind, a mirror alone or a label swap alone is no real clip (the left leg
    would appear on the image's right); both together are the same runner with its body
    sides exchanged: every metric stays and the per-side values change sides.  Measured
    at 30/60/120 fps: equal to 0.01 (``benchmarks/relations_sweep.py --view rear``: no
    relation broken on 38 random runners)."""
    pose, _ = synth(
        fps=60.0, duration_s=5.0, view="rear", right_pelvic_drop_deg=8.0, right_knee_valgus_deg=9.0
    )
    a, b = analyze_pose(pose), analyze_pose(swap_labels(mirror(pose)))
    assert a.view.kind == b.view.kind == "rear"
    sa, sb = a.summary.set_index("metric"), b.summary.set_index("metric")
    for name in REAR_METRICS:
        assert sb.loc[name, "value"] == pytest.approx(sa.loc[name, "value"], abs=0.3), name
        assert sb.loc[name, "left"] == pytest.approx(sa.loc[name, "right"], abs=0.3), name
        assert sb.loc[name, "right"] == pytest.approx(sa.loc[name, "left"], abs=0.3), name
    for name in ("pelvic_drop_deg", "knee_valgus_deg"):
        assert sa.loc[name, "right"] - sa.loc[name, "left"] > 3, name


def test_foot_strike_pattern_is_classified() -> None:
    for strike, expected in (("rearfoot", "rearfoot"), ("forefoot", "forefoot")):
        pose, _ = synth(fps=60.0, duration_s=4.0, foot_strike=strike)
        doc = analyze_pose(pose).to_dict()
        assert doc["metrics"]["foot_strike_angle_deg"]["pattern"] == expected


def test_strike_patterns_within_an_uncertainty() -> None:
    from gait.metrics import strike_pattern, strike_patterns_within

    assert list(strike_pattern(np.array([9.0, 8.0, 0.0, -1.6, -2.0, np.nan]))) == [
        "rearfoot",
        "midfoot",
        "midfoot",
        "midfoot",
        "forefoot",
        None,
    ]
    assert strike_patterns_within(-4.2, 3.7) == ["forefoot", "midfoot"]
    assert strike_patterns_within(-4.2, 2.5) == ["forefoot"]
    assert strike_patterns_within(6.3, 4.2) == ["midfoot", "rearfoot"]
    assert strike_patterns_within(3.0, 6.0) == ["midfoot", "forefoot", "rearfoot"]  # nearer first
    assert strike_patterns_within(20.0, 5.0) == ["rearfoot"]
    assert strike_patterns_within(float("nan"), 1.0) == []


def test_range_between_never_raises_on_poor_strides() -> None:
    """Empty, reversed, out-of-clip, overlapping and all-missing ranges give NaN or the
    right range - the walking clip used to crash here (empty slice in ``np.fmax``)."""
    from gait.metrics.sampling import _range_between

    y = np.array([0.0, 1.0, 5.0, 2.0, np.nan, np.nan, 3.0, -1.0])
    start = np.array([0.2, 1.0, 4.0, 2.0, 0.0, 9.0, 7.5, np.nan, 0.0, 1.5])
    stop = np.array([0.8, 4.0, 6.0, 7.0, 3.0, 12.0, 20.0, 3.0, 8.0, 1.2])
    got = _range_between(y, start, stop)
    # [0.2, 0.8] holds no whole frame; [4, 6) only missing samples; 9..12 beyond the clip;
    # reversed and NaN ranges are missing; overlapping ranges are fine
    expected = [np.nan, 4.0, np.nan, 3.0, 5.0, np.nan, np.nan, np.nan, 6.0, np.nan]
    np.testing.assert_array_equal(got, expected)
    assert _range_between(y, np.zeros(0), np.zeros(0)).shape == (0,)


def test_cadence_is_the_rate_of_the_mean_stride() -> None:
    """Harmonic mean of per-stride cadences = 120 / mean stride time: the IC jitter of
    consecutive strides cancels, unlike a median of frame-quantised single strides."""
    import pandas as pd

    from gait.summary import summarize

    stride_s = np.array([0.70, 0.733, 0.70, 0.733, 0.70])  # 30 fps: 21 and 22 frames
    st = pd.DataFrame(
        {
            "side": ["left"] * 5,
            "valid": [True] * 5,
            "cadence_spm": 120.0 / stride_s,
        }
    )
    row = summarize(st, view="side", fps=30.0).set_index("metric").loc["cadence_spm"]
    assert row["value"] == pytest.approx(120.0 / stride_s.mean())
    assert row["left"] == pytest.approx(120.0 / stride_s.mean())


def test_cadence_confidence_is_that_of_the_mean_stride() -> None:
    """Single strides at 30 fps are 21 or 22 frames: their cadences 8 steps/min apart
    (IQR 8.2 over the 11 strides here) are frame quantisation, not an unsteady runner.
    The clip's cadence, a rate of the mean stride, is judged by the spread of that mean
    and is not held back by the frame rate as a contact time is: high with 11 strides,
    low with 3 (too few), medium when single strides really differ by 20 steps/min (the
    per-stride rule it replaced: 0.54 medium and 0.21 low; contact time keeps it)."""
    import pandas as pd

    from gait.summary import summarize

    def conf(cadence: np.ndarray, name: str = "cadence_spm") -> str:
        st = pd.DataFrame(
            {"side": ["left", "right"] * (cadence.size // 2) + ["left"] * (cadence.size % 2)}
        ).assign(valid=True, **{name: cadence})
        return str(
            summarize(st, view="side", fps=30.0).set_index("metric").loc[name, "confidence_label"]
        )

    quantised = 120.0 / (np.array([21, 22, 21, 22, 22, 21, 22, 21, 21, 22, 21]) / 30.0)
    assert conf(quantised) == "high"
    assert conf(quantised[:3]) == "low"
    unsteady = np.array([150.0, 170.0, 150.0, 170.0, 190.0, 150.0, 170.0, 190.0, 150.0])
    assert conf(unsteady) == "medium"
    assert conf(np.full(11, 250.0), "contact_time_ms") == "medium"  # 30 fps caps timing


def test_metrics_taken_at_a_fast_changing_instant_are_held_back_at_30fps() -> None:
    """The angles and overstride at contact and hip extension at toe-off change by about
    one to nine times their smallest meaningful change per frame at 30 fps
    (``MetricSpec.instant``): like contact time, their confidence takes the 60-fps
    frame-rate term (0.71 at 30 fps); the knee at midstance, a peak, does not.  The
    rendered side clips' knee at contact went "high" (0.86-0.96) -> "medium"
    (0.61-0.68) at 30 fps, the real treadmill clip's "medium" -> "low" (0.68 -> 0.48)."""
    import pandas as pd

    from gait.metrics import METRICS
    from gait.summary import summarize

    instant = [n for n, m in METRICS.items() if m.instant]
    assert sorted(instant) == sorted(
        [
            "knee_flexion_ic_deg",
            "shank_angle_ic_deg",
            "foot_strike_angle_deg",
            "overstride_pct_leg",
            "hip_extension_to_deg",
        ]
    )
    values = {name: np.full(12, 20.0) for name in [*instant, "knee_flexion_midstance_deg"]}
    st = pd.DataFrame({"side": ["left", "right"] * 6, "valid": True, **values})

    def conf(fps: float) -> pd.Series:
        return summarize(st, view="side", fps=fps).set_index("metric")["confidence"]

    at30, at60, at120 = conf(30.0), conf(60.0), conf(120.0)
    for name in instant:
        assert at30[name] == pytest.approx(at60[name] * 0.5**0.5, abs=0.002), name
        assert at60[name] == at120[name] == 1.0, name
    assert at30["knee_flexion_midstance_deg"] == at60["knee_flexion_midstance_deg"] == 1.0


def test_near_leg_only_metrics_take_the_near_legs_strides_from_the_side() -> None:
    """Trunk lean and foot strike angle (``MetricSpec.near_leg_only``): from a side view
    with the near leg known, the value, spread and stride count come from the near leg;
    the far leg keeps its per-side value; other metrics, rear views, an unknown near leg
    and a near leg without strides use both legs."""
    import pandas as pd

    from gait.summary import summarize

    st = pd.DataFrame(
        {
            "side": ["left", "right"] * 4,
            "valid": [True] * 8,
            "trunk_lean_deg": [8.0, 4.0, 8.2, 4.2, 7.8, 3.8, 8.1, 4.1],
            "foot_strike_angle_deg": [10.0, -2.0] * 4,
            "knee_flexion_ic_deg": [20.0, 26.0] * 4,
        }
    )

    def rows(**kw: object) -> pd.DataFrame:
        return summarize(st, fps=30.0, **kw).set_index("metric")  # type: ignore[arg-type]

    side = rows(view="side", near_side="left")
    assert side.loc["trunk_lean_deg", "value"] == pytest.approx(8.05)
    assert side.loc["trunk_lean_deg", "n_strides"] == 4
    assert side.loc["trunk_lean_deg", "right"] == pytest.approx(4.05)
    assert side.loc["foot_strike_angle_deg", "value"] == pytest.approx(10.0)
    assert side.loc["knee_flexion_ic_deg", "value"] == pytest.approx(23.0)  # both legs
    assert rows(view="side", near_side="right").loc["trunk_lean_deg", "value"] == (
        pytest.approx(4.05)
    )
    assert rows(view="side").loc["trunk_lean_deg", "value"] == pytest.approx(6.0)  # between
    far_only = st[st["side"] == "right"]
    got = summarize(far_only, view="side", fps=30.0, near_side="left").set_index("metric")
    assert got.loc["trunk_lean_deg", "value"] == pytest.approx(4.05)


def test_foot_landmark_offset_is_referenced_to_foot_flat() -> None:
    """BlazePose puts the foot-index point lower on the foot than the heel point (the foot
    line reads toe-down when the sole is flat). Simulate that offset - the toe landmark
    rotated 9° down about the heel on every frame - and the dorsiflexion and foot strike
    angle still match the truth, because the foot line is taken relative to its own
    midstance (foot-flat) angle; the exact landmarks give a zero offset."""
    pose, truth = synth(fps=60.0, duration_s=5.0, view="side_right")
    exact = analyze_pose(pose)
    assert np.abs(exact.strides["foot_flat_offset_deg"]).max() < 0.3
    biased = analyze_pose(toe_down(pose, 9.0))
    offsets = biased.strides["foot_flat_offset_deg"]
    assert offsets.to_numpy() == pytest.approx(-9.0, abs=0.5)
    for name in ("ankle_dorsiflexion_midstance_deg", "foot_strike_angle_deg"):
        t = truth["metrics_image"][name]["overall"]
        assert biased.metric(name) == pytest.approx(t, abs=1.0), name
        assert biased.metric(name) == pytest.approx(exact.metric(name), abs=1.0), name


def test_foot_flat_reference_is_the_lowest_early_stance_frame() -> None:
    """The foot strike angle's flat-foot reference: the foot line where the foot (mean
    of heel and toe height) is lowest between contact and midstance, searched at most
    ``max_frames`` after the contact (a stride with odd events builds no huge grid); the
    midstance angle where no frame qualifies."""
    import pandas as pd

    from gait.metrics.strides import _foot_flat_angle_deg

    n = 40
    heel = np.zeros((n, 2, 2))
    toe = np.zeros((n, 2, 2))
    heel[:, :, 1], toe[:, :, 0], toe[:, :, 1] = 5.0, 10.0, 6.0  # high, toe up 5.7 deg
    heel[12, 0, 1] = toe[12, 0, 1] = -1.0  # left foot: flat and lowest at frame 12
    heel[15, 1, 1] = toe[15, 1, 1] = 4.0  # right foot: at frame 15
    heel[30, 0, 1], toe[30, 0, 1] = -4.0, -5.0  # lower still, toe down, but too late
    strides = pd.DataFrame({"ic_pos": [10.2, 10.2, 5.0, np.nan], "ms_pos": [20.0, 20.0, 1e9, 20.0]})
    sel = np.array([0, 1, 0, 0])
    at_ms = {"heel": np.zeros((4, 2)), "foot_index": np.array([[10.0, 10.0]] * 4)}
    got = _foot_flat_angle_deg(heel, toe, sel, strides, at_ms, max_frames=8)
    # the third stride's midstance is far off: its search stops at frame 13, before the
    # toe-down frame 30; the fourth has no contact and takes its midstance angle
    np.testing.assert_allclose(got, [0.0, 0.0, 0.0, 45.0], atol=1e-9)


def test_peak_between_finds_the_peak_between_frames() -> None:
    """The stance peak (the knee at midstance): the vertex of the least-squares quadratic
    around the highest frame, found between frames; the highest frame where a neighbour
    is missing; NaN where the range holds no frame."""
    from gait.metrics.sampling import _peak_between

    f = np.arange(60, dtype=float)
    y = np.stack([40.0 - 0.3 * (f - 20.3) ** 2, 30.0 - 0.5 * (f - 44.6) ** 2], axis=1)
    y[45, 1] = np.nan  # a missing frame next to the right side's highest one (44)
    sel = np.array([0, 1, 0, 0])
    start = np.array([10.5, 35.0, 25.0, np.nan])
    stop = np.array([30.0, 55.0, 24.0, 30.0])
    value, where = _peak_between(y, sel, start, stop, max_frames=30, half_width=2)
    np.testing.assert_allclose(value[0], 40.0, atol=1e-9)
    np.testing.assert_allclose(where[0], 20.3, atol=1e-9)
    np.testing.assert_allclose(value[1], 30.0 - 0.5 * 0.6**2, atol=1e-9)
    assert where[1] == 44.0
    assert np.isnan(value[2:]).all() and np.isnan(where[2:]).all()
    # a range cut short: the peak of the frames inside it, at its end
    value, where = _peak_between(
        y, sel[:1], np.array([0.0]), np.array([30.0]), max_frames=12, half_width=1
    )
    assert where[0] == 12.0 and value[0] == pytest.approx(40.0 - 0.3 * 8.3**2, abs=1e-9)


def test_knee_at_midstance_is_the_stance_peak_not_the_value_at_the_event() -> None:
    """On the exact runner the knee peaks at the middle of stance (its midstance): the
    reported knee equals the value at the midstance event within 0.1 deg.  Moving the
    midstance events 2 frames later moves the value at the event by 1.5 deg or more
    (default runner, 60 fps) and the reported peak by nothing."""
    from core_helpers import stride_metric_inputs

    from gait.metrics import stride_metrics
    from gait.metrics.angles import _oriented
    from gait.posedata import LANDMARK_INDEX

    xy, s, kw = stride_metric_inputs(synth(fps=60.0, duration_s=4.0)[0])
    s = s[s["valid"].to_numpy(dtype=bool)]
    base = stride_metrics(xy, s, **kw)
    moved = stride_metrics(xy, s.assign(ms_pos=s["ms_pos"] + 2.0), **kw)
    np.testing.assert_allclose(
        moved["knee_flexion_midstance_deg"], base["knee_flexion_midstance_deg"], atol=1e-9
    )
    np.testing.assert_allclose(base["knee_peak_pos"], s["ms_pos"], atol=0.5)
    o = _oriented(xy, kw["direction"])

    def knee_at(pos: np.ndarray) -> np.ndarray:
        side = np.where(s["side"].to_numpy() == "left", 0, 1)
        p = {
            name: sample_at(
                o[:, [LANDMARK_INDEX[f"left_{name}"], LANDMARK_INDEX[f"right_{name}"]]], pos
            )[np.arange(pos.size), side]
            for name in ("hip", "knee", "ankle")
        }
        return knee_flexion_deg(p["hip"], p["knee"], p["ankle"])

    at_ms = knee_at(s["ms_pos"].to_numpy())
    np.testing.assert_allclose(base["knee_flexion_midstance_deg"], at_ms, atol=0.1)
    assert np.all(at_ms - knee_at(s["ms_pos"].to_numpy() + 2.0) > 1.5)
