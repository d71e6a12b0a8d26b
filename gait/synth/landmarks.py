"""The 33 BlazePose landmarks of the synthetic runner, as a :class:`~gait.posedata.PoseData`.

Landmarks come from the 3-D model (:mod:`gait.synth.kinematics`) and are projected through
the same camera the renderer uses (:mod:`gait.synth.camera`):

* ``image_px`` x, y: pinhole projection (pixels, y down); z: depth relative to the mid-hip
  in pixels (``(depth - depth_midhip) * focal / depth_midhip``), smaller = nearer, like
  MediaPipe's relative z.
* ``world_m``: camera-aligned metres (x image-right, y down, z away from the camera) with
  the origin at the mid-hip, like MediaPipe's world landmarks.
* ``visibility`` and ``presence`` are 1, but as a pose model would report it: 0 for a
  point outside the image, and no pose at all (NaN, 0) on a frame whose mid-hip is
  outside it - an overground runner crosses the camera's view (at the default 4 m and
  60 deg, about 4.6 m of the path: 1.4 s of a 5-s clip); ``time_s = frame / fps``.

Optional corruption mimics what MediaPipe does to real clips (``noise_px``,
``far_leg_noise_factor``, ``dropout_fraction``, ``n_leg_swaps``); which frames were
dropped or swapped is returned in the truth (``truth["corruption"]``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from gait.posedata import LANDMARK_INDEX, LANDMARK_NAMES, N_LANDMARKS, PoseData
from gait.synth.camera import NEAR_SIDE, Camera, make_camera
from gait.synth.kinematics import RunnerModel, Skeleton
from gait.synth.params import RunnerParams

#: Face points in the head frame (x forward, y left, z up), metres for a 1.75 m runner,
#: relative to the head centre (midway between the ears).
FACE_POINTS: dict[str, tuple[float, float, float]] = {
    "nose": (0.105, 0.0, -0.015),
    "left_eye_inner": (0.088, 0.016, 0.02),
    "left_eye": (0.082, 0.032, 0.02),
    "left_eye_outer": (0.072, 0.046, 0.02),
    "right_eye_inner": (0.088, -0.016, 0.02),
    "right_eye": (0.082, -0.032, 0.02),
    "right_eye_outer": (0.072, -0.046, 0.02),
    "left_ear": (-0.005, 0.075, 0.0),
    "right_ear": (-0.005, -0.075, 0.0),
    "mouth_left": (0.09, 0.024, -0.05),
    "mouth_right": (0.09, -0.024, -0.05),
}

#: Model joint that each body landmark is.
BODY_POINTS: dict[str, str] = {
    f"{side}_{lm}": f"{side}_{joint}"
    for side in ("left", "right")
    for lm, joint in (
        ("shoulder", "shoulder"),
        ("elbow", "elbow"),
        ("wrist", "wrist"),
        ("pinky", "pinky"),
        ("index", "index"),
        ("thumb", "thumb"),
        ("hip", "hip"),
        ("knee", "knee"),
        ("ankle", "ankle"),
        ("heel", "heel"),
        ("foot_index", "toe"),
    )
}

LEG_LANDMARKS: dict[str, tuple[int, ...]] = {
    side: tuple(LANDMARK_INDEX[f"{side}_{n}"] for n in ("knee", "ankle", "heel", "foot_index"))
    for side in ("left", "right")
}


def landmarks_3d(skel: Skeleton, height_m: float) -> np.ndarray:
    """The 33 landmarks (n, 33, 3) in the lab frame, metres, in BlazePose order."""
    n = skel.time_s.size
    out = np.empty((n, N_LANDMARKS, 3))
    scale = height_m / 1.75
    for name, joint in BODY_POINTS.items():
        out[:, LANDMARK_INDEX[name]] = skel.joints[joint]
    local = np.array([FACE_POINTS[name] for name in FACE_POINTS]) * scale
    face = skel.joints["head"][:, None, :] + np.einsum("nij,kj->nki", skel.head_rot, local)
    out[:, [LANDMARK_INDEX[name] for name in FACE_POINTS]] = face
    return out


def project_landmarks(points: np.ndarray, camera: Camera) -> tuple[np.ndarray, np.ndarray]:
    """Lab landmarks (n, 33, 3) → (``image_px`` (n, 33, 3), ``world_m`` (n, 33, 3)).

    See the module docstring for the conventions of both arrays.
    """
    proj = camera.project(points)
    mid = (points[:, LANDMARK_INDEX["left_hip"]] + points[:, LANDMARK_INDEX["right_hip"]]) / 2
    cam = camera.to_camera(points)
    cam_mid = camera.to_camera(mid)
    depth_mid = cam_mid[:, 2:3]
    z_px = (proj[..., 2] - depth_mid) * camera.focal_px / depth_mid
    image = np.concatenate([proj[..., :2], z_px[..., None]], axis=-1)
    return image, cam - cam_mid[:, None, :]


def synth_landmarks(
    params: RunnerParams, *, with_truth: bool = True
) -> tuple[PoseData, dict[str, Any]]:
    """Landmark sequence of the synthetic runner and its ground truth, without rendering.

    Parameters
    ----------
    params : RunnerParams
        The runner, the camera and the noise settings.
    with_truth : bool
        Compute the truth dict (events, metrics, true per-frame joints).  ``False`` returns
        an empty dict (faster for large sweeps).

    Returns
    -------
    pose : PoseData
        ``params.n_frames`` frames at ``params.fps``, image ``width_px`` × ``height_px``.
        Noisy if the noise fields of ``params`` are set.
    truth : dict
        See :func:`gait.synth.truth.compute_truth`; ``truth["frames"]`` holds the
        *noise-free* landmarks and ``truth["corruption"]`` the dropped and swapped frames.
    """
    from gait.synth.truth import compute_truth

    model = RunnerModel(params)
    camera = make_camera(params)
    n = params.n_frames
    frame_index = np.arange(n)
    time_s = frame_index / params.fps
    skel = model.evaluate(time_s)
    pts = landmarks_3d(skel, params.runner_height_m)
    image, world = project_landmarks(pts, camera)
    noisy_image, noisy_world, visibility, corruption = _corrupt(image, world, params)
    _hide_off_screen(image, noisy_image, noisy_world, visibility, params)
    pose = PoseData(
        image_px=noisy_image,
        visibility=visibility,
        presence=visibility.copy(),
        world_m=noisy_world,
        time_s=time_s.astype(float),
        frame_index=frame_index,
        fps=float(params.fps),
        width=int(params.width_px),
        height=int(params.height_px),
        source_path="synthetic",
        model="synthetic",
        settings={"synth_params": params.to_dict()},
    )
    truth: dict[str, Any] = {}
    if with_truth:
        truth = compute_truth(model, camera, frames=(time_s, pts, image, world))
        truth["corruption"] = corruption
    return pose, truth


def in_image(xy: np.ndarray, params: RunnerParams) -> np.ndarray:
    """Whether image points ``xy`` (..., >= 2) lie inside the clip's frame."""
    x, y = xy[..., 0], xy[..., 1]
    return np.asarray((x >= 0) & (x < params.width_px) & (y >= 0) & (y < params.height_px))


def _hide_off_screen(
    image: np.ndarray,
    noisy_image: np.ndarray,
    noisy_world: np.ndarray,
    visibility: np.ndarray,
    params: RunnerParams,
) -> None:
    """What a pose model would not report, in place: a frame whose mid-hip is outside
    the image has no pose (NaN), and a point outside the image has visibility 0."""
    hips = image[:, [LANDMARK_INDEX["left_hip"], LANDMARK_INDEX["right_hip"]], :2].mean(axis=1)
    no_pose = ~in_image(hips, params)
    visibility[~in_image(image, params)] = 0.0
    noisy_image[no_pose], noisy_world[no_pose], visibility[no_pose] = np.nan, np.nan, 0.0


def _corrupt(
    image: np.ndarray, world: np.ndarray, params: RunnerParams
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, list[int]]]:
    """Apply pixel jitter, dropouts and leg swaps; return the arrays and what was done."""
    p = params
    n = image.shape[0]
    rng = np.random.default_rng(p.seed)
    image, world = image.copy(), world.copy()
    visibility = np.ones((n, N_LANDMARKS))
    corruption: dict[str, list[int]] = {"dropout_frames": [], "swap_frames": []}
    if p.noise_px > 0:
        sigma = np.full(N_LANDMARKS, p.noise_px)
        far = {"left": "right", "right": "left"}.get(NEAR_SIDE[p.view] or "")
        if far is not None:
            sigma[list(LEG_LANDMARKS[far])] *= p.far_leg_noise_factor
        jitter = rng.normal(size=(n, N_LANDMARKS, 2))
        if p.noise_corr_s > 0:  # first-order autoregressive: same SD, correlated in time
            from scipy.signal import lfilter

            phi = math.exp(-1.0 / (p.fps * p.noise_corr_s))
            jitter[1:] *= math.sqrt(1.0 - phi * phi)
            jitter = lfilter([1.0], [1.0, -phi], jitter, axis=0)
        jitter *= sigma[None, :, None]
        image[..., :2] += jitter
        metres_per_px = np.nanmedian(
            np.linalg.norm(world[:, 23] - world[:, 24], axis=-1)
            / np.maximum(np.linalg.norm(image[:, 23, :2] - image[:, 24, :2], axis=-1), 1e-6)
        )
        if not np.isfinite(metres_per_px) or metres_per_px > 0.05:
            metres_per_px = 0.005
        world += rng.normal(size=world.shape) * sigma[None, :, None] * metres_per_px
    legs = np.array(LEG_LANDMARKS["left"] + LEG_LANDMARKS["right"])
    swapped = np.array(LEG_LANDMARKS["right"] + LEG_LANDMARKS["left"])
    for start, length in _runs(rng, n, p.n_leg_swaps, 2, 4):
        sl = slice(start, start + length)
        image[sl, legs], world[sl, legs] = image[sl, swapped], world[sl, swapped]
        corruption["swap_frames"].extend(range(start, min(start + length, n)))
    n_drop_runs = round(p.dropout_fraction * n / 3.5)
    for start, length in _runs(rng, n, n_drop_runs, 2, 5):
        sl = slice(start, start + length)
        image[sl], world[sl], visibility[sl] = np.nan, np.nan, 0.0
        corruption["dropout_frames"].extend(range(start, min(start + length, n)))
    corruption = {k: sorted(set(v)) for k, v in corruption.items()}
    return image, world, visibility, corruption


def _runs(rng: np.random.Generator, n: int, count: int, lo: int, hi: int) -> list[tuple[int, int]]:
    """``count`` random (start, length) runs of lo..hi frames inside [0, n)."""
    if count <= 0 or n <= hi:
        return []
    starts = rng.integers(0, n - hi, size=count)
    lengths = rng.integers(lo, hi + 1, size=count)
    return [(int(s), int(k)) for s, k in zip(starts, lengths, strict=True)]


__all__ = ["FACE_POINTS", "LANDMARK_NAMES", "landmarks_3d", "project_landmarks", "synth_landmarks"]
