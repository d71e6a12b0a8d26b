"""Matplotlib plots of one analysis, each drawing into ``ax=`` and returning the figure.

Every function takes ``ax=None``: without an axes it makes a new
:class:`matplotlib.figure.Figure` (no pyplot state, no backend switch - it displays in a
notebook and can be saved with ``fig.savefig``); with one it draws into it, so a notebook
or the report can lay several plots out on one figure.  :func:`figure_png` renders a
figure with the Agg canvas explicitly, which is how the report writer uses them.

Colours: left = blue, right = orange, everywhere in the report.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from gait.metrics import METRICS
from gait.report import curves
from gait.report._format import fmt, num, typical_text, unit_words

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from gait.analysis import AnalysisResult

SIDE_COLORS = {"left": "#1f77b4", "right": "#ff7f0e"}
TYPICAL_COLOR = "#2ca02c"


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        fig = ax.get_figure()
        assert fig is not None
        return fig, ax  # type: ignore[return-value]
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def fixed_figure(
    figsize: tuple[float, float],
    *,
    left: float,
    right: float,
    top: float,
    bottom: float,
) -> Figure:
    """A figure with fixed margins (inches) and no layout engine.

    For figures whose text is known in advance (the report's): no layout engine runs at
    draw time.  ``layout="constrained"`` measures every tick label and title first,
    which costs more than drawing the figure itself.
    """
    from matplotlib.figure import Figure

    w, h = figsize
    fig = Figure(figsize=figsize)
    fig.subplots_adjust(left=left / w, right=1 - right / w, top=1 - top / h, bottom=bottom / h)
    return fig


def fixed_grid(fig: Figure, nrow: int, ncol: int, *, wspace_in: float, hspace_in: float) -> Any:
    """``nrow`` x ``ncol`` axes of a :func:`fixed_figure` with gaps given in inches."""
    w, h = fig.get_size_inches()
    p = fig.subplotpars
    cell_w = (p.right - p.left) * w / ncol
    cell_h = (p.top - p.bottom) * h / nrow
    # matplotlib's wspace/hspace are fractions of the average axes width/height
    ax_w, ax_h = cell_w - wspace_in * (ncol - 1) / ncol, cell_h - hspace_in * (nrow - 1) / nrow
    return fig.subplots(
        nrow,
        ncol,
        squeeze=False,
        gridspec_kw={"wspace": wspace_in / ax_w, "hspace": hspace_in / ax_h},
    )


def figure_png(fig: Figure, *, dpi: int = 96) -> bytes:
    """PNG bytes of a figure, rendered with the Agg canvas (no global backend change)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def _shade_typical(ax: Axes, metric: str) -> None:
    """Shade the metric's typical range without changing the axis limits."""
    spec = METRICS.get(metric)
    if spec is None:
        return
    lo, hi = spec.typical
    if lo is None and hi is None:
        return
    ylim = ax.get_ylim()
    a = ylim[0] if lo is None else max(lo, ylim[0])
    b = ylim[1] if hi is None else min(hi, ylim[1])
    if b > a:
        ax.axhspan(a, b, color=TYPICAL_COLOR, alpha=0.12, lw=0, zorder=0)
    ax.set_ylim(ylim)


def plot_cycle(
    result: AnalysisResult,
    angle: str = "knee_flexion",
    *,
    sides: Sequence[str] = ("left", "right"),
    band: str = "iqr",
    ax: Axes | None = None,
    series: Mapping[str, Mapping[str, np.ndarray]] | None = None,
) -> Figure:
    """An angle over the normalised gait cycle (IC to the next IC of the same foot).

    Draws, per side, the median curve over the valid strides and the stride-to-stride
    band (``"iqr"``: 25-75 %, or ``"minmax"``), with the median toe-off marked (stance
    left of it, swing right of it).

    Parameters
    ----------
    result : AnalysisResult
    angle : str
        A key of :data:`gait.report.curves.ANGLES` the clip's view supports.
    sides : sequence of {"left", "right"}
    band : {"iqr", "minmax"}
    ax : matplotlib Axes, optional
    series : mapping, optional
        :func:`gait.report.curves.result_series` of ``result`` when already computed
        (it is computed here otherwise).

    Returns
    -------
    matplotlib.figure.Figure
    """
    spec = curves.ANGLES[angle]
    fig, ax = _axes(ax, (6.0, 3.6))
    values = (curves.result_series(result) if series is None else series).get(angle)
    drew = False
    for side in sides:
        if values is None:
            break
        cyc = curves.cycles(values[side], result.strides, side)
        med, lo, hi = cyc.band(band)
        if not np.isfinite(med).any():
            continue
        drew = True
        color = SIDE_COLORS[side]
        n = int(cyc.valid.sum())
        ax.fill_between(cyc.pct, lo, hi, color=color, alpha=0.2, lw=0)
        ax.plot(cyc.pct, med, color=color, lw=2, label=f"{side} (median of {n} strides)")
        to = cyc.to_pct[cyc.valid & np.isfinite(cyc.to_pct)]
        if to.size:
            ax.axvline(float(np.median(to)), color=color, ls="--", lw=1)
    if not drew:
        ax.text(0.5, 0.5, "no valid strides", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlim(0, 100)
    ax.set_xlabel("gait cycle (% from foot contact to the next contact of the same foot)")
    ax.set_ylabel(f"{spec.label} (degrees)")
    band_text = "middle 50 % of strides" if band == "iqr" else "range of strides"
    ax.set_title(f"{spec.label}: + = {spec.positive}", fontsize=10, y=1.0)
    if drew:
        ax.text(
            0.01,
            0.02,
            f"band: {band_text}; dashed: toe-off",
            transform=ax.transAxes,
            fontsize=8,
            color="#555555",
        )
        ax.legend(fontsize=8, loc="best")
    ax.grid(alpha=0.3)
    return fig


def plot_stride_values(
    result: AnalysisResult, metric: str, *, ax: Axes | None = None, seed: int = 0
) -> Figure:
    """Per-stride values of one metric, left and right, valid vs invalid strides.

    Valid strides are filled dots, invalid ones (their values do not count) grey
    crosses; the horizontal bar is the side's median, the green band the typical range.

    Parameters
    ----------
    result : AnalysisResult
    metric : str
        A registry metric name present in ``result.strides``.
    ax : matplotlib Axes, optional
    seed : int
        Seed of the horizontal jitter.

    Returns
    -------
    matplotlib.figure.Figure
    """
    spec = METRICS[metric]
    fig, ax = _axes(ax, (3.2, 3.0))
    strides = result.strides
    rng = np.random.default_rng(seed)
    any_value = False
    for i, side in enumerate(("left", "right")):
        if metric not in strides:
            break
        s = strides.loc[strides["side"] == side]
        y = s[metric].to_numpy(dtype=float)
        valid = s["valid"].to_numpy(dtype=bool)
        fin = np.isfinite(y)
        x = i + rng.uniform(-0.12, 0.12, size=y.size)
        color = SIDE_COLORS[side]
        ok = valid & fin
        bad = ~valid & fin
        any_value |= bool(fin.any())
        ax.scatter(x[ok], y[ok], s=22, color=color, zorder=3)
        ax.scatter(x[bad], y[bad], s=26, color="#888888", marker="x", zorder=3)
        if ok.any():
            m = float(np.median(y[ok]))
            ax.plot([i - 0.25, i + 0.25], [m, m], color="black", lw=2, zorder=4)
    if any_value:
        ax.margins(y=0.25)
        _shade_typical(ax, metric)
    else:
        ax.text(0.5, 0.5, "no values", ha="center", va="center", transform=ax.transAxes)
    ax.set_xticks([0, 1], ["left", "right"])
    ax.set_xlim(-0.6, 1.6)
    typical = typical_text(metric)
    ax.set_title(spec.label + (f"\n(typical {typical})" if typical else ""), fontsize=9, y=1.0)
    ax.set_ylabel(unit_words(spec.unit), fontsize=8)
    ax.tick_params(labelsize=8)
    ax.grid(axis="y", alpha=0.3)
    return fig


def stride_legend_handles() -> list[Any]:
    """Legend handles explaining :func:`plot_stride_values` markers."""
    from matplotlib.lines import Line2D

    return [
        Line2D([], [], ls="", marker="o", color=SIDE_COLORS["left"], label="left stride"),
        Line2D([], [], ls="", marker="o", color=SIDE_COLORS["right"], label="right stride"),
        Line2D([], [], ls="", marker="x", color="#888888", label="stride not used (invalid)"),
        Line2D([], [], color="black", lw=2, label="median"),
    ]


def plot_left_right(
    result: AnalysisResult,
    *,
    metrics: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Left vs right: the difference of the side medians, scaled by the smallest real change.

    Each bar is ``(left - right) / smallest meaningful change`` of the metric, so metrics
    in different units share one axis; the grey band (±1) is the zone where the two
    sides cannot be told apart by 2D video.  The actual values are written beside each
    bar.

    Parameters
    ----------
    result : AnalysisResult
    metrics : sequence of str, optional
        Default: every measured metric with a value for both sides.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    rows = {r["metric"]: r for r in result.summary.to_dict("records")}
    names = list(metrics) if metrics is not None else list(METRICS)
    use = []
    for name in names:
        r = rows.get(name, {})
        spec = METRICS[name]
        if num(r.get("left")) is None or num(r.get("right")) is None or not spec.smallest_change:
            continue
        use.append((name, float(r["left"]), float(r["right"]), float(spec.smallest_change)))
    fig, ax = _axes(ax, (7.5, 0.45 * max(len(use), 2) + 1.4))
    if not use:
        ax.text(0.5, 0.5, "no metric has values for both sides", ha="center", va="center")
        ax.set_axis_off()
        return fig
    y = np.arange(len(use))[::-1]
    z = np.array([(lv - rv) / sc for _, lv, rv, sc in use])
    lim = max(3.0, float(np.nanmax(np.abs(z))) * 1.15)
    ax.axvspan(-1, 1, color="#999999", alpha=0.18, lw=0, label="within measurement noise")
    colors = np.where(z >= 0, SIDE_COLORS["left"], SIDE_COLORS["right"])
    ax.barh(y, z, color=colors, height=0.6)
    ax.axvline(0, color="black", lw=0.8)
    for yi, (name, lv, rv, _sc) in zip(y, use, strict=True):
        unit = METRICS[name].unit
        ax.text(
            lim * 1.02,
            yi,
            f"L {fmt(lv, unit)} · R {fmt(rv, unit)}",
            va="center",
            fontsize=8,
            clip_on=False,
        )
    ax.set_yticks(y, [METRICS[n].label for n, *_ in use], fontsize=8)
    ax.set_xlim(-lim, lim)
    ax.set_xlabel(
        "left − right, in smallest meaningful changes (bar to the right: left larger)",
        fontsize=8,
    )
    ax.set_title("Left vs right", fontsize=10, y=1.0)
    ax.legend(fontsize=8, loc="lower left")
    ax.grid(axis="x", alpha=0.3)
    return fig
