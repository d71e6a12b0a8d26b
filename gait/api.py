"""The library façade: one call from a clip (or landmarks) to an analysis result.

``gait.analyze`` and ``gait.load`` are re-exported lazily from :mod:`gait`, so
``import gait`` stays cheap. Nothing here writes files: call ``result.save(dir)`` (the
analysis documents) or :func:`gait.report.write_report` when you want them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from gait.errors import GaitError
from gait.posedata import PoseData

if TYPE_CHECKING:
    from gait.analysis import AnalysisResult


def analyze(
    source: str | Path | PoseData,
    *,
    model: str = "full",
    slowmo: float = 1.0,
    view: str | None = None,
    setting: str | None = None,
    rules: str | Path | None = None,
    cache: bool = True,
    progress: bool | None = None,
) -> AnalysisResult:
    """Analyse a running clip.

    Parameters
    ----------
    source
        A video file, a ``landmarks.npz`` written by gait, or a :class:`PoseData`.
    model
        Pose model for a video: ``lite``, ``full`` or ``heavy``.
    slowmo
        Slow-motion factor of a video re-encoded at normal speed (real time = video
        time / ``slowmo``).
    view, setting
        Overrides of the detected view (``side``, ``side_left``, ``side_right``,
        ``rear``, ``front``) and setting (``treadmill``, ``overground``).
    rules
        A TOML file overriding finding thresholds (see ``gait/data/rules.toml``).
    cache
        Reuse cached landmarks of the same video, model and settings.
    progress
        Progress bar on stderr (default: only on a terminal).

    Returns
    -------
    AnalysisResult
        Events, strides, summary, findings and drill plan as DataFrames and dicts.
    """
    from gait.analysis import analyze_pose
    from gait.findings_rules import load_rules

    loaded_rules = load_rules(rules) if rules is not None else None
    pose = _pose_of(source, model=model, slowmo=slowmo, cache=cache, progress=progress)
    return analyze_pose(pose, view=view, setting=setting, rules=loaded_rules)


def load(path: str | Path) -> AnalysisResult:
    """Re-open a saved analysis: an output folder of ``gait analyze`` or its landmarks.npz.

    The analysis is recomputed from the saved landmarks (fast: no pose inference), so
    the result is complete (events, strides, findings) and uses this gait's code. A
    ``--view``/``--setting`` override recorded in the folder's ``analysis.json`` is
    applied again.
    """
    path = Path(path)
    npz = path / "landmarks.npz" if path.is_dir() else path
    if not npz.is_file():
        raise GaitError(
            f"{path} holds no landmarks.npz; pass a folder written by `gait analyze -o DIR`"
        )
    view, setting = _saved_overrides(npz.parent / "analysis.json")
    return analyze(npz, view=view, setting=setting)


def _saved_overrides(analysis_json: Path) -> tuple[str | None, str | None]:
    """The view and setting overrides an earlier analysis ran with (None when absent)."""
    import json

    try:
        options = json.loads(analysis_json.read_text(encoding="utf-8")).get("options") or {}
    except (OSError, ValueError, AttributeError):
        return None, None
    view, setting = options.get("view"), options.get("setting")
    return (
        view if isinstance(view, str) else None,
        setting if isinstance(setting, str) else None,
    )


def _pose_of(
    source: str | Path | PoseData,
    *,
    model: str,
    slowmo: float,
    cache: bool,
    progress: bool | None,
) -> PoseData:
    if isinstance(source, PoseData):
        return source
    path = Path(source)
    if path.suffix == ".npz":
        from gait.posedata import load as load_pose

        return load_pose(path)
    from gait import pose

    options = pose.ExtractOptions(model=model, slowmo=slowmo)
    return pose.extract(path, options=options, cache=cache, progress=progress)
