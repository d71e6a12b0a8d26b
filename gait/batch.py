"""Many clips at once: ``gait batch DIR_OR_GLOB [-j N] [-o OUT] [--force]``.

Each clip is analysed exactly as ``gait analyze CLIP -o OUT/<clip stem>`` would (report
included) in a separate worker process (MediaPipe is not fork-safe, so the pool uses the
``spawn`` start method), or, with ``--scheduler ADDRESS``, as a task on a Dask
distributed cluster (the optional extra ``gait[cluster]``; the clips and ``OUT`` must then
be on a file system every worker sees).

- A folder means the video files directly in it (:data:`VIDEO_SUFFIXES`); anything else
  is a glob pattern (``**`` recurses), e.g. ``"clinic/2024-*/**/*.mov"``.
- Equal stems are told apart in sorted path order: ``run``, ``run-2``, ``run-3``.
- A clip whose folder already holds ``analysis.json`` for the same content (sha256 of the
  file) and model, and a ``report.html``, is skipped unless ``force``.
- A clip that fails (a :class:`~gait.errors.GaitError`, any other exception, a crashed
  worker) is reported with a one-line reason; the others go on.
- ``OUT/index.csv`` and ``OUT/index.html`` list every clip of the run: status, view,
  valid strides, the registry metrics, the findings that fired, the report link.

Exit code of the command: 0 when every clip is ok or skipped, 1 when some clips failed
(the others are done and indexed); a run that cannot start (a bad option, no clips found,
an output folder that is a file or cannot be made) exits like every other ``gait``
command on a :class:`~gait.errors.GaitError`, before any clip is analysed.
"""

from __future__ import annotations

import glob
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gait.batch_index import index_row, write_index
from gait.console import one_line
from gait.errors import ConfigError, GaitError

#: File name endings taken from a folder (case-insensitive).
VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".mts", ".3gp")
#: Segments of a long clip a worker extracts at once (set by :func:`limit_threads`; on
#: a Dask worker 1: the cluster runs clips side by side instead).
_segment_workers = 1
_DASK_MISSING = (
    "--scheduler needs the optional Dask package 'distributed'; "
    "install it with: pip install 'gait[cluster]'"
)


@dataclass(frozen=True)
class ClipJob:
    """One clip to analyse and the folder its outputs go to."""

    clip: Path
    out_dir: Path
    sha256: str


@dataclass(frozen=True)
class BatchOptions:
    """Per-clip settings (the same for every clip of a batch)."""

    model: str = "full"
    cache: bool = True
    offline: bool | None = None


@dataclass(frozen=True)
class ClipOutcome:
    """What happened to one clip.

    ``status`` is ``ok`` (analysed now), ``skipped`` (analysed before, same content and
    model) or ``failed`` (``reason`` says why, in one line). ``row`` is the clip's line
    of the index (see :func:`index_row`); empty when it failed.
    """

    clip: Path
    out_dir: Path
    status: str
    reason: str = ""
    seconds: float = 0.0
    row: dict[str, Any] = field(default_factory=dict)


@dataclass
class BatchReport:
    """Every clip's outcome, in input order, and the index files written."""

    outcomes: list[ClipOutcome]
    index_files: list[Path] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> list[ClipOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)


# ---------------------------------------------------------------------------- planning


def find_clips(spec: str | Path) -> list[Path]:
    """The clips a folder holds (video suffixes, not recursive) or a glob matches, sorted."""
    path = Path(spec)
    if path.is_dir():
        found = [p for p in path.iterdir() if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES]
        where = f"folder {path}"
    else:
        found = [Path(p) for p in glob.glob(str(spec), recursive=True) if Path(p).is_file()]
        where = f"pattern {spec}"
    if not found:
        raise GaitError(
            f"no video files in {where} (looked for {', '.join(VIDEO_SUFFIXES)}); "
            "pass a folder of clips or a glob such as 'clips/*.mp4'"
        )
    return sorted(found)


def plan_jobs(clips: Sequence[Path], out_root: Path) -> list[ClipJob]:
    """Give every clip its own output folder ``out_root/<stem>`` (``-2``, ``-3`` on ties)."""
    from gait.video import sha256_of

    taken: dict[str, int] = {}
    jobs = []
    for clip in sorted(clips, key=str):
        stem = clip.stem or "clip"
        n = taken.get(stem.lower(), 0) + 1
        taken[stem.lower()] = n
        name = stem if n == 1 else f"{stem}-{n}"
        try:
            digest = sha256_of(clip)
        except OSError:
            digest = ""  # unreadable: analyze_clip reports why
        jobs.append(ClipJob(clip=clip, out_dir=out_root / name, sha256=digest))
    order = {c: i for i, c in enumerate(clips)}
    return sorted(jobs, key=lambda j: order[j.clip])


def previous_analysis(job: ClipJob, model: str) -> dict[str, Any] | None:
    """The saved ``analysis.json`` of the same content and model, if complete; else None."""
    try:
        doc = json.loads((job.out_dir / "analysis.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or not (job.out_dir / "report.html").is_file():
        return None
    same_clip = bool(job.sha256) and (doc.get("input") or {}).get("sha256") == job.sha256
    same_model = (doc.get("pose") or {}).get("model") == model
    return doc if same_clip and same_model else None


# ---------------------------------------------------------------------------- one clip


def analyze_clip(job: ClipJob, options: BatchOptions) -> ClipOutcome:
    """Analyse one clip into ``job.out_dir`` like ``gait analyze``; never raises.

    Runs in a worker process (or on a Dask worker): everything it needs is in its
    arguments, and its outcome is small (the index row, not the analysis).
    """
    start = time.perf_counter()
    try:
        doc = _analyze_to_folder(job, options)
    except GaitError as exc:
        return _failed(job, str(exc), time.perf_counter() - start)
    except Exception as exc:
        reason = f"internal error: {type(exc).__name__}: {exc}"
        return _failed(job, reason, time.perf_counter() - start)
    seconds = time.perf_counter() - start
    return ClipOutcome(job.clip, job.out_dir, "ok", seconds=seconds, row=index_row(doc))


def _failed(job: ClipJob, reason: str, seconds: float = 0.0) -> ClipOutcome:
    reason = " ".join(reason.split()) or "unknown error"
    return ClipOutcome(job.clip, job.out_dir, "failed", reason=reason, seconds=seconds)


def _analyze_to_folder(job: ClipJob, options: BatchOptions) -> dict[str, Any]:
    from gait import pose
    from gait.analysis import analyze_pose
    from gait.outputs import write_outputs

    data = pose.extract(
        job.clip,
        options=pose.ExtractOptions(model=options.model),
        cache=options.cache,
        progress=False,
        offline=options.offline,
        workers=_segment_workers,
    )
    warnings = pose.check_extracted(data, job.clip)  # the checks of `gait analyze`
    result = analyze_pose(data)
    result.warnings.extend(warnings)
    write_outputs(job.out_dir, result, clip=job.clip)
    return result.to_dict()


# ---------------------------------------------------------------------------- the batch


def run_batch(
    clips: Sequence[str | Path],
    out_root: str | Path,
    *,
    jobs: int = 1,
    force: bool = False,
    options: BatchOptions | None = None,
    scheduler: str | None = None,
    threads_per_worker: int | None = None,
    progress: bool | None = None,
    say: Callable[[str], None] | None = None,
) -> BatchReport:
    """Analyse many clips, each into ``out_root/<clip stem>/``, and write the index.

    Parameters
    ----------
    clips
        Video files (see :func:`find_clips` to expand a folder or a glob).
    out_root
        Output folder; gets one sub-folder per clip, ``index.csv`` and ``index.html``.
    jobs
        Worker processes on this machine (ignored with ``scheduler``).
    force
        Re-analyse clips whose folder already holds an analysis of the same content.
    options
        Model and cache settings for every clip.
    scheduler
        Address of a Dask distributed scheduler (``tcp://host:8786``): run each clip as a
        task there instead of in local processes. Needs ``gait[cluster]``.
    threads_per_worker
        Cap on each local worker's native thread pools (OpenMP/BLAS, OpenCV); default
        cores // ``jobs`` (see :func:`worker_threads`); 0 leaves them uncapped.
    progress
        A progress bar on stderr (default: when stderr is a terminal; else one line per
        finished clip, unless ``say`` is given, which then receives those lines).
    say
        Receives the one-line progress messages; default: stderr.

    Returns
    -------
    BatchReport
        Each clip's outcome in input order (failures carry their reason).
    """
    start = time.perf_counter()
    options = options or BatchOptions()
    out = Path(out_root)
    if jobs < 1:
        raise ConfigError(f"-j must be at least 1, got {jobs}")
    if scheduler:
        _require_distributed()
    from gait import models
    from gait._io import check_output_folder

    check_output_folder(out)  # before any clip is analysed, not at the index

    models.ensure_model(options.model, offline=options.offline)  # once, before the workers
    planned = plan_jobs(list(dict.fromkeys(Path(c) for c in clips)), out)
    outcomes: dict[Path, ClipOutcome] = {}
    todo = []
    for job in planned:
        doc = None if force else previous_analysis(job, options.model)
        if doc is None:
            todo.append(job)
        else:
            outcomes[job.clip] = ClipOutcome(job.clip, job.out_dir, "skipped", row=index_row(doc))
    with _Progress(len(planned), progress, say) as bar:
        for o in outcomes.values():
            bar.done(o)
        if scheduler:
            finished = _run_dask(todo, options, scheduler)
        else:
            threads = worker_threads(jobs) if threads_per_worker is None else threads_per_worker
            finished = _run_local(todo, options, jobs, threads)
        for o in finished:
            outcomes[o.clip] = o
            bar.done(o)
    report = BatchReport([outcomes[j.clip] for j in planned])
    report.index_files = write_index(report.outcomes, out)
    report.seconds = time.perf_counter() - start
    return report


def _run_local(
    todo: list[ClipJob],
    options: BatchOptions,
    jobs: int,
    threads: int = 0,
    work: Callable[[ClipJob, BatchOptions], ClipOutcome] = analyze_clip,
) -> Iterable[ClipOutcome]:
    """Yield outcomes as worker processes finish them (``work`` runs one clip).

    ``threads`` caps each worker's native thread pools (0: no cap).

    A worker that dies (a native crash in a clip) breaks the pool; the clips it took
    down with it are retried one by one, each in a fresh single-worker pool, so only
    the culprit fails.
    """
    retry: list[ClipJob] = []
    for job, outcome in _pool_round(todo, options, min(jobs, len(todo)), threads, work):
        if outcome is None:
            retry.append(job)
        else:
            yield outcome
    for job in retry:  # alone in a fresh pool: a crash now is this clip's own
        ((_, outcome),) = list(_pool_round([job], options, 1, threads, work))
        yield outcome or _failed(job, "the worker process crashed on this clip")


def _pool_round(
    batch: list[ClipJob],
    options: BatchOptions,
    n_workers: int,
    threads: int,
    work: Callable[[ClipJob, BatchOptions], ClipOutcome],
) -> Iterable[tuple[ClipJob, ClipOutcome | None]]:
    """Run ``batch`` in one process pool; yield (job, outcome), None when the pool broke."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed
    from concurrent.futures.process import BrokenProcessPool

    with ProcessPoolExecutor(
        max_workers=max(1, n_workers),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=limit_threads,
        initargs=(threads,),
    ) as pool:
        futures = {pool.submit(work, job, options): job for job in batch}
        try:
            for fut in as_completed(futures):
                try:
                    yield futures[fut], fut.result()
                except BrokenProcessPool:
                    yield futures[fut], None
        except BaseException:  # Ctrl-C or the caller stopped: start no further clip
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _run_dask(todo: list[ClipJob], options: BatchOptions, address: str) -> Iterable[ClipOutcome]:
    """Yield outcomes as the Dask cluster at ``address`` finishes them."""
    distributed = _require_distributed()
    if not todo:
        return
    try:
        client = distributed.Client(address, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise GaitError(f"cannot reach the Dask scheduler at {address}: {exc}") from exc
    with client:
        futures = client.map(analyze_clip, todo, options=options, pure=False)
        jobs = {f.key: job for f, job in zip(futures, todo, strict=True)}
        for fut in distributed.as_completed(futures):
            try:
                yield fut.result()
            except Exception as exc:  # e.g. KilledWorker: the task, not our code, failed
                reason = f"the Dask task failed: {type(exc).__name__}: {exc}"
                yield _failed(jobs[fut.key], reason)


def _require_distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:
        raise GaitError(_DASK_MISSING) from exc
    return distributed


def worker_threads(jobs: int, cpus: int | None = None) -> int:
    """Native threads each of ``jobs`` workers may use so that they share the cores."""
    cpus = cpus or os.cpu_count() or 1
    return max(1, cpus // max(1, jobs))


def limit_threads(n: int) -> None:
    """Cap a worker's thread pools (OpenMP/BLAS, OpenCV, pose segments) at ``n``.

    The pool initializer of the local workers: runs before a worker imports numpy or
    OpenCV; variables the user set are kept. ``n`` = 0: no cap.
    """
    global _segment_workers
    if n < 1:
        _segment_workers = os.cpu_count() or 1
        return
    _segment_workers = n
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, str(n))
    from gait.video import _cv2  # imports OpenCV with its console logging turned down

    _cv2().setNumThreads(n)


class _Progress:
    """Overall progress on stderr: a tqdm bar on a terminal, else one line per clip."""

    def __init__(self, total: int, progress: bool | None, say: Callable[[str], None] | None):
        self.total, self.n = total, 0
        tty = sys.stderr.isatty() if progress is None else progress
        self.say = say or (lambda m: print(m, file=sys.stderr, flush=True))
        self.bar: Any = None
        if tty and say is None:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="clip", desc="batch", file=sys.stderr)

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()

    def done(self, o: ClipOutcome) -> None:
        self.n += 1
        line = f"[{self.n}/{self.total}] {o.status} {o.clip.name}"
        line += f": {o.reason}" if o.reason else f" ({o.seconds:.1f} s)" if o.seconds else ""
        line = one_line(line)
        if self.bar is None:
            self.say(line)
        else:
            self.bar.update(1)
            if o.status == "failed":
                self.bar.write(line, file=sys.stderr)
