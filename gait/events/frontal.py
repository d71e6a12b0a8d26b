"""Events seen from behind or in front by which foot is lower in the image."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gait._runs import run_mask, true_runs
from gait.events.common import (
    SIDES,
    empty_events,
    event_rows,
    sort_events,
)
from gait.events.contacts import (
    _filled_runs,
    _gap_masks,
    _near_gap,
    _reach_frames,
    leg_length_px,
)
from gait.events.signals import (
    _knee_extension_near,
    _slide_start,
)
from gait.posedata import LANDMARK_INDEX


def frontal_events(
    xy: np.ndarray,
    time_s: np.ndarray,
    fps: float,
    *,
    refine_xy: np.ndarray | None = None,
    min_run_s: float = 0.12,
    kink_window_s: float = 0.07,
    ic_search_s: float = 0.05,
    refine_ic: bool = False,
    to_search_s: float = 0.1,
    frame_index: np.ndarray | None = None,
    filled: np.ndarray | None = None,
    min_gap_frames: int = 2,
    gap_reach_s: float = 0.035,
) -> pd.DataFrame:
    """Initial contacts, midstances and toe-offs of both feet in a rear (or front) view.

    A foot's height above its floor level is a poor contact cue from behind: the stance
    foot slides towards the camera with the belt (its image y keeps changing) and the pose
    model's heel and ankle hardly rise in swing (on the rendered rear clips MediaPipe's
    heel spans about 12 px against a true 43 px).  What does stand out is which foot is
    *lower* in the image: the landing foot drops below the foot that has just left the
    ground.  So:

    * **IC** - the ankle-height difference ``y_left - y_right`` changes sign (sub-frame
      linear interpolation of the crossing) when a foot becomes the lower one; optionally
      refined to the kink of that ankle's image y within ``ic_search_s`` (the start of
      its steady slide on the belt, :func:`_slide_start`).  Runs of either sign shorter
      than ``min_run_s`` are noise and are merged into their neighbours.
    * **TO** - the peak of the leg's vertical hip-to-ankle projection over a rolling leg
      length (the knee is straightest at toe-off, Fellin et al. 2010; as in
      :func:`_leg_shortening`) from the middle of the foot's "lower" phase to
      ``to_search_s`` after the other foot becomes the lower one.
    * **MS** - the middle of stance, ``(IC + TO) / 2``.

    On the rendered rear sample clips (30 fps) the timing errors against the truth are
    given in ``tests/test_rendered.py``.

    Parameters
    ----------
    xy : ndarray of shape (n, 33, 2)
        Cleaned, roll-corrected image coordinates in pixels (y down).
    time_s : ndarray of shape (n,)
        Frame times in seconds.
    fps : float
        Frame rate in Hz.
    refine_xy : ndarray of shape (n, 33, 2), optional
        Landmarks for the IC kink fit (despiked, not low-passed); default ``xy``.
    min_run_s : float
        Shortest run (seconds) of one foot being the lower one that counts.
    kink_window_s, ic_search_s : float
        Half-width of the IC kink fit and its search range, in seconds.
    refine_ic : bool
        Refine IC to the kink of the ankle's image y.
    to_search_s : float
        How long (seconds) after the other foot becomes the lower one TO may still lie.
    frame_index : ndarray of shape (n,), optional
        Video frame numbers reported in the ``frame`` column (default 0..n-1).
    filled, min_gap_frames, gap_reach_s
        As in :func:`detect_events`: an IC within ``gap_reach_s`` of a filled gap in
        either ankle's image y (the crossing is timed on both), or a TO within it of a
        gap in its leg's hip, knee or ankle, is marked invalid ("contact inside a
        landmark gap" / "toe-off inside a landmark gap").

    Returns
    -------
    DataFrame
        Same layout as :func:`detect_events`.
    """
    n = xy.shape[0]
    rxy = xy if refine_xy is None else refine_xy
    fidx = np.arange(n) if frame_index is None else np.asarray(frame_index)
    ay = xy[:, [LANDMARK_INDEX["left_ankle"], LANDMARK_INDEX["right_ankle"]], 1]
    found = _lower_foot_changes(ay, max(1, round(min_run_s * fps)))
    if found is None:
        return empty_events()
    cross, becomes_left = found
    half = max(2, round(kink_window_s * fps))
    # rolling leg length: a runner moving towards or away from the camera changes size
    leg = leg_length_px(xy, fps, percentile=90.0)
    ank = [LANDMARK_INDEX["left_ankle"], LANDMARK_INDEX["right_ankle"]]
    reach = _reach_frames(gap_reach_s, fps)
    ankle_gap = _filled_runs(filled, ["left_ankle", "right_ankle"], (1,), n, min_gap_frames)
    hip = [LANDMARK_INDEX["left_hip"], LANDMARK_INDEX["right_hip"]]
    frames: list[pd.DataFrame] = []
    for j, side in enumerate(SIDES):
        mine = becomes_left if j == 0 else ~becomes_left
        idx = np.flatnonzero(mine)
        if idx.size == 0:
            continue
        # each run from this foot's crossing to the next crossing (the other foot's) or
        # to the end of the clip
        ic = cross[idx]
        run_end = np.append(cross, n - 1.0)[idx + 1]
        if refine_ic:
            ic = _slide_start(rxy, side, ic, half=half, search=ic_search_s * fps)
        mid = ic + 0.5 * (run_end - ic)
        to = _knee_extension_near(
            1.0 - (xy[:, ank[j], 1] - xy[:, hip[j], 1]) / leg,
            mid,
            run_end + to_search_s * fps,
            np.full(ic.size, np.nan),
        )
        ms = 0.5 * (ic + to)
        missing = ~np.isfinite(ay[:, j])
        cm = np.concatenate([[0], np.cumsum(missing)])
        lo = np.clip(np.floor(ic).astype(int) - 2, 0, n)
        hi = np.clip(np.ceil(np.where(np.isfinite(to), to, run_end)).astype(int) + 3, 0, n)
        gap = cm[hi] - cm[lo] > 0
        no_to = ~np.isfinite(to)
        _, leg_gap = _gap_masks(filled, side, n, min_frames=min_gap_frames)
        ic_in = _near_gap(ankle_gap, ic, reach=reach)
        to_in = _near_gap(leg_gap, to, reach=reach)
        reason = np.where(
            gap,
            "foot landmarks missing around the contact",
            np.where(
                no_to,
                "no toe-off found (no clear leg-length peak)",
                np.where(
                    ic_in,
                    "contact inside a landmark gap",
                    np.where(to_in, "toe-off inside a landmark gap", ""),
                ),
            ),
        )
        valid = ~gap & ~no_to & ~ic_in & ~to_in
        frames.append(
            event_rows(
                side, ic, ms, to, valid=valid, reason=reason, frame_index=fidx, time_s=time_s
            )
        )
    if not frames:
        return empty_events()
    ev = pd.concat(frames, ignore_index=True)
    # a contact without a toe-off keeps its IC (marked invalid), not NaN MS/TO rows
    return sort_events(ev[np.isfinite(ev["pos"].to_numpy(dtype=float))])


def _lower_foot_changes(ay: np.ndarray, min_run: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Where the lower foot in the image changes, from the ankles' image y ``ay`` (n, 2;
    left, right): (the sub-frame crossings of their difference, whether the left foot is
    the lower one after each); None with fewer than 5 frames of both ankles or 2
    crossings.  Runs of either foot being lower shorter than ``min_run`` frames are noise
    about a crossing and are merged into their neighbours."""
    n = ay.shape[0]
    d = ay[:, 0] - ay[:, 1]  # > 0: the left ankle is lower in the image
    ok = np.isfinite(d)
    if ok.sum() < 5:
        return None
    dfill = np.interp(np.arange(n), np.flatnonzero(ok), d[ok])
    left_low = dfill > 0
    # merge short runs of either sign into their neighbours (noise around a crossing)
    for _ in range(2):
        for val in (True, False):
            s, e = true_runs(left_low == val)
            short = (e - s < min_run) & (s > 0) & (e < n)
            left_low = left_low ^ run_mask(n, s[short], e[short])
    # a crossing between frames k-1 and k, at the interpolated zero of d
    k = np.flatnonzero(left_low[1:] != left_low[:-1]) + 1
    if k.size < 2:
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = dfill[k - 1] / (dfill[k - 1] - dfill[k])
    cross = k - 1 + np.where(np.isfinite(frac), np.clip(frac, 0.0, 1.0), 1.0)
    return cross, left_low[k]
