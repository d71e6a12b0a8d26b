"""The checks that make a stride trustworthy, for :func:`~gait.events.strides_from_events`.

Each check gives, per stride, whether it fails and the reason: on one foot's own strides
(:func:`own_checks`: a contact off the step rhythm, its events' validity, the clip's end,
the events' order, contact and stride times in the running range, the share of the stride
on the ground), against the other foot (:func:`cross_checks`: alternation, even steps, no
double support) and on frames not to be used (:func:`unusable_checks`); a stride's reason
is the first check it fails (:func:`first_failure`).  Then, over the whole clip, strides
far off the median stride time (:func:`flag_odd_strides`) and the passing strides of a far
leg not surely tracked (:func:`distrust_far_leg`) are marked invalid.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from gait.events.common import CLIP_END_REASON, CLIP_START_REASON, SIDES

if TYPE_CHECKING:
    from gait.events.strides import StrideLimits


def unusable_checks(
    unusable: Sequence[tuple[np.ndarray, str]],
    ic: np.ndarray,
    to: np.ndarray,
    nxt: np.ndarray,
    n: int,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """One (fails, reason) check per frame set of ``unusable`` that has frames: a stride
    fails when any of its frames, from IC to the next contact (or to its TO, or IC),
    is in the set."""
    out = []
    for frames, why_bad in unusable:
        if frames.any():
            lo = np.clip(np.floor(ic).astype(int), 0, n)
            last = np.where(np.isfinite(nxt), nxt, np.where(np.isfinite(to), to, ic))
            end = np.ceil(np.nan_to_num(last)).astype(int)
            hi = np.clip(end + 1, 0, n)
            cb = np.concatenate([[0], np.cumsum(frames)])
            out.append((cb[hi] - cb[lo] > 0, np.full(ic.size, why_bad)))
    return out


def first_failure(checks: Sequence[tuple[np.ndarray, np.ndarray]], k: int) -> np.ndarray:
    """(k,) object array: per stride, the message of the first check in ``checks`` it
    fails ("" when it passes them all)."""
    out = np.full(k, "", dtype=object)
    for fail, msg in checks:
        fill = fail & (out == "")
        out[fill] = msg[fill]
    return out


def cross_checks(
    n_between: np.ndarray,
    ic_t: np.ndarray,
    to_t: np.ndarray,
    stride_s: np.ndarray,
    next_c_t: np.ndarray,
    prev_to_t: np.ndarray,
    *,
    max_overlap_s: float,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The checks that involve the other foot, as (fails, reason) per stride: one of its
    contacts in the stride, near mid-stride, and no double support either way (times in
    seconds; ``next_c_t``, ``prev_to_t``: the other foot's next contact and the toe-off
    before this contact, NaN where there is none)."""
    size = ic_t.size
    # a missing contact or toe-off (NaN) compares False: it fails no check
    offset = next_c_t - ic_t
    return [
        (
            n_between != 1,
            np.char.add(
                "contacts do not alternate: ",
                np.char.add(n_between.astype(str), " contralateral contacts in the stride"),
            ),
        ),
        (
            (n_between == 1) & ((offset < 0.3 * stride_s) | (offset > 0.7 * stride_s)),
            np.full(size, "uneven steps: the other foot's contact is far from mid-stride"),
        ),
        (
            next_c_t < to_t - max_overlap_s,
            np.full(size, "the other foot lands before this one leaves the ground"),
        ),
        (
            prev_to_t > ic_t + max_overlap_s,
            np.full(size, "this foot lands before the other one leaves the ground"),
        ),
    ]


def own_checks(
    contacts: pd.Index,
    ic: np.ndarray,
    to: np.ndarray,
    nxt: np.ndarray,
    contact_ms: np.ndarray,
    stride_s: np.ndarray,
    *,
    events_ok: np.ndarray,
    events_why: np.ndarray,
    lim: StrideLimits,
    dropped: dict[Any, float],
    split: dict[Any, float],
) -> list[tuple[np.ndarray, np.ndarray]]:
    """The checks on one foot's own strides, as (fails, reason) in the order they are
    reported: a contact cut short or left out off the step rhythm, its events' own
    validity, the clip's end, the events' order, contact and stride times in the running
    range, and the share of the stride on the ground."""
    size = ic.size
    with np.errstate(divide="ignore", invalid="ignore"):
        duty = 0.1 * contact_ms / stride_s  # per cent of the stride on the ground
    duty_pct = np.round(np.clip(np.nan_to_num(duty), -999, 999)).astype(int)
    cut_msg = [
        f"this contact may be cut short: the foot seemed to land again "
        f"{1000.0 * split.get(c, 0.0):.0f} ms later, off the step rhythm (that "
        "second contact is not used)"
        for c in contacts
    ]
    gone_msg = [
        f"a second contact of this foot {1000.0 * dropped.get(c, 0.0):.0f} ms from "
        "another, off the step rhythm (the foot dipped to the floor level, or the pose "
        "model misplaced it): not used"
        for c in contacts
    ]
    return [
        (contacts.isin(list(split)), np.array(cut_msg)),
        (contacts.isin(list(dropped)), np.array(gone_msg)),
        (~events_ok, events_why),
        (~np.isfinite(nxt), np.full(size, CLIP_END_REASON)),
        (
            ~(to > ic) | (np.isfinite(nxt) & (to >= nxt)),  # NaN: missing
            np.full(size, "events missing or out of order"),
        ),
        (
            (contact_ms < 1000 * lim.min_contact_s) | (contact_ms > 1000 * lim.max_contact_s),
            np.char.add(
                "contact time outside running range: ",
                np.char.add(np.round(np.nan_to_num(contact_ms)).astype(int).astype(str), " ms"),
            ),
        ),
        (
            np.isfinite(stride_s) & ((stride_s < lim.min_stride_s) | (stride_s > lim.max_stride_s)),
            np.char.add(
                "stride time outside running range: ",
                np.char.add(np.round(np.nan_to_num(stride_s), 2).astype(str), " s"),
            ),
        ),
        (
            np.isfinite(stride_s) & (contact_ms > 1000.0 * lim.max_duty * stride_s),
            np.char.add(
                np.char.add("the foot is on the ground for ", duty_pct.astype(str)),
                " % of the stride: not a running stride",
            ),
        ),
    ]


def flag_odd_strides(strides: pd.DataFrame, max_change: float) -> None:
    """Invalidate (in place) valid strides far from the clip's median stride time.

    Steady running varies its stride time by a few per cent; a stride more than
    ``max_change`` (a fraction) off the median of the valid ones ends at a missed or an
    extra contact.  Needs at least three valid strides.
    """
    ok = strides["valid"].to_numpy(dtype=bool)
    st = strides["stride_time_s"].to_numpy(dtype=float)
    if ok.sum() < 3:
        return
    typical = float(np.median(st[ok]))
    odd = ok & (np.abs(st / typical - 1.0) > max_change)
    if odd.any():
        strides.loc[odd, "valid"] = False
        strides.loc[odd, "reason"] = [
            f"stride time {v:.2f} s is over {max_change:.0%} off the clip's median {typical:.2f} s"
            for v in st[odd]
        ]


#: How sure the far leg's pass rate must be: the lower end of its Wilson score interval
#: at this many standard errors (one-sided 84 %) must reach the required share.
FAR_PASS_RATE_Z = 1.0


def pass_rate_lower_bound(n_pass: int, n: int, z: float = FAR_PASS_RATE_Z) -> float:
    """Lower end of the Wilson score interval of a pass rate (0 when ``n`` is 0).

    Notes
    -----
    With p = ``n_pass / n``::

        lower = (p + z^2 / 2n - z sqrt(p (1 - p) / n + z^2 / 4n^2)) / (1 + z^2 / n)

    It stays inside [0, 1] and is fair at the few strides of a short clip, where the
    normal approximation is not (Wilson 1927, J Am Stat Assoc 22:209-212; Brown, Cai &
    DasGupta 2001, Stat Sci 16:101-133).  At z = 1: 3 of 4 passing gives 0.50, 4 of 6
    0.46, 5 of 6 0.64, 11 of 22 0.40.
    """
    if n <= 0:
        return 0.0
    p, z2 = n_pass / n, z * z
    centre = p + z2 / (2 * n)
    half = z * np.sqrt(p * (1.0 - p) / n + z2 / (4 * n * n))
    return float((centre - half) / (1.0 + z2 / n))


def distrust_far_leg(
    strides: pd.DataFrame,
    trusted_side: str,
    *,
    min_valid_fraction: float,
    not_tracking: Sequence[str] = (),
) -> None:
    """Invalidate (in place) the passing strides of a far leg not surely tracked.

    When the far leg's strides cannot be said to pass at least ``min_valid_fraction`` of
    the time - the lower end of the pass rate's confidence interval
    (:func:`pass_rate_lower_bound`) falls short of it - while at least that share of the
    near leg's pass, and more of them than of the far leg's, the pose model may not be
    tracking the far leg (hidden by a treadmill console, or its landmarks drawn onto the
    near leg), and the strides that pass may do so by chance.  The strides at either end
    of the clip (no landing before, or no next contact) are not counted, nor those that
    fail for a reason in ``not_tracking`` (frames not to be used: a turn, a stretch
    played at another speed): they fail whatever the tracking.  The bound, not the share
    itself, decides: a share near the threshold is read from a few strides of a short
    clip, and it would keep the far leg in one part of a clip and drop it in another
    (the real garage treadmill clip: 11 of its 22 inner far strides pass, 1 of 7 to 5 of
    8 in its 4- and 6-s parts; a share of all its strides of at least 0.5 kept the far
    leg in three of those nine parts, ``benchmarks/window_stability.py``).
    """
    other = SIDES[1 - SIDES.index(trusted_side)]
    # a stride at either end of the clip, or in frames not to be used, fails whatever
    # the tracking: not counted
    untracked = (CLIP_START_REASON, CLIP_END_REASON, *not_tracking)
    inner = ~strides["reason"].isin(untracked).to_numpy()
    on_far = (strides["side"] == other).to_numpy()
    far = on_far & inner
    near = (strides["side"] == trusted_side).to_numpy() & inner
    valid = strides["valid"].to_numpy(dtype=bool)
    if far.sum() < 3 or not near.any():
        return
    n_ok, n_far = int(valid[far].sum()), int(far.sum())
    near_ok = valid[near].mean()
    sure = pass_rate_lower_bound(n_ok, n_far) >= min_valid_fraction
    if sure or near_ok < min_valid_fraction or n_ok / n_far >= near_ok:
        return
    hit = on_far & valid
    strides.loc[hit, "valid"] = False
    strides.loc[hit, "reason"] = (
        f"the far ({other}) leg is poorly tracked: {n_far - n_ok} of its {n_far} strides "
        "fail the checks, too many to trust the others"
    )
