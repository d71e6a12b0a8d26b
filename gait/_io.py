"""Writing files so that an interrupted run never leaves a half-written output.

:func:`atomic_write` (and :func:`atomic_file`) write one file: a temporary name in the
same folder, then a rename; :func:`staged_files` does the same for files that belong
together (a clip and its truth), renamed in place one after the other at the end.  An
output *folder* (``gait analyze -o``, ``gait compare -o``, ``gait history -o``) is
all-or-nothing as a whole:

1. :func:`prepare_output_dir` looks at the folder before any work is done: it may be
   absent, empty, or hold a previous output of the same command (its marker file plus
   only files that command writes); anything else is refused, and so is a folder that is
   not writable.
2. :func:`write_output_dir` lets the caller write every file into a hidden staging
   folder beside the target, ``.<name>.partial-<pid>-<random>``, then renames it onto
   the target in one step.  A previous output is swapped out atomically (Linux
   ``renameat2(RENAME_EXCHANGE)``; elsewhere two renames, with a moment in which the
   previous output sits in ``.<name>.old-<pid>-<random>``) and then deleted.

So an interrupted run leaves the previous folder (or none) or the complete new one, and
no folder that was made for it (:func:`new_folders`).  Only a killed process (SIGKILL,
power loss) can leave a hidden staging file or folder (``.<name>.partial-<pid>-*``)
behind; the next write of the same name removes those whose process is gone.
"""

from __future__ import annotations

import contextlib
import errno
import fnmatch
import glob
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from gait.errors import OutputError, UsageError

#: Outputs are meant to be shared (``mkstemp``/``mkdtemp`` alone would make them private).
FILE_MODE = 0o644
DIR_MODE = 0o755
#: errno values that mean "this location cannot take the output" rather than a bug.
_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


@contextlib.contextmanager
def atomic_file(path: str | Path) -> Iterator[BinaryIO]:
    """A binary file handle whose content appears at ``path`` only if the block succeeds.

    The data goes to ``.<name>.partial-<pid>-<random>`` in the same folder, which is
    renamed onto ``path`` at the end (or removed if the block raises or is interrupted;
    one left by a killed process is removed by the next write of ``path``).
    """
    with staged_files(path) as (tmp,), open(tmp, "wb") as fh:
        yield fh


@contextlib.contextmanager
def staged_files(*paths: str | Path, suffix: str | None = None) -> Iterator[list[Path]]:
    """Hidden staging paths for ``paths``, moved onto them together if the block succeeds.

    For files that belong together (a clip and its truth): the block writes each one to
    its staging path, ``.<name>.partial-<pid>-<random><suffix>`` beside it (``suffix``
    for writers that go by it; default: the path's own), and at the end each is renamed
    onto its path.  If the block raises or is interrupted, the staging files are
    removed, and so are the folders made for them.  One left by a killed process is
    removed by the next write of the same path.
    """
    targets = [Path(p) for p in paths]
    staged: list[Path] = []
    with new_folders(*(t.parent for t in targets)):
        try:
            for target in targets:
                remove_stale_staging(target.parent, target.name)
                fd, name = tempfile.mkstemp(
                    prefix=_staging_prefix(target),
                    suffix=target.suffix if suffix is None else suffix,
                    dir=target.parent,
                )
                os.close(fd)
                staged.append(Path(name))
            yield list(staged)
            for tmp, target in zip(staged, targets, strict=True):
                os.chmod(tmp, FILE_MODE)
                os.replace(tmp, target)
        finally:
            for tmp in staged:
                tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def new_folders(*folders: Path) -> Iterator[None]:
    """Create ``folders`` (and missing parents) for the block; if the block raises or is
    interrupted, remove the ones made here again (each only while empty)."""
    made: list[Path] = []
    try:
        for folder in folders:
            probe = folder.absolute()
            missing = []
            while not probe.exists() and probe.parent != probe:
                missing.append(probe)
                probe = probe.parent
            folder.mkdir(parents=True, exist_ok=True)
            made += missing  # deepest first
        yield
    except BaseException:
        for folder in made:
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def atomic_write(path: str | Path, data: bytes | str) -> Path:
    """Write ``data`` (text is UTF-8) to ``path`` via a temporary file and a rename."""
    with atomic_file(path) as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
    return Path(path)


@dataclass(frozen=True)
class OutputDir:
    """An output folder checked by :func:`prepare_output_dir`.

    ``previous`` is the marker file of a previous output the new one will replace
    (``None`` when the folder is absent or empty).
    """

    path: Path
    previous: Path | None = None


def prepare_output_dir(
    path: str | Path,
    *,
    marker: str,
    owned: Collection[str],
    force: bool,
    same_run: bool = False,
) -> OutputDir:
    """Check an output folder before any work; raise when writing there would be wrong.

    Parameters
    ----------
    path
        The output folder.
    marker
        The file that identifies a previous output of this command (``analysis.json``).
    owned
        Glob patterns of every file the command writes there.
    force
        Replace a previous output (``--force``).
    same_run
        The caller will decide later (:func:`confirm_replace`) whether a previous output
        may be replaced without ``--force`` (a rerun into the default folder).

    Raises
    ------
    UsageError
        The path is a file; the folder holds files this command did not write; or it
        holds a previous output and neither ``force`` nor ``same_run`` is set.
    OutputError
        The folder cannot be created or written.
    """
    path = Path(path)
    if not path.exists() or not path.is_dir():
        check_output_folder(path)
        return OutputDir(path)
    entries = sorted(p.name for p in path.iterdir() if not _is_staging(p.name))
    if not entries:
        _check_writable(path)
        return OutputDir(path)
    foreign = [n for n in entries if not any(fnmatch.fnmatchcase(n, pat) for pat in owned)]
    if foreign or marker not in entries:
        shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        raise UsageError(
            f"output folder {path} already exists and holds files gait did not write "
            f"({shown or ', '.join(entries[:3])}); choose a new or empty folder with -o"
        )
    _check_writable(path)
    target = OutputDir(path, previous=path / marker)
    if not (force or same_run):
        raise refuse_existing(target)
    return target


def check_output_folder(path: Path) -> None:
    """Raise unless ``path`` is, or can be made, a writable folder (whatever it holds).

    Raises
    ------
    UsageError
        ``path`` is a file.
    OutputError
        It cannot be created (a parent is a file) or written.
    """
    if path.exists() and not path.is_dir():
        raise UsageError(f"output {path} is a file, not a folder; choose a folder with -o")
    _check_writable(path)


def refuse_existing(target: OutputDir) -> UsageError:
    """The error for a previous output that may not be replaced."""
    return UsageError(
        f"output folder {target.path} already holds a previous result "
        f"({target.previous.name if target.previous else 'files'}); add --force to replace "
        "it or choose another folder with -o"
    )


def check_output_file(path: Path) -> None:
    """Raise unless the file ``path`` can be written: it is not a folder, and its folder
    is, or can be made, writable (as :func:`check_output_folder` for a folder)."""
    if path.is_dir():
        raise UsageError(f"output {path} is a folder, not a file; choose a file name with -o")
    _check_writable(path, kind="file")


def existing_ancestor(path: Path) -> Path:
    """The folder ``path`` would be written into if it exists, else its nearest existing
    ancestor (a file, when a file stands where a folder is needed)."""
    probe = path.absolute().parent
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    return probe


def _check_writable(path: Path, kind: str = "folder") -> None:
    """Raise OutputError unless the folder that will receive ``path`` is writable.

    The output is renamed into place, so that is the parent (or, when the parent does
    not exist yet, its nearest existing ancestor).  ``kind``: what ``path`` is, for the
    message.
    """
    probe = existing_ancestor(path)
    if probe.exists() and not probe.is_dir():
        raise OutputError(
            f"cannot create the output {kind} {path}: {probe} is a file; choose another "
            f"{kind} with -o"
        )
    if not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError(
            f"cannot write the output {kind} {path}: {probe} is not writable; choose "
            f"another {kind} with -o"
        )


_STAGING = re.compile(r"^\.(?P<name>.+)\.(?:partial|old)-(?P<pid>\d+)-[^/]+$")


def _staging_prefix(path: Path, kind: str = "partial") -> str:
    return f".{path.name}.{kind}-{os.getpid()}-"


def _is_staging(name: str) -> bool:
    return name.startswith(".partial-") or _STAGING.match(name) is not None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_staging(parent: Path, name: str) -> list[Path]:
    """Delete staging files and folders for ``parent/name`` whose process is gone."""
    removed = []
    with contextlib.suppress(OSError):
        for entry in parent.glob(f".{glob.escape(name)}.*-*-*"):
            m = _STAGING.match(entry.name)
            if m and m["name"] == name and not _pid_alive(int(m["pid"])):
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
                removed.append(entry)
    return removed


def write_output_dir(target: OutputDir, write: Callable[[Path], object]) -> list[Path]:
    """Call ``write(staging_dir)``, then put the staging folder in place of the target.

    Nothing reaches ``target.path`` if ``write`` raises or the process is interrupted;
    afterwards the folder holds exactly the files ``write`` made.  Returns their final
    paths, sorted.
    """
    path = target.path
    parent = path.parent
    with contextlib.ExitStack() as made:  # a failure removes the parent folders made here
        try:
            made.enter_context(new_folders(parent))
            remove_stale_staging(parent, path.name)
            staged = Path(tempfile.mkdtemp(prefix=_staging_prefix(path), dir=parent))
        except OSError as exc:
            raise _output_error(path, exc) from None
        names = _fill_and_place(staged, target, write)
    return [path / n for n in names]


def _fill_and_place(staged: Path, target: OutputDir, write: Callable[[Path], object]) -> list[str]:
    """:func:`write_output_dir`'s work: ``write(staged)``, then ``staged`` onto the target
    (``staged`` is removed if that fails); returns the names of the files written."""
    path = target.path
    try:
        os.chmod(staged, DIR_MODE)
        try:
            write(staged)
        except OSError as exc:
            if exc.errno in _WRITE_ERRNOS:
                raise _output_error(path, exc) from None
            raise
        names = sorted(p.name for p in staged.iterdir())
        if target.previous is not None and path.exists():
            leftover = _swap(staged, path)
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            try:
                os.rename(staged, path)
            except OSError as exc:
                if exc.errno in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR):
                    raise UsageError(
                        f"output folder {path} was filled by something else while gait "
                        "was working; choose another folder with -o"
                    ) from None
                raise _output_error(path, exc) from None
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return names


def _output_error(path: Path, exc: OSError) -> OutputError:
    return OutputError(
        f"cannot write the output folder {path}: {exc.strerror or exc}; choose another "
        "folder with -o or free some space"
    )


def _swap(new: Path, old: Path) -> Path:
    """Put folder ``new`` at ``old``; return where the previous content now is."""
    if _exchange(new, old):
        return new
    aside = Path(tempfile.mkdtemp(prefix=_staging_prefix(old, "old"), dir=old.parent))
    os.rename(old, aside)  # onto the empty folder just made
    os.rename(new, old)
    return aside


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where that is unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))
