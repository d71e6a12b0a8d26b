"""The index of a batch (:func:`gait.batch.run_batch`): one row per clip in
``OUT/index.csv``, and ``OUT/index.html``, which links each clip to its report.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gait.batch import ClipOutcome

#: Metrics shown in the HTML index (the CSV has every registry metric).
INDEX_HTML_METRICS = (
    "cadence_spm",
    "contact_time_ms",
    "knee_flexion_midstance_deg",
    "overstride_pct_leg",
    "pelvic_drop_deg",
    "knee_valgus_deg",
)


def index_row(doc: dict[str, Any]) -> dict[str, Any]:
    """A clip's index line from its ``analysis.json`` document."""
    from gait.metrics import METRICS

    view = doc.get("view") or {}
    kind = str(view.get("kind") or "")
    facing = view.get("facing")
    row: dict[str, Any] = {
        "view": f"{kind} ({facing})" if facing and kind.startswith("side") else kind,
        "setting": view.get("setting"),
        "frames": (doc.get("input") or {}).get("frames"),
        "strides_valid": (doc.get("strides") or {}).get("n_valid"),
    }
    metrics = doc.get("metrics") or {}
    for name in METRICS:
        row[name] = (metrics.get(name) or {}).get("value")
    fired = [f["code"] for f in doc.get("findings") or [] if f.get("status") == "fired"]
    row["findings"] = " ".join(fired)
    row["warnings"] = len(doc.get("warnings") or [])
    return row


def index_table(outcomes: Sequence[ClipOutcome], out_root: Path) -> Any:
    """The index as a DataFrame: one row per clip, registry metrics as columns."""
    import pandas as pd

    from gait.metrics import METRICS

    cols = ["clip", "output", "status", "reason", "seconds", "view", "setting", "frames"]
    cols += ["strides_valid", *METRICS, "findings", "warnings", "report"]
    rows = []
    for o in outcomes:
        rel = _relative(o.out_dir, out_root)
        report = f"{rel}/report.html" if o.status != "failed" else ""
        base = {"clip": str(o.clip), "output": rel, "status": o.status, "reason": o.reason}
        rows.append({**base, "seconds": round(o.seconds, 2), **o.row, "report": report})
    table = pd.DataFrame(rows, columns=cols)
    return table.astype({c: "Int64" for c in ("frames", "strides_valid", "warnings")})


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def write_index(outcomes: Sequence[ClipOutcome], out_root: Path) -> list[Path]:
    """Write ``index.csv`` and ``index.html`` into ``out_root`` (each atomically)."""
    from gait._io import atomic_write

    table = index_table(outcomes, out_root)
    csv = atomic_write(out_root / "index.csv", table.to_csv(index=False))
    html = atomic_write(out_root / "index.html", index_html(table))
    return [csv, html]


def index_html(table: Any) -> str:
    """The index page: one row per clip, linked to its report; every cell escaped."""
    from gait.metrics import METRICS
    from gait.report import _format as F
    from gait.report._page import esc, page, section

    head = ["clip", "status", "view", "valid strides"]
    head += [f"{METRICS[m].label} ({METRICS[m].unit})" for m in INDEX_HTML_METRICS]
    head += ["findings fired", "note"]
    lines = []
    for r in table.to_dict("records"):
        name = esc(Path(str(r["clip"])).name)
        link = F.text(r["report"])
        clip = f'<a href="{esc(link)}">{name}</a>' if link else name
        cells = [clip, esc(r["status"]), esc(r["view"]), esc(r["strides_valid"])]
        cells += [esc(F.fmt(r[m], METRICS[m].unit, symbol=False)) for m in INDEX_HTML_METRICS]
        cells += [esc(r["findings"]), esc(r["reason"])]
        lines.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    th = "".join(f"<th>{esc(h)}</th>" for h in head)
    body = f"<table class='index'><tr>{th}</tr>{''.join(lines)}</table>"
    counts = table["status"].value_counts()
    summary = ", ".join(f"{int(counts.get(s, 0))} {s}" for s in ("ok", "skipped", "failed"))
    lead = "One row per clip; the clip name opens its report. All metrics are in index.csv."
    clips = section("clips", "Clips", lead, body)
    return page("Running gait batch", [f"{len(table)} clip(s): {summary}"], [], [clips])
