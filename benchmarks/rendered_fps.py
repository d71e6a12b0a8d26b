"""The side sample runners rendered at higher frame rates, through MediaPipe, vs the truth.

Usage::

    python benchmarks/rendered_fps.py                      # 4 side runners at 60 and 120 fps
    python benchmarks/rendered_fps.py --fps 120 --clips side_good_form --keep /tmp/clips
    python benchmarks/rendered_fps.py --fps 30 60 120 --clips rear_good_form rear_compensations

Renders each runner of ``gait.synth.samples.SAMPLES`` at the given frame rates (5 s,
640x360, into a temporary folder unless ``--keep``), extracts the landmarks (full model)
and analyses them.  Per clip it prints: the share of frames where the feet are apart
(> 0.3 leg) whose repaired leg labels match the truth; the valid strides; the mean and
largest absolute error of the detected IC and TO (ms, each true event away from the
clip's ends matched to the nearest detected one of its foot within 150 ms) and how many
true and detected events found no match; and the contact-time error of the summary
against the truth (side views).  Takes about 20 s per clip on a 2-core machine.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

SIDE_RUNNERS = ("side_good_form", "side_compensations", "before_side", "after_side")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--fps", type=float, nargs="+", default=[60.0, 120.0])
    ap.add_argument("--clips", nargs="+", default=list(SIDE_RUNNERS))
    ap.add_argument("--keep", type=Path, default=None, help="folder for the rendered clips")
    args = ap.parse_args()
    from gait import pose
    from gait.analysis import analyze_pose
    from gait.synth import load_truth
    from gait.synth.detect import event_errors_ms, label_agreement, model_path
    from gait.synth.render import truth_path_for
    from gait.synth.samples import sample_at_fps

    if model_path() is None:
        raise SystemExit("no pose model found: run scripts/install")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for name in args.clips:
            for fps in args.fps:
                video = sample_at_fps(name, fps, folder)
                truth = load_truth(truth_path_for(video))
                data = pose.extract(video, progress=False)
                res = analyze_pose(data)
                true_xy = np.asarray(truth["frames"]["image_px"], dtype=float)[..., :2]
                end_s = data.n_frames / data.fps
                parts = [
                    f"{name:18s} {fps:5g} fps  labels {label_agreement(data, true_xy):.3f}",
                    f"valid {int(res.strides['valid'].sum()):2d}/{len(res.strides):2d}",
                ]
                for kind in ("ic", "to"):
                    err, unmatched = event_errors_ms(res.events, truth, kind, end_s)
                    parts.append(
                        f"{kind} |err| mean {np.mean(np.abs(err)):3.0f} max "
                        f"{np.max(np.abs(err)):3.0f} ms, {unmatched} unmatched"
                    )
                if res.view.kind == "side":  # a rear view does not measure contact time
                    want = truth["metrics_image"]["contact_time_ms"]["overall"]
                    parts.append(f"contact time {res.metric('contact_time_ms') - want:+4.0f} ms")
                print("  ".join(parts), flush=True)


if __name__ == "__main__":
    main()
