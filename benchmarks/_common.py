"""Shared pieces of the benchmarks: test clips, timing and child-process peak memory.

Clips are made in a temporary folder and never committed: the 720p clip is the real
treadmill clip from ``../shared/data`` when present (a synthetic 1280x720 runner
otherwise); the 1080p clip is that clip upscaled; long clips loop it (stream copy).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
REAL_CLIP = REPO.parent / "shared" / "data" / "real" / "treadmill_side_male_garage_30fps.mp4"
PYTHON = sys.executable


def parse_runner_params(items: Sequence[str]) -> dict[str, Any]:
    """``NAME=VALUE`` strings (``--param``) as RunnerParams fields: numbers, true/false or
    text."""
    import json

    out: dict[str, Any] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"--param {item!r}: expected NAME=VALUE")
        try:
            out[name] = json.loads(value)
        except ValueError:
            out[name] = value
    return out


def ffmpeg() -> str:
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


def _run(cmd: Sequence[str]) -> None:
    subprocess.run(cmd, check=True, capture_output=True)


def clip_720p(workdir: Path) -> Path:
    """A ~12-s 720p running clip: the real treadmill clip, or a rendered synthetic one."""
    if REAL_CLIP.is_file():
        return REAL_CLIP
    out = workdir / "synthetic_720p.mp4"
    if not out.is_file():
        _run(
            [
                PYTHON,
                "-m",
                "gait.cli",
                "synth",
                "-o",
                str(out),
                "--duration-s",
                "12",
                "--width-px",
                "1280",
                "--height-px",
                "720",
                "--fps",
                "30",
            ]
        )
    return out


def upscaled(clip: Path, workdir: Path, long_side: int = 1920) -> Path:
    """``clip`` scaled so its long side is ``long_side`` pixels (H.264, near-lossless)."""
    out = workdir / f"{clip.stem}_{long_side}.mp4"
    if not out.is_file():
        scale = f"scale='if(gt(iw,ih),{long_side},-2)':'if(gt(iw,ih),-2,{long_side})'"
        _run(
            [
                ffmpeg(),
                "-y",
                "-i",
                str(clip),
                "-vf",
                scale,
                "-c:v",
                "libx264",
                "-preset",
                "veryfast",
                "-crf",
                "18",
                "-an",
                str(out),
            ]
        )
    return out


def looped(clip: Path, workdir: Path, minutes: float) -> Path:
    """``clip`` repeated (stream copy, no re-encoding) and cut to ``minutes``."""
    out = workdir / f"{clip.stem}_{minutes:g}min.mp4"
    if not out.is_file():
        _run(
            [
                ffmpeg(),
                "-y",
                "-stream_loop",
                "-1",
                "-i",
                str(clip),
                "-t",
                f"{minutes * 60:g}",
                "-c",
                "copy",
                "-an",
                str(out),
            ]
        )
    return out


def frame_size(clip: Path) -> str:
    import cv2

    cap = cv2.VideoCapture(str(clip))
    w, h, n = (
        int(cap.get(p))
        for p in (cv2.CAP_PROP_FRAME_WIDTH, cv2.CAP_PROP_FRAME_HEIGHT, cv2.CAP_PROP_FRAME_COUNT)
    )
    cap.release()
    return f"{w}x{h}, {n} frames"


@dataclass(frozen=True)
class ChildRun:
    """Wall time, CPU time and peak RSS of one child process."""

    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    returncode: int

    @property
    def cpu_share(self) -> float:
        """CPU time / wall time: 1.0 = one core busy all the time."""
        return self.cpu_seconds / self.seconds if self.seconds else 0.0


def run_child(cmd: Sequence[str], env: dict[str, str] | None = None) -> ChildRun:
    """Run ``cmd``; its own peak RSS comes from ``wait4`` (not the max over all children)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(cmd),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err.decode()[-500:]}")
    return ChildRun(
        seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode
    )


def extract_cmd(clip: Path, model: str = "full") -> list[str]:
    """A child process that runs only the landmark extraction (no cache)."""
    code = (
        "import sys; from gait import pose; "
        "pose.extract(sys.argv[1], options=pose.ExtractOptions(model=sys.argv[2]), "
        "cache=False, progress=False)"
    )
    return [PYTHON, "-c", code, str(clip), model]


def analyze_cmd(clip: Path, out: Path, *extra: str) -> list[str]:
    """A child process running the whole ``gait analyze`` (report included)."""
    return [PYTHON, "-m", "gait.cli", "analyze", str(clip), "-o", str(out), "-q", "--force", *extra]
