"""Benchmark of the gait core: one hour of 60-fps landmarks (216,000 frames).

Runs cleaning + view + events + metrics + summary (:func:`gait.analysis.analyze_pose`)
on a synthetic runner with landmark jitter (so the low-pass path runs), prints the time
per stage, the peak memory allocated during the analysis (tracemalloc), and the ratio
against a baseline measured in the same run: one bare vectorised numpy pass over the
same landmark array (frame-to-frame displacement of every landmark, then its mean).

Usage::

    .venv/bin/python benchmarks/bench_core.py [--minutes 60] [--fps 60]
"""

from __future__ import annotations

import argparse
import dataclasses
import time
import tracemalloc

import numpy as np

from gait.analysis import analyze_pose
from gait.posedata import PoseData


def make_pose(minutes: float, fps: float) -> PoseData:
    """A long clip: one minute of the synthetic runner tiled (170 spm: 85 whole strides
    per minute, so the tiles join without a seam), with fresh jitter per tile."""
    from gait.synth import RunnerParams, synth_landmarks

    base, _ = synth_landmarks(RunnerParams(fps=fps, duration_s=60.0), with_truth=False)
    reps = int(np.ceil(minutes))
    n = round(minutes * 60 * fps)
    rng = np.random.default_rng(0)
    image = np.tile(base.image_px, (reps, 1, 1))[:n]
    image[..., :2] += rng.normal(scale=1.0, size=image[..., :2].shape)
    return dataclasses.replace(
        base,
        image_px=image,
        visibility=np.tile(base.visibility, (reps, 1))[:n],
        presence=np.tile(base.presence, (reps, 1))[:n],
        world_m=np.tile(base.world_m, (reps, 1, 1))[:n],
        time_s=np.arange(n) / fps,
        frame_index=np.arange(n),
    )


def baseline(pose: PoseData) -> float:
    """One bare numpy pass over the landmark array (the yardstick)."""
    d = np.linalg.norm(np.diff(pose.image_px[..., :2], axis=0), axis=-1)
    return float(np.nanmean(d))


def best_of(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--fps", type=float, default=60.0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    pose = make_pose(args.minutes, args.fps)
    print(f"{pose.n_frames} frames at {pose.fps:g} fps ({pose.n_frames / pose.fps / 60:.0f} min)")
    t_base = best_of(lambda: baseline(pose), args.repeat)
    t_core = best_of(lambda: analyze_pose(pose), args.repeat)
    tracemalloc.start()
    res = analyze_pose(pose)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    n_valid = int(res.strides["valid"].sum())
    print(f"baseline numpy pass : {t_base:8.3f} s")
    print(f"analyze_pose        : {t_core:8.3f} s   ({t_core / t_base:.1f}x the baseline)")
    nbytes = pose.image_px.nbytes + pose.world_m.nbytes + 2 * pose.visibility.nbytes
    print(f"peak memory (traced): {peak / 2**20:8.1f} MiB  (input arrays {nbytes / 2**20:.0f} MiB)")
    cadence = res.metric("cadence_spm")
    print(f"strides: {len(res.strides)} ({n_valid} valid), cadence {cadence:.1f} spm")
    target = 2.0 * pose.n_frames / 216_000
    print("target under {:.1f} s: {}".format(target, "met" if t_core < target else "NOT met"))
    return 0 if t_core < target else 1


if __name__ == "__main__":
    raise SystemExit(main())
