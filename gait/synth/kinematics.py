"""The 3-D articulated runner: gait timing, pelvis, legs, feet, trunk, head and arms.

Frame of reference (metres): x forward (direction of travel), y to the runner's left,
z up, floor at z = 0.  The *ground frame* is fixed to the floor (overground) or to the
belt (treadmill); the *lab frame* is what the camera sees: on a treadmill the runner stays
near x = 0 and the stance foot moves backwards at belt speed; overground the runner
crosses x = 0 at mid-clip.

How the model is built (everything is vectorised over time):

* Timing.  Stride time ``T = 120 / cadence``.  The left initial contact (IC) is at left
  phase 0, the right IC half a stride later.  Stance lasts ``stance_fraction * T``;
  midstance (MS) is the **middle of stance** (IC + contact/2), which is also where the
  knee flexion of the stance leg peaks.  Toe-off (TO) ends stance.
* Stance foot.  The foot is a rigid body that rolls without sliding: about the heel from
  IC to foot-flat (rearfoot/midfoot strike) or about the ball (forefoot strike), flat
  through midstance, then about the ball to TO.  Its contact point is fixed in the ground
  frame.
* Stance leg.  The knee flexion follows a smooth profile through the IC, MS and TO values;
  the hip height then follows from the leg geometry (hip–ankle distance), so the foot
  really carries the body.  The knee swivels medially about the hip–ankle axis (peaking
  at MS) to produce the requested knee valgus.
* Speed.  The landing point (overstride) and the ankle dorsiflexion at MS fix how far the
  hip travels from IC to MS; the mean running speed follows from that (there is no speed
  parameter), with a small periodic velocity modulation when the sides differ.
* Swing (:mod:`gait.synth.swing`).  Knee flexion, sagittal leg angle, lateral foot offset
  and ankle angle are cubic Hermite curves from TO to the next IC that match value and
  rate at both ends, plus a knee-flexion bump (peak early in swing) and a small foot lift
  so the foot lands from above, and extra lifts where the foot would touch the floor.
* Flight.  The pelvis height is a Hermite curve from one TO to the other leg's IC.
* Upper body.  Trunk pitch (forward lean) and roll (lateral lean towards the stance leg),
  shoulder counter-rotation, arms swinging opposite to the legs, head nearly level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.interpolate import CubicSpline

from gait.errors import ConfigError
from gait.synth.geometry import (
    SIGN,
    Body,
    frontal_knee_angle,
    hermite,
    knee_ik,
    rot2,
    rot_x,
    rot_y,
    rot_z,
)
from gait.synth.params import RunnerParams
from gait.synth.swing import swing_joints

__all__ = ["SIDES", "SIGN", "Body", "RunnerModel", "Skeleton"]

SIDES: tuple[str, str] = ("left", "right")
PHASE_OFFSET: dict[str, float] = {"left": 0.0, "right": 0.5}

_FOOT_FLAT_AT = {"heel": 0.15, "ball": 0.2}  # stance progress where the foot is flat
_HEEL_OFF_AT = 0.6  # stance progress where the heel rises
# stance_shape "running" (RunnerParams.stance_shape): motion capture's knee peak and heel-off
# (at mid-stance or later: the speed below takes the foot flat there)
_RUNNING_KNEE_PEAK_AT = 0.36
_RUNNING_HEEL_OFF_AT = 0.5
_RUNNING_SOLE = (0.006, 0.12, 0.2)  # depth / height, sinking and unloading stance shares


@dataclass(frozen=True)
class Skeleton:
    """Joint positions over time, lab frame, metres (``n`` = number of times).

    ``joints`` maps a name to an (n, 3) array: ``pelvis``, ``{left,right}_{hip,knee,ankle,
    heel,toe,shoulder,elbow,wrist}``, ``mid_shoulder``, ``head``.  ``trunk_rot`` and
    ``head_rot`` are (n, 3, 3) rotation matrices (body-local → lab); ``foot_pitch_rad``
    maps a side to (n,) sole angles (toe up +); ``stance`` maps a side to (n,) bool.
    """

    time_s: np.ndarray
    joints: dict[str, np.ndarray]
    trunk_rot: np.ndarray
    head_rot: np.ndarray
    foot_pitch_rad: dict[str, np.ndarray]
    stance: dict[str, np.ndarray]


#: Closest a runner seen from behind or in front may come to the camera overground,
#: metres (nearer, the feet leave the picture; past it, the runner is behind the camera).
MIN_CAMERA_GAP_M = 1.5


class RunnerModel:
    """The analytic runner: build once from parameters, evaluate at any times.

    Attributes
    ----------
    params : RunnerParams
    body : Body
    stride_time_s : float
        Time between two contacts of the same foot.
    speed_mps : float
        Mean running (or belt) speed implied by the landing geometry.
    """

    def __init__(self, params: RunnerParams) -> None:
        self.params = p = params
        self.body = b = Body(p.runner_height_m)
        self.stride_time_s = T = 120.0 / p.cadence_spm
        self.t0 = -p.start_phase * T
        self.beta = {s: p.side("stance_fraction", s) for s in SIDES}
        leg = b.leg_length_m
        fp = b.foot_points()
        self._pitch_ic: dict[str, float] = {}
        self._pivot_ic: dict[str, str] = {}
        self._land: dict[str, float] = {}  # heel-contact offset: F_x - X(t_ic)
        travel: dict[str, float] = {}
        for s in SIDES:
            th = np.radians(p.side("foot_strike_angle_deg", s))
            piv = "heel" if th >= 0 else "ball"
            heel_x = fp[piv + "_pivot"] + rot2(np.array(th), fp["heel"] - fp[piv + "_pivot"])
            self._pitch_ic[s], self._pivot_ic[s] = float(th), piv
            self._land[s] = p.side("overstride_pct_leg", s) / 100 * leg - float(heel_x[0])
            kms = np.radians(p.side("knee_flexion_midstance_deg", s))
            a = np.radians(p.side("ankle_dorsiflexion_deg", s))
            # hip to ankle at midstance, where the foot is flat in either stance shape
            dx_ms = b.thigh_m * np.sin(kms - a) - b.shank_m * np.sin(a)
            travel[s] = self._land[s] - float(dx_ms)
            if travel[s] <= 0.05:
                raise ConfigError(
                    f"{s} leg: the foot lands only {travel[s]:.2f} m ahead of its midstance "
                    "position; raise overstride_pct_leg or ankle_dorsiflexion_deg"
                )
        self.speed_mps = float(np.mean([travel[s] / (self.beta[s] * T / 2) for s in SIDES]))
        if not p.treadmill and p.view in ("rear", "front"):
            # overground, seen from behind or in front, the runner recedes or approaches
            # and passes the lab origin (camera_distance_m from the camera) at mid-clip
            near = p.camera_distance_m - 0.5 * self.speed_mps * p.duration_s
            if near < MIN_CAMERA_GAP_M:
                reach = f"comes within {near:.1f} m of" if near > 0 else "runs past"
                raise ConfigError(
                    f"overground seen from the {'back' if p.view == 'rear' else 'front'} the "
                    f"runner ({self.speed_mps:.1f} m/s for {p.duration_s:g} s) {reach} "
                    "the camera; raise camera_distance_m to at least "
                    f"{MIN_CAMERA_GAP_M + 0.5 * self.speed_mps * p.duration_s:.1f} or "
                    "shorten duration_s"
                )
        knots = [0.0, self.beta["left"] / 2, 0.5, 0.5 + self.beta["right"] / 2, 1.0]
        err = [travel[s] - self.speed_mps * self.beta[s] * T / 2 for s in SIDES]
        self._delta = CubicSpline(
            np.array(knots) * T, [0.0, err[0], 0.0, err[1], 0.0], bc_type="periodic"
        )
        self._alpha = {s: 0.0 for s in SIDES}
        self._alpha = {s: self._solve_valgus(s) for s in SIDES}
        self._bounds = {s: self._boundary_state(s) for s in SIDES}
        self._check_feasible()
        # Swing clearance lifts, fixed once per side from a dense sampling of one stride
        # (the first swing_joints call of each side fits them), so every evaluation -
        # one frame or a whole clip - gives the same motion.
        self._lift_amps: dict[str, tuple[float, float]] = {}
        self.evaluate(self.t0 + np.linspace(0.0, T, 2001), lab=False)

    @property
    def clearance_lift_m(self) -> dict[str, tuple[float, float]]:
        """Per side, the amplitudes (m) of the swing's early and late clearance lifts
        (:func:`gait.synth.swing._clearance_amps`; ``(0, 0)`` when the swing clears the
        floor and comes down steadily by itself).  The late lift is undone by the knee in
        the last third of the swing: the straighter the knee at contact, the faster it
        extends into the contact."""
        return dict(self._lift_amps)

    # ---- timing -------------------------------------------------------------------
    def phase(self, t: np.ndarray, side: str) -> tuple[np.ndarray, np.ndarray]:
        """(progress in the stride in [0, 1) since this side's IC, contact index)."""
        x = (np.asarray(t, dtype=float) - self.t0) / self.stride_time_s - PHASE_OFFSET[side]
        k = np.floor(x)
        u = x - k
        # x a hair below an integer gives u == 1.0 exactly in floating point: that time is
        # the next contact (u = 0), not the end of this stride (every joint was NaN there)
        wrap = u >= 1.0
        return np.where(wrap, 0.0, u), k + wrap

    def ic_time(self, side: str, k: np.ndarray | float) -> np.ndarray:
        """Time of this side's k-th initial contact (k = 0 is the first at or after t0)."""
        return np.asarray(self.t0 + (np.asarray(k) + PHASE_OFFSET[side]) * self.stride_time_s)

    def pelvis_x(self, t: np.ndarray) -> np.ndarray:
        """Ground-frame forward position of the pelvis centre (n,) metres."""
        t = np.asarray(t, dtype=float)
        return np.asarray(self.speed_mps * t + self._delta((t - self.t0) % self.stride_time_s))

    def pelvis_y(self, t: np.ndarray) -> np.ndarray:
        """Lateral sway (n,) metres, towards the stance foot."""
        u, _ = self.phase(t, "left")
        sway = 0.007 * self.body.height_m
        return np.asarray(sway * np.cos(2 * np.pi * (u - self.beta["left"] / 2)))

    def stancebump(self, t: np.ndarray, side: str) -> np.ndarray:
        """sin²(π · stance progress) in stance, 0 in swing (n,)."""
        u, _ = self.phase(t, side)
        s = u / self.beta[side]
        return np.where(s < 1.0, np.sin(np.pi * np.clip(s, 0, 1)) ** 2, 0.0)

    def obliquity(self, t: np.ndarray) -> np.ndarray:
        """Pelvic obliquity (n,) radians, positive when the left hip is higher."""
        p = self.params
        return np.asarray(
            np.radians(p.side("pelvic_drop_deg", "left")) * self.stancebump(t, "left")
            - np.radians(p.side("pelvic_drop_deg", "right")) * self.stancebump(t, "right")
        )

    # ---- stance -------------------------------------------------------------------
    def _knee_profile(self, s: np.ndarray, side: str) -> np.ndarray:
        p = self.params
        k_ic = np.radians(p.side("knee_flexion_ic_deg", side))
        k_ms = np.radians(p.side("knee_flexion_midstance_deg", side))
        k_to = np.radians(p.knee_flexion_toe_off_deg)
        if p.stance_shape == "symmetric":
            bell = (1 - np.cos(2 * np.pi * s)) / 2
            return np.where(s <= 0.5, k_ic + (k_ms - k_ic) * bell, k_to + (k_ms - k_to) * bell)
        # "running": a quarter sine from contact to the peak, a half cosine down to toe-off,
        # the peak set so that the knee passes k_ms at the middle of stance
        sp = _RUNNING_KNEE_PEAK_AT
        c = (1 - np.cos(np.pi * (0.5 - sp) / (1 - sp))) / 2
        peak = (k_ms - c * k_to) / (1 - c)
        rise = k_ic + (peak - k_ic) * np.sin(np.pi / 2 * np.clip(s / sp, 0, 1))
        y = np.clip((s - sp) / (1 - sp), 0, 1)
        return np.where(s <= sp, rise, peak - (peak - k_to) * (1 - np.cos(np.pi * y)) / 2)

    def _pitch_profile(self, s: np.ndarray, side: str) -> tuple[np.ndarray, np.ndarray]:
        """Sole angle (rad) and pivot choice (True = ball) over stance progress ``s``."""
        th_ic = self._pitch_ic[side]
        ball_ic = self._pivot_ic[side] == "ball"
        s_ff = _FOOT_FLAT_AT["ball" if ball_ic else "heel"]
        th_to = np.radians(self.params.foot_pitch_toe_off_deg)
        symmetric = self.params.stance_shape == "symmetric"
        r = np.clip(s / s_ff, 0, 1)
        # to flat: symmetric, fastest at contact; running, from rest (a smoothstep), so the
        # foot lands at the sole's sinking speed (RunnerParams.stance_shape)
        early = th_ic * ((1 - r) ** 2 if symmetric else 1 - r * r * (3 - 2 * r))
        heel_off = _HEEL_OFF_AT if symmetric else _RUNNING_HEEL_OFF_AT
        x = np.clip((s - heel_off) / (1 - heel_off), 0, 1)
        # symmetric: smoothstep; running: ever faster, th_to / (1 - heel_off) at toe-off
        late = th_to * x * x * ((3 - 2 * x) if symmetric else (2.0 - x))
        pitch = np.where(s < s_ff, early, np.where(s > heel_off, late, 0.0))
        ball = np.where(s < s_ff, ball_ic, s > heel_off)
        return pitch, ball

    def _sole_height(self, s: np.ndarray) -> np.ndarray | float:
        """Height (m) of the foot's sole above the floor at stance progress ``s`` (n,): 0
        for the symmetric shape.  For "running" the shoe and heel pad are compliant: the
        foot touches down ``D`` above its loaded level and sinks to it, ever slower, over
        the first ``_RUNNING_SOLE[1]`` of the stance, then unloads over the last
        ``_RUNNING_SOLE[2]``, rising ever faster to toe-off; ``D = _RUNNING_SOLE[0] *
        height``.  (The motion capture's markers drop 12-17 mm over the 24 ms after the
        force plate's contact, and its toe marker rises about 7 mm before toe-off.)"""
        if self.params.stance_shape == "symmetric":
            return 0.0
        depth, sink, unload = _RUNNING_SOLE
        x = np.clip(s / sink, 0, 1)
        y = np.clip((s - (1 - unload)) / unload, 0, 1)
        return depth * self.body.height_m * ((1 - x) ** 2 + y * y)

    def stance_state(
        self, s: np.ndarray, side: str, k: np.ndarray | float = 0.0
    ) -> dict[str, np.ndarray]:
        """Leg and pelvis during stance at progress ``s`` (n,) of contact ``k``.

        Returns ground-frame (n, 3) ``hip``, ``knee``, ``ankle``, ``heel``, ``toe``, plus
        ``pelvis_z`` (n,) and ``pitch`` (n,) radians.
        """
        p, b = self.params, self.body
        s = np.asarray(s, dtype=float)
        t_ic = self.ic_time(side, k) * np.ones_like(s)
        t = t_ic + s * self.beta[side] * self.stride_time_s
        fp = b.foot_points()
        pitch, ball = self._pitch_profile(s, side)
        piv = np.where(ball[:, None], fp["ball_pivot"], fp["heel_pivot"])
        f_x = self.pelvis_x(t_ic) + self._land[side]
        f_y = SIGN[side] * p.step_width_m / 2
        pts = {}
        sole = self._sole_height(s)
        for name in ("ankle", "heel", "toe"):
            xz = piv + rot2(pitch, fp[name] - piv)
            pts[name] = np.stack([f_x + xz[:, 0], np.full_like(s, f_y), xz[:, 1] + sole], axis=-1)
        psi = self.obliquity(t)
        hw = b.hip_width_m / 2
        hip_x = self.pelvis_x(t)
        hip_y = self.pelvis_y(t) + SIGN[side] * hw * np.cos(psi)
        kappa = self._knee_profile(s, side)
        d2 = b.thigh_m**2 + b.shank_m**2 + 2 * b.thigh_m * b.shank_m * np.cos(kappa)
        dx = pts["ankle"][:, 0] - hip_x
        dy = pts["ankle"][:, 1] - hip_y
        dz2 = d2 - dx**2 - dy**2
        hip_z = pts["ankle"][:, 2] + np.sqrt(np.clip(dz2, 1e-6, None))
        hip = np.stack([hip_x, hip_y, hip_z], axis=-1)
        alpha = self._alpha[side] * np.sin(np.pi * s) ** 2
        knee = knee_ik(hip, pts["ankle"], alpha, side, b)
        return {
            "hip": hip,
            "knee": knee,
            **pts,
            "pelvis_z": hip_z - SIGN[side] * hw * np.sin(psi),
            "pitch": pitch,
            "reach_m2": dz2,  # squared vertical hip-ankle room; <= 0 means unreachable
        }

    def _solve_valgus(self, side: str) -> float:
        """Knee swivel (rad) at MS giving the requested frontal-plane knee angle."""
        target = self.params.side("knee_valgus_deg", side)
        st = self.stance_state(np.array([0.5]), side)
        grid = np.radians(np.linspace(-70.0, 70.0, 1401))
        n = grid.size
        hip, ankle = np.repeat(st["hip"], n, 0), np.repeat(st["ankle"], n, 0)
        knee = knee_ik(hip, ankle, grid, side, self.body)
        fppa = frontal_knee_angle(hip, knee, ankle, side)
        if not fppa[0] < target < fppa[-1]:
            raise ConfigError(f"{side} knee_valgus_deg {target} is out of reach for this pose")
        return float(np.interp(target, fppa, grid))

    # ---- swing boundaries ---------------------------------------------------------
    def _leg_coords(self, st: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Swing coordinates from leg points: knee flexion, sagittal leg angle, dy, dorsi."""
        b = self.body
        v = st["ankle"] - st["hip"]
        d2 = (v**2).sum(axis=-1)
        cosk = (d2 - b.thigh_m**2 - b.shank_m**2) / (2 * b.thigh_m * b.shank_m)
        shank = st["ankle"] - st["knee"]
        sigma = np.arctan2(shank[:, 0], -shank[:, 2])
        return {
            "kappa": np.arccos(np.clip(cosk, -1, 1)),
            "theta": np.arctan2(v[:, 0], -v[:, 2]),
            "dy": v[:, 1],
            "dorsi": st["pitch"] - sigma,
            "z": st["pelvis_z"],
        }

    def _boundary_state(self, side: str) -> dict[str, tuple[float, float, float, float]]:
        """Per coordinate: (value at TO, rate at TO, value at IC, rate at IC), rates per s."""
        h = 1e-5
        st = self.stance_state(np.array([1 - h, 1.0, 0.0, h]), side)
        c = self._leg_coords(st)
        dt = h * self.beta[side] * self.stride_time_s
        return {
            key: (
                float(val[1]),
                float((val[1] - val[0]) / dt),
                float(val[2]),
                float((val[3] - val[2]) / dt),
            )
            for key, val in c.items()
        }

    def _check_feasible(self) -> None:
        for side in SIDES:
            st = self.stance_state(np.linspace(0, 1, 201), side)
            if np.any(st["reach_m2"] <= 0.0):
                raise ConfigError(
                    f"{side} leg cannot reach the ground during stance with these settings; "
                    "lower overstride_pct_leg, stance_fraction or knee flexion"
                )

    # ---- whole body ---------------------------------------------------------------
    def evaluate(self, t: np.ndarray, lab: bool = True) -> Skeleton:
        """Every joint at times ``t`` (n,) seconds; lab frame unless ``lab=False``."""
        p, b = self.params, self.body
        t = np.atleast_1d(np.asarray(t, dtype=float))
        n, T = t.size, self.stride_time_s
        psi = self.obliquity(t)
        pelvis = np.stack([self.pelvis_x(t), self.pelvis_y(t), np.zeros(n)], axis=-1)
        joints: dict[str, np.ndarray] = {}
        pitch: dict[str, np.ndarray] = {}
        stance: dict[str, np.ndarray] = {}
        stance_z = np.full(n, np.nan)
        for side in SIDES:
            u, k = self.phase(t, side)
            beta = self.beta[side]
            stance[side] = in_st = u < beta
            st = self.stance_state(np.clip(u / beta, 0, 1), side, k)
            stance_z = np.where(in_st, st["pelvis_z"], stance_z)
            for name in ("hip", "knee", "ankle", "heel", "toe"):
                joints[f"{side}_{name}"] = st[name]
            pitch[side] = st["pitch"]
        # flight: pelvis height from one toe-off to the other leg's contact
        z = stance_z
        for side, other in (("left", "right"), ("right", "left")):
            u, _ = self.phase(t, side)
            beta = self.beta[side]
            dur = (0.5 - beta) * T
            w = (u - beta) / (0.5 - beta)
            zb, zo = self._bounds[side]["z"], self._bounds[other]["z"]
            zf = hermite(np.clip(w, 0, 1), zb[0], zb[1] * dur, zo[2], zo[3] * dur)
            z = np.where((u >= beta) & (u < 0.5), zf, z)
        pelvis[:, 2] = z
        hw = b.hip_width_m / 2
        for side in SIDES:
            hip = pelvis + SIGN[side] * hw * np.stack([0 * psi, np.cos(psi), np.sin(psi)], -1)
            u, _ = self.phase(t, side)
            beta = self.beta[side]
            w = np.clip((u - beta) / (1 - beta), 0, 1)
            swing = swing_joints(
                w,
                hip,
                side,
                body=b,
                params=p,
                dur=(1 - beta) * T,
                bounds=self._bounds[side],
                lift_amps=self._lift_amps,
            )
            in_st = stance[side][:, None]
            for name in ("ankle", "knee", "heel", "toe"):
                key = f"{side}_{name}"
                joints[key] = np.where(in_st, joints[key], swing[name])
            joints[f"{side}_hip"] = hip
            pitch[side] = np.where(stance[side], pitch[side], swing["pitch"])
        joints["pelvis"] = pelvis
        trunk_rot, head_rot = self._upper_body(t, pelvis, joints)
        if lab:
            shift = (
                self.speed_mps * t if p.treadmill else np.full(n, self.speed_mps * p.duration_s / 2)
            )
            for key in joints:
                joints[key] = joints[key] - np.stack([shift, 0 * shift, 0 * shift], -1)
        return Skeleton(t, joints, trunk_rot, head_rot, pitch, stance)

    def _upper_body(
        self, t: np.ndarray, pelvis: np.ndarray, joints: dict[str, np.ndarray]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Add trunk, head and arm joints to ``joints``; return trunk and head rotations."""
        p, b = self.params, self.body
        u, _ = self.phase(t, "left")
        bl = self.beta["left"]
        lean = np.radians(p.trunk_lean_deg + 1.0 * np.sin(4 * np.pi * (u - bl / 2)))
        lat = np.radians(
            p.side("lateral_trunk_lean_deg", "left") * self.stancebump(t, "left")
            - p.side("lateral_trunk_lean_deg", "right") * self.stancebump(t, "right")
        )
        amp = np.radians(p.arm_swing_deg)
        arm = {
            "left": amp * np.cos(2 * np.pi * (u - 0.53)),
            "right": amp * np.cos(2 * np.pi * (u - 0.03)),
        }
        yaw = np.radians(8.0) * (arm["left"] - arm["right"]) / (2 * max(amp, 1e-6))
        trunk_rot = rot_y(lean) @ rot_x(-lat) @ rot_z(yaw)
        head_rot = rot_y(0.3 * lean) @ rot_x(-0.5 * lat)
        mid_sh = pelvis + trunk_rot @ np.array([0.0, 0.0, b.trunk_m])
        joints["mid_shoulder"] = mid_sh
        joints["head"] = mid_sh + head_rot @ np.array([0.01 * b.height_m, 0.0, b.neck_m])
        for side in SIDES:
            sg = SIGN[side]
            sh = mid_sh + trunk_rot @ np.array([0.0, sg * b.shoulder_width_m / 2, 0.0])
            a = arm[side]
            ab = np.radians(10.0)
            ua = np.stack(
                [np.sin(a) * np.cos(ab), sg * np.sin(ab) + 0 * a, -np.cos(a) * np.cos(ab)], -1
            )
            elbow = sh + np.einsum("nij,nj->ni", trunk_rot, b.upper_arm_m * ua)
            f = a + np.radians(80.0 + 20.0 * np.sin(a))
            fa = np.stack([np.sin(f), -sg * 0.3 + 0 * f, -np.cos(f)], -1)
            fa /= np.linalg.norm(fa, axis=-1, keepdims=True)
            wrist = elbow + np.einsum("nij,nj->ni", trunk_rot, b.forearm_m * fa)
            joints[f"{side}_shoulder"], joints[f"{side}_elbow"] = sh, elbow
            joints[f"{side}_wrist"] = wrist
            lat_dir = np.einsum("nij,j->ni", trunk_rot, np.array([0.0, sg, 0.0]))
            fa_lab = np.einsum("nij,nj->ni", trunk_rot, fa)
            hand = 0.045 * b.height_m
            joints[f"{side}_index"] = wrist + hand * fa_lab - 0.2 * hand * lat_dir
            joints[f"{side}_pinky"] = wrist + 0.85 * hand * fa_lab + 0.25 * hand * lat_dir
            joints[f"{side}_thumb"] = wrist + 0.6 * hand * fa_lab - 0.5 * hand * lat_dir
        return trunk_rot, head_rot
