"""The scene around the synthetic runner: wall, floor, treadmill or running track.

The static background is drawn once per clip (:func:`background`): a wall with three
panels, the floor up to the wall (the floor line) and a baseboard, a little sensor grain
fixed over time, then a treadmill deck with its rails (treadmill) or the lane lines of a
running track (overground).  Only the belt's cross lines move (:func:`belt_marks`, drawn
on every frame).  Everything is drawn through the renderer's supersampled camera
(:data:`gait.synth.canvas.SS` times the clip's size).

OpenCV is imported inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

import numpy as np

from gait.synth.camera import Camera
from gait.synth.canvas import SS, Canvas
from gait.synth.params import RunnerParams


def background(params: RunnerParams, cam: Camera) -> np.ndarray:
    """The static scene as a BGR image of ``cam``'s size (the supersampled camera)."""
    import cv2

    p = params
    w, h = cam.width, cam.height
    img = np.empty((h, w, 3), np.uint8)
    rows = np.linspace(0, 1, h)[:, None]
    wall = np.array([200, 214, 222]) * (1 - 0.15 * rows) + np.array([10, 10, 5]) * rows
    img[:] = wall[:, None, :].astype(np.uint8)
    view_dir = cam.axes[2].copy()
    view_dir[2] = 0
    view_dir /= np.linalg.norm(view_dir)
    lateral = np.array([-view_dir[1], view_dir[0], 0.0])
    back = 3.0 if p.treadmill else 4.0
    wall_base = view_dir * back
    canvas = Canvas(img)
    # wall decoration: three panels (posters, a window) on the wall behind the runner
    panels = (
        (-3.2, 0.9, 2.0, (170, 190, 205)),
        (2.4, 1.0, 1.9, (150, 165, 120)),
        (-0.6, 1.6, 2.3, (205, 200, 185)),
    )
    for off, z0, z1, color in panels:
        a = wall_base + lateral * off
        corners = ((0.0, z0), (1.4, z0), (1.4, z1), (0.0, z1))
        quad = np.array([a + lateral * dx + np.array([0.0, 0.0, z]) for dx, z in corners])
        pts = cam.project(quad)
        if (pts[:, 2] > 0.1).all():
            canvas.poly(pts[:, :2], color)
    # floor up to the wall (the floor line), and a baseboard
    floor_col = (95, 105, 118) if p.treadmill else (70, 80, 150)
    far = [wall_base + lateral * s for s in (-60.0, 60.0)]
    reach = back + p.camera_distance_m - 0.3
    near = [wall_base - view_dir * reach + lateral * s for s in (60.0, -60.0)]
    canvas.poly(cam.project(np.array(far + near))[:, :2], floor_col)
    up = np.array([0.0, 0.0, 0.12])
    base = cam.project(np.array([far[0] + up, far[1] + up, far[1], far[0]]))
    canvas.poly(base[:, :2], (150, 160, 170))
    # a little sensor grain, fixed over time
    rng = np.random.default_rng(1)
    grain = rng.normal(0, 3.0, (h, w, 1))
    img[:] = np.clip(img.astype(np.float64) + grain, 0, 255).astype(np.uint8)
    if p.treadmill:
        _treadmill_deck(cam, canvas)
    else:  # running-track lane lines along the direction of travel
        for y in (-0.62, 0.62, -1.84, 1.84):
            line = _clip_line(cam, np.array([[-40.0, y, 0.0], [40.0, y, 0.0]]))
            if line is not None:
                a_px, b_px = (tuple(int(v) for v in q) for q in line)
                cv2.line(img, a_px, b_px, (235, 235, 240), 2 * SS, cv2.LINE_AA)
    return img


def _clip_line(cam: Camera, seg: np.ndarray) -> np.ndarray | None:
    """Project a 3-D segment (2, 3), clipped to in front of the camera, to (2, 2) px."""
    c = cam.to_camera(seg)
    z = c[:, 2]
    if (z < 0.2).all():
        return None
    if (z < 0.2).any():
        t = (0.2 - z[0]) / (z[1] - z[0])
        cut = seg[0] + t * (seg[1] - seg[0])
        seg = np.array([cut, seg[1]]) if z[0] < 0.2 else np.array([seg[0], cut])
    return cam.project(seg)[:, :2]


def _treadmill_deck(cam: Camera, canvas: Canvas) -> None:
    deck = np.array([[-1.0, -0.45, 0.0], [1.0, -0.45, 0.0], [1.0, 0.45, 0.0], [-1.0, 0.45, 0.0]])
    pts = cam.project(deck)
    if (pts[:, 2] > 0.2).all():
        canvas.poly(pts[:, :2], (55, 55, 60))
    belt = deck * [0.97, 0.75, 1.0]
    pts = cam.project(belt)
    if (pts[:, 2] > 0.2).all():
        canvas.poly(pts[:, :2], (38, 38, 40))
    for y in (-0.45, 0.45):
        rail = np.array([[-1.0, y, 0.0], [1.0, y, 0.0], [1.0, y, 0.06], [-1.0, y, 0.06]])
        pts = cam.project(rail)
        if (pts[:, 2] > 0.2).all():
            canvas.poly(pts[:, :2], (120, 125, 130))


def belt_marks(
    img: np.ndarray, t: float, *, cam: Camera, treadmill: bool, speed_mps: float
) -> None:
    """Draw the treadmill belt's cross lines into ``img`` at time ``t`` (s), the belt
    moving back at ``speed_mps``; nothing overground (``treadmill`` False)."""
    import cv2

    if not treadmill:
        return
    spacing = 0.5
    x0 = -(speed_mps * t) % spacing
    for x in np.arange(-1.0 + x0, 0.97, spacing):
        seg = np.array([[x, -0.3, 0.001], [x, 0.3, 0.001]])
        line = _clip_line(cam, seg)
        if line is not None and x > -0.97:
            a, b = (tuple(int(v) for v in q) for q in line)
            cv2.line(img, a, b, (70, 70, 74), SS, cv2.LINE_AA)
