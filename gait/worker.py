"""A second process that runs the analysis and draws report figures beside the main one.

``gait analyze`` spends most of its time in pose inference, which keeps about one core
busy.  Importing the analysis and plotting libraries (scipy, pandas, matplotlib: 2-3 s
here) in the same process while it extracts slows the extraction down (the import holds
the interpreter lock the extraction loop needs between model calls), and doing it
afterwards puts it on the critical path.  So ``gait analyze`` starts a :class:`Worker`
before the landmarks are extracted: it imports all of that on the other core and waits.

* After a pose inference the worker is warm: the landmarks go to it and it runs
  :func:`gait.analysis.analyze_pose` (:meth:`Worker.analyze`) while this process imports
  what the outputs need.  When the landmarks came from the cache, it is not warm yet and
  this process analyses them itself.
* matplotlib draws while holding the interpreter lock, so threads cannot draw figures in
  parallel; :func:`gait.report.figures.build_assets` hands the worker some or all of the
  figures (:meth:`Worker.render`) and draws the rest itself.

It is a plain ``spawn`` process fed through a pipe (no pool): it ignores Ctrl-C (the
main process decides what an interrupt means and ends it), leaves when the pipe closes,
never writes files, and a worker that dies is reported as an error instead of waited
for.  Errors raised by the analysis in the worker are raised again here, unchanged.
Only the two processes' own objects cross the pipe (multiprocessing pickles them); no
file is ever unpickled.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from gait.errors import GaitError

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from gait.analysis import AnalysisResult
    from gait.posedata import PoseData
    from gait.report.figures import FigureKey

#: Seconds between checks that the worker is still alive while waiting for it.
_POLL_S = 0.05
_READY = "ready"
_PLOTS_ONLY = "plots only"


class Worker:
    """One worker process; use as a context manager or call :meth:`close`.

    Examples
    --------
    >>> with Worker() as worker:                                    # doctest: +SKIP
    ...     result = worker.analyze(pose)
    ...     figures = worker.render(result, [("strides", "")], series=series).get()
    """

    def __init__(self) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_serve, args=(child,), name="gait-worker", daemon=True)
        _start_silently(self._proc)
        child.close()
        self._warm = False
        self._busy = False

    @property
    def warm(self) -> bool:
        """The worker has imported everything and waits for work (does not block)."""
        if not self._warm and self._conn.poll(0):
            self._warm = self._recv() == _READY
        return self._warm

    def plots_only(self) -> None:
        """Tell the worker it will only draw (it then skips importing the analysis's
        scipy modules, if it has not started yet)."""
        try:
            self._conn.send((_PLOTS_ONLY,))
        except OSError:
            raise self._gone() from None

    def analyze(self, pose: PoseData, **options: Any) -> AnalysisResult:
        """:func:`gait.analysis.analyze_pose` of ``pose`` in the worker (waits for it).

        The result's raw landmarks are ``pose`` itself (they are not sent back).
        """
        from gait.analysis import retime_pose

        self._send(("analyze", pose, options))
        result: AnalysisResult = self._wait()
        # a clip found slowed down or sped up was analysed retimed (gait.analysis)
        by = result.retimed_by
        result.pose = pose if by == 1.0 else retime_pose(pose, by)
        return result

    def render(
        self,
        result: AnalysisResult,
        keys: Sequence[FigureKey],
        *,
        series: Mapping[str, Mapping[str, Any]],
        dpi: int = 96,
    ) -> PendingFigures:
        """Start drawing ``keys`` (see :func:`gait.report.figures.render_figures`)."""
        self._send(("render", _without_landmarks(result), list(keys), dict(series), dpi))
        return PendingFigures(self)

    def _send(self, job: tuple[Any, ...]) -> None:
        if self._busy:
            raise RuntimeError("the worker does one job at a time")
        try:
            self._conn.send(job)
        except OSError:  # a broken pipe: the process is gone
            raise self._gone() from None
        self._busy = True

    def _recv(self) -> Any:
        try:
            while not self._conn.poll(_POLL_S):
                if not self._proc.is_alive():
                    raise self._gone()
            return self._conn.recv()
        except (EOFError, OSError):
            raise self._gone() from None

    def _wait(self) -> Any:
        try:
            reply = self._recv()
            if reply == _READY:
                self._warm = True
                reply = self._recv()
        finally:
            self._busy = False
        ok, payload = reply
        if not ok:
            raise payload
        return payload

    def _gone(self) -> GaitError:
        self._proc.join(timeout=1)
        return GaitError(
            f"gait's worker process ended unexpectedly (exit code {self._proc.exitcode}); "
            "run again, and report it if it repeats"
        )

    def close(self) -> None:
        """End the worker (at once, whatever it is doing)."""
        self._conn.close()
        if self._proc.is_alive():
            self._proc.terminate()
        self._proc.join(timeout=5)

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class PendingFigures:
    """Figures being drawn by a :class:`Worker`; :meth:`get` waits for them."""

    def __init__(self, worker: Worker) -> None:
        self._worker = worker

    def get(self) -> list[tuple[FigureKey, tuple[str, str, bytes]]]:
        """[(key, (kind, label, png bytes))], in the order asked; raises the worker's
        exception if drawing failed."""
        figures: list[tuple[FigureKey, tuple[str, str, bytes]]] = self._worker._wait()
        return figures


def _start_silently(proc: Any) -> None:
    """Start ``proc`` with its standard error on the null device.

    A worker killed or interrupted while Python starts it up (before it can ignore
    Ctrl-C), or left behind by a main process killed at that moment, would print a
    traceback under gait's own messages; the worker reports its errors through the
    pipe instead.  The descriptor is swapped only while the process is started, when
    gait has no other thread that writes to it.
    """
    import os

    null = os.open(os.devnull, os.O_WRONLY)
    saved = os.dup(2)
    try:
        os.dup2(null, 2)
        proc.start()
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def _without_landmarks(result: AnalysisResult) -> AnalysisResult:
    """A shallow copy of ``result`` whose raw and cleaned landmarks have no frames."""
    empty = _no_frames(result.cleaned)
    slim = copy.copy(result)
    slim.pose = empty
    slim.cleaned = empty
    return slim


def _serve(conn: Connection) -> None:
    """The worker's loop: warm up, say so, then do each job received until the pipe
    closes."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import importlib

    from gait.analysis import analyze_pose
    from gait.report import plots
    from gait.report.figures import render_figures

    warm = plots.fixed_figure((1.0, 1.0), left=0.1, right=0.1, top=0.1, bottom=0.1)
    warm.add_subplot().set_title("0")
    plots.figure_png(warm, dpi=10)
    job: tuple[Any, ...] | None = None
    try:
        job = conn.recv() if conn.poll(0) else None
        if job is None or job[0] == "analyze":  # the main process may still want one
            for name in ("scipy.signal", "scipy.ndimage"):  # imported on use by the analysis
                importlib.import_module(name)
        conn.send(_READY)
    except (EOFError, OSError):
        return
    while True:
        try:
            todo: tuple[Any, ...] = conn.recv() if job is None else job
        except (EOFError, OSError):
            return
        job = None
        if todo[0] == _PLOTS_ONLY:
            continue
        try:
            if todo[0] == "analyze":
                _, pose, options = todo
                result = analyze_pose(pose, **options)
                slim = copy.copy(result)
                slim.pose = _no_frames(pose)  # the main process has the landmarks
                reply: tuple[bool, Any] = (True, slim)
            else:
                _, result, keys, series, dpi = todo
                reply = (True, render_figures(result, keys, series=series, dpi=dpi))
        except Exception as exc:  # raised again in the main process
            reply = (False, exc)
        try:
            conn.send(reply)
        except OSError:  # the main process has gone
            return
        except Exception:  # a reply that cannot be pickled (an exotic exception)
            conn.send((False, RuntimeError(f"gait's worker process failed: {reply[1]!r}")))


def _no_frames(pose: PoseData) -> PoseData:
    """``pose`` without its frames (what a figure or a returned result does not need)."""
    from gait.posedata import _ARRAYS, _replace

    return _replace(pose, **{a: getattr(pose, a)[:0] for a in _ARRAYS})
