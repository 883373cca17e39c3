"""The state file of a bulk job, written atomically, and the lock that guards it.

The state is one JSON object, replaced whole after every step (a part written, a file
uploaded, a batch created, a batch ended, results fetched): it is written to a temporary
file in the same directory, flushed to disk, then renamed over the old one, so that a crash
at any moment leaves either the old state or the new one. The job's part files and the
downloaded results live in a directory next to it, ``<state>.d``.

The lock is an OS lock on ``<state>.lock`` (``flock``, or ``msvcrt.locking`` on Windows):
the OS releases it when its process ends, however it ends, so a job whose process was killed
is taken over by the next one, and a live holder is refused with :class:`JobLockedError`.
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any, Dict, Optional, Union

from ._errors import OpenAIError

__all__ = ["JobLockedError", "JobLock", "read_state", "write_state", "job_dir", "STATE_VERSION"]

STATE_VERSION = 1

PathLike = Union[str, "os.PathLike[str]"]


class JobLockedError(OpenAIError):
    """Another process holds the job's lock: it is submitting, waiting on or cancelling the job."""


def job_dir(state: str) -> str:
    """The directory of the job's part files and downloaded results."""
    return state + ".d"


def read_state(state: str) -> Optional[Dict[str, Any]]:
    """Return the job's state, or None when the state file does not exist."""
    try:
        with open(state, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        return None
    except ValueError as exc:
        raise OpenAIError(f"state: {state!r} is not a bulk job's state file ({exc})") from None
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION or "job" not in data:
        raise OpenAIError(f"state: {state!r} is not a bulk job's state file")
    return data


def write_state(state: str, data: Dict[str, Any]) -> None:
    """Replace the state file with *data*, atomically and durably."""
    folder = os.path.dirname(os.path.abspath(state))
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(state) + ".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, separators=(",", ":"))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, state)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    sync_dir(folder)


def sync_dir(folder: str) -> None:
    """Flush a directory's entries (a rename in it) to disk, where the OS allows it."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class JobLock:
    """The job's lock, held from ``__enter__`` to ``__exit__``.

    :raises JobLockedError: at ``__enter__``, when a live process holds it.
    """

    def __init__(self, state: str) -> None:
        self.path = state + ".lock"
        self._fd: Optional[int] = None

    def __enter__(self) -> JobLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _lock(fd)
        except OSError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip()
            os.close(fd)
            who = f"process {holder}" if holder.isdigit() else "another process"
            raise JobLockedError(
                f"the job {self.path[: -len('.lock')]!r} is in use by {who}; wait for it to end "
                "(a lock left by a process that has ended is taken over)"
            ) from None
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, str(os.getpid()).encode("ascii"))
        self._fd = fd
        return self

    def __exit__(self, *exc_info: object) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.ftruncate(fd, 0)
            _unlock(fd)
            os.close(fd)


if os.name == "nt":  # pragma: no cover
    import msvcrt

    def _lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]

else:
    import fcntl

    def _lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)
