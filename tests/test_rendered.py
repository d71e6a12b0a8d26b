"""Rendered synthetic clips through MediaPipe: relations the pose model's bias cancels in.

The absolute values carry the pose model's landmark bias on the rendered figure (trunk
lean about -1.3 deg per frame on the sample clips, measured against the truth
files' projected landmarks); a *difference* between two clips
that differ in one parameter only must come out right.  Rendering and landmark extraction
take a few seconds per clip, so these tests are marked slow.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gait.analysis import analyze_pose

pytestmark = pytest.mark.slow


def _trunk_lean(tmp_path: Path, lean_deg: float) -> float:
    from gait import pose
    from gait.synth import RunnerParams, render_video

    params = RunnerParams(
        view="side_right",
        fps=30.0,
        duration_s=3.0,
        width_px=480,
        height_px=270,
        trunk_lean_deg=lean_deg,
    )
    path = tmp_path / f"lean_{lean_deg:g}.mp4"
    render_video(params, path, write_truth=False)
    res = analyze_pose(pose.extract(path, progress=False, cache=False))
    assert res.view.kind == "side"
    # no camera roll in the scene: the floor line must not invent much of one
    assert abs(res.view.roll_deg) < 2.0
    return res.metric("trunk_lean_deg")


def test_six_degrees_more_trunk_lean_reads_six_more(tmp_path: Path, model_full: Path) -> None:
    """Requirement: 6 deg more lean in the scene reads 6 +/- 2 deg more.

    Measured 5.03 and 10.38 deg (difference 5.35); the roll estimated on these clips
    stays below 2 deg.
    """
    low, high = _trunk_lean(tmp_path, 5.0), _trunk_lean(tmp_path, 11.0)
    assert high - low == pytest.approx(6.0, abs=2.0), (low, high)


SIDE_CLIPS = ("side_good_form", "side_compensations", "before_side", "after_side")
REAR_CLIPS = ("rear_good_form", "rear_compensations")


def test_roll_free_treadmill_clips_are_not_levelled() -> None:
    """No camera roll in the rendered treadmill clips, and none applied.  The floor line
    along the sliding stance foot reads -4.1 to +0.8 deg on them (MediaPipe's near foot
    rises late in stance); applied, the -4.1 on side_compensations made its trunk lean
    read 6.4 deg under the truth (now 2.2 under: the pose model's own trunk bias)."""
    from gait.api import analyze
    from gait.synth import load_truth

    for name in SIDE_CLIPS:
        video = Path(__file__).parents[1] / "sample_videos" / f"{name}.mp4"
        res = analyze(video)
        assert res.view.setting == "treadmill", name
        assert res.view.roll_deg == 0.0, name
        assert res.view.details["roll_confidence"] < 0.3, name
        truth = load_truth(video.with_suffix(".truth.json"))["metrics_image"]
        lean = truth["trunk_lean_deg"]["overall"]
        assert res.metric("trunk_lean_deg") == pytest.approx(lean, abs=3.0), name


@pytest.mark.parametrize("roll", [-5.0, 4.0])
def test_rolled_overground_clip_is_levelled(tmp_path: Path, model_full: Path, roll: float) -> None:
    """A rendered overground clip filmed by a rolled camera: the line between contacts
    gives the roll within 1 deg (measured on such 640x360 clips, rolls 0, -4, 0, +5:
    errors +0.35, +0.43, +0.01, +0.01).  The synth's positive roll is the view's
    negative one."""
    import dataclasses

    from gait import pose
    from gait.synth import render_video
    from gait.synth.samples import SAMPLES

    params = dataclasses.replace(
        SAMPLES["side_good_form"],
        treadmill=False,
        duration_s=3.0,
        camera_distance_m=6.0,
        camera_roll_deg=roll,
    )
    path = tmp_path / f"overground_roll_{roll:g}.mp4"
    render_video(params, path, write_truth=False)
    res = analyze_pose(pose.extract(path, progress=False, cache=False))
    assert res.view.details["roll_from_steps"] == 1.0
    assert res.view.roll_deg == pytest.approx(-roll, abs=1.0)


def _label_agreement(name: str, detected: object = None, params: object = None) -> float:
    """Share of frames whose repaired ankle labels match the truth (feet apart > 0.3 leg):
    the sample clip ``name``, or the landmarks ``detected`` on a clip rendered from
    ``params`` (:func:`gait.synth.detect.label_agreement`)."""
    from gait import pose
    from gait.synth import synth_landmarks
    from gait.synth.detect import label_agreement
    from gait.synth.samples import SAMPLES

    if detected is None:
        detected = pose.extract(Path(__file__).parents[1] / "sample_videos" / f"{name}.mp4")
    true = synth_landmarks(params or SAMPLES[name])[0].image_px[..., :2]  # type: ignore[arg-type]
    return label_agreement(detected, true)


@pytest.mark.parametrize(
    ("name", "least"),
    [
        ("side_good_form", 0.97),
        ("side_compensations", 0.97),
        ("before_side", 0.95),
        ("after_side", 0.97),
    ],
)
def test_late_stance_leg_swaps_are_repaired(name: str, least: float) -> None:
    """MediaPipe hands the near leg's label to the swing leg in late stance on every
    stride of these clips (raw labels right on 77-87 % of the frames where the feet are
    apart); the Viterbi repair must get nearly all of them (measured 1.0, 1.0, 0.976,
    1.0; comparing every frame with the acceleration uncapped: 1.0, 0.943, 0.921,
    0.992)."""
    assert _label_agreement(name) >= least


def test_leg_swaps_are_repaired_at_120fps(tmp_path: Path, model_full: Path) -> None:
    """At 120 fps MediaPipe hands a label over smoothly, across several frames: a repair
    comparing consecutive frames saw no jump and left the swaps (labels right on 0.84 of
    the clear frames of this 3-s clip; on the 5-s clip toe-off came 47 ms early and the
    contact time 88 ms short); comparing the legs about 15 times a second gets them
    (measured 1.0; 5-s clip: toe-off +0 ms, contact time +14 ms).

    And its landmarks count as noisy: MediaPipe smooths them over time, so their
    frame-to-frame jitter is small at 120 fps (0.06 px here, 0.36 at 30 fps) although
    their errors are not; per second of leg length (0.06 leg/s) they are above the
    0.025 threshold.  With a fixed 0.2 px they were treated as noise-free."""
    from dataclasses import replace

    from gait import pose
    from gait.synth import render_video
    from gait.synth.samples import SAMPLES

    params = replace(SAMPLES["side_good_form"], fps=120.0, duration_s=3.0)
    video = tmp_path / "side_120.mp4"
    render_video(params, video, write_truth=False)
    detected = pose.extract(video, progress=False, cache=False)
    assert _label_agreement("side_good_form", detected, params) >= 0.95
    settings = analyze_pose(detected).cleaned.settings
    assert settings["noise_px"] < 0.2 and settings["noisy"], settings


def test_rhythm_cadence_of_the_sample_clips() -> None:
    """The pelvis-rhythm cadence is within 0.5 spm of the truth (measured <= 0.2)."""
    from gait.api import analyze
    from gait.synth import load_truth

    for name in ("side_good_form", "side_compensations", "rear_good_form"):
        video = Path(__file__).parents[1] / "sample_videos" / f"{name}.mp4"
        truth = load_truth(video.with_suffix(".truth.json"))["metrics_image"]["cadence_spm"]
        res = analyze(video)
        assert res.metric("cadence_spm") == pytest.approx(truth["overall"], abs=0.5), name


def _sample_results(names: tuple[str, ...]) -> dict:
    """The sample clips ``names`` analysed once (landmarks cached), with their truth."""
    from gait.api import analyze
    from gait.synth import load_truth

    out = {}
    for name in names:
        video = Path(__file__).parents[1] / "sample_videos" / f"{name}.mp4"
        out[name] = (analyze(video), load_truth(video.with_suffix(".truth.json")))
    return out


@pytest.fixture(scope="module")
def side_results() -> dict:
    """The four rendered side clips analysed once, with their truth."""
    return _sample_results(SIDE_CLIPS)


@pytest.mark.parametrize("name", SIDE_CLIPS)
def test_per_side_cadence_shows_no_false_asymmetry(side_results: dict, name: str) -> None:
    """Both legs run at the clip's cadence, so each side's median is within 5 spm of the
    truth (measured 175.3 / 175.6 vs 176, 158.7 / 160.1 vs 158, 158.3 vs 162 and 170.8 /
    173.5 vs 175).  Before the leg-swap repair capped its costs, a wrong swap of frames
    0-4 of side_compensations made a contact at the clip's start count as a landing: left
    169.1 vs right 157.0 spm.  Before a second contact off the step rhythm was left out,
    before_side's far foot, dipping to the floor 4-6 frames before three of its landings,
    read 188 spm; four of its 9 inner strides still fail so, 5 pass (the near foot's 4
    of 5): not surely tracked (``distrust_far_leg``), its strides are not used and its
    side has no value (161.6 while half of its strides passing kept it)."""
    result, truth_doc = side_results[name]
    truth = truth_doc["metrics_image"]["cadence_spm"]
    row = result.summary.set_index("metric").loc["cadence_spm"]
    far = "left" if result.near_leg == "right" else "right"
    dropped = result.strides["reason"].astype(str).str.contains("poorly tracked")
    assert dropped.any() == (name == "before_side")
    for side in ("left", "right"):
        if side == far and dropped.any():
            assert np.isnan(row[side])
            continue
        assert row[side] == pytest.approx(truth["overall"], abs=5.0), (side, row[side])


def test_trunk_lean_of_the_side_clips_comes_from_the_near_leg(side_results: dict) -> None:
    """At the far foot's midstances MediaPipe reads the trunk 3.0-4.6 deg more upright
    on these four clips (2.5-5.4 at 60/120 fps): the value, from the near leg's strides
    (``MetricSpec.near_leg_only``), is within 0.7 deg of the truth (measured +0.45,
    -0.45, +0.61, +0.30); over both legs it read -2.8 and -3.0 on side_compensations and
    before_side, whose far leg had more valid strides.  before_side's far leg, not surely
    tracked, shows no value (see test_per_side_cadence_shows_no_false_asymmetry)."""
    for name, (res, truth) in side_results.items():
        want = truth["metrics_image"]["trunk_lean_deg"]
        row = res.summary.set_index("metric").loc["trunk_lean_deg"]
        near = res.near_leg
        far = "left" if near == "right" else "right"
        assert row["value"] == pytest.approx(want["overall"], abs=1.0), name
        assert row["n_strides"] == row[f"n_{near}"], name
        if name == "before_side":
            assert np.isnan(row[far])
            continue
        assert row[far] < want["overall"] - 2.0, name  # the far leg's bias, still shown
    # the foot strike pattern comes from the same (near-leg) strides as its angle:
    # after_side lands rearfoot (14 deg); over both legs the pattern read "midfoot"
    assert side_results["after_side"][0].strike_pattern == "rearfoot"


def test_the_foot_strike_patterns_named_include_the_true_one(side_results: dict) -> None:
    """Near a pattern's boundary MediaPipe's foot angle does not tell the patterns
    apart: side_good_form lands midfoot (+2.0 deg) and read -4.2 deg, "forefoot" alone;
    now "forefoot or midfoot" (-4.2 +/- 3.7: the typical 2D error with the standard
    error of the median).  after_side (+13.9, rearfoot) reads 6.3: "rearfoot or
    midfoot".  The clearly rearfoot clips name one pattern.  (60 and 120 fps: the true
    pattern is among those named on all 8 renders, alone on 5.)"""
    named = {name: res.strike_patterns for name, (res, _) in side_results.items()}
    for name, (res, truth) in side_results.items():
        assert truth["params"]["foot_strike"] in named[name], (name, named[name])
        fsa = res.to_dict()["metrics"]["foot_strike_angle_deg"]
        assert [fsa["pattern"], *fsa["pattern_alternatives"]] == named[name]
        assert fsa["pattern_uncertainty_deg"] >= 2.5
    assert named["side_good_form"] == ["forefoot", "midfoot"]
    assert named["after_side"] == ["rearfoot", "midfoot"]
    assert named["side_compensations"] == named["before_side"] == ["rearfoot"]
    assert any("may land flat" in w for w in side_results["side_good_form"][0].warnings)


def test_side_clips_of_symmetric_runners_raise_no_asymmetry_finding(side_results: dict) -> None:
    """The four side runners have the same contact time on both legs, but through
    MediaPipe their legs read -12.7 to +9.3 % apart at 30 fps (-17.2 to +9.3 % with the
    60 and 120 fps renders): the far leg's contacts are timed on worse landmarks.  Three
    of the four passed the asymmetry rule's 8 % and "Left/right asymmetry" fired; from a
    side view no left/right difference is judged now (findings.SIDE_VIEW_ASYMMETRY).  A
    finding on the far leg alone is kept at confidence "low" (findings.FAR_LEG_ONLY):
    after_side (23 deg of dorsiflexion) fired "limited ankle dorsiflexion" on its far
    leg, which read 8.7 deg; with its contacts no longer timed before the foot is down
    (``ic_after_level``) it does not fire at all."""
    spread = []
    for name, (res, _) in side_results.items():
        row = res.summary.set_index("metric").loc["contact_time_ms"]
        spread.append(abs(float(row["asymmetry_pct"])))
        found = {f.code: f for f in res.findings}
        assert found["GAIT-SYM-01"].status == "not_checked", name
        assert "far leg" in found["GAIT-SYM-01"].reason, name
        assert found["GAIT-STR-01"].status in ("fired", "not_fired"), name  # others checked
        ankle = found["GAIT-ANK-01"]
        if name == "after_side":  # 23 deg of dorsiflexion: not seen, or seen at low confidence
            assert ankle.status != "fired" or ankle.confidence == "low", ankle
    assert max(spread) > 8.0  # what the rule would have judged


#: Per-stride metrics the landmark-bias split below looks at (the issue's side-view ones).
BIAS_METRICS = ("trunk_lean_deg", "knee_flexion_ic_deg", "knee_flexion_midstance_deg")
#: The same from behind: pelvic drop and the frontal trunk lean (knee FPPA printed too).
REAR_BIAS_METRICS = ("pelvic_drop_deg", "lateral_trunk_lean_deg", "knee_valgus_deg")


@pytest.fixture(scope="module")
def bias_split() -> dict[str, dict[str, tuple[float, float, float]]]:
    """Per side and rear clip and metric: (reported median, median over the SAME valid strides
    with every event moved to the nearest true one, truth as seen through the camera).

    The second minus the third is the pose model's landmark bias on the rendered figure;
    the first minus the second is what our event timing adds.  Measured by running the
    analysis with :func:`gait.metrics.stride_metrics` wrapped to keep its inputs, then
    calling it again on the strides with true event positions."""
    from core_helpers import retimed_strides, stride_metric_inputs

    from gait import pose
    from gait.metrics import stride_metrics
    from gait.synth import load_truth

    out: dict[str, dict[str, tuple[float, float, float]]] = {}
    for name in SIDE_CLIPS + REAR_CLIPS:
        video = Path(__file__).parents[1] / "sample_videos" / f"{name}.mp4"
        truth = load_truth(video.with_suffix(".truth.json"))
        metrics = BIAS_METRICS if name in SIDE_CLIPS else REAR_BIAS_METRICS
        data = pose.extract(video, progress=False)
        xy, ours, kw = stride_metric_inputs(data)
        moved = ours.copy()
        for side, other in (("left", "right"), ("right", "left")):
            rows = (moved["side"] == side).to_numpy()
            for col, foot, kind in (
                ("ic_pos", side, "ic"),
                ("ms_pos", side, "ms"),
                ("to_pos", side, "to"),
                ("next_ic_pos", side, "ic"),
                ("prev_contra_ic_pos", other, "ic"),
                ("next_contra_ic_pos", other, "ic"),
            ):
                true = np.asarray(truth["events"][foot][f"{kind}_s"]) * data.fps
                pos = moved.loc[rows, col].to_numpy(dtype=float)
                near = true[np.argmin(np.abs(true[None, :] - np.nan_to_num(pos)[:, None]), axis=1)]
                moved.loc[rows, col] = np.where(np.isfinite(pos), near, np.nan)
        valid = ours["valid"].to_numpy(dtype=bool)
        a = stride_metrics(xy, ours, **kw)[valid]
        b = stride_metrics(xy, retimed_strides(moved, data.fps), **kw)[valid]
        out[name] = {
            m: (
                float(np.nanmedian(a[m])),
                float(np.nanmedian(b[m])),
                float(truth["metrics_image"][m]["overall"]),
            )
            for m in metrics
        }
        for m, (got, at_true, want) in out[name].items():
            print(
                f"{name:19s} {m:27s} reported {got:6.2f}  at true events {at_true:6.2f}  "
                f"truth {want:6.2f}  landmark bias {at_true - want:+6.2f}  "
                f"events add {got - at_true:+6.2f}"
            )
    return out


_BIAS_XFAIL = {
    ("before_side", "knee_flexion_ic_deg"): (
        "at 30 fps the knee extends about 11 deg a frame just before contact, and three of "
        "before_side's 9 valid strides have their contact 0.5-1 frame off (the first one "
        "0.9 frame early, 31 vs 13 deg at the true contact: the swing foot skims the belt "
        "at the clip's start), so the median reads 22.3 against 18.3 at the true events"
    ),
}


@pytest.mark.parametrize(
    ("name", "metric"),
    [
        pytest.param(
            n,
            m,
            marks=pytest.mark.xfail(strict=True, reason=_BIAS_XFAIL[(n, m)])
            if (n, m) in _BIAS_XFAIL
            else (),
        )
        for n in SIDE_CLIPS
        for m in BIAS_METRICS
    ],
)
def test_side_metrics_within_the_landmark_bias_plus_two_degrees(
    bias_split: dict, name: str, metric: str
) -> None:
    """The issue's check on rendered clips: trunk lean and knee flexion within the
    landmark bias (measured here, on the same strides at the true event times) plus
    2 deg.  Measured, events add (deg): trunk lean -0.21, +0.20, +0.04, +0.08; knee at
    contact +0.71, +0.74, +4.06, +1.64; knee at midstance (the stance's peak) +0.00,
    +0.00, +0.00, +0.62 (side_good_form, side_compensations, before_side, after_side);
    landmark bias: trunk -0.01, -2.98, -3.01, -0.06, knee at contact -2.21, +11.15, +6.23,
    +1.37, knee at midstance +0.42, +7.47, -10.91, +0.84 (before_side's far leg reads the knee at
    midstance about 15 deg low and the trunk about 4 deg low, and 5 of its 9 valid
    strides are far-leg ones).  ``pytest -s`` prints the table."""
    got, at_true, _ = bias_split[name][metric]
    assert got == pytest.approx(at_true, abs=2.0)


@pytest.mark.parametrize("name", REAR_CLIPS)
@pytest.mark.parametrize("metric", REAR_BIAS_METRICS)
def test_rear_metrics_within_the_landmark_bias_plus_two_degrees(
    bias_split: dict, name: str, metric: str
) -> None:
    """The same check from behind (the issue's pelvic drop, with the frontal trunk lean
    and knee FPPA).  Measured, events add (deg; rear_good_form, rear_compensations):
    pelvic drop -0.00, -1.68; lateral lean +0.01, -0.06; knee FPPA -0.24, +1.16.  The
    landmark bias is the large part: pelvic drop -1.74, -11.49, knee FPPA -4.28, -10.06
    (the pose model does not follow the drawn pelvis and knees; see the xfail below),
    lateral lean -0.53, -0.01."""
    got, at_true, _ = bias_split[name][metric]
    assert got == pytest.approx(at_true, abs=2.0)


# ------------------------------------------------------------------ rear-view clips


@pytest.fixture(scope="module")
def rear_results() -> dict:
    """The two rendered rear clips analysed once (landmarks cached), with their truth."""
    return _sample_results(REAR_CLIPS)


def _event_errors_ms(result, truth: dict, kind: str) -> tuple[np.ndarray, int]:  # type: ignore[no-untyped-def]
    """:func:`gait.synth.detect.event_errors_ms` of an analysis of a whole clip."""
    from gait.synth.detect import event_errors_ms

    return event_errors_ms(result.events, truth, kind, result.pose.n_frames / result.pose.fps)


@pytest.mark.parametrize("name", REAR_CLIPS)
def test_rear_clip_events_match_the_truth(rear_results: dict, name: str) -> None:
    """Rear-view events (which foot is lower in the image; leg-length peak at TO) through
    MediaPipe, 30 fps: every event within 2 frames (67 ms) of the truth, mean absolute
    error under 35 ms, none missed or extra.  Measured (good form / compensations):
    IC mean |err| 11 / 26 ms (max 18 / 47), MS 8 / 27 (19 / 46), TO 21 / 32 (47 / 49).
    The foot-height rule used before read contacts 70 ms early and 60 ms late on the
    compensations clip (feet down together: "walking")."""
    result, truth = rear_results[name]
    assert result.view.kind == "rear"
    for kind in ("ic", "ms", "to"):
        err, unmatched = _event_errors_ms(result, truth, kind)
        assert unmatched == 0, (kind, unmatched)
        assert err.size >= 10, kind
        assert np.max(np.abs(err)) < 67.0, (kind, err)
        assert np.mean(np.abs(err)) < 35.0, (kind, err)


@pytest.mark.parametrize("name", REAR_CLIPS)
def test_rear_clip_is_running_with_enough_strides(rear_results: dict, name: str) -> None:
    """Both rear clips are running (no 'walking' warning) with at least 7 valid strides
    (measured 12 and 10 of 14 and 13); every frontal metric is
    measured on all of them."""
    result, _ = rear_results[name]
    assert result.gait.running, result.gait.warning
    assert not any("walking" in w for w in result.warnings)
    assert int(result.strides["valid"].sum()) >= 7
    summary = result.summary.set_index("metric")
    for metric in ("pelvic_drop_deg", "knee_valgus_deg", "step_width_pct_leg"):
        assert summary.loc[metric, "n_strides"] >= 7, metric


@pytest.mark.parametrize("name", REAR_CLIPS)
def test_rear_clip_cadence_and_lateral_lean_match_the_truth(rear_results: dict, name: str) -> None:
    """Cadence within 1 spm and lateral trunk lean within 1 deg of the truth as seen
    through the camera (measured 175.9 / 158.3 spm vs 176 / 158; lean -0.61 / 4.99 vs
    -0.09 / 5.06 deg)."""
    result, truth = rear_results[name]
    image = truth["metrics_image"]
    assert result.metric("cadence_spm") == pytest.approx(image["cadence_spm"]["overall"], abs=1.0)
    lean = image["lateral_trunk_lean_deg"]["overall"]
    assert result.metric("lateral_trunk_lean_deg") == pytest.approx(lean, abs=1.0)


def test_rear_good_form_step_width_matches_the_truth(rear_results: dict) -> None:
    """Step width between the feet within 2 % leg of the truth on the good-form clip
    (measured 9.0 vs 8.9 % leg; 9.4 while the leg length averaged the swing leg in).  On
    the compensations clip (a crossover, -3.2 % leg) the pose model keeps the ankles
    apart: it reads +3.7 (see the xfail below)."""
    result, truth = rear_results["rear_good_form"]
    want = truth["metrics_image"]["step_width_pct_leg"]["overall"]
    assert result.metric("step_width_pct_leg") == pytest.approx(want, abs=2.0)


@pytest.mark.xfail(
    strict=True,
    reason="MediaPipe's hip, knee and ankle landmarks on the rendered rear figure do not "
    "follow its pelvic tilt, knee valgus or crossover (with the TRUE event times the "
    "compensations clip reads pelvic drop -1.5 vs 10.0 deg, knee FPPA 1.8 vs 11.9 deg, "
    "step width 4.4 vs -3.2 % leg; the detected hip-line tilt correlates -0.38 with the "
    "true one frame by frame): a landmark limit, not an event one, and not the "
    "resolution: the good-form rear runner rendered with 3 and 12 deg of pelvic drop reads "
    "1.7 and 3.0 deg at 640x360 from 4 m, -0.1 and 1.9 deg at 1280x720 from 3 m, though "
    "the waistband's tilt is plain to see in the frames; nor the drawing: shorts fixed to "
    "the pelvis with hips, buttocks, a seam and a waistband stripe raise that 3-vs-12 "
    "difference from 1.1 to 2.1 deg (3 palettes), and in a single-frame sweep the "
    "detected hip line turns 0.11-0.19 deg per degree of drawn pelvic tilt (a +/-30 deg "
    "drawn pelvis reads about +/-3; full and heavy models, VIDEO and IMAGE mode alike); "
    "on rear_compensations the hip line follows the knees (r = 0.75 with the true "
    "knee-line tilt)",
)
@pytest.mark.parametrize("metric", ["pelvic_drop_deg", "knee_valgus_deg", "step_width_pct_leg"])
def test_rear_compensations_frontal_metrics_match_the_truth(
    rear_results: dict, metric: str
) -> None:
    result, truth = rear_results["rear_compensations"]
    want = truth["metrics_image"][metric]["overall"]
    assert result.metric(metric) == pytest.approx(want, abs=3.0)


def test_the_rear_caveats_still_hold(rear_results: dict) -> None:
    """The caveats shown with the frontal metrics (``MetricSpec.caveat``: the pose model
    under-reads pelvic drop, knee valgus and a crossover) are measurements, kept true
    here: on rear_compensations pelvic drop reads -3.2 vs 10.0 deg, knee FPPA 3.0 vs
    11.9 deg and step width +3.9 vs -3.2 % leg.  Should a pose model follow them, this
    fails and the caveats (and their confidence caps) go."""
    from gait.metrics import METRICS

    result, truth = rear_results["rear_compensations"]
    image = truth["metrics_image"]
    for name in ("pelvic_drop_deg", "knee_valgus_deg"):
        assert image[name]["overall"] - result.metric(name) > 6.0, name
        assert METRICS[name].caveat and METRICS[name].max_confidence < 0.5
    width = "step_width_pct_leg"
    assert result.metric(width) - image[width]["overall"] > 4.0
    assert METRICS[width].caveat and METRICS[width].max_confidence <= 0.6
