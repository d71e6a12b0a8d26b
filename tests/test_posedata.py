from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gait.errors import PoseDataError
from gait.posedata import (
    LANDMARK_INDEX,
    LANDMARK_NAMES,
    LEFT_RIGHT_SWAP,
    N_LANDMARKS,
    PoseData,
    load,
)


def make_pose(n: int = 20, seed: int = 0) -> PoseData:
    rng = np.random.default_rng(seed)
    image = rng.normal(300, 50, (n, N_LANDMARKS, 3))
    image[3] = np.nan  # a frame without a person
    vis = rng.uniform(0, 1, (n, N_LANDMARKS))
    vis[3] = 0
    return PoseData(
        image_px=image,
        visibility=vis,
        presence=vis.copy(),
        world_m=rng.normal(0, 0.5, (n, N_LANDMARKS, 3)),
        time_s=np.arange(n) / 30.0,
        frame_index=np.arange(n),
        fps=30.0,
        width=640,
        height=480,
        source_path="clip <b>.mp4",
        source_sha256="ab" * 32,
        model="full",
        versions={"gait": "0"},
        settings={"slowmo": 1.0, "max_frames": None},
    )


def test_save_load_round_trip_is_exact(tmp_path: Path) -> None:
    pose = make_pose()
    path = pose.save(tmp_path / "lm.npz")
    back = load(path)
    for name in ("image_px", "visibility", "presence", "world_m", "time_s", "frame_index"):
        a, b = getattr(pose, name), getattr(back, name)
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)  # NaN == NaN here, bit-exact otherwise
    assert back.meta() == pose.meta()
    assert back.frames_with_pose == pose.n_frames - 1
    assert not list(tmp_path.glob("*.part"))


def test_a_part_of_a_clip_keeps_its_frames_times_and_metadata() -> None:
    pose = make_pose(20)
    part = pose.frames(5, 12)
    assert part.n_frames == 7
    for name in ("image_px", "visibility", "presence", "world_m", "time_s", "frame_index"):
        np.testing.assert_array_equal(getattr(part, name), getattr(pose, name)[5:12])
    assert part.time_s[0] == pytest.approx(5 / 30.0)  # the clip's own clock
    assert part.meta() == pose.meta()
    assert part.frames_with_pose == 7 and pose.frames(0, 6).frames_with_pose == 5


def test_left_right_swap_is_an_involution_that_pairs_sides() -> None:
    swap = np.array(LEFT_RIGHT_SWAP)
    np.testing.assert_array_equal(swap[swap], np.arange(N_LANDMARKS))
    assert swap[LANDMARK_INDEX["left_knee"]] == LANDMARK_INDEX["right_knee"]
    assert swap[LANDMARK_INDEX["right_foot_index"]] == LANDMARK_INDEX["left_foot_index"]
    assert swap[LANDMARK_INDEX["nose"]] == LANDMARK_INDEX["nose"]
    assert swap[LANDMARK_INDEX["mouth_left"]] == LANDMARK_INDEX["mouth_right"]
    assert swap[LANDMARK_INDEX["left_eye_inner"]] == LANDMARK_INDEX["right_eye_inner"]
    assert len(LANDMARK_NAMES) == N_LANDMARKS == 33
    assert LANDMARK_INDEX["left_hip"] == 23 and LANDMARK_INDEX["right_heel"] == 30


def test_tidy_dataframe_has_one_row_per_frame_and_landmark() -> None:
    pose = make_pose(n=5)
    df = pose.to_dataframe()
    assert len(df) == 5 * 33
    row = df[(df.frame == 2) & (df.landmark == "left_knee")].iloc[0]
    assert row.x_px == pose.image_px[2, 25, 0]
    assert row.time_s == pytest.approx(2 / 30)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"image_px": np.zeros((20, 32, 3))}, "image_px"),
        ({"time_s": np.zeros(20)}, "strictly increasing"),
        ({"frame_index": np.arange(20.0)}, "integers"),
        ({"fps": 0.0}, "fps"),
        ({"width": 0}, "image size"),
    ],
)
def test_invalid_pose_data_says_what_is_wrong(change: dict, message: str) -> None:
    good = make_pose()
    fields = {
        name: getattr(good, name)
        for name in ("image_px", "visibility", "presence", "world_m", "time_s", "frame_index")
    }
    fields |= {"fps": good.fps, "width": good.width, "height": good.height}
    fields |= change
    with pytest.raises(PoseDataError, match=message):
        PoseData(**fields)


def test_loading_something_else_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "x.npz"
    bogus.write_text("not a landmark file")
    with pytest.raises(PoseDataError, match="not a gait landmark file"):
        load(bogus)
    with pytest.raises(PoseDataError, match="not found"):
        load(tmp_path / "missing.npz")
