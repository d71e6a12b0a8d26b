"""The clip's playback speed as the analysis settles it: the legs' rhythm, read before
any event, says whether the clip plays slowed down or sped up and by what factor
(:func:`legs_rhythm`); the contacts' cadence and duty factor give the verdict on a clip
that plays in real time (:func:`clip_speed_check`); stretches played at another speed
than the rest are named (:func:`speed_change_warning`).  The readings themselves are in
:mod:`gait.timing.rhythm` and :mod:`gait.timing.speed`; :func:`gait.analysis.analyze_pose`
acts on them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gait.posedata import PoseData
from gait.timing.rhythm import leg_rhythm_spm, legs_span_s
from gait.timing.speed import (
    RUNNING_CADENCE_SPM,
    SpeedChange,
    SpeedCheck,
    check_speed,
    likely_factor,
    speed_changes,
    speed_warning,
)

#: Clips shorter than this (seconds) are called too short.
MIN_DURATION_S = 2.0
#: Step rhythms (steps/min) of walking as well as of running slowed about 2x: there the
#: contacts decide (see :func:`gait.analysis.analyze_pose`); below, no real-time gait is that slow.
WALKING_RHYTHM_SPM = (65.0, 125.0)
#: Fewest of the legs' rhythm's power in its peak for a verdict on the clip's speed
#: (:func:`gait.timing.leg_rhythm_spm`: 0.77-0.97 on the real and rendered running
#: clips, 0.2 on the real walking clip).
MIN_RHYTHM_SHARE = 0.5


def off_speed_rhythm(
    rhythm: tuple[float, float] | None, fps: float, duration: float, span_s: float
) -> float:
    """The slow-motion factor the legs' rhythm points to; 1.0 when it is that of
    running in real time, unclear (``share`` under :data:`MIN_RHYTHM_SHARE`) or the
    clip is too short.

    ``span_s`` is how long both ankles were seen (:func:`gait.timing.legs_span_s`):
    :func:`gait.timing.leg_rhythm_spm` searches only rhythms with 3 strides in it, and
    when even its slowest one is too fast for running every read is - no verdict then
    (a runner crossing the picture of an exact synthetic overground clip in 1.4 s read
    270 steps/min, the lowest the search allowed, and the clip was called sped up 2x)."""
    if rhythm is None or duration < MIN_DURATION_S:
        return 1.0
    if span_s <= 0 or 360.0 / span_s > RUNNING_CADENCE_SPM[1]:
        return 1.0
    cadence, share = rhythm
    lo, hi = RUNNING_CADENCE_SPM
    if not np.isfinite(cadence) or share < MIN_RHYTHM_SHARE or lo <= cadence <= hi:
        return 1.0
    return likely_factor(cadence, fps)


#: Fewest of the legs' rhythm's power in its peak for looking for stretches played at
#: another speed (a clip half real time, half slowed 2x: 0.43-0.44).
MIN_CHANGE_SHARE = 0.3
#: Strides of running a clip must show besides its stretches at another speed for the
#: running part to be its main one (:func:`real_time_cadence`).
MIN_REAL_TIME_STRIDES = 3.0
OTHER_SPEED_REASON = "the clip plays at another speed here (see the warnings): not used"


def real_time_cadence(cadence: float, xy: np.ndarray, time_s: np.ndarray) -> float:
    """The clip's main rhythm ``cadence`` (steps/min), or - when it is not a running
    cadence and a stretch played at another speed (:func:`gait.timing.speed_changes` of
    ``xy``) has one - the longest such stretch's: of a clip partly slowed down, the part
    at a running cadence is the main one.  A running cadence needs no search.

    A stretch shorter than a window of four strides of the main rhythm is not found
    against it: a clip 4 s in real time and then 4 s slowed 2x (8 s on screen) has its
    running part shorter than four of the slowed strides, and it read as slowed 2x all
    through; re-run as advised with ``--slowmo 2``, as sped up 2x.  So the running
    cadence the main rhythm would have in real time (:func:`likely_factor`) is tried as
    the main one too: it is, when against it the main rhythm's stretches leave at least
    :data:`MIN_REAL_TIME_STRIDES` of its strides of the clip uncovered."""
    lo, hi = RUNNING_CADENCE_SPM
    if lo <= cadence <= hi:
        return cadence
    changes = speed_changes(xy, time_s, 120.0 / cadence)
    fits = [c for c in changes if lo <= cadence / c.factor <= hi]
    if fits:
        return cadence / max(fits, key=lambda c: c.end_s - c.start_s).factor
    running = cadence * likely_factor(cadence)
    if not lo <= running <= hi or time_s.size < 2:
        return cadence
    stride_s = 120.0 / running
    changes = speed_changes(xy, time_s, stride_s)
    covered = sum(c.end_s - c.start_s for c in changes)
    rest = float(time_s[-1] - time_s[0]) - covered
    if changes and rest >= MIN_REAL_TIME_STRIDES * stride_s:
        return running
    return cadence


def speed_change_warning(changes: list[SpeedChange], clock: float) -> str:
    """The warning for stretches played at another speed; ``clock`` turns the analysed
    clock's times into the clip's."""
    parts = ", ".join(
        f"{c.start_s * clock:.1f}-{c.end_s * clock:.1f} s plays about "
        + (f"{c.factor:g}x slower" if c.factor > 1 else f"{1 / c.factor:g}x faster")
        for c in changes
    )
    return (
        f"the playback speed changes partway: {parts} than the rest of the clip (its legs' "
        "rhythm); the strides there are not used - cut the clip where the speed changes and "
        "analyse each part on its own, with --slowmo for a slowed part"
    )


def legs_rhythm(
    pose: PoseData, work: PoseData, raw_xy: np.ndarray, duration: float
) -> tuple[float, float, float]:
    """(stride time of the clip's main playback speed in seconds - NaN when the legs'
    rhythm is unclear -, the legs' cadence in steps/min of real time, the factor the clip
    looks slowed down by: 1 when it plays in real time; see :func:`gait.analysis.analyze_pose`)."""
    main_stride_s = float("nan")  # for stretches played at another speed
    # on the cleaned landmarks (leg swaps repaired) and, as cleaning works in seconds too
    # and can garble a clip sped up 3x, on the landmarks as they came
    reads = [leg_rhythm_spm(xy, pose.time_s) for xy in (raw_xy, work.image_px[..., :2])]
    legs = max((r for r in reads if r is not None), key=lambda r: r[1], default=None)
    if legs is not None and legs[1] >= MIN_CHANGE_SHARE:
        legs = (real_time_cadence(legs[0], raw_xy, pose.time_s), legs[1])
        main_stride_s = 120.0 / legs[0]
    factor = off_speed_rhythm(legs, pose.fps, duration, legs_span_s(raw_xy, pose.time_s))
    return main_stride_s, float("nan") if legs is None else legs[0], factor


def clip_speed_check(
    events: pd.DataFrame,
    fps: float,
    duration: float,
    retimed: tuple[float, float] | None,
    other_speed: np.ndarray | None = None,
) -> tuple[SpeedCheck, bool, bool]:
    """(the clip's playback-speed check, whether it looks slowed or sped up, whether it is
    too short to judge): from the contacts' cadence and duty factor
    (:func:`gait.timing.check_speed`; those in the frames ``other_speed``, stretches
    played at another speed, left out), or - on a clip already retimed by the legs'
    rhythm - that rhythm's verdict with the clip's own cadence."""
    speed = check_speed(events, fps=fps, other_speed=other_speed)
    if retimed is not None:  # the rhythm's verdict, the clip's own cadence
        factor, clip_cadence = retimed
        warning = speed_warning(clip_cadence, factor, measured_as_if=True)
        speed = SpeedCheck(clip_cadence, speed.duty_factor, factor, False, warning)
    too_short = 0 < duration < MIN_DURATION_S  # too few steps to judge the speed either
    off_speed = not speed.plausible and bool(speed.warning) and not too_short
    return speed, off_speed, too_short
