"""The analysis façade: landmarks in, one machine-readable result out.

:func:`analyze_pose` runs the stages in order::

    timing (repeated frames) -> clean -> view (+ roll levelling) -> events -> timing
    (slow motion) -> strides -> metrics -> summary -> findings -> drill plan

and returns an :class:`~gait.result.AnalysisResult` holding every stage's output (its
JSON document and files: :mod:`gait.result`).  The landmarks are prepared - cleaned,
filtered, the view detected, the roll levelled - by :func:`gait.analysis_prepare.prepare`;
the events stage, with each view's rules, is :func:`gait.analysis_events.clip_events`.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from gait._parallel import side_thread
from gait.analysis_events import clip_events
from gait.analysis_prepare import Prepared, prepare
from gait.clean import CORE_LANDMARKS
from gait.drills import build_plan
from gait.events import (
    StrideLimits,
    leg_length_px,
    strides_from_events,
)
from gait.findings import evaluate as evaluate_findings
from gait.findings_rules import Rule
from gait.metrics import METRICS, stride_metrics
from gait.posedata import LANDMARK_INDEX, PoseData, _rows_with_pose
from gait.quality import data_warnings, flat_landing_warning
from gait.result import SCHEMA_FILE as SCHEMA_FILE
from gait.result import SCHEMA_VERSION as SCHEMA_VERSION
from gait.result import AnalysisResult as AnalysisResult
from gait.result import near_side as near_side
from gait.result import retime_pose as retime_pose
from gait.summary import NO_VALID_STRIDE, harmonic_mean, summarize
from gait.timing import (
    GaitCheck,
    SpeedChange,
    SpeedCheck,
    check_gait,
    find_person_switches,
    find_repeated_frames,
    mask_repeated_frames,
    rhythm_cadence_spm,
    speed_changes,
)
from gait.timing.playback import (
    OTHER_SPEED_REASON,
    WALKING_RHYTHM_SPM,
    clip_speed_check,
    legs_rhythm,
    speed_change_warning,
)
from gait.view import ViewInfo


def _landmark_quality(pose: PoseData) -> float:
    """Mean visibility of the core landmarks times the fraction of frames with a pose."""
    if pose.n_frames == 0:
        return 0.0
    idx = [LANDMARK_INDEX[n] for n in CORE_LANDMARKS]
    has = pose.has_pose
    if not has.any():
        return 0.0
    vis = float(np.mean(_rows_with_pose(pose.visibility[:, idx], has)))
    return float(vis * has.mean())


def analyze_pose(
    pose: PoseData,
    *,
    view: str | None = None,
    setting: str | None = None,
    cutoff_hz: float | str | None = "auto",
    event_cutoff_hz: float = 12.0,
    contact_cutoff_hz: float | None = None,
    min_visibility: float = 0.5,
    max_gap_s: float = 0.3,
    midstance: Literal["middle", "pelvis", "knee"] | None = None,
    rules: tuple[Rule, ...] | None = None,
    _retimed: tuple[float, float] | None = None,
) -> AnalysisResult:
    """Analyse a clip's landmarks: events, per-stride metrics and their summary.

    Parameters
    ----------
    pose : PoseData
        Landmarks of the clip (``time_s`` in real time: any slow-motion factor applied).
    view : {"side", "side_left", "side_right", "rear", "front"}, optional
        Override of the detected view (and facing).
    setting : {"treadmill", "overground"}, optional
        Override of the detected setting.
    cutoff_hz : float, "auto" or None
        Low-pass cut-off (Hz) for the landmarks the angles are measured on; "auto" =
        residual analysis when the landmarks jitter, none when they do not (see
        :func:`gait.clean.clean_pose`).
    event_cutoff_hz : float
        Cut-off for the landmarks the events are detected on (at least the angle
        cut-off; 10-15 Hz keeps the contact kinks sharp).
    contact_cutoff_hz : float, optional
        Find contacts (the foot-height envelope) on landmarks low-passed at this cut-off
        and time them on the event landmarks; None (default) finds them on the event
        landmarks.  8 Hz detects the rendered sample clips' contacts better (contact time
        within 28 ms on all four side clips) but times the real treadmill clip's contacts
        a frame or two late (shank angle at IC positive on 53 % of strides instead of
        over 70 %), so it is not the default.
    min_visibility : float
        Landmarks below this visibility are treated as missing.
    max_gap_s : float
        Longest gap (seconds) interpolated.
    midstance : {"middle", "pelvis", "knee"}, optional
        Midstance rule (see :func:`gait.events.detect_events`).  Default: the middle of
        stance in a side view, the lowest pelvis during stance from behind or the front,
        where the toe-off is the less certain event (the exact synthetic rear runner's
        toe-offs come 1.4-6.7 frames late, which put the middle of stance 0.8-3.4 frames
        late and pelvic drop and knee FPPA 0.4-0.6 deg off; with the lowest pelvis
        0.1-0.7 frames and within 0.05 deg).  Where the pelvis is lowest at the
        stance's first or last frame, the middle of stance stands in.
    rules : tuple of Rule, optional
        Findings rules (default: :func:`gait.findings_rules.load_rules`, the built-in ones).
    _retimed : (factor, clip cadence), internal
        Set on the second pass over a clip found slowed down or sped up by the legs'
        rhythm (:func:`gait.timing.playback.off_speed_rhythm`): ``pose`` is already
        retimed by ``factor``; the timing metrics are withheld with the warning.

    Returns
    -------
    AnalysisResult

    Notes
    -----
    Slowed or sped-up footage: when the legs' rhythm (:func:`gait.timing.leg_rhythm_spm`,
    no events needed) reads a cadence outside the running range, the clip is analysed
    again retimed by the likely factor (:func:`gait.timing.likely_factor`), as with
    ``--slowmo``, and that analysis is returned if its contacts show running (a flight
    phase, one foot down at a time) - or whatever it shows when the rhythm is below any
    real-time gait (under 65 steps/min) or above running; its cadence and contact times
    are withheld with a warning naming the factor, its angles are reported.  Every
    event parameter is in seconds: on a clip slowed 8x, analysed as it plays, the
    contacts run together and the clip reads as walking.  Stretches that play at
    another speed than the rest (:func:`gait.timing.speed_changes`; of a clip partly
    slowed down, the part at a running cadence is taken as the main one) are named in
    a warning and their strides left out.
    """
    kwargs: dict[str, Any] = {
        "view": view,
        "setting": setting,
        "cutoff_hz": cutoff_hz,
        "event_cutoff_hz": event_cutoff_hz,
        "contact_cutoff_hz": contact_cutoff_hz,
        "min_visibility": min_visibility,
        "max_gap_s": max_gap_s,
        "midstance": midstance,
        "rules": rules,
    }
    options = {key: value for key, value in kwargs.items() if key != "rules"}
    warnings: list[str] = []
    repeats = find_repeated_frames(pose)
    warnings += repeats.warnings
    work = mask_repeated_frames(pose, repeats.repeated)
    prep = prepare(
        work,
        view=view,
        setting=setting,
        cutoff_hz=cutoff_hz,
        event_cutoff_hz=event_cutoff_hz,
        min_visibility=min_visibility,
        max_gap_s=max_gap_s,
    )
    duration = pose.n_frames / pose.fps if pose.fps > 0 else 0.0
    if _retimed is not None:
        main_stride_s = 120.0 / (_retimed[1] * _retimed[0])
    else:
        main_stride_s, legs_spm, factor = legs_rhythm(pose, work, prep.raw_xy, duration)
        if factor != 1.0:
            again = analyze_pose(retime_pose(pose, factor), **kwargs, _retimed=(factor, legs_spm))
            lo, hi = WALKING_RHYTHM_SPM
            if again.gait is None or again.gait.running or not lo <= legs_spm <= hi:
                again.retimed_by = factor
                return again
    level, info = prep.level, prep.info
    warnings += info.notes
    side_view = info.kind == "side"
    # the stretches played at another speed, then the jumps to another person, are looked
    # for on a second thread while the events are detected: none reads another's results,
    # and they are mostly numpy work (FFTs), which releases the GIL
    with side_thread("gait-speed") as pool:
        stretches = pool.submit(_unusable_frames, pose, info, prep.raw_xy, main_stride_s)
        jumps = pool.submit(find_person_switches, work)
        events = clip_events(
            pose, prep, repeats, midstance=midstance, contact_cutoff_hz=contact_cutoff_hz
        )
        unusable, changes, other_speed = stretches.result()
        switches = jumps.result()
    speed, off_speed, too_short = clip_speed_check(
        events, pose.fps, duration, _retimed, other_speed if changes else None
    )
    rescale = off_speed and _retimed is None  # a retimed pose is in real time already
    limits = StrideLimits().scaled(speed.factor) if rescale else StrideLimits()
    trusted = near_side(level) if side_view else None
    strides = strides_from_events(
        events, pose.time_s, limits=limits, unusable=unusable, trusted_side=trusted
    )
    if changes:
        warnings.append(speed_change_warning(changes, 1.0 if _retimed is None else _retimed[0]))
    far_usable = not strides["reason"].astype(str).str.contains("poorly tracked").any()
    gait = check_gait(strides, trusted_side=trusted, far_side_usable=far_usable)
    unavailable, withheld = _withheld_metrics(gait, speed, off_speed)
    warnings += withheld
    if too_short:
        # a stride or two of a very short clip may pass every check by chance: none is used
        # a copy: pandas may hand out the column's own buffer, which the next line changes
        short = strides["valid"].to_numpy(dtype=bool, copy=True)
        strides.loc[short, "valid"] = False
        strides.loc[short, "reason"] = f"the clip is too short ({duration:.1f} s)"
    events = _mark_events(events, strides)
    strides = _with_metrics(strides, prep)
    summary = _clip_summary(
        strides,
        prep.ev_xy,
        other_speed if changes else None,
        pose,
        work,
        info,
        unavailable=unavailable,
        trusted=trusted,
        too_short_s=duration if too_short else None,
    )
    warnings += data_warnings(pose, events, strides, switches, view=info)
    found = evaluate_findings(summary, rules, view=info.kind, near_side=trusted)
    result = AnalysisResult(
        pose=pose,
        cleaned=level,
        view=info,
        repeats=repeats,
        speed=speed,
        events=events,
        strides=strides,
        summary=summary,
        warnings=warnings,
        options=options,
        findings=found,
        drill_plan=build_plan(found),
        gait=gait,
        person_switches=pose.frame_index[switches] if switches.size else switches,
    )
    result.warnings += flat_landing_warning(result)
    return result


def _with_metrics(strides: pd.DataFrame, prep: Prepared) -> pd.DataFrame:
    """The stride table with each stride's metrics (:func:`gait.metrics.stride_metrics`)
    as columns: angles on the levelled landmarks ``prep.level``, values at the events on
    the unfiltered ones ``prep.raw_xy``, the vertical oscillation on the event landmarks
    ``prep.ev_xy``, distances in the events' leg length ``prep.leg`` from the side."""
    level, info, leg = prep.level, prep.info, prep.leg
    xy = level.image_px[:, :, :2]
    per_stride = stride_metrics(
        xy,
        strides,
        view=info.kind,
        direction=info.direction,
        # seen from behind or in front the swing leg is foreshortened all along: the
        # distances are scaled by the longer leg (the events keep their tuned scale)
        leg_length_px=leg
        if info.kind == "side"
        else leg_length_px(xy, level.fps, percentile=90.0, legs="longer"),
        fps=level.fps,
        xy_events=prep.raw_xy,
        xy_oscillation=prep.ev_xy,
        noise_free=not level.settings["noisy"],
        floor_deg=prep.turn,
    )
    return pd.concat(
        [strides.drop(columns=per_stride.columns, errors="ignore"), per_stride], axis=1
    )


def _unusable_frames(
    pose: PoseData, info: ViewInfo, raw_xy: np.ndarray, main_stride_s: float
) -> tuple[list[tuple[np.ndarray, str]], list[SpeedChange], np.ndarray]:
    """(frame sets whose strides are not used, with the reason - a turn, a stretch played
    at another speed -; those stretches; their (n,) frame mask)."""
    changes = speed_changes(raw_xy, pose.time_s, main_stride_s)
    other_speed = np.zeros(pose.n_frames, dtype=bool)
    for change in changes:
        other_speed |= (pose.time_s >= change.start_s) & (pose.time_s <= change.end_s)
    unusable = [(other_speed, OTHER_SPEED_REASON)] if changes else []
    if info.turn_frames.size == pose.n_frames:
        unusable.insert(0, (info.turn_frames, "the runner turns during this stride"))
    return unusable, changes, other_speed


def _clip_summary(
    strides: pd.DataFrame,
    ev_xy: np.ndarray,
    other_speed: np.ndarray | None,
    pose: PoseData,
    work: PoseData,
    info: ViewInfo,
    *,
    unavailable: dict[str, str],
    trusted: str | None,
    too_short_s: float | None,
) -> pd.DataFrame:
    """The summary of the strides (:func:`gait.summary.summarize`), the cadence from the
    legs' rhythm on the event landmarks ``ev_xy`` where the strides give one (leaving out
    the frames ``other_speed``, stretches played at another speed), and - for a clip too
    short for a complete valid stride (``too_short_s``, its duration) - that reason."""
    rhythm = None
    if "cadence_spm" in strides and "cadence_spm" not in unavailable:
        valid = strides["valid"].to_numpy(dtype=bool)
        guess = harmonic_mean(strides["cadence_spm"].to_numpy(dtype=float)[valid])
        steady = (
            ev_xy if other_speed is None else np.where(other_speed[:, None, None], np.nan, ev_xy)
        )
        rhythm = rhythm_cadence_spm(steady, pose.time_s, guess_spm=guess)  # None if NaN
    summary = summarize(
        strides,
        view=info.kind,
        fps=pose.fps,
        landmark_quality=_landmark_quality(work),
        unavailable=unavailable,
        clip_values={} if rhythm is None else {"cadence_spm": rhythm},
        near_side=trusted,
    )
    if too_short_s is not None:
        short_reason = (
            f"not measured: the clip is too short ({too_short_s:.1f} s) for a complete valid stride"
        )
        summary["not_measurable"] = summary["not_measurable"].where(
            summary["not_measurable"] != NO_VALID_STRIDE, short_reason
        )
    return summary


def _withheld_metrics(
    gait: GaitCheck, speed: SpeedCheck, off_speed: bool
) -> tuple[dict[str, str], list[str]]:
    """(metric -> why it is not reported, warnings): every metric of a clip that looks like
    walking or standing, the timing metrics of footage that looks slowed or sped up."""
    if not gait.running and gait.warning:
        # walking or standing: the running rules (and the slow-motion guess) do not apply
        reason = "not measured: the clip looks like walking or standing, not running"
        return dict.fromkeys(METRICS, reason), [gait.warning]
    if off_speed:
        reason = (
            f"footage looks {'slowed' if speed.factor > 1 else 'sped up'} about "
            f"{max(speed.factor, 1 / speed.factor):g}x; re-run with --slowmo {speed.factor:g}"
        )
        # speed.warning is set: off_speed needs it
        return {name: reason for name, spec in METRICS.items() if spec.timing}, [str(speed.warning)]
    return {}, []


def _mark_events(events: pd.DataFrame, strides: pd.DataFrame) -> pd.DataFrame:
    """Carry each stride's validity and reason onto its IC, MS and TO events."""
    if events.empty or strides.empty:
        return events
    key = strides.set_index(["side", "stride"])[["valid", "reason"]]
    idx = pd.MultiIndex.from_arrays([events["side"], events["contact"]])
    found = key.reindex(idx)
    ev = events.copy()
    ev["valid"] = found["valid"].fillna(False).to_numpy(dtype=bool) & ev["valid"].to_numpy()
    ev["reason"] = np.where(
        ev["reason"].astype(str) != "", ev["reason"], found["reason"].fillna("").to_numpy()
    )
    return ev
