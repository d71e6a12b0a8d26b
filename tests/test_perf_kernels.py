"""The speed-ups of the core keep the answers: each fast kernel against the plain one."""

from __future__ import annotations

import numpy as np
import pytest

from gait.posedata import _landmark_major, _replace
from gait.timing.rhythm import _dft_bins
from gait.view import rotate_image


def _rotate_plain(xy: np.ndarray, roll: float, centre: tuple[float, float]) -> np.ndarray:
    a = np.radians(-roll)
    c, s = float(np.cos(a)), float(np.sin(a))
    out = np.empty_like(xy)
    dx, dy = xy[..., 0] - centre[0], xy[..., 1] - centre[1]
    out[..., 0] = c * dx - s * dy + centre[0]
    out[..., 1] = s * dx + c * dy + centre[1]
    return out


@pytest.mark.parametrize("shape", [(2,), (7, 2), (5000, 33, 2), (70_000, 3, 2)])
def test_blockwise_rotation_is_bit_identical(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(1)
    xy = rng.uniform(0, 640, size=shape)
    xy[..., 0].flat[::7] = np.nan
    ref = _rotate_plain(xy, 3.7, (320.0, 180.5))
    np.testing.assert_array_equal(rotate_image(xy, 3.7, (320.0, 180.5)), ref)
    inplace = xy.copy()
    rotate_image(inplace, 3.7, (320.0, 180.5), out=inplace)
    np.testing.assert_array_equal(inplace, ref)
    # roll -90 deg turns the image +90 deg: (centre + (1, 0)) goes to (centre + (0, 1))
    p = rotate_image(np.array([321.0, 180.5]), -90.0, (320.0, 180.5))
    np.testing.assert_allclose(p, [320.0, 181.5], atol=1e-12)


def test_landmark_major_copy_keeps_values_and_lays_landmarks_out_contiguously() -> None:
    rng = np.random.default_rng(2)
    a = rng.normal(size=(3000, 33, 3))
    lm = _landmark_major(a, block=256)
    np.testing.assert_array_equal(lm, a)
    assert lm.transpose(1, 2, 0).flags.c_contiguous and not np.shares_memory(lm, a)
    again = _landmark_major(lm)  # already landmark-major: still a faithful copy
    np.testing.assert_array_equal(again, a)
    assert not np.shares_memory(again, lm)


def test_unchecked_replace_keeps_metadata_and_rejects_unknown_fields() -> None:
    from core_helpers import synth

    pose, _ = synth(fps=30.0, duration_s=1.0)
    image = pose.image_px.copy()
    new = _replace(pose, image_px=image, settings={"x": 1})
    assert new.image_px is image and new.fps == pose.fps and new.settings == {"x": 1}
    assert pose.settings != {"x": 1}
    with pytest.raises(TypeError):
        _replace(pose, imagepx=image)


@pytest.mark.parametrize(("n", "nfft", "k0", "m"), [(50, 1024, 3, 40), (3001, 65536, 1200, 900)])
def test_dft_bins_match_the_zero_padded_fft(n: int, nfft: int, k0: int, m: int) -> None:
    rng = np.random.default_rng(n)
    y = rng.normal(size=n)
    ref = np.fft.rfft(y, nfft)[k0 : k0 + m]
    got = _dft_bins(y, nfft, k0, m)
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-9 * np.abs(ref).max())


def _hinge_plain(sig: np.ndarray, centre: float, half: int, t0: np.ndarray) -> np.ndarray:
    """Squared error of the continuous two-segment fit at each break ``t0``: lstsq over the
    window's finite samples (the definition :func:`gait.events.hinge_fit` minimises)."""
    base = round(centre)
    t = np.arange(base - half - 1, base + half + 2)
    t = t[(t >= 0) & (t < sig.size)]
    t = t[np.isfinite(sig[t])]
    y = sig[t]
    sse = []
    for b in t0:
        a = np.column_stack([np.ones(t.size), np.minimum(t - b, 0.0), np.maximum(t - b, 0.0)])
        coef = np.linalg.lstsq(a, y, rcond=None)[0]
        sse.append(float(np.sum((a @ coef - y) ** 2)))
    return np.array(sse)


def test_hinge_fit_running_sums_pick_the_least_squares_break() -> None:
    from gait.events import hinge_fit

    rng = np.random.default_rng(4)
    n = 1200
    t = np.arange(n, dtype=float)
    kinks = np.concatenate([[3.2], np.arange(30, 1170, 30) + rng.uniform(-3, 3, 38), [1196.6]])
    # flat, then rising after the nearest kink (the jumps between kinks lie outside the fits)
    near = kinks[np.argmin(np.abs(t[:, None] - kinks[None, :]), axis=1)]
    sig = 5.0 + 1.7 * np.maximum(t - near, 0.0) + rng.normal(scale=0.3, size=n)
    sig[[118, 203]] = np.nan
    centre = kinks + rng.uniform(-1.0, 1.0, kinks.size)
    half, search, step, coarse = 6, 1.5, 0.05, 0.25
    got = hinge_fit(sig, centre, half=half, search=search, step=step, coarse_step=coarse)
    for c, g in zip(centre, got, strict=True):
        # the same two-stage grid, scored by plain least squares
        grid = c + np.arange(-search, search + 1e-9, coarse)
        best = grid[np.argmin(_hinge_plain(sig, c, half, grid))]
        fine = best + np.arange(-coarse, coarse + 1e-9, step)
        want = fine[np.argmin(_hinge_plain(sig, c, half, fine))]
        assert g == pytest.approx(want, abs=1e-9)


@pytest.mark.parametrize("after", [True, False])
@pytest.mark.parametrize("n_points", [3, 4, 6])
def test_one_sided_closed_form_matches_the_pseudo_inverse(after: bool, n_points: int) -> None:
    from gait.metrics import sample_one_sided

    rng = np.random.default_rng(5)
    n = 300
    x = rng.normal(size=(n, 3, 2))
    pos = np.concatenate([rng.uniform(-3, n + 3, 500), [0.0, n - 1.0, 2.0, np.nan]])
    got = sample_one_sided(x, pos, after=after, n_points=n_points)
    for p, g in zip(pos, got, strict=True):
        if not np.isfinite(p):
            assert np.isnan(g).all()
            continue
        base = int(np.ceil(p - 1e-9)) if after else int(np.floor(p + 1e-9))
        idx = base + (np.arange(n_points) if after else -np.arange(n_points))
        if idx.min() < 0 or idx.max() > n - 1:
            assert np.isnan(g).all()
            continue
        dt = idx - p
        w = np.linalg.pinv(np.column_stack([np.ones(n_points), dt, dt * dt]))[0]
        np.testing.assert_allclose(g, np.tensordot(w, x[idx], axes=1), rtol=1e-10, atol=1e-12)
    # a quadratic is reproduced exactly, whichever side the samples come from
    q = np.arange(n, dtype=float)
    q = (0.3 * q * q - 2.0 * q + 1.0)[:, None]
    p = np.array([10.25, 150.5, 200.0])
    np.testing.assert_allclose(
        sample_one_sided(q, p, after=after, n_points=n_points)[:, 0],
        0.3 * p * p - 2.0 * p + 1.0,
        rtol=1e-12,
    )


def test_oriented_landmarks_equal_the_plain_flip() -> None:
    from gait.metrics.angles import _oriented

    rng = np.random.default_rng(6)
    xy = _landmark_major(rng.normal(size=(500, 33, 2)))
    xy[7, 3, 0] = np.nan
    d = np.where(np.arange(500) < 240, 1.0, -1.0)
    used = [25, 3, 31]
    got = _oriented(xy, d, used)
    want = np.stack([xy[:, used, 0] * d[:, None], -xy[:, used, 1]], axis=-1)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(_oriented(xy, -1.0)[:, :, 0], -xy[..., 0])
    # float32 landmarks stay float32 (the later arithmetic runs in that precision)
    assert _oriented(xy.astype(np.float32), d, used).dtype == np.float32


def test_frame_motion_median_by_sorting_network_equals_np_median() -> None:
    from itertools import product

    from gait.timing.repeats import _middle_mean_of_8

    # 0-1 principle: a network that sorts every 0/1 input sorts every input
    bits = np.array(list(product((0.0, 1.0), repeat=8))).T  # (8, 256)
    np.testing.assert_array_equal(_middle_mean_of_8(bits), np.median(bits, axis=0))
    d = np.random.default_rng(8).exponential(size=(8, 5000))
    d[:, :50] = np.round(d[:, :50])  # ties
    np.testing.assert_array_equal(_middle_mean_of_8(d), np.median(d, axis=0))
