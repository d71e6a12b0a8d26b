"""Cleaning: gating, swap repair, Hampel, gap filling, zero-lag low-pass."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from core_helpers import synth

from gait.clean import (
    clean_pose,
    effective_cutoff_hz,
    find_leg_swaps,
    gate_visibility,
    hampel,
    interpolate_gaps,
    interpolated_mask,
    lowpass,
    noise_px,
    residual_cutoff_hz,
)
from gait.errors import ConfigError
from gait.posedata import LANDMARK_INDEX


def test_gate_visibility_sets_missing_to_nan_never_zero() -> None:
    pose, _ = synth(fps=30.0, duration_s=1.0)
    vis = pose.visibility.copy()
    vis[5, LANDMARK_INDEX["left_knee"]] = 0.1
    gated = gate_visibility(dataclasses.replace(pose, visibility=vis), min_visibility=0.5)
    assert np.isnan(gated.image_px[5, LANDMARK_INDEX["left_knee"]]).all()
    assert np.isfinite(gated.image_px[5, LANDMARK_INDEX["right_knee"]]).all()
    assert not (gated.image_px == 0).any()


def test_hampel_removes_spike_and_keeps_smooth_signal() -> None:
    t = np.arange(300) / 60
    x = 50 * np.sin(2 * np.pi * 1.4 * t)
    spiked = x.copy()
    spiked[100] += 40.0
    out, mask = hampel(spiked[:, None], window=7, n_sigmas=3.0, min_deviation=5.0)
    assert mask[100, 0] and mask.sum() == 1
    assert np.isnan(out[100, 0])
    _, clean_mask = hampel(x[:, None], window=7, n_sigmas=3.0, min_deviation=5.0)
    assert not clean_mask.any()


def test_hampel_rejects_a_spike_next_to_a_gap() -> None:
    t = np.arange(300) / 60
    x = 50 * np.sin(2 * np.pi * 1.4 * t)
    spiked = x.copy()
    spiked[100] = 500.0  # a mis-detection ...
    spiked[101:104] = np.nan  # ... followed by a gap (and one before it)
    spiked[98] = np.nan
    out, mask = hampel(spiked[:, None], window=7, n_sigmas=3.0, min_deviation=5.0)
    assert mask[100, 0] and mask.sum() == 1
    np.testing.assert_array_equal(np.isnan(out[:, 0]), np.isnan(spiked) | mask[:, 0])
    # the same spike with its gap filled by copies of it (the old gap handling) hides it
    filled = spiked.copy()
    filled[101:104] = 500.0
    filled[98] = filled[97]
    _, mask = hampel(filled[:, None], window=7, n_sigmas=3.0, min_deviation=5.0)
    assert not mask[100, 0]


def test_interpolate_gaps_fills_short_gaps_in_time_only() -> None:
    t = np.cumsum(np.r_[0.0, np.full(99, 1 / 30)])
    t[50:] += 0.01  # non-uniform sampling: interpolation must follow time, not index
    x = 3.0 * t + 1.0
    y = x.copy()
    y[10:16] = np.nan  # 0.2 s gap: filled
    y[40:60] = np.nan  # 0.67 s gap: left missing
    y[:2] = np.nan  # edge: left missing
    out = interpolate_gaps(y[:, None], t, max_gap_s=0.3)[:, 0]
    np.testing.assert_allclose(out[10:16], x[10:16], atol=1e-12)
    assert np.isnan(out[40:60]).all() and np.isnan(out[:2]).all()


def test_lowpass_is_zero_lag_and_respects_segments() -> None:
    fps = 60.0
    t = np.arange(600) / fps
    slow = np.sin(2 * np.pi * 2.0 * t)
    fast = 0.5 * np.sin(2 * np.pi * 20.0 * t)
    x = np.stack([slow + fast, slow + fast], axis=1)
    x[200:210, 1] = np.nan
    y = lowpass(x, fps, cutoff_hz=6.0)
    core = slice(60, 540)
    # the 2 Hz component passes without lag, the 20 Hz one is removed
    np.testing.assert_allclose(y[core, 0], slow[core], atol=0.02)
    assert np.isnan(y[200:210, 1]).all()
    np.testing.assert_allclose(y[300:500, 1], slow[300:500], atol=0.02)


def test_cutoff_is_kept_below_nyquist() -> None:
    assert effective_cutoff_hz(50.0, 30.0) == pytest.approx(12.0)
    assert effective_cutoff_hz(6.0, 30.0) == 6.0
    with pytest.raises(ConfigError):
        effective_cutoff_hz(-1.0, 30.0)
    x = np.random.default_rng(0).normal(size=(200, 2))
    assert np.isfinite(lowpass(x, 30.0, cutoff_hz=100.0)).all()


def test_leg_swaps_are_found_and_repaired() -> None:
    pose, truth = synth(fps=60.0, duration_s=4.0, n_leg_swaps=4, seed=3)
    swapped = np.asarray(truth["corruption"]["swap_frames"])
    assert swapped.size > 0
    found = find_leg_swaps(pose.image_px[:, :, :2], pose.fps)
    assert set(np.flatnonzero(found)) >= set(swapped) - {0}
    cleaned = clean_pose(pose, cutoff_hz=None)
    true = truth["frames"]["image_px"]
    knee = LANDMARK_INDEX["left_knee"]
    err = np.abs(cleaned.image_px[swapped, knee, :2] - true[swapped, knee, :2])
    assert np.nanmax(err) < 1.0


def _collapse(xy: np.ndarray, frame: int) -> np.ndarray:
    """A copy with both legs' knee, ankle, heel and toe pulled 90 % of the way to their
    midpoint on ``frame`` (a pose model's both-feet-in-the-middle miss)."""
    from gait.clean.swaps import _leg_indices

    left, right = _leg_indices()
    out = xy.copy()
    mid = 0.5 * (out[frame, left[1:]] + out[frame, right[1:]])
    out[frame, left[1:]] = mid + 0.1 * (out[frame, left[1:]] - mid)
    out[frame, right[1:]] = mid + 0.1 * (out[frame, right[1:]] - mid)
    return out


def test_one_collapsed_frame_does_not_swap_other_frames() -> None:
    """A frame with both feet pulled to the middle looks like the middle of a crossing;
    with the acceleration uncapped and every frame compared, the repair swapped other
    frames next to it in 68 of these 120 cases (up to 17 frames, to the clip's start or
    end); now in none."""
    from gait.clean.swaps import _leg_indices

    left, right = _leg_indices()
    bad = total = 0
    for fps in (30.0, 60.0):
        for seed in range(3):
            pose, _ = synth(fps=fps, duration_s=4.0, noise_px=1.0, seed=seed)
            xy = pose.image_px[..., :2]
            apart = np.linalg.norm(xy[:, left[3]] - xy[:, right[3]], axis=1)
            for f in range(10, xy.shape[0] - 10, 7):
                if apart[f] < 40:  # feet apart (leg about 100 px)
                    continue
                swapped = find_leg_swaps(_collapse(xy, f), fps)
                swapped[f] = False  # the collapsed frame itself may go either way
                bad += int(swapped.any())
                total += 1
    assert total == 120
    assert bad == 0, bad


@pytest.mark.parametrize("fps", [30.0, 60.0, 120.0])
def test_swaps_reaching_the_clip_edge_are_repaired(fps: float) -> None:
    """A swap that starts before the clip (or ends after it) shows one jump only; it is
    still repaired wherever the feet are apart (>= 0.3 leg), for 2-4 swapped frames at
    every start over a second of running (all of 438 cases at 30/60/120 fps)."""
    from gait.clean.swaps import _leg_indices, _swap_permutation

    left, right = _leg_indices()
    perm = _swap_permutation(33)
    pose, _ = synth(fps=fps, duration_s=4.0, noise_px=1.0, seed=1)
    full = pose.image_px[..., :2]
    leg = np.median(np.linalg.norm(full[:, left[0]] - full[:, left[2]], axis=-1))
    n_cases = 0
    for cut in range(0, int(fps), max(1, int(fps / 30))):
        for k in (2, 3, 4):
            for at_end in (False, True):
                xy = full[: full.shape[0] - cut].copy() if at_end else full[cut:].copy()
                run = np.arange(xy.shape[0] - k, xy.shape[0]) if at_end else np.arange(k)
                gap = np.linalg.norm(xy[run][:, left[3]] - xy[run][:, right[3]], axis=-1)
                if gap.min() < 0.3 * leg:
                    continue
                xy[run] = xy[run][:, perm]
                want = np.zeros(xy.shape[0], dtype=bool)
                want[run] = True
                np.testing.assert_array_equal(find_leg_swaps(xy, fps), want)
                n_cases += 1
    assert n_cases >= 100


def _swap_objective(swapped: np.ndarray, cost: np.ndarray, prior: float, switch: float) -> float:
    """find_leg_swaps' objective for one labelling (the Viterbi's known answer)."""
    change = swapped[1:] != swapped[:-1]
    kind = 2 * change[:-1] + change[1:]  # (t-2 -> t-1, t-1 -> t): 00 same, 01, 11, 10
    row = np.array([0, 1, 3, 2])[kind]  # rows: same, one, both, back_only
    total = cost[row, np.arange(cost.shape[1])].sum()
    return float(total + prior * swapped.sum() + switch * change.sum())


def test_viterbi_swaps_is_the_exact_minimiser() -> None:
    from itertools import product

    from gait.clean.swaps import _viterbi_swaps

    rng = np.random.default_rng(7)
    prior, switch = 0.05, 0.1
    for m in (1, 2, 5, 9):
        for _ in range(20):
            cost = rng.exponential(0.2, size=(4, m))
            cost[0] *= rng.uniform(0.0, 2.0)  # sometimes swapping is cheaper
            labels = [np.array(lab, dtype=bool) for lab in product((0, 1), repeat=m + 2)]
            values = np.array([_swap_objective(lab, cost, prior, switch) for lab in labels])
            found = _viterbi_swaps(cost, prior, switch)
            # labellings mirrored in time with as many swapped frames tie: compare costs
            best = _swap_objective(found, cost, prior, switch)
            assert best == pytest.approx(values.min(), rel=1e-12, abs=1e-12)
    # all-missing frames cost nothing: the tie keeps the model's labels
    assert not _viterbi_swaps(np.zeros((4, 50)), prior, switch).any()


def test_surely_kept_frames_are_unswapped_in_every_minimiser() -> None:
    from itertools import product

    from gait.clean.swaps import _surely_kept

    rng = np.random.default_rng(11)
    prior, switch = 0.05, 0.1
    n_kept = 0
    for m in (1, 3, 6, 10):
        labels = np.array(list(product((0, 1), repeat=m + 2)), dtype=bool)
        for _ in range(30):
            cost = rng.exponential(0.2, size=(4, m))
            cost[1:] += rng.uniform(0.0, 1.0) * (rng.random(m) < 0.5)  # clear frames
            cost[0] *= rng.uniform(0.0, 2.0)
            values = np.array([_swap_objective(lab, cost, prior, switch) for lab in labels])
            optimal = labels[values <= values.min() + 1e-12]
            kept = _surely_kept(cost, prior, switch)
            assert not optimal[:, kept].any()
            n_kept += int(kept.sum())
    assert n_kept > 100  # the bound does certify frames


def test_viterbi_swaps_by_stretches_equals_one_pass() -> None:
    from gait.clean.swaps import _surely_kept, _viterbi_path, _viterbi_swaps

    rng = np.random.default_rng(5)
    n_free = n_total = 0
    for trial in range(300):
        m = int(rng.integers(1, 400))
        cost = rng.exponential(0.2, size=(4, m))
        # clear stretches (swapping costs a jump) around ambiguous ones
        cost[1:] += rng.uniform(0.0, 3.0) * (rng.random(m) < 0.8)
        cost[0] *= rng.uniform(0.0, 1.5, m) if trial % 2 else rng.uniform(0.0, 2.0)
        prior, switch = ((0.05, 0.1), (0.1, 0.1), (0.01, 0.3))[trial % 3]
        one_pass = _viterbi_path(cost, prior, switch, start_kept=False, end_kept=False)
        np.testing.assert_array_equal(_viterbi_swaps(cost, prior, switch), one_pass)
        n_free += int((~_surely_kept(cost, prior, switch)).sum())
        n_total += m + 2
    assert 0.05 < n_free / n_total < 0.95  # both paths exercised


def test_clean_pose_leaves_exact_landmarks_alone() -> None:
    pose, _ = synth(fps=30.0, duration_s=3.0)
    cleaned = clean_pose(pose)
    rec = cleaned.settings["cleaning"]
    assert rec["n_outliers"] == 0 and rec["n_swapped_frames"] == 0
    assert rec["cutoff_hz"] is None  # noise-free: no filtering
    np.testing.assert_allclose(cleaned.image_px[..., :2], pose.image_px[..., :2])


@pytest.mark.parametrize("fps", [20.0, 24.0, 25.0])
@pytest.mark.parametrize("strike", ["rearfoot", "forefoot"])
def test_exact_landmarks_at_low_frame_rates_keep_every_sample(fps: float, strike: str) -> None:
    """At 24 and 25 fps (cinema, PAL) the Hampel filter's fixed floor of 0.08 leg took
    real samples for outliers: a foot landing strays from its 5-sample running median by
    about what it covers in a frame (0.09-0.10 leg here at 24-25 fps, 0.13 at 20).  The
    exact runner lost 7-43 samples at 24-25 fps (113-142 at 20), and at 24 fps the
    forefoot runner 3 of its 14 strides ("toe-off inside a landmark gap"); below 30 fps
    the floor now grows with the square of the frame interval
    (``gait.clean.pipeline.HAMPEL_REFERENCE_FPS``).  A spike of half a leg is still
    rejected.  (Over the 82 random runners of ``benchmarks/exact_sweep.py`` at 24 / 25
    fps: runners with a sample rejected 54 / 49 -> 8 / 8, valid strides 755 / 784 ->
    864 / 889 of about 1120; 30 fps unchanged, 14 runners, 890 strides.)"""
    pose, _ = synth(fps=fps, duration_s=6.0, foot_strike=strike)
    rec = clean_pose(pose).settings["cleaning"]
    assert rec["n_outliers"] == 0
    from gait.analysis import analyze_pose

    assert int(analyze_pose(pose).strides["valid"].sum()) == 14
    image = pose.image_px.copy()
    hip, ankle = LANDMARK_INDEX["right_hip"], LANDMARK_INDEX["right_ankle"]
    leg = np.nanmedian(np.linalg.norm(image[:, hip, :2] - image[:, ankle, :2], axis=1))
    image[60, hip, 0] += 0.5 * leg  # (the count is of x samples)
    spiked = clean_pose(dataclasses.replace(pose, image_px=image)).settings["cleaning"]
    assert spiked["n_outliers"] == 1


def test_clean_pose_records_which_samples_it_filled() -> None:
    """A 3-frame gap of the left heel is filled in x and y; a spike in the left knee's x
    alone is rejected and filled in x only; a gap longer than max_gap_s stays missing and
    is not reported; nothing else is marked."""
    pose, _ = synth(fps=30.0, duration_s=2.0)
    image = pose.image_px.copy()
    heel, knee, toe = (LANDMARK_INDEX[n] for n in ("left_heel", "left_knee", "right_foot_index"))
    image[10:13, heel] = np.nan
    image[30, knee, 0] += 200.0
    image[40:55, toe] = np.nan  # 0.5 s
    cleaned = clean_pose(dataclasses.replace(pose, image_px=image), cutoff_hz=None)
    mask = interpolated_mask(cleaned)
    assert mask.shape == (pose.n_frames, 33, 2)
    want = np.zeros_like(mask)
    want[10:13, heel] = True
    want[30, knee, 0] = True
    np.testing.assert_array_equal(mask, want)
    assert cleaned.settings["cleaning"]["interpolated_runs"] == {
        "left_heel.x": [[10, 13]],
        "left_heel.y": [[10, 13]],
        "left_knee.x": [[30, 31]],
    }
    assert np.isnan(cleaned.image_px[40:55, toe]).all()
    assert not interpolated_mask(pose).any()  # not cleaned: nothing filled


def test_noise_estimate_and_auto_cutoff_follow_the_jitter() -> None:
    pose, _ = synth(fps=60.0, duration_s=4.0, noise_px=1.5)
    torso = [
        LANDMARK_INDEX[n] for n in ("left_shoulder", "right_shoulder", "left_hip", "right_hip")
    ]
    assert noise_px(pose.image_px[:, torso, :2]) == pytest.approx(1.5, rel=0.3)
    cut = residual_cutoff_hz(pose.image_px[:, torso, :2], pose.fps)
    assert cut is not None and 6.0 <= cut <= 24.0
    exact, _ = synth(fps=60.0, duration_s=4.0)
    assert noise_px(exact.image_px[:, torso, :2]) < 0.05


def test_a_dropout_of_the_whole_pose_leaves_the_noisy_clip_filtered() -> None:
    """Residual analysis skipped every column with a gap in it: a noisy 30-fps clip that
    lost the runner for 0.3 s (9 frames, longer than cleaning fills) had no column left,
    no cut-off, and its angles went unfiltered - knee at midstance 43.3 deg against 42.2
    on the same clip without the gap (truth 42.2).  Comparing two noisy takes of one
    random runner, one with such a gap (unfiltered, 38.5 deg) and one without (34.5),
    ``compare`` called the knee at midstance a real change.  The stretches either side
    of the gap now give the cut-off (that take: 35.5, truth 36.8)."""
    pose, _ = synth(fps=30.0, duration_s=8.0, noise_px=1.0, seed=4)
    image, vis, pres = pose.image_px.copy(), pose.visibility.copy(), pose.presence.copy()
    image[120:129], vis[120:129], pres[120:129] = np.nan, 0.0, 0.0
    gap = dataclasses.replace(pose, image_px=image, visibility=vis, presence=pres)
    torso = [LANDMARK_INDEX[n] for n in ("left_shoulder", "right_shoulder", "left_hip")]
    assert residual_cutoff_hz(gap.image_px[:, torso, :2], gap.fps) == residual_cutoff_hz(
        pose.image_px[:, torso, :2], pose.fps
    )
    from gait.analysis import analyze_pose

    a, b = analyze_pose(pose), analyze_pose(gap)
    assert b.cleaned.settings["angle_cutoff_hz"] == a.cleaned.settings["angle_cutoff_hz"] == 6.0
    knee = "knee_flexion_midstance_deg"
    assert b.metric(knee) == pytest.approx(a.metric(knee), abs=0.5)


def test_auto_filtering_follows_the_jitter_per_second() -> None:
    """clean_pose's "auto" filters where the jitter per second of leg length reaches
    MIN_JITTER_LEG_S: the noisy runner (1 px at 120 fps: about 0.9 leg/s) is filtered,
    the exact one is not; the same jitter read per frame would call 0.1 px at 120 fps
    noise-free, though it is as much per second as 0.4 px at 30 fps."""
    from gait.clean import MIN_JITTER_LEG_S, jitter_leg_s

    noisy, _ = synth(fps=120.0, duration_s=3.0, noise_px=1.0)
    exact, _ = synth(fps=120.0, duration_s=3.0)
    assert clean_pose(noisy).settings["cleaning"]["cutoff_hz"] is not None
    assert clean_pose(exact).settings["cleaning"]["cutoff_hz"] is None
    assert jitter_leg_s(0.1, 120.0, 100.0) == pytest.approx(jitter_leg_s(0.4, 30.0, 100.0))
    assert jitter_leg_s(0.1, 120.0, 100.0) > MIN_JITTER_LEG_S > jitter_leg_s(0.02, 30.0, 100.0)
    assert jitter_leg_s(None, 120.0, 100.0) == jitter_leg_s(1.0, 120.0, 0.0) == 0.0


def test_all_missing_input_does_not_raise() -> None:
    pose, _ = synth(fps=30.0, duration_s=1.0)
    empty = dataclasses.replace(
        pose,
        image_px=np.full_like(pose.image_px, np.nan),
        visibility=np.zeros_like(pose.visibility),
    )
    cleaned = clean_pose(empty)
    assert np.isnan(cleaned.image_px).all()


def test_lowpass_does_not_depend_on_the_memory_layout() -> None:
    rng = np.random.default_rng(3)
    x = np.cumsum(rng.normal(size=(400, 6, 2)), axis=0)
    x[50:60, 2] = np.nan  # one gappy landmark, filtered segment by segment
    x[:5, 4, 0] = np.nan
    landmark_major = np.moveaxis(np.ascontiguousarray(np.moveaxis(x, 0, -1)), -1, 0)
    a = lowpass(x, 60.0, cutoff_hz=6.0)
    b = lowpass(landmark_major, 60.0, cutoff_hz=6.0)
    assert a.shape == x.shape
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(np.isnan(a), np.isnan(x))
    # each column on its own gives the same answer (channels do not mix)
    np.testing.assert_array_equal(a[:, 1, 0], lowpass(x[:, 1, 0], 60.0, cutoff_hz=6.0))
    # float32 input is filtered like scipy filtfilt filters it (its padding in float32)
    from scipy import signal

    f32 = x[:, 0].astype(np.float32)
    b_, a_ = signal.butter(4, 6.0, fs=60.0)
    ref = signal.filtfilt(b_, a_, np.ascontiguousarray(f32.T), axis=-1).T
    np.testing.assert_array_equal(lowpass(f32, 60.0, cutoff_hz=6.0), ref)


def test_clean_pose_returns_a_landmark_major_copy_and_leaves_the_input() -> None:
    pose, _ = synth(fps=60.0, duration_s=2.0, noise_px=1.0, n_leg_swaps=2, seed=4)
    vis = pose.visibility.copy()
    vis[10:14, LANDMARK_INDEX["left_wrist"]] = 0.1  # gated, outside the core landmarks
    pose = dataclasses.replace(pose, visibility=vis)
    before = pose.image_px.copy()
    cleaned = clean_pose(pose, cutoff_hz=8.0)
    np.testing.assert_array_equal(pose.image_px, before)
    assert not np.shares_memory(cleaned.image_px, pose.image_px)
    assert cleaned.image_px.shape == pose.image_px.shape
    assert cleaned.image_px.transpose(1, 2, 0).flags.c_contiguous
    wrist = LANDMARK_INDEX["left_wrist"]
    assert np.isnan(cleaned.image_px[10:14, wrist]).all()
    np.testing.assert_array_equal(cleaned.image_px[20:, wrist], before[20:, wrist])
    assert cleaned.settings["cleaning"]["n_gated"] == 4
    assert cleaned.settings["cleaning"]["n_swapped_frames"] > 0


def test_true_runs_start_and_stop() -> None:
    """The runs helper every stage uses: stops are exclusive; none, all and edge runs."""
    from gait._runs import true_runs

    for mask, want in (
        ([0, 1, 1, 0, 1], ([1, 4], [3, 5])),
        ([1, 1, 1], ([0], [3])),
        ([0, 0], ([], [])),
        ([], ([], [])),
    ):
        start, stop = true_runs(np.asarray(mask, dtype=bool))
        assert start.tolist() == want[0] and stop.tolist() == want[1], mask


def test_next_and_previous_true() -> None:
    """The nearest-True helpers shared by event and view detection."""
    from gait._runs import next_true, prev_true

    mask = np.array([0, 1, 0, 0, 1, 0], dtype=bool)
    assert next_true(mask).tolist() == [1, 1, 4, 4, 4, 6]
    assert prev_true(mask).tolist() == [-1, 1, 1, 1, 4, 4]
