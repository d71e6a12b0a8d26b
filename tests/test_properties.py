"""Property-based tests (hypothesis) of cleaning, events and metrics (issue 9).

Random landmark series with NaNs, constant stretches and extreme values must never raise,
never give values outside physical ranges, and respect the invariances of the problem:
mirroring the clip (x -> W - x), swapping the left/right labels, shifting time, and
affine changes of the signal (the cleaning filters are linear or rank-based).  Examples
are bounded (``max_examples``) so the whole module runs in well under a minute; no
example database is written.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
import pytest
from core_helpers import mirror, swap_labels, synth
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from gait.analysis import AnalysisResult, analyze_pose
from gait.clean import clean_pose, hampel, interpolate_gaps, lowpass
from gait.metrics import METRICS
from gait.posedata import N_LANDMARKS, PoseData

BOUNDED = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FAST = settings(BOUNDED, max_examples=80)
#: Whole-pipeline examples are slow to shrink; they are drawn from a few numbers and a
#: seed, so the reported example reproduces the failure as it is.
PIPELINE = settings(BOUNDED, max_examples=15, phases=[Phase.explicit, Phase.reuse, Phase.generate])

#: Finite values from tiny to extreme, with exact repeats (constant stretches).
VALUES = st.one_of(
    st.floats(-1e6, 1e6, allow_nan=False, width=64),
    st.sampled_from([0.0, 1.0, -1.0, 1e6, -1e6, 1e-9]),
)
CELL = st.one_of(VALUES, st.just(np.nan))


def signals(min_n: int = 1, max_n: int = 60, cols: int = 3) -> st.SearchStrategy[np.ndarray]:
    """(n, cols) float arrays: random, constant, or with NaN runs."""
    shape = st.tuples(st.integers(min_n, max_n), st.integers(1, cols))
    random = hnp.arrays(np.float64, shape, elements=CELL)
    constant = st.builds(
        lambda s, v: np.full(s, v), shape, VALUES
    )  # a frozen landmark, or a flat joint angle
    return st.one_of(random, constant)


# ------------------------------------------------------------------------ signal level


@FAST
@given(
    x=signals(),
    fps=st.sampled_from([24.0, 30.0, 60.0, 240.0]),
    cutoff=st.floats(0.5, 200.0),
    a=st.floats(-1e3, 1e3).filter(lambda v: abs(v) > 1e-3),
    b=st.floats(-1e4, 1e4),
)
def test_lowpass_keeps_missing_and_is_affine(
    x: np.ndarray, fps: float, cutoff: float, a: float, b: float
) -> None:
    from gait.clean import effective_cutoff_hz

    cut = effective_cutoff_hz(cutoff, fps)
    y = lowpass(x, fps, cutoff_hz=cut)
    assert y.shape == x.shape
    np.testing.assert_array_equal(np.isnan(y), np.isnan(x))
    scale = np.nanmax(np.abs(x), initial=1.0) * abs(a) + abs(b) + 1.0
    np.testing.assert_allclose(lowpass(a * x + b, fps, cutoff_hz=cut), a * y + b, atol=1e-8 * scale)
    if np.all(x == x.flat[0]):  # a constant stays exactly that constant (up to rounding)
        np.testing.assert_allclose(y, x, atol=1e-9 * scale)


@FAST
@given(
    x=signals(),
    max_gap_s=st.floats(0.0, 1.0),
    shift_s=st.floats(-1e4, 1e4),
    dt=st.floats(1 / 240, 1 / 10),
)
def test_interpolate_gaps_only_fills_inside_the_data(
    x: np.ndarray, max_gap_s: float, shift_s: float, dt: float
) -> None:
    t = np.arange(len(x)) * dt
    y = interpolate_gaps(x, t, max_gap_s=max_gap_s)
    known = np.isfinite(x)
    np.testing.assert_array_equal(y[known], x[known])  # data is never changed
    assert not (np.isnan(x) & ~np.isnan(y) & ~np.isfinite(y)).any()
    for j in range(x.shape[1]):  # filled values lie between the values around the gap
        col, out = x[:, j], y[:, j]
        if known[:, j].any():
            lo, hi = np.nanmin(col), np.nanmax(col)
            filled = out[~known[:, j] & np.isfinite(out)]
            assert ((filled >= lo - 1e-9 * abs(lo)) & (filled <= hi + 1e-9 * abs(hi))).all()
            first, last = np.flatnonzero(known[:, j])[[0, -1]]
            assert np.isnan(out[:first]).all() and np.isnan(out[last + 1 :]).all()
    shifted = interpolate_gaps(x, t + shift_s, max_gap_s=max_gap_s)
    np.testing.assert_array_equal(np.isnan(shifted), np.isnan(y))
    np.testing.assert_allclose(shifted, y, rtol=1e-6, atol=1e-6 * np.nanmax(np.abs(x), initial=1))


@FAST
@given(
    x=signals(min_n=1, max_n=80, cols=2),
    window=st.integers(1, 15),
    a=st.floats(-100, 100).filter(lambda v: abs(v) > 1e-2),
    b=st.floats(-1e3, 1e3),
)
def test_hampel_only_removes_and_is_affine_invariant(
    x: np.ndarray, window: int, a: float, b: float
) -> None:
    y, outliers = hampel(x, window=window)
    assert y.shape == x.shape and outliers.shape == x.shape
    kept = ~np.isnan(y)
    np.testing.assert_array_equal(y[kept], x[kept])  # a value is kept as is or removed
    np.testing.assert_array_equal(outliers, np.isfinite(x) & np.isnan(y))
    if np.all(x == x.flat[0]):
        assert not outliers.any()  # a constant signal has no outliers
    # The decision compares |x - median| with k * MAD: unchanged by x -> a x + b
    # (up to rounding at the threshold, so compare only clear decisions).
    z = a * x + b
    assume(np.nanmax(np.abs(z), initial=0) < 1e8)
    # distinct values closer than rounding (e.g. 0 and 1e-253) merge under x + 1
    gaps = np.diff(np.unique(x[np.isfinite(x)]))
    assume((gaps > 1e-9 * (1.0 + np.nanmax(np.abs(x), initial=0))).all())
    _, outliers2 = hampel(z, window=window)
    differ = outliers != outliers2
    assert differ.sum() <= max(1, int(0.02 * x.size)), (x, window, a, b)


# ------------------------------------------------------------------------- pose level


def noise_pose(
    n: int,
    fps: float,
    size: tuple[int, int],
    seed: int,
    scale: float = 1.0,
    frozen: bool = False,
    missing: float = 0.0,
    t0: float = 0.0,
) -> PoseData:
    """Landmarks that are pure noise: NaN frames, visibility anywhere in [0, 1],
    coordinates from inside the frame to far outside it (``scale``), maybe frozen."""
    width, height = size
    rng = np.random.default_rng(seed)
    image = rng.uniform(-0.5, 1.5, (n, N_LANDMARKS, 3)) * [width, height, width] * scale
    if frozen:  # every frame the same
        image[:] = image[0]
    gone = rng.random(n) < missing
    image[gone] = np.nan
    vis = rng.uniform(0, 1, (n, N_LANDMARKS))
    vis[gone] = 0.0
    return PoseData(
        image_px=image,
        visibility=vis,
        presence=vis.copy(),
        world_m=np.where(np.isnan(image), np.nan, image / max(width, height)),
        time_s=np.arange(n) / fps + t0,
        frame_index=np.arange(n),
        fps=fps,
        width=width,
        height=height,
    )


random_poses = st.builds(
    noise_pose,
    n=st.integers(1, 90),
    fps=st.sampled_from([15.0, 30.0, 60.0, 120.0]),
    size=st.sampled_from([(64, 48), (640, 360), (3840, 2160)]),
    seed=st.integers(0, 2**32 - 1),
    scale=st.sampled_from([1.0, 10.0, 1e4]),
    frozen=st.booleans(),
    missing=st.floats(0.0, 1.0),
    t0=st.floats(0, 1e4),
)


#: Physically possible values (generous: an angle is an angle, a rate is positive).
RANGES = {
    "cadence_spm": (1.0, 600.0),
    "contact_time_ms": (0.0, 5000.0),
    "duty_factor_pct": (0.0, 100.0),
    "vertical_oscillation_pct_leg": (0.0, 100.0),  # typical 4-12 % of leg length
}


def assert_physical(result: AnalysisResult, *, skip: tuple[str, ...] = ()) -> None:
    """Every number the analysis reports (but the metrics in ``skip``) is finite or NaN
    and inside its physical range; events are ordered in time within the clip."""
    t0, t1 = float(result.pose.time_s[0]), float(result.pose.time_s[-1])
    strides = result.strides
    valid = strides[strides["valid"].astype(bool)] if len(strides) else strides
    for name, spec in METRICS.items():
        if name in skip:
            continue
        row = result.summary.set_index("metric").loc[name]
        values = np.array([row["value"], row["left"], row["right"]], float)
        # Invalid strides carry their values with the reason; only valid ones count.
        per_stride = valid[name].to_numpy(float) if name in valid else np.array([])
        for v in (values, per_stride):
            assert not np.isinf(v).any(), name
            lo, hi = RANGES.get(name, (-180.0, 180.0) if spec.unit == "deg" else (-1e6, 1e6))
            finite = v[np.isfinite(v)]
            assert ((finite >= lo) & (finite <= hi)).all(), (name, finite)
        if pd.notna(row["asymmetry"]):  # left minus right
            assert float(row["asymmetry"]) == pytest.approx(row["left"] - row["right"]), name
    ev = result.events
    if len(ev):
        assert ev["time_s"].between(t0 - 1e-9, t1 + 1e-9).all()
        for _, side in ev.groupby("side"):
            assert side["time_s"].is_monotonic_increasing
    if len(valid):
        assert (valid["stride_time_s"] > 0).all()
        assert (valid["contact_time_ms"].dropna() <= 1000 * valid["stride_time_s"].max()).all()


@PIPELINE
@given(pose=random_poses)
def test_cleaning_and_analysis_never_raise_on_noise(pose: PoseData) -> None:
    cleaned = clean_pose(pose)
    assert cleaned.image_px.shape == pose.image_px.shape
    counts = cleaned.settings["cleaning"]
    assert all(v >= 0 for v in counts.values() if isinstance(v, int | float))
    assert_physical(analyze_pose(pose))


def test_simultaneous_contacts_do_not_crash_the_speed_check() -> None:
    # Left and right contacts found at the same instants once gave a median step of 0 s.
    pose = noise_pose(n=84, fps=60.0, size=(64, 48), seed=65, missing=0.1)
    assert_physical(analyze_pose(pose))


def damaged_run(
    fps: float,
    view: str,
    seed: int,
    noise_px: float = 0.0,
    dropped: float = 0.0,
    lost: float = 0.0,
    freeze: tuple[int, int] | None = None,
    spikes: float = 0.0,
    spike_px: float = 1e5,
    jitter_px: float = 0.0,
) -> PoseData:
    """A 4-s synthetic runner with damage: a fraction of frames ``dropped`` and of
    landmarks ``lost``, a ``freeze`` (first frame, length) repeating one frame, a
    fraction ``spikes`` of landmarks thrown ``spike_px`` pixels away, extra jitter."""
    pose, _ = synth(fps=fps, duration_s=4.0, view=view, noise_px=noise_px)
    rng = np.random.default_rng(seed)
    image, vis = pose.image_px.copy(), pose.visibility.copy()
    n = pose.n_frames
    gone = rng.random(n) < dropped
    image[gone], vis[gone] = np.nan, 0.0
    hidden = rng.random((n, N_LANDMARKS)) < lost
    image[hidden], vis[hidden] = np.nan, 0.0
    if freeze is not None:  # a stalled decoder repeats a frame
        a, length = freeze[0] % n, freeze[1]
        image[a : a + length] = image[a]
    hit = rng.random((n, N_LANDMARKS)) < spikes
    image[hit, :2] = rng.choice([-spike_px, spike_px], size=(int(hit.sum()), 2))
    image[..., :2] += rng.normal(0, jitter_px, image[..., :2].shape)
    return dataclasses.replace(pose, image_px=image, visibility=vis, presence=vis.copy())


damaged_runs = st.builds(  # no spikes: see the spike tests below
    damaged_run,
    fps=st.sampled_from([30.0, 60.0]),
    view=st.sampled_from(["side_right", "side_left", "rear"]),
    seed=st.integers(0, 2**32 - 1),
    noise_px=st.sampled_from([0.0, 1.0]),
    dropped=st.floats(0.0, 0.6),
    lost=st.floats(0.0, 0.3),
    freeze=st.none() | st.tuples(st.integers(0, 239), st.integers(1, 240)),
    jitter_px=st.floats(0.0, 8.0),
)


@PIPELINE
@given(pose=damaged_runs)
def test_damaged_runs_give_physical_values(pose: PoseData) -> None:
    assert_physical(analyze_pose(pose))


@PIPELINE
@given(
    pose=st.builds(
        damaged_run,
        fps=st.sampled_from([30.0, 60.0]),
        view=st.sampled_from(["side_right", "side_left", "rear"]),
        seed=st.integers(0, 2**32 - 1),
        dropped=st.floats(0.0, 0.6),
        lost=st.floats(0.0, 0.3),
        spikes=st.floats(0.0, 0.05),
        spike_px=st.sampled_from([50.0, 500.0]),
    )
)
def test_spikes_leave_the_other_metrics_physical(pose: PoseData) -> None:
    # Vertical oscillation is pinned by the strict xfail below.
    assert_physical(analyze_pose(pose), skip=("vertical_oscillation_pct_leg",))


def test_spikes_next_to_gaps_are_rejected() -> None:
    # Regression (was a strict xfail): landmarks thrown ~500 px (a mis-detection) on ~4 %
    # of points, next to gaps, survived the Hampel filter - it filled each gap with
    # copies of the spike before it - and gave a valid stride a vertical oscillation of
    # ~365 % of leg length.  The filter now skips missing samples instead.
    pose = damaged_run(
        fps=60.0,
        view="side_right",
        seed=2081811442,
        noise_px=1.0,
        dropped=0.28063813008845767,
        lost=0.16429055976412058,
        spikes=0.0375662459927464,
        spike_px=500.0,
        jitter_px=0.2015749664140829,
    )
    result = analyze_pose(pose)
    assert_physical(result)
    assert result.cleaned.settings["cleaning"]["n_outliers"] > 0


# ------------------------------------------------------------------------ invariances


SIDE = [n for n, s in METRICS.items() if "side" in s.views]


def _summary(result: AnalysisResult) -> pd.DataFrame:
    return result.summary.set_index("metric")[["value", "left", "right"]].astype(float)


@st.composite
def mildly_damaged_runs(draw: Any) -> PoseData:
    """A side-view runner with random dropouts and jitter (no spikes): the analysis
    should find strides, so that the invariances compare numbers, not NaNs."""
    pose, _ = synth(
        fps=60.0,
        duration_s=4.0,
        view=draw(st.sampled_from(["side_right", "side_left"])),
        noise_px=1.0,
        dropout_fraction=draw(st.sampled_from([0.0, 0.05])),
        seed=draw(st.integers(0, 3)),
    )
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    image = pose.image_px.copy()
    image[..., :2] += rng.normal(0, draw(st.floats(0.0, 2.0)), image[..., :2].shape)
    return dataclasses.replace(pose, image_px=image)


def test_mirroring_a_near_tie_keeps_the_metrics() -> None:
    """An example hypothesis found: mirrored, a contact's forward-stop fit picked the
    other of two nearly equal breaks (0.9 frame apart; per-side cadence 166.1 vs 164.7,
    foot strike 5.9 deg apart) - the fit summed squares of raw pixel values."""
    pose, _ = synth(
        fps=60.0, duration_s=4.0, view="side_right", noise_px=1.0, dropout_fraction=0.05, seed=0
    )
    image = pose.image_px.copy()
    image[..., :2] += np.random.default_rng(2).normal(0, 2.0, image[..., :2].shape)
    pose = dataclasses.replace(pose, image_px=image)
    sa = _summary(analyze_pose(pose)).loc[SIDE]
    sb = _summary(analyze_pose(mirror(pose))).loc[SIDE]
    np.testing.assert_allclose(sb.to_numpy(), sa.to_numpy(), atol=1e-6, rtol=1e-9)


@PIPELINE
@given(pose=mildly_damaged_runs())
def test_mirroring_changes_facing_not_metrics(pose: PoseData) -> None:
    a, b = analyze_pose(pose), analyze_pose(mirror(pose))
    assert {a.view.facing, b.view.facing} == {"left", "right"}
    sa, sb = _summary(a).loc[SIDE], _summary(b).loc[SIDE]
    np.testing.assert_array_equal(sa.isna().to_numpy(), sb.isna().to_numpy())
    np.testing.assert_allclose(sb.to_numpy(), sa.to_numpy(), atol=0.3, rtol=1e-3)


@PIPELINE
@given(pose=mildly_damaged_runs())
def test_swapping_labels_swaps_sides(pose: PoseData) -> None:
    a, b = analyze_pose(pose), analyze_pose(swap_labels(pose))
    sa, sb = _summary(a).loc[SIDE], _summary(b).loc[SIDE]
    np.testing.assert_allclose(sb["left"], sa["right"], atol=0.3, rtol=1e-3)
    np.testing.assert_allclose(sb["right"], sa["left"], atol=0.3, rtol=1e-3)
    np.testing.assert_allclose(sb["value"], sa["value"], atol=0.3, rtol=1e-3)


@PIPELINE
@given(pose=mildly_damaged_runs(), shift_s=st.floats(-3600.0, 3600.0))
def test_time_shift_moves_events_only(pose: PoseData, shift_s: float) -> None:
    a = analyze_pose(pose)
    b = analyze_pose(dataclasses.replace(pose, time_s=pose.time_s + shift_s))
    assert len(a.events) == len(b.events)
    np.testing.assert_allclose(
        b.events["time_s"].to_numpy(), a.events["time_s"].to_numpy() + shift_s, atol=1e-6
    )
    assert (
        b.events[["side", "kind", "frame"]].to_numpy()
        == a.events[["side", "kind", "frame"]].to_numpy()
    ).all()
    np.testing.assert_allclose(_summary(b).to_numpy(), _summary(a).to_numpy(), atol=1e-6)


def test_ranges_check_can_fail() -> None:
    """The physical-range check rejects an impossible value (so it is not vacuous)."""
    pose, _ = synth(fps=60.0, duration_s=4.0)
    result = analyze_pose(pose)
    assert_physical(result)
    bad = result.summary.copy()
    bad.loc[bad["metric"] == "duty_factor_pct", "value"] = 140.0
    with pytest.raises(AssertionError):
        assert_physical(dataclasses.replace(result, summary=bad))
