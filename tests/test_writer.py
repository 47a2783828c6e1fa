"""The writer process: frames in, whole files with the given mode out, one result line per frame, in order."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from provha_daemon import writer


def _run(directory: Path, frames: bytes, mode: str = "644") -> list[bytes]:
    done = subprocess.run(
        [sys.executable, "-I", "-S", writer.__file__, str(directory), mode, "-1", "-1", "1"],
        input=frames,
        capture_output=True,
        check=True,
    )
    return done.stdout.split(b"\n")[:-1]


def test_writer_process_writes_each_frame_and_reports_its_signature(tmp_path: Path) -> None:
    """Every frame becomes a file with the given mode; its result line is the file's (inode, size, mtime)."""
    frames = b"".join(writer.frame(f"cm/{n}.cfg", bytes([n]) * n) for n in range(1, 6))
    results = _run(tmp_path, frames, "640")
    assert len(results) == 5
    for n, line in enumerate(results, start=1):
        path = tmp_path / "cm" / f"{n}.cfg"
        assert path.read_bytes() == bytes([n]) * n
        assert stat.S_IMODE(path.stat().st_mode) == 0o640
        assert line == b"+" + writer.signature(path.stat())
    assert sorted(os.listdir(tmp_path / "cm")) == [f"{n}.cfg" for n in range(1, 6)]  # no temp file left


def test_writer_process_reports_a_failed_file_and_goes_on(tmp_path: Path) -> None:
    """A file that cannot be replaced (a directory in its place) gets an errno line; the next frame is written."""
    (tmp_path / "cm" / "b.cfg").mkdir(parents=True)
    (tmp_path / "cm" / "b.cfg" / "inside").write_bytes(b"x")
    frames = b"".join(writer.frame(rel, b"data") for rel in ("cm/a.cfg", "cm/b.cfg", "cm/c.cfg"))
    first, failed, last = _run(tmp_path, frames)
    assert first.startswith(b"+") and last.startswith(b"+")
    number, _, message = failed[1:].partition(b" ")
    assert failed.startswith(b"-") and int(number) > 0 and message
    assert (tmp_path / "cm" / "c.cfg").read_bytes() == b"data"
    assert not [p for p in os.listdir(tmp_path / "cm") if p.startswith(writer.TMP_PREFIX)]
