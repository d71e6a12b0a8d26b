"""A hand-held camera's sway over random treadmill runners: what it does, and how much
steadying the picture on the hips (:mod:`gait.sway`) gives back.

Usage::

    python benchmarks/sway_sweep.py                  # 10 px of sway, 24 runners
    python benchmarks/sway_sweep.py --sway-px 4 --seed 2

Each runner is drawn as in ``benchmarks/exact_sweep.py``, filmed from the side on a
treadmill (640x360, legs about 110 px) with 1 px of jitter for 8 s, and analysed as
filmed and with the whole picture moved: a slow random sway (Gaussian-smoothed noise,
about 1 Hz, ``--sway-px`` SD in x and y) plus 0.5 px of shake a frame.  The swaying
clip is analysed twice: as the analysis runs (steadied when the hips' slow height
sways by :data:`gait.sway.MIN_SWAY_LEG` or more) and with the steadying turned off.
Per runner: the valid strides, the side metrics that moved from the still clip's by
more than 2 deg / 2 % (3 % for times and cadence), and the contacts of valid strides
more than 2 frames off the truth.  Totals at the end.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path
from unittest import mock

import numpy as np
from scipy.ndimage import gaussian_filter1d

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from core_helpers import event_errors_frames
from exact_sweep import draw

from gait import sway
from gait.analysis import AnalysisResult, analyze_pose
from gait.errors import ConfigError
from gait.metrics import metrics_for_view
from gait.synth import RunnerParams, synth_landmarks


def moved(still: AnalysisResult, other: AnalysisResult) -> int:
    """How many side metrics moved beyond 2 deg / 2 % leg or % (3 % for ms and spm)."""
    count = 0
    for name in metrics_for_view("side"):
        a, b = still.metric(name), other.metric(name)
        tol = 2.0 if name.endswith(("_deg", "_pct", "_pct_leg")) else 0.03 * abs(a)
        count += not (np.isfinite(a) and np.isfinite(b)) or abs(b - a) > tol
    return count


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=24, help="number of runners")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sway-px", type=float, default=10.0, help="SD of the slow sway (px)")
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    t0 = time.perf_counter()
    totals = {"still": [0, 0, 0], "swaying": [0, 0, 0], "steadied": [0, 0, 0]}
    built = steadied_clips = 0
    for i in range(args.n):
        params, fps = draw(rng)
        view = str(rng.choice(["side_right", "side_left"]))
        try:
            rp = RunnerParams(**params, view=view, fps=fps, duration_s=8.0, noise_px=1.0, seed=i)  # type: ignore[arg-type]
            pose, truth = synth_landmarks(rp)
        except ConfigError:
            continue
        built += 1
        n = pose.n_frames
        walk = gaussian_filter1d(rng.normal(size=(n, 2)), sigma=0.25 * fps, axis=0)
        walk *= args.sway_px / walk.std(axis=0)
        walk += rng.normal(scale=0.5, size=(n, 2))
        image = pose.image_px.copy()
        image[..., :2] += walk[:, None, :]
        swaying = dataclasses.replace(pose, image_px=image)
        still = analyze_pose(pose)
        with mock.patch.object(sway, "MIN_SWAY_LEG", np.inf):
            raw = analyze_pose(swaying)
        steady = analyze_pose(swaying)
        steadied_clips += bool(steady.cleaned.settings.get("camera_steadied"))
        line = f"{i:3d} {view:10s} {fps:3.0f} fps"
        for label, res in (("still", still), ("swaying", raw), ("steadied", steady)):
            valid = res.events[res.events["valid"]]
            errs = event_errors_frames(dataclasses.replace(res, events=valid), truth)["ic"]
            got = [
                int(res.strides["valid"].sum()),
                moved(still, res),
                int((np.abs(errs) > 2).sum()),
            ]
            totals[label] = [a + b for a, b in zip(totals[label], got, strict=True)]
            line += f" | {label}: valid {got[0]:2d}, moved {got[1]}, IC > 2 frames {got[2]}"
        print(line, flush=True)
    print(f"runners {built}, {args.sway_px:g} px of sway; steadied {steadied_clips}")
    for label, (valid, nmoved, off) in totals.items():
        print(
            f"  {label:9s}: valid strides {valid}, metrics moved {nmoved}, "
            f"contacts > 2 frames {off}"
        )
    print(f"({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
