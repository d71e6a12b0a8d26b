"""The angle kernels, vectorised over ``(k, 2)`` point arrays, and the oriented
coordinates the side-view kernels work in (``u`` forward along the direction of travel,
``v`` up: a clip and its mirror image give the same numbers).  Angles in degrees."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gait.posedata import point as _pt


def _deg(rad: np.ndarray) -> np.ndarray:
    return np.asarray(np.degrees(rad))


def inclination_up_deg(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Inclination of the segment lower -> upper from vertical, forward positive.

    Parameters
    ----------
    lower, upper : ndarray of shape (k, 2)
        Oriented coordinates (u forward, v up).

    Returns
    -------
    ndarray of shape (k,)
        ``atan2(du, dv)`` in degrees.
    """
    d = upper - lower
    return _deg(np.arctan2(d[:, 0], d[:, 1]))


def inclination_down_deg(upper: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """Inclination of the segment upper -> lower from the downward vertical, forward positive.

    ``atan2(du, -dv)`` in degrees, for (k, 2) oriented coordinates: 0 when ``lower`` is
    straight below ``upper``, positive when it is ahead.
    """
    d = lower - upper
    return _deg(np.arctan2(d[:, 0], -d[:, 1]))


def knee_flexion_deg(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray) -> np.ndarray:
    """Sagittal knee flexion: thigh inclination minus shank inclination.

    Equals ``180 - angle(hip, knee, ankle)`` for a flexed knee and is negative for
    hyperextension.  Inputs (k, 2) in oriented coordinates; output (k,) degrees.
    """
    return _wrap(inclination_down_deg(hip, knee) - inclination_down_deg(knee, ankle))


def foot_angle_deg(heel: np.ndarray, toe: np.ndarray) -> np.ndarray:
    """Angle of the sole line heel -> toe to the horizontal, toe up positive (degrees)."""
    d = toe - heel
    return _deg(np.arctan2(d[:, 1], d[:, 0]))


def ankle_dorsiflexion_deg(
    knee: np.ndarray, ankle: np.ndarray, heel: np.ndarray, toe: np.ndarray
) -> np.ndarray:
    """Ankle dorsiflexion: ``angle(knee->ankle, heel->toe) - 90``, signed.

    Computed as foot angle minus shank inclination, which is the same number with a sign:
    0 for a vertical shank on a flat foot, positive when the knee is ahead of the ankle
    or the toe is up.  Inputs (k, 2) oriented coordinates; output (k,) degrees.
    """
    return _wrap(foot_angle_deg(heel, toe) - inclination_down_deg(knee, ankle))


def _wrap(deg: np.ndarray) -> np.ndarray:
    return np.asarray((deg + 180.0) % 360.0 - 180.0)


def frontal_knee_angle_deg(
    hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray, medial_sign: np.ndarray
) -> np.ndarray:
    """Knee frontal-plane projection angle, valgus (knee medial) positive.

    Thigh and shank inclinations from the downward vertical, ``a = atan2(dx, dy)`` in image
    coordinates; FPPA = ``(a_thigh - a_shank) * medial_sign`` where ``medial_sign`` (k,)
    is +1 when medial is image +x for that leg.
    """
    t = knee - hip
    s = ankle - knee
    a_t = np.arctan2(t[:, 0], t[:, 1])
    a_s = np.arctan2(s[:, 0], s[:, 1])
    return _wrap(_deg(a_t - a_s) * medial_sign)


def pelvic_drop_deg(stance_hip: np.ndarray, swing_hip: np.ndarray) -> np.ndarray:
    """Tilt of the hip line from horizontal, positive when the swing-side hip is lower.

    ``atan2(y_swing - y_stance, |x_swing - x_stance|)`` in image coordinates (y down).
    """
    d = swing_hip - stance_hip
    return _deg(np.arctan2(d[:, 1], np.abs(d[:, 0])))


def _mid(xy: np.ndarray, a: str, b: str) -> np.ndarray:
    return 0.5 * (_pt(xy, a) + _pt(xy, b))


def _oriented(
    xy: np.ndarray, direction: np.ndarray | float, landmarks: Sequence[int] | None = None
) -> np.ndarray:
    """Image coordinates (n, L, 2) -> oriented (u forward, v up), per frame: shape (n,
    len(landmarks), 2) (all landmarks by default) of the dtype of ``xy``, laid out
    landmark-major.

    One pass per landmark and coordinate writes contiguous memory (no gathered copy of
    ``xy[:, landmarks]`` first).
    """
    n = xy.shape[0]
    d = np.broadcast_to(np.asarray(direction, dtype=float), (n,))
    lms = range(xy.shape[1]) if landmarks is None else landmarks
    buf = np.empty((len(lms), 2, n), dtype=xy.dtype)
    for j, i in enumerate(lms):
        np.multiply(xy[:, i, 0], d, out=buf[j, 0])
        np.negative(xy[:, i, 1], out=buf[j, 1])
    return np.moveaxis(buf, -1, 0)
