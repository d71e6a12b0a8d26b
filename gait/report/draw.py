"""Drawing on video frames with OpenCV: skeleton, angle arcs with their numbers, labels.

:class:`Canvas` takes points in the analysis' *levelled* landmark coordinates (see
:func:`gait.view.level_pose`) and draws them on the camera image: it rotates them back by
the camera roll and applies any crop offset and resize, so "vertical" on a drawing is
the floor's vertical.  Used by the key frames and the overlay video.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gait.posedata import LANDMARK_INDEX
from gait.view import rotate_image

#: Skeleton segments drawn (pairs of landmark names); sided ones get the side colour.
BONES: tuple[tuple[str, str], ...] = (
    ("left_shoulder", "right_shoulder"),
    ("left_hip", "right_hip"),
    *(
        pair
        for s in ("left", "right")
        for pair in (
            (f"{s}_shoulder", f"{s}_elbow"),
            (f"{s}_elbow", f"{s}_wrist"),
            (f"{s}_shoulder", f"{s}_hip"),
            (f"{s}_hip", f"{s}_knee"),
            (f"{s}_knee", f"{s}_ankle"),
            (f"{s}_ankle", f"{s}_heel"),
            (f"{s}_heel", f"{s}_foot_index"),
            (f"{s}_ankle", f"{s}_foot_index"),
        )
    ),
)
#: BGR colours: left blue, right orange (as in the plots), angles yellow, text white.
BGR = {
    "left": (180, 119, 31),
    "right": (14, 127, 255),
    "mid": (220, 220, 220),
    "angle": (0, 215, 255),
    "ref": (255, 255, 255),
}


class Canvas:
    """Draws in levelled landmark coordinates onto an image in camera coordinates.

    Parameters
    ----------
    image : ndarray of shape (H, W, 3) uint8
        BGR image, drawn on in place.
    roll_deg : float
        Camera roll the landmarks were levelled by.
    size : (int, int)
        (width, height) of the frame the landmarks refer to.
    offset : (float, float)
        Top-left corner of ``image`` in frame pixels (a crop).
    scale : float
        Image pixels per frame pixel (a resize).
    """

    def __init__(
        self,
        image: np.ndarray,
        roll_deg: float,
        size: tuple[int, int],
        *,
        offset: tuple[float, float] = (0.0, 0.0),
        scale: float = 1.0,
    ) -> None:
        import cv2

        self.cv2 = cv2
        self.image = image
        self.roll = float(roll_deg)
        self.center = (size[0] / 2.0, size[1] / 2.0)
        self.offset = np.asarray(offset, dtype=float)
        self.scale = float(scale)
        h = image.shape[0]
        self.thick = max(1, round(h / 300))
        self.placed: list[tuple[int, int, int, int]] = []
        self._banners = 0
        self.font = max(0.4, h / 900)

    def to_image(self, pts: np.ndarray) -> np.ndarray:
        """Levelled points (k, 2) -> integer image points (k, 2)."""
        p = rotate_image(np.asarray(pts, dtype=float), -self.roll, self.center)
        p = (p - self.offset) * self.scale
        return np.asarray(np.round(p), dtype=np.int32)

    def polyline(self, pts: np.ndarray, color: tuple[int, int, int], thick: int = 0) -> None:
        pts = np.asarray(pts, dtype=float)
        if not np.isfinite(pts).all():
            return
        self.cv2.polylines(
            self.image,
            [self.to_image(pts).reshape(-1, 1, 2)],
            False,
            color,
            thick or self.thick,
            self.cv2.LINE_AA,
        )

    def dot(self, pt: np.ndarray, color: tuple[int, int, int], radius: int = 0) -> None:
        if not np.isfinite(pt).all():
            return
        c = self.to_image(np.asarray(pt, dtype=float)[None])[0]
        r = radius or self.thick + 2
        self.cv2.circle(self.image, (int(c[0]), int(c[1])), r, color, -1, self.cv2.LINE_AA)

    def ring(self, pt: np.ndarray, color: tuple[int, int, int]) -> None:
        """A circle around a levelled point (an event marker)."""
        if not np.isfinite(pt).all():
            return
        c = self.to_image(np.asarray(pt, dtype=float)[None])[0]
        r = 6 * self.thick + 6
        center = (int(c[0]), int(c[1]))
        self.cv2.circle(self.image, center, r, color, self.thick + 1, self.cv2.LINE_AA)

    def banner(self, text: str, color: tuple[int, int, int]) -> None:
        """Large text centred at the bottom of the image (stacked when repeated)."""
        font = self.cv2.FONT_HERSHEY_SIMPLEX
        scale, t = 2 * self.font, 2 * self.thick
        (w, h), _ = self.cv2.getTextSize(text, font, scale, t)
        x = (self.image.shape[1] - w) // 2
        y = self.image.shape[0] - 12 - self._banners * (h + 12)
        self._banners += 1
        for col, th in (((0, 0, 0), t + 3), (color, t)):
            self.cv2.putText(self.image, text, (x, y), font, scale, col, th, self.cv2.LINE_AA)

    def label(
        self,
        pt: np.ndarray,
        text: str,
        color: tuple[int, int, int],
        *,
        levelled: bool = True,
        size: float = 1.0,
    ) -> None:
        """Text centred on a point (levelled or, if not, image coordinates), dark outline."""
        if not np.isfinite(pt).all():
            return
        if levelled:
            x, y = (int(v) for v in self.to_image(np.asarray(pt, dtype=float)[None])[0])
        else:
            x, y = int(pt[0]), int(pt[1])
        font = self.cv2.FONT_HERSHEY_SIMPLEX
        fs, th = self.font * size, max(1, round(self.thick * size))
        (w, h), _ = self.cv2.getTextSize(text, font, fs, th)
        x -= w // 2
        y += h // 2
        x = int(np.clip(x, 2, self.image.shape[1] - w - 2))
        y = int(np.clip(y, h + 2, self.image.shape[0] - 4))
        # move down (then up) in steps until clear of the labels already placed
        step = h + 4 * self.thick
        for k in (0, 1, -1, 2, -2, 3, -3):
            yk = int(np.clip(y + k * step, h + 2, self.image.shape[0] - 4))
            rect = (x - 2, yk - h - 2, x + w + 2, yk + 4)
            if not any(_overlap(rect, r) for r in self.placed):
                y = yk
                break
        self.placed.append((x - 2, y - h - 2, x + w + 2, y + 4))
        for col, t in (((0, 0, 0), th + 2), (color, th)):
            self.cv2.putText(self.image, text, (x, y), font, fs, col, t, self.cv2.LINE_AA)

    def box(self, lines: Sequence[str], *, corner: str = "top-left") -> None:
        """A translucent text box in an image corner."""
        if not lines:
            return
        cv2 = self.cv2
        font = cv2.FONT_HERSHEY_SIMPLEX
        sizes = [cv2.getTextSize(t, font, self.font, self.thick)[0] for t in lines]
        lh = max(s[1] for s in sizes) + 8 * self.thick
        w = max(s[0] for s in sizes) + 12
        h = lh * len(lines) + 8
        x0 = 6 if corner.endswith("left") else self.image.shape[1] - w - 6
        y0 = 6 if corner.startswith("top") else self.image.shape[0] - h - 6
        x0, y0 = max(x0, 0), max(y0, 0)
        roi = self.image[y0 : y0 + h, x0 : x0 + w]
        roi[:] = (roi * 0.45).astype(np.uint8)
        for i, t in enumerate(lines):
            cv2.putText(
                self.image,
                t,
                (x0 + 6, y0 + (i + 1) * lh - 2),
                font,
                self.font,
                (255, 255, 255),
                self.thick,
                cv2.LINE_AA,
            )

    def arc(
        self,
        vertex: np.ndarray,
        d1: np.ndarray,
        d2: np.ndarray,
        radius: float,
        text: str,
    ) -> None:
        """Arc from direction ``d1`` to ``d2`` about ``vertex`` (shorter way) and its number."""
        if not (np.isfinite(vertex).all() and np.isfinite(d1).all() and np.isfinite(d2).all()):
            return
        a1 = np.arctan2(d1[1], d1[0])
        diff = (np.arctan2(d2[1], d2[0]) - a1 + np.pi) % (2 * np.pi) - np.pi
        t = a1 + diff * np.linspace(0.0, 1.0, 24)
        pts = vertex + radius * np.column_stack([np.cos(t), np.sin(t)])
        self.polyline(pts, BGR["angle"], self.thick + 1)
        mid = a1 + diff / 2
        where = vertex + (radius + 8 * self.thick) * np.array([np.cos(mid), np.sin(mid)])
        self.label(where, text, BGR["angle"])


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.hypot(v[0], v[1]))
    return v / n if n > 0 else np.full(2, np.nan)


def draw_skeleton(canvas: Canvas, xy: np.ndarray) -> None:
    """The skeleton of one frame's levelled landmarks (33, 2) with side colours."""
    for a, b in BONES:
        side = a.split("_")[0] if a.split("_")[0] == b.split("_")[0] else "mid"
        pts = np.stack([xy[LANDMARK_INDEX[a]], xy[LANDMARK_INDEX[b]]])
        canvas.polyline(pts, BGR.get(side, BGR["mid"]))
    for name, i in LANDMARK_INDEX.items():
        if name.startswith(("left_", "right_")) and i >= 11:
            canvas.dot(xy[i], BGR[name.split("_")[0]], canvas.thick + 1)


def _p(xy: np.ndarray, name: str) -> np.ndarray:
    return np.asarray(xy[LANDMARK_INDEX[name]], dtype=float)


def draw_angle(
    canvas: Canvas, xy: np.ndarray, metric: str, side: str, value: float, *, view: str
) -> None:
    """Draw one measured angle (reference line, arc and number) on a frame.

    Parameters
    ----------
    canvas : Canvas
    xy : ndarray of shape (33, 2)
        Levelled landmarks of the frame.
    metric : str
        ``knee_flexion_*``, ``shank_angle_ic_deg``, ``trunk_lean_deg``,
        ``pelvic_drop_deg`` or ``knee_valgus_deg``; others are ignored.
    side : {"left", "right"}
    value : float
        The number written (the stride's measured value, in degrees).
    view : str
    """
    hip, knee, ankle = (_p(xy, f"{side}_{j}") for j in ("hip", "knee", "ankle"))
    leg = float(np.hypot(*(hip - knee))) if np.isfinite(hip - knee).all() else 40.0
    r = max(12.0, 0.35 * leg)
    short = {
        "shank_angle_ic_deg": "shin",
        "trunk_lean_deg": "trunk",
        "pelvic_drop_deg": "pelvis",
    }.get(metric, "knee")
    text = f"{short} {value:.0f} deg"
    down = np.array([0.0, 1.0])
    if metric.startswith("knee_flexion") or metric == "knee_valgus_deg":
        thigh = _unit(knee - hip)
        canvas.polyline(np.stack([knee, knee + thigh * 0.6 * leg]), BGR["ref"], 1)
        canvas.arc(knee, thigh, _unit(ankle - knee), r, text)
    elif metric == "shank_angle_ic_deg":  # at the ankle: shin vs the vertical through it
        canvas.polyline(np.stack([ankle, ankle - down * 0.9 * leg]), BGR["ref"], 1)
        canvas.arc(ankle, -down, _unit(knee - ankle), 1.4 * r, text)
    elif metric == "trunk_lean_deg":
        mh = 0.5 * (_p(xy, "left_hip") + _p(xy, "right_hip"))
        ms = 0.5 * (_p(xy, "left_shoulder") + _p(xy, "right_shoulder"))
        canvas.polyline(np.stack([mh, mh - down * 1.1 * leg]), BGR["ref"], 1)
        canvas.polyline(np.stack([mh, ms]), BGR["mid"])
        canvas.arc(mh, -down, _unit(ms - mh), 1.4 * r, text)
    elif metric == "pelvic_drop_deg":
        other = _p(xy, f"{'right' if side == 'left' else 'left'}_hip")
        d = other - hip
        horiz = np.array([np.sign(d[0]) or 1.0, 0.0])
        canvas.polyline(np.stack([hip, hip + horiz * 1.3 * abs(d[0])]), BGR["ref"], 1)
        canvas.arc(hip, horiz, _unit(d), 0.8 * abs(d[0]), text)
    _ = view
