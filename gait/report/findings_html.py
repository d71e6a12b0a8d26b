"""The analysis report's advice: the findings section ("What stands out": each pattern
with its evidence table - the runner's value, the threshold and where it comes from) and
the drill-plan section (the routines before, between and after runs).

Part of the HTML report (:mod:`gait.report.html`, which lays the sections out); the
findings are dicts (:func:`gait.report._format.finding_dicts`) and the plan is the dict of
:func:`gait.drills.build_plan`.  Every string from them goes through :func:`html.escape`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gait.metrics import METRICS
from gait.report import _format as F
from gait.report._page import chip, esc, section


def _evidence_table(evidence: Sequence[Mapping[str, Any]]) -> str:
    head = (
        "<tr><th>Measurement</th><th>Your value</th><th>Flag when</th>"
        "<th>Where the threshold comes from</th><th>Measurement confidence</th></tr>"
    )
    rows = []
    for ev in evidence:
        name = F.text(ev.get("metric"))
        spec = METRICS.get(name)
        unit = spec.unit if spec else ""
        field = F.text(ev.get("field"))
        if field == "asymmetry_pct_abs":
            unit = "%"
        what = " (left−right difference)" if field.startswith("asymmetry") else ""
        label = (spec.label if spec else name) + what
        if ev.get("observed") is None:
            obs = "not measured: " + (F.text(ev.get("not_measurable")) or "no value")
        else:
            side = f" ({ev['side']})" if ev.get("side") else ""
            crossed = " – crosses it" if ev.get("fired") else " – does not cross it"
            obs = F.fmt(ev.get("observed"), unit) + side + crossed
        thr = f"{F.text(ev.get('op'))} {F.fmt(ev.get('threshold'), unit)}"
        kind = F.text(ev.get("threshold_kind")) or "heuristic"
        kind_label = "from a study" if kind == "study" else "heuristic (rule of thumb)"
        rows.append(
            f"<tr><td>{esc(label)}</td><td>{esc(obs)}</td><td>{esc(thr)}</td>"
            f'<td><span class="kind-{esc(kind)}">{esc(kind_label)}</span>: '
            f"{esc(ev.get('threshold_basis'))}</td>"
            f"<td>{esc(ev.get('measurement_confidence') or '–')}</td></tr>"
        )
    cols = '<colgroup><col class="m"><col class="v"><col class="t"><col><col class="c"></colgroup>'
    return f'<table class="evidence">{cols}{head}{"".join(rows)}</table>'


def findings_section(findings: list[dict[str, Any]]) -> str:
    fired = [f for f in findings if f.get("status") == "fired"]
    clear = [f for f in findings if f.get("status") == "not_fired"]
    parts = []
    if not fired and not clear:
        parts.append(
            '<p class="note">No pattern could be checked in this clip (see why under "Not '
            'measured"). The drill plan below is a general routine.</p>'
        )
    elif not fired:
        parts.append(
            '<p class="note">None of the patterns we check for stood out in this clip'
            + esc(F.weakly_cleared_text(clear))
            + ". The drill plan below is a general routine.</p>"
        )
    for f in fired:
        sides = ", ".join(f.get("sides") or [])
        conf = F.text(f.get("confidence"))
        parts.append(
            f'<div class="finding" data-code="{esc(f.get("code"))}">'
            f"<h3>{esc(f.get('compensation'))} {chip('watch', 'seen')} "
            + (f'<span class="chip conf">confidence: {esc(conf)}</span>' if conf else "")
            + "</h3>"
            + (f'<p class="meta">Side: {esc(sides)}</p>' if sides else "")
            + f"<p>{esc(f.get('explanation'))}</p>"
            + _evidence_table(f.get("evidence") or [])
            + (f'<p class="cue"><b>Running cue:</b> {esc(f["cue"])}</p>' if f.get("cue") else "")
            + (
                f'<p class="meta">{esc(F.pretty_reason(f["reason"]))}</p>'
                if f.get("reason")
                else ""
            )
            + f'<p class="meta">Rule {esc(f.get("code"))}</p></div>'
        )
    if clear:
        items = "".join(
            f"<li>{chip('ok', 'not seen')} {esc(f.get('compensation'))}"
            + (
                " <span class='meta'>(its measurement is known to be under-read: not "
                "ruled out, see the caveat above)</span>"
                if F.under_read(f)
                else (
                    " <span class='meta'>(measured with low confidence: not ruled out)</span>"
                    if f.get("confidence") == "low"
                    else ""
                )
            )
            + f"<details><summary>evidence</summary>{_evidence_table(f.get('evidence') or [])}"
            "</details></li>"
            for f in clear
        )
        parts.append(f"<h3>Checked and not seen</h3><ul class='plain'>{items}</ul>")
    return section(
        "findings",
        "What stands out",
        "Movement patterns the measurements point to, each with the evidence behind it: "
        "your value, the threshold, and whether that threshold comes from a study or is a "
        "rule of thumb. Patterns, not diagnoses.",
        "".join(parts),
    )


def _drill_rows(drills: Sequence[Mapping[str, Any]], names: Mapping[str, str]) -> str:
    rows = []
    for d in drills:
        why = ", ".join(names.get(c, c) for c in d.get("addresses") or [])
        took = F.duration_text(d.get("seconds"))
        extra = (
            f"<details><summary>easier / harder</summary><p><b>Easier:</b> "
            f"{esc(d.get('regression'))}<br><b>Harder:</b> {esc(d.get('progression'))}</p>"
            "</details>"
        )
        rows.append(
            f"<tr><td><b>{esc(d.get('name'))}</b><br><span class='meta'>"
            f"{esc(d.get('dose'))}" + (f" · {took}" if took else "") + "</span></td>"
            f"<td>{esc(d.get('how'))}"
            + (f"<br><span class='meta'>For: {esc(why)}</span>" if why else "")
            + f"{extra}</td></tr>"
        )
    return f"<table class='drill'>{''.join(rows)}</table>" if rows else "<p>–</p>"


def plan_section(plan: Mapping[str, Any], findings: list[dict[str, Any]]) -> str:
    names = {F.text(f.get("code")): F.text(f.get("compensation")) for f in findings}
    pre = plan.get("pre_run") or {}
    stand = plan.get("standalone") or {}
    post = plan.get("post_run") or {}
    general = (
        "<p class='note'>Nothing specific stood out, so this is a general warm-up routine.</p>"
        if plan.get("general_routine")
        else ""
    )
    cues = "".join(f"<li>{esc(c)}</li>" for c in plan.get("cues") or [])
    body = (
        general
        + f"<h3>Before every run: a {esc(pre.get('minutes'))}-minute routine</h3>"
        + _drill_rows(pre.get("drills") or [], names)
        + (
            f"<h3>Standalone sessions, {esc(stand.get('sessions_per_week') or '1-2')} a week</h3>"
            + _drill_rows(stand.get("drills") or [], names)
            if stand.get("drills")
            else ""  # nothing specific to work on: no standalone sessions are proposed
        )
        + "<h3>After the run: slower mobility</h3>"
        + _drill_rows(post.get("drills") or [], names)
        + f"<h3>How to fit it into your week</h3><p>{esc(plan.get('weekly_structure'))}</p>"
        + (f"<h3>While running</h3><ul class='plain'>{cues}</ul>" if cues else "")
        + f"<div class='warn'><b>Safety:</b> {esc(plan.get('safety'))}</div>"
    )
    return section(
        "plan",
        "Your drill plan",
        "Drills chosen for the patterns above. They support a change in how you run; "
        "they are not a cure on their own.",
        body,
    )
