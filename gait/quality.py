"""What a result says about its clip's data: the warnings of poor or unsuitable footage
(:func:`data_warnings`: no pose, too short, several people, feet out of the picture, too
few valid steps and why, a low frame rate) and the note on a runner who lands flat
(:func:`flat_landing_warning`).  Poor data is reported, never hidden: each warning says
what was wrong and what to do."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gait.events import CLIP_END_REASON, CLIP_START_REASON, leg_length_px, reason_counts
from gait.posedata import LANDMARK_INDEX, PoseData
from gait.result import AnalysisResult
from gait.summary import MIN_STEPS
from gait.timing.playback import MIN_DURATION_S
from gait.view import ViewInfo

#: Added when most steps of a front view on a treadmill were rejected.  From the front the
#: stance foot slides away up the picture on the belt, which its height above the floor
#: cannot tell from a lift-off: an exact synthetic runner filmed 4 m away from 1.5 m up had
#: no valid step (toe-offs 13 frames early at 60 fps), and the default runner rendered
#: from the front and read by MediaPipe 6 and 3 of 16 at 30 and 60 fps (the same runner
#: rendered from behind: 15 of 17 at both).
FRONT_TREADMILL_ADVICE = (
    "; from the front on a treadmill the foot slides away up the picture and its contacts "
    "are hard to time: film from behind for pelvic drop, knee valgus and step width"
)

#: Share of the frames with a pose on which a foot may lie below the picture before the
#: clip is said to cut the feet off (a few frames of a foot at the edge are harmless).
FEET_BELOW_SHARE = 0.05

_FOOT_POINTS = [
    LANDMARK_INDEX[f"{side}_{part}"]
    for side in ("left", "right")
    for part in ("ankle", "heel", "foot_index")
]


#: Ratio of the runner's larger to smaller size in the picture (leg length, 90th to 10th
#: percentile over the frames: :func:`leg_size_px`) from which a clip with too few steps
#: is said to run towards or away from the camera.  The real rear clip's runner recedes
#: from a 233-px to a 96-px leg (ratio 2.4); four of its five contacts come while the leg
#: measures 147 px or more, none between frames 68 and 100 (leg 147 -> 90 px).  The other
#: real clips' ratios are 1.02-1.16.
SIZE_CHANGE_RATIO = 2.0


def leg_size_px(pose: PoseData) -> tuple[float, float] | None:
    """(larger, smaller) size of the runner in the picture: the 90th and 10th percentiles
    over the frames of its leg length (:func:`gait.events.leg_length_px` as a frontal view
    takes it - the longer leg, a high rolling percentile - which holds whichever way the
    runner faces); None with fewer than 10 frames to judge by."""
    if pose.frames_with_pose < 10:
        return None
    leg = leg_length_px(pose.image_px[:, :, :2], pose.fps, percentile=90.0, legs="longer")
    leg = leg[np.isfinite(leg)]
    if leg.size == 0:
        return None
    return float(np.percentile(leg, 90)), float(np.percentile(leg, 10))


def feet_below_picture(pose: PoseData) -> float:
    """Share of the frames with a pose on which an ankle, heel or toe point lies below the
    bottom edge of the picture (the pose model places it there, with a low visibility,
    which the cleaning then drops: a camera too close or aimed too high)."""
    y = pose.image_px[:, _FOOT_POINTS, 1]
    seen = np.isfinite(y).any(axis=1)
    if not seen.any():
        return 0.0
    below = (np.nan_to_num(y, nan=-np.inf) >= pose.height).any(axis=1)
    return float(below[seen].mean())


def data_warnings(
    pose: PoseData,
    events: pd.DataFrame,
    strides: pd.DataFrame,
    switches: np.ndarray,
    view: ViewInfo,
) -> list[str]:
    """The warnings about the clip's data, in the order a user should read them: no pose,
    too short, the pose jumping to another person (``switches``, frame indices), a pose
    on few frames, no contact, feet below the picture, too few valid steps (and the
    commonest reason the steps found were rejected), a low frame rate."""
    out: list[str] = []
    if pose.n_frames == 0 or pose.frames_with_pose == 0:
        return ["no pose was found in any frame: nothing can be measured"]
    duration = pose.n_frames / pose.fps
    if duration < MIN_DURATION_S:
        out.append(
            f"the clip is too short: it lasts {duration:.1f} s; film at least 5 s of steady "
            "running (7 or more steps) for stable values"
        )
    if switches.size:
        times = ", ".join(f"{pose.time_s[i]:.1f} s" for i in switches[:5])
        out.append(
            f"the pose jumps to another person {switches.size} time(s) (at {times}): more "
            "than one person is in the picture; film the runner alone"
        )
    if pose.frames_with_pose < 0.8 * pose.n_frames:
        out.append(f"a pose was found on only {pose.frames_with_pose} of {pose.n_frames} frames")
    if events.empty:
        out.append("no foot contacts were found: is the runner's whole body in the frame?")
        return out
    below = feet_below_picture(pose)
    if below >= FEET_BELOW_SHARE:
        out.append(
            f"the feet are below the bottom of the picture on {below:.0%} of the frames: "
            "steps there cannot be timed; move the camera back or aim it lower so the "
            "whole runner stays in view"
        )
    n_valid = int(strides["valid"].sum()) if len(strides) else 0
    if n_valid < MIN_STEPS:
        have = (
            "no valid steps" if n_valid == 0 else f"only {n_valid} valid step" + "s" * (n_valid > 1)
        )
        edge = strides["reason"].isin((CLIP_START_REASON, CLIP_END_REASON)).to_numpy()
        found = int(len(strides) - edge.sum())
        if found >= MIN_STEPS:  # the clip is long enough: its steps were rejected
            rejected = ~edge & ~strides["valid"].to_numpy(bool)
            top, count = reason_counts(strides.loc[rejected, "reason"])[0]
            why = (
                f"{found - n_valid} of the {found} steps found were rejected, {count} of "
                f"them as '{top}'"
            )
            if view.kind == "front" and view.setting == "treadmill":
                why += FRONT_TREADMILL_ADVICE
            elif (receding := _size_change_advice(pose)) is not None:
                why += "; " + receding
        else:
            why = _size_change_advice(pose) or "film a longer clip"
        out.append(
            f"{have} (at least {MIN_STEPS} are needed for stable values; Dingenen 2018): {why}"
        )
    if pose.fps < 50:
        # side view: the angles and overstride at contact change by about one to nine
        # times their smallest meaningful change per frame at 30 fps (MetricSpec.instant)
        angles = (
            ", and the angles and overstride at contact can move by several degrees (or % of "
            "leg length) from one frame to the next"
            if view.kind == "side"
            else ""
        )
        out.append(
            f"at {pose.fps:.0f} fps one frame is {1000 / pose.fps:.0f} ms: contact times carry "
            f"that uncertainty{angles}; 60 fps or more is recommended"
        )
    return out


def _size_change_advice(pose: PoseData) -> str | None:
    """What to do about a clip with too few valid steps whose runner's size in the picture
    changes a lot: keep them large in it (None when it hardly changes).  Said whether the
    steps were too few or rejected: the real rear clip's receding runner has 5 steps,
    or 8 once its landmarks are low-passed, 7 of them rejected."""
    size = leg_size_px(pose)
    if size is None or size[0] < SIZE_CHANGE_RATIO * size[1]:
        return None
    return (
        f"the runner's leg measures {size[0]:.0f} to {size[1]:.0f} px in the picture (running "
        "towards or away from the camera), and steps are found only while it is large: film "
        "on a treadmill or from the side, or follow the runner"
    )


def flat_landing_warning(result: AnalysisResult) -> list[str]:
    """:data:`FLAT_LANDING_WARNING` for a side view whose runner lands flat or on the
    forefoot - only where the foot strike is reported (not of a walking clip's odd
    stride)."""
    flat = result.strike_pattern in ("midfoot", "forefoot")
    if result.view.kind != "side" or not flat:
        return []
    if not np.isfinite(result.metric("foot_strike_angle_deg")):
        return []
    patterns = result.strike_patterns
    return [
        FLAT_LANDING_WARNING.format(
            lands="lands" if len(patterns) == 1 else "may land",
            pattern=" or ".join(patterns),
        )
    ]


#: Said of a side-view clip whose runner lands flat or on the forefoot.  Motion capture
#: (Dorn et al. 2012; ``tests/test_mocap.py``): the forefoot lands within 2 ms of the
#: force plate's contact and the heel 15-19 ms later; the contact envelope follows the
#: heel, so the contact is timed at the heel's landing.  At the detected contacts, on
#: the two strides with plate events at 250 / 50 / 31 Hz: knee flexion 22-25 deg against
#: 13-15 at the plate's contact, shank angle -8..-3 against +3, overstride 1-5 % leg
#: against 10, contact time 213-231 ms against 238-243.
FLAT_LANDING_WARNING = (
    "the foot {lands} flat or on the forefoot ({pattern} strike): contacts may be timed "
    "when the heel comes down rather than at the first touch - on motion capture of such "
    "a runner that was 15-20 ms late, and knee flexion at contact read about 10 deg high, "
    "shank angle and overstride low (by about 10 deg and 7 % of leg length) and contact "
    "time 15-25 ms short; read those with care"
)
