"""Whole ``gait analyze`` (report included) vs extraction alone, and a cached re-analysis.

On the ~12-s 720p clip (see ``_common.py``), each in a fresh child process (interpreter
start and imports count on both sides), best of ``--repeats``:

- extraction alone: ``gait.pose.extract`` without the cache (the baseline);
- ``gait analyze --no-cache``: extraction + analysis + every output file and the report;
- ``gait analyze`` again with the landmarks cached (inference skipped).

Then, in this process, where the non-inference time goes (analysis, outputs, report).
Targets (issue 8): whole / extraction <= 1.15; cached re-analysis under 3 s. The load
average is printed before and after: on a shared machine the wall times move with it.

    .venv/bin/python benchmarks/bench_pipeline.py [--clip PATH] [--repeats 2]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from _common import analyze_cmd, clip_720p, extract_cmd, frame_size, run_child


def best(cmd: list[str], repeats: int, env: dict[str, str]) -> float:
    return min(run_child(cmd, env).seconds for _ in range(repeats))


def stages(clip: Path, out: Path) -> dict[str, float]:
    """Seconds of each stage after the landmarks are cached (in this process)."""

    t0 = time.perf_counter()
    from gait import pose
    from gait.analysis import analyze_pose
    from gait.outputs import write_outputs

    t1 = time.perf_counter()
    data = pose.extract(clip, progress=False)
    t2 = time.perf_counter()
    result = analyze_pose(data)
    t3 = time.perf_counter()
    write_outputs(out, result, clip=clip)
    t4 = time.perf_counter()
    return {
        "imports": t1 - t0,
        "probe + sha256 + cache load": t2 - t1,
        "analysis (clean..findings)": t3 - t2,
        "outputs + report": t4 - t3,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clip", type=Path, default=None)
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="gait-bench-") as tmp:
        work = Path(tmp)
        clip = args.clip or clip_720p(work)
        env = {"GAIT_CACHE_DIR": str(work / "cache")}
        print(f"clip: {clip.name} ({frame_size(clip)})")
        load0 = os.getloadavg()[0]
        t_ext = best(extract_cmd(clip), args.repeats, env)
        t_all = best(analyze_cmd(clip, work / "a", "--no-cache"), args.repeats, env)
        run_child(analyze_cmd(clip, work / "b"), env)  # fills the cache
        t_cached = best(analyze_cmd(clip, work / "c"), args.repeats, env)
        os.environ.update(env)
        split = stages(clip, work / "d")
    ratio = t_all / t_ext
    print(f"load average (1 min): {load0:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(f"extraction alone        {t_ext:6.2f} s   (baseline)")
    print(f"gait analyze            {t_all:6.2f} s   ratio {ratio:.3f}  (target <= 1.15)")
    print(
        f"gait analyze, cached    {t_cached:6.2f} s   ratio {t_cached / t_ext:.3f}  (target < 3 s)"
    )
    print("cached analysis in one process, by stage:")
    for name, seconds in split.items():
        print(f"  {name:<28} {seconds:6.2f} s")
    return 0 if ratio <= 1.15 and t_cached < 3 else 1


if __name__ == "__main__":
    sys.exit(main())
