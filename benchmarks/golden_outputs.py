"""Golden outputs: does a change that should change nothing change nothing?

Usage::

    python benchmarks/golden_outputs.py write /tmp/golden        # before the change
    python benchmarks/golden_outputs.py compare /tmp/golden      # after it
    python benchmarks/golden_outputs.py compare /tmp/golden --only scene_   # a subset

Runs :func:`gait.analysis.analyze_pose` over a fixed corpus and keeps each result's
events, strides, summary, warnings and view; ``compare`` runs it again and reports every
case whose tables differ at all (exact equality, NaN = NaN) - the check behind a
refactor said to change no output.  The corpus: the exact synthetic runner in every view
at 30, 60 and 120 fps and its midfoot and forefoot variants; the noisy runner (seeds
0-2, side and rear, the three frame rates); the first 40 side and 20 rear runners of
``exact_sweep.py`` and 15 scenes per view of ``scene_sweep.py``; and, where present,
the motion capture and the real clips (``../shared/data`` or ``$GAIT_TEST_DATA``), the
sample clips (landmarks cached after the first extraction) and the side sample runners
rendered at 60 and 120 fps (``--renders DIR`` holding ``{name}_{fps}.pose.npz``, or the
clips ``{name}_{fps}fps.mp4`` that ``benchmarks/rendered_fps.py --keep DIR`` leaves there,
their landmarks cached after the first extraction).  About 170 cases, 20-30 s once the
landmarks are cached.
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from gait.analysis import AnalysisResult, analyze_pose  # noqa: E402
from gait.posedata import PoseData, load  # noqa: E402
from gait.synth import RunnerParams, synth_landmarks  # noqa: E402

SIDE_SAMPLES = ("side_good_form", "side_compensations", "before_side", "after_side")
REAR_SAMPLES = ("rear_good_form", "rear_compensations")


def _data_dir() -> Path:
    env = os.environ.get("GAIT_TEST_DATA")
    return Path(env) if env else ROOT.parent / "shared" / "data"


def _synthetic(**kw: Any) -> Callable[[], PoseData]:
    return lambda: synth_landmarks(RunnerParams(**kw))[0]


def cases(renders: Path | None) -> Iterator[tuple[str, Callable[[], PoseData]]]:
    """(name, a function giving the landmarks) of every case."""
    from exact_sweep import draw as draw_runner
    from scene_sweep import draw as draw_scene

    for view in ("side_right", "side_left", "rear", "front"):
        for fps in (30.0, 60.0, 120.0):
            yield f"exact_{view}_{fps:g}", _synthetic(view=view, fps=fps, duration_s=5.0)
    for strike in ("midfoot", "forefoot"):
        for fps in (30.0, 60.0, 120.0):
            runner = _synthetic(fps=fps, duration_s=5.0, foot_strike=strike)
            yield f"strike_{strike}_{fps:g}", runner
    noisy = {"duration_s": 6.0, "noise_px": 1.0, "dropout_fraction": 0.05, "n_leg_swaps": 3}
    for seed in range(3):
        for fps in (30.0, 60.0, 120.0):
            for view in ("side_right", "rear"):
                yield (
                    f"noisy_{view}_{fps:g}_{seed}",
                    _synthetic(fps=fps, seed=seed, view=view, **noisy),
                )
    for view, count in (("side_right", 40), ("rear", 20)):
        rng = np.random.default_rng(1)
        for i in range(count):
            params, fps = draw_runner(rng)
            yield f"sweep_{view}_{i}", _synthetic(**params, view=view, fps=fps, duration_s=5.0)
    for view in ("side_right", "rear", "front"):
        rng = np.random.default_rng(5)
        for i in range(15):
            yield f"scene_{view}_{i}", _synthetic(**draw_scene(rng, view))
    data = _data_dir()
    if (data / "mocap").is_dir():
        from gait import mocap

        trc = data / "mocap" / "mocap_dorn2012_jog3p5ms_markers.trc"
        for view in ("side", "rear"):
            for step in (1, 2, 5):
                yield (
                    f"mocap_{view}_{step}",
                    lambda v=view, s=step: mocap.markers_to_pose(trc, v, step=s),
                )
        yield (
            "mocap_rear_4m",
            lambda: mocap.markers_to_pose(trc, "rear", step=2, distance_mm=4000.0),
        )
    from gait import pose as gpose

    for name in SIDE_SAMPLES + REAR_SAMPLES:
        clip = ROOT / "sample_videos" / f"{name}.mp4"
        yield f"render_{name}_30", lambda c=clip: gpose.extract(c, progress=False)
        for fps in (60, 120):
            if renders is None:
                continue
            npz, video = renders / f"{name}_{fps}.pose.npz", renders / f"{name}_{fps}fps.mp4"
            if npz.exists():
                yield f"render_{name}_{fps}", lambda p=npz: load(p)
            elif video.exists():
                yield f"render_{name}_{fps}", lambda c=video: gpose.extract(c, progress=False)
    for clip in sorted((data / "real").glob("*.mp4")):
        yield f"real_{clip.stem}", lambda c=clip: gpose.extract(c, progress=False)


def snapshot(res: AnalysisResult) -> dict[str, Any]:
    return {
        "events": res.events.copy(),
        "strides": res.strides.copy(),
        "summary": res.summary.copy(),
        "warnings": list(res.warnings),
        "view": repr(res.view),
    }


def difference(ref: dict[str, Any], new: dict[str, Any]) -> str | None:
    """The first difference between two snapshots, or None."""
    if "error" in ref or "error" in new:
        return None if ref == new else f"error {ref.get('error')} -> {new.get('error')}"
    for key, was in ref.items():
        now = new[key]
        if isinstance(was, pd.DataFrame):
            try:
                pd.testing.assert_frame_equal(was, now, check_exact=True)
            except AssertionError as exc:
                return f"{key}: {' '.join(str(exc).split())[:300]}"
        elif was != now:
            return f"{key}: {was!r:.150} -> {now!r:.150}"
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=["write", "compare"])
    ap.add_argument("folder", type=Path, help="where the snapshots are kept")
    ap.add_argument("--only", default="", help="only the cases whose name contains this")
    ap.add_argument("--renders", type=Path, help="folder of 60/120-fps rendered landmarks or clips")
    args = ap.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    n = differ = missing = 0
    for name, make in cases(args.renders):
        if args.only not in name:
            continue
        n += 1
        try:
            snap: dict[str, Any] = snapshot(analyze_pose(make()))
        except Exception as exc:  # a refused synthetic runner is a result too
            snap = {"error": repr(exc)}
        path = args.folder / f"{name}.pkl"
        if args.mode == "write":
            path.write_bytes(pickle.dumps(snap))
            continue
        if not path.exists():
            missing += 1
            print(f"NEW  {name}: no snapshot")
            continue
        diff = difference(pickle.loads(path.read_bytes()), snap)
        if diff:
            differ += 1
            print(f"DIFF {name}: {diff}")
    tail = "" if args.mode == "write" else f", {differ} differ, {missing} without a snapshot"
    print(f"{args.mode}: {n} cases{tail} ({time.perf_counter() - t0:.0f} s)")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
