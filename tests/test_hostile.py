"""Hostile content (issue 9): nothing read from disk is unpickled or evaluated, the network
is used only to fetch models from the documented sources, models are used only once
their sha256 matches, and the history database only sees parameterised SQL.

HTML escaping of every user-controlled string is tested where each page is made: the
report (tests/test_report.py), the comparison (tests/test_compare.py), the history page
(tests/test_history.py) and a hostile clip name end to end (tests/test_robustness.py).
"""

from __future__ import annotations

import ast
import sqlite3
import tomllib
from pathlib import Path
from typing import Any

import pytest
from robust_helpers import BAD_INPUT, assert_no_output, assert_one_line_error, gait_cli
from test_video import write_clip

from gait import history

PACKAGE = Path(__file__).resolve().parents[1] / "gait"
MODULES = sorted(PACKAGE.rglob("*.py"))


def _trees() -> list[tuple[str, ast.AST]]:
    return [(str(p.relative_to(PACKAGE.parent)), ast.parse(p.read_text())) for p in MODULES]


def _imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)]


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return f"{_name(func.value)}.{func.attr}"
    return ""


def test_the_scan_sees_the_whole_package() -> None:
    found = {path for path, _ in _trees()}
    assert {"gait/posedata.py", "gait/history.py", "gait/models.py"} <= found
    assert "gait/report/html.py" in found and "gait/synth/render.py" in found


def test_nothing_is_unpickled_or_evaluated() -> None:
    unsafe_modules = {"pickle", "cPickle", "dill", "marshal", "shelve", "joblib", "cloudpickle"}
    unsafe_calls = {"eval", "exec", "__import__", "pd.read_pickle", "pandas.read_pickle"}
    bad = []
    for path, tree in _trees():
        bad += [f"{path}: import {m}" for m in _imports(tree) & unsafe_modules]
        for call in _calls(tree):
            name = _name(call.func)
            if name in unsafe_calls or name.endswith("yaml.load"):
                bad.append(f"{path}:{call.lineno}: {name}()")
            if name.endswith(".load") and name.split(".")[0] in ("np", "numpy"):
                flag = {k.arg: k.value for k in call.keywords}.get("allow_pickle")
                if not (isinstance(flag, ast.Constant) and flag.value is False):
                    bad.append(f"{path}:{call.lineno}: {name}() without allow_pickle=False")
    assert bad == []


def test_only_model_fetching_uses_the_network() -> None:
    network = {"urllib.request", "http", "socket", "requests", "httpx", "urllib3", "aiohttp"}
    users = set()
    for path, tree in _trees():
        names = _imports(tree)
        if names & network or any(n.startswith("urllib.request") for n in names):
            users.add(path)
        for call in _calls(tree):
            if _name(call.func).endswith("urlopen"):
                users.add(path)
    assert users == {"gait/models.py"}


def test_model_sources_are_the_documented_ones() -> None:
    cat = tomllib.loads((PACKAGE / "data" / "models.toml").read_text())
    urls = [cat["npm"]["tarball"]] + [m["url"] for m in cat["models"].values()]
    hosts = {u.split("/")[2] for u in urls}
    assert all(u.startswith("https://") for u in urls)
    assert hosts == {"registry.npmjs.org", "storage.googleapis.com"}
    readme = (PACKAGE.parent / "models" / "README.md").read_text()
    assert "storage.googleapis.com/mediapipe-models" in readme and "@mediapipe/pose" in readme


def test_a_tampered_model_is_never_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    models_dir = tmp_path / "models"
    models_dir.mkdir()
    bundle = models_dir / "pose_landmarker_full.task"
    bundle.write_bytes(b"PK\x03\x04 a bundle someone edited")
    monkeypatch.setenv("GAIT_MODEL_DIR", str(models_dir))
    monkeypatch.setenv("GAIT_CACHE_DIR", str(tmp_path / "cache"))
    clip = write_clip(tmp_path / "c.mp4", n=30)
    out = tmp_path / "out"
    run = gait_cli(capsys, "analyze", clip, "-o", out, "--offline", "-q")
    assert_one_line_error(run, BAD_INPUT, "no verified pose model 'full'", "is not accepted")
    assert bundle.read_bytes() == b"PK\x03\x04 a bundle someone edited"
    assert_no_output(out)


def _sql_is_constant(node: ast.expr) -> bool:
    """A string literal, or an f-string that interpolates only module constants."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                names = [n for n in ast.walk(part.value) if isinstance(n, ast.Name)]
                if not all(n.id.isupper() or n.id == "int" for n in names):
                    return False
        return True
    return False


def _definition(tree: ast.AST, name: str) -> ast.expr:
    """What ``name`` is bound to: an assignment's value, or the items of a for loop over
    a module constant (as a tuple expression)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return node.value
        if (
            isinstance(node, ast.For)
            and isinstance(node.target, ast.Name)
            and node.target.id == name
            and isinstance(node.iter, ast.Name)
        ):
            items = _definition(tree, node.iter.id)
            assert isinstance(items, ast.Tuple) and node.iter.id.isupper()
            parts = [e for e in items.elts if not _sql_is_constant(e)]
            return parts[0] if parts else ast.Constant("constant items")
    raise AssertionError(f"no definition of {name}")


def test_history_sql_is_parameterised() -> None:
    tree = ast.parse((PACKAGE / "history.py").read_text())
    calls = [c for c in _calls(tree) if _name(c.func).endswith(("execute", "executemany"))]
    assert len(calls) > 10
    dynamic = []
    for call in calls:
        sql = call.args[0]
        if isinstance(sql, ast.Name):  # a query assigned above, or a loop over a constant
            sql = _definition(tree, sql.id)
        if not _sql_is_constant(sql):
            dynamic.append(f"history.py:{call.lineno}: {ast.unparse(call)[:80]}")
    assert dynamic == []


@pytest.fixture(scope="module")
def result() -> Any:
    from gait.analysis import analyze_pose
    from gait.synth import RunnerParams, synth_landmarks

    pose, _ = synth_landmarks(RunnerParams(duration_s=3.0, fps=30.0))
    return analyze_pose(pose)


def test_runner_names_with_sql_quotes_are_data(result: Any, tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    names = ["Robert'); DROP TABLE sessions;--", "x' OR '1'='1", 'Ann "the fast"', "Zoë"]
    for name in names:
        history.record(result, name, db=db)
    assert history.runners(db=db) == sorted(names)
    for name in names:
        assert len(history.sessions(name, db=db)) == 1
    assert history.sessions("x", db=db).empty  # the OR '1'='1' name matched nothing else
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    conn.close()
    assert {"sessions", "metrics", "findings"} <= tables
