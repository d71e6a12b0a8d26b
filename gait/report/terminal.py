"""The plain-text summary printed after an analysis (at most 100 columns).

:func:`terminal_summary` returns a block with the metric table, what could not be
measured, the fired findings with one line of evidence each, the pre-run routine in one
line, the clip's warnings and where the report is.  ANSI colours are used only when
asked for, or by default when standard output is a terminal.
"""

from __future__ import annotations

import re
import sys
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gait.metrics import METRICS
from gait.report import _format as F

if TYPE_CHECKING:
    from gait.analysis import AnalysisResult

_COLORS = {"ok": "32", "watch": "33", "info": "90", "bold": "1"}
_MARKS = {"ok": "ok", "watch": "!", "info": "·"}
#: A bracketed explanation longer than a few words (the report keeps it).
_LONG_ASIDE = re.compile(r" \([^)]{25,}\)")
_UNIT_SHORT = {"deg": "deg", "ms": "ms", "%": "%", "% leg": "% leg", "steps/min": "spm"}


def _paint(s: str, style: str, color: bool) -> str:
    return f"\033[{_COLORS[style]}m{s}\033[0m" if color else s


def _wrap(text: str, width: int, indent: str = "", first: str | None = None) -> list[str]:
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_long_words=True,
        break_on_hyphens=False,
    ) or [indent]


def _cut(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


@dataclass
class _TableNotes:
    """What the metric table leaves for the lines under it to explain."""

    #: labels of the metrics not measured, by the reason why
    missing: dict[str, list[str]] = field(default_factory=dict)
    #: what Left/Right are, where they are not the value's halves
    meanings: list[str] = field(default_factory=list)
    #: a metric known to be under-read (marked ``*``) was shown
    caveats: bool = False
    #: a far-leg value was shown in ( ) beside a near-leg-only metric
    far_shown: bool = False


def terminal_summary(
    result: AnalysisResult,
    findings: Sequence[Any] = (),
    plan: Mapping[str, Any] | None = None,
    *,
    report_path: str | Path | None = None,
    width: int = 100,
    color: bool | None = None,
) -> str:
    """A plain-text summary of an analysis for the terminal.

    Parameters
    ----------
    result : AnalysisResult
    findings : sequence of Finding or dict
        From :func:`gait.findings.evaluate`.
    plan : dict, optional
        From :func:`gait.drills.build_plan`.
    report_path : str or Path, optional
        Where the HTML report was written (printed last).
    width : int
        Maximum line width (at least 60; the default 100).
    color : bool, optional
        ANSI colours; default: only when standard output is a terminal.

    Returns
    -------
    str
        Lines joined by newlines, none wider than ``width`` characters.
    """
    if color is None:
        color = bool(getattr(sys.stdout, "isatty", lambda: False)())
    width = max(60, int(width))
    out = _header_lines(result, width)
    out.append("")
    table, notes = _metric_table(result, width, color)
    out += table
    out += _table_legend(result, notes, width)
    out += _not_measurable_lines(notes.missing, width)
    out.append("")
    out += _findings_lines(F.finding_dicts(findings), width, color)
    out += _plan_lines(plan, width)
    out += _notes_lines(result, width, color)
    if report_path is not None:
        out.append("")
        out += _wrap(f"Report: {report_path}", width)
    return "\n".join(line.rstrip() for line in out)


def _header_lines(result: AnalysisResult, width: int) -> list[str]:
    """The clip, the pose found in it and the view: three lines (wrapped)."""
    view = result.view
    n_valid = int(result.strides["valid"].sum()) if len(result.strides) else 0
    clip = Path(result.pose.source_path or "clip").name
    out: list[str] = []
    kind = {"side": "side view", "rear": "rear view", "front": "front view"}.get(
        view.kind, view.kind
    )
    facing = f", facing {view.facing}" if view.facing else ""
    pose = result.pose
    duration = float(pose.time_s[-1] - pose.time_s[0]) if pose.n_frames else 0.0
    retimed = (
        f" analysed as real time, {duration * result.retimed_by:.1f} s as played"
        if result.retimed_by != 1.0
        else ""
    )
    out += _wrap(
        f"Clip: {clip} ({pose.width}x{pose.height}, {pose.n_frames} frames, "
        f"{duration:.1f} s{retimed})",
        width,
    )
    out += _wrap(
        f"Pose: person found on {pose.frames_with_pose}/{pose.n_frames} frames, "
        f"model {pose.model or 'unknown'}",
        width,
    )
    out += _wrap(
        f"View: {kind}{facing}, {view.setting} (confidence {view.confidence:.0%}) · "
        f"strides used: {n_valid} of {len(result.strides)} · {result.pose.fps:.0f} fps",
        width,
    )
    return out


def _metric_table(result: AnalysisResult, width: int, color: bool) -> tuple[list[str], _TableNotes]:
    """The metric table (heading and one row per measured metric) and what it leaves
    for the lines under it: the metrics not measured, the Left/Right meanings, whether
    a caveat or a far-leg value was shown."""
    # metric table: label | value | left | right | unit | typical | confidence | mark
    lw = min(34, width - 58)
    head = (
        f"{'Measurement':<{lw}} {'Value':>7} {'Left':>7} {'Right':>7}  {'Unit':<6}"
        f"{'Typical':<13}{'Conf':<7}"
    )
    out = [_paint(head, "bold", color)]
    notes = _TableNotes()
    far = result.far_leg
    for r in F.summary_rows(result.summary):
        name = str(r["metric"])
        spec = METRICS[name]
        reason = F.text(r.get("not_measurable"))
        if reason:
            notes.missing.setdefault(reason, []).append(spec.label)
            continue
        if name in F.SIDES_MEANING:
            notes.meanings.append(F.SIDES_MEANING[name] + ".")
        st = F.status(name, r.get("value"))
        unit = spec.unit
        typical = F.typical_text(name, symbol=False)

        # a near-leg-only metric: the far leg's value is shown in ( ), not used
        far_marked = bool(far and spec.near_leg_only and F.num(r.get(far)) is not None)
        notes.far_shown |= far_marked

        def val(key: str, r: dict[str, Any] = r, unit: str = unit, mark: bool = far_marked) -> str:
            text = F.fmt(r.get(key), unit, symbol=False)
            return f"({text})" if mark and key == far else text

        line = (
            f"{_cut(spec.label, lw):<{lw}} {val('value'):>7} {val('left'):>7} "
            f"{val('right'):>7}  {_UNIT_SHORT.get(unit, unit):<6}{_cut(typical or '–', 12):<13}"
            f"{F.text(r.get('confidence_label')):<7}"
        )
        mark = _paint(_MARKS[st.level], st.level, color) + ("*" if spec.caveat else "")
        notes.caveats |= bool(spec.caveat)
        out.append(line + " " + mark)
    return out, notes


def _table_legend(result: AnalysisResult, notes: _TableNotes, width: int) -> list[str]:
    """Under the table: what its marks mean, which leg was nearer the camera, what
    Left/Right are where they are not the value's halves, what ``*`` means."""
    legend = "ok = within typical range, ! = outside it, · = no range or for information"
    out = _wrap(legend, width)
    near, far = result.near_leg, result.far_leg
    if near is not None:
        out += _wrap(
            f"Left/Right: the {near} leg was nearer the camera; the {far} leg is partly "
            "hidden behind it, so its angles and contact times read less reliably (film the "
            f"{far} side for it)."
            + (
                f" A {far} value in ( ) is not part of the Value, which is the {near} leg's."
                if notes.far_shown
                else ""
            ),
            width,
        )
    for meaning in notes.meanings:
        out += _wrap(meaning, width)
    if notes.caveats:
        out += _wrap(
            "* known to be under-read by the pose model (measured on rendered runners): a value "
            "in the typical range does not rule the pattern out; the report says more.",
            width,
        )
    return out


def _not_measurable_lines(missing: Mapping[str, list[str]], width: int) -> list[str]:
    """One "Not measurable (reason): labels" line (wrapped) per reason."""
    out: list[str] = []
    for reason, labels in missing.items():
        out += _wrap(f"Not measurable ({reason}): {', '.join(labels)}", width, "    ", "")
    return out


def _findings_lines(fnd: list[dict[str, Any]], width: int, color: bool) -> list[str]:
    """The findings: the fired ones with their evidence, else that none stood out or
    none could be checked; the patterns not ruled out and how many were not checked."""
    fired = [f for f in fnd if f.get("status") == "fired"]
    out = [_paint(f"Findings ({len(fired)})", "bold", color)]
    n_checked = sum(f.get("status") in ("fired", "not_fired") for f in fnd)
    if not n_checked and fnd:
        out.append("  No pattern could be checked in this clip (the notes below say why).")
    elif not fired:
        line = "None of the checked patterns stood out" + F.weakly_cleared_text(fnd)
        out += _wrap(line + ".", width, "  ", "  ")
    for f in fired:
        out += _fired_finding_lines(f, width, color)
    weak = F.not_ruled_out(fnd)
    if weak:
        out += _wrap(
            "Not ruled out (measured with low confidence or known to be under-read; see the "
            f"report): {', '.join(weak)}.",
            width,
            "  ",
        )
    n_unchecked = sum(f.get("status") == "not_checked" for f in fnd)
    if n_unchecked and n_checked:
        out += _wrap(
            f"{n_unchecked} pattern(s) could not be checked from this view (see the report).",
            width,
            "  ",
        )
    return out


def _fired_finding_lines(f: Mapping[str, Any], width: int, color: bool) -> list[str]:
    """A fired finding: its title (sides, confidence), a line per fired piece of
    evidence and its reason in brackets."""
    sides = ", ".join(f.get("sides") or [])
    conf = f"confidence {F.text(f.get('confidence'))}" if f.get("confidence") else ""
    extra = "; ".join(x for x in (sides, conf) if x)
    title = F.text(f.get("compensation")) + (f" ({extra})" if extra else "")
    out = _wrap(title, width, "    ", _paint("  ! ", "watch", color) if color else "  ! ")
    for ev in f.get("evidence") or []:
        if ev.get("fired"):
            out += _wrap(F.evidence_line(ev), width, "      ", "      ")
    note = F.text(f.get("reason")).split("; not checked")[0]
    if note and not note.startswith("not checked"):
        out += _wrap(f"({note})", width, "      ", "      ")
    return out


def _plan_lines(plan: Mapping[str, Any] | None, width: int) -> list[str]:
    """The pre-run routine of the drill plan in one line (wrapped), after a blank line;
    nothing without a plan or drills."""
    out: list[str] = []
    if plan:
        pre = plan.get("pre_run") or {}
        drills = "; ".join(
            f"{F.text(d.get('name'))} {F.text(d.get('dose'))}".strip()
            for d in pre.get("drills") or []
        )
        if drills:
            # with no finding to address (none fired, or none could be checked): the
            # articles' general routine, not a plan for this runner
            title = "General pre-run routine" if plan.get("general_routine") else "Pre-run routine"
            out.append("")
            out += _wrap(f"{title} ({F.text(pre.get('minutes'))} min): {drills}", width, "  ", "")
    return out


def _notes_lines(result: AnalysisResult, width: int, color: bool) -> list[str]:
    """The notes: the clip's warnings and, in short, why strides were not used; nothing
    when there are neither."""
    out: list[str] = []
    strides = result.strides
    unused: list[Any] = (
        strides.loc[~strides["valid"].astype(bool), "reason"].tolist() if len(strides) else []
    )
    if result.warnings or len(unused):
        out.append("")
        out.append(_paint("Notes", "bold", color))
        for w in result.warnings:
            out += _wrap(w, width, "    ", "  - ")
    if len(unused):
        # the why in short: the commonest reasons, without long explanations in brackets
        # (the report lists them all)
        counts = F.reason_counts(unused)
        why = "; ".join(f"{_LONG_ASIDE.sub('', r)} ({c}×)" for r, c in counts[:3])
        if len(counts) > 3:
            why += f"; {len(counts) - 3} other reason(s) in the report"
        out += _wrap(
            f"{len(unused)} of {len(strides)} strides not used: {why}", width, "    ", "  - "
        )
    return out
