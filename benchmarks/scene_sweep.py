"""Exact synthetic runners in random scenes: does the analysis hold beyond the default camera?

Usage::

    python benchmarks/scene_sweep.py                      # side view, 40 scenes, ~10 s
    python benchmarks/scene_sweep.py --view rear -n 30 --seed 7
    python benchmarks/scene_sweep.py --noise-px 1   # with landmark jitter

``benchmarks/exact_sweep.py`` varies the runner; this varies the scene around the
default runner: treadmill or overground, frame rate (30, 60, 120 fps), camera height
(0.3-1.8 m), distance (3-9 m; 8-14 m overground from behind or in front, where the
runner recedes or approaches and passes the lab origin at mid-clip), lens (40-80 deg),
picture size (640 or 1280 wide) and, in three scenes of ten, a camera roll of up to
6 deg, from ``--seed``.  Printed: each scene with fewer than 5 valid strides (the
runner crossing a narrow picture is in view for a second or two: reported, not
judged), and each scene whose metrics miss the exact tier (0.5 deg / 1 %) or whose
valid strides' events are more than a frame off, with the roll and floor line the view
applied; then the counts.

Sweeps like this found: treadmill belt lines tilted 2-3 deg by the last airborne frames
of a landing and applied as a camera roll; no contact at all from the front overground;
a runner crossing the picture in 1.4 s called sped up 2x; the lowest pelvis of a
receding runner always at the contact; the first contacts of a runner receding close
to the camera 6-14 frames late (the swing foot, nearer the camera, below the landing's
level in the picture: see ``anchor_landings`` of ``gait.events.detect_events``).  Known
and left: toe-offs from behind and in
front 1.5-7 frames late (the synthetic toe leaves the floor slowly); a camera roll under
4 deg (plus what its estimate still moved in the last refinement pass) on a treadmill
levels the feet but not the angles (see ``gait.floor``); from the
front on a treadmill 3 m away the stance foot slides up the picture faster than the
foot-height contacts can follow (no valid stride);
from behind with the camera at ankle height (0.3-0.4 m) pelvic drop and knee FPPA
1.3-1.9 deg low, contacts 2 frames off at 30 fps; one rear treadmill scene (120 fps,
3.8 m, 1.5 m high) with a valid stride's contact 72 frames off (fixed: see below).
Measured at seed 5 (scenes judged / metrics within the tier / events within a frame):
side 25 / 16 / 25, rear 39 / 36 / 1, front 34 / 34 / 0 (the toe-off lag; rear 30 and
front 21 within the tier while the frontal leg length averaged in the swing leg).  With 1 px of
jitter the side
view's knee at contact reads up to 9 deg off where the runner is small (a 50-60 px leg
at 7-9 m in a 640-px picture: 1 px is 2 % of the leg); from behind on a treadmill with a
close, high camera (3.8 m, 1.5 m high) contacts come 70-80 ms late at 120 fps (the
first one, in a stance under way when the clip starts, was kept as valid 72 frames late:
now left out, see ``gait.events.CLIP_START_REASON``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from core_helpers import event_errors_frames, metric_errors, relative_ok

from gait.analysis import analyze_pose
from gait.errors import ConfigError
from gait.metrics import metrics_for_view
from gait.synth import RunnerParams, synth_landmarks

#: Fewest valid strides for the metrics to be judged.
MIN_VALID = 5


def draw(rng: np.random.Generator, view: str) -> dict[str, object]:
    """One random scene for ``view``."""
    treadmill = bool(rng.random() < 0.5)
    frontal = view in ("rear", "front")
    width = int(rng.choice([640, 1280]))
    return {
        "view": view,
        "treadmill": treadmill,
        "fps": float(rng.choice([30.0, 60.0, 120.0])),
        "camera_height_m": float(rng.uniform(0.3, 1.8)),
        "camera_distance_m": float(
            rng.uniform(8.0, 14.0) if frontal and not treadmill else rng.uniform(3.0, 9.0)
        ),
        "camera_hfov_deg": float(rng.uniform(40, 80)),
        "camera_roll_deg": float(rng.uniform(-6, 6)) if rng.random() < 0.3 else 0.0,
        "width_px": width,
        "height_px": width * 9 // 16,
        "duration_s": 4.0,
    }


def _short(scene: dict[str, object]) -> str:
    keys = ("treadmill", "fps", "camera_height_m", "camera_distance_m", "camera_hfov_deg")
    text = " ".join(
        f"{k.replace('camera_', '')}={v:.2f}" if isinstance(v, float) else f"{k}={v}"
        for k, v in scene.items()
        if k in keys
    )
    return f"{text} roll={scene['camera_roll_deg']:.1f} {scene['width_px']}px"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=40, help="number of scenes")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--noise-px", type=float, default=0.0, help="landmark jitter (px)")
    ap.add_argument(
        "--view", default="side_right", choices=["side_right", "side_left", "rear", "front"]
    )
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    names = metrics_for_view("side" if args.view.startswith("side") else "rear")
    t0 = time.perf_counter()
    built = few = tier = events_ok = refused = 0
    for i in range(args.n):
        scene = draw(rng, args.view)
        scene["noise_px"] = args.noise_px
        try:
            pose, truth = synth_landmarks(RunnerParams(**scene))  # type: ignore[arg-type]
        except ConfigError as exc:
            refused += 1
            print(f"{i:3d} refused: {exc}")
            continue
        built += 1
        res = analyze_pose(pose)
        n_valid = int(res.strides["valid"].sum())
        if n_valid < MIN_VALID:
            few += 1
            print(f"{i:3d} {_short(scene)}: {n_valid} valid strides ({res.warnings[0][:60]}...)")
            continue
        errs = metric_errors(res, truth)
        bad = {
            k: round(errs[k], 2)
            for k in names
            if not relative_ok(k, errs[k], truth["metrics_image"][k]["overall"], deg=0.5, rel=0.01)
        }
        res.events = res.events[res.events["valid"]]
        off = {
            k: round(float(np.max(np.abs(v))), 2)
            for k, v in event_errors_frames(res, truth).items()
            if v.size and np.max(np.abs(v)) > 1.0
        }
        tier += not bad
        events_ok += not off
        if bad or off:
            print(
                f"{i:3d} {_short(scene)}: {res.view.setting}, roll {res.view.roll_deg:+.2f} "
                f"floor {res.view.events_roll_deg:+.2f}, {n_valid} valid; beyond "
                f"{bad or '-'}; events > 1 frame {off or '-'}"
            )
    judged = built - few
    print(
        f"scenes {args.n}: built {built} (ConfigError {refused}), fewer than {MIN_VALID} valid "
        f"strides {few}; of the {judged} judged, metrics within the exact tier {tier}, "
        f"valid strides' events within a frame {events_ok} ({time.perf_counter() - t0:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
