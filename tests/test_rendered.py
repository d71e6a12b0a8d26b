"""Rendered synthetic clips through MediaPipe: relations the pose model's bias cancels in.

The absolute values carry the pose model's landmark bias on the rendered figure (trunk
lean about -1.3 deg per frame on the sample clips, measured against the truth
files' projected landmarks); a *difference* between two clips
that differ in one parameter only must come out right.  Rendering and landmark extraction
take a few seconds per clip, so these tests are marked slow.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gait.analysis import analyze_pose

pytestmark = pytest.mark.slow


def _trunk_lean(tmp_path: Path, lean_deg: float) -> float:
    from gait import pose
    from gait.synth import RunnerParams, render_video

    params = RunnerParams(
        view="side_right",
        fps=30.0,
        duration_s=3.0,
        width_px=480,
        height_px=270,
        trunk_lean_deg=lean_deg,
    )
    path = tmp_path / f"lean_{lean_deg:g}.mp4"
    render_video(params, path, write_truth=False)
    res = analyze_pose(pose.extract(path, progress=False, cache=False))
    assert res.view.kind == "side"
    # no camera roll in the scene: the floor line must not invent much of one
    assert abs(res.view.roll_deg) < 2.0
    return res.metric("trunk_lean_deg")


def test_six_degrees_more_trunk_lean_reads_six_more(tmp_path: Path, model_full: Path) -> None:
    """Requirement: 6 deg more lean in the scene reads 6 +/- 2 deg more.

    Measured 5.03 and 10.38 deg (difference 5.35); the roll estimated on these clips
    stays below 2 deg (the sample clip side_compensations reads -3.8 deg, see the
    session report: still open).
    """
    low, high = _trunk_lean(tmp_path, 5.0), _trunk_lean(tmp_path, 11.0)
    assert high - low == pytest.approx(6.0, abs=2.0), (low, high)
