"""The clip's events as the analysis detects them (:func:`clip_events`): the view's rules
for :func:`gait.events.detect_events` - where the contacts are found and timed, how fast
the feet's floor levels follow, which landing, toe-off and midstance rules apply seen
from the side, from behind or in front, on a treadmill or on the ground - and, from
behind, the lower-foot rule's events (:func:`gait.events.frontal_events`) where the feet
hardly rise in swing and that rule finds more valid strides.
:func:`gait.analysis.analyze_pose` calls it between the view and the strides."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from gait.analysis_prepare import Prepared
from gait.clean import effective_cutoff_hz, interpolated_mask, lowpass
from gait.events import (
    contact_envelope,
    detect_events,
    frontal_events,
    strides_from_events,
)
from gait.posedata import PoseData
from gait.timing import RepeatReport
from gait.view import rotate_image


def clip_events(
    pose: PoseData,
    prep: Prepared,
    repeats: RepeatReport,
    *,
    midstance: Literal["middle", "pelvis", "knee"] | None,
    contact_cutoff_hz: float | None,
) -> pd.DataFrame:
    """The clip's events with the view's rules (:func:`gait.events.detect_events`) on the
    prepared landmarks ``prep``, and from behind the lower-foot rule's where that one
    serves better (see :func:`gait.events.frontal_events`)."""
    level, info, ev_xy, raw_xy = prep.level, prep.info, prep.ev_xy, prep.raw_xy
    leg, turn = prep.leg, prep.turn
    side_view = info.kind == "side"
    centre = (pose.width / 2, pose.height / 2)
    feet_xy = ev_xy if turn == 0 else rotate_image(ev_xy, turn, centre)
    # Seen from behind or in front, a runner on the ground recedes or approaches: every
    # contact lands at another image height, and the feet's floor levels must follow
    # within about a stride (FRONTAL_OVERGROUND_FLOOR_S); elsewhere they hold still.
    frontal_overground = not side_view and info.setting == "overground"
    floor_s = FRONTAL_OVERGROUND_FLOOR_S if frontal_overground else 2.0
    envelope, refine_xy = None, None  # contacts found and timed on the event landmarks
    if contact_cutoff_hz is not None:
        cut = effective_cutoff_hz(contact_cutoff_hz, pose.fps)
        raw_feet = raw_xy if turn == 0 else rotate_image(raw_xy, turn, centre)
        smooth = lowpass(raw_feet, pose.fps, cutoff_hz=cut)
        envelope = contact_envelope(smooth, pose.fps, leg_length=leg, floor_window_s=floor_s)
        refine_xy = feet_xy
    filled = interpolated_mask(level)
    if repeats.factor >= 2:
        # every frame shown k times: the copies were filled in, but they are no gap - the
        # clip's motion is sampled at 1/k of its frame rate throughout (a filled gap of
        # two frames or more voids the events next to it: a clip with each frame shown
        # 3 or 4 times had no valid step)
        filled = filled & ~repeats.repeated[:, None, None]
    frontal = info.kind in FRONTAL_EVENT_VIEWS
    if frontal and envelope is None:  # also needed below to judge the feet's rise
        envelope = contact_envelope(ev_xy, pose.fps, leg_length=leg, floor_window_s=floor_s)
    events = detect_events(
        feet_xy,
        pose.time_s,
        pose.fps,
        envelope=envelope,
        refine_xy=refine_xy,
        leg_length=leg,
        midstance=midstance or ("middle" if side_view else "pelvis"),
        toe_off="knee" if side_view else "height",
        refine_ic=True,
        ic_forward_stop_s=0.1 if side_view else 0.0,
        stance_level_sds=2.0 if side_view else 0.0,
        ic_min_low_frames=3 if side_view else 1,
        ic_after_level=side_view,  # from behind, the sliding stance foot nears its level late
        refine_to=not side_view,
        curved_to=level.settings["event_cutoff_hz"] is None,  # kinks not rounded off
        curved_ic=level.settings["event_cutoff_hz"] is None,
        # On a treadmill seen from behind the stance foot slides towards the camera (it
        # reaches its lowest image point at toe-off, so look back for the landing); seen
        # from the front it slides away (extend each contact along that drift).
        ic_lookback_s=0.15 if info.kind == "rear" and info.setting == "treadmill" else 0.0,
        follow_drift=info.kind == "front" and info.setting == "treadmill",
        frame_index=pose.frame_index,
        filled=filled,  # events timed on gap-filled samples: invalid
        floor_window_s=floor_s,
        ms_chord=frontal_overground,
        anchor_landings=frontal_overground,
    )
    if frontal:
        # Second opinion from behind: which foot is lower in the image.  Where the feet
        # clearly rise in swing, their landing and lift-off are timed directly (the
        # foot-height rule); the lower-foot rule is a proxy that comes early by design -
        # with a flight phase the trailing foot rises before the leading one lands.
        # Motion capture seen by a camera 4 m behind (tests/test_mocap.py), IC / TO
        # against the force plates: foot height +22 to +32 / +5 to +13 ms, lower foot
        # -84 to -104 / -65 to -76 ms.  But from behind a pose model's feet may hardly
        # rise (the rendered rear clips: MediaPipe's heel spans 12 px against a true
        # 43 px); the foot-height rule then finds long, overlapping contacts ("walking")
        # and whichever rule yields more strides that pass the running checks is kept.
        lower = frontal_events(
            ev_xy,
            pose.time_s,
            pose.fps,
            refine_xy=raw_xy,
            frame_index=pose.frame_index,
            filled=filled,
        )
        n_height = int(strides_from_events(events, pose.time_s)["valid"].sum())
        n_lower = int(strides_from_events(lower, pose.time_s)["valid"].sum())
        assert envelope is not None
        if not _feet_rise(envelope, n_height, n_lower) and n_lower > n_height:
            events = lower
    return events


#: Swing height (leg lengths, 95th percentile of the contact envelope) both feet must
#: reach for the foot-height events to be preferred in a rear view.  Measured: motion
#: capture 0.27-0.32, the synthetic rear runner 0.24, MediaPipe on the rendered rear
#: clips 0.14-0.15 (one foot).
FEET_RISE_LEG = 0.2


def _feet_rise(envelope: np.ndarray, n_height: int, n_lower: int) -> bool:
    """Whether both feet rise clearly in swing (so the foot-height events are trusted),
    and the foot-height rule does not lose more than a stride or two to the other."""
    finite = np.isfinite(envelope).sum(axis=0) > 0
    if not finite.all():
        return False
    rise = np.nanpercentile(envelope, 95.0, axis=0)
    return bool(np.all(rise >= FEET_RISE_LEG) and n_height >= n_lower - 2)


#: Views where :func:`gait.events.frontal_events` (which foot is lower) is also tried.
FRONTAL_EVENT_VIEWS: tuple[str, ...] = ("rear",)  # front: not validated (synthetic front
# treadmill landmarks: the lower foot is the swing foot coming towards the camera)

#: Window (seconds) of the feet's rolling floor levels seen from behind or in front on
#: the ground: about a stride at a fast cadence (0.62 s at 195 steps/min), so every window
#: holds one of the foot's contacts and the level follows the runner receding or
#: approaching (with the 2 s used elsewhere the exact synthetic runner filmed from the
#: front found no contact at all; from behind the lower-foot rule stood in, contacts
#: 1.5-6 frames early at 30-120 fps).
FRONTAL_OVERGROUND_FLOOR_S = 0.6
