"""Real motion capture as a check of the gait core (Dorn, Schache & Pandy 2012).

Thin wrappers around :mod:`gait.mocap` that find the files in ``../shared/data/mocap/``
(or ``$GAIT_TEST_DATA``) and skip the test, saying why, when they are absent.

Cite: Dorn TW, Schache AG, Pandy MG (2012) J Exp Biol 215:1944-1956.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from gait import mocap
from gait.posedata import PoseData

PX_PER_MM = mocap.PX_PER_MM


def data_dir() -> Path:
    """``$GAIT_TEST_DATA`` or ``../shared/data`` next to the repository."""
    env = os.environ.get("GAIT_TEST_DATA")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[1].parent / "shared" / "data"


def mocap_file(name: str) -> Path:
    """Path of a mocap file, or skip the test saying why."""
    path = data_dir() / "mocap" / name
    if not path.exists():
        pytest.skip(f"mocap test data not found at {path} (set GAIT_TEST_DATA)")
    return path


def force_plate_events(threshold_n: float = 20.0) -> dict[str, dict[str, np.ndarray]]:
    """Contact on/off times per side from the trial's force plates."""
    return mocap.force_plate_events(
        mocap_file("mocap_dorn2012_jog3p5ms_grf.mot"), threshold_n=threshold_n
    )


def mocap_pose(view: str, *, step: int = 1, distance_mm: float | None = None) -> PoseData:
    """The trial as landmarks seen by a virtual ``side`` or ``rear`` camera (orthographic,
    or a pinhole camera ``distance_mm`` away; see :func:`gait.mocap.markers_to_pose`)."""
    return mocap.markers_to_pose(
        mocap_file("mocap_dorn2012_jog3p5ms_markers.trc"), view, step=step, distance_mm=distance_mm
    )


def ik_angles() -> dict[str, np.ndarray]:
    """OpenSim IK angles (degrees), with ``time``; knee_angle_r negative = flexion."""
    return mocap.read_mot(mocap_file("mocap_dorn2012_jog3p5ms_ik.mot"))
