"""Motion-capture files as input: OpenSim TRC/MOT readers and virtual cameras.

Marker trajectories (TRC) are mapped to BlazePose landmarks and projected
orthographically onto a virtual side camera (drop the medio-lateral axis) or rear camera
(drop the anterior axis), giving a :class:`~gait.posedata.PoseData` the analysis runs on
unchanged: a check of the events and metrics on real human motion, independent of the
pose model. Force-plate vertical forces (MOT) give the true contacts.

Used with the Dorn, Schache & Pandy 2012 running data (J Exp Biol 215:1944-1956).
Hip joint centres follow Bell et al. 1990.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gait.posedata import LANDMARK_INDEX, N_LANDMARKS, PoseData

#: Pixels per millimetre of the virtual cameras.
PX_PER_MM = 0.25


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


def force_plate_events(
    grf_path: str | Path, *, threshold_n: float = 20.0
) -> dict[str, dict[str, np.ndarray]]:
    """Contact on/off times per side from the vertical ground reaction force.

    Parameters
    ----------
    grf_path
        An OpenSim ``.mot`` with ``time``, ``ground_force_r_vy`` and ``ground_force_l_vy``.
    threshold_n
        Vertical force (N) above which the foot is on the plate.
    """
    grf = read_mot(Path(grf_path))
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


def markers_to_pose(
    trc_path: str | Path,
    view: str,
    *,
    step: int = 1,
    distance_mm: float | None = None,
    camera_height_mm: float = 1000.0,
) -> PoseData:
    """A marker trial as BlazePose landmarks seen by a virtual ``side`` or ``rear`` camera.

    The marker set is that of Dorn et al. 2012 (LSH/RSH, LASI/RASI/SACR, LLEPI/RLEPI,
    LLMAL/RLMAL, LHEEL/RHEEL, LTOE/RTOE).  The knees and ankles are the lateral
    epicondyle and malleolus markers (the set has no medial ones), while the hips are
    joint centres: seen from behind, the thigh and shank lines bend outward at the
    knee, and the frontal-plane knee angle reads varus (about -15 deg on this trial) -
    no check of knee valgus.  The projection is orthographic at
    :data:`PX_PER_MM` pixels per millimetre, or - with ``distance_mm`` - a pinhole
    camera that far from the runner's mean path (behind it for ``rear``, on its left
    for ``side``) at ``camera_height_mm``, travelling forward at the runner's mean
    speed (what a camera behind or beside a treadmill sees: the stance foot moves
    towards it, or backwards, during stance), scaled to :data:`PX_PER_MM` at that
    distance.  Seen from behind, orthographic images lose the cue a real rear camera
    gives - the stance foot sliding down the image as it comes closer.

    Parameters
    ----------
    trc_path
        An OpenSim TRC file (mm; X forward, Y up, Z to the runner's right).
    view : {"side", "rear"}
        Side: image x = forward (the runner faces image-right), y = down.  Rear: image x
        = the runner's right, y = down.
    step : int
        Keep every ``step``-th frame (250 Hz / step).
    """
    if view not in ("side", "rear"):
        raise ValueError(f"view must be 'side' or 'rear', not {view!r}")
    time_s, m, rate = read_trc(Path(trc_path))
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
    horiz = 0 if view == "side" else 2
    if distance_mm is not None:
        points = _camera_frame(points, time_s, view, distance_mm, camera_height_mm)
        horiz = 0
    all_xyz = np.concatenate([p[sl] for p in points.values()])
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
        source_path=str(trc_path),
        model="mocap-markers",
    )


def _camera_frame(
    points: dict[str, np.ndarray],
    time_s: np.ndarray,
    view: str,
    distance_mm: float,
    height_mm: float,
) -> dict[str, np.ndarray]:
    """The points as a travelling pinhole camera images them, in millimetres at the
    camera's distance: x across the image, y up (as the TRC's Y), z unused."""
    hips = 0.5 * (points["left_hip"] + points["right_hip"])
    ok = np.isfinite(hips[:, 0])
    speed, start = np.polyfit(time_s[ok], hips[ok, 0], 1)  # mean forward path (mm)
    lateral = float(np.nanmean(hips[:, 2]))
    out = {}
    for name, p in points.items():
        fwd = p[:, 0] - (start + speed * time_s)  # forward of the travelling camera line
        if view == "rear":  # camera behind: depth along forward, x = the runner's right
            depth, across = fwd + distance_mm, p[:, 2] - lateral
        else:  # camera on the runner's left: depth along Z, x = forward
            depth, across = distance_mm + (p[:, 2] - lateral), fwd
        scale = distance_mm / depth
        up = height_mm + (p[:, 1] - height_mm) * scale
        out[name] = np.stack([across * scale, up, np.zeros_like(up)], axis=-1)
    return out
