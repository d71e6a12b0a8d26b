"""The library façade: gait.analyze / gait.load, and a cheap import."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import gait
from gait.errors import GaitError
from gait.synth import RunnerParams, synth_landmarks


def test_import_gait_loads_nothing_heavy() -> None:
    code = (
        "import sys, gait; heavy = {'mediapipe', 'cv2', 'pandas', 'matplotlib', 'scipy'};"
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_analyze_pose_data_and_reload_from_npz(tmp_path: Path) -> None:
    pose, truth = synth_landmarks(RunnerParams(view="side_left", fps=60.0, duration_s=5.0))
    result = gait.analyze(pose)
    assert result.view.kind == "side" and result.view.facing == "left"
    cadence = truth["metrics_image"]["cadence_spm"]["overall"]
    assert result.metric("cadence_spm") == pytest.approx(cadence, abs=0.5)
    assert not list(tmp_path.iterdir())  # nothing written unless asked
    text = repr(result)
    assert text.startswith("<AnalysisResult") and "side facing left" in text
    assert len(text) < 400
    pose.save(tmp_path / "landmarks.npz")
    again = gait.load(tmp_path)
    assert np.isclose(again.metric("cadence_spm"), result.metric("cadence_spm"))
    with pytest.raises(GaitError, match=r"no landmarks\.npz"):
        gait.load(tmp_path / "nowhere")


def test_unknown_attribute() -> None:
    with pytest.raises(AttributeError):
        gait.nonexistent  # noqa: B018


def test_compare_is_the_function() -> None:
    from gait.comparison import compare

    assert gait.compare is compare


def test_load_applies_the_saved_view_override(tmp_path: Path) -> None:
    import json

    pose, _ = synth_landmarks(RunnerParams(view="side_left", fps=60.0, duration_s=5.0))
    forced = gait.analyze(pose, view="rear")
    forced.save(tmp_path)
    pose.save(tmp_path / "landmarks.npz")
    assert json.loads((tmp_path / "analysis.json").read_text())["options"]["view"] == "rear"
    again = gait.load(tmp_path)
    assert again.view.kind == "rear" and again.view.overridden
