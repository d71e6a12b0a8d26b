"""The HTML comparison report: two sessions of one runner, side by side, in one file.

Same look and rules as the analysis report (:mod:`gait.report.html`): inline CSS
(:data:`gait.report._style.CSS`), base64 PNG images, no scripts, every string from the
input escaped.  Plots reuse :mod:`gait.report.curves` (gait-cycle curves) and
:mod:`gait.report.plots` (Agg rendering, side colours); key frames reuse
:func:`gait.report.frames.render_key_frames`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from gait import __version__
from gait._io import atomic_write
from gait.metrics import METRICS
from gait.report import _format as F
from gait.report._page import chip, esc, img, page, section

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from gait.comparison import Comparison, Session
    from gait.report.frames import KeyFrame

REPORT_NAME = "comparison.html"
BEFORE_COLOR = "#7f7f7f"

COMPARE_NOTE = (
    "A change counts only when it is at least the smallest change 2D video can detect for "
    "that measurement (Dingenen et al. 2018, or a stated rule of thumb) and its 95 % "
    "interval - from resampling your strides, and for cadence from the rhythm of stretches "
    "of each clip - excludes zero. Comparing two clips filmed "
    "with the same camera position is more trustworthy than comparing one clip with "
    "population averages; when the set-up differs the warnings below say what that means."
)

VERDICT_CHIP = {
    "improved": ("ok", "improved"),
    "worse": ("watch", "worse"),
    "no_meaningful_change": ("info", "no meaningful change"),
    "not_comparable": ("info", "not comparable"),
}
#: Chip level of each finding change (words: :func:`gait.compare_findings.finding_change_text`).
FINDING_LEVEL = {"resolved": "ok", "persisted": "watch", "appeared": "watch", "absent": "ok"}
#: A finding status in words.
STATUS_WORDS = {"fired": "seen", "not_fired": "not seen", "not_checked": "not checked"}


def verdict_text(rec: Mapping[Any, Any]) -> str:
    """Words for a verdict, with the direction of an unjudged real change."""
    v = str(rec.get("verdict"))
    if v == "no_meaningful_change" and rec.get("changed"):
        return f"changed ({rec.get('direction')}, not judged)"
    return VERDICT_CHIP.get(v, ("info", v))[1]


def change_text(rec: Mapping[Any, Any], unit: str) -> str:
    """``+1.2° [0.4, 2.0]`` style change with its interval."""
    ch = F.num(rec.get("change"))
    if ch is None:
        return "–"
    lo, hi = F.num(rec.get("ci_low")), F.num(rec.get("ci_high"))
    out = F.fmt(ch, unit, sign=True)
    if lo is not None and hi is not None:
        out += f" [{F.fmt(lo, unit, sign=True, symbol=False)}, {F.fmt(hi, unit, sign=True)}]"
    return out


@dataclass
class CompareAssets:
    """Images of the comparison report."""

    cycle_plot: bytes | None = None
    stride_plot: bytes | None = None
    key_frames: list[tuple[KeyFrame | None, KeyFrame | None]] = field(default_factory=list)
    key_frames_note: str = ""


# --------------------------------------------------------------------------------- plots


def plot_cycle_pair(
    before: Any, after: Any, angle: str, side: str, *, ax: Axes | None = None
) -> Any:
    """One angle over the gait cycle for one side: before (grey, dashed) and after.

    Parameters
    ----------
    before, after : AnalysisResult
    angle : str
        A key of :data:`gait.report.curves.ANGLES`.
    side : {"left", "right"}
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    from gait.report import curves, plots

    fig, ax = plots._axes(ax, (5.0, 3.0))
    for label, res, color, ls in (
        ("before", before, BEFORE_COLOR, "--"),
        ("after", after, plots.SIDE_COLORS[side], "-"),
    ):
        series = curves.result_series(res).get(angle)
        if series is None:
            continue
        cyc = curves.cycles(series[side], res.strides, side)
        med, lo, hi = cyc.band("iqr")
        if not np.isfinite(med).any():
            continue
        n = int(cyc.valid.sum())
        ax.fill_between(cyc.pct, lo, hi, color=color, alpha=0.15, lw=0)
        ax.plot(cyc.pct, med, color=color, ls=ls, lw=2, label=f"{label} ({n} strides)")
    ax.set_xlim(0, 100)
    ax.set_title(f"{curves.ANGLES[angle].label}, {side} foot", fontsize=9)
    ax.set_xlabel("gait cycle (%)", fontsize=8)
    ax.set_ylabel("degrees", fontsize=8)
    ax.tick_params(labelsize=8)
    ax.grid(alpha=0.3)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=7, loc="best")
    return fig


def plot_stride_pair(
    before: Session, after: Session, metric: str, *, ax: Axes | None = None
) -> Any:
    """Per-stride values of one metric, before (left column) and after (right column).

    Valid strides only, coloured by side; black bars are the medians.
    """
    from gait.report import plots

    spec = METRICS[metric]
    fig, ax = plots._axes(ax, (3.0, 3.0))
    rng = np.random.default_rng(0)
    for i, sess in enumerate((before, after)):
        s = sess.strides
        if metric not in s or s.empty:
            continue
        ok = s["valid"].to_numpy(dtype=bool)
        y = s[metric].to_numpy(dtype=float)
        sides = s["side"].to_numpy()
        use = ok & np.isfinite(y)
        for side in ("left", "right"):
            m = use & (sides == side)
            x = i + rng.uniform(-0.15, 0.15, size=int(m.sum()))
            ax.scatter(x, y[m], s=14, color=plots.SIDE_COLORS[side], zorder=3)
        if use.any():
            med = float(np.median(y[use]))
            ax.plot([i - 0.28, i + 0.28], [med, med], color="black", lw=2, zorder=4)
    ax.margins(y=0.2)
    plots._shade_typical(ax, metric)
    ax.set_xticks([0, 1], ["before", "after"])
    ax.set_xlim(-0.6, 1.6)
    ax.set_title(spec.label, fontsize=9)
    ax.set_ylabel(F.unit_words(spec.unit), fontsize=8)
    ax.tick_params(labelsize=8)
    ax.grid(axis="y", alpha=0.3)
    return fig


def build_compare_assets(
    comp: Comparison, *, slowmo: tuple[float, float] = (1.0, 1.0), dpi: int = 96
) -> CompareAssets:
    """Render the comparison plots and, when both clips are readable, the key frames."""
    from matplotlib.figure import Figure

    from gait.report import curves, plots

    assets = CompareAssets()
    b, a = comp.before, comp.after
    if b.result is not None and a.result is not None and b.view_kind == a.view_kind:
        angles = curves.angles_for_view(b.view_kind)
        if angles:
            fig = Figure(figsize=(10.0, 2.8 * len(angles) + 0.3), layout="constrained")
            axes = fig.subplots(len(angles), 2, squeeze=False)
            for row, angle in zip(axes, angles, strict=True):
                for ax, side in zip(row, ("left", "right"), strict=True):
                    plot_cycle_pair(b.result, a.result, angle, side, ax=ax)
            assets.cycle_plot = plots.figure_png(fig, dpi=dpi)
    shown = [
        r["metric"]
        for r in comp.metrics.to_dict("records")
        if r["verdict"] != "not_comparable" and r["metric"] in b.strides
    ]
    if shown:
        ncol = 4
        nrow = -(-len(shown) // ncol)
        fig = Figure(figsize=(11.0, 2.7 * nrow + 0.3), layout="constrained")
        axes_flat = fig.subplots(nrow, ncol, squeeze=False).ravel()
        for ax, name in zip(axes_flat, shown, strict=False):
            plot_stride_pair(b, a, name, ax=ax)
        for ax in axes_flat[len(shown) :]:
            ax.set_axis_off()
        assets.stride_plot = plots.figure_png(fig, dpi=dpi)
    assets.key_frames, assets.key_frames_note = _key_frame_pairs(b, a, slowmo)
    return assets


def _key_frame_pairs(
    b: Session, a: Session, slowmo: tuple[float, float]
) -> tuple[list[tuple[KeyFrame | None, KeyFrame | None]], str]:
    from gait.errors import GaitError

    frames: list[list[KeyFrame]] = []
    for sess, factor in ((b, slowmo[0]), (a, slowmo[1])):
        src = Path(sess.result.pose.source_path) if sess.result and sess.source else None
        if sess.result is None or src is None or not src.is_file():
            return [], "Key frames need both video files; at least one was not available."
        from gait.report.frames import render_key_frames

        try:
            frames.append(render_key_frames(sess.result, src, slowmo=factor, height=360))
        except GaitError as exc:
            return [], f"Key frames could not be decoded: {exc}"
    by_key = [{(k.pick.side, k.pick.event): k for k in fr} for fr in frames]
    keys = list(dict.fromkeys([*by_key[0], *by_key[1]]))
    pairs = [(by_key[0].get(k), by_key[1].get(k)) for k in keys]
    return pairs, "" if pairs else "No valid stride gave a key frame."


# --------------------------------------------------------------------------------- html


#: Under a metric with a caveat (``MetricSpec.caveat``): a real change reads smaller.
UNDER_READ = (
    "The pose model under-reads this measurement (see the caveat in the report of each clip): "
    "a real change can read smaller than it is."
)


def _metrics_table(comp: Comparison) -> str:
    head = (
        "<tr><th>Measurement</th><th>Before</th><th>After</th><th>Change [95 % interval]</th>"
        "<th>Smallest real change</th><th>Verdict</th></tr>"
    )
    rows = []
    for r in comp.metrics.to_dict("records"):
        name = str(r["metric"])
        spec = METRICS[name]
        level, _ = VERDICT_CHIP.get(str(r["verdict"]), ("info", ""))
        extra = F.text(r.get("reason")) or F.text(r.get("note"))
        if spec.caveat and not F.text(r.get("reason")):
            extra = " ".join(x for x in (extra, UNDER_READ) if x)
        rows.append(
            f'<tr data-metric="{esc(name)}"><td>{esc(spec.label)}</td>'
            f"<td>{esc(F.fmt(r.get('before'), spec.unit))}</td>"
            f"<td>{esc(F.fmt(r.get('after'), spec.unit))}</td>"
            f"<td>{esc(change_text(r, spec.unit))}</td>"
            f"<td>{esc(F.fmt(r.get('smallest_change'), spec.unit))}</td>"
            f"<td>{chip(level, verdict_text(r))}"
            + (f"<br><span class='meta'>{esc(F.pretty_reason(extra))}</span>" if extra else "")
            + "</td></tr>"
        )
    return f"<table>{head}{''.join(rows)}</table>"


def _sides_table(comp: Comparison) -> str:
    head = (
        "<tr><th>Measurement</th><th>Side</th><th>Before</th><th>After</th>"
        "<th>Change [95 % interval]</th><th>Verdict</th></tr>"
    )
    rows = []
    groups = [(r, r["side"]) for r in comp.sides.to_dict("records")]
    groups += [(r, "left − right") for r in comp.asymmetry.to_dict("records")]
    order = {n: i for i, n in enumerate(METRICS)}
    groups.sort(key=lambda g: order.get(str(g[0]["metric"]), 99))
    for r, side in groups:
        spec = METRICS[str(r["metric"])]
        level, _ = VERDICT_CHIP.get(str(r["verdict"]), ("info", ""))
        rows.append(
            f"<tr><td>{esc(spec.label)}</td><td>{esc(side)}</td>"
            f"<td>{esc(F.fmt(r.get('before'), spec.unit))}</td>"
            f"<td>{esc(F.fmt(r.get('after'), spec.unit))}</td>"
            f"<td>{esc(change_text(r, spec.unit))}</td>"
            f"<td>{chip(level, verdict_text(r))}</td></tr>"
        )
    return f"<table>{head}{''.join(rows)}</table>" if rows else "<p>No per-side values.</p>"


def _findings_html(comp: Comparison) -> str:
    from gait.compare_findings import finding_change_text, low_confidence_text

    items = []
    for r in comp.findings.to_dict("records"):
        change, before, after = str(r["change"]), str(r["before"]), str(r["after"])
        label = finding_change_text(change, before, after) + low_confidence_text(
            r.get("before_confidence"), r.get("after_confidence")
        )
        items.append(
            f"<tr><td>{esc(r['compensation'])}</td>"
            f"<td>{esc(STATUS_WORDS.get(before, before))}</td>"
            f"<td>{esc(STATUS_WORDS.get(after, after))}</td>"
            f"<td>{chip(FINDING_LEVEL.get(change, 'info'), label)}</td></tr>"
        )
    table = (
        "<table><tr><th>Pattern</th><th>Before</th><th>After</th><th>Change</th></tr>"
        + "".join(items)
        + "</table>"
    )
    advice = "".join(f"<li>{esc(m)}</li>" for m in comp.drill_advice.get("messages") or [])
    return table + f"<h3>What it means for the drill plan</h3><ul class='plain'>{advice}</ul>"


def _plots_html(assets: CompareAssets) -> str:
    body = ""
    if assets.cycle_plot:
        body += (
            "<h3>Joint angles through the stride</h3><p class='meta'>Grey dashed: before; "
            "coloured: after (median stride, band = middle 50 % of strides).</p>"
            f"<figure>{img(assets.cycle_plot, 'gait-cycle curves before and after')}</figure>"
        )
    if assets.stride_plot:
        body += (
            "<h3>Stride by stride</h3><p class='meta'>Every valid stride, before and after; "
            "blue = left, orange = right, black bar = median, green band = typical range.</p>"
            f"<figure>{img(assets.stride_plot, 'per-stride values before and after')}</figure>"
        )
    return body or "<p>No plot: the sessions have no comparable strides.</p>"


def _frames_html(assets: CompareAssets) -> str:
    if not assets.key_frames:
        return f"<p class='note'>{esc(assets.key_frames_note or 'No key frames.')}</p>"
    figs = []
    for before, after in assets.key_frames:
        for label, k in (("before", before), ("after", after)):
            if k is None:
                figs.append(f"<figure><p class='note'>{esc(label)}: no frame</p></figure>")
            else:
                cap = f"{label}: {k.caption}"
                figs.append(
                    f"<figure>{img(k.png, cap)}<figcaption>{esc(cap)}</figcaption></figure>"
                )
    return f"<div class='frames' style='grid-template-columns: 1fr 1fr'>{''.join(figs)}</div>"


def _sessions_table(comp: Comparison) -> str:
    def desc(s: Session) -> str:
        facing = f", facing image-{s.facing}" if s.facing else ""
        return (
            f"{s.label}: {s.view_kind} view{facing}, {s.setting}, {s.fps:.0f} fps, "
            f"{s.n_valid()} valid stride{'s' * (s.n_valid() != 1)} (L {s.n_valid('left')}, "
            f"R {s.n_valid('right')})"
        )

    rows = [("Before", desc(comp.before)), ("After", desc(comp.after))]
    cells = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    return f'<table class="facts">{cells}</table>'


def render_compare_html(
    comp: Comparison, *, assets: CompareAssets, title: str | None = None
) -> str:
    """The comparison report as one HTML document (str)."""
    title = title or f"Running gait comparison: {comp.before.label} → {comp.after.label}"
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    warn = "".join(f'<div class="warn">{esc(w)}</div>' for w in comp.warnings)
    sections = [
        section(
            "how-to-read",
            "How to read this comparison",
            "",
            f'<div class="note">{esc(COMPARE_NOTE)}</div>{_sessions_table(comp)}{warn}',
        ),
        section(
            "summary",
            "What changed",
            "Each measurement before and after (median over valid strides), the change with "
            "its 95 % interval, and whether it is a real change.",
            _metrics_table(comp),
        ),
        section("findings", "Patterns and drills", "", _findings_html(comp)),
        section(
            "sides",
            "Left and right",
            "The same per foot, and the left−right difference (smaller is more symmetric).",
            _sides_table(comp),
        ),
        section("plots", "Plots", "", _plots_html(assets)),
        section("frames", "Key moments, before and after", "", _frames_html(assets)),
    ]
    toc = [
        ("summary", "What changed"),
        ("findings", "Patterns and drills"),
        ("sides", "Left and right"),
        ("plots", "Plots"),
        ("frames", "Key moments"),
    ]
    return page(title, [f"generated {generated} by gait {__version__}"], toc, sections)


def write_compare_report(
    comp: Comparison,
    out_dir: str | Path,
    *,
    title: str | None = None,
    slowmo: Sequence[float] = (1.0, 1.0),
) -> Path:
    """Write ``comparison.html`` into ``out_dir`` atomically and return its path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    assets = build_compare_assets(comp, slowmo=(float(slowmo[0]), float(slowmo[1])))
    page = render_compare_html(comp, assets=assets, title=title)
    return atomic_write(out / REPORT_NAME, page)
