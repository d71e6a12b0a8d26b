"""Initial contact, midstance and toe-off of each foot from the foot's height above its
floor (any view; the side view's default); each foot's steps are in
:mod:`gait.events.stance`."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from gait.events.common import (
    SIDES,
    Midstance,
    empty_events,
    event_rows,
    sort_events,
)
from gait.events.contacts import (
    _gap_masks,
    _level_crossing,
    _reach_frames,
    _subframe_ic,
    _subframe_to,
    contact_envelope,
)
from gait.events.fits import hinge_fit
from gait.events.signals import _forward_stop
from gait.events.stance import (
    _anchored_landings,
    _contact_runs,
    _landings,
    _leg_toe_offs,
    _midstances,
    _stance_level,
    _unusable_contacts,
)


def detect_events(
    xy: np.ndarray,
    time_s: np.ndarray,
    fps: float,
    *,
    envelope: np.ndarray | None = None,
    leg_length: np.ndarray | float | None = None,
    min_threshold: float = 0.02,
    max_threshold: float = 0.08,
    noise_sigmas: float = 4.0,
    min_contact_s: float = 0.05,
    min_swing_s: float = 0.1,
    midstance: Midstance = "middle",
    toe_off: Literal["knee", "leg", "height"] = "knee",
    refine_ic: bool = True,
    refine_to: bool = False,
    curved_to: bool = True,
    curved_ic: bool = False,
    kink_window_s: float = 0.07,
    refine_xy: np.ndarray | None = None,
    ic_lookback_s: float = 0.0,
    ic_forward_stop_s: float = 0.0,
    follow_drift: bool = False,
    lift_off_height: float = 0.08,
    frame_index: np.ndarray | None = None,
    filled: np.ndarray | None = None,
    min_gap_frames: int = 2,
    gap_reach_s: float = 0.035,
    stance_level_sds: float = 0.0,
    ic_min_low_frames: int = 1,
    ic_after_level: bool = False,
    floor_window_s: float = 2.0,
    ms_chord: bool = False,
    anchor_landings: bool = False,
    anchor_reach_s: float = 0.2,
) -> pd.DataFrame:
    """Initial contacts, midstances and toe-offs of both feet.

    Parameters
    ----------
    xy : ndarray of shape (n, 33, 2)
        Cleaned, roll-corrected image coordinates in pixels.
    time_s : ndarray of shape (n,)
        Frame times in seconds.
    fps : float
        Frame rate in Hz.
    envelope : ndarray of shape (n, 2), optional
        Precomputed :func:`contact_envelope` (left, right) in leg lengths.
    leg_length : ndarray of shape (n,) or float, optional
        Leg length in pixels (see :func:`leg_length_px`).
    min_threshold : float
        Smallest contact threshold on the foot height, in leg lengths.
    max_threshold : float
        Largest contact threshold (leg lengths): a foot this high above its floor level
        is in the air however noisy its landmarks are.  Without the cap, scattered
        stance heights of a badly tracked foot raised the threshold to 0.12-0.18 leg on
        rendered clips, and the foot counted as down while still swinging in (contacts
        ~80 ms too long, knee at contact read 28° too flexed).
    noise_sigmas : float
        The threshold is at least this many noise SDs of the envelope (per foot), so the
        far foot's noisier landmarks do not create false contacts.
    min_contact_s, min_swing_s : float
        Shorter contacts are dropped; shorter airborne gaps are closed (seconds).
    midstance : {"middle", "pelvis", "knee"}
        MS rule: middle of stance, lowest pelvis, or peak knee flexion during stance
        (searched from IC to TO - to the contact run's end with ``follow_drift``; the
        middle of stance where the signal peaks at either end: no midstance in it).
    toe_off : {"knee", "leg", "height"}
        TO rule: peak knee extension after midstance (side view; Fellin et al. 2010 report
        about 5 ms error), peak vertical hip-to-ankle length (its frontal-view
        proxy), or the foot leaving the floor level.
    refine_ic, refine_to : bool
        Refine IC (TO) by a two-segment linear fit of the foot height (of the knee
        flexion or foot height) around the first estimate (:func:`hinge_fit`).  For IC
        this finds the landing - the foot's descent stops abruptly - rather than the
        moment the foot has rolled down to its stance level (on motion capture at 250 Hz
        it cut the IC error against force plates from about 55 ms to about 15 ms); for TO
        it helps with jittery knees and costs a little on clean ones.
    curved_to : bool
        Knee-based TO: move the knee's extension peak found by straight lines through two
        frames a side (:func:`_kink_min`) by up to a quarter frame to the break of
        :func:`curved_kink_fit` (two cubic pieces, about 50 ms and at least 4 frames a
        side).  The knee flattens out at the end of stance and flexes ever faster after
        toe-off, so the lines put TO up to 0.27 frame off (exact synthetic runner:
        contact time +3.7 ms at 30 fps, +1.5 ms at 60; with the fit +0.5 and +0.6 ms).
        The bound keeps the fit from wandering on a smooth peak, where the break is
        ill-defined (unbounded, it moved TO by 22 ms on the 50 Hz motion capture of
        ``tests/test_mocap.py``; bounded, those TO errors change by 1-5 ms, none
        beyond 13 ms).  Turn it off on low-passed landmarks: the filter rounds the kink
        off and the lines scatter less there (noisy synthetic runner: median absolute TO
        error 0.3 vs 0.7 frame at 30 and 60 fps).
    curved_ic : bool
        Time each landing by a two-piece fit whose approach is a parabola and whose
        stance is a line (:func:`curved_kink_fit`, degrees 2 and 1, searched about the
        first estimate as far as the straight-line fit), where the fit has at least 4
        frames a side (``kink_window_s`` x fps: 57 fps and up) and no look-back is asked
        for.  A foot that comes down ever faster - a forefoot's toe as the foot swings
        down: on the motion capture the toe marker falls at 0.5-0.7 m/s 50 ms before
        the plate's contact and at 1.6-2.0 m/s in the last 20 ms - bends the
        straight-line hinge's break late (exact synthetic forefoot runners: contacts
        1.1-2.1 frames late at 60 and 120 fps).  Like ``curved_to``, for landmarks that
        are not low-passed: on filtered ones the curve is the filter's, and the fit came
        later still (noisy synthetic runner, 10 seeds, events beyond 2 frames: 60 fps
        9 -> 26 of 333, 120 fps 29 -> 50 of 315; the 12 rendered side clips through
        MediaPipe: contact mean absolute error 20.6 -> 24.4 ms, knee at contact 4.4 ->
        5.5 deg).  With 2 frames a side (30 fps) it
        overfits: every event within a frame on 18 of 26 exact 30-fps runners, 22
        with the straight lines.
    kink_window_s : float
        Half-width of that fit in seconds.
    refine_xy : ndarray of shape (n, 33, 2), optional
        Landmarks for that fit, typically despiked but not low-passed (the fit averages
        the noise; a low-pass would round the kink off).  Default ``xy``.
    ic_lookback_s : float
        How far before the threshold crossing the landing kink may lie (seconds).  In a
        rear or front view the stance foot keeps moving in the image (it slides towards
        or away from the camera), so the foot reaches its floor level well after IC;
        the kink search then looks back this far.
    ic_forward_stop_s : float
        Side view: search range (seconds) of the end of the foot's forward swing around
        each IC (:func:`_forward_stop`); IC is then the later of the landing and that
        end - a foot still swinging forward is not on the ground.  Low in the image is
        not the same as on the floor: at 30 fps a foot that skims the belt (treadmill)
        or the floor in late swing, or a heel that lands above the level the sole reaches
        when flat, would otherwise be timed a frame or two off.  0 turns it off (frontal
        views, where the foot moves towards the camera).
    lift_off_height : float
        Foot height (leg lengths) at which the foot is surely airborne: the knee-based
        toe-off is searched before the foot first rises this high after the contact.
    follow_drift : bool
        Extend each contact while the foot keeps moving along the stance drift line (the
        median frame-to-frame change of the foot height during contact): in a rear or
        front view the stance foot slides towards or away from the camera on a treadmill,
        so its image height changes steadily during stance instead of staying on a floor.
    frame_index : ndarray of shape (n,), optional
        Video frame numbers reported in the ``frame`` column (default 0..n-1).
    filled : ndarray of shape (n, 33, 2) bool, optional
        Image x, y samples the cleaning filled by interpolation
        (:func:`gait.clean.interpolated_mask`); only gaps of at least ``min_gap_frames``
        frames count.  The IC refinement and the forward-stop fit leave out the frames
        where the foot's height (heel or toe y) was filled, so a landing next to a gap
        is timed on the real samples around it.  An IC still within ``gap_reach_s``
        (at least a frame) of a gap in the foot's image y, or a TO within it of a gap
        in the points it is timed on, is marked invalid, "contact inside a landmark gap"
        ("toe-off inside a landmark gap"): the foot may have landed (left) inside the
        gap, where the data are a straight line.  Gaps in the foot's x alone do not
        count: on the real treadmill clip they are the bottoms of the foot's x reversal
        at landing, real motion the Hampel filter rejects, and counting them took 4 of
        its 15 valid strides.
    min_gap_frames : int
        Shortest filled run that counts as a gap.  Single filled samples - mostly
        outliers the Hampel filter rejected: 100 of the 118 filled runs of the leg
        and foot points' x and y on the real treadmill clip - leave real samples a
        frame either side.
    gap_reach_s : float
        How close to a gap an event must lie to be called inside it, rounded to 1 or 2
        frames (1 at 30 fps, 2 at 60 and above).  The fit needs a few real samples past
        a gap to see the bend: a far-foot landing in a 5-frame gap of the noisy
        synthetic runner at 60 fps was timed 2.5 frames after the gap (7 frames late).
        At 120 fps a reach of 4 frames invalidated 8 more of 64 strides there without
        lowering the share of events more than 2 frames off (11.7 vs 11.1 %).

    stance_level_sds : float
        The first IC/TO estimate is where the foot comes within 3 frame-to-frame noise
        SDs of its stance level - or, when positive, within this many robust SDs of its
        height in early stance (the second sixth to the half of each contact), if that is
        wider.  Low-passed landmarks at a high frame rate keep a slow wobble the
        frame-to-frame noise does not show: at 120 fps the far foot of the noisy
        synthetic runner stayed just above the narrow level for up to 19 frames after
        landing, and the landing fit, searching about that late estimate, missed the
        landing (seeds 0-5 with 2: largest IC error 19.3 -> 5.7 frames, MS 9.1 -> 2.9;
        30/60 fps, the exact runner, the side motion capture and the rendered and real
        clips unchanged within a frame).  Side views only: seen from behind the stance
        foot slides down the image, and its early-stance spread is motion (motion
        capture from 4 m behind: IC +22..+32 -> -36..-55 ms).
    ic_min_low_frames : int
        The first IC estimate is taken where the foot stays at or below that level for
        this many frames, not where it first dips to it.  A swing foot that skims the
        belt dips to the (wide) side-view level for a frame before it lands: on
        ``sample_videos/before_side.mp4`` the first right contact was timed 108 ms
        early (0.189 vs 0.296 s) with 1, 22 ms early with 3.  With 3 (the side views)
        the rendered side clips' IC errors changed only towards the truth (before_side
        mean absolute error 44 -> 26 ms, after_side 44 -> 41 ms, its unmatched contacts
        7 -> 1); the synthetic runner, the side motion capture and the real clip did not
        move.  A count of frames, not seconds: at 120 fps a 0.1 s hold moved noisy
        landings late (IC SD 1.9 -> 2.2 frames).
    ic_after_level : bool
        Side views: no IC before the descending foot passes its stance level (the first
        estimate's level, :func:`_level_crossing`) - above it the foot is in the air.
        The landing fit draws straight lines, and a foot that slows down in its last
        frames before landing pulls the break early: the exact synthetic midfoot runner
        (its heel slows from 2.1 to 1.1 px a frame over the last 40 ms) read IC up to
        0.85 / 1.57 frames early at 60 / 120 fps, 0.38 / 0.30 with the bound.  Noisy
        synthetic runner (``tests/test_events.py``), events of valid strides beyond 2
        frames, seeds 0-5: 60 fps 3 -> 2 of 198, 120 fps 16 -> 13 of 189.  The side
        motion capture, the rearfoot and forefoot runners (within 0.4 frame) and the
        rendered side clips (IC mean absolute error over the 12 renders at 30/60/120
        fps 21.7 -> 21.3 ms, contact time unchanged at 15.9 ms) hardly move; the real
        treadmill clip's contact time 317 -> 312 ms.
    floor_window_s : float
        Window of the feet's rolling floor levels (:func:`contact_envelope`), seconds.
    ms_chord : bool
        A signal-based midstance (``"pelvis"``, ``"knee"``) is the stance's highest
        point above the chord from its value at IC to its value at TO, not its highest
        value: a runner receding from a camera above the hips sees the hips rise in the
        picture all along (seen from 1.7 m, 13 m away, the lowest pelvis was always the
        contact frame, and pelvic drop read 0 instead of 4 deg).
    anchor_landings : bool
        Time each landing on the foot's height above the level it stands at in that
        contact (:func:`gait.events.contacts.stance_anchored_height`), not above the
        rolling floor, for a runner receding from or approaching the camera.  A point
        nearer the camera is lower in the picture: close to the camera, the swing foot
        before a landing, about a stride nearer than where it lands, sits below that
        landing's level, and the rolling floor that takes it in reads the foot still
        above the floor after it has landed: a receding runner's first contacts came
        6-14 frames late, yet valid.  A contact is sought on that height from where the
        foot came down within the threshold of its level (from above: within 50 ms it
        was higher), up to ``anchor_reach_s`` before the contact found on the rolling
        floor.  Exact synthetic runners seen from behind overground
        (``benchmarks/scene_sweep.py --view rear``, seeds 5, 7, 11, 120 scenes): scenes
        with a valid contact more than a frame off 28 -> 18, more than 5 frames 13 -> 5,
        within the exact tier 105 -> 106; with 1 px of jitter more than 5 frames 42 ->
        31, within the tier 39 -> 40; from the front (``--view front``) unchanged
        exact (two 30-fps scenes' worst contact 1.0 -> 1.04 frames), with jitter more
        than 5 frames off 29 -> 20, within the tier 16 -> 15.
    anchor_reach_s : float
        How much earlier (seconds) than on the rolling floor a contact may start on the
        anchored height.

    Returns
    -------
    DataFrame
        One row per event, sorted by time, columns ``side``, ``kind`` (ic|ms|to),
        ``frame`` (nearest video frame), ``time_s`` (sub-frame), ``pos`` (fractional
        frame position), ``contact`` (contact number per side), ``valid``, ``reason``.
        Empty (typed) when nothing is found.
    """
    n = xy.shape[0]

    def feet_envelope(points: np.ndarray) -> np.ndarray:
        return contact_envelope(points, fps, leg_length=leg_length, floor_window_s=floor_window_s)

    env = feet_envelope(xy) if envelope is None else envelope
    rxy = xy if refine_xy is None else refine_xy
    renv = env if refine_xy is None else feet_envelope(rxy)
    fidx = np.arange(n) if frame_index is None else np.asarray(frame_index)
    half = max(2, round(kink_window_s * fps))
    search = max(1.5, 0.05 * fps)
    rows: list[pd.DataFrame] = []
    for j, side in enumerate(SIDES):
        h = env[:, j]
        if np.isfinite(h).sum() < 5:
            continue
        s, e, thr, in_contact = _contact_runs(
            h,
            fps,
            min_threshold=min_threshold,
            max_threshold=max_threshold,
            noise_sigmas=noise_sigmas,
            min_contact_s=min_contact_s,
            min_swing_s=min_swing_s,
            follow_drift=follow_drift,
        )
        if s.size == 0:
            continue
        ground, level = _stance_level(h, s, e, in_contact, thr, stance_level_sds)
        # the height landings are found and refined on, and where they are sought
        h_ic, rh_ic, s_ic = h, renv[:, j], s
        if anchor_landings:
            anchored = _anchored_landings(
                xy, side, s, e, ground, thr, leg_length, fps, anchor_reach_s
            )
            if anchored is not None:
                h_ic, s_ic = anchored
                rh_ic = h_ic
        ic = _subframe_ic(h_ic, s_ic, e, level, ground, min_low_frames=ic_min_low_frames)
        to = _subframe_to(h, s, e, level, ground)
        foot_y_gap, leg_gap = _gap_masks(filled, side, n, min_frames=min_gap_frames)
        if refine_ic:
            # the landing is timed on real samples only: a filled one is a straight line
            rh = np.where(foot_y_gap, np.nan, rh_ic) if foot_y_gap.any() else rh_ic
            ic = _landings(
                rh, ic, half=half, search=search, back=ic_lookback_s * fps / 2, curved=curved_ic
            )
        if ic_after_level:
            ic = np.fmax(ic, _level_crossing(h, s, e, level, min_low_frames=ic_min_low_frames))
        if ic_forward_stop_s > 0:
            stop = _forward_stop(
                rxy, side, ic, half=half, search=ic_forward_stop_s * fps, gap=foot_y_gap
            )
            ic = np.fmax(ic, stop)
        on_leg = toe_off in ("knee", "leg")
        if on_leg:
            to = _leg_toe_offs(
                xy,
                rxy,
                h,
                side,
                ic,
                to,
                s,
                e,
                ground=ground,
                fps=fps,
                knee=toe_off == "knee",
                lift_off_height=lift_off_height,
                curved=curved_to,
                refine=refine_to,
                half=half,
                search=search,
            )
        elif refine_to:
            to = hinge_fit(renv[:, j], to, half=half, search=search)
        ms = _midstances(
            xy, side, ic, to, s, e, method=midstance, follow_drift=follow_drift, chord=ms_chord
        )
        unusable, reason = _unusable_contacts(
            h,
            s,
            e,
            ic,
            to,
            foot_y_gap,
            leg_gap if on_leg else foot_y_gap,
            reach=_reach_frames(gap_reach_s, fps),
            lookback=round(ic_lookback_s * fps) + 1 if ic_lookback_s > 0 else 0,
        )
        rows.append(
            event_rows(
                side, ic, ms, to, valid=~unusable, reason=reason, frame_index=fidx, time_s=time_s
            )
        )
    if not rows:
        return empty_events()
    return sort_events(pd.concat(rows, ignore_index=True))
