"""The daemon's own faults on the HA rig (``tests/harig.py``): killed with SIGKILL in the middle of applying a new
generation (scenario 6) and stopped with SIGTERM (scenario 7), with the slave's real dhcpd, a relaying CMTS and a
modem in their namespaces and the plant on a 2-node Galera cluster.

A watcher thread reads every live file of the slave's DHCP and TFTP directories every few milliseconds while the
daemon applies, is killed and starts again; every content it saw for a path must be that path's content in the old
or in the new generation (both checked with the real ``dhcpd -t``), absence included. The daemon's hidden work
names (``.provha-staging``, ``.provha-previous``, ``.provha-tmp.*``, …) are not served and are left out of that
comparison; what it saw of them is checked on its own.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from provha_daemon.config import load_config
from tests.harig import MASTER, SLAVE, Rig, galera_rig
from tests.service import wait_until

pytestmark = pytest.mark.ha

UNIT = Path(__file__).resolve().parents[1] / "systemd" / "provha-daemon.service"
SLOW = 5.0  # seconds the slow dhcpd -t and the slow restart command sleep before doing their real work


@pytest.fixture(scope="module")
def the_rig() -> Iterator[Rig]:
    """The seeded plant on a 2-node Galera cluster and the rig up to both peers normal."""
    with galera_rig() as up:
        yield up


# -- what the tests share ------------------------------------------------------------------------------------------


def _log_length(the_rig: Rig) -> int:
    process = the_rig.processes.get("provha-daemon")
    return len(process.text()) if process is not None and process.log.exists() else 0


def _start_daemon(the_rig: Rig) -> tuple[int, float]:
    """provha-daemon started anew with the config as it is now; (its log offset, the monotonic time it started)."""
    offset = _log_length(the_rig)
    started = time.monotonic()
    the_rig.daemon()
    return offset, started


def _wait_started(the_rig: Rig, offset: int) -> None:
    """Until the daemon started at ``offset`` logged ``service.started`` (its first, full rebuild is done)."""
    the_rig.wait_log("provha-daemon", r'"service\.started"', after=offset)


def _stop_daemon(the_rig: Rig) -> None:
    process = the_rig.processes.get("provha-daemon")
    if process is not None:
        process.stop()


def _dhcpd_t(the_rig: Rig) -> None:
    """The live DHCP set passes the real ``dhcpd -t``, run as the daemon runs it (``dhcpd -t -4 -cf``; -t reads
    no leases file)."""
    conf = the_rig.setup.dhcp_dir / "dhcpd.conf"
    done = subprocess.run(["dhcpd", "-t", "-4", "-cf", str(conf)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"dhcpd -t rejected the live set:\n{done.stdout[-2000:]}{done.stderr[-3000:]}"


def _marker_script(the_rig: Rig, name: str, then: str, seconds: float = SLOW) -> tuple[Path, Path]:
    """A wrapper that writes its pid to a marker (atomically), sleeps ``seconds``, then execs ``then "$@"``;
    (the script, the marker)."""
    script, marker = the_rig.root / name, the_rig.root / f"{name}.started"
    marker.unlink(missing_ok=True)
    script.write_text(
        f'#!/bin/sh\necho $$ > {marker}.new && mv {marker}.new {marker}\nsleep {seconds}\nexec {then} "$@"\n'
    )
    script.chmod(0o755)
    return script, marker


def _wait_marker(marker: Path, timeout: float = 60.0) -> int:
    """Until the wrapper started (its marker holds its pid, which is its process group: the daemon starts every
    command in a session of its own); the pid."""
    wait_until(lambda: marker.exists() and marker.read_text().strip() != "", timeout, f"{marker.name}")
    return int(marker.read_text())


def _kill_daemon(the_rig: Rig) -> None:
    """SIGKILL to the daemon's process group (it was started in a session of its own)."""
    os.killpg(the_rig.processes["provha-daemon"].popen.pid, signal.SIGKILL)


def _kill_wrapper(the_rig: Rig, pid: int, sig: signal.Signals = signal.SIGKILL) -> bool:
    """Signal the process group of a wrapper the daemon started (``pid``, its leader), only while that process is
    still one of the rig's (its command line names the rig's directory); whether it was."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return False
    if str(the_rig.root).encode() not in command or not _alive(pid):
        return False
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)
    return True


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie does not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return not re.search(r"(?m)^State:\s+Z", status)


def _new_dhcpd(the_rig: Rig, old: int, timeout: float = 60.0) -> int:
    """Until the slave's dhcpd runs with a pid other than ``old``; that pid."""
    pid = the_rig.root / "slave.pid"

    def moved() -> bool:
        with contextlib.suppress(OSError, ValueError):
            now = int(pid.read_text().strip())
            return now != old and _alive(now)
        return False

    wait_until(moved, timeout, "the slave's dhcpd restarted")
    return int(pid.read_text().strip())


def _slave_knows(the_rig: Rig, hostname: str, mac: str, timeout: float = 30.0) -> bool:
    """Whether the slave's running dhcpd has the host ``hostname`` with ``mac``, asked over OMAPI: what dhcpd itself
    loaded, not what its files say. A dhcpd just restarted opens OMAPI a moment after its pid file: until it
    answers (the host, or "not found"), ask again."""
    deadline = time.monotonic() + timeout
    while True:
        answer = the_rig.omshell("new host", f'set name = "{hostname}"', "open")
        if f"hardware-address = {mac}" in answer:
            return True
        if "not found" in answer:
            return False
        if time.monotonic() > deadline:
            raise TimeoutError(f"the slave's dhcpd does not answer OMAPI:\n{answer[-1000:]}")
        time.sleep(0.2)


def _boots(the_rig: Rig, mac: str, hostname: str) -> str:
    """The modem with ``mac`` gets its lease with its own config file name (NMS Prime's master rebuilt its files
    first, as it does for a new modem) and fetches the slave's config file by TFTP; the server that answered."""
    the_rig.render_master()
    lease = the_rig.lease(mac)
    assert lease["new_filename"] == f"cm/{hostname}.cfg", lease
    server = lease["new_dhcp_server_identifier"]
    assert server in (MASTER, SLAVE), lease
    fetched = the_rig.root / f"fetched-{hostname}.cfg"
    got = the_rig.in_modem("tftp", server, "-m", "binary", "-c", "get", f"cm/{hostname}.cfg", str(fetched))
    assert got.returncode == 0, got.stderr
    assert fetched.read_bytes() == (the_rig.setup.tftp_dir / "cm" / f"{hostname}.cfg").read_bytes()
    return server


def _tops(the_rig: Rig) -> tuple[Path, Path]:
    return the_rig.setup.dhcp_dir, the_rig.setup.tftp_dir


def _listing(tops: tuple[Path, ...]) -> tuple[list[str], list[str]]:
    """(the visible files, the hidden names) below ``tops``: a hidden name (dot first) is listed, never entered."""
    files: list[str] = []
    hidden: list[str] = []
    pending = [str(top) for top in tops]
    while pending:
        directory = pending.pop()
        try:
            entries = list(os.scandir(directory))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if entry.name.startswith("."):
                hidden.append(entry.path)
            elif entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
            else:
                files.append(entry.path)
    return files, hidden


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return None


def _snapshot(the_rig: Rig) -> dict[str, bytes]:
    """Every visible live file of the slave's DHCP and TFTP sets, with its bytes."""
    files, _ = _listing(_tops(the_rig))
    found = {path: _read(path) for path in files}
    return {path: data for path, data in found.items() if data is not None}


def _digest(data: bytes | None) -> str:
    return "absent" if data is None else hashlib.sha256(data).hexdigest()


@dataclass
class Watcher:
    """Reads every visible live file every ``interval`` seconds in a thread of its own and records every content it
    saw per path (absence as "absent"), the hidden names it saw, and the slave dhcpd's pid file, with the times."""

    tops: tuple[Path, ...]
    expected: set[str]  # paths whose absence counts as a content of its own (the old generation's)
    pid_file: Path
    interval: float = 0.005
    seen: dict[str, dict[str, float]] = field(default_factory=dict)  # path -> digest -> first seen
    contents: dict[str, bytes] = field(default_factory=dict)  # digest -> bytes
    hidden: dict[str, float] = field(default_factory=dict)
    pids: dict[int, float] = field(default_factory=dict)  # pid -> first seen in the pid file
    polls: int = 0
    longest_gap: float = 0.0
    errors: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> Watcher:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        wait_until(lambda: self.polls > 0, 10.0, "the watcher's first poll")
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join(10)

    def _run(self) -> None:
        last = time.monotonic()
        while not self._stop.is_set():
            try:
                self.poll()
            except Exception as exc:  # reported by check(): the thread must not die silently
                self.errors.append(repr(exc))
            now = time.monotonic()
            self.longest_gap = max(self.longest_gap, now - last)
            last = now
            time.sleep(self.interval)

    def poll(self) -> None:
        now = time.monotonic()
        files, hidden = _listing(self.tops)
        for name in hidden:
            self.hidden.setdefault(name, now)
        found = {path: _read(path) for path in files}
        for path in self.expected - set(found):
            if not os.path.lexists(path):  # a directory listing during renames may skip a name: ask again
                found[path] = None
            else:
                found[path] = _read(path)
        for path, data in found.items():
            digest = _digest(data)
            if data is not None:
                self.contents.setdefault(digest, data)
            self.seen.setdefault(path, {}).setdefault(digest, now)
        with contextlib.suppress(OSError, ValueError):
            self.pids.setdefault(int(self.pid_file.read_text().strip()), now)
        self.polls += 1

    def first_seen(self, path: Path, data: bytes | None) -> float:
        """When the watcher first saw ``path`` with ``data``."""
        return self.seen[str(path)][_digest(data)]

    def summary(self) -> str:
        """How closely it watched (polls, the longest gap) and the hidden names it saw, for the test's output."""
        hidden = "\n".join(sorted(self.hidden))
        return f"watcher: {self.polls} polls, longest gap {self.longest_gap * 1000:.0f} ms, hidden seen:\n{hidden}"

    def check(self, old: dict[str, bytes], new: dict[str, bytes]) -> None:
        """Every content seen for a path is its old or its new content (both whole generations); only the daemon's
        own ``.provha-`` work names were hidden ones it saw."""
        assert not self.errors, self.errors[:5]
        wrong = []
        for path, digests in sorted(self.seen.items()):
            allowed = {_digest(old.get(path)), _digest(new.get(path))}
            for digest in digests:
                if digest not in allowed:
                    data = self.contents.get(digest)
                    shown = "absent" if data is None else f"{len(data)} bytes: {data[:200]!r}…"
                    wrong.append(f"{path}: neither its old nor its new content ({shown})")
        assert not wrong, "\n".join(wrong[:20])
        assert all(Path(name).name.startswith(".provha-") for name in self.hidden), sorted(self.hidden)


def _work_left(the_rig: Rig) -> list[str]:
    """Temp files and staging directories left in the live directories."""
    _, hidden = _listing(_tops(the_rig))
    return [name for name in hidden if Path(name).name.startswith((".provha-tmp.", ".provha-staging"))]


def _pending(the_rig: Rig) -> bool:
    return (the_rig.setup.dhcp_dir / ".provha-restart-pending").exists()


def _has_host(the_rig: Rig, hostname: str) -> bool:
    return f"host {hostname} " in (the_rig.setup.dhcp_dir / "modems-host.conf").read_text()


def _ready_rig(the_rig: Rig, dhcpd: str = "dhcpd", restart: Path | None = None) -> tuple[int, dict[str, bytes], int]:
    """The daemon started with ``configure_daemon(dhcpd, restart)`` and settled: (its log offset, the live files,
    the slave dhcpd's pid); the live set passes dhcpd -t."""
    _stop_daemon(the_rig)
    the_rig.configure_daemon(dhcpd=dhcpd, restart=restart)
    offset, _ = _start_daemon(the_rig)
    _wait_started(the_rig, offset)
    assert not _pending(the_rig) and not _work_left(the_rig)
    _dhcpd_t(the_rig)
    return offset, _snapshot(the_rig), the_rig.slave_dhcpd_pid()


def _normal_again(the_rig: Rig, *wrappers: Path) -> None:
    """Whatever a test left: its daemon stopped, its wrappers' processes gone, the normal config back."""
    _stop_daemon(the_rig)
    for marker in wrappers:
        with contextlib.suppress(OSError, ValueError):
            _kill_wrapper(the_rig, int(marker.read_text()))
    the_rig.configure_daemon()


# -- scenario 6: SIGKILL while a generation is applied -------------------------------------------------------------


@pytest.mark.scenario("6")
def test_sigkill_during_dhcpd_t_leaves_the_old_set_and_the_next_start_applies_the_new_one(the_rig: Rig) -> None:
    """SIGKILL of the daemon (and of its dhcpd -t) while dhcpd -t checks a new modem's set leaves the old set live,
    whole and accepted by dhcpd -t, and dhcpd untouched; the daemon started again (normal config) swaps the new
    set in and restarts dhcpd on it, the modem boots; no reader ever saw a file other than its old or new whole
    content, and no temp file or staging directory stays."""
    slow, marker = _marker_script(the_rig, "slow-dhcpd-t", "dhcpd")
    try:
        offset, old, old_pid = _ready_rig(the_rig, dhcpd=str(slow))
        daemon = the_rig.processes["provha-daemon"]
        marker.unlink(missing_ok=True)  # only the validation of the new modem's set counts
        mac, host_file = "00:11:22:33:44:30", the_rig.setup.dhcp_dir / "modems-host.conf"
        with Watcher(_tops(the_rig), set(old), the_rig.root / "slave.pid") as watcher:
            written = time.monotonic()
            hostname = the_rig.insert_modem(100030, mac)
            validator = _wait_marker(marker)
            the_rig.record("insert on node 1 -> dhcpd -t of the new set begun", time.monotonic() - written)
            time.sleep(1.0)  # well inside the validation (it sleeps SLOW s before dhcpd runs)
            assert daemon.popen.poll() is None
            _kill_daemon(the_rig)
            assert _kill_wrapper(the_rig, validator)  # and its dhcpd -t, as systemd's control-group kill would
            assert daemon.popen.wait(10) == -signal.SIGKILL
            killed = time.monotonic()

            assert not _has_host(the_rig, hostname), "a set dhcpd -t never finished checking went live"
            assert not _pending(the_rig)
            assert not the_rig.events("dhcp.swapped", offset)
            assert the_rig.slave_dhcpd_pid() == old_pid  # dhcpd was not touched
            assert not _slave_knows(the_rig, hostname, mac)
            _dhcpd_t(the_rig)

            the_rig.configure_daemon()  # started again as the service normally runs
            offset, started = _start_daemon(the_rig)
            wait_until(lambda: _has_host(the_rig, hostname), 60.0, "the new set live")
            the_rig.record(
                "SIGKILL during dhcpd -t, daemon started again -> the new set live", time.monotonic() - started
            )
            new_pid = _new_dhcpd(the_rig, old_pid)
            the_rig.record(
                "SIGKILL during dhcpd -t, daemon started again -> the slave's dhcpd runs it", time.monotonic() - started
            )
            _wait_started(the_rig, offset)
            # the watcher reads every live file per poll: let it see the new pid before it stops
            wait_until(lambda: new_pid in watcher.pids, 10.0, "the watcher seeing the new dhcpd")
        new = _snapshot(the_rig)

        watcher.check(old, new)
        assert len(watcher.seen[str(host_file)]) == 2, "the watcher saw the host file change"
        assert watcher.pids[new_pid] > watcher.first_seen(host_file, new[str(host_file)]), "restarted after the swap"
        assert str(the_rig.setup.tftp_dir / "cm" / f"{hostname}.cfg") in new
        _dhcpd_t(the_rig)
        assert not _pending(the_rig) and not _work_left(the_rig)
        done = the_rig.events("rebuild.done", offset)
        assert done and done[0]["restarted"] is True and "modems-host.conf" in list(done[0]["changed"]), done  # type: ignore[call-overload]
        assert not the_rig.events("dhcp.restart_failed", offset)
        assert _slave_knows(the_rig, hostname, mac), "the slave's dhcpd loaded the new set"
        server = _boots(the_rig, mac, hostname)
        the_rig.record(f"after the SIGKILL: the new modem has its lease (from {server})", time.monotonic() - killed)
        print(watcher.summary())
    finally:
        _normal_again(the_rig, marker)


@pytest.mark.scenario("6")
def test_sigkill_during_the_dhcpd_restart_leaves_the_new_set_and_the_next_start_restarts_dhcpd(the_rig: Rig) -> None:
    """SIGKILL of the daemon (and of its restart command) after the new set was swapped in but before dhcpd was
    restarted leaves the new set live, whole, accepted by dhcpd -t and marked restart-pending; the daemon started
    again (normal config) checks it and restarts dhcpd (dhcp.pending_restart_done), the modem boots; no reader ever
    saw a file other than its old or new whole content, and no temp file stays."""
    slow, marker = _marker_script(the_rig, "slow-restart", str(the_rig.restart_script()))
    try:
        offset, old, old_pid = _ready_rig(the_rig, restart=slow)
        daemon = the_rig.processes["provha-daemon"]
        marker.unlink(missing_ok=True)
        mac, host_file = "00:11:22:33:44:31", the_rig.setup.dhcp_dir / "modems-host.conf"
        with Watcher(_tops(the_rig), set(old), the_rig.root / "slave.pid") as watcher:
            written = time.monotonic()
            hostname = the_rig.insert_modem(100031, mac)
            restart = _wait_marker(marker)
            the_rig.record("insert on node 1 -> the dhcpd restart begun", time.monotonic() - written)
            time.sleep(1.0)
            assert daemon.popen.poll() is None
            _kill_daemon(the_rig)
            assert _kill_wrapper(the_rig, restart)  # the restart command dies with it: this run never restarts dhcpd
            assert daemon.popen.wait(10) == -signal.SIGKILL
            killed = time.monotonic()

            assert _has_host(the_rig, hostname), "the swap came before the restart"
            assert the_rig.events("dhcp.swapped", offset)
            assert _pending(the_rig), "a swap without its restart is marked"
            assert the_rig.slave_dhcpd_pid() == old_pid  # still the old dhcpd, on the old set
            assert not _slave_knows(the_rig, hostname, mac)
            _dhcpd_t(the_rig)

            the_rig.configure_daemon()
            offset, started = _start_daemon(the_rig)
            new_pid = _new_dhcpd(the_rig, old_pid)
            the_rig.record(
                "SIGKILL during the dhcpd restart, daemon started again -> the slave's dhcpd runs the new set",
                time.monotonic() - started,
            )
            _wait_started(the_rig, offset)
            # the watcher reads every live file per poll: let it see the new pid before it stops
            wait_until(lambda: new_pid in watcher.pids, 10.0, "the watcher seeing the new dhcpd")
        new = _snapshot(the_rig)

        watcher.check(old, new)
        assert len(watcher.seen[str(host_file)]) == 2
        assert watcher.pids[new_pid] > watcher.first_seen(host_file, new[str(host_file)])
        _dhcpd_t(the_rig)
        assert not _pending(the_rig) and not _work_left(the_rig)
        assert the_rig.events("dhcp.pending_restart_done", offset), the_rig.processes["provha-daemon"].text()[offset:]
        assert not the_rig.events("dhcp.swapped", offset)  # the set was already live: only the restart was due
        assert _slave_knows(the_rig, hostname, mac), "the slave's dhcpd loaded the new set"
        server = _boots(the_rig, mac, hostname)
        the_rig.record(f"after the SIGKILL: the new modem has its lease (from {server})", time.monotonic() - killed)
        print(watcher.summary())
    finally:
        _normal_again(the_rig, marker)


# -- scenario 7: SIGTERM -------------------------------------------------------------------------------------------


def _stop_bound(the_rig: Rig) -> float:
    """The daemon's own stop bound (``service.shutdown_timeout`` of its config), checked to be below the unit's
    ``TimeoutStopSec`` (after which systemd would SIGKILL it)."""
    bound = load_config(the_rig.setup.config).service.shutdown_timeout
    unit = re.search(r"(?m)^TimeoutStopSec=(\d+)$", UNIT.read_text())
    assert unit is not None, UNIT
    assert bound < float(unit.group(1)), (bound, unit.group(0))
    return bound


def _exit_lag(the_rig: Rig) -> float:
    """How long the exit may follow STOPPING=1: asyncio.run joins the upkeep's thread in flight, a zone sync query
    (at most ``dns.sync_timeout``) or an OMAPI read of the same 2 s."""
    return load_config(the_rig.setup.config).dns.sync_timeout


def _sigterm(the_rig: Rig, *also: int) -> tuple[int, float, float]:
    """SIGTERM to the daemon's main process (``kill $MAINPID``) and to the process groups ``also``; (its exit code,
    seconds to STOPPING=1, seconds to its exit)."""
    assert the_rig.notify is not None
    daemon = the_rig.processes["provha-daemon"]
    seen = len(the_rig.notify.lines())
    sent = time.monotonic()
    daemon.popen.send_signal(signal.SIGTERM)
    for wrapper in also:
        assert _kill_wrapper(the_rig, wrapper, signal.SIGTERM)
    code = daemon.popen.wait(120)
    exited = time.monotonic()
    stopping = [t for t, line in the_rig.notify.lines()[seen:] if line == "STOPPING=1"]
    assert stopping, the_rig.notify.lines()[seen:]
    return code, stopping[0] - sent, exited - sent


@pytest.mark.scenario("7")
def test_sigterm_sends_stopping_and_exits_0_within_the_stop_bound_with_the_files_whole(the_rig: Rig) -> None:
    """SIGTERM to the running service: STOPPING=1 on the notify socket, exit 0 well within service.shutdown_timeout
    (itself below the unit's TimeoutStopSec), the state file removed, the live files unchanged and accepted by
    dhcpd -t, the slave's dhcpd untouched."""
    try:
        offset, before, pid = _ready_rig(the_rig)
        state = the_rig.root / "state.json"
        wait_until(state.exists, 30.0, "the state file")
        bound = _stop_bound(the_rig)
        code, stopping, exited = _sigterm(the_rig)
        the_rig.record("SIGTERM -> STOPPING=1", stopping)
        the_rig.record(f"SIGTERM -> exit {code} (bound: shutdown_timeout {bound:.0f} s)", exited)
        assert code == 0
        assert stopping < 1.0
        assert exited < bound
        assert the_rig.events("service.stopped", offset)
        assert not state.exists()
        assert _snapshot(the_rig) == before
        _dhcpd_t(the_rig)
        assert the_rig.slave_dhcpd_pid() == pid
        assert not _pending(the_rig) and not _work_left(the_rig)
    finally:
        _normal_again(the_rig)


@pytest.mark.scenario("7")
def test_sigterm_during_a_slow_dhcpd_restart_lets_it_finish_then_exits_0(the_rig: Rig) -> None:
    """SIGTERM while the daemon restarts dhcpd on a new modem's set (the restart takes 5 s): the rebuild in flight
    finishes first, as the README promises (dhcpd restarted on the new set, nothing pending, rebuild.done before
    service.stopped), then STOPPING=1 and exit 0 within service.shutdown_timeout; the live set is whole and accepted
    by dhcpd -t."""
    slow, marker = _marker_script(the_rig, "slow-restart-term", str(the_rig.restart_script()))
    try:
        offset, _, old_pid = _ready_rig(the_rig, restart=slow)
        marker.unlink(missing_ok=True)
        bound = _stop_bound(the_rig)
        hostname = the_rig.insert_modem(100032, "00:11:22:33:44:32")
        _wait_marker(marker)
        time.sleep(1.0)
        code, stopping, exited = _sigterm(the_rig)
        the_rig.record(f"SIGTERM during a {SLOW:.0f} s dhcpd restart -> STOPPING=1", stopping)
        the_rig.record(f"SIGTERM during a {SLOW:.0f} s dhcpd restart -> exit {code}", exited)
        assert code == 0
        assert exited < bound
        assert stopping > SLOW - 1.5, "STOPPING=1 only after the restart in flight finished"
        text = the_rig.processes["provha-daemon"].text()[offset:]
        assert '"service.iteration_abandoned"' not in text
        done = [e for e in the_rig.events("rebuild.done", offset) if e["restarted"]]
        assert done and done[-1]["result"] in ("ok", "skipped_rows"), text[-3000:]
        assert text.index('"service.stopped"') > text.rindex('"rebuild.done"')
        assert _has_host(the_rig, hostname)
        assert not _pending(the_rig) and not _work_left(the_rig)
        assert _new_dhcpd(the_rig, old_pid, timeout=5.0) != old_pid
        _dhcpd_t(the_rig)
    finally:
        _normal_again(the_rig, marker)


@pytest.mark.scenario("7")
def test_sigterm_during_a_restart_longer_than_shutdown_timeout_exits_0_in_time_and_the_next_start_finishes(
    the_rig: Rig,
) -> None:
    """SIGTERM while a dhcpd restart runs longer than service.shutdown_timeout (2 s here, the restart 8 s): the
    daemon abandons the iteration (service.iteration_abandoned), sends STOPPING=1 after shutdown_timeout and exits 0
    at most one zone-sync query later; the live set is the new one, whole, accepted by dhcpd -t and still marked
    restart-pending; the next start restarts dhcpd on it."""
    slow, marker = _marker_script(the_rig, "slower-restart", str(the_rig.restart_script()), seconds=8.0)
    try:
        _stop_daemon(the_rig)
        the_rig.configure_daemon(restart=slow)
        with the_rig.setup.config.open("a") as config:
            config.write("shutdown_timeout = 2.0\n")  # the [service] section is the file's last
        offset, _ = _start_daemon(the_rig)
        _wait_started(the_rig, offset)
        old_pid = the_rig.slave_dhcpd_pid()
        marker.unlink(missing_ok=True)
        bound = _stop_bound(the_rig)
        assert bound == 2.0
        hostname = the_rig.insert_modem(100033, "00:11:22:33:44:33")
        restart = _wait_marker(marker)
        code, stopping, exited = _sigterm(the_rig)
        the_rig.record("SIGTERM during an 8 s dhcpd restart, shutdown_timeout 2 s -> STOPPING=1", stopping)
        the_rig.record(f"SIGTERM during an 8 s dhcpd restart, shutdown_timeout 2 s -> exit {code}", exited)
        assert code == 0
        assert stopping < bound + 0.5, f"STOPPING=1 {stopping:.1f} s after SIGTERM, shutdown_timeout {bound} s"
        assert exited < bound + _exit_lag(the_rig) + 1.0, f"exit {exited:.1f} s after SIGTERM"
        assert the_rig.events("service.iteration_abandoned", offset)
        left_running = _alive(restart)
        _kill_wrapper(the_rig, restart)  # what still runs of the unit when its main process is gone, systemd kills
        assert _has_host(the_rig, hostname)
        assert _pending(the_rig), "the restart never finished: it is still due"
        assert the_rig.slave_dhcpd_pid() == old_pid
        _dhcpd_t(the_rig)

        the_rig.configure_daemon()
        offset, started = _start_daemon(the_rig)
        _new_dhcpd(the_rig, old_pid)
        the_rig.record("the next start -> the slave's dhcpd runs the new set", time.monotonic() - started)
        _wait_started(the_rig, offset)
        assert the_rig.events("dhcp.pending_restart_done", offset)
        assert not _pending(the_rig) and not _work_left(the_rig)
        _dhcpd_t(the_rig)
        print(f"the abandoned restart command was {'still' if left_running else 'no longer'} running at the exit")
    finally:
        _normal_again(the_rig, marker)


@pytest.mark.scenario("7")
def test_sigterm_to_the_daemon_and_its_restart_command_at_once_exits_0_with_dhcpd_on_the_live_set(
    the_rig: Rig,
) -> None:
    """SIGTERM to the daemon and, at the same moment, to its restart command in flight (what systemctl stop would
    do with KillMode=control-group; the unit says KillMode=mixed so that the restart finishes): exit 0 within
    service.shutdown_timeout, STOPPING=1, and whatever generation is live then is whole, accepted by dhcpd -t, not
    left pending, and the one the slave's dhcpd runs (it has the new modem exactly when the live files do); the next
    start brings the new set."""
    slow, marker = _marker_script(the_rig, "slow-restart-cgroup", str(the_rig.restart_script()))
    try:
        offset, _, old_pid = _ready_rig(the_rig, restart=slow)
        marker.unlink(missing_ok=True)
        bound = _stop_bound(the_rig)
        mac = "00:11:22:33:44:34"
        hostname = the_rig.insert_modem(100034, mac)
        restart = _wait_marker(marker)
        time.sleep(1.0)
        code, stopping, exited = _sigterm(the_rig, restart)
        text = the_rig.processes["provha-daemon"].text()[offset:]
        rolled_back = bool(the_rig.events("dhcp.rolled_back", offset))
        the_rig.record(
            f"SIGTERM to the daemon and its restart command during a {SLOW:.0f} s dhcpd restart -> exit {code}"
            + (" (the new set rolled back)" if rolled_back else ""),
            exited,
        )
        assert code == 0, text[-3000:]
        assert stopping < bound and exited < bound
        with contextlib.suppress(OSError, ValueError):
            _kill_wrapper(the_rig, int(marker.read_text()))  # a restart begun after the signal: systemd kills it too
        assert not _work_left(the_rig)
        _dhcpd_t(the_rig)
        pending = _pending(the_rig)
        if not pending:  # else the next start must restart dhcpd (checked below)
            wait_until(lambda: _slave_knows(the_rig, "cm-100001", "00:11:22:33:44:01"), 30.0, "the slave's dhcpd")
            assert _slave_knows(the_rig, hostname, mac) == _has_host(the_rig, hostname), "dhcpd runs the live set"
        print(
            f"daemon and restart command stopped: {'rolled back' if rolled_back else 'no rollback'}, new modem live: "
            f"{_has_host(the_rig, hostname)}, restart pending: {pending}, dhcpd pid {old_pid} -> "
            f"{the_rig.slave_dhcpd_pid()}"
        )

        the_rig.configure_daemon()
        offset, _ = _start_daemon(the_rig)
        _wait_started(the_rig, offset)
        assert _has_host(the_rig, hostname)
        assert not pending or the_rig.events("dhcp.pending_restart_done", offset)
        wait_until(lambda: _slave_knows(the_rig, hostname, mac), 30.0, "the slave's dhcpd on the new set")
        assert not _pending(the_rig) and not _work_left(the_rig)
        _dhcpd_t(the_rig)
    finally:
        _normal_again(the_rig, marker)
