"""Run every performance benchmark in turn (issue 8) and say which targets were met.

    .venv/bin/python benchmarks/run_all.py            # everything (about 45 minutes)
    .venv/bin/python benchmarks/run_all.py --quick    # shorter clips, one model, 1 repeat

Each benchmark prints its figures as ratios against a baseline measured in the same run;
see their docstrings. Run them on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def plan(quick: bool) -> list[list[str]]:
    extract = ["bench_extract.py", "--repeats", "1" if quick else "2"]
    if quick:
        extract += ["--models", "full"]
    return [
        extract,
        ["bench_pipeline.py", "--repeats", "1" if quick else "2"],
        ["bench_core.py", *(["--minutes", "60", "--repeat", "1"] if quick else [])],
        ["bench_batch.py"],
        ["bench_memory.py", *(["--quick"] if quick else [])],
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    results = []
    for cmd in plan(args.quick):
        print(f"\n=== {' '.join(cmd)}", flush=True)
        t0 = time.perf_counter()
        code = subprocess.run(
            [sys.executable, str(HERE / cmd[0]), *cmd[1:]], check=False
        ).returncode
        results.append((cmd[0], code, time.perf_counter() - t0))
    print("\n=== summary")
    for name, code, seconds in results:
        print(
            f"  {name:<20} {'targets met' if code == 0 else 'target(s) NOT met'}  ({seconds:.0f} s)"
        )
    return 0 if all(code == 0 for _, code, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
