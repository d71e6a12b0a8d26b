"""Writing files so that an interrupted run never leaves a half-written output.

:func:`atomic_write` writes one file (temporary name in the same folder, then rename);
:func:`write_staged` lets a caller write several files into a hidden staging folder
inside ``out_dir`` and moves them into place only when all of them were written.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

#: Outputs are meant to be shared (``mkstemp`` alone would make them private).
FILE_MODE = 0o644


def atomic_write(path: str | Path, data: bytes | str) -> Path:
    """Write ``data`` (text is UTF-8) to ``path`` via a temporary file and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_staged(out_dir: str | Path, write: Callable[[Path], object]) -> list[Path]:
    """Call ``write(staging_dir)``, then move every file it made into ``out_dir``.

    Nothing reaches ``out_dir`` if ``write`` raises. Returns the final paths, sorted.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    moved = []
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".partial-") as tmp:
        staged = Path(tmp)
        write(staged)
        for item in sorted(staged.iterdir()):
            os.replace(item, out_dir / item.name)
            moved.append(out_dir / item.name)
    return moved
