"""The synthetic runner: a 3-D articulated runner with known kinematics, the test oracle.

Public API (imports are lazy: ``import gait.synth`` loads neither OpenCV nor MediaPipe)::

    from gait.synth import RunnerParams, synth_landmarks, render_video

    params = RunnerParams(view="rear", pelvic_drop_deg=9.0, fps=60)
    pose, truth = synth_landmarks(params)      # PoseData + ground-truth dict, no video
    truth = render_video(params, "clip.mp4")   # video + clip.truth.json beside it

``truth["metrics"][name]`` holds ``left``/``right``/``overall`` values of every metric the
analyzer reports; ``truth["events"][side]`` the ``ic_s``/``ms_s``/``to_s`` times.
Midstance is the **middle of stance** (IC + contact time / 2), where the model's stance
knee flexion also peaks.  See :mod:`gait.synth.truth` for every definition.

Modules: :mod:`~gait.synth.params` (parameters), :mod:`~gait.synth.geometry` (body
proportions, rotations, IK), :mod:`~gait.synth.kinematics` (3-D model) with
:mod:`~gait.synth.swing` (the swing leg), :mod:`~gait.synth.camera` (projection),
:mod:`~gait.synth.landmarks` (33 landmarks, noise), :mod:`~gait.synth.truth` (events and
metrics), :mod:`~gait.synth.render` (video) with :mod:`~gait.synth.canvas` (drawing
primitives) and :mod:`~gait.synth.scenery` (wall, floor, treadmill, track),
:mod:`~gait.synth.detect` (MediaPipe on rendered frames, for tests and benchmarks),
:mod:`~gait.synth.cli` (``gait synth``) and :mod:`~gait.synth.samples` (the sample clips).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gait.synth.landmarks import synth_landmarks
    from gait.synth.params import RunnerParams
    from gait.synth.render import render_video
    from gait.synth.truth import load_truth, save_truth

__all__ = ["RunnerParams", "load_truth", "render_video", "save_truth", "synth_landmarks"]

_WHERE = {
    "RunnerParams": "gait.synth.params",
    "synth_landmarks": "gait.synth.landmarks",
    "render_video": "gait.synth.render",
    "save_truth": "gait.synth.truth",
    "load_truth": "gait.synth.truth",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'gait.synth' has no attribute {name!r}")
