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
    stays below 2 deg (the sample clip side_compensations reads -3.8 deg, see the
    session report: still open).
    """
    low, high = _trunk_lean(tmp_path, 5.0), _trunk_lean(tmp_path, 11.0)
    assert high - low == pytest.approx(6.0, abs=2.0), (low, high)


def _label_agreement(name: str) -> float:
    """Share of frames whose repaired ankle labels match the truth (feet apart > 0.3 leg)."""
    from gait import pose
    from gait.clean import find_leg_swaps, gate_visibility
    from gait.posedata import LANDMARK_INDEX as LI
    from gait.synth import synth_landmarks
    from gait.synth.samples import SAMPLES

    detected = pose.extract(Path(__file__).parents[1] / "sample_videos" / f"{name}.mp4")
    true = synth_landmarks(SAMPLES[name])[0].image_px[..., :2]
    xy = gate_visibility(detected).image_px[..., :2]
    swap = find_leg_swaps(xy, detected.fps)
    lf, rt, hip = LI["left_ankle"], LI["right_ankle"], LI["left_hip"]
    p = detected.image_px[..., :2]
    same = np.linalg.norm(p[:, lf] - true[:, lf], axis=1) + np.linalg.norm(
        p[:, rt] - true[:, rt], axis=1
    )
    cross = np.linalg.norm(p[:, lf] - true[:, rt], axis=1) + np.linalg.norm(
        p[:, rt] - true[:, lf], axis=1
    )
    leg = np.median(np.linalg.norm(true[:, hip] - true[:, lf], axis=1))
    clear = np.linalg.norm(true[:, lf] - true[:, rt], axis=1) > 0.3 * leg
    return float(((cross < same) == swap)[clear].mean())


@pytest.mark.parametrize(
    ("name", "least"),
    [("side_good_form", 0.97), ("before_side", 0.9), ("after_side", 0.95)],
)
def test_late_stance_leg_swaps_are_repaired(name: str, least: float) -> None:
    """MediaPipe hands the near leg's label to the swing leg in late stance on every
    stride of these clips (raw labels right on 77-87 % of the frames where the feet are
    apart); the Viterbi repair must get nearly all of them (measured 1.0, 0.92, 0.99)."""
    assert _label_agreement(name) >= least


def test_rhythm_cadence_of_the_sample_clips() -> None:
    """The pelvis-rhythm cadence is within 0.5 spm of the truth (measured <= 0.2)."""
    from gait.api import analyze
    from gait.synth import load_truth

    for name in ("side_good_form", "side_compensations", "rear_good_form"):
        video = Path(__file__).parents[1] / "sample_videos" / f"{name}.mp4"
        truth = load_truth(video.with_suffix(".truth.json"))["metrics_image"]["cadence_spm"]
        res = analyze(video)
        assert res.metric("cadence_spm") == pytest.approx(truth["overall"], abs=0.5), name
