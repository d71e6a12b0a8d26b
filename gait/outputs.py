"""The output folder of ``gait analyze`` (``gait batch`` writes each clip's the same
way): every file is written into a staging folder and put in place in one rename; the
runner's history entry is added once the outputs are there; a previous ``analysis.json``
tells which clip it describes; and the modules the outputs need are imported on a thread
while the analysis runs.
"""

from __future__ import annotations

import argparse
import json
import threading
from pathlib import Path
from typing import Any

from gait._io import OutputDir

#: Every file ``gait analyze`` may write into its output folder.
ANALYZE_OUTPUTS = (
    "analysis.json",
    "events.csv",
    "strides.csv",
    "landmarks.npz",
    "landmarks.parquet",
    "report.html",
    "overlay.mp4",
)


#: Modules the result (pandas) and the outputs need, imported by :func:`prewarm`.
_PREWARM = ("gait.analysis",)
_PREWARM_ANALYSIS = ("scipy.signal", "scipy.ndimage")
_PREWARM_REPORT = (
    "pyarrow.parquet",
    "gait.report.html",
    "gait.report.plots",
    "gait.report.frames",
    "gait.report.terminal",
)


def prewarm(*, report: bool, analysis: bool) -> threading.Thread:
    """Import the modules the result and the outputs need (pandas, pyarrow; scipy too
    when ``analysis``) on a thread while the main thread analyses or waits for the
    worker's analysis.

    Not during the extraction: an import there holds the interpreter lock the
    extraction loop needs between model calls (measured: 2 s slower on a 12-s clip);
    the worker process imports what it needs meanwhile instead. The thread is not a
    daemon (interpreter shutdown never meets a half-done import); a failed import is
    left for the main thread to raise where the module is used.
    """
    import importlib

    names = _PREWARM + (_PREWARM_ANALYSIS if analysis else ()) + (_PREWARM_REPORT if report else ())

    def run() -> None:
        for name in names:
            try:
                importlib.import_module(name)
            except Exception:  # raised again where the module is used
                continue

    thread = threading.Thread(target=run, name="gait-prewarm")
    thread.start()
    return thread


def analysed_clip(analysis_json: Path) -> str | None:
    """The sha256 of the clip a previous ``analysis.json`` describes (None if unreadable)."""
    try:
        doc = json.loads(analysis_json.read_text(encoding="utf-8"))
        return str(doc["input"]["sha256"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def record(result: Any, args: argparse.Namespace, say: Any) -> None:
    """Add the analysis to the runner's history (only once its outputs are written)."""
    if not args.runner:
        return
    from gait import history

    sid = history.record(result, args.runner, db=args.db)
    say(f"recorded as session {sid} of {args.runner} in {args.db or history.default_db()}")


def write_outputs(
    target: OutputDir | Path,
    result: Any,
    *,
    clip: str | Path,
    slowmo: float = 1.0,
    title: str | None = None,
    runner: str | None = None,
    video_overlay: bool = False,
    figures: Any = None,
) -> list[Path]:
    """Write every output into a staging folder, then put it in place in one rename.

    A plain folder path replaces a previous result there (as ``--force`` does).
    ``clip`` is the analysed video (the report's key frames, the overlay), ``slowmo``
    its slow-motion factor, ``title`` and ``runner`` the report's heading,
    ``video_overlay`` whether to write ``overlay.mp4``; ``figures`` is a
    :class:`gait.report.worker.FigureWorker` that draws some of the report's figures.
    """
    from gait._io import prepare_output_dir, write_output_dir

    if not isinstance(target, OutputDir):
        target = prepare_output_dir(
            target, marker="analysis.json", owned=ANALYZE_OUTPUTS, force=True
        )
    from gait.report import write_overlay_video, write_report

    def write_data(staged: Path) -> None:
        result.save(staged)
        given = result.input_pose  # the landmarks as given (a retimed clip's, unretimed)
        given.save(staged / "landmarks.npz")
        given.to_dataframe().to_parquet(staged / "landmarks.parquet", index=False)

    def write(staged: Path) -> None:
        # The data files (zlib and Arrow release the GIL) are written on a thread while
        # the report is drawn; an error in either is raised here.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gait-outputs") as pool:
            data = pool.submit(write_data, staged)
            try:
                write_report(
                    result,
                    result.findings,
                    result.drill_plan,
                    staged,
                    video_path=clip,
                    slowmo=slowmo,
                    title=title,
                    runner=runner,
                    figure_worker=figures,
                )
            finally:
                data.result()
        if video_overlay:
            write_overlay_video(result, clip, staged / "overlay.mp4", slowmo=slowmo)

    return write_output_dir(target, write)
