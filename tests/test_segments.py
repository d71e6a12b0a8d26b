"""Long clips are extracted in segments (in parallel): seeking, boundaries, invariance."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gait import pose
from gait.video import iter_frames, probe

CLIP = Path(__file__).resolve().parents[1] / "sample_videos" / "side_good_form.mp4"  # 5 s


@pytest.mark.slow
def test_a_seek_lands_on_the_frame_sequential_decoding_gives() -> None:
    by_time = {round(f.time_s, 4): f for f in iter_frames(CLIP)}
    for start_s in (1.0, 2.5, 3.9):
        frames = iter_frames(CLIP, start_s=start_s)
        first = next(iter(frames))
        frames.close()  # type: ignore[attr-defined]
        same = by_time[round(first.time_s, 4)]
        assert abs(first.time_s - start_s) < 0.5 / 30  # the nearest frame at 30 fps
        assert first.index == same.index and np.array_equal(first.rgb, same.rgb)


def test_segment_bounds_follow_the_clip_not_the_machine() -> None:
    info = probe(CLIP)
    assert pose.segment_bounds(info, pose.ExtractOptions()) == [(0.0, np.inf)]  # 5 s < 60 s
    assert pose.segment_bounds(info, pose.ExtractOptions(segment_s=None)) == [(0.0, np.inf)]
    three = pose.segment_bounds(info, pose.ExtractOptions(segment_s=1.6))
    assert [round(a, 3) for a, _ in three] == [0.0, 1.6, 3.2]
    assert [b for _, b in three[:-1]] == [a for a, _ in three[1:]] and three[-1][1] == np.inf
    limited = pose.ExtractOptions(segment_s=1.6, max_frames=100)
    assert pose.segment_bounds(info, limited) == [(0.0, np.inf)]


def test_the_segment_length_is_part_of_the_cache_key() -> None:
    keys = {pose.cache_key("v", "m", pose.ExtractOptions(segment_s=s)) for s in (None, 30.0, 1.6)}
    assert len(keys) == 3


@pytest.mark.slow
def test_segments_cover_every_frame_once_whatever_the_workers(model_full: Path) -> None:
    one = pose.extract(CLIP, options=pose.ExtractOptions(segment_s=None), cache=False)
    opts = pose.ExtractOptions(segment_s=2.0)  # 5 s: two segments, boundary at 2 s
    seq = pose.extract(CLIP, options=opts, cache=False, workers=1)
    par = pose.extract(CLIP, options=opts, cache=False, workers=2)
    assert seq.settings["segments"] == 2 and one.settings["segments"] == 1
    np.testing.assert_array_equal(seq.time_s, one.time_s)  # no frame lost or doubled
    for name in ("image_px", "world_m", "visibility", "presence"):
        np.testing.assert_array_equal(getattr(seq, name), getattr(par, name))
    first = one.time_s < 2.0
    assert 55 <= first.sum() <= 65
    # before the boundary the first segment is the one stream, frame for frame
    np.testing.assert_array_equal(seq.image_px[first], one.image_px[first])
    # after it tracking restarted: close to the one stream (not always identical)
    d = np.linalg.norm(seq.image_px[~first, :, :2] - one.image_px[~first, :, :2], axis=-1)
    assert np.nanmedian(d) < 5.0
