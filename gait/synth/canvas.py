"""Drawing primitives of the synthetic runner's renderer: sub-pixel, anti-aliased shapes.

Everything is drawn on a supersampled image (:data:`SS` times the clip's size; the
renderer shrinks each frame afterwards) in OpenCV's fixed-point coordinates: filled
circles, convex polygons and hulls, capsules (a limb seen from the side) and shaded
capsules (outline, base colour, a highlight and a shadow).

OpenCV is imported when a :class:`Canvas` is made, so importing this module stays cheap.
"""

from __future__ import annotations

import numpy as np

Color = tuple[int, int, int]  # BGR

#: Supersampling factor: frames are drawn this many times larger, then shrunk.
SS = 2
_SHIFT = 4  # fixed-point bits for sub-pixel drawing


def shade(c: Color, f: float) -> Color:
    """Darken (f < 1) or lighten towards white (f > 1) a colour."""
    if f <= 1:
        return (int(c[0] * f), int(c[1] * f), int(c[2] * f))
    k = f - 1
    return (
        int(c[0] + (255 - c[0]) * k),
        int(c[1] + (255 - c[1]) * k),
        int(c[2] + (255 - c[2]) * k),
    )


class Canvas:
    """Sub-pixel, anti-aliased drawing of the primitives the figure is made of."""

    def __init__(self, img: np.ndarray) -> None:
        import cv2

        self.cv2 = cv2
        self.img = img
        self.k = float(1 << _SHIFT)

    def _pt(self, p: np.ndarray) -> tuple[int, int]:
        return (round(p[0] * self.k), round(p[1] * self.k))

    def circle(self, c: np.ndarray, r: float, color: Color) -> None:
        self.cv2.circle(
            self.img, self._pt(c), max(round(r * self.k), 1), color, -1, self.cv2.LINE_AA, _SHIFT
        )

    def poly(self, pts: np.ndarray, color: Color) -> None:
        p = np.round(np.asarray(pts) * self.k).astype(np.int32)
        self.cv2.fillConvexPoly(self.img, p, color, self.cv2.LINE_AA, _SHIFT)

    def hull(self, pts: np.ndarray, color: Color) -> None:
        hull = self.cv2.convexHull(np.asarray(pts, dtype=np.float32))[:, 0, :]
        self.poly(hull, color)

    def capsule(self, a: np.ndarray, b: np.ndarray, ra: float, rb: float, color: Color) -> None:
        d = b - a
        n = np.array([-d[1], d[0]]) / max(float(np.hypot(*d)), 1e-6)
        self.poly(np.array([a + n * ra, b + n * rb, b - n * rb, a - n * ra]), color)
        self.circle(a, ra, color)
        self.circle(b, rb, color)

    def shaded_capsule(
        self, a: np.ndarray, b: np.ndarray, ra: float, rb: float, color: Color
    ) -> None:
        """Outline, base colour and a highlight towards the upper left."""
        self.capsule(a, b, ra + 1.2 * SS, rb + 1.2 * SS, shade(color, 0.45))
        self.capsule(a, b, ra, rb, color)
        d = b - a
        n = np.array([-d[1], d[0]]) / max(float(np.hypot(*d)), 1e-6)
        if n[0] + n[1] > 0:  # light comes from the upper left
            n = -n
        self.capsule(a + n * 0.35 * ra, b + n * 0.35 * rb, 0.4 * ra, 0.4 * rb, shade(color, 1.25))
        self.capsule(a - n * 0.55 * ra, b - n * 0.55 * rb, 0.3 * ra, 0.3 * rb, shade(color, 0.8))
