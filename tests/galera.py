"""Galera nodes on loopback for the tests, built on ``MariaDBServer`` (see real-components.md for the pitfalls)."""

from __future__ import annotations

import time
from pathlib import Path

from tests.dbserver import MariaDBServer, free_port

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
