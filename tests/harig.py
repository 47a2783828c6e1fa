"""The HA rig: a master and a slave dhcpd failover pair, a CMTS relay and a modem, each in a network namespace the
rig makes and always deletes, with the slave's files from provha-daemon and the master's from its master role.

Topology (addresses exist only inside the namespaces): the master (v0 10.0.0.1/24) and the slave (v0 10.0.0.2/24)
on a bridge in the CMTS namespace (srv 10.0.0.10/24); the CMTS relays (dhcrelay -id cab0 -iu srv) from its cable
side (cab0 10.10.0.1/24 and 10.20.0.1/24, the CM and MTA pools' routers) and forwards; the modem namespace's m0,
the other end of cab0, carries the modem's MAC.

The master and the slave route the cable networks through the CMTS; the modem gets its address, then routes to the
servers through 10.10.0.1 as a real modem does.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests import hareport
from tests.dbserver import PlantDB, PlantFactory, free_port
from tests.galera import GaleraCluster
from tests.helpers import OMAPI_SECRET, Setup, write_config
from tests.named import named_conf
from tests.service import NotifySocket

MASTER, SLAVE, CMTS = "10.0.0.1", "10.0.0.2", "10.0.0.10"
CM_ROUTER = "10.10.0.1"
INSERT_MODEM = (  # as NMS Prime's GUI stores a new modem: every NOT NULL column set, timestamps now
    "INSERT INTO modem (id, created_at, updated_at, deleted_at, name, hostname, contract_id, mac, public, "
    "internet_access, configfile_id, qos_id, next_passive_id, address_to_invoice) VALUES "
)


def modem_row(modem_id: int, mac: str) -> str:
    """The VALUES row of ``INSERT_MODEM`` for a modem of contract 500001 with configfile 3."""
    return f"({modem_id}, NOW(), NOW(), NULL, 'Neukunde', 'cm-{modem_id}', 500001, '{mac}', 0, 1, 3, 1, 0, 0)"


# The failover timers the rig shortens (NMS Prime's values: max-response-delay 60, mclt 1800) so that a lone peer's
# waits (startup, partner-down's mclt) fit a test run; both peers' files are rendered with them.
RIG_TIMERS = {"max_response_delay": 10, "mclt": 20}
DHCLIENT_CONF = """send vendor-class-identifier "docsis3.0";
option vivso code 125 = string;
request subnet-mask, routers, time-servers, time-offset, domain-name-servers, log-servers, vivso;
"""


def ip(*args: str) -> None:
    """``ip`` with these arguments; raises on failure."""
    subprocess.run(["ip", *args], check=True, capture_output=True)


@dataclass
class Process:
    """A daemon started with setsid inside a namespace, its output in a log file."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()


@dataclass
class Rig:
    """The namespaces, the files, the running daemons; see the module docstring.

    ``db`` is the plant as the slave's daemon reads it (Galera node 2, SELECT-only); ``writer`` the same plant on
    node 1, where the tests write as NMS Prime's GUI does; ``master_config`` the master's view for its master role.
    """

    root: Path
    db: PlantDB
    writer: PlantDB
    cluster: GaleraCluster | None
    setup: Setup
    master_config: Path
    prefix: str
    omapi: tuple[int, str] = (7911, "")  # the slave dhcpd's OMAPI port and secret
    processes: dict[str, Process] = field(default_factory=dict)
    answered: dict[str, set[str]] = field(default_factory=dict)  # MAC -> the servers that gave it a lease
    notify: NotifySocket | None = None

    def record(self, what: str, value: float, unit: str = "s") -> float:
        """Put one measured value (seconds unless ``unit`` says else) into the HA report; returns it."""
        return hareport.record(what, value, unit)

    def write(self, sql: str) -> None:
        """Write on node 1, as NMS Prime's GUI on the master does."""
        self.writer.execute(sql)

    def insert_modem(self, modem_id: int, mac: str) -> str:
        """A new modem as NMS Prime's GUI stores it (every NOT NULL column set, timestamps now), written on node 1;
        its host name."""
        self.write(INSERT_MODEM + modem_row(modem_id, mac))
        return f"cm-{modem_id}"

    def events(self, name: str, after: int = 0) -> list[dict[str, Any]]:
        """The daemon's events called ``name`` logged past offset ``after`` of its log."""
        found = []
        for line in self.processes["provha-daemon"].text()[after:].splitlines():
            with contextlib.suppress(ValueError):  # a line still being written
                event = json.loads(line) if line.startswith("{") else None
                if event is not None and event.get("event") == name:
                    found.append(event)
        return found

    def ns(self, role: str) -> str:
        return f"{self.prefix}-{role}"

    @property
    def master_dir(self) -> Path:
        return self.root / "master-dhcp"

    def start(self, name: str, role: str, argv: list[str]) -> Process:
        """Start ``argv`` in namespace ``role`` as its own session (so stopping it never stops anything else)."""
        log = self.root / f"{name}.log"
        out = log.open("ab")
        popen = subprocess.Popen(
            ["ip", "netns", "exec", self.ns(role), *argv],
            stdout=out,
            stderr=out,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        out.close()
        process = Process(name, popen, log)
        self.processes[name] = process
        return process

    def dhcpd(self, role: str) -> Process:
        """The dhcpd of ``role`` (master or slave) on its own leases file, which the rig never empties."""
        conf = (self.master_dir if role == "master" else self.setup.dhcp_dir) / "dhcpd.conf"
        leases = self.root / f"{role}.leases"
        leases.touch()
        argv = ["dhcpd", "-f", "-d", "-4", "-cf", str(conf), "-lf", str(leases), "-pf", str(self.root / f"{role}.pid")]
        return self.start(f"dhcpd-{role}", role, [*argv, "v0"])

    def wait_log(self, name: str, pattern: str, timeout: float = 60.0, after: int = 0) -> float:
        """Seconds until ``pattern`` appears in the log of ``name`` (past offset ``after``)."""
        started = time.monotonic()
        process = self.processes[name]
        while not re.search(pattern, process.text()[after:]):
            # the slave's dhcpd is restarted by the daemon (its restart command): its first process may be gone
            if process.popen.poll() is not None and name != "dhcpd-slave":
                raise RuntimeError(f"{name} exited:\n{process.text()[-3000:]}")
            if time.monotonic() - started > timeout:
                raise TimeoutError(f"{name}: no {pattern!r} within {timeout} s:\n{process.text()[-3000:]}")
            time.sleep(0.05)
        return time.monotonic() - started

    def lease(self, mac: str, timeout: float = 30.0, renew: bool = False) -> dict[str, str]:
        """The modem with ``mac`` asks for a lease through the CMTS (dhclient with its own script, config and lease
        file: the host is never touched); the variables the script saw, and the modem's interface configured.
        ``renew``: the modem keeps its previous lease and asks for that address again (INIT-REBOOT), as a modem
        that reboots or renews does."""
        modem = self.ns("modem")
        ip("-n", modem, "link", "set", "m0", "down")
        ip("-n", modem, "addr", "flush", "dev", "m0")
        ip("-n", modem, "link", "set", "m0", "address", mac)
        ip("-n", modem, "link", "set", "m0", "up")
        env = self.root / "lease.env"
        env.unlink(missing_ok=True)
        script = self.root / "dhclient-script"
        leases = self.root / f"dhclient-{mac.replace(':', '')}.leases"
        if not renew:
            leases.unlink(missing_ok=True)
        argv = ["dhclient", "-4", "-1", "-v", "-cf", str(self.root / "dhclient.conf"), "-lf", str(leases)]
        argv += ["-pf", str(self.root / "dhclient.pid"), "-sf", str(script), "m0"]
        done = subprocess.run(
            ["ip", "netns", "exec", modem, "timeout", str(timeout), *argv], capture_output=True, text=True, check=False
        )
        pid = self.root / "dhclient.pid"
        if pid.exists():  # -1 forks to the background once bound: end it, without a release
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid.read_text().strip()), signal.SIGKILL)
            pid.unlink()
        if not env.exists():
            raise AssertionError(f"no lease for {mac}:\n{done.stderr[-2000:]}")
        values = dict(line.split("=", 1) for line in env.read_text().splitlines() if "=" in line)
        self.answered.setdefault(mac, set()).add(values["new_dhcp_server_identifier"])
        ip("-n", modem, "addr", "add", f"{values['new_ip_address']}/24", "dev", "m0")
        with contextlib.suppress(subprocess.CalledProcessError):
            ip("-n", modem, "route", "replace", "default", "via", values["new_routers"].split()[0])
        return values

    def restart_script(self) -> Path:
        """The command the daemon restarts the slave's dhcpd with: stop the running one (pid file), wait until it
        is gone, start it again in the slave's namespace on the same leases file."""
        script = self.root / "restart-slave-dhcpd"
        conf, leases, pid = self.setup.dhcp_dir / "dhcpd.conf", self.root / "slave.leases", self.root / "slave.pid"
        log = self.root / "dhcpd-slave.log"
        script.write_text(
            "#!/bin/sh\n"
            f'if [ -f {pid} ]; then old=$(cat {pid}); kill "$old" 2>/dev/null; '
            # gone, or a zombie the rig has not reaped yet (the first dhcpd is the rig's child)
            'while [ -e /proc/"$old" ] && ! grep -q "^State:.*Z" /proc/"$old"/status 2>/dev/null; do sleep 0.05; done; '
            # a zombie still answers kill -0: dhcpd would take it for a running server ("already running")
            f"rm -f {pid}; fi\n"
            f"setsid ip netns exec {self.ns('slave')} dhcpd -f -d -4 -cf {conf} -lf {leases} -pf {pid} v0 "
            f">> {log} 2>&1 < /dev/null &\n"
        )
        script.chmod(0o755)
        return script

    def configure_daemon(self, dhcpd: str = "dhcpd", restart: Path | None = None) -> None:
        """The service's config: the slave's dhcpd restarted in its namespace (``restart``, by default
        ``restart_script``), ``dhcpd`` the program for ``dhcpd -t``; the rest as ``write_config`` made it."""
        config = self.setup.config
        text = config.read_text().split("\n[service]\n")[0]
        script = restart or self.restart_script()
        text = re.sub(r"restart_command = \[[^]]*\]", f'restart_command = ["{script}"]', text)
        text = re.sub(r"check_command = \[[^]]*\]", 'check_command = ["/bin/true"]', text)
        text = re.sub(r'(?m)^dhcpd = ".*"\n', "", text).replace("[dhcp]\n", f'[dhcp]\ndhcpd = "{dhcpd}"\n', 1)
        # in the slave's namespace the daemon reaches its node 2 through the socket (not its root-namespace port)
        text = re.sub(r'(?m)^unix_socket = ".*"\n', "", text)
        text = text.replace("[database]\n", f'[database]\nunix_socket = "{self.db.socket}"\n', 1)
        config.write_text(
            text + f'\n[service]\nstate_file = "{self.root / "state.json"}"\nmin_restart_interval = 0.0\n'
        )

    def restart_slave_dhcpd(self) -> None:
        """Restart the slave's dhcpd the way the daemon does (``restart_script``)."""
        subprocess.run([str(self.restart_script())], check=True, timeout=30)

    def slave_dhcpd_pid(self) -> int:
        """The pid of the slave's running dhcpd (its pid file; a restart just begun writes a new one)."""
        pid = self.root / "slave.pid"
        deadline = time.monotonic() + 30
        while not (pid.exists() and pid.read_text().strip()):
            if time.monotonic() > deadline:
                raise TimeoutError("the slave's dhcpd wrote no pid file")
            time.sleep(0.05)
        return int(pid.read_text().strip())

    def omshell(self, *commands: str) -> str:
        """Type ``commands`` into omshell on the slave (its OMAPI, its key), as the README tells the operator."""
        port, secret = self.omapi
        script = "\n".join(["server 127.0.0.1", f"port {port}", f"key slave_omapi_key {secret}", "connect", *commands])
        done = subprocess.run(
            ["ip", "netns", "exec", self.ns("slave"), "omshell"], input=script + "\n", capture_output=True, text=True
        )
        return done.stdout + done.stderr

    def daemon(self, watchdog_usec: int = 300_000_000) -> Process:
        """provha-daemon as the service, a real process in the slave's namespace as on a slave (its node 2 through
        the socket, dhcpd's OMAPI and named on 127.0.0.1, the master at 10.0.0.1), under a real NOTIFY_SOCKET and
        watchdog, restarting the slave's dhcpd through ``restart_script``."""
        if "\n[service]\n" not in self.setup.config.read_text():
            self.configure_daemon()
        if self.notify is None:
            self.notify = NotifySocket(self.root / "notify.sock")
        env = {k: v for k, v in os.environ.items() if k not in ("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID")}
        env |= {"NOTIFY_SOCKET": str(self.notify.path), "WATCHDOG_USEC": str(watchdog_usec)}
        log = self.root / "provha-daemon.log"
        out = log.open("ab")
        program = [sys.executable, "-m", "provha_daemon", "--config", str(self.setup.config)]
        popen = subprocess.Popen(  # ip netns exec execs the daemon: the same pid, signals reach it
            ["ip", "netns", "exec", self.ns("slave"), *program],
            stdout=out,
            stderr=out,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=env,
        )
        out.close()
        process = Process("provha-daemon", popen, log)
        self.processes["provha-daemon"] = process
        return process

    def render_master(self) -> None:
        """What NMS Prime's master does after a change: its files anew (here: our master role), dhcpd restarted;
        returns once the pair is normal again."""
        _render_master(self.master_config, self.master_dir)
        self.processes["dhcpd-master"].stop()
        offset = len(self.processes["dhcpd-master"].text())
        self.dhcpd("master")
        self.wait_log("dhcpd-master", r"Both servers normal", after=offset)

    def in_modem(self, *argv: str, timeout: float = 30.0) -> subprocess.CompletedProcess[bytes]:
        """Run ``argv`` in the modem's namespace."""
        return subprocess.run(
            ["ip", "netns", "exec", self.ns("modem"), *argv], capture_output=True, timeout=timeout, check=False
        )

    def close(self) -> None:
        for process in reversed(list(self.processes.values())):
            process.stop()
        if self.notify is not None:
            self.notify.close()
        # the dhcpd the daemon's restart command started (not one of ours): every process reading the rig's files
        subprocess.run(["pkill", "-KILL", "-f", "--", f"-cf {self.root}/"], check=False)
        for role in ("master", "slave", "cmts", "modem"):
            subprocess.run(["ip", "netns", "del", self.ns(role)], check=False, capture_output=True)


def _named(the: Rig) -> None:
    """Each node's named in its namespace on port 53 of its address and 127.0.0.1 (where its dhcpd sends its DDNS
    updates): the slave's serving the daemon's generated named-nmsprime.conf, reloaded by the daemon with SIGHUP;
    the master's the copy the daemon renders for it, with zone files of its own. The daemon's zone sync keeps the
    two zones equal."""
    generated = the.setup.dns_dir / "conf"
    zones = the.setup.dns_dir / "dynamic"
    for role, address in (("slave", SLAVE), ("master", MASTER)):
        directory = the.root / f"named-{role}"
        directory.mkdir()
        include = generated / "named-nmsprime.conf"
        if role == "master":
            (directory / "dynamic").mkdir()
            for zone in zones.glob("*.zone"):
                (directory / "dynamic" / zone.name).write_bytes(zone.read_bytes())
            include = directory / "named-nmsprime.conf"
            include.write_text(
                (generated / "master" / "named-nmsprime.conf")
                .read_text()
                .replace(str(zones), str(directory / "dynamic"))
            )
        (directory / "named.conf").write_text(named_conf(directory, 53, (address, "127.0.0.1"), include))
        the.start(f"named-{role}", role, ["named", "-g", "-4", "-c", str(directory / "named.conf")])
        the.wait_log(f"named-{role}", r"running")
    reload = the.root / "reload-named"
    reload.write_text(f'#!/bin/sh\nexec kill -HUP "$(cat {the.root}/named-slave/named.pid)"\n')
    reload.chmod(0o755)
    config = the.setup.config
    config.write_text(re.sub(r"reload_command = \[[^]]*\]", f'reload_command = ["{reload}"]', config.read_text()))


def _render_master(config: Path, out: Path) -> None:
    program = [sys.executable, "-m", "provha_daemon", "--config", str(config)]
    done = subprocess.run([*program, "--render-master", str(out)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def _network(prefix: str) -> None:
    for role in ("master", "slave", "cmts", "modem"):
        ip("netns", "add", f"{prefix}-{role}")
        ip("-n", f"{prefix}-{role}", "link", "set", "lo", "up")
    cmts = f"{prefix}-cmts"
    ip("-n", cmts, "link", "add", "srv", "type", "bridge")
    ip("-n", cmts, "link", "set", "srv", "up")
    ip("-n", cmts, "addr", "add", f"{CMTS}/24", "dev", "srv")
    for role, address in (("master", MASTER), ("slave", SLAVE)):
        ns = f"{prefix}-{role}"
        ip("link", "add", "v0", "netns", ns, "type", "veth", "peer", "name", f"b-{role}", "netns", cmts)
        ip("-n", cmts, "link", "set", f"b-{role}", "master", "srv")
        ip("-n", cmts, "link", "set", f"b-{role}", "up")
        ip("-n", ns, "link", "set", "v0", "up")
        ip("-n", ns, "addr", "add", f"{address}/24", "dev", "v0")
        for network in ("10.10.0.0/16", "10.20.0.0/16"):
            ip("-n", ns, "route", "add", network, "via", CMTS)
    ip("link", "add", "cab0", "netns", cmts, "type", "veth", "peer", "name", "m0", "netns", f"{prefix}-modem")
    ip("-n", cmts, "link", "set", "cab0", "up")
    for router in (f"{CM_ROUTER}/24", "10.20.0.1/24"):
        ip("-n", cmts, "addr", "add", router, "dev", "cab0")
    subprocess.run(["ip", "netns", "exec", cmts, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1"], check=True)


def _time_service(the: Rig) -> None:
    """The slave's chronyd (synchronised to its local clock: the rig decides its state) and provha-time on the
    slave's address, port 37, asking it."""
    chrony = the.root / "chrony"
    (chrony / "run").mkdir(parents=True)
    user = pwd.getpwnam("_chrony")
    for directory in (chrony, chrony / "run"):
        os.chown(directory, user.pw_uid, user.pw_gid)
    chrony.chmod(0o755)
    (chrony / "run").chmod(0o750)
    conf = chrony / "chrony.conf"
    conf.write_text(
        f"port 123\nbindaddress 127.0.0.1\ncmdport 0\nlocal stratum 3\nallow 127.0.0.1\n"
        f"driftfile {chrony}/drift\npidfile {chrony}/chronyd.pid\nbindcmdaddress {chrony}/run/chronyd.sock\n"
    )
    the.start("chronyd", "slave", ["chronyd", "-d", "-x", "-f", str(conf)])
    the.start("provha-time", "slave", [sys.executable, "-m", "provha_daemon.timeserver", "--listen", f"{SLAVE}:37"])
    the.wait_log("provha-time", r"rfc868\.synchronised")


@contextlib.contextmanager
def galera_rig() -> Iterator[Rig]:
    """A 2-node Galera cluster with the seeded plant written on node 1, and the rig on it: the slave's daemon
    reads node 2 (read-only, SELECT-only user), the master's role renders from node 1."""
    base = Path(tempfile.mkdtemp(prefix="provha-ha-galera-"))
    base.chmod(0o755)  # mariadbd runs as mysql and must reach its datadirs
    cluster = GaleraCluster(base)
    try:
        cluster.start()
        factory = PlantFactory(cluster.node1)
        plant = factory("netgw")
        # the CM pool names no DNS server of its own (as often left empty in the GUI): dhcpd's global
        # domain-name-servers, the answering server and then its peer, reach the modems
        plant.execute("UPDATE ippool SET dns1_ip = NULL WHERE id = 1")
        cluster.wait_replicated()
        with rig(cluster.on_node2(plant), plant, cluster) as up:
            yield up
    finally:
        cluster.stop()
        shutil.rmtree(base, ignore_errors=True)


@contextlib.contextmanager
def rig(db: PlantDB, writer: PlantDB | None = None, cluster: GaleraCluster | None = None) -> Iterator[Rig]:
    """The rig up to both dhcpd "normal" and the relay running; torn down (namespaces deleted) on exit."""
    root = Path(tempfile.mkdtemp(prefix="provha-ha-"))
    root.chmod(0o755)  # tftpd and chronyd drop their privileges and must reach the files
    prefix = f"pha{os.getpid() % 100000}"
    port = free_port()
    timers = "".join(f"{key} = {value}\n" for key, value in RIG_TIMERS.items())
    setup = write_config(root / "cfg", db, extra_dhcp=f"omapi_port = {port}\n{timers}")
    master_config = write_config(root / "cfg-master", writer or db, extra_dhcp=timers).config
    the = Rig(root, db, writer or db, cluster, setup, master_config, prefix, (port, OMAPI_SECRET))
    try:
        _network(prefix)
        (root / "dhclient.conf").write_text(DHCLIENT_CONF)
        script = root / "dhclient-script"
        script.write_text(
            f"#!/bin/sh\nenv | grep -E '^(reason|new_)' | sort > {root}/lease.env.tmp\n"
            # BOUND: a new lease; REBOOT: the modem's previous address confirmed (INIT-REBOOT)
            f'case "$reason" in BOUND|REBOOT) mv {root}/lease.env.tmp {root}/lease.env;; esac\nexit 0\n'
        )
        script.chmod(0o755)
        program = [sys.executable, "-m", "provha_daemon", "--config", str(setup.config)]
        slave = subprocess.run([*program, "--once"], capture_output=True, text=True, check=False)
        assert slave.returncode in (0, 4), slave.stdout[-3000:] + slave.stderr[-3000:]  # 4: the plant's bad rows
        _render_master(master_config, the.master_dir)
        started = time.monotonic()
        the.dhcpd("master")
        the.dhcpd("slave")
        for role in ("master", "slave"):
            the.wait_log(f"dhcpd-{role}", r"Both servers normal")
        the.record("failover to normal (cold pair)", time.monotonic() - started)
        the.start("dhcrelay", "cmts", ["dhcrelay", "-4", "-d", "-id", "cab0", "-iu", "srv", MASTER, SLAVE])
        the.wait_log("dhcrelay", r"Sending on|Listening on")
        for role, address in (("master", MASTER), ("slave", SLAVE)):
            # both serve the configs the slave built (NMS Prime's master builds the same from the same database)
            tftpd = ["in.tftpd", "--foreground", "--listen", "--address", f"{address}:69", "--secure", "-u", "tftp"]
            the.start(f"tftpd-{role}", role, [*tftpd, str(setup.tftp_dir)])
        _time_service(the)
        _named(the)
        yield the
    finally:
        the.close()
        shutil.rmtree(root, ignore_errors=True)
