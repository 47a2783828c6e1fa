"""Tests of staging, byte-compare planning, atomic swap with ownership/mode, previous generation and rollback."""

from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from provha_daemon import apply
from provha_daemon.apply import PREVIOUS, FileSet, Ownership, Target, rewrite_includes
from provha_daemon.artifact import MODE_SECRET, Artifact
from provha_daemon.errors import ApplyError


@pytest.fixture
def target(tmp_path: Path) -> Target:
    """A target directory under tmp_path managing *.conf and sub/*.conf."""
    return Target(tmp_path / "dhcp", ("*.conf", "sub/*.conf"), Ownership(os.geteuid(), os.getegid()))


def _set(*pairs: tuple[str, bytes]) -> list[Artifact]:
    return [Artifact(path, data, MODE_SECRET if path == "secret.conf" else 0o644) for path, data in pairs]


def test_first_swap_writes_everything_with_modes(target: Target) -> None:
    """Into an empty directory every file is written, public ones 0644, secret ones 0640."""
    arts = _set(("a.conf", b"a\n"), ("secret.conf", b"key\n"), ("sub/1.conf", b"one\n"))
    plan = target.plan(arts)
    assert {a.path for a in plan.write} == {"a.conf", "secret.conf", "sub/1.conf"}
    target.swap(plan)
    assert (target.directory / "sub/1.conf").read_bytes() == b"one\n"
    assert stat.S_IMODE((target.directory / "a.conf").stat().st_mode) == 0o644
    assert stat.S_IMODE((target.directory / "secret.conf").stat().st_mode) == 0o640
    assert stat.S_IMODE(target.directory.stat().st_mode) == 0o2750


def test_unchanged_files_are_not_rewritten(target: Target) -> None:
    """A second swap of identical bytes plans nothing and keeps the inodes."""
    arts = _set(("a.conf", b"a\n"), ("b.conf", b"b\n"))
    target.swap(target.plan(arts))
    inode = (target.directory / "a.conf").stat().st_ino
    plan = target.plan(_set(("a.conf", b"a\n"), ("b.conf", b"B\n")))
    assert [a.path for a in plan.write] == ["b.conf"]
    assert plan.unchanged == ("a.conf",)
    target.swap(plan)
    assert (target.directory / "a.conf").stat().st_ino == inode
    assert not target.plan(_set(("a.conf", b"a\n"), ("b.conf", b"B\n"))).changed


def test_swap_keeps_existing_owner_and_mode_but_never_world_bits_on_secrets(target: Target) -> None:
    """An operator's mode on a public file is kept; a secret file loses world bits even if it had them."""
    target.swap(target.plan(_set(("a.conf", b"1"), ("secret.conf", b"1"))))
    os.chmod(target.directory / "a.conf", 0o664)
    os.chmod(target.directory / "secret.conf", 0o666)
    target.swap(target.plan(_set(("a.conf", b"2"), ("secret.conf", b"2"))))
    assert stat.S_IMODE((target.directory / "a.conf").stat().st_mode) == 0o664
    assert stat.S_IMODE((target.directory / "secret.conf").stat().st_mode) == 0o640


def test_removed_files_go_and_foreign_files_stay(target: Target) -> None:
    """A managed file no longer rendered is removed; files outside the managed patterns are untouched."""
    target.swap(target.plan(_set(("a.conf", b"a"), ("sub/1.conf", b"1"), ("sub/2.conf", b"2"))))
    (target.directory / "operator.notes").write_text("mine")
    plan = target.plan(_set(("a.conf", b"a"), ("sub/1.conf", b"1")))
    assert plan.remove == ("sub/2.conf",)
    target.swap(plan)
    assert not (target.directory / "sub/2.conf").exists()
    assert (target.directory / "operator.notes").read_text() == "mine"


def test_restore_previous_brings_back_the_last_generation(target: Target) -> None:
    """After a swap, restore_previous puts back the old bytes and removes files the swap added."""
    target.swap(target.plan(_set(("a.conf", b"old"), ("sub/1.conf", b"one"))))
    target.swap(target.plan(_set(("a.conf", b"new"), ("sub/2.conf", b"two"))))
    assert (target.directory / PREVIOUS / "a.conf").read_bytes() == b"old"
    target.restore_previous()
    assert (target.directory / "a.conf").read_bytes() == b"old"
    assert (target.directory / "sub/1.conf").read_bytes() == b"one"
    assert not (target.directory / "sub/2.conf").exists()


def test_restore_without_previous_fails_clearly(target: Target) -> None:
    """Restoring when no swap ever happened is an ApplyError, not a silent no-op."""
    target.ensure_directory()
    with pytest.raises(ApplyError, match="no previous generation"):
        target.restore_previous()


def test_no_temp_files_left_behind(target: Target) -> None:
    """A swap leaves only the final files (no .provha-tmp.* in the live directory)."""
    target.swap(target.plan(_set(("a.conf", b"a"), ("sub/1.conf", b"1"))))
    leftovers = [p.name for p in target.directory.rglob(".provha-tmp.*")]
    assert leftovers == []


def test_stage_rewrites_only_include_paths(target: Target, tmp_path: Path) -> None:
    """Staged bytes differ from the live bytes only in include paths pointing into the staging directory."""
    live = target.directory
    data = f'include "{live}/a.conf";\nfilename "{live}/x";\n'.encode()
    staging = target.stage([Artifact("main.conf", data)])
    staged = (staging / "main.conf").read_bytes()
    assert staged == f'include "{staging}/a.conf";\nfilename "{live}/x";\n'.encode()
    assert rewrite_includes(data, live, staging) == staged


def test_lock_refuses_a_second_writer(target: Target) -> None:
    """Two writers never interleave: a second lock on the same target fails at once."""
    with target.locked(), pytest.raises(ApplyError, match="another provha-daemon"), target.locked():
        pass


def test_diff_hides_secret_contents(target: Target) -> None:
    """The dry-run diff shows changed lines of public files but never the lines of secret files."""
    target.swap(target.plan(_set(("a.conf", b"one\n"), ("secret.conf", b'secret "Zm9vQUFB";\n'))))
    text = target.diff(_set(("a.conf", b"two\n"), ("secret.conf", b'secret "YmFyQkJC";\n')))
    assert "-one" in text and "+two" in text
    assert "Zm9vQUFB" not in text
    assert "YmFyQkJC" not in text
    assert "holds a secret" in text


def _fileset(tmp_path: Path) -> FileSet:
    return FileSet(tmp_path / "tftp", ("cm/*.cfg",), Ownership(os.geteuid(), os.getegid()))


def test_fileset_full_check_stats_instead_of_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A full check of files this process wrote and nobody touched stats them and reads none back."""
    files = _fileset(tmp_path)
    files.begin(signatures=True)
    assert files.put("cm/a.cfg", b"one", 1, verify=True)
    files.sync()

    def no_read(path: str) -> bytes | None:
        raise AssertionError(f"read {path}")

    monkeypatch.setattr(apply, "_read_quick", no_read)
    files.begin(signatures=True)
    assert files.unchanged("cm/a.cfg", 1, verify=True)
    assert not files.put("cm/a.cfg", b"one", 1, verify=False)


def test_fileset_full_check_catches_an_in_place_edit_of_the_same_size(tmp_path: Path) -> None:
    """A file rewritten in place (same size, other bytes, other mtime) is read back, found changed and rewritten."""
    files = _fileset(tmp_path)
    files.begin(signatures=True)
    files.put("cm/a.cfg", b"one", 1, verify=True)
    path = tmp_path / "tftp" / "cm" / "a.cfg"
    inode = path.stat().st_ino
    with open(path, "r+b") as handle:
        handle.write(b"two")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert path.stat().st_ino == inode  # same inode and size: only the mtime tells
    files.begin(signatures=True)
    assert not files.unchanged("cm/a.cfg", 1, verify=True)
    assert files.put("cm/a.cfg", b"one", 1, verify=True)
    assert path.read_bytes() == b"one"


def test_fileset_new_process_compares_bytes(tmp_path: Path) -> None:
    """Without a manifest (a new process) an identical file on disk is kept, a different one rewritten."""
    first = _fileset(tmp_path)
    first.begin(signatures=True)
    first.put("cm/a.cfg", b"one", 1, verify=True)
    first.put("cm/b.cfg", b"two", 2, verify=True)
    (tmp_path / "tftp" / "cm" / "b.cfg").write_bytes(b"TWO")
    second = _fileset(tmp_path)
    second.begin(signatures=True)
    assert not second.unchanged("cm/a.cfg", 1, verify=True)  # nothing is known to this process
    assert not second.put("cm/a.cfg", b"one", 1, verify=True)  # same bytes: not written
    assert second.put("cm/b.cfg", b"two", 2, verify=True)
    assert second.written == ["cm/b.cfg"]


def test_fileset_replaces_a_leftover_temp_file_with_the_right_mode(tmp_path: Path) -> None:
    """A temp file a crash left behind (mode 0600) does not pass its mode on: the written file is 0644."""
    files = _fileset(tmp_path)
    (tmp_path / "tftp" / "cm").mkdir(parents=True)
    leftover = tmp_path / "tftp" / "cm" / f"{apply.TMP_PREFIX}a.cfg"
    leftover.write_bytes(b"half")
    leftover.chmod(0o600)
    files.begin()
    assert files.put("cm/a.cfg", b"one", 1, verify=True)
    assert stat.S_IMODE((tmp_path / "tftp" / "cm" / "a.cfg").stat().st_mode) == 0o644
    assert not leftover.exists()


def test_fileset_background_scan_equals_the_inline_scan(tmp_path: Path) -> None:
    """find(1)'s scan in its own process sees the tree exactly as the in-process scan does: the managed files
    not as written (a touched one with its signature, a foreign one) and the written ones that are gone."""
    files = FileSet(tmp_path / "tftp", ("cm/*.cfg", "cm/*.conf", "mta/*.cfg"), Ownership(os.geteuid(), os.getegid()))
    files.begin()
    for rel in ("cm/a.cfg", "cm/a.conf", "cm/b c.cfg", "mta/m.cfg", "mta/gone.cfg"):
        files.put(rel, rel.encode(), 1, verify=False)
    (tmp_path / "tftp" / "cm" / ".hidden.cfg").write_bytes(b"x")
    (tmp_path / "tftp" / "cm" / "notes.txt").write_bytes(b"x")
    (tmp_path / "tftp" / "cm" / "foreign.cfg").write_bytes(b"x")
    (tmp_path / "tftp" / "mta" / "m.conf").write_bytes(b"not managed in mta/")
    (tmp_path / "tftp" / "mta" / "gone.cfg").unlink()
    touched = tmp_path / "tftp" / "cm" / "a.conf"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 1_000_000_000))
    files.begin(signatures=True)
    inline = (dict(files._unusual), set(files._absent))
    files.begin(signatures=True, background=True)
    assert files.unchanged("cm/a.cfg", 1, verify=True)  # waits for the scan
    assert (files._unusual, files._absent) == inline
    assert set(inline[0]) == {"cm/a.conf", "cm/foreign.cfg"} and inline[1] == {"mta/gone.cfg"}
    assert inline[0]["cm/a.conf"] == apply.signature(touched.stat())
    assert files.live_names() == {"cm/a.cfg", "cm/a.conf", "cm/b c.cfg", "mta/m.cfg", "cm/foreign.cfg"}


def test_fileset_incremental_trusts_its_own_writes_and_full_check_repairs(tmp_path: Path) -> None:
    """An incremental pass does not list the tree; a file deleted behind its back is rewritten by the full check."""
    files = _fileset(tmp_path)
    files.begin(signatures=True)
    files.put("cm/a.cfg", b"one", 1, verify=True)
    (tmp_path / "tftp" / "cm" / "a.cfg").unlink()
    files.begin()
    assert files.unchanged("cm/a.cfg", 1)  # trusted: written by this process
    files.begin(signatures=True)
    assert not files.unchanged("cm/a.cfg", 1, verify=True)
    assert files.put("cm/a.cfg", b"one", 1, verify=True)
    assert (tmp_path / "tftp" / "cm" / "a.cfg").read_bytes() == b"one"


def test_scan_records_are_split_across_chunks() -> None:
    """The background scan's NUL-terminated records come out whole whatever the read size."""
    import io

    data = b"1 2 3.4\t/t/cm/a.cfg\x002 3 4.5\t/t/cm/b c.cfg\x00"
    for chunk in (1, 2, 7, 1 << 20):
        assert list(apply._records(io.BytesIO(data), chunk)) == [b"1 2 3.4\t/t/cm/a.cfg", b"2 3 4.5\t/t/cm/b c.cfg"]


def _counting_writes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the files this process writes itself (not through the writer process)."""
    names: list[str] = []
    real = apply.write_file

    def counted(folder: str, name: str, *args: object) -> os.stat_result:
        names.append(name)
        return real(folder, name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(apply, "write_file", counted)
    return names


def test_fileset_mass_write_goes_through_the_writer_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past BULK_AFTER files a writer process writes the rest: every file whole with its mode, and its recorded
    signatures let the next full check trust every file without reading one back."""
    monkeypatch.setattr(apply, "BULK_AFTER", 3)
    in_process = _counting_writes(monkeypatch)
    files = _fileset(tmp_path)
    files.begin(signatures=True)
    for n in range(40):
        assert files.put(f"cm/{n}.cfg", f"config {n}".encode(), n, verify=True)
    files.sync()
    assert in_process == ["0.cfg", "1.cfg", "2.cfg"]
    assert sorted(files.written) == sorted(f"cm/{n}.cfg" for n in range(40))
    for n in range(40):
        path = tmp_path / "tftp" / "cm" / f"{n}.cfg"
        assert path.read_bytes() == f"config {n}".encode()
        assert stat.S_IMODE(path.stat().st_mode) == 0o644

    def no_read(path: str) -> bytes | None:
        raise AssertionError(f"read {path}")

    monkeypatch.setattr(apply, "_read_quick", no_read)
    files.begin(signatures=True)
    assert all(files.unchanged(f"cm/{n}.cfg", n, verify=True) for n in range(40))


def test_fileset_failed_write_in_the_writer_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file the writer process cannot replace fails the batch at sync with its path; the other files are
    written and the failed one is forgotten, so the next rebuild writes it again."""
    monkeypatch.setattr(apply, "BULK_AFTER", 0)
    files = _fileset(tmp_path)
    files.begin(signatures=True)
    files.put("cm/a.cfg", b"old", 1, verify=True)
    files.sync()
    (tmp_path / "tftp" / "cm" / "b.cfg").mkdir()
    (tmp_path / "tftp" / "cm" / "b.cfg" / "inside").write_bytes(b"x")
    files.begin()
    for rel in ("cm/a.cfg", "cm/b.cfg", "cm/c.cfg"):
        files.put(rel, b"new", 2, verify=False)
    with pytest.raises(OSError, match=r"cm/b\.cfg"):
        files.sync()
    assert (tmp_path / "tftp" / "cm" / "a.cfg").read_bytes() == b"new"
    assert (tmp_path / "tftp" / "cm" / "c.cfg").read_bytes() == b"new"
    assert sorted(files.written) == ["cm/a.cfg", "cm/c.cfg"]
    assert "cm/b.cfg" not in files.manifest


def test_fileset_writer_that_dies_loses_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A writer process that ends without answering fails the batch at sync; its files are not recorded as
    written, so the next rebuild writes them."""
    monkeypatch.setattr(apply, "BULK_AFTER", 0)
    monkeypatch.setattr(apply.sys, "executable", "/bin/true")  # exits at once, reads nothing
    files = _fileset(tmp_path)
    files.begin(signatures=True)
    for rel in ("cm/a.cfg", "cm/b.cfg"):
        files.put(rel, b"new", 1, verify=True)
    with pytest.raises(OSError, match="ended early"):
        files.sync()
    assert files.written == [] and files.manifest == {}
    monkeypatch.undo()
    files.begin(signatures=True)
    assert not files.unchanged("cm/a.cfg", 1, verify=True)
    assert files.put("cm/a.cfg", b"new", 1, verify=True)
    files.sync()
    assert (tmp_path / "tftp" / "cm" / "a.cfg").read_bytes() == b"new"


def test_fileset_writes_itself_when_no_writer_process_starts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If the writer process cannot be started, every file is written in this process."""
    monkeypatch.setattr(apply, "BULK_AFTER", 0)
    monkeypatch.setattr(apply.sys, "executable", str(tmp_path / "no-such-python"))
    files = _fileset(tmp_path)
    files.begin(signatures=True)
    for n in range(5):
        assert files.put(f"cm/{n}.cfg", b"x", n, verify=True)
    files.sync()
    assert len(files.written) == 5 and not files.bulk
    assert all((tmp_path / "tftp" / "cm" / f"{n}.cfg").read_bytes() == b"x" for n in range(5))


def test_staged_secrets_keep_their_mode_and_unstage_removes_them(target: Target) -> None:
    """Staged copies of secret files are 0640 like the live ones, public ones 0644; unstage leaves nothing."""
    staging = target.stage(_set(("a.conf", b"a\n"), ("secret.conf", b"key\n")))
    assert stat.S_IMODE((staging / "secret.conf").stat().st_mode) == 0o640
    assert stat.S_IMODE((staging / "a.conf").stat().st_mode) == 0o644
    target.unstage()
    assert not staging.exists()


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB tmpfs this test mounts (root only) and unmounts."""
    if os.geteuid() != 0:
        pytest.skip("mounting a filesystem needs root (CI runs as root)")
    mount = tmp_path / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k,mode=0755", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_read_only_tree_is_an_apply_error_naming_the_path(small_fs: Path) -> None:
    """On a read-only filesystem the lock (existing or not) and the staging fail as ApplyError, not an OSError."""
    target = Target(small_fs / "dhcp", ("*.conf",), Ownership(os.geteuid(), os.getegid()))
    target.directory.mkdir()
    with apply.lock_directory(target.directory):
        pass  # the lock file now exists
    (small_fs / "other").mkdir()  # no lock file yet
    subprocess.run(["mount", "-o", "remount,ro", str(small_fs)], check=True)
    with apply.lock_directory(target.directory), pytest.raises(ApplyError, match=r"cannot stage .*\.provha-staging"):
        target.stage(_set(("a.conf", b"a\n")))
    with pytest.raises(ApplyError, match="cannot open the lock file"), apply.lock_directory(small_fs / "other"):
        pass


def test_full_disk_while_staging_is_an_apply_error(small_fs: Path) -> None:
    """A set larger than the free space fails to stage with ENOSPC as an ApplyError naming the file."""
    target = Target(small_fs / "dhcp", ("*.conf",), Ownership(os.geteuid(), os.getegid()))
    target.directory.mkdir()
    with pytest.raises(ApplyError, match="No space left on device"):
        target.stage(_set(("a.conf", b"x" * 400_000)))


def test_rollback_of_unchanged_files_leaves_no_temp_link(target: Target) -> None:
    """restore_previous over a set where some files did not change leaves no .provha-tmp.* (renaming a link over
    its own inode does nothing)."""
    target.swap(target.plan(_set(("a.conf", b"same"), ("b.conf", b"old"), ("sub/1.conf", b"one"))))
    target.swap(target.plan(_set(("a.conf", b"same"), ("b.conf", b"new"), ("sub/1.conf", b"one"))))
    target.restore_previous()
    assert [p.name for p in target.directory.rglob(".provha-tmp.*")] == []
    assert (target.directory / "b.conf").read_bytes() == b"old"


def test_leftover_temp_files_of_a_crash_are_removed(target: Target, tmp_path: Path) -> None:
    """A crashed run's .provha-tmp.* files go at the next run, in the DHCP tree (remove_leftovers) and in the TFTP
    tree (a full check); other dotfiles stay."""
    target.swap(target.plan(_set(("a.conf", b"a"), ("sub/1.conf", b"1"))))
    for leftover in (".provha-tmp.a.conf", "sub/.provha-tmp.1.conf", ".keep"):
        (target.directory / leftover).write_bytes(b"")
    target.remove_leftovers()
    assert not list(target.directory.rglob(".provha-tmp.*"))
    assert (target.directory / ".keep").exists()
    files = FileSet(tmp_path / "tftp", ("cm/*.cfg",), Ownership(os.geteuid(), os.getegid()), 0o644)
    (tmp_path / "tftp" / "cm").mkdir(parents=True)
    (tmp_path / "tftp" / "cm" / ".provha-tmp.cm-1.cfg").write_bytes(b"half")
    (tmp_path / "tftp" / "cm" / ".keep").write_bytes(b"")
    files.begin(signatures=True)
    files.want("cm/cm-2.cfg")
    files.put("cm/cm-2.cfg", b"two", 1, verify=True)
    files.sync()
    files.end()
    assert sorted(p.name for p in (tmp_path / "tftp" / "cm").iterdir()) == [".keep", "cm-2.cfg"]
    (tmp_path / "tftp" / "cm" / ".provha-tmp.cm-2.cfg").write_bytes(b"half")
    files.begin(signatures=True, background=True)  # with a manifest the full check's scan is find(1)'s
    files.want("cm/cm-2.cfg")
    assert files.unchanged("cm/cm-2.cfg", 1, verify=True)
    files.settle()
    files.end()
    assert sorted(p.name for p in (tmp_path / "tftp" / "cm").iterdir()) == [".keep", "cm-2.cfg"]


def test_a_swap_failing_half_way_puts_the_whole_previous_set_back(target: Target) -> None:
    """A rename that fails after others succeeded (a directory where a file belongs) restores every file of the
    previous generation: never a mixed set, no temp file left."""
    target.swap(target.plan(_set(("a.conf", b"old a"), ("b.conf", b"old b"))))
    plan = target.plan(_set(("a.conf", b"new a"), ("b.conf", b"new b"), ("c.conf", b"new c")))
    (target.directory / "c.conf").mkdir()  # the third rename cannot replace a directory
    with pytest.raises(ApplyError, match="the previous set was put back"):
        target.swap(plan)
    assert (target.directory / "a.conf").read_bytes() == b"old a"
    assert (target.directory / "b.conf").read_bytes() == b"old b"
    assert not list(target.directory.rglob(".provha-tmp.*"))


def test_a_set_that_cannot_fit_is_refused_before_the_first_rename(small_fs: Path) -> None:
    """With too little space for the new files the swap changes nothing and says how much is missing."""
    target = Target(small_fs / "dhcp", ("*.conf",), Ownership(os.geteuid(), os.getegid()))
    target.swap(target.plan(_set(("a.conf", b"old"))))
    with (small_fs / "filler").open("wb") as out:
        out.write(b"\0" * 200_000)
    with pytest.raises(ApplyError, match="not enough space"):
        target.swap(target.plan(_set(("a.conf", b"x" * 60_000), ("b.conf", b"y" * 60_000))))
    assert (target.directory / "a.conf").read_bytes() == b"old"
    assert not (target.directory / "b.conf").exists()


def test_a_set_across_directories_goes_back_whole_when_one_swap_fails(tmp_path: Path) -> None:
    """swap_together: the second directory cannot be written (a file sits where it belongs), so the first, already
    swapped, is put back: neither directory holds a new file, and the error names the failing one."""
    owner = Ownership.for_group(None)
    first = Target(tmp_path / "conf.d", ("a.conf",), owner)
    second = Target(tmp_path / "blocked" / "sources.d", ("b.sources",), owner)
    first.swap(first.plan([Artifact("a.conf", b"old\n")]))
    (tmp_path / "blocked").write_text("a file, not a directory")
    plans = [
        (first, first.plan([Artifact("a.conf", b"new\n")])),
        (second, second.plan([Artifact("b.sources", b"new\n")])),
    ]
    with pytest.raises(apply.ApplyError, match="blocked"):
        apply.swap_together(plans)
    assert (tmp_path / "conf.d" / "a.conf").read_bytes() == b"old\n"
    swapped, done = apply.swap_together(plans[:1])
    assert swapped == [first] and done.written == [str(tmp_path / "conf.d" / "a.conf")]
    assert apply.restore_together(swapped).written == [str(tmp_path / "conf.d" / "a.conf")]
    assert (tmp_path / "conf.d" / "a.conf").read_bytes() == b"old\n"
