"""Whether the contacts look like running (:func:`check_gait`: a flight phase, one foot
down at a time) and where the pose jumps to another person (:func:`find_person_switches`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from gait.events import LANDMARK_GAP_REASONS
from gait.posedata import LANDMARK_INDEX, PoseData


@dataclass(frozen=True)
class GaitCheck:
    """Does the foot-contact pattern look like running?

    Attributes
    ----------
    n_steps : int
        Contacts with ordered events (IC < TO < next IC) that were looked at.
    duty_factor : float
        Median contact time / stride time of those contacts (of the trusted foot when
        one is given); running < 0.5, walking about 0.6, standing about 1.
    both_down : float
        Share of those contacts during which the other foot is on the ground too for
        more than ``max_overlap_s`` (double support, or both feet landing together).
    running : bool
        False when the pattern is that of walking, standing or hopping.
    warning : str or None
    """

    n_steps: int
    duty_factor: float
    both_down: float
    running: bool
    warning: str | None


def check_gait(
    strides: pd.DataFrame,
    *,
    trusted_side: str | None = None,
    far_side_usable: bool = True,
    max_overlap_s: float = 0.03,
    min_steps: int = 6,
    max_duty: float = 0.5,
    max_both_down: float = 0.5,
) -> GaitCheck:
    """Running or not: a flight phase in every step, feet on the ground one at a time.

    Running has a flight phase: each foot is on the ground for less than half of its
    stride (duty factor below 50 %) and the feet are never on the ground together.
    Walking has double support twice per stride and a duty factor of about 60 %;
    standing and hopping have both feet down together (Novacheck 1998, Gait Posture
    7:77).  The check uses every contact whose events are in order, valid or not.

    Parameters
    ----------
    strides : DataFrame
        Output of :func:`gait.events.strides_from_events`.
    trusted_side : {"left", "right"} or None
        The near foot of a side view: the duty factor is taken from it alone.
    far_side_usable : bool
        False when the other foot's tracking was found unusable: the both-feet-down
        share then cannot be measured and is not used.
    max_overlap_s : float
        Overlap of the two feet's contacts tolerated as timing error (seconds).
    min_steps : int
        Fewer contacts than this: no verdict (``running`` stays True).
    max_duty, max_both_down : float
        Running needs a duty factor at most ``max_duty`` and a both-feet-down share at
        most ``max_both_down``.

    Returns
    -------
    GaitCheck
    """
    nan = float("nan")
    if strides.empty:
        return GaitCheck(0, nan, nan, True, None)
    ic = strides["ic_time_s"].to_numpy(dtype=float)
    to = strides["to_time_s"].to_numpy(dtype=float)
    nxt = strides["next_ic_time_s"].to_numpy(dtype=float)
    side = strides["side"].to_numpy()
    ordered = np.isfinite(ic) & np.isfinite(to) & (to > ic)
    if "reason" in strides:
        # a contact cut by the start or end of the pose data, or timed across a dropout,
        # is no evidence of double support
        ordered &= ~strides["reason"].isin(LANDMARK_GAP_REASONS).to_numpy()
    stride_ok = ordered & np.isfinite(nxt) & (nxt > to)
    use = stride_ok & (side == trusted_side) if trusted_side in ("left", "right") else stride_ok
    duty_all = (to - ic) / (nxt - ic)
    duty = float(np.median(duty_all[use])) if use.any() else nan
    both = nan
    if far_side_usable and ordered.sum() >= min_steps:
        lap = np.full(ic.size, -np.inf)
        for this, other in (("left", "right"), ("right", "left")):
            mine = ordered & (side == this)
            theirs = ordered & (side == other)
            if not (mine.any() and theirs.any()):
                continue
            o0, o1 = ic[theirs], to[theirs]
            order = np.argsort(o0)
            o0, o1 = o0[order], o1[order]
            # overlap with the other foot's contacts just before and just after this IC
            j = np.searchsorted(o0, ic[mine], side="right")
            for k in (np.clip(j - 1, 0, o0.size - 1), np.clip(j, 0, o0.size - 1)):
                got = np.minimum(to[mine], o1[k]) - np.maximum(ic[mine], o0[k])
                lap[mine] = np.maximum(lap[mine], got)
        both = float(np.mean(lap[ordered] > max_overlap_s))
    n = int(use.sum())
    walking_duty = n >= min_steps and np.isfinite(duty) and duty > max_duty
    walking_both = int(ordered.sum()) >= min_steps and np.isfinite(both) and both > max_both_down
    if not (walking_duty or walking_both):
        return GaitCheck(n, duty, both, True, None)
    facts = []
    if walking_duty:
        facts.append(f"each foot is on the ground for {100 * duty:.0f} % of its stride")
    if walking_both:
        facts.append(f"both feet are on the ground together in {100 * both:.0f} % of the steps")
    msg = (
        "the clip looks like walking (or standing), not running: there is no flight phase ("
        + "; ".join(facts)
        + "; running has a duty factor below 50 % and never both feet down). "
        "Running metrics are not reported."
    )
    return GaitCheck(n, duty, both, False, msg)


def find_person_switches(
    pose: PoseData, *, max_jump_torso: float = 1.0, per_frame_torso: float = 0.5
) -> np.ndarray:
    """Frames where the tracked skeleton jumps to another person.

    Between consecutive frames with a pose (gaps bridged), a runner's mid-hip moves well
    under half a torso length per frame (4 m/s at 30 fps is about a quarter), and their
    torso length in the image changes slowly.  A mid-hip jump of more than
    ``max(max_jump_torso, per_frame_torso * frames apart)`` torso lengths, or a torso
    length changing by more than half from one frame to the next, means the pose model
    switched to someone else
    (a second person in the picture).

    Parameters
    ----------
    pose : PoseData
    max_jump_torso, per_frame_torso : float
        Jump thresholds in torso lengths (mid-hip to mid-shoulder distance, the mean of
        the two frames compared).

    Returns
    -------
    ndarray of int
        Frame indices (into the clip) of the first frame after each switch.
    """
    names = ("left_hip", "right_hip", "left_shoulder", "right_shoulder")
    # the four landmarks gathered once: one pass over the frames
    xy = np.take(pose.image_px, [LANDMARK_INDEX[n] for n in names], axis=1)[..., :2]
    hip = 0.5 * (xy[:, 0] + xy[:, 1])
    sh = 0.5 * (xy[:, 2] + xy[:, 3])
    torso = np.hypot(*(sh - hip).T)
    ok = np.flatnonzero(np.isfinite(torso) & np.isfinite(hip).all(axis=1) & (torso > 0))
    if ok.size < 2:
        return np.zeros(0, dtype=int)
    a, b = ok[:-1], ok[1:]
    jump = np.hypot(*(hip[b] - hip[a]).T) / (0.5 * (torso[a] + torso[b]))
    scale = torso[b] / torso[a]
    near = (b - a) <= 2  # the image size can change a lot over a long gap
    switch = (jump > np.maximum(max_jump_torso, per_frame_torso * (b - a))) | (
        near & (np.abs(np.log(scale)) > np.log(1.5))
    )
    return np.asarray(b[switch], dtype=int)
