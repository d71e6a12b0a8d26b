"""Timing sanity: repeated (duplicated or frozen) frames and slowed or sped-up footage.

Three checks:

* :func:`find_repeated_frames` - a frame whose landmarks equal the previous frame's is a
  repeat (a duplicated video frame, or a frozen stretch).  When every frame appears twice
  the clip's real temporal resolution is half its frame rate; a frozen start holds no
  motion.  :func:`mask_repeated_frames` turns repeats into missing samples so cleaning
  interpolates them instead of differentiating a staircase.
* :func:`check_speed` - running has a cadence of roughly 140-220 steps/min with a duty
  factor below 50 %.  A clip whose step rhythm says 57 steps/min while the feet still
  have a flight phase is running slowed about 3x (phone slow motion re-encoded at normal
  frame rate); the warning names the factor and the ``--slowmo FACTOR`` fix, and the
  timing metrics are withheld rather than reported wrong.
* :func:`leg_rhythm_spm` and :func:`speed_changes` - the same question without events:
  the legs' alternation gives the clip's cadence in any view and at any playback speed
  (the events, tuned in seconds, fail on a clip slowed 8x), and where along the clip
  that rhythm changes (a slowed replay cut into a real-time clip).
  :func:`likely_factor` turns a cadence into the likely slow-motion factor.

Besides, :func:`check_gait` says whether the contacts look like running at all, and
:func:`find_person_switches` where the pose jumps to another person.

The modules: :mod:`~gait.timing.repeats`, :mod:`~gait.timing.rhythm` (the legs'
rhythm), :mod:`~gait.timing.speed` (playback speed), :mod:`~gait.timing.gait_check`;
:mod:`~gait.timing.playback` is how the analysis acts on them (the clip's verdict).
"""

from gait.timing.gait_check import GaitCheck, check_gait, find_person_switches
from gait.timing.repeats import (
    RepeatReport,
    find_repeated_frames,
    frame_motion_px,
    mask_repeated_frames,
)
from gait.timing.rhythm import leg_rhythm_spm, legs_span_s, rhythm_cadence_spm
from gait.timing.speed import (
    COMMON_CADENCE_SPM,
    PLAYBACK_FPS,
    RUNNING_CADENCE_SPM,
    SLOWMO_CAPTURE_FPS,
    TYPICAL_CADENCE_SPM,
    SpeedChange,
    SpeedCheck,
    check_speed,
    likely_factor,
    speed_changes,
    speed_warning,
)

__all__ = [
    "COMMON_CADENCE_SPM",
    "PLAYBACK_FPS",
    "RUNNING_CADENCE_SPM",
    "SLOWMO_CAPTURE_FPS",
    "TYPICAL_CADENCE_SPM",
    "GaitCheck",
    "RepeatReport",
    "SpeedChange",
    "SpeedCheck",
    "check_gait",
    "check_speed",
    "find_person_switches",
    "find_repeated_frames",
    "frame_motion_px",
    "leg_rhythm_spm",
    "legs_span_s",
    "likely_factor",
    "mask_repeated_frames",
    "rhythm_cadence_spm",
    "speed_changes",
    "speed_warning",
]
