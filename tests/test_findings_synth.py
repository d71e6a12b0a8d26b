"""Each compensation's rule fires on a synthetic runner that has it, and not on good form.

Exact landmarks from the 3-D synthetic runner (no pose model, no rendering): the analysis
core is checked against truth elsewhere; here the question is whether the chain
metrics -> rules -> drill plan reacts to each dialled-in compensation on its own.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from gait.analysis import AnalysisResult, analyze_pose
from gait.synth import RunnerParams, synth_landmarks

GOOD = RunnerParams(
    fps=60.0,
    duration_s=6.0,
    cadence_spm=176.0,
    stance_fraction=0.34,
    trunk_lean_deg=7.0,
    overstride_pct_leg=12.0,
    knee_flexion_ic_deg=22.0,
    knee_flexion_midstance_deg=42.0,
    ankle_dorsiflexion_deg=24.0,
    pelvic_drop_deg=3.0,
    knee_valgus_deg=2.0,
    step_width_m=0.08,
    foot_strike="midfoot",
)

CASES = [
    ("side_right", {"ankle_dorsiflexion_deg": 8.0, "overstride_pct_leg": 30.0}, "GAIT-ANK-01"),
    ("side_left", {"trunk_lean_deg": 19.0}, "GAIT-TRK-01"),
    ("side_right", {"overstride_pct_leg": 40.0, "knee_flexion_ic_deg": 8.0}, "GAIT-STR-01"),
    ("side_left", {"cadence_spm": 150.0}, "GAIT-CAD-01"),
    ("rear", {"pelvic_drop_deg": 10.0}, "GAIT-PEL-01"),
    ("rear", {"knee_valgus_deg": 14.0}, "GAIT-KNE-01"),
    ("rear", {"lateral_trunk_lean_deg": 9.0}, "GAIT-TRK-02"),
    ("rear", {"right_pelvic_drop_deg": 10.0}, "GAIT-SYM-01"),
]


def analyse(view: str, **changes: object) -> AnalysisResult:
    pose, _truth = synth_landmarks(replace(GOOD, view=view, **changes))  # type: ignore[arg-type]
    return analyze_pose(pose)


def fired(result: AnalysisResult) -> set[str]:
    return {f.code for f in result.findings if f.status == "fired"}


@pytest.mark.parametrize("view", ["side_right", "rear"])
def test_good_form_fires_nothing(view: str) -> None:
    result = analyse(view)
    assert fired(result) == set()
    assert result.drill_plan["general_routine"] is True
    statuses = {f.code: f.status for f in result.findings}
    if view == "rear":
        assert statuses["GAIT-ANK-01"] == "not_checked"
        assert statuses["GAIT-PEL-01"] == "not_fired"
    else:
        assert statuses["GAIT-PEL-01"] == "not_checked"
        assert statuses["GAIT-ANK-01"] == "not_fired"


@pytest.mark.parametrize(("view", "changes", "code"), CASES)
def test_each_compensation_fires_its_rule(view: str, changes: dict, code: str) -> None:
    result = analyse(view, **changes)
    assert code in fired(result), {f.code: f.status for f in result.findings}
    plan = result.drill_plan
    assert code in plan["based_on"]
    finding = next(f for f in result.findings if f.code == code)
    planned = {
        d["id"] for part in ("pre_run", "standalone", "post_run") for d in plan[part]["drills"]
    }
    assert planned & set(finding.drills), "the plan contains the finding's drills"
    for part in ("pre_run", "standalone", "post_run"):
        for d in plan[part]["drills"]:
            assert d["dose"], d["id"]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["rear_good_form", "rear_compensations"])
def test_rendered_rear_clips_check_the_frontal_rules(name: str) -> None:
    """Through MediaPipe both rendered rear clips are now analysed as running (before,
    rear_compensations was called walking and no rule was checked): the frontal rules
    are evaluated, and none fires on good form.  On rear_compensations the pelvic-drop,
    knee-valgus and lateral-lean rules stay silent although the scene has 10 deg of drop
    and 12 deg of valgus: the pose model does not see them (measured drop -3.1, FPPA 1.5,
    lean 5.1 deg < 6; see tests/test_rendered.py) - thresholds are not lowered for it."""
    from pathlib import Path

    from gait.api import analyze

    result = analyze(Path(__file__).parents[1] / "sample_videos" / f"{name}.mp4")
    assert result.gait.running
    statuses = {f.code: f.status for f in result.findings}
    for code in ("GAIT-PEL-01", "GAIT-KNE-01", "GAIT-TRK-02"):
        assert statuses[code] == "not_fired", (code, statuses[code])
    if name == "rear_good_form":
        assert fired(result) == set()
    else:  # cadence 158 spm is measurable from behind and is one of its compensations
        assert "GAIT-CAD-01" in fired(result)
