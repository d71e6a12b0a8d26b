"""How each finding changed between the two sessions of a comparison, and the drill advice.

:func:`findings_change` pairs the findings of the before and after clips by code: each
appeared, resolved, persisted or stayed absent, or is ``not_comparable`` (checked in one
clip only: its metrics are not measurable from that view), with each clip's confidence
where it fired.  From those changes come the drills to keep, to move to maintenance and to
add, and a sentence per finding.  :func:`finding_change_text` and
:func:`low_confidence_text` are the words the terminal table and the HTML page use.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from gait.compare_session import Session
    from gait.drills import Drill


#: Words for each finding change that both clips checked.
FINDING_WORDS = {
    "resolved": "resolved",
    "persisted": "still seen",
    "appeared": "newly seen",
    "absent": "not seen in either",
}
_SEEN = {"fired": "seen", "not_fired": "not seen"}


def _conf(value: Any) -> str | None:
    """A finding's confidence label, or None (missing, NaN)."""
    return value if value in ("high", "medium", "low") else None


def low_confidence_text(before_confidence: Any, after_confidence: Any) -> str:
    """`` (low confidence after)`` and the like, where a clip's finding fired at "low"
    confidence (e.g. seen on a side view's far leg only); empty otherwise."""
    which = [
        clip
        for clip, c in (("before", before_confidence), ("after", after_confidence))
        if _conf(c) == "low"
    ]
    return f" (low confidence {' and '.join(which)})" if which else ""


def finding_change_text(change: str, before: str, after: str) -> str:
    """Words for a finding's change; says which clip could not check the pattern.

    A pattern not checked in one clip (its metrics are not measurable from that view) is
    ``not_comparable``: it did not appear or resolve, one clip simply cannot tell.
    """
    if change != "not_comparable":
        return FINDING_WORDS.get(change, change)
    if before == "not_checked" and after == "not_checked":
        return "not checked in either clip"
    if before == "not_checked":
        return f"not checked before; {_SEEN.get(after, after)} after"
    return f"{_SEEN.get(before, before)} before; not checked after"


def findings_change(b: Session, a: Session) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Findings that appeared, resolved or persisted, and what it means for the drills."""
    from gait.drills import catalogue

    cat = catalogue()
    rows = _finding_rows(b, a)
    table = pd.DataFrame(
        rows,
        columns=[
            "code",
            "compensation",
            "before",
            "after",
            "change",
            "drills",
            "before_confidence",
            "after_confidence",
        ],
    )
    keep, maint, add = _drill_lists(rows)
    messages = _drill_messages(rows, maint, cat)
    return table, {"keep": keep, "maintenance": maint, "add": add, "messages": messages}


def _finding_rows(b: Session, a: Session) -> list[dict[str, Any]]:
    """One row per finding code of either clip: its status in each, the change, its drills,
    why a clip could not check it and the confidence of each clip where it fired."""
    fb = {str(f["code"]): f for f in b.findings}
    fa = {str(f["code"]): f for f in a.findings}
    rows = []
    for code in list(dict.fromkeys([*fb, *fa])):
        f0, f1 = fb.get(code, {}), fa.get(code, {})
        s0, s1 = f0.get("status", "not_checked"), f1.get("status", "not_checked")
        change = _status_change(s0, s1)
        unchecked = f0 if s0 == "not_checked" else f1
        rows.append(
            {
                "code": code,
                "compensation": f1.get("compensation") or f0.get("compensation") or code,
                "before": s0,
                "after": s1,
                "change": change,
                "drills": list(f1.get("drills") or f0.get("drills") or []),
                "unchecked_reason": unchecked.get("reason") if change == "not_comparable" else None,
                "before_confidence": (f0.get("confidence") or None) if s0 == "fired" else None,
                "after_confidence": (f1.get("confidence") or None) if s1 == "fired" else None,
            }
        )
    return rows


def _status_change(before: str, after: str) -> str:
    """The change of a finding between its status before and after (see FINDING_WORDS)."""
    if "not_checked" in (before, after):
        return "not_comparable"
    if before == "fired" and after == "fired":
        return "persisted"
    if before == "fired":
        return "resolved"
    if after == "fired":
        return "appeared"
    return "absent"


def _drills_of(
    rows: list[dict[str, Any]], kind: str, before: str | None = None, after: str | None = None
) -> list[str]:
    """The drills of the findings with this change (and statuses, if given), in order."""
    out: list[str] = []
    for r in rows:
        if r["change"] == kind and before in (None, r["before"]) and after in (None, r["after"]):
            out += [d for d in r["drills"] if d not in out]
    return out


def _drill_lists(rows: list[dict[str, Any]]) -> tuple[list[str], list[str], list[str]]:
    """The drills to keep, to move to maintenance and to add (ids)."""
    # seen before but not checkable after: not known to be resolved, so its drills stay;
    # seen after but not checkable before: maybe not new, but not in the before clip's plan
    kept = _drills_of(rows, "persisted") + _drills_of(rows, "not_comparable", before="fired")
    keep = list(dict.fromkeys(kept))
    fresh = _drills_of(rows, "appeared") + _drills_of(rows, "not_comparable", after="fired")
    add = [d for d in dict.fromkeys(fresh) if d not in keep]
    maint = [d for d in _drills_of(rows, "resolved") if d not in keep and d not in add]
    return keep, maint, add


def _drill_names(ids: list[str], cat: Mapping[str, Drill], k: int = 3) -> str:
    """The names of the first ``k`` drills, `` ...`` when there are more."""
    shown = [cat[d].name if d in cat else d for d in ids[:k]]
    return ", ".join(shown) + (" ..." if len(ids) > k else "")


def _drill_messages(
    rows: list[dict[str, Any]], maint: list[str], cat: Mapping[str, Drill]
) -> list[str]:
    """A sentence per finding whose change affects the drills (or one saying none does)."""
    messages = []
    for r in rows:
        message = _drill_message(r, maint, cat)
        if message is not None:
            messages.append(message)
    if not messages:
        messages.append("No pattern changed status between the clips: keep the current plan.")
    return messages


def _drill_message(r: dict[str, Any], maint: list[str], cat: Mapping[str, Drill]) -> str | None:
    """What a finding's change means for its drills; None for absent and unchecked ones."""
    comp = r["compensation"]
    why = r["unchecked_reason"] or ""
    why = f" ({why.split('; ')[0]})" if why else ""  # the first metric it lacks
    if r["change"] == "persisted":
        return f"{comp}: still seen - keep its drills ({_drill_names(r['drills'], cat)})."
    if r["change"] == "resolved":
        moved = [d for d in r["drills"] if d in maint]
        tail = f" ({_drill_names(moved, cat)})" if moved else ""
        return (
            f"{comp}: no longer seen - its drills{tail} can move to maintenance "
            "(once a week); keep the running cue."
        )
    if r["change"] == "appeared":
        return (
            f"{comp}: newly seen - add its drills ({_drill_names(r['drills'], cat)}); see the "
            "after clip's drill plan."
        )
    if r["change"] == "not_comparable" and r["after"] == "fired":
        return (
            f"{comp}: seen in the after clip but not checked in the before clip{why}, so "
            f"it is not known to be new - its drills ({_drill_names(r['drills'], cat)}) are "
            "in the after clip's drill plan."
        )
    if r["change"] == "not_comparable" and r["before"] == "fired":
        return (
            f"{comp}: seen in the before clip but not checked in the after clip{why}, so "
            "it is not known to be resolved - keep its drills "
            f"({_drill_names(r['drills'], cat)}) until a clip that can check it says otherwise."
        )
    return None
