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


API_DOC = Path(__file__).resolve().parents[1] / "docs" / "API.md"


def _resolve(dotted: str) -> object:
    """``gait.a.b.c`` → the object (modules imported as needed, then attributes)."""
    import importlib

    parts = dotted.split(".")
    for k in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:k]))
        except ModuleNotFoundError:
            continue
        for name in parts[k:]:
            obj = getattr(obj, name)
        return obj
    raise ImportError(dotted)


def test_api_overview_names_exist_and_readme_points_to_it() -> None:
    import re

    text = API_DOC.read_text(encoding="utf-8")
    names = set(re.findall(r"`(gait(?:\.[A-Za-z_]\w*)+)", text))
    assert len(names) > 40
    missing = []
    for name in sorted(names):
        try:
            _resolve(name)
        except (ImportError, AttributeError):
            missing.append(name)
    assert not missing, f"docs/API.md names what does not exist: {missing}"
    # the public plot functions and entry points are all documented
    from gait.report import plots

    for fn in ("plot_cycle", "plot_stride_values", "plot_left_right"):
        assert f"gait.report.plots.{fn}" in text
        assert callable(getattr(plots, fn)) and getattr(plots, fn).__doc__
    for entry in ("gait.analyze", "gait.load", "gait.compare"):
        assert f"`{entry}(" in text
    readme = (API_DOC.parents[1] / "README.md").read_text(encoding="utf-8")
    assert "docs/API.md" in readme and "notebooks/" in readme


def test_result_tables_are_tidy_and_unit_suffixed() -> None:
    from gait.metrics import METRICS

    pose, _ = synth_landmarks(RunnerParams(view="side_right", fps=60.0, duration_s=4.0))
    result = gait.analyze(pose)
    units = ("_deg", "_ms", "_spm", "_pct", "_pct_leg", "_s")
    metric_cols = [c for c in result.strides.columns if c in METRICS]
    assert metric_cols and all(c.endswith(units) for c in metric_cols)
    timing = [c for c in result.strides.columns if "time" in c and c not in METRICS]
    assert timing and all(c.endswith("_s") for c in timing)
    assert list(result.summary["metric"]) == list(METRICS)  # one row per metric
    table = result.findings_table
    assert list(table["code"]) == [f.code for f in result.findings]
    assert set(table["status"]) <= {"fired", "not_fired", "not_checked"}
    assert ".findings_table" in repr(result)


def test_using_the_library_changes_no_global_state() -> None:
    """Import, analyse and plot in a fresh interpreter: the matplotlib backend and rc
    settings, logging handlers, warning filters and the working folder are untouched
    (the third-party libraries are imported first: their own import-time filters are
    theirs)."""
    code = """
import logging, os, sys, warnings
import matplotlib, matplotlib.figure, numpy, pandas, scipy.interpolate, scipy.signal
import scipy.special, scipy.stats
before = (matplotlib.get_backend(), dict(matplotlib.rcParams), list(logging.root.handlers),
          logging.root.level, list(warnings.filters), os.listdir('.'))
import gait
from gait.synth import RunnerParams, synth_landmarks
from gait.report import plots
pose, _ = synth_landmarks(RunnerParams(duration_s=3.0))
result = gait.analyze(pose)
plots.plot_cycle(result)
plots.plot_stride_values(result, 'knee_flexion_midstance_deg')
after = (matplotlib.get_backend(), dict(matplotlib.rcParams), list(logging.root.handlers),
         logging.root.level, list(warnings.filters), os.listdir('.'))
for name, b, a in zip(('backend', 'rc', 'handlers', 'level', 'warnings', 'files'), before, after):
    if b != a:
        print('changed:', name)
print('done')
"""
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent,
    )
    assert out.stdout.strip() == "done", out.stdout


def test_save_writes_its_three_files_or_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``AnalysisResult.save`` wrote analysis.json, then the two tables, each on its own:
    a failure while producing the tables left the JSON without them (and the folder)."""
    pose, _ = synth_landmarks(RunnerParams(fps=30.0, duration_s=4.0))
    result = gait.analyze(pose)

    def broken(*_a: object, **_k: object) -> str:
        raise OSError("disk full")

    monkeypatch.setattr(result.strides, "to_csv", broken)
    with pytest.raises(OSError, match="disk full"):
        result.save(tmp_path / "new" / "out")
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    paths = result.save(tmp_path / "new" / "out")
    assert sorted(p.name for p in (tmp_path / "new" / "out").iterdir()) == sorted(
        p.name for p in paths.values()
    )
