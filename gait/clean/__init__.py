"""Cleaning landmark tracks before any event or angle is computed.

The stages, in the order :func:`clean_pose` runs them (METRICS.md §4):

1. :func:`gate_visibility` - low-confidence points become missing (NaN, never 0);
2. :func:`repair_leg_swaps` - left/right leg label swaps are undone;
3. :func:`hampel` - isolated outliers become missing;
4. :func:`interpolate_gaps` - gaps up to ``max_gap_s`` are filled linearly;
5. :func:`lowpass` - zero-lag 4th-order Butterworth (``butter`` + ``filtfilt``) per
   contiguous non-NaN segment, the cut-off kept below Nyquist.

Every function is pure and vectorised over frames; options are keyword-only and carry
their unit in their name.  :func:`clean_pose` records its settings and what it changed
under ``settings["cleaning"]`` of the returned :class:`~gait.posedata.PoseData`.

The modules: :mod:`~gait.clean.swaps` (leg swaps), :mod:`~gait.clean.filters`
(outliers, gaps, the low-pass and its cut-off), :mod:`~gait.clean.pipeline` (the stages
in order, the core landmarks, what was filled in).
"""

from gait.clean.filters import (
    MAX_CUTOFF_FRACTION,
    MIN_JITTER_LEG_S,
    effective_cutoff_hz,
    hampel,
    interpolate_gaps,
    jitter_leg_s,
    lowpass,
    noise_px,
    residual_cutoff_hz,
)
from gait.clean.pipeline import (
    CORE_LANDMARKS,
    clean_pose,
    filter_pose,
    gate_visibility,
    interpolated_mask,
    leg_scale_px,
)
from gait.clean.swaps import find_leg_swaps, repair_leg_swaps

__all__ = [
    "CORE_LANDMARKS",
    "MAX_CUTOFF_FRACTION",
    "MIN_JITTER_LEG_S",
    "clean_pose",
    "effective_cutoff_hz",
    "filter_pose",
    "find_leg_swaps",
    "gate_visibility",
    "hampel",
    "interpolate_gaps",
    "interpolated_mask",
    "jitter_leg_s",
    "leg_scale_px",
    "lowpass",
    "noise_px",
    "repair_leg_swaps",
    "residual_cutoff_hz",
]
