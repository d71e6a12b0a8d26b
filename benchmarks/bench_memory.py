"""Peak memory (RSS) of ``gait analyze`` on a short and a 10x longer 1080p clip.

Both clips loop the same 1080p clip (the 720p clip upscaled, see ``_common.py``), so
they differ only in length. Each analysis runs in a fresh child process without the
landmark cache (report included); its peak RSS comes from ``wait4``. The baseline is the
short clip: target long / short <= 1.2 (memory must not grow with clip length). Both
clips are long enough to be extracted in parallel segments (gait.pose.SEGMENT_S), so
both hold the same number of landmarkers at once.

    .venv/bin/python benchmarks/bench_memory.py            # 1 and 10 minutes (~25 min)
    .venv/bin/python benchmarks/bench_memory.py --quick    # 1 and 3 minutes
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _common import ChildRun, analyze_cmd, clip_720p, extract_cmd, looped, run_child, upscaled


def measure(clip: Path, out: Path) -> tuple[ChildRun, ChildRun]:
    """(extraction alone, whole gait analyze) on one clip, each in a fresh process."""
    return run_child(extract_cmd(clip)), run_child(analyze_cmd(clip, out, "--no-cache"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="1 and 3 minutes instead")
    ap.add_argument("--workdir", type=Path, default=None, help="keep the clips here")
    args = ap.parse_args()
    short_min, long_min = (1.0, 3.0) if args.quick else (1.0, 10.0)
    with tempfile.TemporaryDirectory(prefix="gait-bench-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        base = upscaled(clip_720p(work), work)
        runs = {}
        for minutes in (short_min, long_min):
            clip = looped(base, work, minutes)
            runs[minutes] = measure(clip, work / f"out-{minutes:g}")
    print(f"peak RSS, 1080p clip ({'--quick' if args.quick else 'full run'}):")
    for minutes, (ext, ana) in runs.items():
        print(
            f"  {minutes:5g} min  extraction {ext.peak_rss_mb:6.0f} MB ({ext.seconds:6.1f} s)"
            f"   gait analyze {ana.peak_rss_mb:6.0f} MB ({ana.seconds:6.1f} s)"
        )
    ratio_ext = runs[long_min][0].peak_rss_mb / runs[short_min][0].peak_rss_mb
    ratio = runs[long_min][1].peak_rss_mb / runs[short_min][1].peak_rss_mb
    print(
        f"ratio {long_min:g} / {short_min:g} min: extraction {ratio_ext:.2f}, "
        f"gait analyze {ratio:.2f}  (target <= 1.2)"
    )
    return 0 if ratio <= 1.2 else 1


if __name__ == "__main__":
    sys.exit(main())
