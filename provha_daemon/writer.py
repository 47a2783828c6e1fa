"""The file writer: temp + rename of one small file, in this process or in a writer process of its own.

A mass rewrite of the TFTP tree (every template edited: 240k files at 100k modems) is bound by the kernel's work
per file, about 70 µs of system time each, while encoding the files is Python's. In one process the two add up;
a thread does not help, since each system call's return waits for the GIL the encoding holds. So ``FileSet``
streams bulk writes to ``python -m provha_daemon.writer``, which does nothing else, and both cores work. Standard
library only: it starts in a few milliseconds.

Protocol: frames on stdin (``_FRAME`` header, relative path, data); one result line per frame on stdout, in order:
``+<signature>`` when written, ``-<errno> <message>`` when not.
"""

from __future__ import annotations

import contextlib
import os
import struct
import sys
from pathlib import Path
from typing import IO

TMP_PREFIX = ".provha-tmp."
_FRAME = struct.Struct(">HI")  # length of the relative path, length of the data


def signature(st: os.stat_result) -> bytes:
    """A file's (inode, size, mtime) as find(1) prints them with ``%i %s %T@``."""
    ns = st.st_mtime_ns
    return f"{st.st_ino} {st.st_size} {ns // 1_000_000_000}.{ns % 1_000_000_000:09d}0".encode()


def write_file(
    folder: str, name: str, data: bytes, mode: int, owner: tuple[int, int] | None, chmod: bool, fsync: bool = False
) -> os.stat_result:
    """``folder/name`` replaced by ``data`` through a temp file in the same directory; its stat right after.

    The one atomic file write of the application. The temp file is created with the final mode (O_EXCL: a
    leftover of a crash, perhaps with another mode, is replaced by a new inode); ``owner`` and ``chmod`` only when
    they change something, each being one more journaled inode update per file. ``fsync`` makes the data durable
    before the rename (a set swapped as one generation); the TFTP tree syncs its filesystem once instead.
    """
    tmp = f"{folder}/{TMP_PREFIX}{name}"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
    try:
        fd = os.open(tmp, flags, mode)
    except FileExistsError:
        Path(tmp).unlink()
        fd = os.open(tmp, flags, mode)
    try:
        try:
            if owner is not None:
                with contextlib.suppress(PermissionError):
                    os.fchown(fd, *owner)
            if chmod:
                os.fchmod(fd, mode)
            done = os.write(fd, data)
            if done < len(data):  # a short write: rare, so the slicing is only paid then
                view = memoryview(data)[done:]
                while view:
                    view = view[os.write(fd, view) :]
            if fsync:
                os.fsync(fd)
            st = os.fstat(fd)
        finally:
            os.close(fd)
        os.replace(tmp, f"{folder}/{name}")
    except OSError:
        with contextlib.suppress(OSError):  # a full disk, a directory in the file's place: no temp file stays
            Path(tmp).unlink()
        raise
    return st  # rename keeps inode, size and mtime


def serve(
    directory: str, mode: int, owner: tuple[int, int] | None, chmod: bool, frames: IO[bytes], results: IO[bytes]
) -> None:
    """Write every frame's file under ``directory``, one result line per frame."""
    known: set[str] = set()
    header = _FRAME.size
    while len(head := frames.read(header)) == header:
        name_length, data_length = _FRAME.unpack(head)
        rel = frames.read(name_length).decode("utf-8", "surrogateescape")
        data = frames.read(data_length)
        folder, _, name = f"{directory}/{rel}".rpartition("/")
        try:
            if folder not in known:
                Path(folder).mkdir(parents=True, exist_ok=True)
                known.add(folder)
            results.write(b"+" + signature(write_file(folder, name, data, mode, owner, chmod)) + b"\n")
        except OSError as exc:
            message = (exc.strerror or str(exc)).replace("\n", " ")
            results.write(f"-{exc.errno or 0} {message}\n".encode())
    results.flush()


def frame(rel: str, data: bytes) -> bytes:
    """One file as the writer reads it."""
    name = rel.encode("utf-8", "surrogateescape")
    return _FRAME.pack(len(name), len(data)) + name + data


def main(argv: list[str]) -> int:
    """``python -m provha_daemon.writer DIRECTORY MODE UID GID CHMOD`` (UID -1: keep the writer's owner)."""
    directory, mode, uid, gid, chmod = argv
    owner = None if int(uid) < 0 else (int(uid), int(gid))
    serve(directory, int(mode, 8), owner, chmod == "1", sys.stdin.buffer, sys.stdout.buffer)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
