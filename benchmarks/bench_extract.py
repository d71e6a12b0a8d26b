"""Pose extraction speed: the project's extraction vs a bare decode + detect loop.

Both run in this process, on the same clip, with the same verified model bundle; the
bare loop is OpenCV decode, BGR->RGB and ``detect_for_video`` per frame, nothing else.
Each is run ``--repeats`` times, alternating, and the best run of each is compared.
Target (issue 2): project / bare >= 0.95.

    .venv/bin/python benchmarks/bench_extract.py [CLIP] [--model full] [--repeats 2]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

DEFAULT_CLIP = (
    Path(__file__).resolve().parents[2] / "shared/data/real/treadmill_side_male_garage_30fps.mp4"
)


def bare_loop(clip: Path, bundle: Path) -> tuple[int, float]:
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
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            landmarker.detect_for_video(
                mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), round(n * 1000 / fps)
            )
            n += 1
    cap.release()
    return n, time.perf_counter() - start


def project(clip: Path, model: str) -> tuple[int, float]:
    from gait import pose

    start = time.perf_counter()
    data = pose.extract(clip, options=pose.ExtractOptions(model=model), cache=False, progress=False)
    return data.n_frames, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clip", nargs="?", type=Path, default=DEFAULT_CLIP)
    parser.add_argument("--model", default="full")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    from gait import models

    bundle = models.ensure_model(args.model)
    bare, proj = [], []
    for _ in range(args.repeats):
        n_b, t_b = bare_loop(args.clip, bundle)
        n_p, t_p = project(args.clip, args.model)
        bare.append(n_b / t_b)
        proj.append(n_p / t_p)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ratio = max(proj) / max(bare)
    print(f"clip       {args.clip.name} ({n_b} frames), model {args.model}")
    print(f"bare loop  {max(bare):6.1f} fps  (runs: {', '.join(f'{v:.1f}' for v in bare)})")
    print(f"gait       {max(proj):6.1f} fps  (runs: {', '.join(f'{v:.1f}' for v in proj)})")
    print(f"ratio      {ratio:.3f}  (target >= 0.95)   peak RSS {peak_mb:.0f} MB")
    return 0 if ratio >= 0.95 else 1


if __name__ == "__main__":
    sys.exit(main())
