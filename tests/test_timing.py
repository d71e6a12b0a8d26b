"""Timing sanity: duplicated and frozen frames, slowed and sped-up footage."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from core_helpers import retime, synth

from gait.analysis import analyze_pose
from gait.timing import check_speed, find_repeated_frames


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


def test_a_jump_to_another_person_is_found() -> None:
    from gait.timing import find_person_switches

    pose, _ = synth(fps=30.0, duration_s=3.0)
    assert find_person_switches(pose).size == 0
    image = pose.image_px.copy()
    image[50:, :, 0] += 0.5 * pose.width  # someone else, half the image away
    image[40:45] = np.nan  # across a short gap
    moved = dataclasses.replace(pose, image_px=image)
    np.testing.assert_array_equal(find_person_switches(moved), [50])
