"""The report's images: the figures (cycle plots, per-stride values, left/right), drawn
here or shared out with a worker process, and the key frames (:func:`build_assets`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gait.metrics import METRICS

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from gait.analysis import AnalysisResult
    from gait.report.frames import KeyFrame
    from gait.worker import Worker


@dataclass
class ReportAssets:
    """Images of the report: cycle plots, per-stride plot, left/right plot, key frames."""

    cycle_plots: list[tuple[str, bytes]] = field(default_factory=list)
    stride_plot: bytes | None = None
    left_right_plot: bytes | None = None
    key_frames: list[KeyFrame] = field(default_factory=list)
    key_frames_note: str = ""


def build_assets(
    result: AnalysisResult,
    *,
    video_path: str | Path | None = None,
    slowmo: float = 1.0,
    dpi: int = 96,
    worker: Worker | None = None,
) -> ReportAssets:
    """Render the plots and (when the video is given and readable) the key frames.

    The key frames are decoded and drawn in a second thread while the plots are drawn:
    OpenCV releases the GIL while it decodes, so the two overlap on two cores.  A
    ``worker`` process (:class:`gait.worker.Worker`) draws some or all of
    the plots in parallel with this process.
    """
    from concurrent.futures import ThreadPoolExecutor

    assets = ReportAssets()
    if video_path is None:
        assets.key_frames_note = "Key frames need the video file; it was not given."
    elif not Path(video_path).is_file():
        assets.key_frames_note = f"Key frames need the video file; {video_path} was not found."
    with ThreadPoolExecutor(1, thread_name_prefix="gait-frames") as pool:
        frames = None
        if video_path is not None and not assets.key_frames_note:
            from gait.report.frames import render_key_frames

            frames = pool.submit(render_key_frames, result, video_path, slowmo=slowmo)
        _render_plots(result, assets, dpi, worker)
        if frames is not None:
            from gait.errors import GaitError

            try:
                assets.key_frames = frames.result()
            except GaitError as exc:
                assets.key_frames_note = f"Key frames could not be decoded: {exc}"
            if not assets.key_frames and not assets.key_frames_note:
                assets.key_frames_note = (
                    "No valid stride was found, so there is no key frame to show."
                )
    return assets


def _render_plots(
    result: AnalysisResult, assets: ReportAssets, dpi: int, worker: Worker | None = None
) -> None:
    """The cycle, per-stride and left/right plots as PNG, into ``assets``.

    With a ``worker`` (a second process, see :mod:`gait.worker`) the figures are
    shared out: the per-stride grid (the costliest) and half the cycle plots are drawn
    there while this process draws the rest - or all of them are drawn there when
    matplotlib is not imported here yet (importing it would cost more than waiting).
    """
    import sys

    from gait.report import curves

    keys = figure_keys(result)
    series = curves.result_series(result)
    here, there = keys, list[FigureKey]()
    if worker is not None:
        if "matplotlib.figure" in sys.modules:
            here, there = _share_figures(result, keys)
        else:
            here, there = [], keys
    pending = worker.render(result, there, series=series, dpi=dpi) if worker and there else None
    drawn = dict(render_figures(result, here, series=series, dpi=dpi))
    if pending is not None:
        drawn.update(pending.get())
    for key in keys:
        kind, label, png = drawn[key]
        if kind == "cycle":
            assets.cycle_plots.append((label, png))
        elif kind == "strides":
            assets.stride_plot = png
        else:
            assets.left_right_plot = png


#: A report figure: ("cycle", angle name) | ("strides", "") | ("left_right", "").
FigureKey = tuple[str, str]


#: Drawing time of each figure in units of one cycle plot (measured: a cycle plot about
#: 0.12 s, each axes of the per-stride grid 0.07 s, the left/right bars 0.03 s), and
#: what this process does besides drawing (key frames, page) in the same units.
_FIGURE_COST = {"cycle": 1.0, "strides_axes": 0.6, "left_right": 0.25}


_HERE_BESIDES = 1.0


def _share_figures(
    result: AnalysisResult, keys: Sequence[FigureKey]
) -> tuple[list[FigureKey], list[FigureKey]]:
    """(drawn here, drawn by the worker): the costliest figure first, each to the less
    loaded process; both lists in page order."""

    def cost(key: FigureKey) -> float:
        if key[0] == "strides":
            return _FIGURE_COST["strides_axes"] * len(_measured_metrics(result))
        return _FIGURE_COST[key[0]]

    load = {"here": _HERE_BESIDES, "there": 0.0}
    where = {}
    for key in sorted(keys, key=cost, reverse=True):
        side = min(load, key=lambda k: (load[k], k == "here"))
        where[key] = side
        load[side] += cost(key)
    return [k for k in keys if where[k] == "here"], [k for k in keys if where[k] == "there"]


def _measured_metrics(result: AnalysisResult) -> list[str]:
    strides = result.strides
    return [name for name in METRICS if name in strides and strides[name].notna().any()]


def figure_keys(result: AnalysisResult) -> list[FigureKey]:
    """The report's figures in page order (see :func:`make_figure`)."""
    from gait.report import curves

    keys = [("cycle", angle) for angle in curves.angles_for_view(result.view.kind)]
    if _measured_metrics(result):
        keys.append(("strides", ""))
    keys.append(("left_right", ""))
    return keys


def make_figure(
    result: AnalysisResult,
    key: FigureKey,
    *,
    series: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[str, str, Figure]:
    """One report figure: (kind, label, figure).

    ``kind`` is ``"cycle"`` (one per angle of the view, ``label`` the angle's name),
    ``"strides"`` (every measured metric stride by stride) or ``"left_right"``.  The
    cycle and per-stride figures have fixed margins (their text is known), which halves
    their drawing time compared with constrained layout.  ``series`` is
    :func:`gait.report.curves.result_series` of ``result`` when already computed.
    """
    from gait.report import curves, plots

    kind, angle = key
    if kind == "cycle":
        fig = plots.fixed_figure((6.0, 3.6), left=0.62, right=0.15, top=0.3, bottom=0.5)
        plots.plot_cycle(result, angle, ax=fig.add_subplot(), series=series)
        return kind, curves.ANGLES[angle].label, fig
    if kind == "strides":
        measured = _measured_metrics(result)
        ncol = 4
        nrow = -(-len(measured) // ncol)
        fig = plots.fixed_figure(
            (11.0, 2.7 * nrow + 0.5), left=0.6, right=0.35, top=0.45, bottom=0.75
        )
        axes = plots.fixed_grid(fig, nrow, ncol, wspace_in=0.75, hspace_in=0.75).ravel()
        for ax, name in zip(axes, measured, strict=False):
            plots.plot_stride_values(result, name, ax=ax)
        for ax in axes[len(measured) :]:
            ax.set_axis_off()
        fig.legend(
            handles=plots.stride_legend_handles(),
            loc="lower center",
            bbox_to_anchor=(0.5, 0.0),
            ncol=4,
        )
        return kind, "", fig
    if kind == "left_right":
        # metric names of any length label its rows: constrained layout fits them
        return kind, "", plots.plot_left_right(result)
    raise ValueError(f"unknown report figure {key!r}")


def report_figures(result: AnalysisResult) -> Iterator[tuple[str, str, Figure]]:
    """The report's figures, one at a time: (kind, label, figure); see :func:`make_figure`."""
    from gait.report import curves

    series = curves.result_series(result)
    for key in figure_keys(result):
        yield make_figure(result, key, series=series)


def render_figures(
    result: AnalysisResult,
    keys: Sequence[FigureKey],
    *,
    series: Mapping[str, Mapping[str, Any]] | None = None,
    dpi: int = 96,
) -> list[tuple[FigureKey, tuple[str, str, bytes]]]:
    """The figures ``keys`` drawn as PNG: [(key, (kind, label, png bytes))]."""
    if not keys:
        return []
    from gait.report import plots

    out = []
    for key in keys:
        kind, label, fig = make_figure(result, key, series=series)
        out.append((key, (kind, label, plots.figure_png(fig, dpi=dpi))))
    return out
