"""The HTML report: one self-contained file a runner can open offline in any browser.

:func:`gait.report.figures.build_assets` renders the plots (Agg canvas, PNG) and the key
frames; :func:`render_html` lays everything out as one HTML document with inline CSS and
base64 images - no scripts, no external fetches.  Every string that comes from the
input (file names, paths, title, runner name, findings and drill text, warnings) goes
through :func:`html.escape`.  The findings and drill-plan sections come from
:mod:`gait.report.findings_html`; the others are built here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gait import __version__
from gait.metrics import METRICS
from gait.report import _format as F
from gait.report._page import chip, esc, img, page, section
from gait.report.figures import ReportAssets
from gait.report.findings_html import findings_section, plan_section

if TYPE_CHECKING:
    from gait.analysis import AnalysisResult
    from gait.view import ViewInfo

ACCURACY_NOTE = (
    "These numbers come from one camera and a 2D pose model. Joint angles measured this "
    "way typically differ from lab motion capture by several degrees (about 5–8° in "
    "published comparisons), and timing is limited by the frame rate. Comparing your own "
    "clips before and after a change, filmed with the same camera position, is more "
    "trustworthy than comparing one clip with population averages. The report describes "
    "movement patterns and suggests drills; it is not a medical diagnosis."
)


# ------------------------------------------------------------------------- sections


def _facts_table(rows: Sequence[tuple[str, Any]]) -> str:
    cells = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in rows)
    return f'<table class="facts">{cells}</table>'


def _clip_section(result: AnalysisResult, clip_name: str) -> str:
    pose, view = result.pose, result.view
    n_valid = int(result.strides["valid"].sum()) if len(result.strides) else 0
    kind = {"side": "side view", "rear": "from behind", "front": "from the front"}.get(
        view.kind, view.kind
    )
    facing = f", runner facing image-{view.facing}" if view.facing else ""
    duration = float(pose.time_s[-1] - pose.time_s[0]) if pose.n_frames > 1 else 0.0
    slow = F.num(result.speed.factor)
    retimed = result.retimed_by != 1.0  # found slowed or sped up: analysed retimed
    played = result.input_pose.fps
    clock = f"analysed as real time ({played:.1f} as played)" if retimed else "(real time)"
    as_played = duration * result.retimed_by
    length_note = f", analysed as real time ({as_played:.1f} s as played)" if retimed else ""
    rows: list[tuple[str, Any]] = [
        ("Video file", clip_name),
        ("Length", f"{duration:.1f} s ({pose.n_frames} frames){length_note}"),
        ("Frame rate", f"{pose.fps:.1f} frames per second {clock}"),
        ("Picture size", f"{pose.width} × {pose.height} pixels"),
        ("Frames where a runner was found", f"{pose.frames_with_pose} of {pose.n_frames}"),
        (
            "Camera view (detected)",
            f"{kind}{facing}, {view.setting}"
            + (" (set by you)" if view.overridden else f"; confidence {view.confidence:.0%}"),
        ),
        ("Camera tilt corrected", _tilt_row(view)),
        ("Strides used", f"{n_valid} of {len(result.strides)} (per foot, contact to contact)"),
    ]
    if slow is not None and abs(slow - 1.0) > 0.05:
        how = f"slowed down about {slow:g}×" if slow > 1 else f"sped up about {1 / slow:g}×"
        angles = "angles measured as if it were, " if retimed else ""
        rows.append(
            (
                "Playback speed check",
                f"footage looks {how}: {angles}cadence and contact times withheld "
                f"(re-run with --slowmo {slow:g})",
            )
        )
    body = _facts_table(rows)
    if result.warnings:
        items = "".join(f'<div class="warn">{esc(w)}</div>' for w in result.warnings)
        body += f"<h3>Things to know about this clip</h3>{items}"
    strides = result.strides
    invalid = strides.loc[~strides["valid"].astype(bool)] if len(strides) else strides
    if len(invalid):
        counts = F.reason_counts(invalid["reason"])
        items = "".join(f"<li>{esc(r)} ({c}×)</li>" for r, c in counts)
        body += (
            "<details><summary>Why some strides were not used "
            f"({len(invalid)})</summary><ul class='plain'>{items}</ul></details>"
        )
    return section(
        "clip",
        "About this clip",
        "What was analysed and how the camera saw you. Check the view is right: the "
        "measurements depend on it.",
        body,
    )


def _card(row: Mapping[str, Any], pattern: str, far: str | None = None) -> str:
    """One metric's card; ``far``: the side view's far leg, whose value of a near-leg-only
    metric is shown but marked as not used."""
    name = str(row["metric"])
    spec = METRICS[name]
    unit = spec.unit
    st = F.status(name, row.get("value"))
    conf = F.text(row.get("confidence_label"))
    typical = F.typical_text(name)
    asym = F.num(row.get("asymmetry"))
    parts = [
        f'<div class="card" data-metric="{esc(name)}">',
        f"<h3>{esc(spec.label)}</h3>",
        f'<div class="value">{esc(F.fmt(row.get("value"), unit, symbol=False))} '
        f'<span class="unit">{esc(F.unit_words(unit))}</span></div>',
        f"<div>{chip(st.level, st.label)} "
        + (
            f'<span class="chip conf" title="{esc(F.CONFIDENCE_TEXT.get(conf, ""))}">'
            f"confidence: {esc(conf)}</span>"
            if conf
            else ""
        )
        + "</div>",
        f'<p class="plain">{esc(F.PLAIN.get(name, spec.definition))}</p>',
    ]
    if spec.caveat:
        parts.append(f'<p class="caveat"><b>Caveat:</b> {esc(spec.caveat)}</p>')
    if pattern:
        parts.append(f'<div class="meta">Foot strike pattern: <b>{esc(pattern)}</b></div>')
    side_text = {k: F.fmt(row.get(k), unit) for k in ("left", "right")}
    if far in side_text and spec.near_leg_only and F.num(row.get(far)) is not None:
        side_text[far] += " (far leg, not in the value)"
        asym = None  # no difference drawn with a value the metric does not trust
    parts.append(
        '<div class="sides">'
        f'<span class="l">Left {esc(side_text["left"])}</span>'
        f'<span class="r">Right {esc(side_text["right"])}</span></div>'
    )
    if name in F.SIDES_MEANING:
        parts.append(f'<div class="meta">{esc(F.SIDES_MEANING[name])}.</div>')
    meta = []
    if asym is not None:
        meta.append(f"left − right: {F.fmt(asym, unit, sign=True)}")
    meta.append(f"typical: {typical}" if typical else "no typical range published")
    n = F.num(row.get("n_strides"))
    if n is not None:
        nl, nr = F.num(row.get("n_left")) or 0, F.num(row.get("n_right")) or 0
        meta.append(f"from {n:.0f} stride{'s' * (round(n) != 1)} (L {nl:.0f}, R {nr:.0f})")
    if row.get("few_strides"):
        meta.append("few strides: a rough value")
    parts.append(f'<div class="meta">{esc(" · ".join(meta))}</div></div>')
    return "".join(parts)


def _summary_section(result: AnalysisResult, rows: list[dict[str, Any]]) -> str:
    pattern = F.strike_pattern_text(result.strike_patterns, result.strike_uncertainty_deg)
    far = result.far_leg
    cards = [
        _card(r, pattern if r["metric"] == "foot_strike_angle_deg" else "", far)
        for r in rows
        if not F.text(r.get("not_measurable"))
    ]
    if not cards:
        body = '<p class="warn">Nothing could be measured from this clip (see below why).</p>'
    else:
        body = f'<div class="cards">{"".join(cards)}</div>'
    legend = (
        '<p class="meta">Colours compare each value with the range most runners show: '
        f"{chip('ok', 'within typical range')} {chip('watch', 'outside typical range')} "
        f"{chip('info', 'for information / no range')}. Being outside a range is not "
        "a fault in itself; the findings below say what is worth working on. "
        "<b>Confidence</b> says how far to trust the number (steady strides, clear body "
        "points, enough strides, and a frame rate fast enough for timings and for what is "
        "taken at the moment of contact or toe-off: 60 fps or more).</p>"
    )
    return section(
        "summary",
        "Your numbers at a glance",
        "One card per measurement: the typical value over your strides (median), left and "
        "right foot separately, and how they compare with typical values.",
        legend + body,
    )


def _tilt_row(view: ViewInfo) -> str:
    """The view table's camera-tilt cell: the roll the angles were levelled by and, when
    the events were timed along another floor line, that line."""
    text = f"{view.roll_deg:+.1f}° (the floor line is levelled)"
    if view.events_roll_deg != view.roll_deg:
        text = (
            f"{view.roll_deg:+.1f}°; the belt line, sloping {view.events_roll_deg:+.1f}°, is "
            "levelled to time the steps only (a slope this small may be perspective)"
        )
    return text


def _far_leg_note(near: str | None) -> str:
    """The side-view caveat on left/right angle differences, naming the legs if known."""
    if near is None:
        seen = " Filmed from one side, the far leg is partly hidden behind the near one: its "
        other = "the other side"
    else:
        far = "right" if near == "left" else "left"
        seen = (
            f" Filmed from the {near} side, the {far} leg is partly hidden behind the {near} "
            "one: its "
        )
        other = f"the {far} side"
    return (
        seen + "angles read differently and its contacts are timed less precisely, so "
        "left/right differences here mostly show which leg was nearer the camera (the "
        f"findings do not judge them; film {other} too, or from behind)."
    )


def _plots_section(assets: ReportAssets, view_kind: str = "", near: str | None = None) -> str:
    figs = "".join(
        f"<figure>{img(png, title + ' over the gait cycle')}</figure>"
        for title, png in assets.cycle_plots
    )
    body = ""
    if figs:
        body += (
            "<h3>Joint angles through the stride</h3><p class='meta'>Each curve starts when the "
            "foot touches down (0 %) and ends at its next touch-down (100 %). The line is your "
            "typical stride, the shaded band shows how much strides varied; the dashed line "
            "is toe-off (foot on the ground to the left of it, in the air to the right).</p>"
            f"<div class='figs'>{figs}</div>"
        )
    if assets.left_right_plot:
        body += (
            "<h3>Left vs right</h3><p class='meta'>Bars inside the grey band are differences "
            "too small to tell apart with video."
            + (_far_leg_note(near) if view_kind == "side" else "")
            + "</p>"
            f"<figure>{img(assets.left_right_plot, 'left vs right comparison')}</figure>"
        )
    if assets.stride_plot:
        body += (
            "<h3>Stride by stride</h3><p class='meta'>Every stride's value; grey crosses are "
            "strides that were not used (see “About this clip”). The green band is the "
            "typical range.</p>"
            f"<figure>{img(assets.stride_plot, 'per-stride values of each metric')}</figure>"
        )
    return section(
        "plots",
        "How you move through the stride",
        "The measurements in pictures: whole-stride curves, left against right, and the "
        "stride-to-stride spread behind each number.",
        body or "<p>No plot: no valid strides.</p>",
    )


def _frames_section(assets: ReportAssets) -> str:
    if assets.key_frames:
        figs = "".join(
            f"<figure>{img(k.png, k.caption)}<figcaption>{esc(k.caption)}</figcaption></figure>"
            for k in assets.key_frames
        )
        body = (
            "<p class='meta'>A typical stride of each foot (the one closest to your median), "
            "at touch-down and mid-stance. Blue = left side, orange = right side; yellow arcs "
            "are the measured angles, white lines the reference (vertical or the thigh's "
            "line).</p>"
            f"<div class='frames'>{figs}</div>"
        )
    else:
        body = f"<p class='note'>{esc(assets.key_frames_note or 'No key frames.')}</p>"
    return section(
        "frames",
        "Key moments",
        "What the measurements look like on your own video.",
        body,
    )


def _not_measured_section(rows: list[dict[str, Any]], findings: list[dict[str, Any]]) -> str:
    missing = [r for r in rows if F.text(r.get("not_measurable"))]
    items = "".join(
        f"<tr><td>{esc(METRICS[r['metric']].label)}</td><td>{esc(r['not_measurable'])}</td></tr>"
        for r in missing
    )
    body = (
        f"<h3>Measurements</h3><table><tr><th>Measurement</th><th>Why not</th></tr>{items}</table>"
        if missing
        else "<p>Every measurement was possible.</p>"
    )
    unchecked = [f for f in findings if f.get("status") == "not_checked"]
    if unchecked:
        items = "".join(
            f"<tr><td>{chip('info', 'not checked')} {esc(f.get('compensation'))}</td>"
            f"<td>{esc(F.pretty_reason(f.get('reason')) or 'its measurements are not available')}"
            "</td></tr>"
            for f in unchecked
        )
        body += (
            "<h3>Patterns that could not be checked</h3>"
            f"<table><tr><th>Pattern</th><th>Why not</th></tr>{items}</table>"
        )
    return section(
        "not-measured",
        "What this clip could not measure",
        "A single camera sees only some things. Film from the side for stride and joint "
        "angles, and from behind for the pelvis and knee tracking.",
        body,
    )


def _provenance_section(result: AnalysisResult, generated: str) -> str:
    pose = result.pose
    versions = dict(pose.versions)
    rows: list[tuple[str, Any]] = [
        ("Report generated", generated),
        ("gait (this report)", __version__),
        ("gait (landmarks)", versions.get("gait", "unknown")),
        ("MediaPipe", versions.get("mediapipe", "unknown")),
        ("OpenCV", versions.get("opencv", "unknown")),
    ]
    rows += [(k, v) for k, v in versions.items() if k not in ("gait", "mediapipe", "opencv")]
    rows += [
        ("Pose model", pose.model or "unknown"),
        ("Model SHA-256", pose.model_sha256 or "unknown"),
        ("Video path", pose.source_path or "unknown"),
        ("Video SHA-256", pose.source_sha256 or "unknown"),
    ]
    settings = _facts_table([(str(k), _short(v)) for k, v in dict(pose.settings).items()])
    options = _facts_table([(str(k), _short(v)) for k, v in dict(result.options).items()])
    view = _facts_table([(str(k), _short(v)) for k, v in result.view.to_dict().items()])
    body = (
        _facts_table(rows)
        + "<h3>Pose extraction settings</h3>"
        + settings
        + "<h3>Analysis options</h3>"
        + options
        + "<h3>View detection</h3>"
        + view
    )
    return section(
        "provenance",
        "How this report was made",
        "Software versions, model and settings, so the analysis can be repeated exactly.",
        body,
    )


def _short(v: Any) -> str:
    s = F.text(v)
    if s == "":
        return "none" if v is None else ""
    return s if len(s) <= 300 else s[:297] + "..."


def render_html(
    result: AnalysisResult,
    findings: Sequence[Any],
    plan: Mapping[str, Any],
    *,
    assets: ReportAssets,
    title: str | None = None,
    runner: str | None = None,
    clip_name: str | None = None,
) -> str:
    """The report as one HTML document (str); see :func:`gait.report.write_report`."""
    clip = clip_name or Path(result.pose.source_path or "clip").name
    title = title or f"Running gait report: {clip}"
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    rows = F.summary_rows(result.summary)
    fnd = F.finding_dicts(findings)
    sub = [f"Runner: {runner}"] if runner else []
    sub.append(f"Clip: {clip} · generated {generated} by gait {__version__}")
    toc = [
        ("summary", "Numbers"),
        ("findings", "What stands out"),
        ("plan", "Drill plan"),
        ("plots", "Plots"),
        ("frames", "Key moments"),
        ("clip", "About the clip"),
        ("not-measured", "Not measured"),
        ("provenance", "How it was made"),
    ]
    sections = [
        section(
            "how-to-read",
            "How to read this report",
            "",
            f'<div class="note">{esc(ACCURACY_NOTE)}</div>',
        ),
        _summary_section(result, rows),
        findings_section(fnd),
        plan_section(plan, fnd),
        _plots_section(assets, result.view.kind, result.near_leg),
        _frames_section(assets),
        _clip_section(result, clip),
        _not_measured_section(rows, fnd),
        _provenance_section(result, generated),
    ]
    return page(title, sub, toc, sections)
