"""Video input: probe a clip and decode its frames in order with real timestamps.

Phone clips are often rotated (a rotation tag in the container), sometimes have a
variable frame rate, and slow-motion clips are often re-encoded at a normal frame rate.
:func:`probe` reports all of that; :func:`iter_frames` yields upright RGB frames with
their presentation time in seconds of real time (video time divided by the slow-motion
factor), decoding in a background thread so decoding overlaps pose inference.
"""

from __future__ import annotations

import hashlib
import os
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from gait.errors import ConfigError, VideoError

_IMAGE_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"RIFF")  # RIFF: WebP/AVI, checked
_AUDIO_MAGIC = (b"ID3", b"fLaC", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")  # MP3, FLAC


@dataclass(frozen=True)
class VideoInfo:
    """What :func:`probe` finds out about a clip.

    ``fps`` is the container's nominal rate and ``real_fps`` the rate in real time
    (``fps * slowmo``).  ``width``/``height`` are of the upright frame (after rotation).
    ``duration_s`` is in real time.
    """

    path: str
    sha256: str
    fps: float
    real_fps: float
    frame_count: int
    width: int
    height: int
    duration_s: float
    rotation_deg: int
    slowmo: float
    backend: str


def sha256_of(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 22), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _check_file(path: Path) -> None:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:  # OpenCV's FFmpeg backend crashes on such a name
        shown = str(path).encode("utf-8", "backslashreplace").decode("utf-8")
        raise VideoError(
            f"the file name {shown} is not valid UTF-8; rename the file (or copy it to a "
            "plain name) and try again"
        ) from None
    if not path.exists():
        raise VideoError(f"no such file: {path}")
    if path.is_dir():
        raise VideoError(f"{path} is a folder, not a video file")
    if not path.is_file():
        raise VideoError(f"{path} is not a regular file (a device or pipe?); pass a video file")
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise VideoError(f"cannot read {path}: {exc.strerror}; check its permissions") from None
    if size == 0:
        raise VideoError(f"{path} is empty (0 bytes); re-export or re-copy the clip")
    if head.startswith(_IMAGE_MAGIC[:4]) or (head.startswith(b"RIFF") and head[8:12] == b"WEBP"):
        raise VideoError(
            f"{path} is a still image, not a video; film at least 5 s of running "
            "(a few strides) and pass the video file"
        )
    if head.startswith(_AUDIO_MAGIC) or (head.startswith(b"RIFF") and head[8:12] == b"WAVE"):
        raise VideoError(f"{path} is an audio file, not a video; pass the video of the run")


def _cv2() -> Any:
    """Import OpenCV with its own and FFmpeg's console logging turned down.

    A corrupt file otherwise prints native warnings ("moov atom not found") besides our
    one-line error.  ``GAIT_NATIVE_LOGS=1`` keeps them.
    """
    if not os.environ.get("GAIT_NATIVE_LOGS"):
        os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")
        os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
    import cv2

    return cv2


def _open(path: Path) -> Any:
    cv2 = _cv2()
    try:
        cap = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    except cv2.error as exc:
        raise VideoError(f"{path} cannot be opened as a video ({exc}); re-export it") from None
    if not cap.isOpened():
        cap.release()
        raise VideoError(
            f"{path} cannot be opened as a video (no video stream: not a video, audio "
            "only, or corrupt/truncated); re-export it as MP4 (H.264) and try again"
        )
    return cap


def _finite(x: Any) -> float:
    """A property OpenCV read from the container, 0 when it is missing or not finite."""
    v = float(x)
    return v if np.isfinite(v) and abs(v) < 1e15 else 0.0


def probe(path: str | Path, *, slowmo: float = 1.0) -> VideoInfo:
    """Read a clip's facts; raise VideoError with the reason if it is not a usable video.

    Parameters
    ----------
    path
        The video file.
    slowmo
        Slow-motion factor: a 240-fps phone clip re-encoded to play at 30 fps is
        ``slowmo=8``; real time = video time / ``slowmo``.
    """
    cv2 = _cv2()
    path = Path(path)
    if not (np.isfinite(slowmo) and 0 < slowmo <= 64):
        raise ConfigError(f"--slowmo must be a factor between 0 and 64 (e.g. 4 or 8), got {slowmo}")
    _check_file(path)
    cap = _open(path)
    try:
        fps = _finite(cap.get(cv2.CAP_PROP_FPS))
        count = int(_finite(cap.get(cv2.CAP_PROP_FRAME_COUNT)))
        rotation = round(_finite(cap.get(cv2.CAP_PROP_ORIENTATION_META))) % 360
        backend = str(cap.getBackendName())
        ok, frame = cap.read()
    except cv2.error:
        ok, frame = False, None
    finally:
        cap.release()
    if not ok or frame is None:
        raise VideoError(
            f"{path} has no decodable video frames (no video stream: empty, truncated, "
            "audio only or not a video); re-export it as MP4 (H.264)"
        )
    if not (np.isfinite(fps) and 1 <= fps <= 2000):
        raise VideoError(
            f"{path} reports an invalid frame rate ({fps}); re-encode it with a fixed fps"
        )
    if count <= 1:
        raise VideoError(f"{path} holds a single frame; a gait analysis needs a video of the run")
    height, width = frame.shape[:2]
    real_fps = fps * slowmo
    return VideoInfo(
        path=str(path),
        sha256=sha256_of(path),
        fps=fps,
        real_fps=real_fps,
        frame_count=count,
        width=int(width),
        height=int(height),
        duration_s=count / real_fps,
        rotation_deg=rotation,
        slowmo=float(slowmo),
        backend=backend,
    )


@dataclass(frozen=True)
class Frame:
    """One decoded frame: its index, real-time timestamp and upright RGB pixels (H, W, 3)."""

    index: int
    time_s: float
    rgb: np.ndarray


def iter_frames(
    path: str | Path,
    *,
    slowmo: float = 1.0,
    max_frames: int | None = None,
    prefetch: int = 8,
    start_s: float = 0.0,
) -> Iterator[Frame]:
    """Decode frames in order with their presentation timestamps (in real time).

    Timestamps come from the container (variable frame rate is honoured); a frame whose
    timestamp does not advance (a broken container) gets the previous one plus one
    nominal frame interval.  Decoding and colour conversion run in a background thread.
    ``start_s`` > 0 seeks first (real time); the frames' timestamps stay the container's.
    """
    path = Path(path)
    _check_file(path)
    cap = _open(path)
    q: queue.Queue[Frame | BaseException | None] = queue.Queue(maxsize=max(1, prefetch))
    stop = threading.Event()

    def worker() -> None:
        cv2 = _cv2()
        try:
            fps = float(cap.get(cv2.CAP_PROP_FPS)) or 30.0
            step_ms = 1000.0 / fps
            last_ms = -np.inf
            i = 0
            if start_s > 0:  # OpenCV seeks to a key frame and decodes up to the target
                cap.set(cv2.CAP_PROP_POS_MSEC, start_s * slowmo * 1000.0)
                i = max(0, round(cap.get(cv2.CAP_PROP_POS_FRAMES)))
            first = i
            while not stop.is_set() and (max_frames is None or i - first < max_frames):
                ok, bgr = cap.read()
                if not ok:
                    break
                ms = float(cap.get(cv2.CAP_PROP_POS_MSEC))
                if not np.isfinite(ms) or ms <= last_ms:
                    ms = last_ms + step_ms if np.isfinite(last_ms) else 0.0
                last_ms = ms
                rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
                q.put(Frame(i, ms / 1000.0 / slowmo, rgb))
                i += 1
            q.put(None)
        except BaseException as exc:  # handed to the consumer, re-raised there
            q.put(exc)
        finally:
            cap.release()

    thread = threading.Thread(target=worker, name="gait-decode", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise VideoError(f"decoding {path} failed: {item}") from item
            yield item
    finally:
        stop.set()
        while thread.is_alive():  # unblock a worker waiting on a full queue
            try:
                q.get_nowait()
            except queue.Empty:
                thread.join(timeout=0.05)
