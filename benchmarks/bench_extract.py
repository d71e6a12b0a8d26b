"""Pose extraction speed: gait's extraction vs a bare decode + detect loop.

For each clip (720p and 1080p, see ``_common.py``) and model (lite/full/heavy), both run
in this process on the same clip with the same verified bundle; the bare loop is OpenCV
decode, BGR->RGB and ``detect_for_video`` per frame, nothing else. They run
``--repeats`` times, alternating, and the best of each is compared. Also printed: the CPU
share of gait's extraction (CPU time / wall time; 1.0 = one core busy), which says
whether a second core is left idle. Target (issue 8): gait / bare >= 1.0 on 720p, full.

    .venv/bin/python benchmarks/bench_extract.py [--clips 720p 1080p]
        [--models lite full heavy] [--repeats 2] [--clip PATH]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from _common import clip_720p, frame_size, upscaled


def bare_loop(clip: Path, bundle: Path, *, long_side: int | None = None) -> tuple[int, float]:
    """Frames and seconds of the bare loop (optionally resizing frames before detection)."""
    import cv2
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    opts = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(bundle)),
        running_mode=vision.RunningMode.VIDEO,
        num_poses=1,
    )
    start = time.perf_counter()
    cap = cv2.VideoCapture(str(clip))
    fps = cap.get(cv2.CAP_PROP_FPS)
    n = 0
    with vision.PoseLandmarker.create_from_options(opts) as landmarker:
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            if long_side is not None:
                h, w = bgr.shape[:2]
                s = long_side / max(h, w)
                bgr = cv2.resize(bgr, (round(w * s), round(h * s)), interpolation=cv2.INTER_AREA)
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            landmarker.detect_for_video(
                mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), round(n * 1000 / fps)
            )
            n += 1
    cap.release()
    return n, time.perf_counter() - start


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def project(clip: Path, model: str) -> tuple[int, float, float]:
    """Frames, seconds and CPU share of :func:`gait.pose.extract` (no cache)."""
    from gait import pose

    cpu0, start = cpu_seconds(), time.perf_counter()
    data = pose.extract(clip, options=pose.ExtractOptions(model=model), cache=False, progress=False)
    wall = time.perf_counter() - start
    return data.n_frames, wall, (cpu_seconds() - cpu0) / wall


def compare(clip: Path, model: str, repeats: int) -> float:
    """Print and return gait / bare frame rate for one clip and model."""
    from gait import models

    bundle = models.ensure_model(model)
    bare, proj, share = [], [], []
    for _ in range(repeats):
        n_b, t_b = bare_loop(clip, bundle)
        n_p, t_p, cpu = project(clip, model)
        bare.append(n_b / t_b)
        proj.append(n_p / t_p)
        share.append(cpu)
    ratio = max(proj) / max(bare)
    print(
        f"  {model:<5}  bare {max(bare):6.1f} fps   gait {max(proj):6.1f} fps   "
        f"ratio {ratio:5.3f}   gait CPU share {max(share):4.2f} cores"
    )
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", nargs="+", choices=("720p", "1080p"), default=["720p", "1080p"])
    parser.add_argument("--models", nargs="+", default=["lite", "full", "heavy"])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--clip", type=Path, default=None, help="720p clip (default: see doc)")
    args = parser.parse_args()
    ratios = {}
    with tempfile.TemporaryDirectory(prefix="gait-bench-") as tmp:
        base = args.clip or clip_720p(Path(tmp))
        clips = {"720p": base}
        if "1080p" in args.clips:
            clips["1080p"] = upscaled(base, Path(tmp))
        for label in args.clips:
            clip = clips[label]
            print(f"{label}: {clip.name} ({frame_size(clip)})")
            for model in args.models:
                ratios[(label, model)] = compare(clip, model, args.repeats)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process {peak_mb:.0f} MB")
    key = ("720p", "full")
    if key in ratios:
        met = "met" if ratios[key] >= 1.0 else "NOT met"
        print(f"target gait/bare >= 1.0 on 720p full: {ratios[key]:.3f} ({met})")
        return 0 if ratios[key] >= 1.0 else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
