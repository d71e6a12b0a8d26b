"""Camera roll from the floor line in a side view: which evidence, and how far to trust it.

The feet rest on the floor during stance, so their lowest points trace the floor line;
its slope in the image is the camera roll.  Two kinds of evidence differ in how well they
resist the pose model's bias on the feet:

* **steps** (overground) - successive contacts of one foot sit at different places along
  the floor.  Each contact is reduced to one point, the median of its lowest foot point
  over the middle half of the contact, so every point is taken at the same phase of
  stance and carries the same bias; the slope between two contacts of the same foot
  (one floor line per foot: the far foot lands higher in the image) is then free of it.
  The roll is the median of the pairwise slopes (Theil-Sen: Theil 1950, Sen 1968), robust
  to a mislabelled or misplaced contact.  Measured on rendered overground clips through
  MediaPipe (level and rolled -5..+4 deg): within 0.5 deg.
* **slide** (treadmill) - every contact happens at about the same place, and the floor
  line is only traced by the stance foot sliding back with the belt, over about half a
  leg length.  The pose model's error on the foot changes with the phase of stance
  (MediaPipe places the near foot 2-18 px too high, most in late stance, on the rendered
  sample clips), and on a treadmill the phase and the position along the floor are the
  same thing: the bias becomes a slope.  Measured on the roll-free rendered treadmill
  clips: -4.1 to +0.8 deg; on rotated copies of them: errors up to 3.8 deg.  The near
  foot is biased more than the far one, so the two feet's own slide slopes then
  disagree (by 1.9-4.4 deg on the side_compensations clip and its rotated copies, by
  0.1-1.3 on exact and 1.5-px-noise synthetic feet): a slide estimate is used only when
  they agree (:data:`SLIDE_MAX_DISAGREE_DEG`) and, like any, when it is at least
  :data:`gait.view.ROLL_MIN_DEG`.  What agreeing feet measure is the
  floor line as the image shows it: on the real garage treadmill clip (+3.0 deg, feet
  within 0.7) the room's edges put the camera roll near -1.5 deg and the belt's slope in
  the image down to perspective (a camera not square to the belt) - the events need that
  line levelled (levelling by 0 or -1.5 deg there mistimes 2-3 of 15 contacts), the
  angles against the vertical do not: the cabinet edges next to the runner lean 0-1.5
  deg in the frame as filmed, 3-4.5 deg once it is turned by the belt's slope.  So a
  slide levels the feet for the events whenever the feet agree, and the angles only when
  it exceeds its own bias (:attr:`FloorLine.is_camera_roll`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gait._runs import true_runs
from gait.posedata import LANDMARK_INDEX

#: Contacts whose points spread over at least this many leg lengths along x give a
#: step-based estimate (treadmill contacts spread 0.4-1.0 on the rendered and real clips,
#: overground ones 2.5-8).
STEPS_MIN_SPREAD = 1.5
#: Two contacts of one foot form a pair only this many leg lengths apart (or more).
STEPS_MIN_DX = 0.5
#: A step-based roll needs at least this many pairs.
STEPS_MIN_PAIRS = 2
#: Typical bias of a slide (treadmill) estimate through MediaPipe, degrees (its
#: uncertainty).
SLIDE_BIAS_DEG = 4.0
#: A slide estimate is applied only when the two feet's own slide slopes agree this
#: closely, degrees.
SLIDE_MAX_DISAGREE_DEG = 2.0
#: The slide fit keeps the contact frames within this many robust SDs of the foot's
#: median height in contact (at most :data:`_CONTACT_HEIGHT`, at least
#: :data:`MIN_SLIDE_HEIGHT`).
SLIDE_CONTACT_SDS = 5.0
#: Lowest height bound of those frames, leg lengths.
MIN_SLIDE_HEIGHT = 0.01
#: An untrusted slide estimate this large is worth a note.
SLIDE_NOTE_DEG = 5.0
#: A contact must last this many frames to give a contact point.
_MIN_CONTACT_FRAMES = 2
#: Foot height (leg lengths above the rolling floor) below which the foot is in contact.
_CONTACT_HEIGHT = 0.06
#: The median of a contact's middle half reads at most this many of its frames.
_MAX_MEDIAN_FRAMES = 256
#: Contacts of one foot a step estimate pairs at most (evenly chosen beyond: the pairs
#: grow with the square of the contacts, 20 000 at most).
_MAX_STEP_CONTACTS = 200
#: Window of that rolling floor, seconds: about one stride, so that overground, before
#: levelling, a rolled floor does not drift far within it (the events' 2-s window lost
#: the contacts of a 3-deg roll crossing the image).
_FLOOR_WINDOW_S = 1.0


@dataclass(frozen=True)
class FloorLine:
    """One floor-line estimate of the camera roll.

    Attributes
    ----------
    roll_deg : float
        Slope of the floor line, degrees (positive = descending to the right); NaN when
        there is no usable evidence.
    method : {"steps", "slide", "none"}
        Between contacts (overground), along the sliding stance foot (treadmill), or none.
    spread : float
        Spread along x of the contact points, leg lengths.
    n_pairs : int
        Pairs of contacts the step estimate used.
    uncertainty_deg : float
        Half-width of the error to expect: the Theil-Sen standard error for steps
        (1.4826 MAD / sqrt(pairs)), :data:`SLIDE_BIAS_DEG` or the feet's disagreement
        for a slide; infinite without evidence.
    feet_disagree_deg : float
        Left minus right foot slide slope, degrees (NaN if a foot has too few points).
    """

    roll_deg: float
    method: str
    spread: float
    n_pairs: int
    uncertainty_deg: float
    feet_disagree_deg: float

    @property
    def trusted(self) -> bool:
        """The estimate is strong enough to level the clip by."""
        if not np.isfinite(self.roll_deg):
            return False
        if self.method == "steps":  # and clearly above its own scatter
            return abs(self.roll_deg) >= 2.0 * self.uncertainty_deg
        return self.method == "slide" and abs(self.feet_disagree_deg) <= SLIDE_MAX_DISAGREE_DEG

    @property
    def is_camera_roll(self) -> bool:
        """The slope is the camera's roll, to level the angles by, not only the floor's.

        Steps: whenever trusted.  A slide mixes the camera roll with the belt seen in
        perspective (a camera not square to it, above or below it) and the pose model's
        phase bias on the foot, each worth degrees: it counts as a roll only beyond that
        uncertainty (:data:`SLIDE_BIAS_DEG`, plus what the estimate still moved in its
        last refinement pass: see ``gait.view._side_roll``).  On the real garage
        treadmill clip the belt line reads +3.3 deg while the cabinet edges next to the
        runner lean 0-1.5 deg as filmed (3-4.5 once levelled by the belt): levelled by it,
        trunk lean read 5.6 deg, hip extension 20.1 and shank angle 5.8, against 2.5, 17.0
        and 8.9 as filmed.
        """
        if not self.trusted:
            return False
        return self.method == "steps" or abs(self.roll_deg) >= self.uncertainty_deg

    @property
    def confidence(self) -> float:
        """0-1: 1 / (1 + uncertainty in degrees); 0 without evidence."""
        if not np.isfinite(self.roll_deg) or not np.isfinite(self.uncertainty_deg):
            return 0.0
        return float(1.0 / (1.0 + self.uncertainty_deg))


def _contact_points(
    x: np.ndarray, y: np.ndarray, contact: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(k,) x and y of each contact: medians over the middle half of the contact run."""
    start, stop = true_runs(contact)
    keep = stop - start >= _MIN_CONTACT_FRAMES
    start, stop = start[keep], stop[keep]
    if start.size == 0:
        return np.zeros(0), np.zeros(0)
    last = stop - start - 1
    lo = start + np.floor(0.25 * last).astype(int)
    size = start + np.ceil(0.75 * last).astype(int) + 1 - lo
    # all contacts at once: one row of frames per contact, NaN-padded (a contact longer
    # than _MAX_MEDIAN_FRAMES is sampled evenly)
    width = int(min(size.max(), _MAX_MEDIAN_FRAMES))
    j = np.arange(width)
    step = np.maximum(size / width, 1.0)
    idx = lo[:, None] + np.floor(j[None, :] * step[:, None]).astype(int)
    inside = j[None, :] < np.minimum(size, width)[:, None]
    idx = np.where(inside, idx, lo[:, None])
    cx = np.nanmedian(np.where(inside, x[idx], np.nan), axis=1)
    cy = np.nanmedian(np.where(inside, y[idx], np.nan), axis=1)
    return cx, cy


def _on_floor(h: np.ndarray, contact: np.ndarray) -> np.ndarray:
    """``contact`` frames whose height ``h`` (leg lengths) is within
    :data:`SLIDE_CONTACT_SDS` robust SDs of its median over the contact frames (at least
    :data:`MIN_SLIDE_HEIGHT`)."""
    if contact.sum() < 10:
        return contact
    hc = h[contact]
    med = float(np.median(hc))
    spread = 1.4826 * float(np.median(np.abs(hc - med)))
    bound = min(_CONTACT_HEIGHT, max(MIN_SLIDE_HEIGHT, med + SLIDE_CONTACT_SDS * spread))
    return np.asarray(contact & (h < bound))


def floor_roll_deg(xy: np.ndarray, *, leg_length: float, fps: float) -> FloorLine:
    """Camera roll from the floor line through the feet during contact (side view).

    Per foot, the lowest of heel and toe is taken on every frame; frames where the foot is
    near its floor (:func:`gait.events.contact_envelope` below 6 % of the leg length) are
    contacts.  Contacts spread along the image (overground) give the "steps" estimate,
    else the contact frames' common-slope line fit (one intercept per foot) gives the
    "slide" one; see the module docstring for why they are trusted differently.  Call it
    repeatedly on the levelled points to refine (the contact selection improves).

    Parameters
    ----------
    xy : ndarray of shape (n, 33, 2)
    leg_length : float
        Leg length in pixels.
    fps : float

    Returns
    -------
    FloorLine
    """
    from gait.events import contact_envelope

    env = contact_envelope(
        xy, fps, leg_length=leg_length, floor_window_s=_FLOOR_WINDOW_S, per_point=False
    )
    pair_slopes: list[np.ndarray] = []
    spread = 0.0
    sxy = sxx = 0.0
    foot_slope = np.full(2, np.nan)
    n_slide = 0
    slide_x: list[np.ndarray] = []
    for j, side in enumerate(("left", "right")):
        low_x, low_y = _lowest_foot_point(xy, side)
        contact = np.isfinite(low_x) & np.isfinite(low_y) & (env[:, j] < _CONTACT_HEIGHT)
        steps = _step_slopes(low_x, low_y, contact, leg_length)
        if steps is not None:
            spread = max(spread, steps[0])
            pair_slopes.append(steps[1])
        # slide: this foot's contact frames, centred on their own means
        # (the frames the foot is on the floor by its own scatter there: 6 % of the leg
        # is room for a pose model's feet, and on exact landmarks it takes in the last
        # airborne frames of a forefoot or midfoot landing, ahead of the stance foot and
        # above it - exact runners on a level treadmill read -2.9 to +1.7 deg, now within
        # 0.4; the rendered and real clips move by 0.4 deg at most)
        slide = _slide_sums(low_x, low_y, _on_floor(env[:, j], contact))
        if slide is not None:
            x, fx, fxy = slide
            if fx > 0:
                foot_slope[j] = fxy / fx
            sxx += fx
            sxy += fxy
            n_slide += x.size
            slide_x.append(x)
    pairs = np.concatenate(pair_slopes) if pair_slopes else np.zeros(0)
    disagree = float(np.degrees(np.arctan(foot_slope[0]) - np.arctan(foot_slope[1])))
    if spread >= STEPS_MIN_SPREAD:
        return _steps_line(pairs, spread, disagree)
    return _slide_line(sxy, sxx, n_slide, slide_x, leg_length, spread, disagree)


def _lowest_foot_point(xy: np.ndarray, side: str) -> tuple[np.ndarray, np.ndarray]:
    """(n,) x and y, in float64, of the lower of the heel and the toe of one foot
    (``side``: "left" or "right") on every frame of ``xy`` (n, 33, 2)."""
    heel, toe = LANDMARK_INDEX[f"{side}_heel"], LANDMARK_INDEX[f"{side}_foot_index"]
    toe_low = xy[:, toe, 1] > xy[:, heel, 1]
    # the fit in float64 whatever the input
    low_x = np.where(toe_low, xy[:, toe, 0], xy[:, heel, 0]).astype(float)
    low_y = np.where(toe_low, xy[:, toe, 1], xy[:, heel, 1]).astype(float)
    return low_x, low_y


def _step_slopes(
    x: np.ndarray, y: np.ndarray, contact: np.ndarray, leg_length: float
) -> tuple[float, np.ndarray] | None:
    """One foot's step evidence: the spread along x of its contact points (leg lengths)
    and the slopes between the pairs of them at least :data:`STEPS_MIN_DX` leg lengths
    apart (of at most :data:`_MAX_STEP_CONTACTS` contacts); None below 2 contacts."""
    cx, cy = _contact_points(x, y, contact)
    if cx.size < 2:
        return None
    spread = float(np.ptp(cx)) / leg_length
    if cx.size > _MAX_STEP_CONTACTS:
        pick = np.linspace(0, cx.size - 1, _MAX_STEP_CONTACTS).round().astype(int)
        cx, cy = cx[pick], cy[pick]
    a, b = np.triu_indices(cx.size, 1)
    dx, dy = cx[b] - cx[a], cy[b] - cy[a]
    far = np.abs(dx) >= STEPS_MIN_DX * leg_length
    return spread, dy[far] / dx[far]


def _slide_sums(
    x: np.ndarray, y: np.ndarray, on_floor: np.ndarray
) -> tuple[np.ndarray, float, float] | None:
    """One foot's slide evidence: the x of its frames ``on_floor`` and, about their
    means, the sums of dx dx and dx dy; None below 5 frames."""
    x, y = x[on_floor], y[on_floor]
    if x.size < 5:
        return None
    dx, dy = x - x.mean(), y - y.mean()
    return x, float(dx @ dx), float(dx @ dy)


def _steps_line(pairs: np.ndarray, spread: float, disagree: float) -> FloorLine:
    """The "steps" estimate from the pairs' slopes (Theil-Sen); "none" with fewer than
    :data:`STEPS_MIN_PAIRS` pairs."""
    if pairs.size < STEPS_MIN_PAIRS:  # overground, but too few contacts to tell
        return FloorLine(np.nan, "none", spread, int(pairs.size), np.inf, disagree)
    angles = np.degrees(np.arctan(pairs))
    mad = float(np.median(np.abs(angles - np.median(angles))))
    return FloorLine(
        float(np.degrees(np.arctan(np.median(pairs)))),
        "steps",
        spread,
        int(pairs.size),
        1.4826 * mad / np.sqrt(pairs.size),
        disagree,
    )


def _slide_line(
    sxy: float,
    sxx: float,
    n_slide: int,
    slide_x: list[np.ndarray],
    leg_length: float,
    spread: float,
    disagree: float,
) -> FloorLine:
    """The "slide" estimate: the common slope ``sxy / sxx`` of the feet's frames on the
    floor (``n_slide`` of them, x ``slide_x`` per foot); "none" when they are too few or
    span too little floor."""
    # the slide must span some floor for one foot at least (not just both feet's places)
    slide_spread = max((float(np.ptp(x)) for x in slide_x), default=0.0) / leg_length
    if n_slide < 10 or sxx <= 0 or slide_spread < 0.3:
        return FloorLine(np.nan, "none", spread, 0, np.inf, disagree)
    roll = float(np.degrees(np.arctan(sxy / sxx)))
    unc = max(SLIDE_BIAS_DEG, abs(disagree)) if np.isfinite(disagree) else SLIDE_BIAS_DEG
    return FloorLine(roll, "slide", spread, 0, unc, disagree)
