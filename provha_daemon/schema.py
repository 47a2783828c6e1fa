"""Which NMS Prime schema generation a database has, and which optional columns it carries.

Built from ``information_schema.COLUMNS``; pure, so the same detection serves the loader and the tests.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from provha_daemon.errors import SchemaError

# Columns without which no DHCP file can be written, per table.
_REQUIRED = {
    "ippool": ("id", "type", "net", "netmask", "router_ip", "ip_pool_start", "ip_pool_end"),
    "modem": ("id", "hostname", "mac", "public"),
    "provbase": ("provisioning_server", "domain_name", "dhcp_def_lease_time", "dhcp_max_lease_time"),
}


@dataclass(frozen=True, slots=True)
class Schema:
    """The detected shape of one NMS Prime database."""

    columns: Mapping[str, frozenset[str]]
    gateway_table: str
    pool_gateway_column: str
    # Tables with an index that starts with updated_at: their MAX(updated_at) is one index dive, not a scan.
    updated_at_indexed: frozenset[str] = frozenset()

    @property
    def generation(self) -> str:
        """``netgw`` (2019 and later) or ``cmts`` (before the rename)."""
        return self.gateway_table

    def has_table(self, table: str) -> bool:
        """Whether the table exists (a module such as ProvHA or ProvVoip may be absent)."""
        return table in self.columns

    def has(self, table: str, column: str) -> bool:
        """Whether the table exists and has the column."""
        return column in self.columns.get(table, frozenset())

    def soft_deletes(self, table: str) -> bool:
        """Whether the table has ``deleted_at`` (every NMS Prime table does; we never assume)."""
        return self.has(table, "deleted_at")

    def live(self, table: str, alias: str = "") -> str:
        """The SQL condition that keeps only rows that are not soft-deleted."""
        prefix = f"{alias}." if alias else ""
        return f"{prefix}deleted_at IS NULL" if self.soft_deletes(table) else "1=1"

    def column_or(self, table: str, column: str, default_sql: str) -> str:
        """``column`` when it exists, else a literal default standing in for it."""
        return column if self.has(table, column) else f"{default_sql}"

    @property
    def modem_access_column(self) -> str | None:
        """``internet_access`` (since 2019) or the older ``network_access``; None if neither exists."""
        for name in ("internet_access", "network_access"):
            if self.has("modem", name):
                return name
        return None


def detect(rows: Iterable[tuple[str, str]]) -> Schema:
    """Build a ``Schema`` from ``(table, column)`` pairs of the database's information_schema."""
    columns: dict[str, set[str]] = {}
    for table, column in rows:
        columns.setdefault(table.lower(), set()).add(column.lower())
    frozen = {t: frozenset(c) for t, c in columns.items()}

    if "netgw" in frozen:
        gateway_table = "netgw"
    elif "cmts" in frozen:
        gateway_table = "cmts"
    else:
        raise SchemaError("neither table netgw nor cmts exists: is this an NMS Prime database?")

    for table, required in _REQUIRED.items():
        if table not in frozen:
            raise SchemaError(f"table {table} is missing")
        missing = [c for c in required if c not in frozen[table]]
        if missing:
            raise SchemaError(f"table {table} lacks column {missing[0]}")
    if not {"id", "hostname"} <= frozen[gateway_table]:
        raise SchemaError(f"table {gateway_table} lacks column id or hostname")

    for column in ("netgw_id", "cmts_id"):
        if column in frozen["ippool"]:
            return Schema(frozen, gateway_table, column)
    raise SchemaError("table ippool has neither netgw_id nor cmts_id")
