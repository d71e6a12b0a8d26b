"""The side sample runners rendered at higher frame rates, through MediaPipe, vs the truth.

Usage::

    python benchmarks/rendered_fps.py                      # 4 side runners at 60 and 120 fps
    python benchmarks/rendered_fps.py --fps 120 --clips side_good_form --keep /tmp/clips
    python benchmarks/rendered_fps.py --fps 30 60 120 --clips rear_good_form rear_compensations
    python benchmarks/rendered_fps.py --fps 30 60 120 --models full heavy --keep /tmp/clips

Renders each runner of ``gait.synth.samples.SAMPLES`` at the given frame rates (5 s,
640x360, into a temporary folder unless ``--keep``), extracts the landmarks (full model, or
each of ``--models``) and analyses them.  Per clip it prints: the share of frames where
the feet are apart (> 0.3 leg) whose repaired leg labels match the truth; the valid
strides; the mean and largest absolute error of the detected IC and TO (ms, each true
event away from the clip's ends matched to the nearest detected one of its foot within
150 ms) and how many true and detected events found no match; and the contact-time and
knee-at-contact errors of the summary against the truth (side views).  Then, per model,
the means over the clips.  Takes about 20 s per clip and model on a 2-core machine
(heavy about twice that).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

SIDE_RUNNERS = ("side_good_form", "side_compensations", "before_side", "after_side")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--fps", type=float, nargs="+", default=[60.0, 120.0])
    ap.add_argument("--clips", nargs="+", default=list(SIDE_RUNNERS))
    ap.add_argument("--keep", type=Path, default=None, help="folder for the rendered clips")
    ap.add_argument("--models", nargs="+", default=["full"], choices=("lite", "full", "heavy"))
    args = ap.parse_args()
    from gait import pose
    from gait.analysis import analyze_pose
    from gait.pose import ExtractOptions
    from gait.synth import load_truth
    from gait.synth.detect import model_path
    from gait.synth.render import truth_path_for
    from gait.synth.samples import sample_at_fps

    if model_path() is None:
        raise SystemExit("no pose model found: run scripts/install")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        means: dict[str, dict[str, list[float]]] = {m: {} for m in args.models}
        for name in args.clips:
            for fps in args.fps:
                video = sample_at_fps(name, fps, folder)
                truth = load_truth(truth_path_for(video))
                for model in args.models:
                    data = pose.extract(video, options=ExtractOptions(model=model), progress=False)
                    parts = _clip_row(data, analyze_pose(data), truth, means[model])
                    print(f"{name:18s} {fps:5g} fps  {model:5s}  " + "  ".join(parts), flush=True)
        for model, got in means.items():
            cells = [f"{k} {np.mean(v):5.2f} ({len(v)})" for k, v in got.items()]
            print(f"{model:5s} means over the clips: " + ", ".join(cells))


def _clip_row(data: Any, res: Any, truth: dict, means: dict[str, list[float]]) -> list[str]:
    """One clip's figures as text; their values are appended to ``means`` too."""
    from gait.synth.detect import event_errors_ms, label_agreement

    true_xy = np.asarray(truth["frames"]["image_px"], dtype=float)[..., :2]
    end_s = data.n_frames / data.fps
    labels = label_agreement(data, true_xy)
    valid = float(res.strides["valid"].sum())
    parts = [f"labels {labels:.3f}", f"valid {int(valid):2d}/{len(res.strides):2d}"]
    got = {"labels": labels, "valid share": valid / max(len(res.strides), 1)}
    for kind in ("ic", "to"):
        err, unmatched = event_errors_ms(res.events, truth, kind, end_s)
        parts.append(
            f"{kind} |err| mean {np.mean(np.abs(err)):3.0f} max "
            f"{np.max(np.abs(err)):3.0f} ms, {unmatched} unmatched"
        )
        got[f"{kind} |err| ms"] = float(np.mean(np.abs(err)))
    if res.view.kind == "side":  # a rear view does not measure contact time
        image = truth["metrics_image"]
        ct = res.metric("contact_time_ms") - image["contact_time_ms"]["overall"]
        knee = res.metric("knee_flexion_ic_deg") - image["knee_flexion_ic_deg"]["overall"]
        parts += [f"contact time {ct:+4.0f} ms", f"knee at contact {knee:+5.1f} deg"]
        got |= {"|contact time| ms": abs(ct), "|knee at contact| deg": abs(knee)}
    for key, value in got.items():
        if np.isfinite(value):
            means.setdefault(key, []).append(value)
    return parts


if __name__ == "__main__":
    main()
