"""Geometry of the synthetic runner: body proportions, rotations, curves, two-link IK.

Frame of reference (metres): x forward, y to the runner's left, z up (see
:mod:`gait.synth.kinematics`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SIGN: dict[str, float] = {"left": 1.0, "right": -1.0}  # +y is the runner's left


@dataclass(frozen=True)
class Body:
    """Segment lengths in metres, scaled from standing height (Winter's proportions)."""

    height_m: float

    @property
    def thigh_m(self) -> float:
        return 0.245 * self.height_m

    @property
    def shank_m(self) -> float:
        return 0.246 * self.height_m

    @property
    def leg_length_m(self) -> float:
        """Hip → ankle distance standing (the normaliser of every ``*_pct_leg``)."""
        return self.thigh_m + self.shank_m

    @property
    def ankle_height_m(self) -> float:
        return 0.039 * self.height_m

    @property
    def foot_length_m(self) -> float:
        return 0.152 * self.height_m

    @property
    def hip_width_m(self) -> float:
        return 0.11 * self.height_m

    @property
    def trunk_m(self) -> float:
        return 0.29 * self.height_m

    @property
    def shoulder_width_m(self) -> float:
        return 0.2 * self.height_m

    @property
    def upper_arm_m(self) -> float:
        return 0.172 * self.height_m

    @property
    def forearm_m(self) -> float:
        return 0.146 * self.height_m

    @property
    def neck_m(self) -> float:
        """Mid-shoulder → head centre (between the ears)."""
        return 0.115 * self.height_m

    @property
    def head_radius_m(self) -> float:
        return 0.062 * self.height_m

    def foot_points(self) -> dict[str, np.ndarray]:
        """Foot-local (x forward, z up) points, origin on the sole below the ankle, (2,)."""
        fl, ha = self.foot_length_m, self.ankle_height_m
        return {
            "ankle": np.array([0.0, ha]),
            "heel": np.array([-0.22 * fl, 0.3 * ha]),
            "toe": np.array([0.72 * fl, 0.3 * ha]),
            "heel_pivot": np.array([-0.22 * fl, 0.0]),
            "ball_pivot": np.array([0.72 * fl, 0.0]),  # toe tip: the toes stay down
        }


def rot2(theta: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Rotate 2-D (x, z) vectors ``v`` (..., 2) by ``theta`` (...,) radians, toe-up +."""
    c, s = np.cos(theta), np.sin(theta)
    return np.stack([c * v[..., 0] - s * v[..., 1], s * v[..., 0] + c * v[..., 1]], axis=-1)


def hermite(w: np.ndarray, p0: float, m0: float, p1: float, m1: float) -> np.ndarray:
    """Cubic Hermite on w in [0, 1]; ``m0``/``m1`` are slopes per unit w."""
    w2, w3 = w * w, w * w * w
    return (
        (2 * w3 - 3 * w2 + 1) * p0
        + (w3 - 2 * w2 + w) * m0
        + (-2 * w3 + 3 * w2) * p1
        + (w3 - w2) * m1
    )


def bump(w: np.ndarray, peak: float) -> np.ndarray:
    """Smooth bump on [0, 1], 0 with zero slope at both ends, 1 at ``peak``."""
    a = 2.0
    b = a * (1 - peak) / peak
    w = np.clip(w, 0.0, 1.0)
    return np.asarray((w**a * (1 - w) ** b) / (peak**a * (1 - peak) ** b))


def rot_x(a: np.ndarray) -> np.ndarray:
    """(n, 3, 3) rotations about x by angles ``a`` (n,) radians."""
    c, s, o, z = np.cos(a), np.sin(a), np.ones_like(a), np.zeros_like(a)
    return np.stack([o, z, z, z, c, -s, z, s, c], axis=-1).reshape(*a.shape, 3, 3)


def rot_y(a: np.ndarray) -> np.ndarray:
    """(n, 3, 3) rotations about y by ``a`` radians (positive tips +z towards +x)."""
    c, s, o, z = np.cos(a), np.sin(a), np.ones_like(a), np.zeros_like(a)
    return np.stack([c, z, s, z, o, z, -s, z, c], axis=-1).reshape(*a.shape, 3, 3)


def rot_z(a: np.ndarray) -> np.ndarray:
    """(n, 3, 3) rotations about z by ``a`` radians."""
    c, s, o, z = np.cos(a), np.sin(a), np.ones_like(a), np.zeros_like(a)
    return np.stack([c, -s, z, s, c, z, z, z, o], axis=-1).reshape(*a.shape, 3, 3)


def knee_ik(
    hip: np.ndarray, ankle: np.ndarray, alpha: np.ndarray, side: str, body: Body
) -> np.ndarray:
    """Knee position (n, 3) from hip and ankle (n, 3) by two-link inverse kinematics.

    The knee lies ``thigh_m`` from the hip and ``shank_m`` from the ankle, in front of the
    hip–ankle axis, swivelled medially by ``alpha`` (n,) radians about that axis.
    """
    l1, l2 = body.thigh_m, body.shank_m
    axis = ankle - hip
    d = np.linalg.norm(axis, axis=-1)
    d = np.clip(d, abs(l1 - l2) + 1e-6, l1 + l2)
    e = axis / d[:, None]
    p = (l1**2 - l2**2 + d**2) / (2 * d)
    r = np.sqrt(np.clip(l1**2 - p**2, 0.0, None))
    fwd = np.array([1.0, 0.0, 0.0]) - e[:, :1] * e
    fwd /= np.linalg.norm(fwd, axis=-1, keepdims=True)
    # e points down and fwd forward, so e x fwd points to -y (the runner's right):
    # medial for the left leg, lateral for the right leg.
    med = np.cross(e, fwd) * SIGN[side]
    offset = np.cos(alpha)[:, None] * fwd + np.sin(alpha)[:, None] * med
    return np.asarray(hip + p[:, None] * e + r[:, None] * offset)


def frontal_knee_angle(
    hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray, side: str
) -> np.ndarray:
    """Knee frontal-plane projection angle (n,) degrees, valgus (knee medial) positive.

    Projects onto the body's frontal plane (y, z) and measures the signed angle between the
    thigh (hip → knee) and the shank (knee → ankle).
    """
    th = knee[:, 1:] - hip[:, 1:]
    sh = ankle[:, 1:] - knee[:, 1:]
    cross = th[:, 0] * sh[:, 1] - th[:, 1] * sh[:, 0]
    dot = (th * sh).sum(axis=-1)
    return np.asarray(SIGN[side] * np.degrees(np.arctan2(cross, dot)))
