"""Pinhole camera: where it stands for each view and how lab points map to pixels.

Lab frame: x forward (direction of travel), y the runner's left, z up (metres).  Camera
frame: x to the image right, y down, z along the optical axis (depth), so pixel
coordinates follow the image convention (x right, y down).

Views (camera ``camera_distance_m`` from the runner's path, ``camera_height_m`` up):

``side_right``  camera on the runner's right side; the runner faces image-right.
``side_left``   camera on the runner's left side; the runner faces image-left.
``rear``        camera behind the runner; the runner's right is on the image right.
``front``       camera ahead of the runner; the runner's right is on the image left.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gait.synth.params import RunnerParams

_POSITION = {
    "side_right": (0.0, -1.0),
    "side_left": (0.0, 1.0),
    "rear": (-1.0, 0.0),
    "front": (1.0, 0.0),
}

#: Which leg is nearer the camera in each side view (None: neither, frontal views).
NEAR_SIDE = {"side_right": "right", "side_left": "left", "rear": None, "front": None}


@dataclass(frozen=True)
class Camera:
    """A pinhole camera.

    Attributes
    ----------
    position_m : ndarray of shape (3,)
        Optical centre in the lab frame, metres.
    axes : ndarray of shape (3, 3)
        Rows are the camera x (image right), y (image down) and z (optical axis) unit
        vectors in lab coordinates.
    focal_px : float
        Focal length in pixels (square pixels).
    width, height : int
        Image size in pixels; the principal point is the image centre.
    """

    position_m: np.ndarray
    axes: np.ndarray
    focal_px: float
    width: int
    height: int

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        """Lab points (..., 3) → camera-frame coordinates (..., 3) in metres."""
        return np.asarray((np.asarray(points) - self.position_m) @ self.axes.T)

    def project(self, points: np.ndarray) -> np.ndarray:
        """Lab points (..., 3) → (..., 3): pixel x, pixel y, depth in metres."""
        c = self.to_camera(points)
        z = c[..., 2]
        u = self.focal_px * c[..., 0] / z + self.width / 2
        v = self.focal_px * c[..., 1] / z + self.height / 2
        return np.stack([u, v, z], axis=-1)


def make_camera(params: RunnerParams) -> Camera:
    """The camera for ``params.view``, aimed at the runner's mid-body.

    The camera looks at the point (0, 0, 0.52 · runner height) of the lab frame, where the
    runner is on a treadmill and at mid-clip overground.  A positive ``camera_roll_deg``
    turns the camera clockwise about its optical axis (seen from behind the camera), so the
    scene turns counter-clockwise in the image: the floor line rises to the right.
    """
    p = params
    ux, uy = _POSITION[p.view]
    pos = np.array([ux * p.camera_distance_m, uy * p.camera_distance_m, p.camera_height_m])
    target = np.array([0.0, 0.0, 0.52 * p.runner_height_m])
    fwd = target - pos
    fwd /= np.linalg.norm(fwd)
    right = np.cross(fwd, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    down = np.cross(fwd, right)
    roll = np.radians(p.camera_roll_deg)
    right, down = (
        np.cos(roll) * right + np.sin(roll) * down,
        -np.sin(roll) * right + np.cos(roll) * down,
    )
    focal = (p.width_px / 2) / np.tan(np.radians(p.camera_hfov_deg) / 2)
    return Camera(pos, np.stack([right, down, fwd]), float(focal), p.width_px, p.height_px)
