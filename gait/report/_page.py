"""The report pages' HTML building blocks, shared by the analysis, comparison, history
and batch reports: escaping, chips, inline images, sections and the whole page in the
report's look (inline CSS, no scripts)."""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from typing import Any

from gait import __version__
from gait.report import _format as F
from gait.report._style import CSS


def esc(x: Any) -> str:
    """HTML-escaped text of any value (empty for missing values)."""
    return html.escape(F.text(x), quote=True)


def chip(level: str, label: str) -> str:
    return f'<span class="chip {esc(level)}">{esc(label)}</span>'


def img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{esc(alt)}">'


def page(
    title: str,
    subtitle: Sequence[str],
    toc: Sequence[tuple[str, str]],
    sections: Sequence[str],
) -> str:
    """A whole self-contained HTML document in the report's look.

    ``subtitle`` lines and ``toc`` labels are escaped here; ``sections`` are HTML
    already (see :func:`section`). ``toc`` is (section id, label); empty = no nav.
    """
    head = "".join(f"<p>{esc(line)}</p>" for line in subtitle)
    links = "".join(f'<a href="#{sid}">{esc(label)}</a>' for sid, label in toc)
    nav = f'<nav class="toc">{links}</nav>\n' if toc else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<header class="top"><div class="inner"><h1>{esc(title)}</h1>{head}</div></header>\n'
        f"{nav}<main>\n" + "".join(sections) + "</main>\n"
        f"<footer>gait {esc(__version__)} · open-source running gait analysis · "
        "this report works offline</footer>\n</body>\n</html>\n"
    )


def section(sid: str, title: str, lead: str, body: str) -> str:
    lead_html = f'<p class="lead">{esc(lead)}</p>' if lead else ""
    return f'<section id="{sid}"><h2>{esc(title)}</h2>{lead_html}{body}</section>\n'
