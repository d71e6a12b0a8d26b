"""Gait events per foot: initial contact (IC), midstance (MS) and toe-off (TO).

Two stages, like onset detection in librosa: :func:`contact_envelope` turns landmarks
into a per-foot *height above the floor* signal (in leg lengths); :func:`detect_events`
picks contacts from it (and accepts a precomputed envelope).  :func:`strides_from_events`
turns the events into one row per stance/stride with the checks that make strides
trustworthy; strides that fail are kept, marked invalid with a reason.

Method (METRICS.md §5): a foot is in contact while the lowest of its heel and toe points is
within a threshold of the floor (the approach of Pose2Sim's toe-height rule, with the
heel added to catch rearfoot strikes; Fellin et al. 2010, J Sci Med Sport 13:646, validate
foot-position rules for running against force plates).  The floor is a rolling high
percentile of that lowest point, per foot, so a far foot that appears higher in the image
(perspective) and a slowly changing camera distance are handled.  IC and TO get sub-frame
times by extrapolating the foot's approach (or departure) to the floor level.  MS is the
middle of stance by default, or the lowest pelvis or peak knee flexion.

The modules, in the order the data flow through them: :mod:`~gait.events.contacts` (the
foot's height and its contact runs), :mod:`~gait.events.fits` (sub-frame kink times),
:mod:`~gait.events.signals` (knee, leg and foot signals), :mod:`~gait.events.stance`
(one foot's contacts, landings, toe-offs and midstances, step by step),
:mod:`~gait.events.detect` (the events from the foot's height), :mod:`~gait.events.frontal`
(from behind: which foot is lower), :mod:`~gait.events.strides` (strides) and
:mod:`~gait.events.stride_checks` (their checks); :mod:`~gait.events.common` holds what
they share.
"""

from gait.events.common import (
    CLIP_END_REASON,
    CLIP_START_REASON,
    EVENT_COLUMNS,
    LANDMARK_GAP_REASONS,
    SIDES,
    Midstance,
    empty_events,
)
from gait.events.contacts import (
    contact_envelope,
    leg_length_px,
    rolling_percentile,
    stance_anchored_height,
)
from gait.events.detect import detect_events
from gait.events.fits import curved_kink_fit, hinge_fit
from gait.events.frontal import frontal_events
from gait.events.signals import knee_flexion_2d
from gait.events.strides import STRIDE_COLUMNS, StrideLimits, reason_counts, strides_from_events

__all__ = [
    "CLIP_END_REASON",
    "CLIP_START_REASON",
    "EVENT_COLUMNS",
    "LANDMARK_GAP_REASONS",
    "SIDES",
    "STRIDE_COLUMNS",
    "Midstance",
    "StrideLimits",
    "contact_envelope",
    "curved_kink_fit",
    "detect_events",
    "empty_events",
    "frontal_events",
    "hinge_fit",
    "knee_flexion_2d",
    "leg_length_px",
    "reason_counts",
    "rolling_percentile",
    "stance_anchored_height",
    "strides_from_events",
]
