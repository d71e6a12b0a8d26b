"""Render the synthetic runner to a video that a pose model recognises as a person.

The runner is drawn as a solid, shaded figure: limbs are capsules (tapered cylinders seen
from the side) with an outline, a base colour and a highlight; the torso and shorts are
filled hulls; the head has hair, ears, eyes, brows, nose and mouth when they face the
camera (the primitives: :mod:`gait.synth.canvas`).  Parts are drawn back to front by their
depth from the camera.  The scene has a wall, a floor with the floor line, a treadmill
deck with a moving belt (treadmill) or a track with lane lines (overground;
:mod:`gait.synth.scenery`), and a soft shadow under the runner.

OpenCV is imported inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from gait.synth.camera import Camera, make_camera
from gait.synth.canvas import SS, Canvas, Color, shade
from gait.synth.kinematics import SIDES, RunnerModel, Skeleton
from gait.synth.landmarks import landmarks_3d, project_landmarks
from gait.synth.params import RunnerParams
from gait.synth.scenery import background, belt_marks

#: Palettes (BGR): skin, hair, shirt, shorts, shoes, socks.
PALETTES: tuple[dict[str, Color], ...] = (
    {
        "skin": (140, 180, 224),
        "hair": (30, 45, 70),
        "shirt": (60, 60, 200),
        "shorts": (50, 35, 30),
        "shoe": (235, 235, 240),
        "sock": (245, 245, 245),
    },
    {
        "skin": (90, 125, 170),
        "hair": (25, 25, 30),
        "shirt": (170, 110, 40),
        "shorts": (40, 40, 45),
        "shoe": (60, 120, 230),
        "sock": (230, 230, 230),
    },
    {
        "skin": (60, 85, 120),
        "hair": (20, 20, 22),
        "shirt": (60, 170, 80),
        "shorts": (90, 50, 30),
        "shoe": (50, 200, 240),  # bright: a dark shoe vanishes on a dark belt
        "sock": (220, 220, 220),
    },
)

_SPHERE = np.array(
    [
        [np.cos(a) * np.cos(e), np.sin(a) * np.cos(e), np.sin(e)]
        for e in np.radians([-60.0, -30.0, 0.0, 30.0, 60.0])
        for a in np.linspace(0, 2 * np.pi, 12, endpoint=False)
    ]
    + [[0.0, 0.0, 1.0], [0.0, 0.0, -1.0]]
)

# Shoe outline points in foot-local metres for a 1.75 m runner: x forward, y left, z up,
# origin on the sole below the ankle.  The heel landmark sits at the back of the heel
# (x -0.058) and the foot index at the toe tip (x 0.19), both 2 cm above the sole.
_SHOE = np.array(
    [
        [x, sy * y, z]
        for x, y, z in (
            (-0.066, 0.03, 0.0),
            (-0.074, 0.028, 0.022),
            (-0.066, 0.026, 0.055),
            (0.03, 0.04, 0.0),
            (0.03, 0.036, 0.075),
            (0.13, 0.046, 0.0),
            (0.12, 0.042, 0.05),
            (0.196, 0.024, 0.004),
            (0.19, 0.02, 0.032),
        )
        for sy in (1.0, -1.0)
    ]
    + [[0.203, 0.0, 0.016]]
)
_SOLE = np.concatenate([_SHOE[_SHOE[:, 2] < 0.01], _SHOE[_SHOE[:, 2] < 0.01] + [0.0, 0.0, 0.02]])


def _anterior(seg: np.ndarray) -> np.ndarray:
    """Unit vector perpendicular to a limb segment (3,), pointing forward (+x)."""
    e = seg / max(float(np.linalg.norm(seg)), 1e-9)
    f = np.array([1.0, 0.0, 0.0]) - e[0] * e
    return np.asarray(f / max(float(np.linalg.norm(f)), 1e-9))


class _Scene:
    """Everything that does not change from frame to frame, plus the per-frame drawing."""

    def __init__(self, model: RunnerModel, cam: Camera) -> None:
        self.p = params = model.params
        self.model = model
        self.body = model.body
        # supersampled camera: same geometry, scaled image
        self.cam = Camera(
            cam.position_m, cam.axes, cam.focal_px * SS, cam.width * SS, cam.height * SS
        )
        self.colors = PALETTES[params.appearance % len(PALETTES)]
        self.background = background(params, self.cam)

    # ---- the runner -----------------------------------------------------------------
    def frame(self, i: int, skel: Skeleton, lms: np.ndarray) -> np.ndarray:
        """Draw frame ``i`` (BGR, full resolution)."""
        img = self.background.copy()
        t = float(skel.time_s[i])
        belt_marks(img, t, cam=self.cam, treadmill=self.p.treadmill, speed_mps=self.model.speed_mps)
        canvas = Canvas(img)
        j = {k: v[i] for k, v in skel.joints.items()}
        self._shadow(img, j["pelvis"])
        for _, draw in sorted(self._parts(canvas, i, skel, lms, j), key=lambda q: -q[0]):
            draw()
        return img

    def _px(self, p: np.ndarray) -> np.ndarray:
        """Supersampled image position (2,) of a lab point (3,)."""
        return np.asarray(self.cam.project(p)[:2])

    def _rad(self, p: np.ndarray, r: float) -> float:
        """Image radius (px) at a lab point of ``r`` metres on a 1.75 m runner, scaled."""
        cam = self.cam
        return float(cam.focal_px * r * self.body.height_m / 1.75 / cam.to_camera(p)[2])

    def _depth(self, p: np.ndarray) -> float:
        """Distance of a lab point in front of the camera, along its axis (m)."""
        return float(self.cam.to_camera(p)[2])

    def _shadow(self, img: np.ndarray, pelvis: np.ndarray) -> None:
        """Blend a soft dark ellipse into ``img`` on the floor below the pelvis, unless part
        of it lies behind the camera."""
        import cv2

        c = pelvis * [1, 1, 0]
        ang = np.linspace(0, 2 * np.pi, 24)
        ring = c + np.stack([0.35 * np.cos(ang), 0.2 * np.sin(ang), 0 * ang], axis=-1)
        sh = self.cam.project(ring)
        if (sh[:, 2] > 0.2).all():
            overlay = img.copy()
            canvas_o = Canvas(overlay)
            canvas_o.hull(sh[:, :2], (30, 30, 30))
            cv2.addWeighted(overlay, 0.35, img, 0.65, 0, img)

    def _parts(
        self, canvas: Canvas, i: int, skel: Skeleton, lms: np.ndarray, j: dict[str, np.ndarray]
    ) -> list[tuple[float, Callable[[], None]]]:
        """The body parts of frame ``i`` as (depth, draw) pairs: each leg at its knee's
        depth, each arm at its elbow's, the torso at the pelvis's, the neck and head just in
        front of the nearer of the head and the pelvis."""
        depth = self._depth
        parts: list[tuple[float, Callable[[], None]]] = []
        for side in SIDES:
            pitch = float(skel.foot_pitch_rad[side][i])
            parts.append((depth(j[f"{side}_knee"]), partial(self._leg, canvas, j, side, pitch)))
            parts.append((depth(j[f"{side}_elbow"]), partial(self._arm, canvas, j, side)))
        torso = partial(self._torso, canvas, j, skel.trunk_rot[i])
        parts.append((depth(j["pelvis"]), torso))
        # the head sits on top of the trunk: never hidden by it, whatever the lean
        head = partial(self._neck_and_head, canvas, i, skel, lms, j)
        parts.append((min(depth(j["head"]), depth(j["pelvis"])) - 0.01, head))
        return parts

    def _leg(self, canvas: Canvas, j: dict[str, np.ndarray], side: str, foot_pitch: float) -> None:
        """Thigh, calf, shin, kneecap (when it faces the camera), shorts leg, sock, shoe."""
        px, rad, depth, col = self._px, self._rad, self._depth, self.colors
        hip, knee, ankle = j[f"{side}_hip"], j[f"{side}_knee"], j[f"{side}_ankle"]
        front = _anterior(knee - hip) + _anterior(ankle - knee)
        front /= max(float(np.linalg.norm(front)), 1e-9)
        canvas.shaded_capsule(px(hip), px(knee), rad(hip, 0.08), rad(knee, 0.05), col["skin"])
        calf_a = knee + 0.12 * (ankle - knee) - 0.012 * front
        calf_b = knee + 0.55 * (ankle - knee) - 0.01 * front
        canvas.shaded_capsule(
            px(calf_a), px(calf_b), rad(calf_a, 0.048), rad(calf_b, 0.038), col["skin"]
        )
        canvas.shaded_capsule(px(knee), px(ankle), rad(knee, 0.046), rad(ankle, 0.03), col["skin"])
        cap = knee + 0.03 * front
        if depth(cap) < depth(knee):
            canvas.circle(px(cap), rad(cap, 0.036), shade(col["skin"], 1.08))
        upper = hip + 0.35 * (knee - hip)
        canvas.shaded_capsule(px(hip), px(upper), rad(hip, 0.088), rad(upper, 0.078), col["shorts"])
        sock = ankle + 0.25 * (knee - ankle)
        canvas.shaded_capsule(px(sock), px(ankle), rad(sock, 0.037), rad(ankle, 0.036), col["sock"])
        self._shoe(canvas, ankle, foot_pitch, side)

    def _arm(self, canvas: Canvas, j: dict[str, np.ndarray], side: str) -> None:
        """Upper arm, sleeve, forearm and hand."""
        px, rad, col = self._px, self._rad, self.colors
        sh_, el, wr = j[f"{side}_shoulder"], j[f"{side}_elbow"], j[f"{side}_wrist"]
        canvas.shaded_capsule(px(sh_), px(el), rad(sh_, 0.05), rad(el, 0.038), col["skin"])
        sleeve = sh_ + 0.4 * (el - sh_)
        canvas.shaded_capsule(
            px(sh_), px(sleeve), rad(sh_, 0.062), rad(sleeve, 0.052), col["shirt"]
        )
        canvas.shaded_capsule(px(el), px(wr), rad(el, 0.036), rad(wr, 0.028), col["skin"])
        hand = j[f"{side}_index"]
        canvas.shaded_capsule(px(wr), px(hand), rad(wr, 0.035), rad(hand, 0.038), col["skin"])

    def _blob(self, centres: list[tuple[np.ndarray, float]]) -> np.ndarray:
        """Projected points on spheres around 3-D centres (metres): a hull outline."""
        out = [self._px(c0 + rr * u) for c0, rr in centres for u in _SPHERE]
        return np.array(out)

    def _torso(self, canvas: Canvas, j: dict[str, np.ndarray], trunk: np.ndarray) -> None:
        """Shirt (outline, fill, a highlight down the middle) and the shorts' waist, as hulls
        around the shoulders, hips, chest and belly; ``trunk`` is the trunk's rotation."""
        px, rad, col = self._px, self._rad, self.colors
        fwd = trunk @ np.array([1.0, 0.0, 0.0])
        chest = j["mid_shoulder"] + 0.3 * (j["pelvis"] - j["mid_shoulder"])
        belly = j["mid_shoulder"] + 0.7 * (j["pelvis"] - j["mid_shoulder"])
        allp = self._blob(
            [
                (j["left_shoulder"], 0.07),
                (j["right_shoulder"], 0.07),
                (j["left_hip"], 0.1),
                (j["right_hip"], 0.1),
                (chest + 0.03 * fwd, 0.11),
                (belly, 0.11),
            ]
        )
        waist = self._blob(
            [(j["left_hip"], 0.105), (j["right_hip"], 0.105), (j["pelvis"] + 0.02 * fwd, 0.11)]
        )
        canvas.hull(allp, shade(col["shirt"], 0.45))
        inner = allp.mean(0) + (allp - allp.mean(0)) * 0.97
        canvas.hull(inner, col["shirt"])
        mid_sh, mid_hip = px(j["mid_shoulder"]), px(j["pelvis"])
        hi = mid_sh + 0.25 * (mid_hip - mid_sh)
        canvas.capsule(
            hi,
            mid_hip + 0.15 * (mid_sh - mid_hip),
            rad(j["pelvis"], 0.05),
            rad(j["pelvis"], 0.04),
            shade(col["shirt"], 1.18),
        )
        canvas.hull(np.array(waist), col["shorts"])

    def _neck_and_head(
        self, canvas: Canvas, i: int, skel: Skeleton, lms: np.ndarray, j: dict[str, np.ndarray]
    ) -> None:
        """The neck, then the head (:meth:`_head`)."""
        px, rad = self._px, self._rad
        neck_top = j["mid_shoulder"] + 0.6 * (j["head"] - j["mid_shoulder"])
        canvas.shaded_capsule(
            px(j["mid_shoulder"]),
            px(neck_top),
            rad(neck_top, 0.05),
            rad(neck_top, 0.045),
            self.colors["skin"],
        )
        self._head(canvas, i, skel, lms, px, rad, self._depth)

    def _shoe(self, canvas: Canvas, ankle: np.ndarray, pitch: float, side: str) -> None:
        """A running shoe: upper, toe box and sole, as hulls of 3-D points on the foot."""
        c, s = np.cos(pitch), np.sin(pitch)
        rot = np.array([[c, 0.0, -s], [0.0, 1.0, 0.0], [s, 0.0, c]])  # toe up for pitch > 0
        scale = self.body.height_m / 1.75
        origin = np.array([0.0, 0.0, self.body.ankle_height_m])  # ankle in foot-local

        def lab(q: np.ndarray) -> np.ndarray:
            return np.asarray(ankle + (q * scale - origin) @ rot.T)

        pts = self.cam.project(lab(_SHOE))[:, :2]
        sole = self.cam.project(lab(_SOLE))[:, :2]
        centre = pts.mean(axis=0)
        shoe = self.colors["shoe"]
        canvas.hull(centre + (pts - centre) * 1.06, shade(shoe, 0.4))
        canvas.hull(pts, shoe)
        canvas.hull(sole, shade(shoe, 0.55) if sum(shoe) > 400 else (225, 225, 225))
        lace = self.cam.project(lab(np.array([[0.03, 0.0, 0.07], [0.11, 0.0, 0.05]])))
        canvas.capsule(lace[0, :2], lace[1, :2], SS * 0.8, SS * 0.8, shade(shoe, 1.3))

    def _head(
        self,
        canvas: Canvas,
        i: int,
        skel: Skeleton,
        lms: np.ndarray,
        px: Callable[[np.ndarray], np.ndarray],
        rad: Callable[[np.ndarray, float], float],
        depth: Callable[[np.ndarray], float],
    ) -> None:
        from gait.posedata import LANDMARK_INDEX as L

        col = self.colors
        c = skel.joints["head"][i]
        rot = skel.head_rot[i]
        s = self.body.height_m / 1.75
        r = 0.108
        hair_c = c + rot @ np.array([-0.02, 0.0, 0.02]) * s
        face_c = c + rot @ np.array([0.012, 0.0, -0.012]) * s
        order = [(depth(hair_c), "hair"), (depth(face_c), "face")]
        for _, what in sorted(order, reverse=True):
            if what == "hair":
                canvas.circle(px(hair_c), rad(hair_c, r * 1.03) + 1.0 * SS, shade(col["hair"], 0.6))
                canvas.circle(px(hair_c), rad(hair_c, r * 1.03), col["hair"])
            else:
                canvas.circle(px(face_c), rad(face_c, r * 0.95) + 1.0 * SS, shade(col["skin"], 0.5))
                canvas.circle(px(face_c), rad(face_c, r * 0.95), col["skin"])
                hl = face_c + rot @ np.array([0.03, 0.03, 0.04]) * s
                canvas.circle(px(hl), rad(hl, r * 0.35), shade(col["skin"], 1.12))
        lm = lms[i]
        cd = depth(c)
        for ear in ("left_ear", "right_ear"):
            p = lm[L[ear]]
            if depth(p) < cd - 0.02:
                canvas.circle(px(p), rad(p, 0.024) + 0.8 * SS, shade(col["skin"], 0.55))
                canvas.circle(px(p), rad(p, 0.024), shade(col["skin"], 0.92))
        nose = lm[L["nose"]]
        if depth(nose) < cd:
            bridge = c + rot @ np.array([0.085, 0.0, 0.012]) * s
            canvas.capsule(
                px(bridge),
                px(nose),
                rad(bridge, 0.012),
                rad(nose, 0.016),
                shade(col["skin"], 0.85),
            )
            for eye, brow_side in (("left_eye", 1), ("right_eye", -1)):
                p = lm[L[eye]]
                if depth(p) < cd - 0.03:
                    canvas.circle(px(p), rad(p, 0.013), (245, 245, 245))
                    canvas.circle(px(p), rad(p, 0.008), (40, 30, 25))
                    brow = p + rot @ np.array([0.005, 0.0, 0.022]) * s
                    a = brow + rot @ np.array([0.0, 0.014 * brow_side, 0.0]) * s
                    b = brow - rot @ np.array([0.0, 0.014 * brow_side, 0.0]) * s
                    canvas.capsule(px(a), px(b), rad(a, 0.004), rad(b, 0.004), col["hair"])
            ml, mr = lm[L["mouth_left"]], lm[L["mouth_right"]]
            if depth(ml) < cd - 0.02 or depth(mr) < cd - 0.02:
                canvas.capsule(px(ml), px(mr), rad(ml, 0.005), rad(mr, 0.005), (70, 60, 150))


def render_frames(params: RunnerParams) -> Iterator[np.ndarray]:
    """Yield the clip's frames as RGB uint8 arrays of shape (height_px, width_px, 3)."""
    model = RunnerModel(params)
    _, skel, lms = _motion(model)
    yield from _frames(model, make_camera(params), skel, lms)


def _motion(model: RunnerModel) -> tuple[np.ndarray, Skeleton, np.ndarray]:
    """The clip's frame times (s), the runner's skeleton at them and its 3-D landmarks."""
    params = model.params
    t = np.arange(params.n_frames) / params.fps
    skel = model.evaluate(t)
    return t, skel, landmarks_3d(skel, params.runner_height_m)


def _frames(
    model: RunnerModel, camera: Camera, skel: Skeleton, lms: np.ndarray
) -> Iterator[np.ndarray]:
    """:func:`render_frames` of the runner ``model`` seen by ``camera``, its skeleton and
    landmarks (:func:`_motion`) already computed."""
    import cv2

    params = model.params
    scene = _Scene(model, camera)
    size = (params.width_px, params.height_px)
    for i in range(params.n_frames):
        big = scene.frame(i, skel, lms)
        small = cv2.resize(big, size, interpolation=cv2.INTER_AREA)
        yield cv2.cvtColor(small, cv2.COLOR_BGR2RGB)


def render_video(
    params: RunnerParams,
    path: str | Path,
    *,
    write_truth: bool = True,
    fourcc: str = "mp4v",
) -> dict[str, Any]:
    """Render the clip to ``path`` (.mp4) and write ``<stem>.truth.json`` beside it.

    Parameters
    ----------
    params : RunnerParams
        The runner and the scene; the noise fields are ignored (the pose model adds its own).
    path : str or Path
        Output video; the parent folder is created.  The clip (and its truth) is written
        beside it under a hidden name and moved in place once complete: a runner the
        model refuses (:class:`~gait.errors.ConfigError`, raised before any file is made)
        or a failure while rendering leaves neither file behind, nor a folder made for
        them.
    write_truth : bool
        Also write the truth JSON (:func:`gait.synth.truth.save_truth`).
    fourcc : str
        OpenCV codec tag: "mp4v" (always available) or "avc1" (H.264 if OpenCV has it).

    Returns
    -------
    dict
        The ground truth (see :mod:`gait.synth.truth`), with ``truth["video"]`` the path.
    """
    import cv2

    from gait._io import staged_files
    from gait.synth.truth import compute_truth, save_truth

    path = Path(path)
    model = RunnerModel(params)  # refuses an impossible runner before any file is made
    camera = make_camera(params)
    t, skel, pts = _motion(model)
    image, world = project_landmarks(pts, camera)
    truth = compute_truth(model, camera, frames=(t, pts, image, world))
    truth["video"] = path.name
    outputs = [path, truth_path_for(path)] if write_truth else [path]
    suffix = None if path.suffix else ".mp4"  # OpenCV picks the container by the suffix
    with staged_files(*outputs, suffix=suffix) as staged:
        size = (params.width_px, params.height_px)
        writer = cv2.VideoWriter(str(staged[0]), cv2.VideoWriter.fourcc(*fourcc), params.fps, size)
        if not writer.isOpened():
            raise RuntimeError(f"OpenCV could not open a {fourcc!r} video writer for {path}")
        try:
            for rgb in _frames(model, camera, skel, pts):
                writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
        finally:
            writer.release()
        if write_truth:
            save_truth(truth, staged[1])
    return truth


def truth_path_for(video: str | Path) -> Path:
    """``clip.mp4`` → ``clip.truth.json`` (same folder)."""
    video = Path(video)
    return video.with_name(video.stem + ".truth.json")
