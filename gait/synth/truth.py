"""Ground truth of a synthetic clip: events, metrics and the true per-frame joints.

Events
------
IC (initial contact) and TO (toe-off) are the model's own contact instants.  **Midstance
(MS) is the middle of stance, ``IC + contact_time / 2``**; with the default
``stance_shape`` this is also the instant of peak stance knee flexion.  Times are
continuous (not rounded to frames).

Metrics (names as the analyzer reports them)
--------------------------------------------
Each is given per side (the side whose stance or contact it belongs to) and ``overall``
(mean of the sides unless stated), from one stride per side: the second contact's on a
treadmill, where every stride looks the same; overground the one nearest mid-clip, where
the runner passes the camera.  Two sets are provided:

``metrics``        from the 3-D model, projected orthographically onto the body's sagittal
                   plane (x forward, z up) for side-view metrics and frontal plane (y left,
                   z up) for frontal-view metrics — what an ideal camera would measure.
``metrics_image``  from the *true projected landmarks* of this clip's camera (perspective,
                   roll removed), for the metrics the view supports — what a perfect pose
                   model plus a perfect analyzer would report on this exact clip.

Definitions (angles in degrees, ``pct_leg`` = % of leg length, hip → ankle standing):

cadence_spm                    60 / step time (IC to the next contralateral IC).
contact_time_ms                TO − IC.
duty_factor_pct                contact time / stride time × 100.
trunk_lean_deg                 mid-hip → mid-shoulder from vertical at MS, forward +.
lateral_trunk_lean_deg         same in the frontal plane at MS, towards the stance leg +.
knee_flexion_ic_deg            180 − angle(hip, knee, ankle) at IC.
knee_flexion_midstance_deg     same, its peak in stance (at MS with the default
                               ``stance_shape``; 36 % into it with "running").
ankle_dorsiflexion_midstance_deg  angle(knee → ankle, heel → toe) − 90 at MS, dorsiflexion +.
shank_angle_ic_deg             knee → ankle from vertical at IC, ankle ahead of knee +.
foot_strike_angle_deg          heel → toe against the floor at IC, toe up +.
hip_extension_to_deg           hip → knee behind vertical at TO, knee behind hip +.
vertical_oscillation_pct_leg   range of mid-hip height over the step that starts at this
                               side's IC.
overstride_pct_leg             heel ahead of the mid-hip along the direction of travel at IC.
pelvic_drop_deg                hip-to-hip line against the floor at MS, swing-side hip lower +.
knee_valgus_deg                frontal-plane angle between thigh (hip → knee) and shank
                               (knee → ankle) at MS, knee medial (valgus) +.
step_width_pct_leg             per side: ankle's lateral offset from the mid-hip at IC, on its
                               own side +, crossed over the midline −; ``overall``: lateral
                               distance between the left and the following right contact
                               (left ankle left of right ankle +).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from gait.synth.camera import NEAR_SIDE, Camera
from gait.synth.kinematics import SIDES, SIGN, RunnerModel, Skeleton
from gait.synth.params import RunnerParams

SCHEMA = "gait.synth.truth/1"

SIDE_METRICS: tuple[str, ...] = (
    "cadence_spm",
    "contact_time_ms",
    "duty_factor_pct",
    "trunk_lean_deg",
    "knee_flexion_ic_deg",
    "knee_flexion_midstance_deg",
    "ankle_dorsiflexion_midstance_deg",
    "shank_angle_ic_deg",
    "foot_strike_angle_deg",
    "hip_extension_to_deg",
    "vertical_oscillation_pct_leg",
    "overstride_pct_leg",
)
FRONTAL_METRICS: tuple[str, ...] = (
    "cadence_spm",
    "pelvic_drop_deg",
    "knee_valgus_deg",
    "step_width_pct_leg",
    "lateral_trunk_lean_deg",
)
METRICS: tuple[str, ...] = SIDE_METRICS + FRONTAL_METRICS[1:]

MIDSTANCE_DEFINITION = (
    "middle of stance: IC + (TO - IC) / 2 (also peak stance knee flexion with the default "
    "stance_shape)"
)


def _angle2(v: np.ndarray) -> np.ndarray:
    """Angle (degrees) of 2-D vectors (..., 2) = (h, v) from the upward vertical, +h positive."""
    return np.asarray(np.degrees(np.arctan2(v[..., 0], v[..., 1])))


def _between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Unsigned angle (degrees) between 2-D vectors (..., 2)."""
    cos = (a * b).sum(-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))
    return np.asarray(np.degrees(np.arccos(np.clip(cos, -1, 1))))


def plane_metrics(
    pts: dict[str, np.ndarray], side: str, event: str, plane: str, leg: float
) -> dict[str, float]:
    """Metrics of one side at one event from 2-D plane coordinates.

    Parameters
    ----------
    pts : dict of name -> ndarray of shape (2,)
        ``hip``, ``knee``, ``ankle``, ``heel``, ``toe`` of this side, ``other_hip``,
        ``mid_hip``, ``mid_shoulder`` as (h, v): v up; h forward (sagittal plane) or to the
        runner's left (frontal plane).
    side, event, plane : str
        "left"/"right", "ic"/"ms"/"to", "sagittal"/"frontal".
    leg : float
        Leg length in the units of ``pts``.
    """
    g = pts
    out: dict[str, float] = {}
    thigh, shank = g["knee"] - g["hip"], g["ankle"] - g["knee"]
    trunk = g["mid_shoulder"] - g["mid_hip"]
    if plane == "sagittal":
        flex = 180.0 - _between(g["hip"] - g["knee"], g["ankle"] - g["knee"])
        if event == "ic":
            out["knee_flexion_ic_deg"] = float(flex)
            out["shank_angle_ic_deg"] = float(-_angle2(-shank))
            sole = g["toe"] - g["heel"]
            out["foot_strike_angle_deg"] = float(np.degrees(np.arctan2(sole[1], sole[0])))
            out["overstride_pct_leg"] = float((g["heel"][0] - g["mid_hip"][0]) / leg * 100)
        elif event == "ms":
            out["knee_flexion_midstance_deg"] = float(flex)
            out["trunk_lean_deg"] = float(_angle2(trunk))
            out["ankle_dorsiflexion_midstance_deg"] = float(
                _between(shank, g["toe"] - g["heel"]) - 90.0
            )
        else:
            out["hip_extension_to_deg"] = float(_angle2(-thigh))
    else:
        sg = SIGN[side]
        if event == "ic":
            out["step_width_pct_leg"] = float(sg * (g["ankle"][0] - g["mid_hip"][0]) / leg * 100)
        elif event == "ms":
            line = (g["hip"] - g["other_hip"]) * sg  # points from the right hip to the left
            tilt = np.degrees(np.arctan2(line[1], line[0]))
            out["pelvic_drop_deg"] = float(sg * tilt)
            cross = thigh[0] * shank[1] - thigh[1] * shank[0]
            out["knee_valgus_deg"] = float(
                sg * np.degrees(np.arctan2(cross, (thigh * shank).sum()))
            )
            out["lateral_trunk_lean_deg"] = float(sg * _angle2(trunk))
    return out


def _plane_points(skel: Skeleton, i: int | slice, side: str, plane: str) -> dict[str, np.ndarray]:
    j = skel.joints
    other = "right" if side == "left" else "left"
    cols = [0, 2] if plane == "sagittal" else [1, 2]
    names = {n: f"{side}_{n}" for n in ("hip", "knee", "ankle", "heel", "toe")}
    pts = {n: j[k][i, cols] for n, k in names.items()}
    pts["other_hip"] = j[f"{other}_hip"][i, cols]
    pts["mid_hip"] = (j["left_hip"][i, cols] + j["right_hip"][i, cols]) / 2
    pts["mid_shoulder"] = j["mid_shoulder"][i, cols]
    return pts


def _image_points(img: np.ndarray, i: int | slice, side: str, view: str) -> dict[str, np.ndarray]:
    """(h, v) plane points from projected landmarks (n, 33, 2) in pixels, at the time
    index ``i`` (2,) or at every time of a slice (k, 2)."""
    from gait.posedata import LANDMARK_INDEX as L

    flip = -1.0 if view in ("side_left", "rear") else 1.0
    hv = np.stack([flip * img[..., 0], -img[..., 1]], axis=-1)[i]
    other = "right" if side == "left" else "left"
    names = {"hip": "hip", "knee": "knee", "ankle": "ankle", "heel": "heel", "toe": "foot_index"}
    pts = {n: hv[..., L[f"{side}_{m}"], :] for n, m in names.items()}
    pts["other_hip"] = hv[..., L[f"{other}_hip"], :]
    pts["mid_hip"] = (hv[..., L["left_hip"], :] + hv[..., L["right_hip"], :]) / 2
    pts["mid_shoulder"] = (hv[..., L["left_shoulder"], :] + hv[..., L["right_shoulder"], :]) / 2
    return pts


def event_times(model: RunnerModel, t_start: float, t_end: float) -> dict[str, Any]:
    """Every contact of each side overlapping [t_start, t_end), and the event lists."""
    T = model.stride_time_s
    events: dict[str, dict[str, list[float]]] = {}
    contacts: list[dict[str, Any]] = []
    for side in SIDES:
        beta = model.beta[side]
        k0 = int(np.floor((t_start - model.t0) / T)) - 1
        k1 = int(np.ceil((t_end - model.t0) / T)) + 1
        ic = model.ic_time(side, np.arange(k0, k1 + 1))
        to = ic + beta * T
        ms = ic + beta * T / 2
        keep = (to >= t_start) & (ic < t_end)
        for a, m, b in zip(ic[keep], ms[keep], to[keep], strict=True):
            contacts.append(
                {
                    "side": side,
                    "ic_s": float(a),
                    "ms_s": float(m),
                    "to_s": float(b),
                    "complete": bool(a >= t_start and b < t_end),
                }
            )

        def within(x: np.ndarray) -> list[float]:
            return [float(v) for v in x[(x >= t_start) & (x < t_end)]]

        events[side] = {"ic_s": within(ic), "ms_s": within(ms), "to_s": within(to)}
    contacts.sort(key=lambda c: c["ic_s"])
    return {"events": events, "contacts": contacts}


def _reference_contact(model: RunnerModel, side: str) -> int:
    """The contact whose stride gives the per-side metrics: the second one on a treadmill
    (every stride looks the same there), the one nearest mid-clip overground - where the
    runner passes the camera; near the clip's ends it is seen obliquely, or not at all."""
    p = model.params
    if p.treadmill:
        return 1
    mid = 0.5 * p.n_frames / p.fps
    k = float(np.round((mid - float(model.ic_time(side, 0.0))) / model.stride_time_s))
    return max(int(k), 0)


def compute_truth(
    model: RunnerModel,
    camera: Camera,
    frames: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> dict[str, Any]:
    """Ground truth of the clip described by ``model.params`` (see the module docstring).

    Parameters
    ----------
    model, camera : the runner and the camera of the clip.
    frames : (time_s (n,), lab landmarks (n, 33, 3) m, image_px (n, 33, 3), world_m
        (n, 33, 3)), stored under ``truth["frames"]`` as numpy arrays.

    Returns
    -------
    dict
        ``schema``, ``params``, ``derived``, ``definitions``, ``events`` (per side lists of
        ``ic_s``, ``ms_s``, ``to_s`` inside the clip), ``contacts`` (one dict per contact,
        time-ordered), ``metrics`` and ``metrics_image`` (name → {"left", "right",
        "overall"}), ``frames``.
    """
    p = model.params
    per_side: dict[str, dict[str, float]] = {}
    per_side_img: dict[str, dict[str, float]] = {}
    is_side_view = p.view.startswith("side")
    for side in SIDES:
        per_side[side], per_side_img[side] = _side_metrics(model, camera, side, is_side_view)
    metrics = _combine(per_side)
    metrics_image = _combine(per_side_img)
    width, width_image = _overall_step_width(model, camera, image=not is_side_view)
    metrics["step_width_pct_leg"]["overall"] = width
    if width_image is not None:
        metrics_image["step_width_pct_leg"]["overall"] = width_image
    timing = event_times(model, 0.0, p.n_frames / p.fps)
    truth: dict[str, Any] = {
        "schema": SCHEMA,
        "generator": "gait.synth",
        "params": p.to_dict(),
        "derived": _derived(model),
        "definitions": __doc__,
        **timing,
        "metrics": metrics,
        "metrics_image": metrics_image,
    }
    if frames is not None:
        _add_frames(truth, frames, p)
    return truth


def _side_metrics(
    model: RunnerModel, camera: Camera, side: str, is_side_view: bool
) -> tuple[dict[str, float], dict[str, float]]:
    """One side's metrics from its reference stride: from the 3-D model (every metric)
    and from the true projected landmarks (those the view supports)."""
    from gait.synth.landmarks import landmarks_3d

    p, b = model.params, model.body
    T, leg = model.stride_time_s, b.leg_length_m
    beta = model.beta[side]
    t_ic = float(model.ic_time(side, _reference_contact(model, side)))
    times = np.array([t_ic, t_ic + beta * T / 2, t_ic + beta * T])
    skel = model.evaluate(times, lab=True)
    vals: dict[str, float] = {
        "cadence_spm": 60.0 / (T / 2),
        "contact_time_ms": beta * T * 1000,
        "duty_factor_pct": beta * 100,
    }
    img_vals = {"cadence_spm": vals["cadence_spm"]}
    img = _unroll(camera.project(landmarks_3d(skel, b.height_m))[..., :2], camera, p)
    scale = camera.focal_px / float(
        camera.to_camera(skel.joints["pelvis"][1])[2]
    )  # px per metre at the runner
    for i, event in enumerate(("ic", "ms", "to")):
        for plane in ("sagittal", "frontal"):
            vals.update(plane_metrics(_plane_points(skel, i, side, plane), side, event, plane, leg))
            if (plane == "sagittal") == is_side_view:
                pts = _image_points(img, i, side, p.view)
                img_vals.update(plane_metrics(pts, side, event, plane, leg * scale))
    _knee_peak(model, camera, side, t_ic, vals, img_vals if is_side_view else None)
    step = np.linspace(t_ic, t_ic + T / 2, 501)
    z = model.evaluate(step, lab=True).joints["pelvis"][:, 2]
    vals["vertical_oscillation_pct_leg"] = float(np.ptp(z) / leg * 100)
    if is_side_view:
        img_vals["contact_time_ms"] = vals["contact_time_ms"]
        img_vals["duty_factor_pct"] = vals["duty_factor_pct"]
        img_vals["vertical_oscillation_pct_leg"] = _image_oscillation(
            model, camera, step, leg * scale
        )
    return vals, img_vals


def _knee_peak(
    model: RunnerModel,
    camera: Camera,
    side: str,
    t_ic: float,
    vals: dict[str, float],
    img_vals: dict[str, float] | None,
) -> None:
    """Set ``knee_flexion_midstance_deg`` in ``vals`` (and ``img_vals``, side views) to
    the knee's peak over the stance from ``t_ic`` (the metric's definition; with the
    default stance shape the peak is at MS, where it was sampled)."""
    from gait.synth.landmarks import landmarks_3d

    p = model.params
    times = t_ic + np.linspace(0.0, 1.0, 401) * model.beta[side] * model.stride_time_s
    sk = model.evaluate(times, lab=True)
    every = slice(None)  # the points of every time at once

    def peak(q: dict[str, np.ndarray]) -> float:
        return float(np.max(180.0 - _between(q["hip"] - q["knee"], q["ankle"] - q["knee"])))

    key = "knee_flexion_midstance_deg"
    vals[key] = max(vals[key], peak(_plane_points(sk, every, side, "sagittal")))
    if img_vals is None:
        return
    img = _unroll(camera.project(landmarks_3d(sk, model.body.height_m))[..., :2], camera, p)
    img_vals[key] = max(img_vals[key], peak(_image_points(img, every, side, p.view)))


def _image_oscillation(
    model: RunnerModel, camera: Camera, step: np.ndarray, leg_px: float
) -> float:
    """Range of the projected mid-hip's image height (roll removed) over the times
    ``step``, in % of the leg length in pixels at the runner, ``leg_px``."""
    sk = model.evaluate(step, lab=True)
    hip_img = _unroll(
        camera.project((sk.joints["left_hip"] + sk.joints["right_hip"]) / 2)[..., :2],
        camera,
        model.params,
    )
    return float(np.ptp(hip_img[:, 1]) / leg_px * 100)


def _overall_step_width(
    model: RunnerModel, camera: Camera, image: bool
) -> tuple[float, float | None]:
    """The overall step width (% leg): lateral distance from the left contact to the
    following right contact, in the model and (``image``, frontal views) in the image."""
    from gait.posedata import LANDMARK_INDEX as L
    from gait.synth.landmarks import landmarks_3d

    p, b = model.params, model.body
    leg = b.leg_length_m
    t_l = float(model.ic_time("left", 1))
    t_r = float(model.ic_time("right", 1))
    sk = model.evaluate(np.array([t_l, t_r]), lab=True)
    width = sk.joints["left_ankle"][0, 1] - sk.joints["right_ankle"][1, 1]
    pct = float(width / leg * 100)
    if not image:
        return pct, None
    img = _unroll(camera.project(landmarks_3d(sk, b.height_m))[..., :2], camera, p)
    flip = -1.0 if p.view == "rear" else 1.0
    dpx = flip * (img[0, L["left_ankle"], 0] - img[1, L["right_ankle"], 0])
    scale = camera.focal_px / float(camera.to_camera(sk.joints["pelvis"][0])[2])
    return pct, float(dpx / (leg * scale) * 100)


def _derived(model: RunnerModel) -> dict[str, Any]:
    """The truth's ``derived`` section: quantities that follow from the parameters."""
    p, b = model.params, model.body
    T = model.stride_time_s
    return {
        "speed_mps": model.speed_mps,
        "stride_time_s": T,
        "step_time_s": T / 2,
        "leg_length_m": b.leg_length_m,
        "thigh_m": b.thigh_m,
        "shank_m": b.shank_m,
        "runner_height_m": b.height_m,
        "foot_strike_pattern": p.foot_strike,
        "near_side": NEAR_SIDE[p.view],
        "n_frames": p.n_frames,
        "midstance_definition": MIDSTANCE_DEFINITION,
    }


def _add_frames(
    truth: dict[str, Any],
    frames: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    p: RunnerParams,
) -> None:
    """Store the per-frame arrays under ``truth["frames"]``, in place, and the fraction of
    frames with every landmark inside the image under ``truth["derived"]``."""
    from gait.synth.landmarks import in_image

    time_s, lab, image, world = frames
    inside = in_image(image, p).all(axis=1)
    truth["derived"]["fraction_of_frames_in_view"] = float(inside.mean())
    truth["frames"] = {
        "time_s": time_s,
        "landmarks_lab_m": lab,
        "image_px": image,
        "world_m": world,
    }


def _unroll(xy: np.ndarray, camera: Camera, p: Any) -> np.ndarray:
    """Undo the camera roll about the image centre so the floor is horizontal again."""
    if p.camera_roll_deg == 0:
        return xy
    a = np.radians(p.camera_roll_deg)
    c = np.array([camera.width / 2, camera.height / 2])
    d = xy - c
    rot = np.stack(
        [
            np.cos(a) * d[..., 0] - np.sin(a) * d[..., 1],
            np.sin(a) * d[..., 0] + np.cos(a) * d[..., 1],
        ],
        -1,
    )
    return np.asarray(rot + c)


def _combine(per_side: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for name in METRICS:
        if name in per_side["left"] and name in per_side["right"]:
            left, right = per_side["left"][name], per_side["right"][name]
            out[name] = {"left": left, "right": right, "overall": (left + right) / 2}
    return out


def truth_to_json(truth: dict[str, Any], decimals: int = 4) -> dict[str, Any]:
    """JSON-ready copy: numpy arrays become (rounded) nested lists, NaN becomes None."""

    def conv(x: Any) -> Any:
        if isinstance(x, np.ndarray):
            r = np.round(x.astype(float), decimals)
            if np.isnan(r).any():
                return np.where(np.isnan(r), np.array(None), r.astype(object)).tolist()
            return r.tolist()
        if isinstance(x, dict):
            return {k: conv(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [conv(v) for v in x]
        if isinstance(x, np.generic):
            return x.item()
        return x

    return dict(conv(truth))


def save_truth(truth: dict[str, Any], path: str | Path) -> Path:
    """Write the truth as JSON (a temporary name, then a rename); return the path.

    Per-frame arrays are rounded to 3 decimals (mm, 1/1000 px) and ``frames.world_m`` is
    left out (it is the PoseData's ``world_m`` without noise; see ``landmarks.npz``).
    """
    from gait._io import atomic_write

    data = truth_to_json(truth, decimals=3)
    if "frames" in data:
        data["frames"] = {k: v for k, v in data["frames"].items() if k != "world_m"}
    # readable everywhere except the bulky per-frame arrays, which go on one line each
    parts = []
    for key, value in data.items():
        if key == "frames":
            inner = ",\n  ".join(
                f"{json.dumps(k)}: {json.dumps(v, separators=(',', ':'))}" for k, v in value.items()
            )
            parts.append(f'"frames": {{\n  {inner}\n }}')
        else:
            parts.append(f"{json.dumps(key)}: {json.dumps(value, indent=1)}")
    return atomic_write(path, "{\n " + ",\n ".join(parts) + "\n}\n")


def load_truth(path: str | Path) -> dict[str, Any]:
    """Read a truth file written by :func:`save_truth` (arrays stay lists)."""
    return dict(json.loads(Path(path).read_text()))
