"""Pose extraction: MediaPipe PoseLandmarker (Tasks API, VIDEO mode) -> :class:`PoseData`.

Results are cached by (video sha256, model sha256, settings), so a second analysis of
the same clip skips inference.  The cache lives in ``$GAIT_CACHE_DIR/landmarks`` (the
user cache dir by default); ``cache=False`` turns it off.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import sys
import threading
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from gait import __version__, models
from gait.errors import ConfigError, GaitError, VideoError
from gait.posedata import N_LANDMARKS, PoseData
from gait.posedata import load as load_pose
from gait.video import VideoInfo, iter_frames, probe

#: Bump when extraction changes in a way that changes its output (invalidates caches).
#: 2: clips of two segment lengths or more are extracted in segments (ExtractOptions).
EXTRACTOR_VERSION = 2
#: Default segment length (s of real time) of long clips; see :class:`ExtractOptions`.
SEGMENT_S = 30.0


@dataclass(frozen=True)
class ExtractOptions:
    """Settings that change the landmarks (and so are part of the cache key).

    ``segment_s``: a clip at least twice this long (real time) is cut into segments of
    about this length, each extracted by its own landmarker, so that segments can run
    on several cores at once (see ``workers`` in :func:`extract`). VIDEO-mode tracking
    restarts at each boundary (the person is detected afresh there). The cut depends on
    the clip only, never on the machine, so the landmarks do not either. ``None``: one
    stream.
    """

    model: str = models.DEFAULT_MODEL
    slowmo: float = 1.0
    min_detection_confidence: float = 0.5
    min_presence_confidence: float = 0.5
    min_tracking_confidence: float = 0.5
    max_frames: int | None = None
    segment_s: float | None = SEGMENT_S

    def __post_init__(self) -> None:
        if self.max_frames is not None and self.max_frames < 1:
            # 0 read no frame, and the clip was said to have "no decodable frames"
            raise ConfigError(f"--max-frames must be at least 1, got {self.max_frames}")


def cache_root() -> Path:
    env = os.environ.get("GAIT_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("gait"))


def library_versions() -> dict[str, str]:
    """Versions of gait and the libraries that shape the landmarks."""
    import cv2
    import mediapipe

    return {
        "gait": __version__,
        "mediapipe": str(mediapipe.__version__),
        "opencv": str(cv2.__version__),
        "numpy": np.__version__,
        "python": sys.version.split()[0],
    }


def cache_key(video_sha256: str, model_sha256: str, options: ExtractOptions) -> str:
    payload = json.dumps(
        {
            "video": video_sha256,
            "model": model_sha256,
            "options": asdict(options),
            "extractor": EXTRACTOR_VERSION,
        },
        sort_keys=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def extract(
    path: str | Path,
    *,
    options: ExtractOptions | None = None,
    cache: bool = True,
    progress: bool | None = None,
    offline: bool | None = None,
    report: models.Reporter | None = None,
    workers: int | None = None,
) -> PoseData:
    """Landmarks of every frame of a clip.

    Parameters
    ----------
    path
        The video.
    options
        Model and detection settings (default: full model, no slow motion).
    cache
        Reuse and store results in the landmark cache.
    progress
        Show a progress bar on stderr; default: only when stderr is a terminal.
    offline
        Never touch the network while provisioning the model (default: ``GAIT_OFFLINE``).
    report
        Receives one-line messages (model provisioning, cache use).
    workers
        Segments of a long clip extracted at once, in threads (default: the number of
        CPU cores). It changes the speed, never the landmarks.

    Returns
    -------
    PoseData
        One entry per decoded frame; frames without a detected person are NaN.
    """
    options = options or ExtractOptions()
    say = report or (lambda _msg: None)
    info = probe(path, slowmo=options.slowmo)
    model_path = models.ensure_model(options.model, offline=offline, report=say)
    model_sha = models.sha256_file(model_path)
    cached = cache_root() / "landmarks" / f"{cache_key(info.sha256, model_sha, options)}.npz"
    if cache and cached.is_file():
        try:
            pose = load_pose(cached)
            if (pose.source_sha256, pose.model_sha256) != (info.sha256, model_sha):
                raise GaitError(f"{cached} holds the landmarks of another clip or model")
        except GaitError as exc:
            say(f"recomputing the landmarks: the cache file is unusable ({exc})")
        else:
            say(f"landmarks reused from the cache ({cached.name}); inference skipped")
            # Same bytes, maybe another name: report the path the user gave this time.
            return replace(pose, source_path=info.path)
    pose = _run_landmarker(info, model_path, model_sha, options, progress, workers)
    if cache:
        try:
            pose.save(cached)  # atomic: a reader never sees a half-written file
        except OSError as exc:
            say(f"could not write the landmark cache {cached} ({exc.strerror}); continuing")
    return pose


#: Shortest clip (seconds, first to last frame) an analysis is attempted on: no stride
#: fits in a shorter one (a stride at 240 steps/min takes 0.5 s).
MIN_CLIP_S = 0.5


def check_extracted(data: PoseData, clip: str | Path) -> list[str]:
    """Refuse landmarks no analysis can use; return warnings about the extraction.

    Raises :class:`~gait.errors.VideoError` when the clip is shorter than
    :data:`MIN_CLIP_S` or no person was found in any frame; warns when fewer than 90 %
    of the frames the file announces could be decoded (a truncated file).  Shared by
    ``gait analyze`` and ``gait batch``.
    """
    span_s = float(data.time_s[-1] - data.time_s[0]) if data.n_frames else 0.0
    if span_s < MIN_CLIP_S:
        raise VideoError(
            f"{clip} is only {span_s:.2f} s long ({data.n_frames} frames): no stride "
            f"fits in less than {MIN_CLIP_S} s; film at least 5 s of running"
        )
    if data.frames_with_pose == 0:
        raise VideoError(
            f"no person was detected in any of the {data.n_frames} frames of {clip}; "
            "film the runner's whole body, side-on or from behind, in good light"
        )
    announced = int(data.settings.get("video_frame_count") or 0)
    if data.n_frames < 0.9 * announced:
        return [
            f"only {data.n_frames} of the {announced} frames the file announces could "
            "be decoded (truncated file?)"
        ]
    return []


def extract_with_bundle(
    path: str | Path,
    bundle: str | Path,
    *,
    options: ExtractOptions | None = None,
    progress: bool | None = False,
) -> PoseData:
    """Run a specific ``.task`` bundle on a clip, bypassing provisioning and the cache.

    For comparing bundles (tests, benchmarks); :func:`extract` is the normal entry point.
    """
    options = options or ExtractOptions()
    info = probe(path, slowmo=options.slowmo)
    bundle = Path(bundle)
    return _run_landmarker(info, bundle, models.sha256_file(bundle), options, progress)


def _run_landmarker(
    info: VideoInfo,
    model_path: Path,
    model_sha: str,
    options: ExtractOptions,
    progress: bool | None,
    workers: int | None = None,
) -> PoseData:
    from concurrent.futures import ThreadPoolExecutor

    from tqdm import tqdm

    n_max = (
        info.frame_count
        if options.max_frames is None
        else min(info.frame_count, options.max_frames)
    )
    bounds = segment_bounds(info, options)
    muted = _mute_native_stderr()
    try:
        bar = tqdm(
            total=n_max,
            unit="frame",
            desc="pose",
            file=muted.stream(),
            leave=False,
            disable=(None if progress is None else not progress),
            mininterval=0.5,
        )
        with bar:
            if len(bounds) == 1:
                parts = [_run_segment(info, model_path, options, *bounds[0], bar)]
            else:
                n_threads = max(1, min(workers or os.cpu_count() or 1, len(bounds)))
                with ThreadPoolExecutor(n_threads, thread_name_prefix="gait-pose") as pool:
                    jobs = [
                        pool.submit(_run_segment, info, model_path, options, a, b, bar)
                        for a, b in bounds
                    ]
                    parts = [job.result() for job in jobs]
    finally:
        muted.restore()
    image, vis, pres, world, times = (np.concatenate(a) for a in zip(*parts, strict=True))
    n = times.shape[0]
    if n == 0:
        raise VideoError(f"{info.path} has no decodable frames; re-export it as MP4 (H.264)")
    scale = np.array([info.width, info.height, info.width], dtype=np.float32)
    return PoseData(
        image_px=np.multiply(image, scale, out=image),  # one pass, not per frame
        visibility=vis,
        presence=pres,
        world_m=world,
        time_s=times,
        frame_index=np.arange(n, dtype=np.int64),
        fps=info.real_fps,
        width=info.width,
        height=info.height,
        source_path=info.path,
        source_sha256=info.sha256,
        model=options.model,
        model_sha256=model_sha,
        versions=library_versions(),
        settings=_settings(info, options, segments=len(bounds)),
    )


def segment_bounds(info: VideoInfo, options: ExtractOptions) -> list[tuple[float, float]]:
    """(start, stop) in seconds of real time of each segment extracted on its own.

    Each boundary is the timestamp of the frame a seek to it lands on, so consecutive
    segments neither overlap nor leave a gap. One segment (0, inf) for short clips, with
    ``segment_s=None`` or ``max_frames``, or when the container cannot seek.
    """
    whole = [(0.0, float("inf"))]
    seg = options.segment_s
    if seg is None or options.max_frames is not None or info.duration_s < 2 * seg:
        return whole
    n = int(info.duration_s // seg)
    starts = [0.0]
    for k in range(1, n):
        frames = iter_frames(info.path, slowmo=options.slowmo, prefetch=1, start_s=k * seg)
        try:
            first = next(iter(frames), None)
        finally:
            frames.close()  # type: ignore[attr-defined]
        if first is None or first.time_s <= starts[-1]:
            return whole
        starts.append(first.time_s)
    return list(zip(starts, [*starts[1:], float("inf")], strict=True))


def _run_segment(
    info: VideoInfo,
    model_path: Path,
    options: ExtractOptions,
    start_s: float,
    stop_s: float,
    bar: Any,
) -> tuple[np.ndarray, ...]:
    """Landmarks (normalised), visibility, presence, world landmarks and times of the
    frames in [start_s, stop_s), from a landmarker of their own."""
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    expected = min(info.duration_s, stop_s) - start_s
    n_guess = info.frame_count if np.isinf(stop_s) else round(expected * info.real_fps) + 2
    if options.max_frames is not None:
        n_guess = min(n_guess, options.max_frames)
    capacity = max(min(n_guess, 20_000), 1)  # grows as needed: the count may be a lie
    image = np.full((capacity, N_LANDMARKS, 3), np.nan, dtype=np.float32)
    world = np.full((capacity, N_LANDMARKS, 3), np.nan, dtype=np.float32)
    vis = np.zeros((capacity, N_LANDMARKS), dtype=np.float32)
    pres = np.zeros((capacity, N_LANDMARKS), dtype=np.float32)
    times = np.zeros(capacity, dtype=np.float64)
    landmarker_options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(model_path)),
        running_mode=vision.RunningMode.VIDEO,
        num_poses=1,
        min_pose_detection_confidence=options.min_detection_confidence,
        min_pose_presence_confidence=options.min_presence_confidence,
        min_tracking_confidence=options.min_tracking_confidence,
    )
    n = 0
    last_ms = -1
    frames = iter_frames(
        info.path, slowmo=options.slowmo, max_frames=options.max_frames, start_s=start_s
    )
    try:
        with vision.PoseLandmarker.create_from_options(landmarker_options) as landmarker:
            for frame in frames:
                if frame.time_s >= stop_s:
                    break
                if n == capacity:  # the container under-reported its frame count
                    image, world, vis, pres, times = (
                        _grow(a) for a in (image, world, vis, pres, times)
                    )
                    capacity = times.shape[0]
                ts_ms = max(round(frame.time_s * 1000.0), last_ms + 1)
                last_ms = ts_ms
                result = landmarker.detect_for_video(
                    mp.Image(image_format=mp.ImageFormat.SRGB, data=frame.rgb), ts_ms
                )
                times[n] = frame.time_s
                if result.pose_landmarks:
                    lms = result.pose_landmarks[0]
                    image[n] = [(p.x, p.y, p.z) for p in lms]  # normalised; scaled once at the end
                    vis[n] = [p.visibility or 0.0 for p in lms]
                    pres[n] = [p.presence or 0.0 for p in lms]
                    world[n] = [(p.x, p.y, p.z) for p in result.pose_world_landmarks[0]]
                n += 1
                bar.update(1)
    finally:
        frames.close()  # type: ignore[attr-defined]
        _trim_heap()
    return image[:n], vis[:n], pres[:n], world[:n], times[:n]


def _trim_heap() -> None:
    """Give freed memory back to the OS (glibc only; elsewhere nothing happens).

    glibc keeps freed blocks in per-thread arenas; every segment's decoder thread and
    landmarker would otherwise leave some behind, so peak memory grew with the number
    of segments, i.e. with clip length (bench_memory.py).
    """
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):  # not glibc (musl)
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class _Muted:
    """fd 2 redirected to /dev/null until :meth:`restore` (idempotent).

    :meth:`stream` is a text stream on the real stderr, for our own progress bar.
    Extractions running in several threads of one process (a Dask worker) share one
    redirection: the first mutes fd 2, the last to finish restores it.
    """

    _lock = threading.Lock()
    _users = 0
    _saved: int | None = None  # the real stderr while muted

    def __init__(self, active: bool) -> None:
        self._active = active
        self._stream: Any = None

    @classmethod
    def start(cls) -> _Muted:
        with cls._lock:
            if cls._users == 0:
                sys.stderr.flush()
                cls._saved = os.dup(2)
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 2)
                os.close(devnull)
            cls._users += 1
        return cls(True)

    def stream(self) -> Any:
        if not self._active or _Muted._saved is None:
            return sys.stderr
        if self._stream is None:
            self._stream = os.fdopen(os.dup(_Muted._saved), "w", buffering=1)
        return self._stream

    def restore(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None
        if not self._active:
            return
        self._active = False
        with _Muted._lock:
            _Muted._users -= 1
            if _Muted._users == 0 and _Muted._saved is not None:
                sys.stderr.flush()
                os.dup2(_Muted._saved, 2)
                os.close(_Muted._saved)
                _Muted._saved = None


def _mute_native_stderr() -> _Muted:
    """Silence MediaPipe's native start-up chatter (glog/TFLite lines on fd 2).

    MediaPipe logs from C++ straight to file descriptor 2 while it builds the graph and
    whenever its tracker re-detects the person; Python-level settings cannot turn that
    off, so fd 2 is muted for the whole extraction.  Set ``GAIT_NATIVE_LOGS=1`` to see it.
    """
    if os.environ.get("GAIT_NATIVE_LOGS") or not _stderr_has_fd():
        return _Muted(False)
    return _Muted.start()


def _stderr_has_fd() -> bool:
    try:
        return sys.stderr.fileno() == 2
    except (AttributeError, OSError, ValueError):
        return False


def _grow(a: np.ndarray) -> np.ndarray:
    extra = np.full_like(a, np.nan) if a.dtype.kind == "f" and a.ndim == 3 else np.zeros_like(a)
    return np.concatenate([a, extra])


def _settings(info: VideoInfo, options: ExtractOptions, *, segments: int) -> dict[str, Any]:
    """The extraction's settings, in key order: the order a cached copy comes back in
    (:meth:`PoseData.save` sorts them), so a report lists them alike on the first run
    and from the cache."""
    settings = {
        **asdict(options),
        "video_fps": info.fps,
        "video_frame_count": info.frame_count,
        "rotation_deg": info.rotation_deg,
        "backend": info.backend,
        "extractor_version": EXTRACTOR_VERSION,
        "segments": segments,
    }
    return dict(sorted(settings.items()))
