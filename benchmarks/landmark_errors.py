"""How a pose model's landmark errors split into a part that repeats every stride and a
random remainder, on rendered synthetic runners - and the same split of the noisy
synthetic runner, whose jitter the tests use as "realistic noise".

Usage::

    python benchmarks/landmark_errors.py                   # 2 side runners at 30, 60, 120 fps
    python benchmarks/landmark_errors.py --fps 30 --clips side_compensations --keep /tmp/c
    python benchmarks/landmark_errors.py --fps 30 --clips rear_good_form rear_compensations

Each sample runner (``gait.synth.samples.SAMPLES``) is rendered at each frame rate (5 s,
640x360; into a temporary folder unless ``--keep`` holds it already), MediaPipe's
landmarks (full model, VIDEO mode) are extracted and their leg labels repaired
(``gait.clean.repair_leg_swaps``), and for the hip, knee, ankle, heel and toe of the near
and the far leg (left and right from behind) the error against the truth is split by
``gait.synth.detect.landmark_error_parts``: the phase-locked part (the mean error at the
same moment of the stride - a landmark bias the median over strides keeps), the random
rest (RMS, robust SD and robust frame-to-frame SD) - in pixels on the 118-px leg of these
clips.  The last rows split the synthetic runner's own noise the same way (1 px, far leg
2 px, at 60 fps), which should read about 1 and 2 px random and nothing locked.  About
20 s per clip on a 2-core machine.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

POINTS = ("hip", "knee", "ankle", "heel", "foot_index")


def _rows(detected: np.ndarray, true: np.ndarray, time_s: np.ndarray, truth: dict) -> list[str]:
    from gait.posedata import LANDMARK_INDEX
    from gait.synth.detect import landmark_error_parts

    near = truth["derived"].get("near_side")  # None from behind or in front
    far = "left" if near == "right" else "right"
    legs = (("near", near), ("far", far)) if near else (("left", "left"), ("right", "right"))
    ic = np.asarray(truth["events"]["left"]["ic_s"], dtype=float)
    out = []
    for point in POINTS:
        for which, side in legs:
            j = LANDMARK_INDEX[f"{side}_{point}"]
            p = landmark_error_parts(detected[:, j], true[:, j], time_s, ic)
            out.append(
                f"  {which:5s} {point:10s} total {p['total_rms']:4.1f}  locked "
                f"{p['locked_rms']:4.1f}  random rms {p['random_rms']:4.1f} sd "
                f"{p['random_sd']:4.2f} step sd {p['random_step_sd']:4.2f}"
            )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--fps", type=float, nargs="+", default=[30.0, 60.0, 120.0])
    ap.add_argument("--clips", nargs="+", default=["side_good_form", "before_side"])
    ap.add_argument("--keep", type=Path, default=None, help="folder for the rendered clips")
    args = ap.parse_args()
    from gait import pose
    from gait.clean import gate_visibility, repair_leg_swaps
    from gait.synth import RunnerParams, load_truth, synth_landmarks
    from gait.synth.detect import model_path
    from gait.synth.render import truth_path_for
    from gait.synth.samples import sample_at_fps

    if model_path() is None:
        raise SystemExit("no pose model found: run scripts/install")
    print("pixels; locked = repeats every stride, random = the rest (sd, step sd: robust)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        for name in args.clips:
            for fps in args.fps:
                video = sample_at_fps(name, fps, folder)
                truth = load_truth(truth_path_for(video))
                data = pose.extract(video, progress=False)
                repaired = repair_leg_swaps(gate_visibility(data))[0]
                true = np.asarray(truth["frames"]["image_px"], dtype=float)[..., :2]
                print(f"{name} {fps:g} fps, MediaPipe", flush=True)
                for line in _rows(repaired.image_px[..., :2], true, data.time_s, truth):
                    print(line, flush=True)
    params = RunnerParams(fps=60.0, duration_s=6.0, noise_px=1.0, seed=0)
    noisy, truth = synth_landmarks(params)
    exact, _ = synth_landmarks(RunnerParams(fps=60.0, duration_s=6.0))
    print("synthetic runner, noise 1 px (far leg 2 px), 60 fps")
    for line in _rows(noisy.image_px[..., :2], exact.image_px[..., :2], noisy.time_s, truth):
        print(line)


if __name__ == "__main__":
    main()
