"""Exact synthetic landmarks over random runners: does the exact tier hold beyond the defaults?

Usage::

    python benchmarks/exact_sweep.py                 # 90 runners, side view, ~4 minutes
    python benchmarks/exact_sweep.py -n 30 --seed 7 --view rear
    python benchmarks/exact_sweep.py --param stance_shape=running   # fixed extra parameters

The test suite checks the exact tier (every metric within 0.5 deg / 1 %, every event
within a frame; ``tests/test_metrics.py``) on the default runner and on each strike
pattern.  Here every runner draws its cadence (150-195), stance fraction (0.28-0.42),
trunk lean, knee flexion at contact and midstance, ankle dorsiflexion, overstride,
strike pattern, pelvic drop, knee valgus, lateral lean, step width and height from
plausible ranges, and a frame rate (30, 60 or 120 fps), from ``--seed``.  Printed: each
runner that misses, with the metrics beyond their bound and the events more than a frame
off; then how many could be built (the rest raise ConfigError: no room between landing
and midstance, or no swing that clears the floor), met the whole tier, and had every
event within a frame - per frame rate and strike pattern, with (side views) the median
over those runners of each one's median contact error in frames (+ late) and the mean
absolute error of its knee flexion at contact in degrees.  Last, the same counts split by
whether the runner's synthetic swing needs a late clearance lift
(:attr:`gait.synth.kinematics.RunnerModel.clearance_lift_m`): the knee undoes that lift
in the last third of the swing, and a knee nearly straight at contact then extends into
the contact at up to about 1200 deg/s and stops there (a real knee is straightest some
40 ms before contact) - the contacts and the values at them are harder to time there.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _common import parse_runner_params
from core_helpers import event_errors_frames, exact_misses, metric_errors

from gait.analysis import analyze_pose
from gait.errors import ConfigError
from gait.metrics import metrics_for_view
from gait.synth import RunnerParams, synth_landmarks
from gait.synth.kinematics import RunnerModel


def draw(rng: np.random.Generator) -> tuple[dict[str, object], float]:
    """One random runner's parameters and frame rate."""
    params: dict[str, object] = {
        "cadence_spm": rng.uniform(150, 195),
        "stance_fraction": rng.uniform(0.28, 0.42),
        "trunk_lean_deg": rng.uniform(0, 18),
        "knee_flexion_ic_deg": rng.uniform(5, 28),
        "knee_flexion_midstance_deg": rng.uniform(32, 50),
        "ankle_dorsiflexion_deg": rng.uniform(12, 30),
        "overstride_pct_leg": rng.uniform(5, 40),
        "foot_strike": str(rng.choice(["rearfoot", "midfoot", "forefoot"])),
        "pelvic_drop_deg": rng.uniform(0, 10),
        "knee_valgus_deg": rng.uniform(-3, 12),
        "lateral_trunk_lean_deg": rng.uniform(0, 6),
        "step_width_m": rng.uniform(-0.03, 0.12),
        "runner_height_m": rng.uniform(1.55, 1.95),
    }
    params = {k: float(v) if isinstance(v, np.floating) else v for k, v in params.items()}
    return params, float(rng.choice([30.0, 60.0, 120.0]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=90, help="number of runners")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--view", default="side_right", choices=["side_right", "side_left", "rear"])
    ap.add_argument("--midstance", choices=["middle", "pelvis", "knee"], help="override the rule")
    ap.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a RunnerParams field every runner takes (repeatable), e.g. stance_shape=running",
    )
    args = ap.parse_args()
    fixed = parse_runner_params(args.param)
    rng = np.random.default_rng(args.seed)
    kind = "rear" if args.view == "rear" else "side"
    names = metrics_for_view(kind)
    t0 = time.perf_counter()
    built, tier, events_ok, refused = Counter(), Counter(), Counter(), 0
    # the same counts by whether the swing needs a late clearance lift
    by_lift: dict[bool, Counter[str]] = {False: Counter(), True: Counter()}
    # per key: each runner's median contact error (frames) and its knee-at-contact error
    ic_bias: dict[tuple[int, str], list[float]] = defaultdict(list)
    knee_ic: dict[tuple[int, str], list[float]] = defaultdict(list)
    for i in range(args.n):
        params, fps = draw(rng)
        try:
            rp = RunnerParams(**{**params, **fixed}, view=args.view, fps=fps, duration_s=5.0)  # type: ignore[arg-type]
            pose, truth = synth_landmarks(rp)
            late_m = max(late for _, late in RunnerModel(rp).clearance_lift_m.values())
        except ConfigError as exc:
            refused += 1
            print(f"{i:3d} refused: {exc}")
            continue
        res = analyze_pose(pose, midstance=args.midstance)
        bad = exact_misses(res, truth, names, ndigits=2)
        errors = event_errors_frames(res, truth)
        off = {
            k: round(float(np.max(np.abs(v))), 2)
            for k, v in errors.items()
            if v.size and np.max(np.abs(v)) > 1.0
        }
        key = (int(fps), str(params["foot_strike"]))
        built[key] += 1
        if kind == "side" and errors["ic"].size:
            ic_bias[key].append(float(np.median(errors["ic"])))
            knee_ic[key].append(metric_errors(res, truth)["knee_flexion_ic_deg"])
        tier[key] += not bad and not off
        events_ok[key] += not off
        counts = by_lift[late_m > 0]
        counts.update(built=1, tier=int(not bad and not off), events=int(not off))
        if bad or off:
            print(
                f"{i:3d} {fps:3.0f} fps {params['foot_strike']:8s} "
                f"cadence {params['cadence_spm']:.0f} stance {params['stance_fraction']:.2f} "
                f"overstride {params['overstride_pct_leg']:.0f} knee IC "
                f"{params['knee_flexion_ic_deg']:.0f} late lift {100 * late_m:.1f} cm: "
                f"beyond {bad or '-'}; "
                f"events > 1 frame {off or '-'}"
            )
    print(
        f"\n{'fps':>4s} {'strike':9s} {'built':>5s} {'tier met':>8s} {'events':>6s}"
        f" {'IC, frames':>10s} {'knee IC |err|':>13s}"
    )
    for key in sorted(built):
        bias = f"{np.median(ic_bias[key]):+10.2f}" if ic_bias[key] else f"{'-':>10s}"
        knee = f"{np.mean(np.abs(knee_ic[key])):13.2f}" if knee_ic[key] else f"{'-':>13s}"
        print(
            f"{key[0]:4d} {key[1]:9s} {built[key]:5d} {tier[key]:8d} {events_ok[key]:6d}"
            f" {bias} {knee}"
        )
    for lifted, got in by_lift.items():
        label = "a late clearance lift" if lifted else "no late lift"
        print(
            f"swing with {label:21s}: built {got['built']:3d}, tier met {got['tier']:3d}, "
            f"every event within a frame {got['events']:3d}"
        )
    total = sum(built.values())
    print(
        f"runners {args.n}: built {total} (ConfigError {refused}); exact tier met by "
        f"{sum(tier.values())}, every event within a frame {sum(events_ok.values())} "
        f"({time.perf_counter() - t0:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
