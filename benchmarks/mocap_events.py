"""What the detected events do to the side metrics on real running (motion capture).

Usage::

    python benchmarks/mocap_events.py              # 250, 50 and 31 Hz
    python benchmarks/mocap_events.py --step 1 2   # 250 and 125 Hz

The Dorn et al. 2012 trial (``../shared/data/mocap/`` or ``$GAIT_TEST_DATA``; 3.5 m/s,
force plates) is projected onto a side camera (:func:`gait.mocap.markers_to_pose`) at
250 / ``step`` Hz and analysed.  For each stride whose contact, toe-off and next contact
are on the force plates, every side metric is computed twice by the same code
(:func:`gait.metrics.stride_metrics`): at the detected events and at the force-plate
events (midstance the middle of the plate's contact).  The difference is what the event
timing adds on real motion, apart from any pose-model error.  Measured (README, "How
accurate it is"): at the detected contacts - the heel's landing, 15-19 ms after this
flat-landing runner's forefoot touches down - knee flexion reads 22-25 deg against 13-15,
shank angle -8..-3 deg against +3, overstride 1-5 % leg against 10, contact time 213-231
ms against 238-243; trunk lean, ankle dorsiflexion and hip extension within 1.5 deg.
About 2 s.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--step", type=int, nargs="+", default=[1, 5, 8], help="keep every k-th")
    args = ap.parse_args()
    from core_helpers import retimed_strides, stride_metric_inputs
    from mocap_helpers import data_dir, force_plate_events, mocap_pose

    from gait.metrics import stride_metrics
    from gait.synth.truth import SIDE_METRICS

    if not (data_dir() / "mocap").is_dir():
        print(f"no motion capture in {data_dir() / 'mocap'}: nothing measured")
        return 1
    plates = force_plate_events()
    for step in args.step:
        pose = mocap_pose("side", step=step)
        xy, ours, kw = stride_metric_inputs(pose)
        true = ours.copy()

        def frame(t: np.ndarray, pose=pose) -> np.ndarray:  # type: ignore[no-untyped-def]
            return np.interp(t, pose.time_s, np.arange(pose.n_frames))

        use = np.zeros(len(ours), dtype=bool)
        for i, row in ours.iterrows():
            side = str(row["side"])
            other = "left" if side == "right" else "right"
            ics, tos = frame(plates[side]["ic"]), frame(plates[side]["to"])
            j = int(np.argmin(np.abs(ics - row["ic_pos"])))
            full = tos[j] - ics[j] >= 0.2 * pose.fps  # a contact wholly on a plate
            if abs(ics[j] - row["ic_pos"]) > 0.06 * pose.fps or not full or j + 1 >= ics.size:
                continue
            use[i] = True
            true.loc[i, ["ic_pos", "to_pos", "ms_pos", "next_ic_pos"]] = (
                ics[j],
                tos[j],
                0.5 * (ics[j] + tos[j]),
                ics[j + 1],
            )
            other_ics = frame(plates[other]["ic"])
            for col in ("prev_contra_ic_pos", "next_contra_ic_pos"):
                if np.isfinite(row[col]):
                    true.loc[i, col] = other_ics[np.argmin(np.abs(other_ics - row[col]))]
        got = stride_metrics(xy, ours, **kw)[use]
        want = stride_metrics(xy, retimed_strides(true, pose.fps), **kw)[use]
        print(f"{pose.fps:.0f} Hz: {int(use.sum())} strides with force-plate events")
        for name in (m for m in SIDE_METRICS if m != "cadence_spm"):  # the same either way
            a, b = got[name].to_numpy(dtype=float), want[name].to_numpy(dtype=float)
            print(f"  {name:34s} detected {np.round(a, 1)}  plate events {np.round(b, 1)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
