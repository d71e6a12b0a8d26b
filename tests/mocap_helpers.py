"""Real motion capture as a check of the gait core (Dorn, Schache & Pandy 2012).

The 3-D skin markers of ``../shared/data/mocap/`` (OpenSim TRC, 250 Hz, mm; X forward,
Y up, Z to the runner's right) are mapped to BlazePose landmarks and projected
orthographically onto a virtual side camera (drop Z) or rear camera (drop X), giving a
:class:`~gait.posedata.PoseData` the analysis runs on.  Force-plate vertical forces give the
true contacts; the OpenSim IK file gives the true joint angles.

Cite: Dorn TW, Schache AG, Pandy MG (2012) J Exp Biol 215:1944-1956.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from gait.posedata import LANDMARK_INDEX, N_LANDMARKS, PoseData

PX_PER_MM = 0.25


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


def read_trc(path: Path) -> tuple[np.ndarray, dict[str, np.ndarray], float]:
    """Read an OpenSim TRC file.

    Returns
    -------
    (time_s (n,), {marker: (n, 3) array in the file's units}, data rate in Hz)
    """
    lines = path.read_text().splitlines()
    rate = float(lines[2].split("\t")[0])
    names = [s for s in lines[3].split("\t")[2:] if s.strip()]
    data = np.genfromtxt(lines[5:], delimiter="\t", invalid_raise=False)
    data = data[~np.isnan(data[:, 0])]
    time_s = data[:, 1]
    markers = {name: data[:, 2 + 3 * i : 5 + 3 * i] for i, name in enumerate(names)}
    return time_s, markers, rate


def read_mot(path: Path) -> dict[str, np.ndarray]:
    """Read an OpenSim .mot/.sto table into {column: values}."""
    lines = path.read_text().splitlines()
    end = next(i for i, line in enumerate(lines) if line.strip().lower() == "endheader")
    header = lines[end + 1].split()
    data = np.loadtxt(lines[end + 2 :])
    return {name: data[:, i] for i, name in enumerate(header)}


def force_plate_events(threshold_n: float = 20.0) -> dict[str, dict[str, np.ndarray]]:
    """Contact on/off times per side from the vertical ground reaction force."""
    grf = read_mot(mocap_file("mocap_dorn2012_jog3p5ms_grf.mot"))
    t = grf["time"]
    out = {}
    for side, key in (("right", "ground_force_r_vy"), ("left", "ground_force_l_vy")):
        on = grf[key] > threshold_n
        change = np.flatnonzero(np.diff(on.astype(int)))
        times = t[change + 1]
        rising = on[change + 1]
        out[side] = {"ic": times[rising], "to": times[~rising]}
    return out


def _hip_centres(m: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Hip joint centres (Bell et al. 1990): from the mid-ASIS, 19 % posterior, 30 %
    distal and 36 % lateral of the inter-ASIS distance."""
    lasi, rasi, sacr = m["LASI"], m["RASI"], m["SACR"]
    mid = 0.5 * (lasi + rasi)
    width = np.linalg.norm(rasi - lasi, axis=1, keepdims=True)
    lat = (rasi - lasi) / width
    ant = mid - sacr
    ant -= np.sum(ant * lat, axis=1, keepdims=True) * lat
    ant /= np.linalg.norm(ant, axis=1, keepdims=True)
    up = np.cross(lat, ant)  # right x anterior = up
    base = mid - 0.19 * width * ant - 0.30 * width * up
    return base - 0.36 * width * lat, base + 0.36 * width * lat


def mocap_pose(view: str, *, step: int = 1) -> PoseData:
    """The mocap trial as landmarks seen by a virtual ``side`` or ``rear`` camera.

    Parameters
    ----------
    view : {"side", "rear"}
        Side: image x = forward (the runner faces image-right), y = down.  Rear: image x
        = the runner's right, y = down.
    step : int
        Keep every ``step``-th frame (250 Hz / step).
    """
    time_s, m, rate = read_trc(mocap_file("mocap_dorn2012_jog3p5ms_markers.trc"))
    left_hip, right_hip = _hip_centres(m)
    points = {
        "left_shoulder": m["LSH"],
        "right_shoulder": m["RSH"],
        "left_hip": left_hip,
        "right_hip": right_hip,
        "left_knee": m["LLEPI"],
        "right_knee": m["RLEPI"],
        "left_ankle": m["LLMAL"],
        "right_ankle": m["RLMAL"],
        "left_heel": m["LHEEL"],
        "right_heel": m["RHEEL"],
        "left_foot_index": m["LTOE"],
        "right_foot_index": m["RTOE"],
    }
    sl = slice(None, None, step)
    n = time_s[sl].size
    image = np.full((n, N_LANDMARKS, 3), np.nan)
    vis = np.zeros((n, N_LANDMARKS))
    all_xyz = np.concatenate([p[sl] for p in points.values()])
    horiz = 0 if view == "side" else 2
    x0 = np.nanmin(all_xyz[:, horiz]) - 200.0
    for name, xyz in points.items():
        xyz = xyz[sl]
        i = LANDMARK_INDEX[name]
        image[:, i, 0] = (xyz[:, horiz] - x0) * PX_PER_MM
        image[:, i, 1] = (2000.0 - xyz[:, 1]) * PX_PER_MM
        image[:, i, 2] = 0.0
        vis[:, i] = 1.0
    width = int(np.nanmax(image[..., 0]) + 50)
    return PoseData(
        image_px=image,
        visibility=vis,
        presence=vis.copy(),
        world_m=np.full((n, N_LANDMARKS, 3), np.nan),
        time_s=time_s[sl] - time_s[0],
        frame_index=np.arange(n),
        fps=rate / step,
        width=width,
        height=int(2100 * PX_PER_MM),
        source_path="mocap_dorn2012_jog3p5ms_markers.trc",
        model="mocap-markers",
    )


def ik_angles() -> dict[str, np.ndarray]:
    """OpenSim IK angles (degrees), with ``time``; knee_angle_r negative = flexion."""
    return read_mot(mocap_file("mocap_dorn2012_jog3p5ms_ik.mot"))
