"""The report: what the runner reads.

* :func:`write_report` - one self-contained ``report.html`` (inline CSS and images, no
  scripts, opens offline);
* :func:`terminal_summary` - the plain-text block printed after an analysis;
* :mod:`gait.report.plots` - matplotlib plots that take ``ax=`` (for notebooks too);
* :mod:`gait.report.frames` - annotated key frames (contact and midstance per side);
* :mod:`gait.report.overlay` - :func:`~gait.report.overlay.write_overlay_video`, the clip
  with skeleton, knee angles and event markers drawn on it.

Importing this package loads neither matplotlib nor OpenCV; they are imported by the
functions that need them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gait.analysis import AnalysisResult
    from gait.report.overlay import write_overlay_video
    from gait.report.terminal import terminal_summary
    from gait.worker import Worker

__all__ = ["terminal_summary", "write_overlay_video", "write_report"]

REPORT_NAME = "report.html"


def write_report(
    result: AnalysisResult,
    findings: Sequence[Any],
    plan: Mapping[str, Any],
    out_dir: str | Path,
    *,
    video_path: str | Path | None = None,
    slowmo: float = 1.0,
    title: str | None = None,
    runner: str | None = None,
    figure_worker: Worker | None = None,
) -> Path:
    """Write ``report.html`` into ``out_dir`` and return its path.

    The file is self-contained (inline CSS, base64 PNG images, no scripts, nothing
    fetched) and written atomically: to a temporary file in ``out_dir``, then renamed.

    Parameters
    ----------
    result : AnalysisResult
        From :func:`gait.analysis.analyze_pose`.
    findings : sequence of Finding (or their ``to_dict()``)
        From :func:`gait.findings.evaluate`.
    plan : dict
        From :func:`gait.drills.build_plan`.
    out_dir : str or Path
        Folder for the report (created if missing).
    video_path : str or Path, optional
        The analysed clip, for the key frames; default: the clip the landmarks were
        extracted from, if it still exists.  Without it the report says so.
    slowmo : float
        Slow-motion factor the clip was analysed with.
    title : str, optional
        Heading (default ``Running gait report: <clip name>``).
    runner : str, optional
        Runner's name shown under the heading.
    figure_worker : Worker, optional
        A :class:`gait.worker.Worker` that draws figures in parallel.

    Returns
    -------
    Path
        ``out_dir / "report.html"``.
    """
    from gait._io import atomic_write
    from gait.report.figures import build_assets
    from gait.report.html import render_html

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if video_path is None and result.pose.source_path:
        source = Path(result.pose.source_path)
        video_path = source if source.is_file() else None
    clip_name = Path(video_path).name if video_path is not None else None
    assets = build_assets(result, video_path=video_path, slowmo=slowmo, worker=figure_worker)
    page = render_html(
        result,
        findings,
        plan,
        assets=assets,
        title=title,
        runner=runner,
        clip_name=clip_name,
    )
    return atomic_write(out / REPORT_NAME, page)


_LAZY = {
    "terminal_summary": "gait.report.terminal",
    "write_overlay_video": "gait.report.overlay",
}


def __getattr__(name: str) -> Any:
    """:func:`terminal_summary` and :func:`write_overlay_video`, imported on first use."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'gait.report' has no attribute {name!r}")
