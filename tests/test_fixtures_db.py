"""The test database fixtures themselves: schemas load, the seed is the plant, the reader cannot write."""

from __future__ import annotations

import pymysql
import pytest

from tests.dbserver import MariaDBServer, PlantDB, PlantFactory


def _columns(db: PlantDB, table: str) -> list[str]:
    rows = db.execute(
        "SELECT COLUMN_NAME FROM information_schema.COLUMNS "
        f"WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '{table}' ORDER BY ORDINAL_POSITION"
    )
    return [r[0] for r in rows]


def _ids(db: PlantDB, table: str, where: str) -> list[int]:
    return [r[0] for r in db.execute(f"SELECT id FROM {table} WHERE {where} ORDER BY id")]


def test_both_generations_load(plant_db: PlantFactory) -> None:
    """Both schema generations load, each with its own gateway table, pool column and module tables."""
    netgw, cmts = plant_db("netgw"), plant_db("cmts")
    assert netgw.name != cmts.name

    tables = {r[0] for r in netgw.execute("SHOW TABLES")}
    assert tables == {
        "netgw",
        "ippool",
        "modem",
        "endpoint",
        "mta",
        "configfile",
        "qos",
        "contract",
        "provbase",
        "provvoip",
        "provha",
        "global_config",
    }
    assert "netgw_id" in _columns(netgw, "ippool")
    assert "internet_access" in _columns(netgw, "modem")
    assert len(_columns(netgw, "modem")) >= 55

    tables = {r[0] for r in cmts.execute("SHOW TABLES")}
    assert "cmts" in tables and "netgw" not in tables and "provha" not in tables
    pool = _columns(cmts, "ippool")
    assert "cmts_id" in pool and not {"netgw_id", "active", "version", "vendor_class_identifier"} & set(pool)
    assert "network_access" in _columns(cmts, "modem")


def test_seed_is_the_plant(plant_db: PlantFactory) -> None:
    """The seeds hold the rows PLANT.md promises, soft-deleted ones included."""
    db = plant_db("netgw")
    assert _ids(db, "modem", "deleted_at IS NULL") == [
        100001,
        100002,
        100003,
        100004,
        100005,
        100006,
        100008,
        100009,
        100010,
        100011,
        100012,
    ]
    assert _ids(db, "modem", "deleted_at IS NOT NULL") == [100007]
    assert _ids(db, "netgw", "deleted_at IS NULL AND type = 'cmts'") == [1, 2]
    assert _ids(db, "netgw", "deleted_at IS NOT NULL") == [4]
    assert _ids(db, "ippool", "deleted_at IS NULL AND active = 1 AND version = '4' AND netgw_id = 1") == [1, 2, 3, 4, 8]
    assert _ids(db, "mta", "deleted_at IS NULL") == [300001, 300002, 300003]
    assert _ids(db, "endpoint", "deleted_at IS NOT NULL") == [200005]
    assert db.execute("SELECT mac, hostname FROM modem WHERE id IN (100002, 100005, 100009, 100012)") == [
        ("AA:BB:CC:DD:EE:02", "cm-100002"),
        ("", "cm-100005"),
        ("00:11:22:33:44:09", 'cm-100009"; evil'),
        (None, "cm-100012"),
    ]
    assert db.execute("SELECT master, slaves, slave_dns_password FROM provha") == [
        ("10.0.0.1", "10.0.0.2", "c2xhdmUtc2VjcmV0LWtleQ==")
    ]

    old = plant_db("cmts")
    assert old.execute("SELECT id, network_access FROM modem WHERE deleted_at IS NULL ORDER BY id") == [
        (100101, 1),
        (100102, 0),
    ]
    assert _ids(old, "cmts", "deleted_at IS NULL") == [1]
    assert _ids(old, "ippool", "cmts_id = 1") == [1, 2]
    assert old.execute("SELECT COUNT(*) FROM mta")[0][0] == old.execute("SELECT COUNT(*) FROM endpoint")[0][0] == 0


def test_select_only_user_cannot_write(plant_db: PlantFactory) -> None:
    """The plant's account reads over TCP and the socket, but INSERT and UPDATE fail with error 1142."""
    db = plant_db()
    for where in ({"host": db.host, "port": db.port}, {"unix_socket": db.socket}):
        conn = pymysql.connect(user=db.user, password=db.password, database=db.name, **where)
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT COUNT(*) FROM modem WHERE deleted_at IS NULL")
                assert cur.fetchone() == (11,)
                for sql in (
                    "INSERT INTO qos (ds_rate_max, us_rate_max, name) VALUES (1, 1, 'x')",
                    "UPDATE modem SET public = 1 WHERE id = 100001",
                ):
                    with pytest.raises(pymysql.err.OperationalError) as err:
                        cur.execute(sql)
                    assert err.value.args[0] == 1142
        finally:
            conn.close()


def test_private_server_stops_and_starts_again(private_mariadb: MariaDBServer, plant_db: PlantFactory) -> None:
    """A private server can be stopped and restarted by the test and keeps its plant across the restart."""
    db = plant_db("netgw", server=private_mariadb)
    db.execute(
        "UPDATE modem SET updated_at = '2026-02-01 00:00:00', deleted_at = '2026-02-01 00:00:00' WHERE id = 100001"
    )
    private_mariadb.stop()
    assert not private_mariadb.running
    with pytest.raises(pymysql.err.OperationalError):
        pymysql.connect(host=db.host, port=db.port, user=db.user, password=db.password, connect_timeout=1)
    private_mariadb.start()
    assert private_mariadb.running
    assert db.execute("SELECT COUNT(*) FROM modem WHERE deleted_at IS NULL") == [(10,)]
