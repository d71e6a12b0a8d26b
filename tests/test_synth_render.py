"""Rendered synthetic clips: MediaPipe finds the runner, and where the model says it is.

Each view is rendered once per session (2 s at 30 fps, 480 × 270), written to .mp4,
decoded again and run through MediaPipe PoseLandmarker (full model, VIDEO mode).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from gait.posedata import LANDMARK_INDEX as L
from gait.synth import RunnerParams, load_truth, synth_landmarks

pytestmark = pytest.mark.slow

VIEWS = ("side_left", "side_right", "rear", "front")
_CLIP = RunnerParams(duration_s=2.0, fps=30.0, width_px=480, height_px=270)
CLIPS: dict[str, RunnerParams] = {view: replace(_CLIP, view=view) for view in VIEWS}
# overground: the runner crosses the frame (7 m away so the whole run stays in view)
CLIPS["side_left_overground"] = replace(
    _CLIP, view="side_left", treadmill=False, camera_distance_m=7.0
)
TORSO = ("left_shoulder", "right_shoulder", "left_hip", "right_hip")
LEGS = tuple(f"{s}_{n}" for s in ("left", "right") for n in ("knee", "ankle", "heel", "foot_index"))

# Stated tolerance of rendered-then-detected vs direct landmarks, as a fraction of the
# runner's height in pixels (measured medians are about half of these; see the report).
TORSO_TOL = 0.05
LEG_TOL = 0.09


def _model() -> Path:
    from gait.synth.detect import model_path

    path = model_path()
    if path is None:
        pytest.skip(
            "no pose model in the cache: run `gait models fetch full` (scripts/install does)"
        )
    return path


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    from gait.synth.detect import detect_frames, read_video
    from gait.synth.render import render_video

    model = _model()
    out = {}
    folder = tmp_path_factory.mktemp("synth_render")
    for view, p in CLIPS.items():
        video = folder / f"{view}.mp4"
        truth = render_video(p, video)
        frames, fps = read_video(video)
        det = detect_frames(frames, fps, model)
        pose, _ = synth_landmarks(p, with_truth=False)
        out[view] = {
            "params": p,
            "video": video,
            "truth": truth,
            "frames": frames,
            "fps": fps,
            "det": det,
            "pose": pose,
        }
    return out


@pytest.mark.parametrize("view", CLIPS)
def test_mediapipe_detects_the_runner(rendered: dict[str, dict[str, Any]], view: str) -> None:
    det = rendered[view]["det"]
    rate = float(np.mean(~np.isnan(det[:, 0, 0])))
    assert rate >= 0.98, f"{view}: person detected on {rate:.1%} of frames"


@pytest.mark.parametrize("view", CLIPS)
def test_video_file_and_truth_file(rendered: dict[str, dict[str, Any]], view: str) -> None:
    r = rendered[view]
    p: RunnerParams = r["params"]
    assert len(r["frames"]) == p.n_frames
    assert r["fps"] == pytest.approx(p.fps)
    assert r["frames"][0].shape == (p.height_px, p.width_px, 3)
    saved = load_truth(r["video"].with_name(f"{view}.truth.json"))
    assert saved["params"]["view"] == p.view
    assert saved["derived"]["fraction_of_frames_in_view"] == 1.0
    assert saved["metrics"]["cadence_spm"]["overall"] == pytest.approx(p.cadence_spm)
    assert np.asarray(saved["frames"]["image_px"]).shape == (p.n_frames, 33, 3)
    # the video is not blank: the runner's pixels differ from the background
    assert float(np.std(r["frames"][0])) > 10


@pytest.mark.parametrize("view", CLIPS)
def test_detected_landmarks_agree_with_the_model(
    rendered: dict[str, dict[str, Any]], view: str
) -> None:
    r = rendered[view]
    det, true = r["det"], r["pose"].image_px
    ok = ~np.isnan(det[:, 0, 0])
    err = np.linalg.norm(det[ok, :, :2] - true[ok, :, :2], axis=-1)  # (frames, 33) px
    top = true[:, [L["left_ear"], L["right_ear"]], 1].min()
    bottom = true[:, [L["left_heel"], L["right_heel"]], 1].max()
    height_px = bottom - top
    torso = np.median(err[:, [L[n] for n in TORSO]])
    legs = np.median(err[:, [L[n] for n in LEGS]])
    assert torso < TORSO_TOL * height_px, f"{view}: torso median error {torso:.1f} px"
    assert legs < LEG_TOL * height_px, f"{view}: leg median error {legs:.1f} px"


def test_detected_trunk_lean_matches_truth_side_view(
    rendered: dict[str, dict[str, Any]],
) -> None:
    """End to end: trunk lean from detected landmarks at MS frames vs the truth (±4°)."""
    r = rendered["side_right"]
    det, truth = r["det"], r["truth"]
    leans = []
    for side in ("left", "right"):
        for ms in truth["events"][side]["ms_s"]:
            i = round(ms * r["fps"])
            if i >= len(det) or np.isnan(det[i, 0, 0]):
                continue
            hip = (det[i, L["left_hip"], :2] + det[i, L["right_hip"], :2]) / 2
            sh = (det[i, L["left_shoulder"], :2] + det[i, L["right_shoulder"], :2]) / 2
            leans.append(np.degrees(np.arctan2(sh[0] - hip[0], hip[1] - sh[1])))
    assert len(leans) >= 4
    want = truth["metrics_image"]["trunk_lean_deg"]["overall"]
    assert float(np.median(leans)) == pytest.approx(want, abs=4.0)
