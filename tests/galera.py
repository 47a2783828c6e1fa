"""Galera nodes on loopback for the tests, built on ``MariaDBServer`` (see real-components.md for the pitfalls)."""

from __future__ import annotations

import dataclasses
import re
import time
from pathlib import Path

from tests.dbserver import MariaDBError, MariaDBServer, PlantDB, free_port

PROVIDER = Path("/usr/lib/galera/libgalera_smm.so")


def galera_node(basedir: Path, cluster: list[int], gcomm_port: int, bootstrap: bool) -> MariaDBServer:
    """A Galera node listening on its own SQL, gcomm, IST and SST ports of 127.0.0.1.

    ``cluster`` lists every node's gcomm port; ``bootstrap`` starts a new cluster from this node.
    """
    address = "gcomm://" if bootstrap else "gcomm://" + ",".join(f"127.0.0.1:{p}" for p in cluster)
    options = [
        "--binlog_format=ROW",
        "--default_storage_engine=InnoDB",
        "--innodb_autoinc_lock_mode=2",
        "--innodb_buffer_pool_size=64M",
        "--wsrep_on=ON",
        f"--wsrep_provider={PROVIDER}",
        "--wsrep_cluster_name=provha-test",
        f"--wsrep_cluster_address={address}",
        f"--wsrep_node_address=127.0.0.1:{gcomm_port}",
        # IST defaults to the gcomm port + 1, which clashes between nodes on one host.
        f"--wsrep_provider_options=gmcast.listen_addr=tcp://127.0.0.1:{gcomm_port};"
        f"ist.recv_addr=127.0.0.1:{free_port()};gcache.size=32M",
        "--wsrep_sst_method=rsync",
        f"--wsrep_sst_receive_address=127.0.0.1:{free_port()}",
    ]
    # The rsync SST daemon runs as the server's user: as root it would drop to nobody and fail.
    return MariaDBServer(basedir, free_port(), options=options, user="mysql")


def state(node: MariaDBServer) -> str:
    """The node's wsrep_local_state_comment, or '' if it does not answer."""
    try:
        rows = node.execute("SHOW GLOBAL STATUS LIKE 'wsrep_local_state_comment'")
    except Exception:  # any failure to answer means "no state"
        return ""
    return str(rows[0][1]) if rows else ""


def wait_state(node: MariaDBServer, wanted: str, timeout: float = 60.0) -> None:
    """Wait until the node reports ``wanted`` (e.g. Synced); raise with its log tail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while state(node) != wanted:
        if time.monotonic() > deadline:
            raise TimeoutError(f"galera node did not reach {wanted} in {timeout} s: {node.error_log}")
        time.sleep(0.1)


def status(node: MariaDBServer, name: str) -> str:
    """One ``SHOW GLOBAL STATUS`` value of the node (as root over its socket), or '' if it does not answer."""
    try:
        rows = node.execute(f"SHOW GLOBAL STATUS LIKE '{name}'")
    except Exception:  # any failure to answer means "no value"
        return ""
    return str(rows[0][1]) if rows else ""


def wait_status(node: MariaDBServer, name: str, wanted: str, timeout: float = 60.0) -> None:
    """Wait until status ``name`` of the node equals ``wanted``; raise after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while (value := status(node, name)) != wanted:
        if time.monotonic() > deadline:
            raise TimeoutError(f"galera node: {name} is {value!r}, not {wanted!r} after {timeout} s: {node.error_log}")
        time.sleep(0.1)


class GaleraCluster:
    """Two Galera nodes on 127.0.0.1: node 1 bootstraps (the master's side), node 2 joins by rsync SST, read-only."""

    def __init__(self, basedir: Path, timeout: float = 60.0) -> None:
        """Lay out both nodes under ``basedir`` (which user mysql must be able to reach); nothing starts yet."""
        self.basedir = Path(basedir)
        self.timeout = timeout
        self.gcomm_ports = [free_port(), free_port()]
        self.node1 = galera_node(self.basedir / "node1", self.gcomm_ports, self.gcomm_ports[0], bootstrap=True)
        self.node2 = galera_node(self.basedir / "node2", self.gcomm_ports, self.gcomm_ports[1], bootstrap=False)
        for number, node in ((1, self.node1), (2, self.node2)):
            node.options = (*node.options, f"--wsrep_node_name=node{number}")

    def __repr__(self) -> str:
        """Show both nodes."""
        return f"GaleraCluster(node1={self.node1!r}, node2={self.node2!r})"

    @property
    def degraded(self) -> bool:
        """Whether node 1 is down (killed and not yet recovered)."""
        return not self.node1.running

    def start(self) -> None:
        """Bootstrap node 1, join node 2 (full SST), wait until both are Synced, then make node 2 read-only."""
        try:
            self.node1.start()
            wait_state(self.node1, "Synced", self.timeout)
            self.node2.start()
            wait_state(self.node2, "Synced", self.timeout)
            self.node2.execute("SET GLOBAL read_only = ON")
        except BaseException:
            self.stop()
            raise

    def kill_node1(self) -> None:
        """SIGKILL node 1 (no clean leave): node 2 loses quorum a few seconds later."""
        self.node1.kill()

    def wait_non_primary(self) -> None:
        """Wait until node 2 has noticed node 1 is gone and reports a non-Primary component."""
        wait_status(self.node2, "wsrep_cluster_status", "non-Primary", self.timeout)

    def recover(self) -> None:
        """Bootstrap a Primary component on node 2 (pc.bootstrap), rejoin node 1 without bootstrap; both Synced."""
        if not self.degraded:
            return
        self.wait_non_primary()
        self.node2.execute("SET GLOBAL wsrep_provider_options = 'pc.bootstrap=YES'")
        wait_status(self.node2, "wsrep_cluster_status", "Primary", self.timeout)
        wait_state(self.node2, "Synced", self.timeout)
        # Restart node 1 as an ordinary joiner: the same ports, but the cluster's address instead of gcomm://.
        joiner = "--wsrep_cluster_address=gcomm://" + ",".join(f"127.0.0.1:{p}" for p in self.gcomm_ports)
        self.node1.options = tuple(
            joiner if option.startswith("--wsrep_cluster_address=") else option for option in self.node1.options
        )
        self.node1.start()
        wait_state(self.node1, "Synced", self.timeout)
        wait_state(self.node2, "Synced", self.timeout)

    def _with(self, node: MariaDBServer, prefix: str, value: str) -> None:
        node.options = tuple(value if o.startswith(prefix) else o for o in node.options)

    def _joiner(self, node: MariaDBServer) -> None:
        self._with(
            node,
            "--wsrep_cluster_address=",
            "--wsrep_cluster_address=gcomm://" + ",".join(f"127.0.0.1:{p}" for p in self.gcomm_ports),
        )

    def reboot_node2_alone(self, wait_prim_timeout: int = 5) -> str:
        """Node 2's host reboots while node 1 is dead: it stops cleanly and starts again as an ordinary member,
        finds no Primary component and gives up (``pc.wait_prim_timeout`` shortened to ``wait_prim_timeout`` s);
        returns the end of its error log."""
        self.node2.stop()
        self._joiner(self.node2)
        provider = next(o for o in self.node2.options if o.startswith("--wsrep_provider_options="))
        self._with(self.node2, "--wsrep_provider_options=", f"{provider};pc.wait_prim_timeout=PT{wait_prim_timeout}S")
        try:
            self.node2.start()
        except MariaDBError as exc:
            return str(exc)
        finally:
            self._with(self.node2, "--wsrep_provider_options=", provider)
        raise AssertionError("node 2 started alone although node 1 is dead")

    def bootstrap_node2(self) -> None:
        """The operator's way back after a full outage: node 2 (the one that saw the last commit) marked
        ``safe_to_bootstrap`` in its grastate.dat and started as a new cluster (``--wsrep-new-cluster``, what
        ``galera_new_cluster`` does), read-only again; node 1 rejoins it by IST or SST; both Synced."""
        grastate = self.node2.datadir / "grastate.dat"
        grastate.write_text(re.sub(r"safe_to_bootstrap: \d", "safe_to_bootstrap: 1", grastate.read_text()))
        self.node2.options = (*self.node2.options, "--wsrep-new-cluster")
        try:
            self.node2.start()
        finally:
            self.node2.options = tuple(o for o in self.node2.options if o != "--wsrep-new-cluster")
        wait_state(self.node2, "Synced", self.timeout)
        self.node2.execute("SET GLOBAL read_only = ON")
        self._joiner(self.node1)
        self.node1.start()
        wait_state(self.node1, "Synced", self.timeout)

    def wait_replicated(self) -> None:
        """Wait until node 2 has committed every write node 1 has committed (``wsrep_last_committed``)."""
        target = int(status(self.node1, "wsrep_last_committed") or "0")
        deadline = time.monotonic() + self.timeout
        while int(status(self.node2, "wsrep_last_committed") or "-1") < target:
            if time.monotonic() > deadline:
                raise TimeoutError(f"node 2 did not apply up to seqno {target} in {self.timeout} s")
            time.sleep(0.02)

    def on_node2(self, db: PlantDB) -> PlantDB:
        """The same plant database (created on node 1, replicated) as seen on node 2's port and socket."""
        return dataclasses.replace(db, port=self.node2.port, socket=self.node2.socket, server=self.node2)

    def stop(self) -> None:
        """Stop node 2, then node 1 (whichever still runs); the datadirs stay for the caller to remove."""
        self.node2.stop()
        self.node1.stop()
