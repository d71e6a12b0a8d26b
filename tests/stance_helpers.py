"""Stance features of the synthetic runner and of the motion capture, measured alike
(``benchmarks/runner_vs_mocap.py`` prints them side by side; ``tests/test_synth.py``
checks the synthetic runner's against the motion capture's ranges)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np


def stance_features(
    t: np.ndarray, pts: dict[str, np.ndarray], ic: float, to: float, leg: float
) -> dict[str, float]:
    """The features of one stance.

    ``pts`` maps ``mid_hip``, ``hip``, ``knee``, ``ankle``, ``heel``, ``toe`` to (n, 2)
    sagittal positions (forward, up) in metres at times ``t`` (s); ``hip`` is the stance
    leg's hip.  ``ic``, ``to`` are the stance's contact and toe-off times, ``leg`` the leg
    length (m).
    """

    def at(name: str, when: float, axis: int) -> float:
        return float(np.interp(when, t, pts[name][:, axis]))

    def rate(name: str, a: float, b: float, axis: int = 1) -> float:
        return (at(name, b, axis) - at(name, a, axis)) / (b - a)

    thigh, shank = pts["hip"] - pts["knee"], pts["ankle"] - pts["knee"]
    cos = (thigh * shank).sum(1) / np.linalg.norm(thigh, axis=1) / np.linalg.norm(shank, axis=1)
    knee = 180.0 - np.degrees(np.arccos(np.clip(cos, -1, 1)))
    sole = pts["toe"] - pts["heel"]
    pitch = np.degrees(np.arctan2(sole[:, 1], sole[:, 0]))
    mid, ct, h = 0.5 * (ic + to), to - ic, 0.008
    inside = (t >= ic) & (t <= to)
    z = pts["mid_hip"][:, 1]
    # each foot marker's stance level: its lowest in the first half of the stance
    early = (t >= ic) & (t <= mid)
    level = {name: float(pts[name][early, 1].min()) for name in ("heel", "toe")}

    def foot_above(before: float) -> float:  # mm, the lower of heel and toe
        return 1000 * min(at(name, ic - before, 1) - level[name] for name in level)

    return {
        "hip_speed": (at("mid_hip", to, 0) - at("mid_hip", ic, 0)) / ct,
        "pelvis_vz_ic": rate("mid_hip", ic - h, ic + h),
        "pelvis_vz_to": rate("mid_hip", to - h, to + h),
        "pelvis_low_pct": 100 * (t[inside][np.argmin(z[inside])] - ic) / ct,
        "pelvis_rise_cm": 100 * (at("mid_hip", to, 1) - at("mid_hip", ic, 1)),
        "overstride_pct": 100 * (at("ankle", ic, 0) - at("mid_hip", ic, 0)) / leg,
        "hip_past_ms_pct": 100 * (at("mid_hip", mid, 0) - at("ankle", mid, 0)) / leg,
        "hip_past_to_pct": 100 * (at("mid_hip", to, 0) - at("ankle", to, 0)) / leg,
        "knee_peak_pct": 100 * (t[inside][np.argmax(knee[inside])] - ic) / ct,
        "knee_rate_ic": float(np.interp(ic + h, t, knee) - np.interp(ic, t, knee)) / h,
        "knee_rate_to": float(np.interp(to, t, knee) - np.interp(to - h, t, knee)) / h,
        "heel_vz_ic": rate("heel", ic - h, ic),
        "heel_vz_pre": rate("heel", ic - 2 * h, ic - h),
        "toe_vz_ic": rate("toe", ic - h, ic),
        "toe_vz_pre": rate("toe", ic - 2 * h, ic - h),
        "ankle_vz_ic": rate("ankle", ic - h, ic),
        "ankle_vz_pre": rate("ankle", ic - 2 * h, ic - h),
        "foot_above_16": foot_above(0.016),
        "foot_above_32": foot_above(0.032),
        "pitch_to": float(np.interp(to, t, pitch) - np.interp(mid, t, pitch)),
        "pitch_rate_to": float(np.interp(to, t, pitch) - np.interp(to - h, t, pitch)) / h,
        "toe_rise_16": 1000 * (at("toe", to + 0.016, 1) - at("toe", to, 1)),
        "toe_rise_32": 1000 * (at("toe", to + 0.032, 1) - at("toe", to, 1)),
        "ankle_rise_16": 1000 * (at("ankle", to + 0.016, 1) - at("ankle", to, 1)),
        "ankle_rise_32": 1000 * (at("ankle", to + 0.032, 1) - at("ankle", to, 1)),
    }


def synthetic_stances(strike: str, **params: Any) -> list[dict[str, float]]:
    """Features of one stance per leg of the synthetic runner (1 kHz)."""
    from gait.synth import RunnerParams
    from gait.synth.kinematics import SIDES, RunnerModel

    model = RunnerModel(replace(RunnerParams(), foot_strike=strike, **params))
    out = []
    for side in SIDES:
        ic = float(model.ic_time(side, 1))
        to = ic + model.beta[side] * model.stride_time_s
        t = np.arange(ic - 0.1, to + 0.1, 0.001)
        j = model.evaluate(t, lab=False).joints
        pts = {
            name: j[f"{side}_{name}"][:, [0, 2]] for name in ("hip", "knee", "ankle", "heel", "toe")
        }
        pts["mid_hip"] = 0.5 * (j["left_hip"] + j["right_hip"])[:, [0, 2]]
        out.append(stance_features(t, pts, ic, to, model.body.leg_length_m))
    return out
