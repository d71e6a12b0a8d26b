"""``gait batch -j 2`` vs ``-j 1`` on 4 clips (landmark cache off, so inference counts).

The clips are the four sample videos. Each run goes through :func:`gait.batch.run_batch`
into a fresh folder; ``-j 1`` is the baseline. Printed per run: wall time, speed-up over
``-j 1`` and the CPU share of the workers (CPU time / wall time; 2.0 = both cores busy).
``-j 2`` runs twice: with the default per-worker thread cap (cores // jobs) and without
it, to show what the cap does. Target (issue 8): -j 2 >= 1.6x faster than -j 1, if a
single stream leaves a core idle (its CPU share well under 2).

    .venv/bin/python benchmarks/bench_batch.py [--clips 4]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(clips: list[Path], out: Path, jobs: int, threads: int | None) -> tuple[float, float]:
    """Wall seconds and worker CPU share of one batch run."""
    from gait.batch import BatchOptions, run_batch

    cpu0, t0 = children_cpu(), time.perf_counter()
    report = run_batch(
        clips,
        out,
        jobs=jobs,
        options=BatchOptions(cache=False),
        threads_per_worker=threads,
        say=lambda _m: None,
    )
    wall = time.perf_counter() - t0
    if report.failed:
        raise RuntimeError(f"clips failed: {[o.reason for o in report.failed]}")
    return wall, (children_cpu() - cpu0) / wall


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clips", type=int, default=4)
    args = ap.parse_args()
    clips = sorted((REPO / "sample_videos").glob("*.mp4"))[: args.clips]
    runs = {}
    with tempfile.TemporaryDirectory(prefix="gait-bench-") as tmp:
        for label, jobs, threads in (
            ("-j 1", 1, None),
            ("-j 2", 2, None),
            ("-j 2, no thread cap", 2, 0),
        ):
            runs[label] = timed(clips, Path(tmp) / label.replace(" ", ""), jobs, threads)
    print(f"gait batch on {len(clips)} clips ({', '.join(c.name for c in clips)}), no cache:")
    base = runs["-j 1"][0]
    for label, (wall, share) in runs.items():
        print(
            f"  {label:<20} {wall:6.1f} s   speed-up {base / wall:4.2f}x   "
            f"worker CPU {share:4.2f} cores"
        )
    speedup = base / runs["-j 2"][0]
    print(f"target -j 2 >= 1.6x -j 1: {speedup:.2f}x ({'met' if speedup >= 1.6 else 'NOT met'})")
    return 0 if speedup >= 1.6 else 1


if __name__ == "__main__":
    sys.exit(main())
