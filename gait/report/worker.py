"""A second process that draws report figures while the main process does the rest.

matplotlib draws while holding the GIL, so a thread cannot draw figures in parallel
with the analysis or with other figures; a process can.  ``gait analyze`` starts a
:class:`FigureWorker` before the landmarks are extracted (or loaded from the cache): it
imports matplotlib and draws a throw-away figure (font cache, Agg canvas) on the other
core while this process extracts landmarks or imports scipy and pandas.  Once the
analysis is done, :func:`gait.report.html.build_assets` hands it some or all of the
figures and draws the rest itself.

The worker is a plain ``spawn`` process fed through a pipe (no pool): it ignores
Ctrl-C (the main process decides what an interrupt means and ends it), leaves when the
pipe closes (the main process ended), and a worker that dies is reported as an error
instead of waited for.  It gets the analysis without its per-frame landmarks: the
figures read the angle series computed here.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from gait.errors import GaitError

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from gait.analysis import AnalysisResult
    from gait.report.html import FigureKey

#: Seconds between checks that the worker is still alive while waiting for figures.
_POLL_S = 0.05


class FigureWorker:
    """One worker process drawing report figures; use as a context manager or ``close()``.

    Examples
    --------
    >>> with FigureWorker() as worker:                              # doctest: +SKIP
    ...     pending = worker.render(result, [("strides", "")], series=series)
    ...     figures = pending.get()
    """

    def __init__(self) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child,), name="gait-figures", daemon=True)
        self._proc.start()
        child.close()
        self._busy = False

    def render(
        self,
        result: AnalysisResult,
        keys: Sequence[FigureKey],
        *,
        series: Mapping[str, Mapping[str, Any]],
        dpi: int = 96,
    ) -> PendingFigures:
        """Start drawing ``keys`` (see :func:`gait.report.html.render_figures`)."""
        if self._busy:
            raise RuntimeError("the figure worker draws one batch at a time")
        try:
            self._conn.send((_without_landmarks(result), list(keys), dict(series), dpi))
        except OSError:  # a broken pipe: the process is gone
            raise self._gone() from None
        self._busy = True
        return PendingFigures(self)

    def _gone(self) -> GaitError:
        self._proc.join(timeout=1)
        return GaitError(
            f"the report's figure process ended unexpectedly (exit code "
            f"{self._proc.exitcode}); run again, and report it if it repeats"
        )

    def _wait(self) -> list[tuple[FigureKey, tuple[str, str, bytes]]]:
        try:
            while not self._conn.poll(_POLL_S):
                if not self._proc.is_alive():
                    raise self._gone()
            ok, payload = self._conn.recv()
        except (EOFError, OSError):
            raise self._gone() from None
        finally:
            self._busy = False
        if not ok:
            raise payload
        return payload

    def close(self) -> None:
        """End the worker (at once, whatever it is doing)."""
        self._conn.close()
        if self._proc.is_alive():
            self._proc.terminate()
        self._proc.join(timeout=5)

    def __enter__(self) -> FigureWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class PendingFigures:
    """Figures being drawn by a :class:`FigureWorker`; :meth:`get` waits for them."""

    def __init__(self, worker: FigureWorker) -> None:
        self._worker = worker

    def get(self) -> list[tuple[FigureKey, tuple[str, str, bytes]]]:
        """[(key, (kind, label, png bytes))], in the order asked; re-raises the
        worker's exception if drawing failed."""
        return self._worker._wait()


def _without_landmarks(result: AnalysisResult) -> AnalysisResult:
    """A shallow copy of ``result`` whose raw and cleaned landmarks have no frames."""
    from gait.posedata import _ARRAYS, _replace

    empty = _replace(result.cleaned, **{a: getattr(result.cleaned, a)[:0] for a in _ARRAYS})
    slim = copy.copy(result)
    slim.pose = empty
    slim.cleaned = empty
    return slim


def _serve(conn: Connection) -> None:
    """The worker's loop: warm up, then draw each batch received until the pipe closes."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import gait.analysis  # noqa: F401  (unpickling the result needs its classes)
    from gait.report import plots
    from gait.report.html import render_figures

    warm = plots.fixed_figure((1.0, 1.0), left=0.1, right=0.1, top=0.1, bottom=0.1)
    warm.add_subplot().set_title("0")
    plots.figure_png(warm, dpi=10)
    while True:
        try:
            result, keys, series, dpi = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[bool, Any] = (True, render_figures(result, keys, series=series, dpi=dpi))
        except Exception as exc:  # raised in the main process (as a picklable error)
            reply = (False, RuntimeError(f"drawing the report's figures failed: {exc!r}"))
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return
