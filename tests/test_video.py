"""Video input: probing, timestamps (including variable frame rate), rotation, bad files."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from gait.errors import ConfigError, VideoError
from gait.video import iter_frames, probe


def write_clip(
    path: Path, n: int = 30, fps: float = 30.0, size: tuple[int, int] = (160, 96)
) -> Path:
    """A small clip whose frame i shows a bright bar at x = 4 * i (to check frame order)."""
    import cv2

    w, h = size
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    for i in range(n):
        frame = np.zeros((h, w, 3), np.uint8)
        frame[:, (4 * i) % w : (4 * i) % w + 4] = 255
        writer.write(frame)
    writer.release()
    return path


def ffmpeg(*args: str) -> None:
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    exe = imageio_ffmpeg.get_ffmpeg_exe()
    subprocess.run([exe, "-v", "error", "-y", *args], check=True)


def bar_index(rgb: np.ndarray) -> int:
    """Which frame of :func:`write_clip` this is (from the bar's centre column)."""
    row = rgb[rgb.shape[0] // 2, :, 0].astype(float)
    cols = np.flatnonzero(row > 128)
    return round((cols.mean() - 1.5) / 4)


def test_probe_and_ordered_frames(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "c.mp4", n=30, fps=30)
    info = probe(clip)
    assert (info.fps, info.frame_count, info.width, info.height) == (30.0, 30, 160, 96)
    assert info.duration_s == pytest.approx(1.0)
    assert info.rotation_deg == 0 and len(info.sha256) == 64
    frames = list(iter_frames(clip))
    assert [f.index for f in frames] == list(range(30))
    np.testing.assert_allclose([f.time_s for f in frames], np.arange(30) / 30, atol=1e-6)
    assert [bar_index(f.rgb) for f in frames[:10]] == list(range(10))


def test_slowmo_factor_scales_time(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "s.mp4", n=30, fps=30)
    info = probe(clip, slowmo=8)
    assert info.real_fps == 240 and info.duration_s == pytest.approx(30 / 240)
    times = [f.time_s for f in iter_frames(clip, slowmo=8)]
    np.testing.assert_allclose(np.diff(times), 1 / 240, atol=1e-6)
    with pytest.raises(ConfigError, match="slowmo"):
        probe(clip, slowmo=0)


def test_variable_frame_rate_timestamps_are_real(tmp_path: Path) -> None:
    src = write_clip(tmp_path / "src.mp4", n=40, fps=30)
    vfr = tmp_path / "vfr.mp4"
    # First 20 frames 1/30 s apart, the next 20 frames 2/30 s apart.
    ffmpeg(
        "-i",
        str(src),
        "-vf",
        "setpts='(N+max(N-20,0))/30/TB'",
        "-fps_mode",
        "vfr",
        "-c:v",
        "mpeg4",
        "-q:v",
        "3",
        str(vfr),
    )
    frames = list(iter_frames(vfr))
    times = np.array([f.time_s for f in frames])
    assert len(frames) == 40
    expected = (np.arange(40) + np.maximum(np.arange(40) - 20, 0)) / 30
    np.testing.assert_allclose(times - times[0], expected, atol=2e-3)
    assert [bar_index(f.rgb) for f in frames[18:23]] == list(range(18, 23))


def test_rotation_tag_gives_upright_frames(tmp_path: Path) -> None:
    src = write_clip(tmp_path / "src.mp4", n=10, fps=30, size=(160, 96))
    rotated = tmp_path / "rot.mp4"
    ffmpeg("-display_rotation", "90", "-i", str(src), "-c", "copy", str(rotated))
    info = probe(rotated)
    assert info.rotation_deg in (90, 270)
    assert (info.width, info.height) == (96, 160)  # upright: portrait
    first = next(iter(iter_frames(rotated)))
    assert first.rgb.shape == (160, 96, 3)


def test_truncated_faststart_clip_decodes_what_is_there(tmp_path: Path) -> None:
    src = write_clip(tmp_path / "src.mp4", n=60, fps=30)
    fast = tmp_path / "fast.mp4"
    ffmpeg("-i", str(src), "-c", "copy", "-movflags", "+faststart", str(fast))
    data = fast.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 2])
    info = probe(cut)
    frames = list(iter_frames(cut))
    assert info.frame_count == 60
    assert 5 < len(frames) < 60


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"hello, this is text, not a video\n" * 10, "cannot be opened as a video"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "still image"),
    ],
)
def test_bad_files_give_one_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    bad = tmp_path / "clip.mp4"
    bad.write_bytes(content)
    with pytest.raises(VideoError, match=message) as err:
        probe(bad)
    assert "\n" not in str(err.value)


def test_missing_truncated_header_and_folder(tmp_path: Path) -> None:
    with pytest.raises(VideoError, match="no such file"):
        probe(tmp_path / "nope.mp4")
    with pytest.raises(VideoError, match="folder"):
        probe(tmp_path)
    src = write_clip(tmp_path / "src.mp4", n=30)
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(src.read_bytes()[:2000])  # moov atom at the end: gone
    with pytest.raises(VideoError, match="truncated"):
        probe(cut)


def test_real_still_image_is_rejected(shared_data: Path) -> None:
    with pytest.raises(VideoError, match="still image"):
        probe(shared_data / "real" / "still_fullbody_standing_front_pose2sim.png")
