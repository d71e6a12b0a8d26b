"""What the events code shares: the sides, the events table (its columns and its typed
empty form) and the reasons a contact's events are not used."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

SIDES = ("left", "right")


EVENT_COLUMNS = ("side", "kind", "frame", "time_s", "pos", "contact", "valid", "reason")


#: Reasons that mark a contact timed next to missing or gap-filled landmarks: its events
#: say nothing about the gait (a contact cut by the start or end of the pose data, a
#: landing inside a dropout).
LANDMARK_GAP_REASONS = (
    "foot landmarks missing around the contact",
    "contact inside a landmark gap",
    "toe-off inside a landmark gap",
)


Midstance = Literal["middle", "pelvis", "knee"]


#: Why a contact at the very start of a clip is not used (its landing may precede it).
CLIP_START_REASON = "contact at the start of the clip: its landing may lie before it"


#: Why the last contact of each foot in a clip is not a stride.
CLIP_END_REASON = "no next contact of this foot (end of clip)"


def empty_events() -> pd.DataFrame:
    """The typed, empty events table."""
    return pd.DataFrame(
        {
            "side": pd.Series(dtype=object),
            "kind": pd.Series(dtype=object),
            "frame": pd.Series(dtype=np.int64),
            "time_s": pd.Series(dtype=float),
            "pos": pd.Series(dtype=float),
            "contact": pd.Series(dtype=np.int64),
            "valid": pd.Series(dtype=bool),
            "reason": pd.Series(dtype=object),
        }
    )


def event_rows(
    side: str,
    ic: np.ndarray,
    ms: np.ndarray,
    to: np.ndarray,
    *,
    valid: np.ndarray,
    reason: np.ndarray,
    frame_index: np.ndarray,
    time_s: np.ndarray,
) -> pd.DataFrame:
    """One foot's events as rows of the events table: three per contact (IC, MS, TO at
    fractional frame positions), the contact number and its validity and reason.  A
    missing position (NaN) gets frame 0 and no time."""
    n = time_s.size
    parts = []
    for kind, pos in (("ic", ic), ("ms", ms), ("to", to)):
        p = np.nan_to_num(pos, nan=0.0)
        parts.append(
            pd.DataFrame(
                {
                    "side": side,
                    "kind": kind,
                    "frame": frame_index[np.clip(np.rint(p).astype(int), 0, n - 1)],
                    "time_s": np.where(np.isnan(pos), np.nan, np.interp(p, np.arange(n), time_s)),
                    "pos": pos,
                    "contact": np.arange(ic.size),
                    "valid": valid,
                    "reason": reason,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def sort_events(events: pd.DataFrame) -> pd.DataFrame:
    """The events table in time order (IC, MS, TO at one position in that order), with a
    fresh index."""
    order = {"ic": 0, "ms": 1, "to": 2}
    ev = events.assign(_k=events["kind"].map(order))
    ev = ev.sort_values(["pos", "_k"], kind="stable").drop(columns="_k")
    return ev.reset_index(drop=True)
