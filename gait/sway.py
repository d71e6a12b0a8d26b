"""A hand-held camera's up-and-down sway, read off the runner's hips and taken out
(:func:`camera_sway`), for :func:`gait.analysis_prepare.prepare` in a side view.

Seen from the side, a runner's hips go up and down once a step (2.5-3.3 times a second)
about a height that holds still on a level treadmill or track.  Whatever moves the hips
more slowly than that moves the whole picture: the camera.  The contacts are found
where each foot comes down to its floor level in the picture, so a sway of a few
percent of a leg hides or invents landings; the angles are not moved by it, but the
floor line that levels them is.  Only treadmill clips are steadied: on the ground the
hips' slow height is partly the runner's own (passing the camera, uneven ground).

A camera that sways also rolls: the belt line read off steadied landmarks sloped up to
15 deg on level treadmills, so a steadied clip is not levelled by it.

Measured with ``python benchmarks/sway_sweep.py`` (21-24 random treadmill runners, 640x360,
legs about 110 px, a slow sway of 10 px SD, about 1 Hz): valid strides 414 still -> 153
swaying -> 410 steadied (seed 1; seed 2: 474 -> 201 -> 470), side metrics moved beyond
2 deg / 2 % 0 -> 101 -> 20 (84 -> 21); with 4 px of sway 414 -> 377 -> 414, 37 -> 11.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import butter, sosfiltfilt

from gait.posedata import LANDMARK_INDEX

#: Cut-off (Hz) below which the hips' height is taken as the camera's: under the hips'
#: once-a-step rise and fall (2.3-3.3 Hz at 140-200 steps/min, cut 14-57 times by the
#: zero-phase filter), which leaves a runner with uneven legs - steps that differ,
#: every other one - at most 0.96 % of a leg on a tripod (46 random runners with knee,
#: overstride and stance 5-12 units apart between the legs).  With 0.8 Hz steadied clips
#: kept more of the sway (``benchmarks/sway_sweep.py``: valid strides 364 against 410
#: at 1.2 Hz, metrics moved 33 against 20).
SWAY_CUTOFF_HZ = 1.2
#: Sway (robust SD of the hips' slow height about a straight line, leg lengths) from
#: which the picture is steadied.  Tripod side views read at most 0.7 % below 0.8 Hz
#: (the exact and noisy synthetic runners and scenes, the rendered clips, the real
#: treadmill clip) and below 1.2 Hz 0.96 % (46 random runners with uneven legs), 0.88 %
#: (the real treadmill clip) and 0.09-0.57 % (the rendered side clips): their landmarks
#: are left alone (golden outputs unchanged).
MIN_SWAY_LEG = 0.015
#: A frame-to-frame jump of the hips this large (leg lengths) is another person or a
#: lost track, not sway: the sway is measured on the longest stretch without one.
_JUMP_LEG = 0.5


@dataclass(frozen=True)
class CameraSway:
    """The camera's sway in a clip.

    Attributes
    ----------
    offset_px : ndarray of shape (n,)
        The picture's slow vertical shift per frame (pixels, image y down), about a
        straight line through it; zeros where the sway is below :data:`MIN_SWAY_LEG`.
    sd_leg : float
        Robust SD of the hips' slow height (leg lengths); NaN when it cannot be measured
        (fewer than 3 s of hips).
    steadied : bool
        The sway reached :data:`MIN_SWAY_LEG` and ``offset_px`` is to be taken out.
    """

    offset_px: np.ndarray
    sd_leg: float
    steadied: bool

    def note(self) -> str:
        """The warning for a steadied clip ('' otherwise)."""
        if not self.steadied:
            return ""
        return (
            f"the camera moves: the whole picture sways up and down by about "
            f"{100 * self.sd_leg:.0f} % of a leg (SD), more slowly than the steps; the "
            "landmarks were steadied on the runner's hips before the steps were timed, "
            "and the picture is not levelled by the belt line (a hand-held camera rolls "
            "as well); contacts and angles are surer filmed from a tripod or a propped-up "
            "phone"
        )


def camera_sway(xy: np.ndarray, fps: float, leg_px: float) -> CameraSway:
    """The picture's slow vertical sway, from the mid-hip height of ``xy``.

    Parameters
    ----------
    xy : ndarray of shape (n, 33, 2)
        Cleaned image coordinates (pixels, y down; NaN where missing).
    fps : float
        Frame rate.
    leg_px : float
        Leg length (pixels) the sway is measured in.
    """
    n = xy.shape[0]
    none = CameraSway(np.zeros(n), float("nan"), steadied=False)
    if fps <= 2 * SWAY_CUTOFF_HZ or not leg_px > 0:
        return none
    hip = 0.5 * (xy[:, LANDMARK_INDEX["left_hip"], 1] + xy[:, LANDMARK_INDEX["right_hip"], 1])
    seen = np.flatnonzero(np.isfinite(hip))
    if seen.size < 3 * fps:
        return none
    y = np.interp(np.arange(n), seen, hip[seen])
    slow = sosfiltfilt(butter(2, SWAY_CUTOFF_HZ, fs=fps, output="sos"), y)
    # the longest stretch without a jump of the hips, away from the filter's ends
    cuts = np.flatnonzero(np.abs(np.diff(y)) > _JUMP_LEG * leg_px) + 1
    bounds = np.concatenate([[0], cuts, [n]])
    k = int(np.argmax(np.diff(bounds)))
    edge = round(0.5 * fps)
    lo, hi = bounds[k] + edge, bounds[k + 1] - edge
    if hi - lo < 2 * fps:
        return none
    # a steady drift is the runner nearing or leaving the camera, or a sloping floor
    t = np.arange(n, dtype=float)
    trend = np.polyval(np.polyfit(t[lo:hi], slow[lo:hi], 1), t)
    part = slow[lo:hi] - trend[lo:hi]
    sd = float(1.4826 * np.median(np.abs(part - np.median(part))) / leg_px)
    if sd < MIN_SWAY_LEG:
        return CameraSway(np.zeros(n), sd, steadied=False)
    return CameraSway(slow - trend, sd, steadied=True)
