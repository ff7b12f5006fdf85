"""One run at a time per run directory: a lock file beside it.

``tematik run --out runs/NAME`` holds ``runs/.NAME.lock`` (created exclusively, holding
the process id and host) while it writes. A second run with the same ``--out`` refuses
with a message naming the process that holds the lock. A lock left by a run that was
killed (its process no longer exists on this host) is stale: it is taken over, with a
note in the log.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import RunDirectoryError

log = logging.getLogger(__name__)


def lock_path(out: Path) -> Path:
    """Where the lock of run directory ``out`` lives: ``.NAME.lock`` beside it."""
    out = Path(out)
    return out.with_name(f".{out.name}.lock")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by someone else
        return True
    return True


def _holder(path: Path) -> dict[str, object] | None:
    """The lock's content, or None when it cannot be read (being written, or garbage)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_stale(path: Path) -> bool:
    """A lock whose process is gone (on this host), or that holds no process at all."""
    holder = _holder(path)
    if holder is None:  # garbage, or a lock being written this instant
        try:
            return time.time() - path.stat().st_mtime > 5
        except OSError:
            return True
    pid = holder.get("pid")
    if holder.get("host") != socket.gethostname():
        return False  # another machine's run on a shared folder: never taken over
    return not (isinstance(pid, int) and _alive(pid))


@contextmanager
def run_lock(out: Path) -> Iterator[Path]:
    """Hold the lock of run directory ``out`` for the duration of the block.

    Raises :class:`RunDirectoryError` when another live run holds it, or when the folder
    beside ``out`` cannot be written.
    """
    path = lock_path(out)
    me = json.dumps({"pid": os.getpid(), "host": socket.gethostname()})
    for _ in range(2):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            if not is_stale(path):
                holder = _holder(path) or {}
                raise RunDirectoryError(
                    f"another tematik run (process {holder.get('pid', '?')} on "
                    f"{holder.get('host', '?')}) is writing {out}",
                    fix=f"Wait for it to finish, or choose another --out. If no such run "
                    f"is going on, delete {path}.") from None
            log.warning("removing the stale lock %s left by a run that was stopped", path)
            path.unlink(missing_ok=True)
            continue
        except OSError as exc:
            raise RunDirectoryError(
                f"cannot write the run directory {out} ({exc.strerror})",
                fix="Check that the folder is writable and the disk is not full, or choose "
                    "another --out.") from exc
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(me)
        break
    else:  # pragma: no cover - another process took the stale lock between our two tries
        raise RunDirectoryError(f"another tematik run has just started writing {out}",
                                fix="Wait for it to finish, or choose another --out.")
    try:
        yield path
    finally:
        if _holder(path) == json.loads(me):
            path.unlink(missing_ok=True)
