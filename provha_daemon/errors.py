"""The typed error tree. Modules raise these; only ``cli.main`` maps them to exit codes."""

from __future__ import annotations


class ProvhaError(Exception):
    """Base of every error the daemon raises on purpose."""


class ConfigError(ProvhaError):
    """The configuration file or an NMS Prime env file holds a bad value; raised by ``config``."""


class RoleError(ProvhaError):
    """This host is not (or not provably) the ProvHA slave; raised by ``roles``."""


class MasterRoleError(RoleError):
    """This host is positively the ProvHA master: the daemon refuses to run here."""


class DatabaseError(ProvhaError):
    """No configured database node could be read; raised by ``db``."""


class DatabaseNotReadyError(DatabaseError):
    """A Galera node answered but is not Synced/ready, so its data may be stale; raised by ``db``."""


class SchemaError(ProvhaError):
    """The database lacks a table or column the daemon cannot do without; raised by ``schema``."""


class RowError(ProvhaError):
    """A database row a stage cannot do without holds a bad value (or is missing): that stage is refused and its
    live files stay; raised by ``rebuild``. ``table``, ``row_id`` and ``column`` name the value."""

    def __init__(self, table: str, row_id: int | None, column: str, reason: str) -> None:
        where = f"{table} {row_id}" if row_id is not None else table
        super().__init__(f"{where} {column}: {reason}" if column else f"{where}: {reason}")
        self.table, self.row_id, self.column = table, row_id, column


class RenderError(ProvhaError):
    """A template failed to render (a bug or a broken template, never bad rows); raised by ``render``."""


class RejectedError(ProvhaError):
    """The service's own tool (``dhcpd -t``) rejected a staged file set; raised by a stage's ``validate``.

    Not to be confused with ``validation.InvalidValue``: a database value that cannot be written safely.

    ``output`` carries the validator's own message so the operator sees dhcpd's words.
    """

    def __init__(self, message: str, output: str = "") -> None:
        super().__init__(message)
        self.output = output


class ApplyError(ProvhaError):
    """Swapping files into place failed at the filesystem level; raised by ``apply``."""


class DropGuardError(ProvhaError):
    """The drop guard refused a set that would lose too many live hosts or pools; raised by a stage's ``render``."""


class RestartError(ProvhaError):
    """The service restart or its health check failed; the previous generation was restored (``rolled_back``)."""

    def __init__(self, message: str, output: str = "", rolled_back: bool = True) -> None:
        super().__init__(message)
        self.output = output
        self.rolled_back = rolled_back
