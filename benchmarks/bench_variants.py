"""Two candidate speed-ups of pose extraction, measured before deciding to keep them.

1. **Resize before inference**: frames scaled so their long side is ``--long-side`` px
   (INTER_AREA) before MediaPipe sees them; landmarks are still in pixels of the
   original frame. Per clip: frame rate with and without, the landmark difference (px
   of the original frame, median and 95th percentile over visible landmarks) and the
   largest change of any summary metric.
2. **Two segments in parallel**: the clip's two halves extracted at once, each by its
   own landmarker on its own decoder (seeked to the half), in two threads
   (MediaPipe releases the GIL). VIDEO-mode tracking restarts at the boundary. Frame
   rate against one stream, and the landmark difference.

Baseline: gait's normal extraction of the same clip in the same run.

    .venv/bin/python benchmarks/bench_variants.py [CLIP ...] [--long-side 640]
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from _common import REAL_CLIP, REPO, clip_720p, frame_size, upscaled


def extract(clip: Path, long_side: int | None = None) -> tuple[Any, float]:
    """gait's extraction (no cache), optionally resizing frames; (PoseData, seconds)."""
    import cv2

    from gait import pose, video

    original = video.iter_frames

    def resized(*args: Any, **kwargs: Any) -> Iterator[video.Frame]:
        for f in original(*args, **kwargs):
            h, w = f.rgb.shape[:2]
            s = long_side / max(h, w) if long_side else 1.0
            if s < 1.0:
                size = (round(w * s), round(h * s))
                f = video.Frame(
                    f.index, f.time_s, cv2.resize(f.rgb, size, interpolation=cv2.INTER_AREA)
                )
            yield f

    pose.iter_frames = resized  # type: ignore[assignment]
    try:
        t0 = time.perf_counter()
        data = pose.extract(clip, cache=False, progress=False)
        return data, time.perf_counter() - t0
    finally:
        pose.iter_frames = original


def landmark_diff(a: Any, b: Any) -> tuple[float, float]:
    """Median and 95th percentile of the per-landmark pixel distance where both see it."""
    both = (a.visibility > 0.5) & (b.visibility > 0.5)
    d = np.linalg.norm(a.image_px[..., :2] - b.image_px[..., :2], axis=-1)[both]
    d = d[np.isfinite(d)]
    return (float(np.median(d)), float(np.percentile(d, 95))) if d.size else (np.nan, np.nan)


def metric_change(a: Any, b: Any) -> str:
    """The largest absolute change of a summary metric between two pose series."""
    from gait.analysis import analyze_pose

    sa = analyze_pose(a).summary.set_index("metric")["value"].astype(float)
    sb = analyze_pose(b).summary.set_index("metric")["value"].astype(float)
    diff = (sa - sb).abs().dropna()
    if diff.empty:
        return "no metric measurable"
    name = str(diff.idxmax())
    return f"largest metric change {diff.max():.2f} ({name}; {len(diff)} metrics)"


def segment_landmarks(clip: Path, start: int, stop: int, out: dict[int, np.ndarray]) -> None:
    """Normalised landmarks of frames [start, stop) from a fresh landmarker and decoder."""
    import cv2
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    from gait import models

    opts = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(models.ensure_model("full"))),
        running_mode=vision.RunningMode.VIDEO,
        num_poses=1,
    )
    cap = cv2.VideoCapture(str(clip))
    cap.set(cv2.CAP_PROP_POS_FRAMES, start)
    fps = cap.get(cv2.CAP_PROP_FPS)
    with vision.PoseLandmarker.create_from_options(opts) as lm:
        for i in range(start, stop):
            ok, bgr = cap.read()
            if not ok:
                break
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            res = lm.detect_for_video(
                mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), round(i * 1000 / fps)
            )
            if res.pose_landmarks:
                out[i] = np.array([(p.x, p.y) for p in res.pose_landmarks[0]])
    cap.release()


def segments(clip: Path, n_frames: int, parts: int) -> tuple[dict[int, np.ndarray], float]:
    edges = np.linspace(0, n_frames, parts + 1).round().astype(int)
    out: dict[int, np.ndarray] = {}
    threads = [
        threading.Thread(target=segment_landmarks, args=(clip, a, b, out))
        for a, b in itertools.pairwise(edges)
    ]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("clips", nargs="*", type=Path)
    ap.add_argument("--long-side", type=int, default=640)
    ap.add_argument("--no-segments", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="gait-bench-") as tmp:
        clips = list(args.clips)
        if not clips:
            base = clip_720p(Path(tmp))
            clips = [base, upscaled(base, Path(tmp))]
            clips += sorted(REAL_CLIP.parent.glob("*.mp4")) if REAL_CLIP.is_file() else []
            clips += sorted((REPO / "sample_videos").glob("side_*.mp4"))
        print(f"1. resize to a long side of {args.long_side} px before inference")
        for clip in dict.fromkeys(clips):
            full, t_full = extract(clip)
            small, t_small = extract(clip, args.long_side)
            med, p95 = landmark_diff(full, small)
            print(
                f"  {clip.name} ({frame_size(clip)}): speed {t_full / t_small:4.2f}x; "
                f"landmarks differ by median {med:.2f} px, p95 {p95:.2f} px; "
                f"{metric_change(full, small)}"
            )
        if args.no_segments:
            return 0
        print("2. two segments in parallel threads vs one stream (full model)")
        for clip in clips[:2]:
            one, t_one = extract(clip)
            seg, t_seg = segments(clip, one.n_frames, 2)
            ref = one.image_px[..., :2] / np.array([one.width, one.height])
            d = [
                np.abs(seg[i] - ref[i]).max() * one.height for i in seg if np.isfinite(ref[i]).all()
            ]
            print(
                f"  {clip.name}: speed {t_one / t_seg:4.2f}x; {len(seg)}/{one.n_frames} frames "
                f"with a pose; max landmark difference {np.percentile(d, 50):.2f} px median, "
                f"{np.max(d):.1f} px worst frame"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
