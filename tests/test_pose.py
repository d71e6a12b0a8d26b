"""Landmark extraction on the real treadmill clip (extracted once per run, then cached)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from gait import pose
from gait.posedata import LANDMARK_INDEX, PoseData, load

pytestmark = pytest.mark.slow


def test_person_found_on_at_least_99_percent_of_frames(treadmill_pose: PoseData) -> None:
    assert treadmill_pose.n_frames == 360
    assert treadmill_pose.frames_with_pose / treadmill_pose.n_frames >= 0.99
    assert (treadmill_pose.fps, treadmill_pose.width, treadmill_pose.height) == (30.0, 720, 1280)
    np.testing.assert_allclose(np.diff(treadmill_pose.time_s), 1 / 30, atol=1e-6)


def test_landmarks_are_anatomically_plausible(treadmill_pose: PoseData) -> None:
    y = treadmill_pose.image_px[:, :, 1]
    nose, hip, ankle = (LANDMARK_INDEX[k] for k in ("nose", "left_hip", "left_ankle"))
    assert np.nanmedian(y[:, nose]) < np.nanmedian(y[:, hip]) < np.nanmedian(y[:, ankle])
    # World landmarks are metres around the hips: a standing-height body spans ~1-2 m.
    world_height = np.nanmedian(
        treadmill_pose.world_m[:, LANDMARK_INDEX["left_heel"], 1]
        - treadmill_pose.world_m[:, nose, 1]
    )
    assert 1.0 < world_height < 2.2
    assert treadmill_pose.model == "full" and len(treadmill_pose.model_sha256) == 64
    assert {"gait", "mediapipe", "opencv"} <= set(treadmill_pose.versions)


def test_round_trip_and_cache_hit(
    treadmill_pose: PoseData, treadmill_clip: Path, tmp_path: Path
) -> None:
    back = load(treadmill_pose.save(tmp_path / "lm.npz"))
    np.testing.assert_array_equal(back.image_px, treadmill_pose.image_px)
    np.testing.assert_array_equal(back.world_m, treadmill_pose.world_m)
    np.testing.assert_array_equal(back.visibility, treadmill_pose.visibility)
    assert back.meta() == treadmill_pose.meta()
    messages: list[str] = []
    start = time.perf_counter()
    again = pose.extract(treadmill_clip, progress=False, report=messages.append)
    assert time.perf_counter() - start < 5.0  # no inference: 360 frames take ~10 s
    assert any("inference skipped" in m for m in messages)
    np.testing.assert_array_equal(again.image_px, treadmill_pose.image_px)


def test_cache_key_depends_on_every_setting() -> None:
    base = pose.ExtractOptions()
    keys = {
        pose.cache_key("v" * 64, "m" * 64, base),
        pose.cache_key("w" * 64, "m" * 64, base),
        pose.cache_key("v" * 64, "n" * 64, base),
        pose.cache_key("v" * 64, "m" * 64, pose.ExtractOptions(slowmo=2.0)),
        pose.cache_key("v" * 64, "m" * 64, pose.ExtractOptions(model="lite")),
        pose.cache_key("v" * 64, "m" * 64, pose.ExtractOptions(min_detection_confidence=0.6)),
    }
    assert len(keys) == 6


def test_cache_hit_reports_the_path_given_this_time(
    treadmill_pose: PoseData, treadmill_clip: Path, tmp_path: Path
) -> None:
    import shutil

    renamed = tmp_path / "my run.mp4"
    shutil.copy(treadmill_clip, renamed)
    again = pose.extract(renamed, progress=False)
    assert again.source_path == str(renamed)
    assert again.source_sha256 == treadmill_pose.source_sha256


def test_settings_read_alike_fresh_and_from_the_cache(
    model_full: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cached copy's settings come back in key order (PoseData.save sorts them); a fresh
    extraction listed them in the options' order, so the report's "Pose extraction
    settings" table read differently on a clip's first run than on later ones."""
    monkeypatch.setenv("GAIT_CACHE_DIR", str(tmp_path / "cache"))
    clip = Path(__file__).resolve().parents[1] / "sample_videos" / "side_good_form.mp4"
    options = pose.ExtractOptions(max_frames=10)
    messages: list[str] = []
    fresh = pose.extract(clip, options=options, progress=False, report=messages.append)
    cached = pose.extract(clip, options=options, progress=False, report=messages.append)
    assert any("inference skipped" in m for m in messages)
    assert list(cached.settings) == list(fresh.settings)
    assert cached.settings == fresh.settings
