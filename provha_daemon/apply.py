"""Staging, validation, atomic swap, the previous generation and rollback for one target directory.

The live files only ever change to a set that passed its validator. Staging and the previous generation live in
hidden subdirectories of the target directory, so they share its filesystem (rename is atomic) and the one
``ReadWritePaths=`` of the unit covers them.
"""

from __future__ import annotations

import contextlib
import ctypes
import difflib
import fcntl
import fnmatch
import grp
import hashlib
import os
import re
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import termios
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from provha_daemon.artifact import MODE_SECRET, Artifact
from provha_daemon.errors import ApplyError
from provha_daemon.writer import TMP_PREFIX, frame, signature, write_file

STAGING = ".provha-staging"
PREVIOUS = ".provha-previous"
LOCK = ".provha-lock"
RESTART_PENDING = ".provha-restart-pending"  # swapped, dhcpd not yet restarted: a crash now must not lose it
MANIFEST = ".manifest"
# Bulk writes go to a writer process once a rebuild has written this many files in-process: a one-modem change
# never starts one, a template edit that rewrites the whole tree moves the system calls to the other core.
BULK_AFTER = 512


@dataclass(frozen=True, slots=True)
class Plan:
    """What a swap would do: files to write (new or changed bytes), files to remove, files already right."""

    write: tuple[Artifact, ...]
    remove: tuple[str, ...]
    unchanged: tuple[str, ...]

    @property
    def changed(self) -> bool:
        """Whether the live set differs from the rendered one."""
        return bool(self.write or self.remove)

    def paths(self) -> list[str]:
        """Every path the swap touches."""
        return sorted([a.path for a in self.write] + list(self.remove))


@dataclass(frozen=True, slots=True)
class Ownership:
    """Who new files belong to when there is no live file to copy from."""

    uid: int
    gid: int

    @classmethod
    def for_group(cls, group: str | None) -> Ownership:
        """This process's user, and ``group`` when it exists on this host (else this process's group)."""
        gid = os.getegid()
        if group:
            with contextlib.suppress(KeyError):
                gid = grp.getgrnam(group).gr_gid
        return cls(os.geteuid(), gid)


@dataclass(slots=True)
class SwapResult:
    """What a swap did, for the summary and for a rollback."""

    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


class Target:
    """One directory of generated files, e.g. ``/etc/dhcp-nmsprime``.

    ``managed`` lists glob patterns (relative) of the files this target owns beyond the rendered ones, so a file
    of a deleted gateway is removed; anything else in the directory is left alone.
    """

    def __init__(self, directory: Path, managed: Iterable[str], ownership: Ownership) -> None:
        self.directory = directory
        self.managed = tuple(managed)
        self.ownership = ownership

    @property
    def staging(self) -> Path:
        """Where the candidate set is written and validated."""
        return self.directory / STAGING

    @property
    def previous(self) -> Path:
        """The last set that was live before the most recent swap."""
        return self.directory / PREVIOUS

    def locked(self) -> contextlib.AbstractContextManager[None]:
        """Exclusive lock of the target, so two writers (a --once run and the service) never interleave."""
        self.ensure_directory()
        return lock_directory(self.directory)

    def ensure_directory(self) -> None:
        """Create the target directory (setgid, group-readable like NMS Prime's) when it does not exist yet."""
        if not self.directory.is_dir():
            self.directory.mkdir(parents=True, mode=0o750)
            os.chmod(self.directory, 0o2750)  # noqa: S103 -- setgid, no world bits
            with contextlib.suppress(PermissionError):
                os.chown(self.directory, self.ownership.uid, self.ownership.gid)

    def live_paths(self) -> set[str]:
        """The managed files that exist now."""
        found: set[str] = set()
        for pattern in self.managed:
            for path in self.directory.glob(pattern):
                if path.is_file() and not path.name.startswith("."):
                    found.add(path.relative_to(self.directory).as_posix())
        return found

    def mark_restart_pending(self) -> None:
        """Record durably, before a swap, that dhcpd must load the set about to go live."""
        try:
            self.ensure_directory()
            fd = os.open(self.directory / RESTART_PENDING, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            _fsync_dir(self.directory)
        except OSError as exc:
            raise ApplyError(f"cannot write {self.directory / RESTART_PENDING}: {exc.strerror or exc}") from exc

    def restart_pending(self) -> bool:
        """Whether a swap went live without the restart that loads it (a crash in between)."""
        return (self.directory / RESTART_PENDING).exists()

    def clear_restart_pending(self) -> None:
        """dhcpd runs the live set: nothing is pending."""
        (self.directory / RESTART_PENDING).unlink(missing_ok=True)

    def live_bytes(self, rel: str) -> bytes | None:
        """A live file's bytes, None if it is not there."""
        return _read(self.directory / rel)

    def remove_leftovers(self) -> None:
        """Remove the temp files a crashed run left in the managed directories (our name pattern only; call it
        with the lock held)."""
        subs = {pattern.rpartition("/")[0] for pattern in self.managed}
        for sub in sorted(subs):
            try:
                entries = list(os.scandir(self.directory / sub))
            except (FileNotFoundError, NotADirectoryError):
                continue
            for entry in entries:
                if entry.name.startswith(TMP_PREFIX):
                    _unlink_leftover(entry.path)

    def plan(self, artifacts: Iterable[Artifact]) -> Plan:
        """Compare the rendered set with the live files, byte for byte."""
        write, unchanged = [], []
        wanted = {}
        for artifact in artifacts:
            wanted[artifact.path] = artifact
            if _read(self.directory / artifact.path) == artifact.data:
                unchanged.append(artifact.path)
            else:
                write.append(artifact)
        remove = sorted(self.live_paths() - set(wanted))
        return Plan(tuple(write), tuple(remove), tuple(unchanged))

    def stage(self, artifacts: Iterable[Artifact], staging: Path | None = None) -> Path:
        """Write the whole set into a fresh staging directory, include paths pointing there; returns it.

        Each file has its live mode (the secret ones stay 0640 there too); a filesystem failure (a full disk, a
        read-only tree) is an ``ApplyError`` naming the path.
        """
        staging = staging or self.staging
        path = staging
        try:
            _remove_tree(staging)
            staging.mkdir(mode=0o700, parents=True)
            for artifact in artifacts:
                path = staging / artifact.path
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, artifact.mode)
                try:
                    os.fchmod(fd, artifact.mode)  # whatever the umask
                    data = rewrite_includes(artifact.data, self.directory, staging)
                    view = memoryview(data)
                    while view:
                        view = view[os.write(fd, view) :]
                finally:
                    os.close(fd)
        except OSError as exc:
            raise ApplyError(f"cannot stage {path}: {exc.strerror or exc}") from exc
        return staging

    def unstage(self) -> None:
        """Remove the staging directory (a run's copies, secrets among them, never outlive it)."""
        with contextlib.suppress(OSError):
            _remove_tree(self.staging)

    def _snapshot_previous(self) -> None:
        """Keep the current live set as the previous generation (hard links: no copy, no extra disk)."""
        fresh = self.directory / (PREVIOUS + ".new")
        _remove_tree(fresh)
        fresh.mkdir(mode=0o700)
        paths = sorted(self.live_paths())
        for rel in paths:
            target = fresh / rel
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.link(self.directory / rel, target)
        (fresh / MANIFEST).write_text("".join(f"{p}\n" for p in paths))
        _remove_tree(self.previous)
        os.rename(fresh, self.previous)

    def swap(self, plan: Plan) -> SwapResult:
        """Make the planned set live: each file atomically, the previous generation kept first."""
        result = SwapResult()
        if not plan.changed:
            return result
        try:
            self.ensure_directory()
            self._check_space(plan)
            self._snapshot_previous()
        except OSError as exc:
            raise ApplyError(f"swapping {self.directory}: {exc}") from exc
        try:
            dirs: set[Path] = set()
            for artifact in plan.write:
                path = self.directory / artifact.path
                path.parent.mkdir(parents=True, exist_ok=True)
                self._write_atomic(path, artifact)
                dirs.add(path.parent)
                result.written.append(artifact.path)
            for rel in plan.remove:
                path = self.directory / rel
                path.unlink(missing_ok=True)
                dirs.add(path.parent)
                result.removed.append(rel)
            for directory in dirs:
                _fsync_dir(directory)
        except OSError as exc:
            # never a mixed set: every file of the set goes back to the previous generation
            back = "the previous set was put back"
            try:
                self.restore_previous()
            except ApplyError as again:
                back = f"putting the previous set back failed too: {again}"
            raise ApplyError(f"swapping {self.directory}: {exc}; {back}") from exc
        return result

    def _check_space(self, plan: Plan) -> None:
        """Refuse before the first rename when the new files cannot all fit (a full disk must not stop a swap
        half-way); the old files' blocks are freed only after the renames."""
        needed = sum(len(artifact.data) + 4096 for artifact in plan.write)
        st = os.statvfs(self.directory)
        free = st.f_bfree * st.f_frsize if os.geteuid() == 0 else st.f_bavail * st.f_frsize
        if needed > free:
            raise ApplyError(
                f"not enough space in {self.directory} for the new set: {needed} bytes needed, {free} free"
            )

    def _write_atomic(self, path: Path, artifact: Artifact) -> None:
        uid, gid, mode = self.ownership.uid, self.ownership.gid, artifact.mode
        with contextlib.suppress(FileNotFoundError):
            st = path.stat()
            uid, gid, mode = st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)
            if artifact.mode == MODE_SECRET:
                mode &= MODE_SECRET  # a secret file never keeps world or write-for-group bits
        write_file(str(path.parent), path.name, artifact.data, mode, (uid, gid), chmod=True, fsync=True)

    def restore_previous(self) -> SwapResult:
        """Put the previous generation back in place (after a failed restart)."""
        manifest = self.previous / MANIFEST
        try:
            keep = [line for line in manifest.read_text().splitlines() if line]
        except OSError as exc:
            raise ApplyError(f"no previous generation to restore in {self.previous}: {exc}") from exc
        result = SwapResult()
        try:
            dirs: set[Path] = set()
            for rel in keep:
                live = self.directory / rel
                live.parent.mkdir(parents=True, exist_ok=True)
                with contextlib.suppress(FileNotFoundError):
                    if (self.previous / rel).samefile(live):
                        continue  # unchanged: renaming a link over its own inode would leave the temp link
                tmp = live.with_name(f"{TMP_PREFIX}{live.name}")
                tmp.unlink(missing_ok=True)
                os.link(self.previous / rel, tmp)
                os.replace(tmp, live)
                dirs.add(live.parent)
                result.written.append(rel)
            for rel in sorted(self.live_paths() - set(keep)):
                (self.directory / rel).unlink()
                dirs.add((self.directory / rel).parent)
                result.removed.append(rel)
            for directory in dirs:
                _fsync_dir(directory)
        except OSError as exc:
            raise ApplyError(f"restoring {self.directory}: {exc}") from exc
        return result

    def diff(self, artifacts: Iterable[Artifact]) -> str:
        """A unified diff from the live files to the rendered set (secret files' lines are not shown)."""
        chunks: list[str] = []
        wanted = {a.path: a for a in artifacts}
        for rel in sorted(set(wanted) | self.live_paths()):
            old = _read(self.directory / rel)
            new = wanted[rel].data if rel in wanted else None
            if old == new:
                continue
            if rel in wanted and wanted[rel].mode == MODE_SECRET:
                chunks.append(f"--- {rel}\n+++ {rel}\n(holds a secret: {_size(old)} -> {_size(new)} bytes)\n")
                continue
            chunks.extend(
                difflib.unified_diff(
                    _lines(old),
                    _lines(new),
                    fromfile=f"live/{rel}" if old is not None else "/dev/null",
                    tofile=f"new/{rel}" if new is not None else "/dev/null",
                )
            )
        return "".join(chunks)


@contextlib.contextmanager
def locked_together(targets: Sequence[Target]) -> Iterator[None]:
    """Every target locked (in order), their crashed runs' temp files removed: one writer of the whole set."""
    with contextlib.ExitStack() as stack:
        for target in targets:
            stack.enter_context(target.locked())
        for target in targets:
            target.remove_leftovers()
        yield


def swap_together(plans: Sequence[tuple[Target, Plan]]) -> tuple[list[Target], SwapResult]:
    """Swap several targets as one set (files a service reads together from several directories): the targets
    swapped and every path written or removed, absolute. If one fails, those already swapped go back first."""
    swapped: list[Target] = []
    done = SwapResult()
    for target, plan in plans:
        if not plan.changed:
            continue
        try:
            result = target.swap(plan)
        except ApplyError:
            restore_together(swapped)  # never a mixed set across the directories either
            raise
        swapped.append(target)
        done.written += [str(target.directory / p) for p in result.written]
        done.removed += [str(target.directory / p) for p in result.removed]
    return swapped, done


def restore_together(targets: Sequence[Target]) -> SwapResult:
    """Put each target's previous generation back: every path restored or removed, absolute."""
    done = SwapResult()
    for target in targets:
        result = target.restore_previous()
        done.written += [str(target.directory / p) for p in result.written]
        done.removed += [str(target.directory / p) for p in result.removed]
    return done


@contextlib.contextmanager
def lock_directory(directory: Path) -> Iterator[None]:
    """An exclusive, non-blocking lock on ``directory/.provha-lock``; ``ApplyError`` if another writer holds it."""
    lock = directory / LOCK
    try:
        # an existing lock file is opened read-only (flock needs no write access), so a read-only tree fails below,
        # at the first file written, with that file's path; creating it is the one write here
        fd = (
            os.open(lock, os.O_RDONLY | os.O_CLOEXEC)
            if lock.exists()
            else os.open(lock, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        )
    except OSError as exc:
        raise ApplyError(f"cannot open the lock file {lock}: {exc.strerror or exc}") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ApplyError(f"{directory} is being written by another provha-daemon") from None
        yield
    finally:
        os.close(fd)


def rewrite_includes(data: bytes, live: Path, staging: Path) -> bytes:
    """Point ``include "<live>/…"`` statements at the staging copy; nothing else differs from the live bytes."""
    return data.replace(f'include "{live}/'.encode(), f'include "{staging}/'.encode())


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None


def _read_quick(path: str) -> bytes | None:
    """A small file's bytes with plain os calls (no pathlib objects: 200k of them per full TFTP check)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except (FileNotFoundError, NotADirectoryError):
        return None
    try:
        chunks = []
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _lines(data: bytes | None) -> list[str]:
    return [] if data is None else data.decode("utf-8", "replace").splitlines(keepends=True)


def _size(data: bytes | None) -> int:
    return 0 if data is None else len(data)


def _unlink_leftover(path: str) -> None:
    Path(path).unlink(missing_ok=True)


def _remove_tree(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class FileSet:
    """Many small files written in place one by one (the TFTP tree): no validator, no reload.

    Each write is temp + rename in the file's own directory, so a reader (a TFTP client) only ever sees a whole
    old or a whole new file. Durability is per batch: one ``syncfs`` and a directory fsync at the end, not an
    fsync per file (50 s for 100k files). ``manifest`` remembers, per file, the input key, the digest of what was
    last written and the file's (inode, size, mtime) right after, so an incremental rebuild neither re-encodes
    nor re-reads unchanged devices, nor lists the tree: it trusts what this process wrote. A full rebuild stats
    every file and reads back only those whose (inode, size, mtime) differ from what was written, as rsync's
    quick check does; a new process has no manifest and compares every file's bytes, which repairs anything a
    crash between rename and sync left behind.
    """

    def __init__(self, directory: Path, managed: Iterable[str], ownership: Ownership, mode: int = 0o644) -> None:
        self.directory = directory
        self.managed = tuple(managed)
        self.ownership = ownership
        self.mode = mode
        # rel -> _entry(key, digest, signature): one small bytes object per file (240k of them at 100k modems).
        self.manifest: dict[str, bytes] = {}
        self._dirs: set[str] = set()  # touched directories, fsync-ed by sync()
        self._known_dirs: set[str] = set()
        self.written: list[str] = []
        self.removed: list[str] = []
        # What the last scan found, relative to the manifest: files as written are neither here nor there.
        self._unusual: dict[str, bytes | None] = {}  # found but unknown or changed: rel -> its signature, if stat-ed
        self._absent: set[str] = set()  # in the manifest but not found
        self._scan: tuple[subprocess.Popen[bytes], IO[bytes]] | None = None  # find and its output file
        self._wanted: list[str] = []  # the names current devices own, in this rebuild
        # fchown/fchmod only when they change something: each is a journaled inode update per file (at 240k
        # files, the difference between 1.5 and 1.3 times the raw write time on ext4).
        chown = (ownership.uid, ownership.gid) != (os.geteuid(), os.getegid())
        self._owner = (ownership.uid, ownership.gid) if chown else None
        self._chmod = mode & _umask() != 0
        self.bulk = True  # a writer process for mass writes (``BULK_AFTER``)
        self._writer: _Writer | None = None
        self._in_process = 0  # files written in this process since ``begin``

    def live_paths(self, signatures: bool = False) -> dict[str, bytes | None]:
        """The managed files that exist now (one scandir per directory), with (inode, size, mtime) if asked."""
        found: dict[str, bytes | None] = {}
        for sub, match in self._matchers().items():
            try:
                entries = list(os.scandir(self.directory / sub))
            except FileNotFoundError:
                continue
            self._known_dirs.add(f"{self.directory}/{sub}" if sub else str(self.directory))
            prefix = f"{sub}/" if sub else ""
            for entry in entries:
                name = entry.name
                if name.startswith(TMP_PREFIX):  # a temp file of a run that crashed (the scan runs under the lock)
                    _unlink_leftover(entry.path)
                    continue
                if name.startswith(".") or not match(name) or not entry.is_file(follow_symlinks=False):
                    continue
                if signatures:
                    st = entry.stat(follow_symlinks=False)
                    found[prefix + name] = signature(st)
                else:
                    found[prefix + name] = None
        return found

    def _matchers(self) -> dict[str, Callable[[str], object]]:
        """Per subdirectory, a match of the managed name patterns there (fnmatch's, as one regular expression)."""
        by_directory: dict[str, list[str]] = {}
        for pattern in self.managed:
            sub, _, name = pattern.rpartition("/")
            by_directory.setdefault(sub, []).append(f"(?:{fnmatch.translate(name)})")
        return {sub: re.compile("|".join(patterns)).match for sub, patterns in by_directory.items()}

    def begin(self, signatures: bool = False, background: bool = False) -> None:
        """Start a rebuild: note which files exist (and their signatures), reset the written and removed lists.

        ``background`` (with ``signatures``) has find(1) stat the tree in its own process, on the other core,
        while the caller keys its devices; the first method that needs the result waits for it. A thread would
        not do: each stat's return waits for the GIL the keying holds.
        """
        self.settle()
        self.written, self.removed, self._wanted = [], [], []
        self._in_process = 0
        if self._scan is not None:  # a rebuild that failed before it needed the last scan
            (scan, spool), self._scan = self._scan, None
            scan.kill()
            scan.wait()
            spool.close()
        if not signatures and self.manifest:
            # Incremental: trust what this process wrote (a scandir of 240k names is 0.3 s of a one-modem change);
            # a file deleted behind its back is rewritten by the next full check.
            self._unusual, self._absent = {}, set()
            return
        find = shutil.which("find") if background and signatures else None
        if find is None:
            self._classify(self.live_paths(signatures).items())
            return
        roots = sorted(
            {
                str(self.directory / p.rpartition("/")[0])
                for p in self.managed
                if (self.directory / p.rpartition("/")[0]).is_dir()
            }
        )
        # Into an unlinked temp file, not a pipe: a full pipe would stop find until the result is wanted.
        spool = tempfile.TemporaryFile()  # noqa: SIM115 (closed in _wait)
        self._scan = (
            subprocess.Popen(
                [find, *roots, "-maxdepth", "1", "-type", "f", "-printf", f"{FIND_SIGNATURE}\\t%p\\0"],
                stdout=spool,
                stderr=subprocess.DEVNULL,
                stdin=subprocess.DEVNULL,
                close_fds=True,
            ),
            spool,
        )

    def _wait(self) -> None:
        """The background scan's result, parsed and filtered as ``live_paths`` filters."""
        if self._scan is None:
            return
        (scan, spool), self._scan = self._scan, None
        with spool:
            if scan.wait() != 0:
                self._classify(self.live_paths(signatures=True).items())
                return
            spool.seek(0)
            self._settle_scan(*self._scanned(spool))

    def _scanned(self, spool: IO[bytes]) -> tuple[dict[str, bytes | None], int]:
        """find's output split as ``_classify`` splits a scan, in one pass over its records."""
        matchers = self._matchers()
        prefix = len(str(self.directory)) + 1
        get = self.manifest.get
        unusual: dict[str, bytes | None] = {}
        matched = 0
        for record in _records(spool):
            seen, _, path = record.partition(b"\t")  # the path last: it may hold anything but NUL
            rel = path[prefix:].decode("utf-8", "surrogateescape")
            entry = get(rel)
            if entry is not None:  # only managed names are ever written: no pattern to match
                if len(entry) == _SIGNATURE_AT + len(seen) and entry.endswith(seen):
                    matched += 1
                else:
                    unusual[rel] = seen
                continue
            sub, _, name = rel.rpartition("/")
            if name.startswith(TMP_PREFIX):  # a temp file of a run that crashed (the scan runs under the lock)
                _unlink_leftover(path.decode("utf-8", "surrogateescape"))
                continue
            match = matchers.get(sub)
            if match is not None and not name.startswith(".") and match(name):
                unusual[rel] = seen
        return unusual, matched

    def _classify(self, found: Iterable[tuple[str, bytes | None]]) -> None:
        """Split a scan into the files that are not as written (``_unusual``) and the manifest's files it did not
        find (``_absent``). At 240k files nearly all are as written: they cost a count, not an entry."""
        get = self.manifest.get
        unusual: dict[str, bytes | None] = {}
        matched = 0
        for rel, seen in found:
            entry = get(rel)
            if (
                entry is not None
                and seen is not None
                and len(entry) == _SIGNATURE_AT + len(seen)
                and entry.endswith(seen)
            ):
                matched += 1
            else:
                unusual[rel] = seen
        self._settle_scan(unusual, matched)

    def _settle_scan(self, unusual: dict[str, bytes | None], matched: int) -> None:
        manifest = self.manifest
        known = sum(1 for rel in unusual if rel in manifest)
        absent: set[str] = set()
        if matched + known < len(manifest):  # some written file is gone: which ones (rare, a second pass)
            absent = set(manifest).difference(unusual)
            absent.difference_update(self.live_paths(signatures=False))
        self._unusual, self._absent = unusual, absent

    def exists(self, rel: str) -> bool:
        """Whether the file is there, as far as the last scan (or, incrementally, this process's writes) knows."""
        return rel in self._unusual or (rel in self.manifest and rel not in self._absent)

    def live_names(self) -> set[str]:
        """Every managed file that exists, as ``exists`` sees it."""
        names = set(self.manifest).difference(self._absent)
        names.update(self._unusual)
        return names

    def unchanged(self, rel: str, key: int, *, verify: bool = False) -> bool:
        """Whether the file was written from the same inputs in this process and is still there.

        ``verify`` also checks that it is still what was written: same (inode, size, mtime) as right after the
        write, else its bytes are read back and compared, so a damaged or replaced file counts as changed.
        """
        if self._scan is not None:
            self._wait()
        entry = self.manifest.get(rel)
        if entry is None or not entry.startswith(_KEY.pack(key)) or rel in self._absent:
            return False
        if rel not in self._unusual:  # as written (or, incrementally, trusted)
            return True
        seen = self._unusual[rel]
        if not verify:
            return True
        data = _read_quick(f"{self.directory}/{rel}")
        if data is None or hashlib.blake2b(data, digest_size=16).digest() != entry[8:_SIGNATURE_AT]:
            return False
        self.manifest[rel] = entry[:_SIGNATURE_AT] + (seen or entry[_SIGNATURE_AT:])
        del self._unusual[rel]
        return True

    def put(self, rel: str, data: bytes, key: int, *, verify: bool) -> bool:
        """Write ``data`` to ``rel`` unless it already holds exactly that; True if written.

        ``verify`` compares with the bytes on disk; otherwise the manifest's digest is trusted when present.
        """
        self._wait()
        digest = hashlib.blake2b(data, digest_size=16).digest()
        entry = self.manifest.get(rel)
        path = f"{self.directory}/{rel}"
        exists = self.exists(rel)
        if not verify and entry is not None and entry[8:_SIGNATURE_AT] == digest and exists:
            self.manifest[rel] = _entry(key, digest, entry[_SIGNATURE_AT:])
            return False
        if exists and (verify or entry is None) and _read_quick(path) == data:
            self.manifest[rel] = _entry(key, digest, signature(Path(path).stat()))
            self._unusual.pop(rel, None)
            return False
        folder, _, name = path.rpartition("/")
        if folder not in self._known_dirs:
            Path(folder).mkdir(parents=True, exist_ok=True)
            self._known_dirs.add(folder)
        self._dirs.add(folder)
        if self._writer is None and self.bulk and self._in_process >= BULK_AFTER:
            try:
                self._writer = _Writer.start(self)
            except OSError:  # no process to be had (a limit): this one writes everything, as it always could
                self.bulk = False
        if self._writer is not None and not self._writer.busy():
            self._writer.send(rel, data, key, digest)
            return True
        # No writer, or it has more than it can do: this process writes this file itself (between encodings).
        self._in_process += 1
        st = write_file(folder, name, data, self.mode, self._owner, self._chmod)
        self._wrote(rel, key, digest, signature(st))
        return True

    def _wrote(self, rel: str, key: int, digest: bytes, written: bytes) -> None:
        self._recorded(rel, _entry(key, digest, written))

    def _recorded(self, rel: str, entry: bytes) -> None:
        self.manifest[rel] = entry
        self.written.append(rel)
        self._unusual.pop(rel, None)
        self._absent.discard(rel)

    def settle(self) -> None:
        """Let a running writer process finish and record what it wrote (after a failure: errors are not raised)."""
        with contextlib.suppress(OSError):
            self._drain()

    def _drain(self) -> None:
        """Wait for the writer process, if one runs, and take its results; raises the first failed write's error."""
        writer, self._writer = self._writer, None
        if writer is None:
            return
        failed: OSError | None = None
        for rel, prefix, line in writer.finish():
            if line.startswith(b"+"):
                self._recorded(rel, prefix + line[1:])
                continue
            self.manifest.pop(rel, None)  # the old file stays; the next rebuild tries again
            if failed is None:
                number, _, message = line[1:].decode(errors="replace").partition(" ")
                failed = OSError(
                    int(number) if number.isdigit() else 0,
                    f"{message or 'the writer process ended early'}: {self.directory / rel}",
                )
        if failed is not None:
            raise failed

    def end(self) -> None:
        """Drop what only one rebuild needs: the scan's names and signatures (``written`` and ``removed`` stay
        until the next ``begin``: they reference the manifest's own name objects)."""
        self.settle()
        self._unusual, self._absent, self._wanted = {}, set(), []

    def keep(self, rel: str) -> None:
        """Leave a file as it is (its device failed to build): it must not be removed as stale."""
        self.manifest.pop(rel, None)

    def want(self, rel: str) -> None:
        """Note that ``rel`` belongs to a current device; ``remove_unwanted`` removes the files nobody wanted.

        A list, no hashing here: the set difference at the end runs in C (240k names per rebuild).
        """
        self._wanted.append(rel)

    def remove_unwanted(self) -> None:
        """Remove managed files that belong to no current device."""
        self._wait()
        stale, self._wanted = self.live_names().difference(self._wanted), []
        for rel in sorted(stale):
            (self.directory / rel).unlink(missing_ok=True)
            self._dirs.add(str((self.directory / rel).parent))
            self.removed.append(rel)
            self.manifest.pop(rel, None)
            self._unusual.pop(rel, None)

    def sync(self) -> None:
        """Wait for the writes, then make the batch durable: one syncfs, then fsync of each touched directory."""
        self._drain()
        if not self._dirs:
            return
        syncfs(self.directory)
        for directory in sorted(self._dirs):
            with contextlib.suppress(FileNotFoundError):
                _fsync_dir(Path(directory))
        self._dirs.clear()


# A file's (inode, size, mtime) as find(1) prints it with FIND_SIGNATURE, so the background scan's output is
# compared as text. Were a find to print it differently, every file would only be read back and compared.
FIND_SIGNATURE = "%i %s %T@"


def _records(spool: IO[bytes], chunk: int = 1 << 20) -> Iterator[bytes]:
    """NUL-terminated records, a megabyte at a time (the whole scan is 11 MB at 100k modems)."""
    rest = b""
    while block := spool.read(chunk):
        *records, rest = (rest + block).split(b"\0")
        yield from records
    if rest:
        yield rest


class _Writer:
    """A writer process (``provha_daemon.writer``) fed through a pipe; its results go to an unlinked temp file."""

    def __init__(self, process: subprocess.Popen[bytes], results: IO[bytes]) -> None:
        self.process = process
        self.results = results
        # Per queued file its name, and its key + digest (24 bytes) in one array: 240k tuples would be 30 MB.
        self.names: list[str] = []
        self.prefixes = bytearray()
        self.buffer = bytearray()

    @classmethod
    def start(cls, files: FileSet) -> _Writer:
        """A writer for ``files``' directory, owner and mode."""
        owner = files._owner or (-1, -1)
        results = tempfile.TemporaryFile()  # noqa: SIM115 (closed in finish)
        try:
            # -I -S: the standard library only, no environment, no site: it starts in milliseconds.
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-I",
                    "-S",
                    str(Path(__file__).with_name("writer.py")),
                    str(files.directory),
                    f"{files.mode:o}",
                    str(owner[0]),
                    str(owner[1]),
                    "1" if files._chmod else "0",
                ],
                stdin=subprocess.PIPE,
                stdout=results,
                stderr=subprocess.DEVNULL,
                close_fds=True,
            )
        except BaseException:
            results.close()
            raise
        with contextlib.suppress(OSError, AttributeError):  # a larger pipe: fewer wake-ups of either side
            fcntl.fcntl(process.stdin.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)  # type: ignore[union-attr]
        return cls(process, results)

    def busy(self) -> bool:
        """Whether the writer is behind: more than half a megabyte waits in its pipe."""
        if self.process.stdin is None:
            return True
        try:
            waiting = struct.unpack("i", fcntl.ioctl(self.process.stdin.fileno(), termios.FIONREAD, b"\0" * 4))[0]
        except OSError:
            return False
        return bool(waiting > 1 << 19)

    def send(self, rel: str, data: bytes, key: int, digest: bytes) -> None:
        """Queue one file; frames go down the pipe a quarter megabyte at a time."""
        self.names.append(rel)
        self.prefixes += _KEY.pack(key) + digest
        self.buffer += frame(rel, data)
        if len(self.buffer) >= 1 << 18:
            self._flush()

    def _flush(self) -> None:
        stdin = self.process.stdin
        if stdin is not None and self.buffer:
            with contextlib.suppress(BrokenPipeError):  # it died: its missing results say so
                stdin.write(self.buffer)
                stdin.flush()
        self.buffer.clear()

    def finish(self) -> Iterator[tuple[str, bytes, bytes]]:
        """Every queued file: name, key + digest, result line (``b"-0 "`` for those the writer never answered)."""
        self._flush()
        if self.process.stdin is not None:
            with contextlib.suppress(BrokenPipeError):
                self.process.stdin.close()
        self.process.wait()
        with self.results:
            self.results.seek(0)
            for index, rel in enumerate(self.names):
                line = self.results.readline().rstrip(b"\n")
                yield (
                    rel,
                    bytes(self.prefixes[index * _SIGNATURE_AT : (index + 1) * _SIGNATURE_AT]),
                    (line if line[:1] in (b"+", b"-") else b"-0 "),
                )


_KEY = struct.Struct(">q")  # a device's input key: a Python hash, a signed 64-bit integer
_SIGNATURE_AT = _KEY.size + 16  # after the key and the 16-byte digest


def _entry(key: int, digest: bytes, signature: bytes) -> bytes:
    """A manifest entry: key, digest of the bytes written, the file's signature right after."""
    return _KEY.pack(key) + digest + signature


def _umask() -> int:
    """The process umask, read without setting it (os.umask would change it for every thread meanwhile)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o777  # unknown: always fchmod


def syncfs(path: Path) -> None:
    """syncfs(2) on the filesystem holding ``path`` (os.sync where libc has none)."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if hasattr(libc, "syncfs") and libc.syncfs(fd) == 0:
            return
        os.sync()
    finally:
        os.close(fd)
