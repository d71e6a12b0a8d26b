"""Helpers for the robustness tests: running the CLI in-process, and checking that an
output folder is either absent or complete and valid (issue 9)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from gait.outputs import ANALYZE_OUTPUTS

REPO = Path(__file__).resolve().parents[1]
#: The documented exit codes, spelled out so a change to gait.errors shows up here.
USAGE, BAD_INPUT, INTERNAL, INTERRUPTED = 2, 3, 4, 130
#: What ``gait analyze -o`` writes without ``--video-overlay``.
ANALYZE_FILES = set(ANALYZE_OUTPUTS) - {"overlay.mp4"}


@dataclass
class Run:
    code: int
    out: str
    err: str


def gait_cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> Run:
    """``gait ARGS`` in this process (argparse exits become the return code)."""
    from gait.cli import main

    try:
        code = main([str(a) for a in args])
    except SystemExit as done:
        code = int(done.code or 0)
    got = capsys.readouterr()
    return Run(code, got.out, got.err)


def assert_one_line_error(run: Run, code: int, *words: str) -> str:
    """Exit ``code``, exactly one stderr line, no traceback, and every word in it."""
    assert run.code == code, run.err
    lines = run.err.strip().splitlines()
    assert len(lines) == 1, run.err
    assert "Traceback" not in run.err
    line = lines[0]
    assert line.startswith("gait"), line
    for word in words:
        assert word in line, (word, line)
    return line


def leftovers(out_dir: Path) -> list[str]:
    """Staging folders or temp files gait left beside or inside ``out_dir``."""
    names = [p.name for p in out_dir.parent.iterdir() if p.name.startswith(f".{out_dir.name}.")]
    if out_dir.is_dir():
        names += [p.name for p in out_dir.iterdir() if p.name.startswith(".")]
    return names


def assert_no_output(out_dir: Path) -> None:
    assert not out_dir.exists(), sorted(p.name for p in out_dir.iterdir())
    assert leftovers(out_dir) == []


def assert_complete_output(
    out_dir: Path, *, sha256: str | None = None, beside: bool = True
) -> dict:
    """Every analyze output present, analysis.json valid against its schema, landmarks
    loadable, no temp files in it (nor ``beside`` it); returns the analysis document."""
    import jsonschema

    from gait.posedata import load

    assert {p.name for p in out_dir.iterdir()} == ANALYZE_FILES
    if beside:
        assert leftovers(out_dir) == []
    doc = json.loads((out_dir / "analysis.json").read_text(encoding="utf-8"))
    schema = json.loads((REPO / "gait/data/analysis.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(doc)
    assert load(out_dir / "landmarks.npz").n_frames == doc["input"]["frames"]
    assert (out_dir / "report.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    if sha256 is not None:
        assert doc["input"]["sha256"] == sha256
    return doc
