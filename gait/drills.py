"""The drill catalogue and the drill plan built from the findings.

The catalogue (``gait/data/drills.toml``) holds every drill the two source articles name,
in our own words, with target areas, dosage, when to do it and how to progress or
regress it. :func:`build_plan` turns fired findings into:

* a **pre-run routine** of 6–8 minutes: the pre-run drills of the fired findings first
  (taking one from each finding in turn, so every finding is represented), topped up
  from the articles' general routine; with nothing flagged, the general routine itself
  (World's Greatest Stretch, ankle dorsiflexion drill, hip flexor stretch with overhead
  reach, thoracic rotations, leg swings — Invictus Smart Performance);
* **standalone sessions** (1–2 a week) with the slower strength/control drills;
* **post-run** mobility;
* the weekly structure, the safety note and the running cue that pairs with the drills
  (Young 2025; Invictus Smart Performance).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from gait.findings import Finding

#: The articles' general pre-run routine (Invictus Smart Performance), in order.
GENERAL_ROUTINE = (
    "worlds_greatest_stretch",
    "ankle_dorsiflexion_rocks",
    "hip_flexor_stretch_reach",
    "quadruped_thoracic_rotation",
    "leg_swings",
)
ROUTINE_MIN_S = 360
ROUTINE_MAX_S = 480
STANDALONE_MAX_DRILLS = 6
POST_RUN_MAX_DRILLS = 3

SAFETY_NOTE = (
    "Keep every drill low-load and controlled, and work both sides evenly. If a drill "
    "causes sharp pain or a feeling of instability, stop it and switch to its easier "
    "version; if the pain persists, see a physiotherapist or doctor."
)
WEEKLY_STRUCTURE = (
    "Before every run: the pre-run routine (5–10 minutes of dynamic mobility). After "
    "runs: a few minutes of slower mobility. Each week: one or two short standalone "
    "sessions. Start with two to three sessions a week focused on ankle and hip "
    "mobility, and add thoracic rotation and shoulder-blade control as they get easy. "
    "Favour quality of movement over intensity and progress gradually."
)
GENERAL_CUE = (
    "Drills support, they don't replace, how you run: practise a relaxed, steady rhythm "
    "on easy days, and film again in a few weeks to see what changed."
)


@dataclass(frozen=True)
class Drill:
    id: str
    name: str
    source: str
    targets: tuple[str, ...]
    how: str
    dose: str
    seconds: int
    when: tuple[str, ...]
    progression: str
    regression: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "source": self.source,
            "targets": list(self.targets),
            "how": self.how,
            "dose": self.dose,
            "seconds": self.seconds,
            "when": list(self.when),
            "progression": self.progression,
            "regression": self.regression,
        }


def catalogue() -> dict[str, Drill]:
    """Every drill in ``gait/data/drills.toml``, by id."""
    text = resources.files("gait").joinpath("data/drills.toml").read_text(encoding="utf-8")
    raw = tomllib.loads(text)["drills"]
    return {
        key: Drill(
            id=key,
            name=d["name"],
            source=d["source"],
            targets=tuple(d["targets"]),
            how=d["how"],
            dose=d["dose"],
            seconds=int(d["seconds"]),
            when=tuple(d["when"]),
            progression=d["progression"],
            regression=d["regression"],
        )
        for key, d in raw.items()
    }


def _round_robin(groups: Iterable[tuple[str, ...]]) -> list[str]:
    """Interleave lists (first of each, then second of each, ...), without repeats."""
    lists = [list(x) for x in groups]
    out: list[str] = []
    for i in range(max((len(x) for x in lists), default=0)):
        for x in lists:
            if i < len(x) and x[i] not in out:
                out.append(x[i])
    return out


def build_plan(findings: list[Finding]) -> dict[str, Any]:
    """The drill plan for these findings (JSON-ready; see the module docstring)."""
    cat = catalogue()
    fired = [f for f in findings if f.status == "fired"]
    ranked = _round_robin(f.drills for f in fired)
    reasons: dict[str, list[str]] = {}
    for f in fired:
        for d in f.drills:
            reasons.setdefault(d, []).append(f.code)

    routine: list[str] = []
    total = 0
    for drill_id in [d for d in ranked if "pre_run" in cat[d].when] + list(GENERAL_ROUTINE):
        if drill_id in routine:
            continue
        if total + cat[drill_id].seconds > ROUTINE_MAX_S:
            continue
        routine.append(drill_id)
        total += cat[drill_id].seconds
        if total >= ROUTINE_MIN_S and all(any(d in f.drills for d in routine) for f in fired):
            break
    standalone = [d for d in ranked if "standalone" in cat[d].when][:STANDALONE_MAX_DRILLS]
    post_run = [d for d in ranked if "post_run" in cat[d].when][:POST_RUN_MAX_DRILLS]
    if not post_run:
        post_run = ["hip_flexor_stretch_reach", "open_book", "plantar_fascia_roll"]
    cues = list(dict.fromkeys(f.cue for f in fired if f.cue)) or [GENERAL_CUE]

    def entry(drill_id: str) -> dict[str, Any]:
        d = cat[drill_id]
        return {**d.to_dict(), "addresses": reasons.get(drill_id, [])}

    return {
        "based_on": [f.code for f in fired],
        "general_routine": not fired,
        "pre_run": {
            "minutes": round(total / 60.0, 1),
            "drills": [entry(d) for d in routine],
        },
        "standalone": {
            "sessions_per_week": "1-2",
            "drills": [entry(d) for d in standalone],
        },
        "post_run": {"drills": [entry(d) for d in post_run]},
        "weekly_structure": WEEKLY_STRUCTURE,
        "cues": cues,
        "safety": SAFETY_NOTE,
    }
