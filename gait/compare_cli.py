"""``gait compare`` and ``gait history``: the command line over :mod:`gait.compare` and
:mod:`gait.history`.

``gait compare BEFORE AFTER [-o DIR] [--json]``: each side is a clip, an analysis folder
(``gait analyze -o``), its ``analysis.json`` or a ``landmarks.npz``.  Prints a table
(metric, before, after, change [interval], verdict) and writes ``comparison.json`` and
``comparison.html`` into ``DIR`` (default ``gait-out/compare-<before>-vs-<after>``): both are
staged in a temporary folder that is renamed into place, so a failure leaves nothing
half-written.  A folder holding a previous comparison is replaced only with ``--force``
or when it is the default folder of the same two inputs.  ``--json`` prints the
document (without ``-o`` nothing is written).

``gait history RUNNER [--metric NAME] [-o DIR] [--db PATH]``: lists the runner's sessions
(or one metric over them); with ``-o`` writes ``history.html`` and one PNG per metric,
each with the meaningful-change band around the first session (``--force`` replaces a
previous history output there).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gait import console, models
from gait._io import OutputDir, prepare_output_dir, refuse_existing, write_output_dir
from gait.errors import ConfigError, HistoryError

if TYPE_CHECKING:
    from gait.comparison import Comparison


COMPARE_OUTPUTS = ("comparison.json", "comparison.html")
HISTORY_OUTPUTS = ("history.html", "history_*.png")
FORCE_HELP = "replace a previous result in the output folder"


def add_parser(subparsers: Any) -> None:
    """Register ``gait compare`` on an argparse subparsers object."""
    sp = subparsers.add_parser(
        "compare",
        help="compare two sessions of the same runner (before/after)",
        description="Compare two clips or saved analyses of the same runner: per metric "
        "the change, its interval (a bootstrap over strides; for cadence, from windows of "
        "each clip) and whether it is a real change.",
    )
    sp.add_argument("before", type=Path, help="clip, analysis folder, analysis.json or .npz")
    sp.add_argument("after", type=Path, help="clip, analysis folder, analysis.json or .npz")
    sp.add_argument("-o", "--output", type=Path, default=None, help="output folder")
    sp.add_argument("--force", action="store_true", help=FORCE_HELP)
    sp.add_argument("--json", action="store_true", help="print comparison.json to stdout")
    sp.add_argument(
        "--model", choices=models.MODEL_NAMES, default=models.DEFAULT_MODEL, help=models.MODEL_HELP
    )
    sp.add_argument("--n-boot", type=int, default=2000, help="bootstrap resamples (default 2000)")
    sp.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    sp.add_argument("--title", default=None, help="report title")
    sp.add_argument("--offline", action="store_true", help="never use the network")
    sp.add_argument("-q", "--quiet", action="store_true", help="no status messages")
    sp.set_defaults(func=run)


def add_history_parser(subparsers: Any) -> None:
    """Register ``gait history`` on an argparse subparsers object."""
    sp = subparsers.add_parser(
        "history",
        help="a runner's recorded sessions and metrics over time",
        description="List a runner's recorded sessions (gait analyze --runner NAME) and "
        "plot each metric over time with the meaningful-change band.",
    )
    sp.add_argument("runner", help="the runner's name")
    sp.add_argument("--metric", default=None, help="show one metric (e.g. cadence_spm)")
    sp.add_argument("-o", "--output", type=Path, default=None, help="folder for plots")
    sp.add_argument("--force", action="store_true", help=FORCE_HELP)
    sp.add_argument("--db", type=Path, default=None, help="history database (GAIT_HISTORY_DB)")
    sp.set_defaults(func=run_history)


# ---------------------------------------------------------------------------- compare


def comparison_table(comp: Comparison) -> str:
    """Plain-text table: metric, before, after, change [interval], verdict."""
    from gait.metrics import METRICS
    from gait.report import _format as F
    from gait.report.compare_html import change_text, verdict_text

    head = ("metric", "before", "after", "change [95 % interval]", "verdict")
    rows = [head]
    for r in comp.metrics.to_dict("records"):
        spec = METRICS[str(r["metric"])]
        verdict = verdict_text(r)
        if r["verdict"] == "not_comparable" and F.text(r.get("reason")):
            verdict += f": {F.text(r['reason'])}"
        rows.append(
            (
                spec.label,
                F.fmt(r.get("before"), spec.unit),
                F.fmt(r.get("after"), spec.unit),
                change_text(r, spec.unit),
                verdict,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row[:4], widths, strict=True)) + "  " + row[4]
        for row in rows
    ]
    lines.insert(1, "-" * min(120, sum(widths) + 8 + len(head[4])))
    out = [f"before: {comp.before.label}   after: {comp.after.label}", *lines]
    if comp.warnings:
        out += ["", "warnings:", *(f"  - {w}" for w in comp.warnings)]
    seen = [r for r in comp.findings.to_dict("records") if "fired" in (r["before"], r["after"])]
    if seen:
        from gait.compare_findings import finding_change_text, low_confidence_text

        out += ["", "patterns seen:"]
        out += [
            f"  - {r['compensation']}: {finding_change_text(r['change'], r['before'], r['after'])}"
            + low_confidence_text(r.get("before_confidence"), r.get("after_confidence"))
            for r in seen
        ]
    out += ["", "drills:", *(f"  - {m}" for m in comp.drill_advice.get("messages") or [])]
    return "\n".join(out)


def _default_dir(before: Path, after: Path) -> Path:
    def stem(p: Path) -> str:
        return (p.parent.name if p.name in ("analysis.json", "landmarks.npz") else p.stem) or "x"

    return Path("gait-out") / f"compare-{stem(before)}-vs-{stem(after)}"


def run(args: argparse.Namespace) -> int:
    """Execute ``gait compare``; return the exit code (errors raise GaitError)."""
    from gait.compare_session import require_source
    from gait.comparison import compare, load_session

    if args.n_boot < 100:
        raise ConfigError(f"--n-boot must be at least 100, found {args.n_boot}")
    for src in (args.before, args.after):  # both, before either is analysed
        require_source(src)
    say = (lambda _m: None) if args.quiet else console.say
    target = None
    if not (args.json and args.output is None):
        target = prepare_output_dir(
            args.output or _default_dir(args.before, args.after),
            marker="comparison.json",
            owned=COMPARE_OUTPUTS,
            force=args.force,
            same_run=args.output is None,
        )
    sessions = []
    for label, src in (("before", args.before), ("after", args.after)):
        say(f"{label}: {src}")
        sessions.append(
            load_session(src, model=args.model, offline=args.offline or None, report=say)
        )
    comp = compare(sessions[0], sessions[1], n_boot=args.n_boot, seed=args.seed)
    doc = comp.to_dict()
    if target is None:
        print(json.dumps(doc, indent=1))
        return 0
    if target.previous is not None and not args.force:
        if _compared(target.previous) != _compared(doc):
            raise refuse_existing(target)
        say(f"replacing the previous comparison of these inputs in {target.path}")
    written = write_outputs(comp, target, title=args.title)
    if args.json:
        print(json.dumps(doc, indent=1))
    else:
        print(comparison_table(comp))
        print(f"files: {', '.join(p.name for p in written)} in {target.path}")
    return 0


def _compared(doc: Path | dict[str, Any]) -> tuple[Any, Any] | None:
    """The (before, after) sources of a comparison document or file (None if unreadable)."""
    try:
        if isinstance(doc, Path):
            doc = json.loads(doc.read_text(encoding="utf-8"))
        return doc["before"]["source"], doc["after"]["source"]  # type: ignore[index]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_outputs(comp: Comparison, target: OutputDir, *, title: str | None = None) -> list[Path]:
    """Stage ``comparison.json`` and ``comparison.html`` in a temp folder, then rename it
    into place (``target`` from :func:`gait._io.prepare_output_dir`)."""
    from gait.report.compare_html import write_compare_report

    def write(staged: Path) -> None:
        (staged / "comparison.json").write_text(
            json.dumps(comp.to_dict(), indent=1) + "\n", encoding="utf-8"
        )
        write_compare_report(comp, staged, title=title)

    return write_output_dir(target, write)


# ---------------------------------------------------------------------------- history


def run_history(args: argparse.Namespace) -> int:
    """Execute ``gait history``; return the exit code (errors raise GaitError)."""
    import pandas as pd

    from gait import history
    from gait.metrics import METRICS

    if args.metric is not None and args.metric not in METRICS:
        raise ConfigError(f"unknown metric {args.metric!r}; choose from {', '.join(METRICS)}")
    target = None
    if args.output is not None:
        target = prepare_output_dir(
            args.output, marker="history.html", owned=HISTORY_OUTPUTS, force=args.force
        )
    table = history.sessions(args.runner, db=args.db)
    if table.empty:
        raise HistoryError(f"no sessions recorded for runner {args.runner!r}")
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(f"{len(table)} session(s) of {args.runner}:")
        print(table.to_string(index=False))
        names = [args.metric] if args.metric else list(METRICS)
        hist = {n: history.metric_history(args.runner, n, db=args.db) for n in names}
        if args.metric:
            h = hist[args.metric]
            print(f"\n{METRICS[args.metric].label} ({METRICS[args.metric].unit}):")
            cols = ["recorded_at", "value", "left", "right", "change_from_first"]
            print(h[cols].to_string(index=False))
    if target is not None:
        written = _write_history(args.runner, hist, target)
        print(f"files: {', '.join(p.name for p in written)} in {target.path}")
    return 0


def _write_history(runner: str, hist: dict[str, Any], target: OutputDir) -> list[Path]:
    from gait.history import plot_metric_history
    from gait.metrics import METRICS
    from gait.report._page import img, page, section
    from gait.report.plots import figure_png

    def write(staged: Path) -> None:
        figs = []
        for name, h in hist.items():
            if h["value"].notna().sum() == 0:
                continue
            png = figure_png(plot_metric_history(h, name))
            (staged / f"history_{name}.png").write_bytes(png)
            figs.append(f"<figure>{img(png, METRICS[name].label)}</figure>")
        lead = (
            "Each metric over the recorded sessions. The grey band is the first session ± "
            "the smallest change 2D video can detect: points outside it are real changes "
            "from where you started."
        )
        body = f"<div class='figs'>{''.join(figs) or '<p>No measured values.</p>'}</div>"
        title = f"Running gait history: {runner}"
        doc = page(title, [], [], [section("history", "Metrics over time", lead, body)])
        (staged / "history.html").write_text(doc, encoding="utf-8")

    return write_output_dir(target, write)
