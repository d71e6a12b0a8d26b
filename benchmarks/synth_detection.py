"""MediaPipe on rendered synthetic clips: detection rate and per-landmark pixel bias.

Usage::

    python benchmarks/synth_detection.py                      # renders 2 s per view
    python benchmarks/synth_detection.py --videos sample_videos   # existing clips + truth

For every clip it decodes the .mp4, runs PoseLandmarker (full model, VIDEO mode) and
compares with the true projected joints of the model (``<clip>.truth.json``): detection
rate, and mean / median pixel error per landmark (and as % of the runner's pixel height).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from gait.posedata import LANDMARK_NAMES
from gait.synth import RunnerParams, load_truth
from gait.synth.detect import detect_frames, model_path, read_video
from gait.synth.render import render_video, truth_path_for

SHOWN = [0, 7, 8, *range(11, 17), *range(23, 33)]


def _knee(x: np.ndarray, side: str) -> np.ndarray:
    """2-D knee flexion (k,) degrees from image landmarks (k, 33, 2+)."""
    i = {"left": (23, 25, 27), "right": (24, 26, 28)}[side]
    u, v = x[:, i[0], :2] - x[:, i[1], :2], x[:, i[2], :2] - x[:, i[1], :2]
    cos = (u * v).sum(-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    return np.asarray(180.0 - np.degrees(np.arccos(np.clip(cos, -1, 1))))


def _foot(x: np.ndarray, side: str, flip: float) -> np.ndarray:
    """Sole angle heel -> toe (k,) degrees, toe up positive, for a runner facing ``flip``."""
    heel, toe = {"left": (29, 31), "right": (30, 32)}[side]
    d = x[:, toe, :2] - x[:, heel, :2]
    return np.asarray(np.degrees(np.arctan2(-d[:, 1], flip * d[:, 0])))


def report(video: Path, model: Path) -> np.ndarray:
    """Print the numbers of one clip; return its (frames, 33) pixel errors."""
    truth = load_truth(truth_path_for(video))
    true = np.asarray(truth["frames"]["image_px"], dtype=float)
    t0 = time.perf_counter()
    frames, fps = read_video(video)
    det = detect_frames(frames, fps, model)
    ok = ~np.isnan(det[:, 0, 0])
    err = np.linalg.norm(det[ok, :, :2] - true[ok, :, :2], axis=-1)
    height = true[:, 29:31, 1].max() - true[:, 7:9, 1].min()
    print(
        f"{video.name}: detected {ok.mean() * 100:.1f}% of {len(frames)} frames, runner "
        f"~{height:.0f} px tall ({time.perf_counter() - t0:.1f} s)"
    )
    bias = np.nanmean(det[ok, :, :2] - true[ok, :, :2], axis=0)  # (33, 2) signed px
    for k in SHOWN:
        mean, med = err[:, k].mean(), np.median(err[:, k])
        print(
            f"   {LANDMARK_NAMES[k]:18s} |err| mean {mean:5.1f} median {med:5.1f} px "
            f"({med / height * 100:4.1f} % height); bias dx {bias[k, 0]:+5.1f} "
            f"dy {bias[k, 1]:+5.1f} px"
        )
    if truth["params"]["view"].startswith("side"):
        flip = 1.0 if truth["params"]["view"] == "side_right" else -1.0
        for event in ("ic_s", "ms_s", "to_s"):
            parts = []
            for side in ("left", "right"):
                idx = [round(t * fps) for t in truth["events"][side][event]]
                idx = [i for i in idx if i < len(det) and ok[i]]
                dk = _knee(det[idx], side) - _knee(true[idx], side)
                df = _foot(det[idx], side, flip) - _foot(true[idx], side, flip)
                parts.append(f"{side}: knee {np.mean(dk):+5.1f} foot {np.mean(df):+5.1f}")
            print(
                f"   angle error (detected - true, deg) at {event[:2].upper()}: " + "; ".join(parts)
            )
    la, ra = true[ok, 27, :2], true[ok, 28, :2]
    dl = det[ok, 27, :2]
    swapped = np.linalg.norm(dl - ra, axis=-1) < np.linalg.norm(dl - la, axis=-1)
    print(f"   left ankle nearer the true right ankle on {swapped.mean() * 100:.1f}% of frames")
    return err


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--videos", type=Path, default=None, help="folder of clips with truth")
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--width", type=int, default=480)
    ap.add_argument("--fps", type=float, default=30.0)
    args = ap.parse_args()
    model = model_path()
    if model is None:
        raise SystemExit("no pose model found")
    if args.videos is not None:
        for video in sorted(args.videos.glob("*.mp4")):
            report(video, model)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for view in ("side_left", "side_right", "rear", "front"):
            p = RunnerParams(
                view=view,
                duration_s=args.seconds,
                width_px=args.width,
                height_px=round(args.width * 9 / 16),
                fps=args.fps,
            )
            video = Path(tmp) / f"{view}.mp4"
            render_video(p, video)
            report(video, model)


if __name__ == "__main__":
    main()
