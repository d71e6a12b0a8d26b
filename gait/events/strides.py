"""From events to strides: one row per contact with the checks that make a stride
trustworthy (:mod:`~gait.events.stride_checks`); strides that fail are kept, marked
invalid with a reason."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from gait._runs import next_true
from gait.events.common import SIDES
from gait.events.stride_checks import (
    cross_checks,
    distrust_far_leg,
    first_failure,
    flag_odd_strides,
    own_checks,
    unusable_checks,
)


@dataclass(frozen=True)
class StrideLimits:
    """Physiological limits for running strides, in seconds of real time.

    ``scaled(f)`` multiplies every limit by ``f`` (for footage suspected to be slowed);
    ``max_stride_change`` is a fraction of the clip's median stride time and stays, as
    does ``max_duty``, the largest share of its stride a foot may spend on the ground
    (running stays under 50 %; a stride of the near foot at 64 % passed every other
    check on the real overground side clip, whose pose is missing on a third of the
    frames).
    """

    min_contact_s: float = 0.07
    max_contact_s: float = 0.55
    min_stride_s: float = 0.45
    max_stride_s: float = 1.6
    max_overlap_s: float = 0.03
    max_stride_change: float = 0.35
    max_duty: float = 0.6

    def scaled(self, factor: float) -> StrideLimits:
        return StrideLimits(
            self.min_contact_s * factor,
            self.max_contact_s * factor,
            self.min_stride_s * factor,
            self.max_stride_s * factor,
            self.max_overlap_s * factor,
            self.max_stride_change,
            self.max_duty,
        )


STRIDE_COLUMNS = (
    "side",
    "stride",
    "ic_pos",
    "ms_pos",
    "to_pos",
    "next_ic_pos",
    "prev_contra_ic_pos",
    "next_contra_ic_pos",
    "ic_time_s",
    "ms_time_s",
    "to_time_s",
    "next_ic_time_s",
    "contact_time_ms",
    "stride_time_s",
    "step_time_s",
    "valid",
    "reason",
    "note",
)


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _span(values: list[str]) -> str:
    """``175-307`` for the numbers a reason held in one place (one value if all agree)."""
    nums = sorted({float(v) for v in values})
    show = [next(v for v in values if float(v) == x) for x in (nums[0], nums[-1])]
    return show[0] if len(nums) == 1 else f"{show[0]}–{show[1]}"


def reason_counts(reasons: Iterable[Any]) -> list[tuple[str, int]]:
    """Why strides were not used: each reason once with its count, most frequent first.

    Reasons that differ only in their numbers ("a second contact of this foot 175 ms
    from another", "... 307 ms ...") are one reason, with each number shown as the range
    it took ("175–307 ms").
    """
    groups: dict[str, list[str]] = {}
    for r in reasons:
        t = r if isinstance(r, str) and r else "unspecified"
        groups.setdefault(_NUMBER.sub("#", t), []).append(t)
    out = []
    for key, texts in groups.items():
        slots = list(zip(*(_NUMBER.findall(t) for t in texts), strict=True))
        parts = key.split("#")
        label = parts[0] + "".join(
            _span(list(s)) + p for s, p in zip(slots, parts[1:], strict=True)
        )
        out.append((label, len(texts)))
    return sorted(out, key=lambda x: -x[1])


def _off_rhythm_contacts(
    events: pd.DataFrame, time_s: np.ndarray, min_stride_s: float
) -> tuple[dict[str, dict[Any, float]], dict[str, dict[Any, float]]]:
    """Contacts to leave out, and contacts kept that may be cut short: per side, contact
    id -> gap (s) to its twin.

    Two contacts of one foot closer than ``min_stride_s``, with no contact of the other
    foot between them, cannot both be landings: the pose model's foot dipped to the floor
    level and rose again before the real landing (the far foot of the rendered
    ``before_side`` runner, 4-6 frames early, 4 times in 5 s), or it was misplaced for a
    few frames.  The one farther from the middle of the other foot's contacts before and
    after the pair (where steady running puts it) is dropped; at the clip's edge, the one
    farther from half a stride after (before) the other foot's last (first) contact.
    When the later one goes, the earlier one's stance may have been cut in two (the
    foot rose off its level for a few frames: ``side_compensations``' near foot, toe-off
    118 ms after contact against a true 289 ms), so its stride is not used either.
    """
    n = time_s.size
    dropped: dict[str, dict[Any, float]] = {s: {} for s in SIDES}
    cut: dict[str, dict[Any, float]] = {s: {} for s in SIDES}
    ic_rows = events[events["kind"] == "ic"]
    pos = {
        s: ic_rows[ic_rows["side"] == s][["contact", "pos"]].dropna().sort_values("pos")
        for s in SIDES
    }
    for side, other in (("left", "right"), ("right", "left")):
        mine, oth = pos[side], pos[other]["pos"].to_numpy(dtype=float)
        if len(mine) < 2 or oth.size < 2:
            continue
        ids, p = mine["contact"].to_list(), mine["pos"].to_numpy(dtype=float)
        t = np.interp(p, np.arange(n), time_s)
        half = 0.5 * float(np.median(np.diff(oth)))  # half a stride of the other foot
        # each contact against the one before (the usual case: a stride, or a
        # contralateral contact between), worked out for all at once
        apart = (t[1:] - t[:-1] >= min_stride_s) | (
            np.searchsorted(oth, p[1:], "right") > np.searchsorted(oth, p[:-1], "left")
        )
        stride_before = [True, *apart.tolist()]
        kept = [0]
        for j in range(1, p.size):
            k = kept[-1]
            if k == j - 1 and stride_before[j]:
                kept.append(j)
                continue
            gap = float(t[j] - t[k])
            lo, hi = np.searchsorted(oth, p[k], "left"), np.searchsorted(oth, p[j], "right")
            if gap >= min_stride_s or hi > lo:
                kept.append(j)  # a stride, or a contralateral contact between
                continue
            if lo > 0 and hi < oth.size:
                mid = 0.5 * (oth[lo - 1] + oth[hi])
            else:  # at the clip's edge: half a stride from the other foot's one contact
                mid = oth[lo - 1] + half if lo > 0 else oth[hi] - half
            if abs(p[j] - mid) < abs(p[k] - mid):
                dropped[side][ids[k]] = gap
                kept[-1] = j
            else:
                # the later one dropped: the contact kept may end where it split in two
                dropped[side][ids[j]] = gap
                cut[side][ids[k]] = gap
    return dropped, cut


def strides_from_events(
    events: pd.DataFrame,
    time_s: np.ndarray,
    *,
    limits: StrideLimits | None = None,
    unusable: Sequence[tuple[np.ndarray, str]] = (),
    trusted_side: str | None = None,
    far_min_valid_fraction: float = 0.5,
) -> pd.DataFrame:
    """One row per contact (stance and the stride that starts with it), with checks.

    A stride runs from a foot's IC to its next IC.  It is valid when: both ICs and the TO
    exist and are ordered IC < TO < next IC; exactly one contralateral IC lies between
    (alternation) and it falls between 30 % and 70 % of the stride (steps of similar
    length); the other foot does not land before this one leaves the ground (running has
    no double support; ``limits.max_overlap_s`` tolerance), nor does this foot land before
    the other one leaves it; contact and stride times lie
    within ``limits`` and the stride time within ``limits.max_stride_change`` of the
    median valid stride; its events are valid; and no frame in it is in one of
    the ``unusable`` sets.  Failing strides are kept with
    ``valid = False`` and a ``reason``.  Of two contacts of one foot closer than
    ``limits.min_stride_s`` with no contact of the other foot between them, the one off
    the step rhythm is left out first (:func:`_off_rhythm_contacts`): a stride then runs
    to the next contact kept.

    Parameters
    ----------
    events : DataFrame
        Output of :func:`detect_events`.
    time_s : ndarray of shape (n,)
        Frame times in seconds.
    limits : StrideLimits, optional
        Physiological limits (default :class:`StrideLimits`).
    unusable : sequence of (ndarray of shape (n,) bool, str)
        Frames that invalidate a stride containing them (a turn, a stretch played at
        another speed), each set with the reason recorded; checked in order.
    trusted_side : {"left", "right"} or None
        The foot whose landmarks are reliable (the near foot in a side view).  The checks
        that involve the other foot (alternation, even steps, no double support) then do
        not invalidate the trusted foot's strides - a far foot hidden or misplaced by the
        pose model would otherwise take every stride down with it; they are recorded in
        the ``note`` column instead.  Conversely, unless the other foot's strides surely
        pass at least ``far_min_valid_fraction`` of the time (the lower end of their pass
        rate's confidence interval), while at least that share of the trusted foot's
        do, and more of them, the other foot's passing strides are marked invalid too:
        that leg may not be tracked (:func:`~gait.events.stride_checks.distrust_far_leg`).
    far_min_valid_fraction : float
        See ``trusted_side``.

    Returns
    -------
    DataFrame
        Columns :data:`STRIDE_COLUMNS`; positions are fractional frame indices, times in
        seconds, ``contact_time_ms = 1000 (TO - IC)``, ``stride_time_s = next IC - IC``,
        ``step_time_s = IC - previous contralateral IC``.
    """
    lim = limits or StrideLimits()
    dropped, split = _off_rhythm_contacts(events, time_s, lim.min_stride_s)
    ics: dict[str, np.ndarray] = {}
    tos: dict[str, np.ndarray] = {}
    for s in SIDES:
        ics[s], tos[s] = _kept_contacts(events, s, dropped[s])
    rows = [
        _side_strides(
            events[events["side"] == side],
            side,
            ics[other],
            tos[other],
            time_s,
            lim=lim,
            dropped=dropped[side],
            split=split[side],
            unusable=unusable,
            trusted=side == trusted_side,
        )
        for side, other in (("left", "right"), ("right", "left"))
        if (events["side"] == side).any()
    ]
    if not rows:
        return pd.DataFrame(
            {
                c: pd.Series(dtype=object if c in ("side", "reason", "note") else float)
                for c in STRIDE_COLUMNS
            }
        )
    out = pd.concat(rows, ignore_index=True).sort_values("ic_pos", kind="stable")
    out = out.reset_index(drop=True)
    flag_odd_strides(out, lim.max_stride_change)
    if trusted_side in SIDES:
        distrust_far_leg(
            out,
            trusted_side,
            min_valid_fraction=far_min_valid_fraction,
            not_tracking=[why for _, why in unusable],
        )
    return out


def _kept_contacts(
    events: pd.DataFrame, side: str, dropped: dict[Any, float]
) -> tuple[np.ndarray, np.ndarray]:
    """(IC, TO) positions of one foot's contacts that are not ``dropped``, in time order."""
    ev_s = events[(events["side"] == side) & ~events["contact"].isin(list(dropped))]
    if ev_s.empty:
        return np.zeros(0), np.zeros(0)
    piv_s = ev_s.pivot_table(index="contact", columns="kind", values="pos", aggfunc="first")
    piv_s = piv_s.reindex(columns=["ic", "to"])
    order = np.argsort(piv_s["ic"].to_numpy(dtype=float), kind="stable")
    return piv_s["ic"].to_numpy(dtype=float)[order], piv_s["to"].to_numpy(dtype=float)[order]


def _side_strides(
    ev: pd.DataFrame,
    side: str,
    oth: np.ndarray,
    oth_to: np.ndarray,
    time_s: np.ndarray,
    *,
    lim: StrideLimits,
    dropped: dict[Any, float],
    split: dict[Any, float],
    unusable: Sequence[tuple[np.ndarray, str]],
    trusted: bool,
) -> pd.DataFrame:
    """The strides of one foot (its events ``ev``) against the other foot's kept contacts
    (IC and TO positions ``oth``, ``oth_to``), with the checks of
    :func:`strides_from_events`."""
    n = time_s.size
    piv = ev.pivot_table(index="contact", columns="kind", values="pos", aggfunc="first")
    piv = piv.reindex(columns=["ic", "ms", "to"])  # a kind may be missing entirely
    ok_ev = ev.groupby("contact")["valid"].all()
    why = ev.groupby("contact")["reason"].first()
    ic = piv["ic"].to_numpy(dtype=float)
    ms = piv["ms"].to_numpy(dtype=float)
    to = piv["to"].to_numpy(dtype=float)
    gone = piv.index.isin(list(dropped))
    # each stride ends at the next contact kept (a dropped one ends nothing)
    later = np.append(np.where(gone, np.nan, ic)[1:], [np.nan, np.nan])
    nxt = np.where(gone, np.nan, later[next_true(np.isfinite(later[:-1]))])
    prev_c, next_c, prev_to, n_between = _other_foot_around(oth, oth_to, ic, nxt)
    t = lambda p: np.interp(p, np.arange(n), time_s)  # noqa: E731
    ic_t, to_t, nxt_t = t(ic), t(to), np.where(np.isfinite(nxt), t(np.nan_to_num(nxt)), np.nan)
    contact_ms = 1000.0 * (to_t - ic_t)
    stride_s = nxt_t - ic_t
    step_s = np.where(np.isfinite(prev_c), ic_t - t(np.nan_to_num(prev_c)), np.nan)
    cross = cross_checks(
        n_between,
        ic_t,
        to_t,
        stride_s,
        np.where(np.isfinite(next_c), t(np.nan_to_num(next_c)), np.nan),
        np.where(np.isfinite(prev_to), t(np.nan_to_num(prev_to)), np.nan),
        max_overlap_s=lim.max_overlap_s,
    )
    checks = own_checks(
        piv.index,
        ic,
        to,
        nxt,
        contact_ms,
        stride_s,
        events_ok=ok_ev.to_numpy(),
        events_why=why.to_numpy().astype(str),
        lim=lim,
        dropped=dropped,
        split=split,
    )
    if trusted:
        note = first_failure(cross, ic.size)
    else:
        note = np.full(ic.size, "", dtype=object)
        checks = checks[:5] + cross + checks[5:]
    # frames not to be used (a turn, a stretch played at another speed) come first: what
    # else such a stride fails follows from them, and a far leg is not judged by them (a
    # stretch played 2x fast failed its strides on landmark gaps first, and from the
    # side the far leg lost its trust to them)
    checks = unusable_checks(unusable, ic, to, nxt, n) + checks
    reason = first_failure(checks, ic.size)
    return pd.DataFrame(
        {
            "side": side,
            "stride": piv.index.to_numpy(),
            "ic_pos": ic,
            "ms_pos": ms,
            "to_pos": to,
            "next_ic_pos": nxt,
            "prev_contra_ic_pos": prev_c,
            "next_contra_ic_pos": next_c,
            "ic_time_s": ic_t,
            "ms_time_s": t(ms),
            "to_time_s": to_t,
            "next_ic_time_s": nxt_t,
            "contact_time_ms": contact_ms,
            "stride_time_s": stride_s,
            "step_time_s": step_s,
            "valid": reason == "",
            "reason": reason,
            "note": note,
        }
    )


def _other_foot_around(
    oth: np.ndarray, oth_to: np.ndarray, ic: np.ndarray, nxt: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The other foot's kept contacts (IC positions ``oth``, their TO ``oth_to``) about
    each stride from ``ic`` to ``nxt``: (its contact before IC, its contact after IC, the
    toe-off of the one before - double support if after IC -, how many of its contacts
    fall in the stride); NaN where there is none."""
    j_after = np.searchsorted(oth, ic, side="right")
    prev_to = np.where(
        j_after > 0, oth_to[np.clip(j_after - 1, 0, None)] if oth.size else np.nan, np.nan
    )
    prev_c = np.where(
        j_after > 0, oth[np.clip(j_after - 1, 0, None)] if oth.size else np.nan, np.nan
    )
    next_c = np.where(
        j_after < oth.size,
        oth[np.clip(j_after, 0, max(oth.size - 1, 0))] if oth.size else np.nan,
        np.nan,
    )
    n_between = np.searchsorted(oth, nxt, side="left") - j_after
    return prev_c, next_c, prev_to, n_between
