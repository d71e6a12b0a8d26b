"""One foot's stances, step by step, for :func:`~gait.events.detect_events`: its contact
runs on its height and the stance level they give, where each landing is sought (on the
stance-anchored height for a receding or approaching runner) and timed, the toe-offs at
the leg's extension peak, the midstances, and the contacts whose events are not used
(missing or gap-filled samples, a stance under way when the clip starts)."""

from __future__ import annotations

import numpy as np

from gait._runs import next_true, run_mask, true_runs
from gait.events.common import (
    CLIP_START_REASON,
    LANDMARK_GAP_REASONS,
    Midstance,
)
from gait.events.contacts import (
    _argmax_in_runs,
    _contacts,
    _follow_drift,
    _gap_in,
    _near_gap,
    _noise_level,
    leg_length_px,
    stance_anchored_height,
)
from gait.events.fits import _local_kink, curved_kink_fit, hinge_fit
from gait.events.signals import (
    _above_chord,
    _knee_extension_near,
    _leg_shortening,
    _midstance_signal,
    knee_flexion_2d,
)


def _anchored_landings(
    xy: np.ndarray,
    side: str,
    s: np.ndarray,
    e: np.ndarray,
    ground: float,
    thr: float,
    leg_length: np.ndarray | float | None,
    fps: float,
    reach_s: float,
) -> tuple[np.ndarray, np.ndarray] | None:
    """(the foot's stance-anchored height, where each contact is sought on it): a
    contact [s, e) starts where the anchored height came down from above the contact
    threshold ``thr`` to within ``thr - ground`` of ``ground`` and stayed there until
    ``s``, if that is at most ``reach_s`` earlier and after the previous contact; see
    ``anchor_landings`` of :func:`detect_events`.  The height is in the leg lengths of
    the contact envelope (``leg_length``, else :func:`leg_length_px` of ``xy`` per
    frame).  None where the height cannot be anchored."""
    if s.size < 2:
        return None
    leg = leg_length_px(xy, fps) if leg_length is None else leg_length
    h = stance_anchored_height(xy, side, s, e, leg)
    if h is None:
        return None
    rs, re = true_runs(np.abs(np.nan_to_num(h, nan=np.inf) - ground) < thr - ground)
    if rs.size == 0:
        return h, s
    j = np.clip(np.searchsorted(rs, s, side="right") - 1, 0, None)
    start = rs[j]
    prev_end = np.concatenate([[0], e[:-1]])
    # came down onto the level from above (within the 50 ms before), close enough before
    # s: a foot read below the level (a swing foot nearer the camera) hides its landing,
    # and s stands
    back = start[:, None] - 1 - np.arange(max(1, round(0.05 * fps)))[None, :]
    before = np.where(back >= 0, np.nan_to_num(h, nan=-np.inf)[np.clip(back, 0, None)], -np.inf)
    above = before.max(axis=1) > thr
    reach = round(reach_s * fps)
    seen = (start <= s) & (re[j] > s) & (start >= s - reach) & (start > prev_end) & above
    return h, np.where(seen, start, s)


def _contact_runs(
    h: np.ndarray,
    fps: float,
    *,
    min_threshold: float,
    max_threshold: float,
    noise_sigmas: float,
    min_contact_s: float,
    min_swing_s: float,
    follow_drift: bool,
) -> tuple[np.ndarray, np.ndarray, float, np.ndarray]:
    """One foot's contact runs [s, e) on its height ``h``, the threshold that found them
    and the (n,) in-contact mask (see :func:`detect_events` for the parameters).

    The threshold is ``noise_sigmas`` noise SDs of the height (between ``min_threshold``
    and ``max_threshold``), then - where the foot's height scatters more in stance - that
    many SDs of its stance heights above their median.
    """
    n = h.size
    min_c = max(1, round(min_contact_s * fps))
    min_s = max(1, round(min_swing_s * fps))
    thr = min(max(min_threshold, noise_sigmas * _noise_level(h)), max_threshold)
    s, e = _contacts(h, threshold=thr, min_contact=min_c, min_swing=min_s)
    if s.size == 0:
        return s, e, thr, np.zeros(n, dtype=bool)
    in_contact = run_mask(n, s, e)
    # second pass: threshold from the scatter of the foot height during stance
    stance_h = h[in_contact & np.isfinite(h)]
    if stance_h.size >= 10:
        g0 = float(np.median(stance_h))
        spread = 1.4826 * float(np.median(np.abs(stance_h - g0)))
        thr2 = min(max(min_threshold, g0 + noise_sigmas * spread), max_threshold)
        if thr2 > thr:
            s2, e2 = _contacts(h, threshold=thr2, min_contact=min_c, min_swing=min_s)
            if s2.size:
                s, e, thr = s2, e2, thr2
                in_contact = run_mask(n, s, e)
    if follow_drift:
        s, e = _follow_drift(h, s, e, in_contact, tol=thr, max_frames=round(0.2 * fps))
        in_contact = run_mask(n, s, e)
    return s, e, thr, in_contact


def _stance_level(
    h: np.ndarray,
    s: np.ndarray,
    e: np.ndarray,
    in_contact: np.ndarray,
    thr: float,
    stance_level_sds: float,
) -> tuple[float, float]:
    """(ground, level): the foot's height in stance (the median, at most half the contact
    threshold) and the level it must come within for the first IC and TO estimates (3
    noise SDs above the ground, or ``stance_level_sds`` SDs of its early-stance heights
    if wider; see :func:`detect_events`)."""
    n = h.size
    noise = _noise_level(h)
    ground = float(np.nanmedian(h[in_contact])) if in_contact.any() else 0.0
    ground = min(ground, 0.5 * thr)
    level = ground + max(3.0 * noise, 0.002)
    if stance_level_sds > 0:
        early = run_mask(n, s + (e - s) // 6, s + (e - s) // 2)
        vals = h[early & np.isfinite(h)]
        if vals.size >= 10:
            spread = 1.4826 * float(np.median(np.abs(vals - np.median(vals))))
            level = max(level, ground + stance_level_sds * spread)
    return ground, level


def _landings(
    rh: np.ndarray, ic: np.ndarray, *, half: int, search: float, back: float, curved: bool
) -> np.ndarray:
    """Landing times about the first IC estimates ``ic`` on the foot height ``rh``: the
    break of :func:`hinge_fit` (looking ``back`` frames further back), sharpened by
    :func:`_local_kink`, then - with ``curved``, no look-back and 4 frames a side - the
    break of a parabola and a line (:func:`curved_kink_fit`; the lines stand where it
    cannot fit).  See ``refine_ic`` and ``curved_ic`` of :func:`detect_events`."""
    first = ic
    ic = hinge_fit(rh, ic - back, half=half, search=max(search, back))
    ic = _local_kink(rh, ic)
    if curved and back == 0 and half >= 4:
        ic = curved_kink_fit(
            rh,
            first,
            half=half,
            degree=2,
            degree_after=1,
            search=search,
            coarse_step=0.25,
            fallback=ic,
        )
    return ic


def _leg_toe_offs(
    xy: np.ndarray,
    rxy: np.ndarray,
    h: np.ndarray,
    side: str,
    ic: np.ndarray,
    to: np.ndarray,
    s: np.ndarray,
    e: np.ndarray,
    *,
    ground: float,
    fps: float,
    knee: bool,
    lift_off_height: float,
    curved: bool,
    refine: bool,
    half: int,
    search: float,
) -> np.ndarray:
    """Toe-offs at the leg's extension peak (the knee's, or the leg's vertical length's
    with ``knee`` False) after each midstance, before 45 % of a stride later and before
    the foot is ``lift_off_height`` above its ground; the foot-height estimate ``to``
    stands where there is no clear peak.  See ``toe_off``, ``curved_to`` and
    ``refine_to`` of :func:`detect_events`."""
    n = h.size
    flex = knee_flexion_2d if knee else _leg_shortening
    stride = float(np.median(np.diff(ic))) if ic.size > 1 else 2.0 * float(np.median(e - s))
    # from mid-stance to 45 % of a stride later: before the late-swing extension
    mid = 0.5 * (ic + to)
    # ... and not after the foot is clearly off the ground
    lifted = next_true(np.nan_to_num(h, nan=-np.inf) > ground + lift_off_height)
    last = np.minimum(mid + 0.45 * stride, lifted[np.clip(e, 0, n - 1)])
    curved_half = max(4, round(0.05 * fps)) if knee and curved else 0
    to = _knee_extension_near(flex(xy, side), mid, last, to, curved_half=curved_half)
    if refine:
        to = hinge_fit(flex(rxy, side), to, half=half, search=search)
    return to


def _midstances(
    xy: np.ndarray,
    side: str,
    ic: np.ndarray,
    to: np.ndarray,
    s: np.ndarray,
    e: np.ndarray,
    *,
    method: Midstance,
    follow_drift: bool,
    chord: bool,
) -> np.ndarray:
    """Midstances by ``method`` (see ``midstance`` and ``ms_chord`` of
    :func:`detect_events`): the middle of stance, or the signal's peak in the stance."""
    n = xy.shape[0]
    sig = _midstance_signal(xy, side, method)
    if sig is None:
        ms = 0.5 * (ic + to)
    else:
        # in the stance from the landing on (the contact run may start before it) to
        # the toe-off (a run whose end lags the toe-off, as from behind on a treadmill
        # where the foot slides on, held the flight's falling pelvis: midstances up to
        # 27 frames late and pelvic drop 5-9 deg low); not cut at TO where the run
        # follows the drift (from the front on a treadmill the foot-height TO comes
        # 5-12 frames early and the run, extended along that slide, still holds the
        # lowest pelvis)
        first = np.ceil(np.nan_to_num(ic))
        landed = np.isfinite(ic) & (first < e - 1)
        a = np.where(landed, np.maximum(first, s), s).astype(int)
        a, b = np.clip(a, 0, n - 1), np.clip(e, 1, n)
        if not follow_drift:
            cut = np.floor(np.nan_to_num(to, nan=np.inf)) + 1
            b = np.where(landed & np.isfinite(to) & (cut < b), cut, b).astype(int)
        b = np.maximum(b, a + 1)
        if chord:
            timed = landed & np.isfinite(to) & (to - ic >= 1.0)
            sig = _above_chord(sig, ic, to, a, b, timed)
        ms = _argmax_in_runs(sig, a, b)
        ms = np.where(landed, np.maximum(ms, ic), ms)
        # a signal highest at the stance's first or last frame has no midstance in
        # it (a pelvis still rising from the landing, or already falling to the
        # flight): the middle of stance then, as METRICS.md allows
        best = np.rint(np.nan_to_num(ms, nan=-1.0))
        edge = (b - a >= 3) & ((best <= a) | (best >= b - 1))
        mid = np.where(np.isfinite(to), 0.5 * (ic + to), 0.5 * (ic + e - 1))
        ms = np.where(edge & np.isfinite(mid), mid, ms)
    return np.asarray(np.where(np.isfinite(ms), ms, 0.5 * (ic + to)))


def _unusable_contacts(
    h: np.ndarray,
    s: np.ndarray,
    e: np.ndarray,
    ic: np.ndarray,
    to: np.ndarray,
    ic_gap: np.ndarray,
    to_gap: np.ndarray,
    *,
    reach: int,
    lookback: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(unusable, reason) per contact: foot samples missing next to or inside it, its IC
    or TO next to a gap the cleaning filled (``ic_gap``, ``to_gap``: (n,) masks of the
    points each is timed on), or - with a ``lookback`` (frames) - a run starting that
    soon after the foot's first sample (a stance under way when the clip starts)."""
    n = h.size
    # missing foot samples next to or inside a contact
    missing = ~np.isfinite(h)
    cm = np.concatenate([[0], np.cumsum(missing)])
    lo, hi = np.clip(s - 2, 0, n), np.clip(e + 2, 0, n)
    gap = cm[hi] - cm[lo] > 0
    reason = np.where(gap, LANDMARK_GAP_REASONS[0], "")
    # events next to a gap the cleaning filled: the foot may have landed (left) in it -
    # or, for a landing, a filled gap between where the foot came within the contact
    # threshold and the IC: the foot came down in the gap and the IC was found after it
    ic_in = _near_gap(ic_gap, ic, reach=reach) | _gap_between(ic_gap, s, ic)
    to_in = _near_gap(to_gap, to, reach=reach)
    reason = np.where(
        gap,
        reason,
        np.where(
            ic_in,
            LANDMARK_GAP_REASONS[1],
            np.where(to_in, LANDMARK_GAP_REASONS[2], ""),
        ),
    )
    gap |= ic_in | to_in
    if lookback > 0:
        # the landing is looked for up to ic_lookback_s before the contact run: a run
        # that starts sooner after the foot's first sample may be a stance under way
        # when the clip starts (from behind on a treadmill the stance foot's height
        # keeps changing, so the run can start mid-stance: a 120-fps clip's first
        # contact was timed 72 frames late and kept)
        seen = np.flatnonzero(np.isfinite(h))
        early = (s - (seen[0] if seen.size else 0)) < lookback
        reason = np.where(~gap & early, CLIP_START_REASON, reason)
        gap |= early
    return gap, reason


def _gap_between(gap: np.ndarray, start: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """(k,) bool: a True sample of ``gap`` lies in frames ``start`` .. floor(``pos``) (the
    contact run's start to its IC), where the IC is finite and after the start."""
    ok = np.isfinite(pos)
    last = np.floor(np.where(ok, pos, 0.0)).astype(int)
    return ok & _gap_in(gap, start, last + 1)
