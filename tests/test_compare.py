"""Before/after comparison: synthetic pairs with known changes, comparability, CLI."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pandas as pd
import pytest

from gait.analysis import AnalysisResult, analyze_pose
from gait.cli import main
from gait.compare_cli import comparison_table
from gait.compare_stats import ClipError, clip_interval, rhythm_cadence_error
from gait.comparison import (
    SCHEMA_FILE,
    Comparison,
    Session,
    compare,
    expanded_levels,
    finding_change_text,
    judge,
    load_session,
)
from gait.errors import GaitError
from gait.metrics import METRICS
from gait.report.compare_html import CompareAssets, render_compare_html
from gait.synth import RunnerParams, synth_landmarks
from gait.timing import rhythm_cadence_spm

REPO = Path(__file__).resolve().parents[1]
# 8 s at 60 fps: about 11 valid strides per side; pixel noise makes the intervals non-trivial
BASE = dict(duration_s=8.0, fps=60.0, noise_px=1.0, view="side_right", cadence_spm=160.0)


def _session(**kw: Any) -> tuple[AnalysisResult, dict[str, Any], Any]:
    pose, truth = synth_landmarks(RunnerParams(**{**BASE, **kw}))
    return analyze_pose(pose), truth, pose


def _truth_change(tb: dict[str, Any], ta: dict[str, Any], name: str) -> float:
    return float(ta["metrics_image"][name]["overall"] - tb["metrics_image"][name]["overall"])


@pytest.fixture(scope="module")
def before() -> tuple[AnalysisResult, dict[str, Any], Any]:
    return _session(seed=11)


@pytest.fixture(scope="module")
def cadence_after() -> tuple[AnalysisResult, dict[str, Any], Any]:
    return _session(seed=12, cadence_spm=160.0 * 1.08)


@pytest.fixture(scope="module")
def lean_after() -> tuple[AnalysisResult, dict[str, Any], Any]:
    return _session(seed=13, trunk_lean_deg=13.0)


@pytest.fixture(scope="module")
def cadence_cmp(before: Any, cadence_after: Any) -> Comparison:
    return compare(before[0], cadence_after[0])


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    doc = json.loads(SCHEMA_FILE.read_text())
    jsonschema.Draft202012Validator.check_schema(doc)
    return doc


def _row(c: Comparison, name: str) -> dict[str, Any]:
    return c.metrics.set_index("metric").loc[name].to_dict()


def _check_pair(
    c: Comparison,
    tb: dict[str, Any],
    ta: dict[str, Any],
    changed: str,
    skip: tuple[str, ...] = (),
) -> None:
    """The changed metric is flagged with an interval holding the true change; metrics
    whose truth moves by less than half their smallest change are not flagged."""
    r = _row(c, changed)
    true = _truth_change(tb, ta, changed)
    assert r["changed"], r
    assert r["ci_low"] <= true <= r["ci_high"], (true, r)
    assert r["direction"] == ("increased" if true > 0 else "decreased")
    for name in tb["metrics_image"]:
        if name == changed or name in skip:
            continue
        spec = METRICS[name]
        if abs(_truth_change(tb, ta, name)) < 0.5 * (spec.smallest_change or 0):
            row = _row(c, name)
            assert row["verdict"] == "no_meaningful_change", (name, row)
            assert not row["changed"], (name, row)


def test_cadence_plus_8_percent_is_improved(before: Any, cadence_after: Any, cadence_cmp: Any):
    # A faster cadence at the same stance fraction shortens contact time by 19 ms in truth;
    # the event detector currently tracks only part of that (measured -3 ms), which leaves a
    # +2.2 % duty-factor change that is not in the truth (reported to the analysis core):
    # the two timing metrics coupled to cadence are not asserted here.
    skip = ("contact_time_ms", "duty_factor_pct")
    _check_pair(cadence_cmp, before[1], cadence_after[1], "cadence_spm", skip)
    # 160 -> 172.8 spm moves toward the middle of the typical 160-185 range
    assert _row(cadence_cmp, "cadence_spm")["verdict"] == "improved"
    assert cadence_cmp.warnings == []


def test_trunk_lean_plus_6_deg_is_worse(before: Any, lean_after: Any):
    c = compare(before[0], lean_after[0], seed=3)
    _check_pair(c, before[1], lean_after[1], "trunk_lean_deg")
    # 7 -> 13 deg leaves the typical 5-12 deg range
    assert _row(c, "trunk_lean_deg")["verdict"] == "worse"


def test_overstride_minus_12_pct_leg_is_improved(before: Any):
    # a "lower is better" metric: 30 -> 18 % leg (truth -11.9); the shank angle, hip
    # extension and vertical oscillation move with it in the truth too
    after = _session(seed=14, overstride_pct_leg=18.0)
    c = compare(before[0], after[0], seed=5)
    _check_pair(c, before[1], after[1], "overstride_pct_leg")
    assert _row(c, "overstride_pct_leg")["verdict"] == "improved"


def test_same_clip_against_itself_has_no_meaningful_change(before: Any):
    c = compare(before[0], before[0])
    measured = c.metrics.loc[c.metrics["verdict"] != "not_comparable"]
    assert len(measured) == 12  # every side-view metric
    assert (measured["verdict"] == "no_meaningful_change").all()
    assert not measured["changed"].any()
    assert np.allclose(measured["change"], 0.0)
    assert (c.sides["verdict"] == "no_meaningful_change").all()
    assert set(c.findings["change"]) <= {"absent", "persisted", "not_comparable"}
    # a frontal metric neither side view measures: its one reason said once
    reason = _row(c, "pelvic_drop_deg")["reason"]
    assert reason.startswith("not measurable in either clip: ") and "before:" not in reason


def _variable_runner(cadence_spm: float, seed: int, *, duration_s: float = 8.0) -> Any:
    """A 30-fps side-view runner whose step times scatter by 3 % (real runners: 2-4 %).

    The synthetic runner is perfectly periodic; here each step of model time takes
    ``60 / cadence * (1 + 0.03 z)`` seconds of clip time (``z`` standard normal), sampled
    from a 300-fps rendering.  The runner's long-run cadence stays ``cadence_spm``.
    """
    fps, hi_fps, cv = 30.0, 300.0, 0.03
    rng = np.random.default_rng(seed)
    step_s = 60.0 / cadence_spm
    n_steps = int(1.5 * duration_s / step_s) + 4
    edges = np.concatenate([[0.0], np.cumsum(step_s * (1 + cv * rng.standard_normal(n_steps)))])
    t = np.arange(round(duration_s * fps)) / fps
    model_t = np.interp(t, edges, np.arange(n_steps + 1)) * step_s  # model time of each frame
    params = {**BASE, "cadence_spm": cadence_spm, "fps": hi_fps, "noise_px": 0.0, "seed": seed}
    params["duration_s"] = float(model_t[-1]) + 0.1
    pose, _ = synth_landmarks(RunnerParams(**params), with_truth=False)
    idx = np.rint(model_t * hi_fps).astype(int)
    image = pose.image_px[idx].copy()
    image[..., :2] += rng.normal(0.0, 1.0, image[..., :2].shape)  # 1 px landmark noise
    return dataclasses.replace(
        pose,
        image_px=image,
        visibility=pose.visibility[idx],
        presence=pose.presence[idx],
        world_m=pose.world_m[idx],
        time_s=t,
        frame_index=np.arange(t.size),
        fps=fps,
    )


def test_cadence_interval_is_honest_for_runners_whose_steps_vary():
    """+6 % cadence (about +10 spm) and no change, on 8-s 30-fps clips with 3 % step scatter.

    The cadence is the clip's rhythm; its interval comes from windows of the clip
    (moving-block jackknife), not from per-stride rates that scatter ~10 % at 30 fps.
    Measured (20 pairs per case): every interval held the true change, median width
    10 spm at 8 s (14 at 5 s, 8 at 12 s); the stride bootstrap it replaces missed the
    +12.8 spm change of the rendered sample pair.
    """
    widths, found = [], 0
    for k in range(6):
        c0 = 160.0 + 3 * k
        before = analyze_pose(_variable_runner(c0, 100 + k))
        for factor in (1.06, 1.0):
            after = analyze_pose(_variable_runner(c0 * factor, 200 + k))
            row = _row(compare(before, after, n_boot=200), "cadence_spm")
            true = c0 * (factor - 1.0)
            assert row["interval_method"] == "clip_jackknife"
            assert row["ci_low"] <= true <= row["ci_high"], (k, factor, true, row)
            widths.append(row["ci_high"] - row["ci_low"])
            if factor == 1.0:
                assert row["verdict"] == "no_meaningful_change" and not row["changed"], row
            else:  # 160-175 -> 170-185 spm: toward or within the typical range
                found += bool(row["changed"]) and row["direction"] == "increased"
                assert row["verdict"] in ("improved", "no_meaningful_change"), row
    assert 3.0 < float(np.median(widths)) < 16.0, widths  # neither a point nor useless
    assert found >= 4, found  # a +6 % change is found in most 8-s clips


def test_rhythm_cadence_error_reflects_the_clip():
    # a perfectly regular rhythm is measured almost exactly: a tiny error is honest there
    regular, _ = synth_landmarks(RunnerParams(**{**BASE, "noise_px": 0.0}))
    res = analyze_pose(regular)
    err = rhythm_cadence_error(res.cleaned.image_px[:, :, :2], regular.time_s, cadence_spm=160.0)
    assert err is not None and err.se < 0.1 and err.dof == pytest.approx(4.5, abs=0.1)
    # step-time scatter gives a larger error, and a clip too short for windows gives none
    varied = analyze_pose(_variable_runner(160.0, 7))
    cad = float(varied.summary.set_index("metric").loc["cadence_spm", "value"])
    err_v = rhythm_cadence_error(
        varied.cleaned.image_px[:, :, :2], varied.pose.time_s, cadence_spm=cad
    )
    assert err_v is not None and 0.3 < err_v.se < 5.0
    xy, t = varied.cleaned.image_px[:20, :, :2], varied.pose.time_s[:20]
    assert rhythm_cadence_error(xy, t, cadence_spm=cad) is None
    lo, hi = clip_interval(2.0, ClipError(1.0, 4.5), ClipError(1.0, 4.5))
    # sqrt(2) * t(0.975, Welch dof 9) = 1.414 * 2.262
    assert (lo, hi) == pytest.approx((2.0 - 3.199, 2.0 + 3.199), abs=0.01)


def test_point_values_match_the_summary(before: Any, cadence_cmp: Comparison):
    summary = before[0].summary.set_index("metric")
    for r in cadence_cmp.metrics.to_dict("records"):
        if r["verdict"] != "not_comparable":
            assert r["before"] == pytest.approx(summary.loc[r["metric"], "value"])
    sides = cadence_cmp.sides.set_index(["metric", "side"])
    assert sides.loc[("trunk_lean_deg", "left"), "before"] == pytest.approx(
        summary.loc["trunk_lean_deg", "left"]
    )


def test_side_against_rear_is_not_comparable_for_view_metrics(before: Any):
    rear, _, _ = _session(seed=31, view="rear")
    c = compare(before[0], rear)
    rows = c.metrics.set_index("metric")
    for name, spec in METRICS.items():
        if spec.views == ("side", "rear", "front"):
            assert rows.loc[name, "verdict"] != "not_comparable", name
        else:
            assert rows.loc[name, "verdict"] == "not_comparable", name
            assert "view" in rows.loc[name, "reason"]
    assert "before is a side view, after a rear view" in rows.loc["trunk_lean_deg", "reason"]
    assert any("different views" in w for w in c.warnings)


def test_rear_metrics_under_read_by_the_pose_model_say_so() -> None:
    """The comparison table repeats the caveat of pelvic drop, knee valgus and step width
    (``MetricSpec.caveat``): a real change of an under-read measurement reads smaller."""
    from gait.report.compare_html import UNDER_READ

    a, _, _ = _session(seed=31, view="rear")
    b, _, _ = _session(seed=32, view="rear")
    html = render_compare_html(compare(a, b), assets=CompareAssets())
    rows = {r.split('"', 1)[0]: r.split("</tr>", 1)[0] for r in html.split('data-metric="')[1:]}
    for name in ("pelvic_drop_deg", "knee_valgus_deg", "step_width_pct_leg"):
        assert UNDER_READ in rows[name], name
    assert UNDER_READ not in rows["lateral_trunk_lean_deg"]
    assert UNDER_READ not in rows["cadence_spm"]


def test_json_matches_schema(cadence_cmp: Comparison, schema: dict[str, Any], before: Any):
    doc = cadence_cmp.to_dict()
    jsonschema.Draft202012Validator(schema).validate(doc)
    m = doc["metrics"]["cadence_spm"]
    assert m["verdict"] == "improved" and len(m["interval"]) == 2
    assert set(m["sides"]) == {"left", "right"} and "asymmetry" in m
    assert doc["metrics"]["pelvic_drop_deg"]["reason"]
    bad = json.loads(json.dumps(doc))
    bad["metrics"]["cadence_spm"]["verdict"] = "changed"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(bad)
    # the self-comparison too
    jsonschema.Draft202012Validator(schema).validate(compare(before[0], before[0]).to_dict())


def test_bootstrap_is_reproducible_and_seeded(before: Any, cadence_after: Any):
    a = compare(before[0], cadence_after[0], n_boot=500, seed=7).metrics
    b = compare(before[0], cadence_after[0], n_boot=500, seed=7).metrics
    c = compare(before[0], cadence_after[0], n_boot=500, seed=8).metrics
    assert a["ci_low"].equals(b["ci_low"])
    assert not a["ci_low"].equals(c["ci_low"])


def test_expanded_interval_widens_for_few_strides():
    lo7, hi7 = expanded_levels(7)
    lo200, _ = expanded_levels(200)
    assert lo7 == pytest.approx(0.41, abs=0.05) and hi7 == pytest.approx(99.59, abs=0.05)
    assert lo200 == pytest.approx(2.5, abs=0.1)


def test_few_strides_warn_and_widen(before: Any):
    short, _, _ = _session(seed=41, duration_s=2.6)
    c = compare(short, short)
    assert any("few valid steps" in w for w in c.warnings)
    assert c.metrics.loc[c.metrics["verdict"] != "not_comparable", "few_strides"].all()
    long_ = compare(before[0], before[0]).metrics.set_index("metric")
    short_ = c.metrics.set_index("metric")
    width = short_["ci_high"] - short_["ci_low"]
    # a metric over both legs (trunk lean comes from the near leg alone: 2 strides here)
    name = "knee_flexion_midstance_deg"
    assert width[name] > (long_["ci_high"] - long_["ci_low"])[name]


@pytest.mark.parametrize(
    ("better", "b", "a", "changed", "verdict", "judged"),
    [
        ("higher", 10.0, 15.0, True, "improved", True),
        ("higher", 15.0, 10.0, True, "worse", True),
        ("lower", 10.0, 15.0, True, "worse", True),
        ("lower", 10.0, 15.0, False, "no_meaningful_change", True),
        ("none", 10.0, 15.0, True, "no_meaningful_change", False),
        ("target", 150.0, 165.0, True, "improved", True),  # into the range
        ("target", 162.0, 175.0, True, "improved", True),  # toward its middle
        ("target", 175.0, 184.0, True, "no_meaningful_change", False),  # stays inside
        ("target", 180.0, 195.0, True, "worse", True),  # leaves the range
    ],
)
def test_judge(better: str, b: float, a: float, changed: bool, verdict: str, judged: bool):
    spec = dataclasses.replace(METRICS["cadence_spm"], better=better, typical=(160.0, 185.0))
    v, j, _ = judge(spec, b, a, changed)
    assert (v, j) == (verdict, judged)


def _with_findings(result: AnalysisResult, status: dict[str, str]) -> Session:
    s = Session.from_result(result)
    found = [dict(f, status=status.get(f["code"], f["status"])) for f in s.findings]
    return dataclasses.replace(s, findings=found)


def test_findings_appeared_resolved_persisted(before: Any):
    r = before[0]
    b = _with_findings(
        r, {"GAIT-STR-01": "fired", "GAIT-ANK-01": "fired", "GAIT-TRK-01": "not_fired"}
    )
    a = _with_findings(
        r, {"GAIT-STR-01": "not_fired", "GAIT-ANK-01": "fired", "GAIT-TRK-01": "fired"}
    )
    c = compare(b, a, n_boot=200)
    ch = c.findings.set_index("code")["change"]
    assert ch["GAIT-STR-01"] == "resolved"
    assert ch["GAIT-ANK-01"] == "persisted"
    assert ch["GAIT-TRK-01"] == "appeared"
    assert ch["GAIT-PEL-01"] == "not_comparable"  # not checked from the side
    adv = c.drill_advice
    assert "ankle_dorsiflexion_rocks" in adv["keep"]
    assert "hamstring_curl_slow" in adv["maintenance"]  # overstride-only drill
    assert not set(adv["maintenance"]) & set(adv["keep"])
    text = " ".join(adv["messages"])
    assert "keep its drills" in text and "maintenance" in text and "newly seen" in text


def test_a_low_confidence_finding_says_so_in_the_comparison(before: Any):
    """A finding that fired at confidence "low" (seen on the far leg only, say) keeps that
    confidence in the comparison: JSON, terminal table and HTML."""
    r = before[0]
    b = _with_findings(r, {"GAIT-ANK-01": "not_fired", "GAIT-STR-01": "fired"})
    a = _with_findings(r, {"GAIT-ANK-01": "fired", "GAIT-STR-01": "fired"})
    a = dataclasses.replace(
        a,
        findings=[
            dict(f, confidence="low") if f["code"] in ("GAIT-ANK-01", "GAIT-STR-01") else f
            for f in a.findings
        ],
    )
    c = compare(b, a, n_boot=200)
    rows = c.findings.set_index("code")
    assert rows.loc["GAIT-ANK-01", "change"] == "appeared"
    assert rows.loc["GAIT-ANK-01", "after_confidence"] == "low"
    assert pd.isna(rows.loc["GAIT-ANK-01", "before_confidence"])  # not seen before
    assert rows.loc["GAIT-STR-01", "after_confidence"] == "low"
    doc = c.to_dict()
    ank = next(f for f in doc["findings"] if f["code"] == "GAIT-ANK-01")
    assert (ank["before_confidence"], ank["after_confidence"]) == (None, "low")
    assert "newly seen (low confidence after)" in render_compare_html(c, assets=CompareAssets())
    assert "(low confidence after)" in comparison_table(c)


def test_findings_checked_in_one_clip_only_are_not_called_new_or_resolved(before: Any):
    r = before[0]
    # pelvic drop: not checkable before (side view), seen after; knee valgus the other way
    b = _with_findings(r, {"GAIT-PEL-01": "not_checked", "GAIT-KNE-01": "fired"})
    a = _with_findings(r, {"GAIT-PEL-01": "fired", "GAIT-KNE-01": "not_checked"})
    c = compare(b, a, n_boot=200)
    rows = c.findings.set_index("code")
    assert rows.loc["GAIT-PEL-01", "change"] == "not_comparable"
    assert rows.loc["GAIT-KNE-01", "change"] == "not_comparable"
    words = {
        code: finding_change_text(row["change"], row["before"], row["after"])
        for code, row in rows.iterrows()
    }
    assert words["GAIT-PEL-01"] == "not checked before; seen after"
    assert words["GAIT-KNE-01"] == "seen before; not checked after"
    assert finding_change_text("not_comparable", "not_checked", "not_checked") == (
        "not checked in either clip"
    )
    adv = c.drill_advice
    assert "slider_bridge" in adv["add"]  # pelvic-drop-only drill: not in the before plan
    assert "wall_ankle_mobilisation" in adv["keep"]  # valgus drill: not known to be resolved
    assert "wall_ankle_mobilisation" not in adv["maintenance"]
    text = " ".join(adv["messages"])
    assert "not checked in the before clip" in text and "not known to be new" in text
    assert "not checked in the after clip" in text and "not known to be resolved" in text
    assert "newly seen" not in text and "no longer seen" not in text
    page = render_compare_html(c, assets=CompareAssets())
    assert "not checked before; seen after" in page
    assert "seen before; not checked after" in page
    assert "newly seen" not in page and "not checked in both" not in page
    table = comparison_table(c)
    assert "Contralateral pelvic drop: not checked before; seen after" in table


def test_load_session_from_saved_folders(tmp_path: Path, before: Any, cadence_cmp: Comparison):
    result, _, pose = before
    full = tmp_path / "full"
    result.save(full)
    pose.save(full / "landmarks.npz")
    s = load_session(full)
    assert s.result is not None  # re-analysed from the landmarks, no inference
    assert s.result.summary["value"].equals(result.summary["value"])
    numbers = tmp_path / "numbers"
    result.save(numbers)
    s2 = load_session(numbers / "analysis.json")
    assert s2.result is None and s2.view_kind == "side"
    c = compare(s2, cadence_cmp.after)
    assert np.allclose(c.metrics["before"], cadence_cmp.metrics["before"], equal_nan=True)
    (numbers / "strides.csv").unlink()
    with pytest.raises(GaitError, match=r"strides\.csv"):
        load_session(numbers)
    with pytest.raises(GaitError, match="not found"):
        load_session(tmp_path / "missing.mp4")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(GaitError, match="expected a video clip"):
        load_session(tmp_path / "notes.txt")
    # a folder of something else: it said ".../analysis.json not found", not what to give
    with pytest.raises(GaitError, match=r"holds no analysis\.json or landmarks\.npz: give a"):
        load_session(tmp_path)


# ------------------------------------------------------------------------------- CLI


@pytest.fixture(scope="module")
def npz_pair(tmp_path_factory: pytest.TempPathFactory, before: Any, cadence_after: Any):
    d = tmp_path_factory.mktemp("pair")
    b = before[2].save(d / "before<script>.npz")
    a = cadence_after[2].save(d / "after.npz")
    return b, a


def test_cli_compare_writes_json_and_html(
    npz_pair: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], schema: Any
):
    out = tmp_path / "out"
    code = main(["compare", str(npz_pair[0]), str(npz_pair[1]), "-o", str(out), "-q"])
    assert code == 0
    text = capsys.readouterr().out
    assert "Cadence" in text and "improved" in text and "[" in text
    doc = json.loads((out / "comparison.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(doc)
    assert doc["metrics"]["cadence_spm"]["verdict"] == "improved"
    page = (out / "comparison.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page and "before&lt;script&gt;.npz" in page
    assert page.count("data:image/png;base64,") >= 2  # cycle curves + per-stride values
    assert sorted(p.name for p in out.iterdir()) == ["comparison.html", "comparison.json"]


def test_cli_compare_json_only_writes_nothing(
    npz_pair: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: Any,
):
    monkeypatch.chdir(tmp_path)
    assert main(["compare", str(npz_pair[0]), str(npz_pair[0]), "--json", "-q"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["metrics"]["trunk_lean_deg"]["verdict"] == "no_meaningful_change"
    assert list(tmp_path.iterdir()) == []


def test_cli_compare_bad_input(
    npz_pair: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    out = tmp_path / "out"
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all")
    for bad in (tmp_path / "missing.mp4", junk):
        code = main(["compare", str(npz_pair[0]), str(bad), "-o", str(out), "-q"])
        err = capsys.readouterr().err.strip()
        assert code == 3
        assert err.startswith("gait: error:") and "\n" not in err
        assert not out.exists()
    # a missing input is found before the other one is analysed: without -q the before
    # clip was loaded (and said so) first
    code = main(["compare", str(npz_pair[0]), str(tmp_path / "missing.mp4"), "-o", str(out)])
    assert code == 3
    assert capsys.readouterr().err.strip() == (
        f"gait: error: {tmp_path}/missing.mp4 not found: give a clip, an analysis folder or "
        "analysis.json"
    )


@pytest.mark.slow
def test_cli_compare_sample_videos(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """End to end with the real pose model: cadence 162 -> 175 spm is an improvement."""
    from gait import models
    from gait.errors import ModelError

    try:
        models.ensure_model("full")
    except ModelError as exc:
        pytest.skip(f"pose model unavailable: {exc}")
    out = tmp_path / "cmp"
    clips = [str(REPO / "sample_videos" / f"{n}_side.mp4") for n in ("before", "after")]
    assert main(["compare", *clips, "-o", str(out), "-q"]) == 0
    doc = json.loads((out / "comparison.json").read_text())
    assert (out / "comparison.html").stat().st_size > 10_000
    cad = doc["metrics"]["cadence_spm"]
    # the rhythm cadences (true 162 -> 175); their interval comes from the clips' rhythm
    # (moving-block jackknife), not from the per-stride rates that scatter ~10 % at 30 fps
    assert cad["change"] == pytest.approx(13.0, abs=1.0)
    assert cad["interval_method"] == "clip_jackknife"
    assert cad["verdict"] == "improved", cad
    assert cad["interval"][0] <= 13.0 <= cad["interval"][1]
    assert cad["interval"][1] - cad["interval"][0] > 1.0  # not absurdly narrow: 2 x 5 s clips
    # trunk lean from the near leg's strides in both clips (true 6 -> 8 deg; over both
    # legs it read +5.0 with an interval of -5.8..+2.4 - the far leg reads 3-4 deg low)
    lean = doc["metrics"]["trunk_lean_deg"]
    assert lean["change"] == pytest.approx(2.0, abs=0.6)
    assert lean["interval"][0] <= 2.0 <= lean["interval"][1]
    assert lean["interval"][1] - lean["interval"][0] < 2.0
    # true dorsiflexion 23 deg in both clips; the after clip's far leg read 8.7 and fired
    # "limited ankle dorsiflexion" (at low confidence) before ic_after_level
    ank = next(f for f in doc["findings"] if f["code"] == "GAIT-ANK-01")
    assert ank["change"] == "absent", ank
    assert "newly seen" not in capsys.readouterr().out


@pytest.mark.slow
def test_real_treadmill_clip_cadence_interval(treadmill_clip: Path, model_full: Path):
    """The real 12-s treadmill clip (reference cadence 168.9 +/- 0.5 spm from raw pixels).

    Measured: rhythm cadence 168.25 spm, jackknife SE 1.07 spm (4.5 dof); against itself
    the cadence interval is +/-3.4 spm; its two 6-s halves differ by +1.1 spm,
    interval [-2.0, 4.1].  (The analysis itself flags 6-s halves of this clip as walking,
    so the halves are compared at the rhythm level.)
    """
    if not treadmill_clip.is_file():
        pytest.skip(f"{treadmill_clip} is missing")
    s = load_session(treadmill_clip)
    value, err = s.value("cadence_spm"), s.clip_errors.get("cadence_spm")
    assert value is not None and err is not None
    assert 0.3 < err.se < 2.5
    lo, hi = clip_interval(value, err, ClipError(0.0, 1.0))  # one clip's own interval
    assert lo <= 168.9 <= hi and hi - lo < 10.0
    c = compare(s, s)
    measured = c.metrics.loc[c.metrics["verdict"] != "not_comparable"]
    assert len(measured) == 12 and (measured["verdict"] == "no_meaningful_change").all()
    cad = _row(c, "cadence_spm")
    assert cad["interval_method"] == "clip_jackknife"
    assert 3.0 < cad["ci_high"] - cad["ci_low"] < 12.0  # honest, not a point
    # the runner is at steady state: the two halves must not differ meaningfully
    xy, t = s.result.cleaned.image_px[:, :, :2], s.result.pose.time_s
    half = t.size // 2
    parts = [(xy[:half], t[:half]), (xy[half:], t[half:])]
    v0, v1 = (rhythm_cadence_spm(x, tt, guess_spm=value) for x, tt in parts)
    assert v0 is not None and v1 is not None
    e0 = rhythm_cadence_error(*parts[0], cadence_spm=v0)
    e1 = rhythm_cadence_error(*parts[1], cadence_spm=v1)
    assert e0 is not None and e1 is not None
    change = v1 - v0
    lo, hi = clip_interval(change, e0, e1)
    assert lo < 0.0 < hi, (change, lo, hi)


def test_compare_progress_lines_escape_control_characters(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Progress lines name the clips: a hostile file name can neither break the line nor
    drive the terminal (as in ``gait analyze``)."""
    from gait.console import say

    say("analysing evil\nname\x1b[31m.mp4")
    err = capsys.readouterr().err
    assert err == "analysing evil\\nname\\x1b[31m.mp4\n"
