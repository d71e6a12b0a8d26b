"""Timing sanity: duplicated and frozen frames, slowed and sped-up footage."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from core_helpers import played_at_30, retime, synth

from gait.analysis import analyze_pose
from gait.metrics import METRICS
from gait.posedata import LANDMARK_INDEX
from gait.timing import (
    check_speed,
    find_repeated_frames,
    leg_rhythm_spm,
    likely_factor,
    rhythm_cadence_spm,
    speed_changes,
)


def test_normal_clip_is_plausible() -> None:
    pose, _ = synth(fps=30.0, duration_s=5.0)
    res = analyze_pose(pose)
    assert res.repeats.factor == 1 and res.repeats.fraction == 0.0
    assert res.speed.plausible and res.speed.factor == 1.0
    assert not any("slow" in w or "repeat" in w for w in res.warnings)


def test_every_frame_doubled_is_flagged_with_factor_two() -> None:
    pose, _ = synth(fps=30.0, duration_s=5.0)
    doubled = retime(pose, 60.0, repeat=2)  # 60 fps file, each frame shown twice
    rep = find_repeated_frames(doubled)
    assert rep.factor == 2 and rep.fraction == pytest.approx(0.5, abs=0.01)
    res = analyze_pose(doubled)
    assert any("duplicated-frame factor 2" in w and "--slowmo 2" in w for w in res.warnings)
    assert res.to_dict()["timing"]["duplicate_factor"] == 2
    # real time is unchanged, so cadence is still reported (from the distinct frames)
    assert res.metric("cadence_spm") == pytest.approx(170.0, rel=0.05)


@pytest.mark.parametrize("repeat", [3, 4])
@pytest.mark.parametrize("view", ["side_right", "rear"])
def test_every_frame_shown_three_or_four_times_is_still_analysed(view: str, repeat: int) -> None:
    """A 30-fps clip exported at 90 or 120 fps by repeating each frame.  The repeats are
    masked and filled in; a filled run of two frames or more voided the events next to
    it, so with 3 or 4 copies every event was 'inside a landmark gap': no valid step,
    nothing measured.  The copies are no gap (the motion is sampled at 30 fps
    throughout): now 14-15 valid strides and the cadence within 0.2 spm."""
    pose, _ = synth(fps=30.0, duration_s=6.0, cadence_spm=170.0, view=view, noise_px=1.0, seed=3)
    res = analyze_pose(retime(pose, 30.0 * repeat, repeat=repeat))
    assert res.repeats.factor == repeat
    assert any(f"duplicated-frame factor {repeat}" in w for w in res.warnings)
    assert int(res.strides["valid"].sum()) >= 12
    assert res.metric("cadence_spm") == pytest.approx(170.0, abs=0.5)


def test_a_frozen_second_is_not_a_change_of_playback_speed() -> None:
    """A second of frozen frames mid-clip is ignored, with its warning - and is not a
    stretch 'played 2x slower' (the filled-in ankle signal is flat there: the windows of
    the speed-change search that are more than 10 % missing are skipped)."""
    for fps in (30.0, 60.0):
        pose, _ = synth(fps=fps, duration_s=6.0, cadence_spm=170.0, noise_px=1.0, seed=3)
        image = pose.image_px.copy()
        image[int(2 * fps) : int(3 * fps)] = image[int(2 * fps)]
        res = analyze_pose(dataclasses.replace(pose, image_px=image))
        assert any("the video freezes" in w for w in res.warnings)
        assert not any("changes partway" in w for w in res.warnings), fps
        assert res.metric("cadence_spm") == pytest.approx(170.0, abs=1.0)


def test_slowed_three_times_is_flagged_and_cadence_withheld() -> None:
    pose, _ = synth(fps=90.0, duration_s=4.0)
    slowed = retime(pose, 30.0)  # 90 fps capture played at 30 fps: 3x slow motion
    res = analyze_pose(slowed)
    assert res.speed.factor == 3.0 and not res.speed.plausible
    assert any("slowed down about 3x" in w and "--slowmo 3" in w for w in res.warnings)
    doc = res.to_dict()
    for name in ("cadence_spm", "contact_time_ms", "duty_factor_pct"):
        assert "--slowmo 3" in doc["metrics"][name]["not_measurable"]
    # angles do not depend on time: still measured
    assert doc["metrics"]["knee_flexion_midstance_deg"]["value"] == pytest.approx(42.2, abs=1.0)
    assert doc["timing"]["slowmo_factor"] == 3.0


def test_sped_up_clip_is_flagged() -> None:
    pose, _ = synth(fps=60.0, duration_s=6.0)
    fast = retime(pose, 120.0)  # played twice as fast
    res = analyze_pose(fast)
    assert res.speed.factor == 0.5
    assert any("sped up" in w for w in res.warnings)


@pytest.mark.parametrize(
    ("view", "cadence", "capture_fps", "factor"),
    [
        ("side_right", 150.0, 240.0, 8.0),
        ("side_left", 190.0, 240.0, 8.0),
        ("rear", 150.0, 120.0, 4.0),
        ("rear", 190.0, 240.0, 8.0),
        ("side_right", 170.0, 120.0, 4.0),
    ],
)
def test_phone_slow_motion_is_flagged_with_its_factor(
    view: str, cadence: float, capture_fps: float, factor: float
) -> None:
    """A 120 or 240 fps phone capture played at 30 fps (4x, 8x slow motion).  Before the
    legs' rhythm was read, every 8x clip of a 126-clip sweep (side and rear, 150-190
    steps/min) was called walking - the event detector works in seconds, and 8x slower
    feet make long overlapping contacts - and a 4x runner at 150 steps/min read 2x.
    Now the clip is analysed as if slowed by the factor: its angles are exactly those of
    the real-time clip, its timing is withheld with the --slowmo hint."""
    pose, _ = synth(
        fps=capture_fps, duration_s=5.0, cadence_spm=cadence, view=view, noise_px=1.0, seed=1
    )
    clip = retime(pose, 30.0)
    res = analyze_pose(clip)
    assert res.gait is not None and res.gait.running
    assert res.speed.factor == factor and not res.speed.plausible
    # analysed as if retimed, as --slowmo would; the input as given is what is saved, so
    # that analysing it again finds it slowed again
    assert res.retimed_by == factor and res.pose.fps == pytest.approx(capture_fps)
    assert res.input_pose.fps == 30.0 and res.to_dict()["input"]["fps"] == 30.0
    np.testing.assert_allclose(res.input_pose.time_s, clip.time_s)
    assert analyze_pose(res.input_pose).speed.factor == factor
    assert res.speed.cadence_spm == pytest.approx(cadence / factor, rel=0.03)
    hint = f"--slowmo {factor:g}"
    assert any(f"slowed down about {factor:g}x" in w and hint in w for w in res.warnings)
    assert not any("walking" in w for w in res.warnings)
    doc = res.to_dict()
    timed = ("cadence_spm", "contact_time_ms", "duty_factor_pct")  # the last two: side only
    for name in timed if view.startswith("side") else timed[:1]:
        assert hint in doc["metrics"][name]["not_measurable"]
    assert doc["timing"]["slowmo_factor"] == factor
    real_time = analyze_pose(pose)
    angles = [name for name, spec in METRICS.items() if not spec.timing]
    got = np.array([res.metric(name) for name in angles])
    np.testing.assert_allclose(got, [real_time.metric(name) for name in angles], atol=1e-9)
    assert np.isfinite(got).sum() >= 4


@pytest.mark.parametrize(("view", "speedup"), [("rear", 2), ("rear", 3), ("side_right", 3)])
def test_sped_up_clips_are_flagged_with_their_factor(view: str, speedup: int) -> None:
    """Played 2 or 3 times too fast: a rear clip sped up 2x used to read as walking
    (cleaning and contacts, tuned in seconds, lose the feet's rise), one sped up 3x
    read 2x or walking."""
    pose, _ = synth(fps=60.0, duration_s=6.0, cadence_spm=190.0, view=view, noise_px=1.0, seed=1)
    res = analyze_pose(retime(pose, 60.0 * speedup))
    assert res.gait is not None and res.gait.running
    assert res.speed.factor == pytest.approx(1.0 / speedup)
    assert any(f"sped up about {speedup}x" in w for w in res.warnings)


def test_motion_capture_played_as_slow_motion() -> None:
    """Real running (Dorn et al. 2012, 250 Hz) played at 30 fps: 8.3x slow motion, read
    as the usual 8x (240 fps at 30); measured as if slowed 8x its angles are those of
    the motion capture at 250 Hz within 1 deg."""
    from mocap_helpers import mocap_pose

    pose = mocap_pose("side")
    res = analyze_pose(retime(pose, 30.0))
    assert res.gait is not None and res.gait.running
    assert res.speed.factor == 8.0
    real_time = analyze_pose(pose)
    for name in ("knee_flexion_midstance_deg", "trunk_lean_deg", "hip_extension_to_deg"):
        assert res.metric(name) == pytest.approx(real_time.metric(name), abs=1.0), name


def test_likely_factor_prefers_the_usual_slow_motion_rates() -> None:
    # 150 steps/min at 240 fps played at 30: 170 / 18.75 = 9.1, the capture says 8
    assert likely_factor(18.75, 30.0) == 8.0
    assert likely_factor(190.0 / 8, 29.97) == 8.0
    assert likely_factor(37.5, 30.0) == 4.0
    assert likely_factor(160.0 / 9.6, 25.0) == pytest.approx(9.6)  # 240 fps at 25
    # no usual rate fits a common cadence: the ratio to 170 steps/min, rounded
    assert likely_factor(170.0 / 3, 30.0) == 3.0
    assert likely_factor(50.0, 30.0) == 3.0  # 150 at 3x, or 200 at 4x: 3
    assert likely_factor(18.75, 31.25) == 9.0  # not a usual playback rate
    assert likely_factor(340.0, 30.0) == 0.5
    assert likely_factor(510.0) == pytest.approx(1 / 3)


def test_leg_rhythm_reads_the_stride_without_events() -> None:
    """The ankles' left-right difference swings once per stride in every view; the
    rhythm needs no time constant, so a clip's playback speed does not change what it
    finds (in clip time)."""
    for view in ("side_right", "rear", "front"):
        pose, _ = synth(fps=60.0, duration_s=6.0, cadence_spm=176.0, view=view, noise_px=1.0)
        for factor in (1.0, 8.0, 1 / 3):
            got = leg_rhythm_spm(pose.image_px[..., :2], pose.time_s * factor)
            assert got is not None
            cadence, share = got
            assert cadence * factor == pytest.approx(176.0, abs=1.0), (view, factor)
            assert share > 0.9
    # too few frames with both ankles: no reading
    pose, _ = synth(fps=30.0, duration_s=3.0)
    image = pose.image_px.copy()
    image[10:, :, :] = np.nan
    assert leg_rhythm_spm(image[..., :2], pose.time_s) is None


@pytest.mark.parametrize("view", ["side_right", "rear"])
@pytest.mark.parametrize(
    ("pieces", "slowed_s", "factor", "min_valid"),
    [
        ([(0.0, 6.0, 1.0), (6.0, 9.0, 2.0)], (6.0, 12.0), 2.0, 8),
        ([(0.0, 3.0, 2.0), (3.0, 9.0, 1.0)], (0.0, 6.0), 2.0, 8),
        ([(0.0, 8.0, 1.0), (8.0, 10.0, 3.0)], (8.0, 14.0), 3.0, 8),
        ([(0.0, 4.0, 1.0), (4.0, 8.0, 2.0)], (4.0, 12.0), 2.0, 5),
        ([(0.0, 4.0, 1.0), (4.0, 8.0, 4.0)], (4.0, 20.0), 4.0, 5),
        ([(0.0, 4.0, 0.5), (4.0, 10.0, 1.0)], (0.0, 2.0), 0.5, 6),
    ],
)
def test_a_clip_slowed_partway_says_where_and_leaves_that_part_out(
    view: str,
    pieces: list[tuple[float, float, float]],
    slowed_s: tuple[float, float],
    factor: float,
    min_valid: int,
) -> None:
    """Part of the clip plays slowed down (a slow-motion replay cut into a real-time
    clip).  Before: no word of it, and the first clip's cadence read 165.0 for a runner
    at 170 (its slowed strides were mostly rejected by the stride limits, but the
    whole-clip rhythm was pulled down).  Now the stretch is named (measured 5.3-12.0,
    0.0-5.6, 7.4-14.0 and 3.9-12.0 s), its strides are left out with the reason, and the
    cadence comes from the rest (170.0 +/- 0.1).  The last clip is mostly slowed (8 of its
    12 s): its running part, shorter than four of the slowed strides, was not found
    against them, and the clip read as slowed 2x all through, with no word of the change
    (re-run with ``--slowmo 2`` as advised: sped up 2x); from behind, once the running
    part was found, its contacts' cadence still took in the slowed stretch's (109
    steps/min) and called the clip slowed 1.5x.  The stretch slowed 4x was said to play
    3x slower: a window of four main strides holds one of its strides; its own rhythm
    names the factor now.  The last clip plays its first 4 s of real time 2x fast (2 s on
    screen): a stretch shorter than four main strides was not found, and from the side the
    far leg lost its trust to the strides there; windows of two main strides find a faster
    stretch now."""
    from gait.timing.playback import OTHER_SPEED_REASON

    capture = 30.0 * max(f for *_, f in pieces)
    duration = max(end for _, end, _ in pieces)
    pose, _ = synth(
        fps=capture, duration_s=duration, cadence_spm=170.0, view=view, noise_px=1.0, seed=1
    )
    res = analyze_pose(played_at_30(pose, pieces))
    assert res.speed.factor == 1.0
    said = [w for w in res.warnings if "the playback speed changes partway" in w]
    speed = f"{factor:g}x slower" if factor > 1 else f"{1 / factor:g}x faster"
    assert len(said) == 1 and f"plays about {speed}" in said[0]
    start, end = (float(x) for x in said[0].split(": ")[1].split(" s plays")[0].split("-"))
    assert abs(start - slowed_s[0]) < 1.0 and abs(end - slowed_s[1]) < 1.0
    st = res.strides
    assert (st["reason"] == OTHER_SPEED_REASON).sum() >= 2  # the 4x stretch: 2 (its strides fail
    # on their contact times first)
    valid = st[st["valid"].astype(bool)]
    assert len(valid) >= min_valid
    inside = (valid["next_ic_time_s"] > slowed_s[0] + 0.5) & (
        valid["ic_time_s"] < slowed_s[1] - 0.5
    )
    assert not inside.any()
    assert res.metric("cadence_spm") == pytest.approx(170.0, abs=1.0)


def test_the_pelvis_rhythm_skips_a_stretch_left_out() -> None:
    """The clip's cadence from the pelvis bounce, with a stretch of it left out (played at
    another speed): the pieces either side are taken one by one.  Bridged by a straight
    line under one window, 2 s of running either side of 8 s left out read 176 steps/min
    for a runner at 186 (``tests/test_timing.py``'s partway clips, from behind)."""
    fps, cadence = 30.0, 186.0
    t = np.arange(round(12.0 * fps)) / fps
    xy = np.full((t.size, 33, 2), np.nan)
    rng = np.random.default_rng(3)
    bounce = 400.0 + 6.0 * np.cos(2 * np.pi * cadence / 60.0 * t + 0.4)
    for name in ("left_hip", "right_hip"):
        xy[:, LANDMARK_INDEX[name], 0] = 300.0
        xy[:, LANDMARK_INDEX[name], 1] = bounce + rng.normal(0.0, 0.5, t.size)
    assert rhythm_cadence_spm(xy, t, guess_spm=180.0) == pytest.approx(cadence, abs=0.3)
    xy[(t >= 2.0) & (t < 10.0)] = np.nan
    assert rhythm_cadence_spm(xy, t, guess_spm=180.0) == pytest.approx(cadence, abs=1.0)


def test_speed_changes_finds_the_stretch_and_nothing_in_a_steady_clip() -> None:
    pose, _ = synth(fps=60.0, duration_s=9.0, cadence_spm=170.0, noise_px=1.0, seed=2)
    stride = 120.0 / 170.0
    assert speed_changes(pose.image_px[..., :2], pose.time_s, stride) == []
    clip = played_at_30(pose, [(0.0, 6.0, 1.0), (6.0, 9.0, 2.0)])
    (change,) = speed_changes(clip.image_px[..., :2], clip.time_s, stride)
    assert change.factor == 2.0
    assert abs(change.start_s - 6.0) < 1.0 and change.end_s == pytest.approx(12.0, abs=0.05)
    # too short a clip for two windows of four strides: no verdict
    assert speed_changes(clip.image_px[:150, :, :2], clip.time_s[:150], stride) == []


@pytest.mark.parametrize("view", ["side_right", "rear"])
def test_a_phone_slow_motion_export_with_real_time_ends(view: str) -> None:
    """A phone's slow-motion clip: real time for its first and last second, 8x slowed
    between (240 fps played at 30).  Read as 8x slow motion; the few real-time frames at
    the ends hold no valid stride; the angles are those of the runner within 1 deg
    (measured within 0.8)."""
    pose, _ = synth(fps=240.0, duration_s=6.0, cadence_spm=170.0, view=view, noise_px=1.0, seed=1)
    res = analyze_pose(played_at_30(pose, [(0.0, 1.0, 1.0), (1.0, 5.0, 8.0), (5.0, 6.0, 1.0)]))
    assert res.speed.factor == 8.0 and res.gait is not None and res.gait.running
    assert int(res.strides["valid"].sum()) >= 7
    real_time = analyze_pose(pose)
    names = ("knee_flexion_ic_deg", "trunk_lean_deg") if view != "rear" else ("pelvic_drop_deg",)
    for name in names:
        assert res.metric(name) == pytest.approx(real_time.metric(name), abs=1.0), name


def test_the_rhythm_peak_stays_inside_its_band() -> None:
    """The parabola through the log power of the peak and its neighbours refines the
    frequency by at most half a bin.  Unbounded, a peak at the band's lower edge with
    more power just below it (a drifting signal) moved it up to 16 bands' widths down,
    below zero: a negative cadence, and a crash (ZeroDivisionError) in likely_factor on
    a synthetic front-view clip."""
    from gait.timing.rhythm import _spectral_peak

    rng = np.random.default_rng(0)
    dt = 1 / 30
    for _ in range(300):
        m = int(rng.integers(40, 400))
        walk = rng.normal(0.0, 1.0, (m, 2)).cumsum(axis=0) * [rng.uniform(0.1, 5.0), 1.0]
        lo = 3 / (m * dt)
        got = _spectral_peak(walk, dt, lo_hz=lo, hi_hz=1 / (3 * dt))
        assert got is not None
        assert got[0] >= lo - 0.5 / (4 * m * dt) - 1e-12  # half a bin of the padded FFT
    assert likely_factor(-20.0, 30.0) == 1.0 and likely_factor(float("nan")) == 1.0


def test_frozen_start_is_flagged_and_ignored() -> None:
    pose, _ = synth(fps=30.0, duration_s=5.0)
    image = pose.image_px.copy()
    image[:15] = image[0]
    frozen = dataclasses.replace(pose, image_px=image)
    rep = find_repeated_frames(frozen)
    assert rep.frozen_start_s == pytest.approx(14 / 30)
    res = analyze_pose(frozen)
    assert any("frozen" in w for w in res.warnings)
    assert res.metric("cadence_spm") == pytest.approx(170.0, rel=0.01)


def test_walking_is_not_mistaken_for_slow_motion() -> None:
    # duty factor above 50 %: double support, so a low cadence is walking, not slow motion
    rows = []
    for k in range(8):
        rows += [("left", "ic", k * 1.1), ("left", "to", k * 1.1 + 0.7)]
        rows += [("right", "ic", k * 1.1 + 0.55), ("right", "to", k * 1.1 + 1.25)]
    ev = pd.DataFrame(rows, columns=["side", "kind", "time_s"])
    chk = check_speed(ev)
    assert chk.cadence_spm == pytest.approx(60 / 0.55)
    assert chk.duty_factor > 0.55 and chk.plausible and chk.warning is None
    assert np.isfinite(chk.factor)


def _stride_table(duty: float, offset: float, n: int = 8, stride_s: float = 1.1) -> pd.DataFrame:
    """Alternating contacts: duty factor ``duty``, right contacts ``offset`` strides later."""
    rows = []
    for side, shift in (("left", 0.0), ("right", offset * stride_s)):
        ic = shift + stride_s * np.arange(n)
        rows.append(
            pd.DataFrame(
                {
                    "side": side,
                    "ic_time_s": ic,
                    "to_time_s": ic + duty * stride_s,
                    "next_ic_time_s": np.append(ic[1:], np.nan),
                }
            )
        )
    return pd.concat(rows, ignore_index=True).sort_values("ic_time_s")


def test_walking_and_standing_are_not_running() -> None:
    from gait.timing import check_gait

    run = check_gait(_stride_table(0.35, 0.5))
    assert run.running and run.warning is None and run.both_down == 0.0
    walk = check_gait(_stride_table(0.62, 0.5))  # double support twice per stride
    assert not walk.running and walk.duty_factor == pytest.approx(0.62)
    assert walk.warning is not None and "walking" in walk.warning and "62 %" in walk.warning
    # feet landing together (hopping / standing): duty below 50 % but both feet down
    hop = check_gait(_stride_table(0.35, 0.02))
    assert not hop.running and hop.both_down == 1.0
    # a far foot that cannot be tracked: only the near foot's duty factor counts
    assert check_gait(_stride_table(0.35, 0.02), far_side_usable=False).running
    # too few contacts: no verdict
    assert check_gait(_stride_table(0.62, 0.5, n=2)).running


def test_contacts_next_to_missing_landmarks_give_no_verdict() -> None:
    """Contacts timed next to missing or filled landmarks (the pose data starting in the
    middle of a contact) are left out of the gait and speed checks."""
    from gait.events import LANDMARK_GAP_REASONS
    from gait.timing import check_gait, check_speed

    hop = _stride_table(0.35, 0.02)  # both feet down together: not running
    hop["reason"] = ""
    assert not check_gait(hop).running
    hop["reason"] = LANDMARK_GAP_REASONS[0]
    assert check_gait(hop).running and check_gait(hop).n_steps == 0
    # a fast rhythm of two steps is no verdict on the footage's speed; six are
    rows = [("left" if k % 2 == 0 else "right", "ic", 0.15 * k, "") for k in range(3)]
    rows += [(side, "to", t + 0.05, r) for side, _, t, r in rows]
    few = pd.DataFrame(rows, columns=["side", "kind", "time_s", "reason"])
    assert check_speed(few).plausible and check_speed(few).warning is None
    rows = [("left" if k % 2 == 0 else "right", "ic", 0.15 * k, "") for k in range(7)]
    rows += [(side, "to", t + 0.05, r) for side, _, t, r in rows]
    many = pd.DataFrame(rows, columns=["side", "kind", "time_s", "reason"])
    assert not check_speed(many).plausible
    many["reason"] = LANDMARK_GAP_REASONS[0]
    assert check_speed(many).plausible


def test_contacts_left_out_of_the_rhythm_are_not_bridged() -> None:
    """A real-time runner (170 steps/min, 220-ms contacts) whose contacts 1, 2, 5, 6, 9,
    10 ... are timed next to landmark gaps: with them dropped from the sequence, their
    neighbours 0 and 3 are a left and a right contact three steps apart, the median
    step read two steps - 85 steps/min, "slowed about 2x" - and every stride was
    rejected (the noisy synthetic runner with the running stance and push-off, seed 8 at
    120 fps).  Steps are taken between neighbouring contacts only; a toe-off inside a gap
    leaves its contact's IC in the rhythm."""
    from gait.events import LANDMARK_GAP_REASONS

    step, rows = 60.0 / 170.0, []
    for k in range(16):
        side, reason = ("left", "right")[k % 2], LANDMARK_GAP_REASONS[1] if k % 4 in (1, 2) else ""
        for kind, t in (("ic", k * step), ("to", k * step + 0.22)):
            rows.append((side, kind, t, k // 2, reason))
    ev = pd.DataFrame(rows, columns=["side", "kind", "time_s", "contact", "reason"])
    chk = check_speed(ev, fps=120.0)
    assert chk.plausible and chk.warning is None
    assert chk.cadence_spm == pytest.approx(170.0)
    assert np.isnan(chk.duty_factor)  # no foot has two neighbouring contacts left in
    # toe-offs inside gaps: the ICs still time the steps, the contact times are left out
    ev["reason"] = np.where(ev["contact"] % 2 == 0, LANDMARK_GAP_REASONS[2], "")
    chk = check_speed(ev, fps=120.0)
    assert chk.cadence_spm == pytest.approx(170.0)
    assert chk.duty_factor == pytest.approx(0.22 / (2 * step))


def test_a_jump_to_another_person_is_found() -> None:
    from gait.timing import find_person_switches

    pose, _ = synth(fps=30.0, duration_s=3.0)
    assert find_person_switches(pose).size == 0
    image = pose.image_px.copy()
    image[50:, :, 0] += 0.5 * pose.width  # someone else, half the image away
    image[40:45] = np.nan  # across a short gap
    moved = dataclasses.replace(pose, image_px=image)
    np.testing.assert_array_equal(find_person_switches(moved), [50])


def test_a_runner_crossing_the_picture_quickly_is_not_called_sped_up() -> None:
    """An exact overground runner in the picture for 1.4 s of a 4-s clip (close camera,
    narrow lens).  The legs' rhythm looks for 3 strides in the 1.4 s both ankles are
    seen, so its slowest rhythm is 263 steps/min: it read 270 and the clip was called sped
    up 2x, its cadence not reported.  No verdict from so short a stretch now; what is
    left is the one valid step, reported as too few."""
    pose, _ = synth(
        view="side_right",
        treadmill=False,
        fps=30.0,
        duration_s=4.0,
        camera_height_m=1.07,
        camera_distance_m=4.71,
        camera_hfov_deg=42.16,
        width_px=1280,
        height_px=720,
    )
    res = analyze_pose(pose)
    assert res.retimed_by == 1.0
    assert not any("sped up" in w or "too fast" in w for w in res.warnings), res.warnings
    assert any("only 1 valid step" in w for w in res.warnings), res.warnings
