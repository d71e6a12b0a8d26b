"""The landmarks the analysis works on (:func:`prepare`): cleaned (despiked, gaps
filled: :func:`gait.clean.clean_pose`), low-passed at cut-offs chosen from how much they
jitter (none where they hardly do), the view detected (:func:`gait.view.detect_view`) and
the camera roll levelled - whole for the angles, the core landmarks alone for the events -
and the events' leg length (:class:`Prepared`).  :func:`gait.analysis.analyze_pose` calls
it once the repeated frames are masked."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from gait._parallel import side_thread
from gait.clean import (
    CORE_LANDMARKS,
    MIN_JITTER_LEG_S,
    clean_pose,
    jitter_leg_s,
    leg_scale_px,
    lowpass,
    residual_cutoff_hz,
)
from gait.events import leg_length_px
from gait.posedata import LANDMARK_INDEX, N_LANDMARKS, PoseData, _replace
from gait.sway import camera_sway
from gait.view import ViewInfo, detect_view, rotate_image


@dataclass(frozen=True)
class Prepared:
    """The landmarks the analysis works on, from :func:`prepare`.

    ``level``: cleaned, low-passed at the angle cut-off and levelled by the camera roll
    (the angles' landmarks; ``settings`` records ``noise_px``, ``jitter_leg_s``, ``noisy``
    - see :data:`gait.clean.MIN_JITTER_LEG_S` - both cut-offs and, in a treadmill side
    view, the camera's sway ``camera_sway_leg`` and whether the clip was
    ``camera_steadied``: :mod:`gait.sway`).  ``ev_xy`` and
    ``raw_xy``: (n, 33, 2) image points of the core landmarks (NaN elsewhere), levelled,
    low-passed at the event cut-off and unfiltered (despiked, gaps filled).  ``info``: the
    view.  ``leg``: (n,) the events' leg length in pixels.  ``turn``: the events' floor
    line against the angles' levelling (degrees): the events are timed on landmarks whose
    floor line is level, the angles taken on landmarks levelled by the camera roll only,
    and the two differ on a treadmill whose belt slopes less than a slide estimate's bias
    (see ViewInfo.floor_deg).
    """

    level: PoseData
    ev_xy: np.ndarray
    raw_xy: np.ndarray
    info: ViewInfo
    leg: np.ndarray
    turn: float


def prepare(
    pose: PoseData,
    *,
    view: str | None,
    setting: str | None,
    cutoff_hz: float | str | None,
    event_cutoff_hz: float,
    min_visibility: float,
    max_gap_s: float,
) -> Prepared:
    """Clean, choose the filters, detect the view and level the roll (see
    :class:`Prepared`)."""
    despiked = clean_pose(pose, min_visibility=min_visibility, max_gap_s=max_gap_s, cutoff_hz=None)
    noise = despiked.settings["cleaning"]["noise_px"]
    jitter = jitter_leg_s(noise, pose.fps, leg_scale_px(despiked.image_px[:, :, :2]))
    noisy = noise is not None and jitter >= MIN_JITTER_LEG_S
    idx = [LANDMARK_INDEX[n] for n in CORE_LANDMARKS]
    if cutoff_hz == "auto":
        metric_cut = residual_cutoff_hz(despiked.image_px[:, idx, :2], pose.fps) if noisy else None
    else:
        metric_cut = None if cutoff_hz is None else float(cutoff_hz)
    event_cut = (
        None if metric_cut is None else max(metric_cut, min(event_cutoff_hz, 0.4 * pose.fps))
    )
    # clean_pose's image is a fresh landmark-major array: ours to modify in place
    image = despiked.image_px
    core = image[:, idx, :2]  # (n, 15, 2), a copy
    if metric_cut is not None:
        image[:, idx, :2] = lowpass(core, pose.fps, cutoff_hz=metric_cut)
    # derived from a validated PoseData (NaN where missing, never infinite): no re-check
    cleaned = _replace(
        despiked,
        image_px=image,
        settings={
            **despiked.settings,
            "noise_px": noise,
            "jitter_leg_s": round(jitter, 4),
            "noisy": noisy,
            "angle_cutoff_hz": metric_cut,
            "event_cutoff_hz": event_cut,
        },
    )
    # the events' landmarks are low-passed on a second thread while the view is detected:
    # neither changes what the other reads, and the filter releases the GIL
    with side_thread("gait-prepare") as pool:
        filtering = (
            None if event_cut is None else pool.submit(lowpass, core, pose.fps, cutoff_hz=event_cut)
        )
        info = detect_view(cleaned, view=view, setting=setting)
        ev_core = core if filtering is None else filtering.result()
    if info.kind == "side" and info.setting == "treadmill":
        # a hand-held camera's sway moves the feet's floor level: taken out on the hips
        # (see gait.sway), and the view detected again on the steadied landmarks.  On a
        # treadmill the runner holds his place; on the ground the hips' slow height is
        # his own too (the real walking clip, filmed following the walker, read 4 %)
        sway = camera_sway(image[..., :2], pose.fps, leg_scale_px(image[..., :2]))
        sd = round(sway.sd_leg, 4) if np.isfinite(sway.sd_leg) else None
        record = {"camera_sway_leg": sd, "camera_steadied": sway.steadied}
        cleaned = _replace(cleaned, settings={**cleaned.settings, **record})
        if sway.steadied:
            shift = sway.offset_px[:, None]
            image[..., 1] -= shift
            core[..., 1] -= shift
            if ev_core is not core:
                ev_core[..., 1] -= shift
            info = detect_view(cleaned, view=view, setting=setting, level=False)
            info = dataclasses.replace(info, notes=[*info.notes, sway.note()])
    centre = (pose.width / 2, pose.height / 2)
    roll = info.roll_deg
    if roll != 0:  # level in place: the array is ours
        rotate_image(image[..., :2], roll, centre, out=image[..., :2])
    # events and kink values only read the core landmarks: level just those (in place:
    # ``core`` and the filtered copy are ours)
    if ev_core is not core:
        rotate_image(ev_core, roll, centre, out=ev_core)
    rotate_image(core, roll, centre, out=core)
    percentile = 50.0 if info.kind == "side" else 90.0
    leg = leg_length_px(cleaned.image_px[:, :, :2], pose.fps, percentile=percentile)
    turn = info.events_roll_deg - info.roll_deg
    return Prepared(cleaned, _core_only(ev_core, idx), _core_only(core, idx), info, leg, turn)


def _core_only(core: np.ndarray, idx: list[int]) -> np.ndarray:
    """(n, 33, 2) landmark-major array: ``core`` (n, k, 2) at landmarks ``idx``, NaN else."""
    n = core.shape[0]
    buf = np.empty((N_LANDMARKS, 2, n))
    rest = np.setdiff1d(np.arange(N_LANDMARKS), idx)
    buf[rest] = np.nan
    buf[idx] = np.moveaxis(core, 0, -1)
    return np.moveaxis(buf, -1, 0)
