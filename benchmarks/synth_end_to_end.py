"""End to end on synthetic clips: render → MediaPipe → gait analysis, against the truth.

Usage::

    python benchmarks/synth_end_to_end.py                 # the clips in sample_videos/
    python benchmarks/synth_end_to_end.py --videos DIR     # any clips with .truth.json

For every metric the clip's view supports it prints the analyzer's summary value, the
truth a perfect pose model would give through this camera (``metrics_image``) and the
difference.  Uses ``gait.pose.extract_with_bundle`` and ``gait.analysis.analyze_pose``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from gait.synth import load_truth
from gait.synth.detect import model_path
from gait.synth.render import truth_path_for


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--videos", type=Path, default=Path("sample_videos"))
    args = ap.parse_args()
    from gait.analysis import analyze_pose
    from gait.pose import extract_with_bundle

    model = model_path()
    if model is None:
        raise SystemExit("no pose model found")
    for video in sorted(args.videos.glob("*.mp4")):
        truth = load_truth(truth_path_for(video))
        pose = extract_with_bundle(video, model)
        res = analyze_pose(pose)
        summary = res.summary.set_index("metric")
        print(
            f"{video.name} ({truth['params']['view']}, {pose.frames_with_pose}/{pose.n_frames} "
            "frames with a pose)"
        )
        for name in summary.index:
            raw = summary.loc[name, "value"]
            value = float(raw) if raw is not None else float("nan")
            if not np.isfinite(value):
                continue
            want = truth["metrics_image"].get(name, truth["metrics"][name])["overall"]
            print(
                f"   {name:34s} measured {value:7.2f}  truth {want:7.2f}  diff {value - want:+7.2f}"
            )


if __name__ == "__main__":
    main()
