"""The master's side: committed writes on a root connection, and a background writer as NMS Prime's master does.

On a ProvHA slave every write arrives from the master; here the one server stands for both, and these
connections are "the master": changes committed on them are what the daemon has to notice.
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import random
import time
from collections.abc import Iterator
from typing import Any

import pymysql

from benchmarks.plantgen import BenchPlant

# The background writer's rates, per second: what NMS Prime's master does all day long, without touching
# updated_at of a watched table (modem status refresh, GUI log, global settings).
STATUS_UPDATES_PER_S = 20.0
GUILOG_INSERTS_PER_S = 2.0
GLOBAL_CONFIG_UPDATES_PER_S = 0.2
WRITER_MAX_SECONDS = 3600.0  # a forgotten writer stops by itself
_MACS = itertools.count(1)  # process-wide: no two changes ever set the same MAC


class Master:
    """One autocommit root connection to the plant's database."""

    def __init__(self, plant: BenchPlant) -> None:
        self.plant = plant
        self.conn = pymysql.connect(
            unix_socket=plant.db.socket, user="root", database=plant.db.name, autocommit=True, charset="utf8mb4"
        )

    def execute(self, sql: str, args: Any = None) -> int:
        """Run one statement, committed on return; returns the affected row count."""
        with self.conn.cursor() as cur:
            return int(cur.execute(sql, args))

    def new_mac(self) -> str:
        """A locally administered MAC that no generated row and no earlier change used."""
        n = next(_MACS)
        return f"02:00:00:{n >> 16 & 255:02x}:{n >> 8 & 255:02x}:{n & 255:02x}"

    def change_modem_mac(self, modem_id: int | None = None, qos: bool = False) -> str:
        """Give one modem a new MAC the way NMS Prime does (``updated_at`` set); returns the MAC.

        ``qos`` also moves it to the next QoS row in the same commit, which changes its TFTP config too.
        """
        mac = self.new_mac()
        target = self.plant.modem_ids[0] if modem_id is None else modem_id
        next_qos = f", qos_id = 1 + qos_id MOD {self.plant.spec.qos}" if qos else ""
        if self.execute(f"UPDATE modem SET mac = %s{next_qos}, updated_at = NOW() WHERE id = %s", (mac, target)) != 1:
            raise RuntimeError(f"modem {target} was not updated")
        return mac

    def close(self) -> None:
        """Drop the connection."""
        with contextlib.suppress(Exception):
            self.conn.close()


# The writer runs in a process of its own, as the master is another machine: a thread would share the
# interpreter lock with the polls it disturbs and add its own waits to their times.
_CONTEXT = multiprocessing.get_context("fork")


class BackgroundWriter:
    """A process that writes modem status columns, ``global_config`` and (with ``inserts``) ``guilog`` at fixed
    rates, until stopped.

    None of these writes touches a watched table's ``updated_at``, id or row count, so none of them may
    trigger a rebuild; all of them move the server's handler counters, the inserts its write counter too.
    """

    def __init__(self, plant: BenchPlant, seed: int = 1, inserts: bool = True) -> None:
        self.plant = plant
        self.inserts = inserts
        self.rng = random.Random(seed)
        self.stop_event = _CONTEXT.Event()
        self._writes = _CONTEXT.Value("q", 0)
        self._errors = _CONTEXT.SimpleQueue()
        self.error: str | None = None
        self._process = _CONTEXT.Process(target=self._run, name="bench-background-writer", daemon=True)

    @property
    def writes(self) -> int:
        """Status updates done so far."""
        return int(self._writes.value)

    def _run(self) -> None:
        master = Master(self.plant)
        try:
            step = 1.0 / STATUS_UPDATES_PER_S
            guilog_every = round(STATUS_UPDATES_PER_S / GUILOG_INSERTS_PER_S)
            global_every = round(STATUS_UPDATES_PER_S / GLOBAL_CONFIG_UPDATES_PER_S)
            started = time.monotonic()
            tick = 0
            ids = self.plant.modem_ids
            while not self.stop_event.is_set() and time.monotonic() - started < WRITER_MAX_SECONDS:
                tick += 1
                rng = self.rng
                master.execute(
                    "UPDATE modem SET us_pwr = %s, us_snr = %s, ds_pwr = %s, ds_snr = %s, phy_updated_at = NOW() "
                    "WHERE id = %s",
                    (
                        rng.randint(35, 52),
                        rng.randint(28, 40),
                        rng.randint(-8, 8),
                        rng.randint(32, 42),
                        ids[rng.randrange(len(ids))],
                    ),
                )
                if self.inserts and tick % guilog_every == 0:
                    master.execute(
                        "INSERT INTO guilog (created_at, updated_at, user_id, username, method, model, model_id, text) "
                        "VALUES (NOW(), NOW(), 1, 'support', 'updated', 'Modem', %s, %s)",
                        (ids[rng.randrange(len(ids))], "'us_pwr': '44' => '45'"),
                    )
                if tick % global_every == 0:
                    master.execute("UPDATE global_config SET headline2 = %s WHERE id = 1", (f"load {tick}",))
                with self._writes.get_lock():
                    self._writes.value += 1
                self.stop_event.wait(step)
        except BaseException as exc:  # reported by stop(); a benchmark must not hide a dead writer
            self._errors.put(repr(exc))
        finally:
            master.close()

    def start(self) -> None:
        """Start writing."""
        self._process.start()

    def stop(self) -> None:
        """Stop and wait; raises if the writer died."""
        self.stop_event.set()
        self._process.join(timeout=30)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        if not self._errors.empty():
            self.error = self._errors.get()
        if self.error is not None or self._process.exitcode != 0:
            raise RuntimeError(f"background writer failed: {self.error or f'exit code {self._process.exitcode}'}")


@contextlib.contextmanager
def background_writer(plant: BenchPlant, inserts: bool = True) -> Iterator[BackgroundWriter]:
    """A running background writer for the duration of the block."""
    writer = BackgroundWriter(plant, inserts=inserts)
    writer.start()
    try:
        yield writer
    finally:
        writer.stop()
