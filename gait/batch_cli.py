"""``gait batch``: the command line of :mod:`gait.batch`, which says what a batch does
and what the command's exit code means."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from gait import models
from gait.batch import BatchOptions, find_clips, run_batch


def add_parser(subparsers: Any) -> None:
    """Register ``gait batch`` on an argparse subparsers object."""
    sp = subparsers.add_parser(
        "batch",
        help="analyse many clips in parallel and write an index",
        description="Analyse every clip of a folder or glob, each into OUT/<clip name>/, "
        "skipping clips already analysed (same content and model), and write "
        "OUT/index.csv and OUT/index.html.",
        epilog="exit codes: 0 every clip analysed or skipped, 1 some clips failed (listed "
        "at the end; the others are done and indexed); otherwise as for every gait "
        "command (see gait --help)",
    )
    sp.add_argument("source", help="a folder of clips, or a glob such as 'runs/**/*.mp4'")
    sp.add_argument(
        "-o", "--output", type=Path, default=Path("gait-out"), help="output folder (gait-out)"
    )
    sp.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=1,
        metavar="N",
        help="worker processes (default 1; at most the number of cores pays off)",
    )
    sp.add_argument("--force", action="store_true", help="re-analyse clips analysed before")
    sp.add_argument(
        "--model", choices=models.MODEL_NAMES, default=models.DEFAULT_MODEL, help=models.MODEL_HELP
    )
    sp.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run the clips on a Dask distributed cluster (tcp://host:8786; needs "
        "gait[cluster]; clips and OUT must be visible to every worker)",
    )
    sp.add_argument("--no-cache", action="store_true", help="re-run pose inference even if cached")
    sp.add_argument("--offline", action="store_true", help="never use the network")
    sp.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    sp.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Execute ``gait batch``; return the exit code (0 all ok, 1 some clips failed)."""
    clips = find_clips(args.source)
    options = BatchOptions(model=args.model, cache=not args.no_cache, offline=args.offline or None)
    report = run_batch(
        clips,
        args.output,
        jobs=args.jobs,
        force=args.force,
        options=options,
        scheduler=args.scheduler,
        progress=False if args.quiet else None,
        say=(lambda _m: None) if args.quiet else None,
    )
    counts = ", ".join(f"{report.count(s)} {s}" for s in ("ok", "skipped", "failed"))
    print(f"{len(report.outcomes)} clip(s) in {report.seconds:.1f} s: {counts}")
    for o in report.failed:
        print(f"failed: {o.clip}: {o.reason}")
    print(f"index: {', '.join(str(p) for p in report.index_files)}")
    return 1 if report.failed else 0
