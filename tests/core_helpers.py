"""Helpers shared by the gait-core tests: synthetic clips, retiming, truth comparison."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import numpy as np

from gait.analysis import AnalysisResult
from gait.posedata import LEFT_RIGHT_SWAP, PoseData


@lru_cache(maxsize=64)
def _synth_cached(items: tuple[tuple[str, Any], ...]) -> tuple[PoseData, dict[str, Any]]:
    from gait.synth import RunnerParams, synth_landmarks

    return synth_landmarks(RunnerParams(**dict(items)))


def synth(**params: Any) -> tuple[PoseData, dict[str, Any]]:
    """Synthetic landmarks and truth (cached per parameter set)."""
    return _synth_cached(tuple(sorted(params.items())))


def retime(pose: PoseData, fps: float, repeat: int = 1) -> PoseData:
    """Repeat every frame ``repeat`` times and relabel the clip as ``fps``."""
    arrays: dict[str, Any] = {
        k: np.repeat(getattr(pose, k), repeat, axis=0)
        for k in ("image_px", "visibility", "presence", "world_m")
    }
    n = arrays["image_px"].shape[0]
    return dataclasses.replace(
        pose, **arrays, time_s=np.arange(n) / fps, frame_index=np.arange(n), fps=float(fps)
    )


def played_at_30(pose: PoseData, pieces: list[tuple[float, float, float]]) -> PoseData:
    """A clip of ``pose`` (captured at a multiple of 30 fps) played at 30 fps, each
    ``(start_s, end_s, factor)`` piece of its real time slowed ``factor`` times: every
    ``capture / (30 factor)``-th frame kept (a phone's slow-motion export)."""
    keep = []
    for start, end, factor in pieces:
        step = round(pose.fps / (30.0 * factor))
        keep.append(np.flatnonzero((pose.time_s >= start) & (pose.time_s < end))[::step])
    idx = np.concatenate(keep)
    arrays = {k: getattr(pose, k)[idx] for k in ("image_px", "visibility", "presence", "world_m")}
    n = idx.size
    return dataclasses.replace(
        pose, **arrays, time_s=np.arange(n) / 30.0, frame_index=np.arange(n), fps=30.0
    )


def mirror(pose: PoseData) -> PoseData:
    """The clip flipped left-right in the image (labels unchanged)."""
    image = pose.image_px.copy()
    image[..., 0] = pose.width - image[..., 0]
    return dataclasses.replace(pose, image_px=image)


def swap_labels(pose: PoseData) -> PoseData:
    """Every left landmark relabelled right and vice versa."""
    perm = list(LEFT_RIGHT_SWAP)
    return dataclasses.replace(
        pose,
        image_px=pose.image_px[:, perm],
        visibility=pose.visibility[:, perm],
        presence=pose.presence[:, perm],
        world_m=pose.world_m[:, perm],
    )


def event_errors_frames(result: AnalysisResult, truth: dict[str, Any]) -> dict[str, np.ndarray]:
    """Per kind (ic, ms, to): detected minus nearest true event time, in frames."""
    ev = result.events
    fps = result.pose.fps
    out: dict[str, list[float]] = {"ic": [], "ms": [], "to": []}
    for side in ("left", "right"):
        for kind in out:
            true = np.asarray(truth["events"][side][f"{kind}_s"])
            got = ev.loc[(ev["side"] == side) & (ev["kind"] == kind), "time_s"].to_numpy()
            if true.size and got.size:
                d = got[:, None] - true[None, :]
                out[kind].extend(d[np.arange(got.size), np.abs(d).argmin(axis=1)] * fps)
    return {k: np.asarray(v) for k, v in out.items()}


def metric_errors(result: AnalysisResult, truth: dict[str, Any]) -> dict[str, float]:
    """Measured minus true (image-projected truth) overall value per metric."""
    out = {}
    for name, t in truth["metrics_image"].items():
        out[name] = result.metric(name) - t["overall"]
    return out


def relative_ok(name: str, err: float, truth_value: float, *, deg: float, rel: float) -> bool:
    """Within ``deg`` degrees (angles), ``100 rel`` percentage points (metrics that are
    already percentages: duty factor, % leg length) or ``rel`` relative (ms, steps/min)."""
    if name.endswith("_deg"):
        return abs(err) <= deg
    if name.endswith(("_pct", "_pct_leg")):
        return abs(err) <= 100.0 * rel
    return abs(err) <= rel * max(abs(truth_value), 1e-9)


def exact_misses(
    result: AnalysisResult, truth: dict[str, Any], names: Iterable[str], ndigits: int = 3
) -> dict[str, float]:
    """The metrics of ``names`` off the truth by more than the exact-landmark tier (0.5 deg,
    1 %; :func:`relative_ok`), with their errors."""
    errs = metric_errors(result, truth)
    return {
        name: round(errs[name], ndigits)
        for name in names
        if not relative_ok(
            name, errs[name], truth["metrics_image"][name]["overall"], deg=0.5, rel=0.01
        )
    }


def toe_down(pose: PoseData, deg: float) -> PoseData:
    """A copy with each foot-index (toe) landmark turned ``deg`` toe-down about its heel,
    every frame: the offset BlazePose's foot points show on a flat foot (runner facing
    image +x; image y down, so toe-down is a clockwise turn)."""
    from gait.posedata import LANDMARK_INDEX

    img = pose.image_px.copy()
    a = np.radians(deg)
    for side in ("left", "right"):
        heel, toe = LANDMARK_INDEX[f"{side}_heel"], LANDMARK_INDEX[f"{side}_foot_index"]
        d = img[:, toe, :2] - img[:, heel, :2]
        img[:, toe, 0] = img[:, heel, 0] + np.cos(a) * d[:, 0] - np.sin(a) * d[:, 1]
        img[:, toe, 1] = img[:, heel, 1] + np.sin(a) * d[:, 0] + np.cos(a) * d[:, 1]
    return dataclasses.replace(pose, image_px=img)


def stride_metric_inputs(pose: PoseData) -> tuple[np.ndarray, Any, dict[str, Any]]:
    """Analyse ``pose`` and keep what the analysis hands to
    :func:`gait.metrics.stride_metrics`: (landmarks, strides, keyword arguments), so a
    test can compute the metrics again on strides with other event positions."""
    from unittest import mock

    import gait.analysis as analysis
    from gait.metrics import stride_metrics

    seen: dict[str, Any] = {}

    def keep(xy, strides, **kw):  # type: ignore[no-untyped-def]
        seen.update(xy=xy, strides=strides.copy(), kw=kw)
        return stride_metrics(xy, strides, **kw)

    with mock.patch.object(analysis, "stride_metrics", keep):
        analysis.analyze_pose(pose)
    return seen["xy"], seen["strides"], seen["kw"]


def retimed_strides(strides: Any, fps: float) -> Any:
    """``strides`` (moved event positions) with contact, stride and step times recomputed
    from the positions."""
    out = strides.copy()
    out["contact_time_ms"] = 1000.0 * (out["to_pos"] - out["ic_pos"]) / fps
    out["stride_time_s"] = (out["next_ic_pos"] - out["ic_pos"]) / fps
    out["step_time_s"] = (out["ic_pos"] - out["prev_contra_ic_pos"]) / fps
    return out
