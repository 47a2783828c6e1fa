"""The frozen configuration: one TOML file, with NMS Prime's own env files as fallback.

Loaded and validated once at start (and again on SIGHUP); every bad value raises ``ConfigError`` naming its key.
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from provha_daemon.errors import ConfigError

DEFAULT_CONFIG_PATH = Path("/etc/provha-daemon/provha-daemon.toml")
DEFAULT_ENV_DIR = Path("/etc/nmsprime/env")

Role = Literal["master", "slave"]
T = TypeVar("T")


class Secret:
    """A string that never shows itself in reprs, logs or tracebacks."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The secret itself, for the one place that must hand it on."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)


@dataclass(frozen=True, slots=True)
class DatabaseConfig:
    """Where and how to read NMS Prime's database (never written)."""

    hosts: tuple[str, ...] = ("127.0.0.1",)
    port: int = 3306
    name: str = "nmsprime"
    user: str = "nmsprime"
    password: Secret = field(default_factory=lambda: Secret(""))
    unix_socket: str | None = None
    prefer_local: bool = True
    connect_timeout: float = 5.0
    query_timeout: float = 30.0
    require_synced: bool = True
    # read a Galera node outside the Primary component (a 2-node cluster that lost its other node) with
    # wsrep_dirty_reads: its last replicated state, instead of keeping the files until it is Synced again
    dirty_reads: bool = False


@dataclass(frozen=True, slots=True)
class DhcpConfig:
    """The slave's ISC dhcpd output and how dhcpd is checked and restarted."""

    dir: Path = Path("/etc/dhcp-nmsprime")
    dhcpd: str = "/usr/sbin/dhcpd"
    restart_command: tuple[str, ...] = ("systemctl", "restart", "dhcpd")
    check_command: tuple[str, ...] = ("systemctl", "is-active", "dhcpd")
    check_delay: float = 1.0
    validate_timeout: float = 30.0
    validate_jobs: int = 0  # dhcpd -t processes in parallel; 0 = one per core on a plant of 10k hosts or more
    restart_timeout: float = 30.0
    file_group: str | None = "dhcpd"
    server_fqdn: str | None = None
    time_offset: int | None = None
    failover_port: int = 647
    peer_port: int = 647
    omapi_port: int = 7911
    omapi_key_name: str = "slave_omapi_key"
    omapi_secret: Secret | None = None
    # the failover peer's timers, NMS Prime's values by default (its installer writes mclt 1800 on the master)
    max_response_delay: int = 60
    max_unacked_updates: int = 10
    load_balance_max_seconds: int = 5
    mclt: int = 1800  # the primary's (the master role render); a secondary has none
    auto_partner_down: int = 0  # seconds after which a lone peer declares partner-down itself; 0: never (NMS Prime)


@dataclass(frozen=True, slots=True)
class TftpConfig:
    """The modems' and MTAs' DOCSIS config files under the TFTP root."""

    enabled: bool = True
    dir: Path = Path("/tftpboot")
    keyfile: Path | None = None  # None: <dir>/keyfile, the CMTS shared secret the master syncs over
    mta_hash: str = "eu"  # eu (docsis -eu, NMS Prime's call) | na | ietf | none
    file_mode: int = 0o644

    @property
    def key_path(self) -> Path:
        """Where the CMTS shared secret is read from."""
        return self.keyfile or self.dir / "keyfile"


@dataclass(frozen=True, slots=True)
class TimeConfig:
    """chrony on the slave: its time sources (the peer, the upstream servers) and which clients it serves NTP."""

    enabled: bool = True
    # Debian's chrony.conf reads both directories (confdir, sourcedir); see the README, "Time"
    chrony_conf: Path = Path("/etc/chrony/conf.d/provha-daemon.conf")
    chrony_sources: Path = Path("/etc/chrony/sources.d/provha-daemon.sources")
    servers: tuple[str, ...] = ()  # upstream NTP servers, after the peer
    chronyd: str = "/usr/sbin/chronyd"
    chronyc: tuple[str, ...] = ("chronyc",)  # argv prefix; the runtime commands are appended with -m
    timeout: float = 10.0  # each chronyd -p and chronyc run


@dataclass(frozen=True, slots=True)
class DnsConfig:
    """The slave's BIND: its named-nmsprime.conf, the dynamic zones' first files, the CPE DDNS script."""

    enabled: bool = True
    dir: Path = Path("/etc/named-nmsprime.d")  # named-nmsprime.conf, and master/ (the master's copy to install)
    # named-ddns.sh and its key files, group dhcpd: apart from dir, which only named's group may enter
    ddns_dir: Path = Path("/etc/named-ddns.d")
    zone_dir: Path = Path("/var/named/dynamic")  # zone files are created here when missing, never rewritten
    named_group: str | None = "named"  # group of named's files (Debian: bind)
    port: int = 53  # where both nodes' named listen (the DDNS script's and the sync's server port)
    named_checkconf: str = "named-checkconf"
    reload_command: tuple[str, ...] = ("rndc", "reload")
    nsupdate: str = "/usr/bin/nsupdate"  # as the DDNS script calls it
    cpe_key: Path = Path("/etc/named-ddns-cpe.key")  # the salt of public CPE names, synced from the master
    log_file: Path = Path("/var/log/nmsprime/nsupdate.log")  # the DDNS script's log, as NMS Prime's
    ns_name: str | None = None  # the zones' NS and SOA name; default this host's name in the domain
    timeout: float = 30.0  # named-checkconf, the reload
    sync_timeout: float = 2.0  # each query, transfer and update of the zone sync (a node down costs one)


@dataclass(frozen=True, slots=True)
class ServiceConfig:
    """The service loop: polling, coalescing, restart pacing, fault handling, health."""

    poll_interval: float = 2.0
    quiet_period: float | None = None  # None: one poll interval
    max_wait: float = 30.0
    min_restart_interval: float = 30.0
    rebuild_interval: int | None = None  # None: provha.slave_config_rebuild_interval from the database
    full_check_interval: float = 60.0
    max_drop: float = 0.5
    retry_initial: float = 0.5
    retry_max: float = 5.0
    shutdown_timeout: float = 30.0
    state_file: Path = Path("/run/provha-daemon/state.json")
    stale_warning: float = 30.0
    progress_timeout: float = 300.0

    @property
    def quiet(self) -> float:
        """The quiet period actually used."""
        return self.poll_interval if self.quiet_period is None else self.quiet_period


@dataclass(frozen=True, slots=True)
class Config:
    """Everything the daemon is told, validated; built only by ``load_config``."""

    role: Role | None = None
    role_source: str = "database"
    own_ip: str | None = None
    peer_ip: str | None = None
    database: DatabaseConfig = field(default_factory=DatabaseConfig)
    dhcp: DhcpConfig = field(default_factory=DhcpConfig)
    tftp: TftpConfig = field(default_factory=TftpConfig)
    time: TimeConfig = field(default_factory=TimeConfig)
    dns: DnsConfig = field(default_factory=DnsConfig)
    service: ServiceConfig = field(default_factory=ServiceConfig)
    source: Path | None = None


def parse_env_file(path: Path) -> dict[str, str]:
    """Read a dotenv file as Laravel does for the plain cases: KEY=VALUE, optional quotes, # comments."""
    values: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return values
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from exc
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        values[key] = value
    return values


class _Section:
    """Typed access to one TOML table that remembers which keys were consumed."""

    def __init__(self, name: str, data: Mapping[str, Any]) -> None:
        self.name = name
        self.data = data
        self.used: set[str] = set()

    def key(self, key: str) -> str:
        return f"{self.name}.{key}" if self.name else key

    def get(self, key: str, kind: type[T], default: T) -> T:
        self.used.add(key)
        if key not in self.data:
            return default
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise ConfigError(f"{self.key(key)}: expected {kind.__name__}, got {type(value).__name__}")
        return value

    def opt(self, key: str, kind: type[T]) -> T | None:
        self.used.add(key)
        if key not in self.data:
            return None
        return self.get(key, kind, None)

    def command(self, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        self.used.add(key)
        if key not in self.data:
            return default
        value = self.data[key]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
            raise ConfigError(f"{self.key(key)}: expected a non-empty list of strings (argv, no shell)")
        return tuple(value)

    def check(self, key: str, ok: bool, why: str) -> None:
        if not ok:
            raise ConfigError(f"{self.key(key)}: {why}")

    def reject_unknown(self) -> None:
        unknown = sorted(set(self.data) - self.used)
        if unknown:
            raise ConfigError(f"{self.key(unknown[0])}: unknown setting")


_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_FQDN = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*$")
_KEY_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_BASE64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")


def _ipv4(section: _Section, key: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return str(ipaddress.IPv4Address(value))
    except ValueError:
        raise ConfigError(f"{section.key(key)}: not an IPv4 address: {value!r}") from None


def _positive(section: _Section, key: str, value: T, minimum: float = 0.0) -> T:
    section.check(key, isinstance(value, int | float) and value > minimum, f"must be greater than {minimum}")
    return value


def _jobs(section: _Section, value: int) -> int:
    section.check("validate_jobs", 0 <= value <= 64, "must be 0 (one per core) to 64")
    return value


def _count(section: _Section, key: str, default: int, minimum: int) -> int:
    """A whole number of seconds (or updates) of dhcpd's failover statement, at least ``minimum``."""
    value = section.get(key, int, default)
    section.check(key, minimum <= value <= 86400 * 7, f"must be {minimum} to 604800")
    return value


def _port(section: _Section, key: str, value: int) -> int:
    section.check(key, 0 < value < 65536, "must be a TCP port (1-65535)")
    return value


def _read_secret_file(section: _Section, key: str, path: str) -> Secret:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{section.key(key)}: cannot read {path}: {exc.strerror}") from exc
    return Secret(text.strip("\r\n"))


def _split_hosts(value: str) -> tuple[str, ...]:
    return tuple(h.strip() for h in value.split(",") if h.strip())


def _database(sec: _Section, env: Mapping[str, str]) -> DatabaseConfig:
    d = DatabaseConfig()
    hosts_value = sec.data.get("hosts")
    sec.used.add("hosts")
    if hosts_value is None:
        hosts = _split_hosts(env["DB_HOST"]) if env.get("DB_HOST") else d.hosts
    elif isinstance(hosts_value, str):
        hosts = _split_hosts(hosts_value)
    elif isinstance(hosts_value, list) and all(isinstance(h, str) for h in hosts_value):
        hosts = tuple(h.strip() for h in hosts_value if h.strip())
    else:
        raise ConfigError(f"{sec.key('hosts')}: expected a list of host names or a comma-separated string")
    sec.check("hosts", bool(hosts), "at least one database host is needed")
    for host in hosts:
        sec.check("hosts", bool(_FQDN.match(host)) or _is_ip(host), f"not a host name or address: {host!r}")

    env_port = env.get("DB_PORT")
    if env_port is not None and not env_port.isdigit():
        raise ConfigError(f"DB_PORT in global.env: not a number: {env_port!r}")
    port = _port(sec, "port", sec.get("port", int, int(env_port) if env_port else d.port))
    name = sec.get("name", str, env.get("DB_DATABASE") or d.name)
    sec.check("name", bool(re.fullmatch(r"[A-Za-z0-9_$]{1,64}", name)), f"not a database name: {name!r}")
    user = sec.get("user", str, env.get("DB_USERNAME") or d.user)
    sec.check("user", bool(user), "must not be empty")

    password = sec.opt("password", str)
    password_file = sec.opt("password_file", str)
    if password is not None and password_file is not None:
        raise ConfigError(f"{sec.key('password_file')}: give either password or password_file, not both")
    if password_file is not None:
        secret = _read_secret_file(sec, "password_file", password_file)
    elif password is not None:
        secret = Secret(password)
    else:
        secret = Secret(env.get("DB_PASSWORD", ""))

    return DatabaseConfig(
        hosts=hosts,
        port=port,
        name=name,
        user=user,
        password=secret,
        unix_socket=sec.opt("unix_socket", str),
        prefer_local=sec.get("prefer_local", bool, d.prefer_local),
        connect_timeout=_positive(sec, "connect_timeout", sec.get("connect_timeout", float, d.connect_timeout)),
        query_timeout=_positive(sec, "query_timeout", sec.get("query_timeout", float, d.query_timeout)),
        require_synced=sec.get("require_synced", bool, d.require_synced),
        dirty_reads=sec.get("dirty_reads", bool, d.dirty_reads),
    )


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _dhcp(sec: _Section) -> DhcpConfig:
    d = DhcpConfig()
    directory = Path(sec.get("dir", str, str(d.dir)))
    sec.check("dir", directory.is_absolute(), "must be an absolute path")
    server_fqdn = sec.opt("server_fqdn", str)
    if server_fqdn is not None:
        sec.check("server_fqdn", bool(_FQDN.match(server_fqdn)), f"not a host name: {server_fqdn!r}")
    time_offset = sec.opt("time_offset", int)
    if time_offset is not None:
        sec.check("time_offset", -86400 < time_offset < 86400, "must be seconds east of UTC within one day")
    key_name = sec.get("omapi_key_name", str, d.omapi_key_name)
    sec.check("omapi_key_name", bool(_KEY_NAME.match(key_name)), f"not a key name: {key_name!r}")

    omapi_value = sec.opt("omapi_secret", str)
    omapi_file = sec.opt("omapi_secret_file", str)
    if omapi_value is not None and omapi_file is not None:
        raise ConfigError(f"{sec.key('omapi_secret_file')}: give either omapi_secret or omapi_secret_file")
    omapi = (
        _read_secret_file(sec, "omapi_secret_file", omapi_file)
        if omapi_file is not None
        else (Secret(omapi_value) if omapi_value is not None else None)
    )
    if omapi is not None:
        sec.check("omapi_secret", bool(_BASE64.match(omapi.reveal())), "must be a base64 HMAC-MD5 secret")

    group = sec.get("file_group", str, d.file_group or "")
    return DhcpConfig(
        dir=directory,
        dhcpd=sec.get("dhcpd", str, d.dhcpd),
        restart_command=sec.command("restart_command", d.restart_command),
        check_command=sec.command("check_command", d.check_command),
        check_delay=sec.get("check_delay", float, d.check_delay),
        validate_timeout=_positive(sec, "validate_timeout", sec.get("validate_timeout", float, d.validate_timeout)),
        validate_jobs=_jobs(sec, sec.get("validate_jobs", int, d.validate_jobs)),
        restart_timeout=_positive(sec, "restart_timeout", sec.get("restart_timeout", float, d.restart_timeout)),
        file_group=group or None,
        server_fqdn=server_fqdn,
        time_offset=time_offset,
        failover_port=_port(sec, "failover_port", sec.get("failover_port", int, d.failover_port)),
        peer_port=_port(sec, "peer_port", sec.get("peer_port", int, d.peer_port)),
        omapi_port=_port(sec, "omapi_port", sec.get("omapi_port", int, d.omapi_port)),
        omapi_key_name=key_name,
        omapi_secret=omapi,
        max_response_delay=_count(sec, "max_response_delay", d.max_response_delay, 1),
        max_unacked_updates=_count(sec, "max_unacked_updates", d.max_unacked_updates, 1),
        load_balance_max_seconds=_count(sec, "load_balance_max_seconds", d.load_balance_max_seconds, 0),
        mclt=_count(sec, "mclt", d.mclt, 1),
        auto_partner_down=_count(sec, "auto_partner_down", d.auto_partner_down, 0),
    )


def _tftp(sec: _Section) -> TftpConfig:
    d = TftpConfig()
    directory = Path(sec.get("dir", str, str(d.dir)))
    sec.check("dir", directory.is_absolute(), "must be an absolute path")
    keyfile = sec.opt("keyfile", str)
    if keyfile is not None:
        sec.check("keyfile", Path(keyfile).is_absolute(), "must be an absolute path")
    mta_hash = sec.get("mta_hash", str, d.mta_hash)
    sec.check("mta_hash", mta_hash in ("eu", "na", "ietf", "none"), "must be eu, na, ietf or none")
    mode = sec.get("file_mode", str, oct(d.file_mode))
    try:
        file_mode = int(mode, 8)
    except ValueError:
        raise ConfigError(f'{sec.key("file_mode")}: an octal mode such as "0644"') from None
    sec.check(
        "file_mode",
        file_mode & 0o004 != 0 and file_mode <= 0o777,
        "must be world-readable (the TFTP server drops its privileges) and at most 0777",
    )
    return TftpConfig(
        enabled=sec.get("enabled", bool, d.enabled),
        dir=directory,
        keyfile=Path(keyfile) if keyfile else None,
        mta_hash=mta_hash,
        file_mode=file_mode,
    )


def _time(sec: _Section) -> TimeConfig:
    d = TimeConfig()
    conf = Path(sec.get("chrony_conf", str, str(d.chrony_conf)))
    sec.check("chrony_conf", conf.is_absolute() and conf.suffix == ".conf", "an absolute path ending in .conf")
    sources = Path(sec.get("chrony_sources", str, str(d.chrony_sources)))
    sec.check(
        "chrony_sources",
        sources.is_absolute() and sources.suffix == ".sources",
        "an absolute path ending in .sources (chrony's sourcedir reads only those)",
    )
    sec.check("chrony_sources", sources.parent != conf.parent, "must not be in the directory of chrony_conf")
    servers = sec.data.get("servers", [])
    sec.used.add("servers")
    if not isinstance(servers, list) or not all(isinstance(s, str) for s in servers):
        raise ConfigError(f"{sec.key('servers')}: expected a list of host names or addresses")
    for server in servers:
        sec.check("servers", bool(_FQDN.match(server)) or _is_ip(server), f"not a host name or address: {server!r}")
    return TimeConfig(
        enabled=sec.get("enabled", bool, d.enabled),
        chrony_conf=conf,
        chrony_sources=sources,
        servers=tuple(servers),
        chronyd=sec.get("chronyd", str, d.chronyd),
        chronyc=sec.command("chronyc", d.chronyc),
        timeout=_positive(sec, "timeout", sec.get("timeout", float, d.timeout)),
    )


_SAFE_PATH = re.compile(r"^/[A-Za-z0-9_./+-]*$")  # lands in a shell script and named's config: no quoting needed


def _dns(sec: _Section) -> DnsConfig:
    d = DnsConfig()

    def path(key: str, default: Path) -> Path:
        value = sec.get(key, str, str(default))
        sec.check(key, bool(_SAFE_PATH.match(value)) and ".." not in value, "an absolute path of [A-Za-z0-9_./+-]")
        return Path(value)

    ns_name = sec.opt("ns_name", str)
    if ns_name is not None:
        sec.check("ns_name", bool(_FQDN.match(ns_name)), f"not a host name: {ns_name!r}")
    group = sec.get("named_group", str, d.named_group or "")
    directory, ddns_dir = path("dir", d.dir), path("ddns_dir", d.ddns_dir)
    sec.check("ddns_dir", ddns_dir != directory, "must differ from dir (its files belong to dhcpd's group)")
    return DnsConfig(
        enabled=sec.get("enabled", bool, d.enabled),
        dir=directory,
        ddns_dir=ddns_dir,
        zone_dir=path("zone_dir", d.zone_dir),
        named_group=group or None,
        port=_port(sec, "port", sec.get("port", int, d.port)),
        named_checkconf=sec.get("named_checkconf", str, d.named_checkconf),
        reload_command=sec.command("reload_command", d.reload_command),
        nsupdate=str(path("nsupdate", Path(d.nsupdate))),
        cpe_key=path("cpe_key", d.cpe_key),
        log_file=path("log_file", d.log_file),
        ns_name=ns_name,
        timeout=_positive(sec, "timeout", sec.get("timeout", float, d.timeout)),
        sync_timeout=_positive(sec, "sync_timeout", sec.get("sync_timeout", float, d.sync_timeout)),
    )


def _service(sec: _Section) -> ServiceConfig:
    d = ServiceConfig()

    def seconds(key: str, default: float, minimum: float = 0.0) -> float:
        return _positive(sec, key, sec.get(key, float, default), minimum)

    quiet = sec.opt("quiet_period", float)
    if quiet is not None:
        sec.check("quiet_period", quiet >= 0, "must not be negative")
    interval = sec.opt("rebuild_interval", int)
    if interval is not None:
        sec.check("rebuild_interval", 60 <= interval <= 604800, "must be 60..604800 seconds, as in NMS Prime")
    max_drop = sec.get("max_drop", float, d.max_drop)
    sec.check("max_drop", 0 < max_drop <= 1, "must be a share between 0 (exclusive) and 1")
    state_file = Path(sec.get("state_file", str, str(d.state_file)))
    sec.check("state_file", state_file.is_absolute(), "must be an absolute path")
    return ServiceConfig(
        poll_interval=seconds("poll_interval", d.poll_interval),
        quiet_period=quiet,
        max_wait=seconds("max_wait", d.max_wait),
        min_restart_interval=sec.get("min_restart_interval", float, d.min_restart_interval),
        rebuild_interval=interval,
        full_check_interval=seconds("full_check_interval", d.full_check_interval),
        max_drop=max_drop,
        retry_initial=seconds("retry_initial", d.retry_initial),
        retry_max=seconds("retry_max", d.retry_max),
        shutdown_timeout=seconds("shutdown_timeout", d.shutdown_timeout),
        state_file=state_file,
        stale_warning=seconds("stale_warning", d.stale_warning),
        progress_timeout=seconds("progress_timeout", d.progress_timeout),
    )


def _table(top: _Section, name: str) -> _Section:
    top.used.add(name)
    value = top.data.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"{name}: expected a table [{name}]")
    return _Section(name, value)


def load_config(
    path: Path | None = None,
    *,
    env_dir: Path | None = None,
    reader: Callable[[Path], bytes] = Path.read_bytes,
) -> Config:
    """Load, validate and freeze the configuration.

    ``path`` None means the default location, which may be absent (then NMS Prime's env files and built-in
    defaults are all there is); an explicitly named file must exist.
    """
    explicit = path is not None
    path = path or DEFAULT_CONFIG_PATH
    data: dict[str, Any] = {}
    try:
        data = tomllib.loads(reader(path).decode("utf-8"))
    except FileNotFoundError:
        if explicit:
            raise ConfigError(f"{path}: configuration file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc

    top = _Section("", data)
    nms = _table(top, "nmsprime")
    env_dir = Path(nms.get("env_dir", str, str(env_dir or DEFAULT_ENV_DIR)))
    nms.reject_unknown()
    global_env = parse_env_file(env_dir / "global.env")
    provha_env = parse_env_file(env_dir / "provha.env")

    role_value = top.opt("role", str)
    role_source = "config"
    if role_value is None and provha_env.get("PROVHA__OWN_STATE"):
        role_value, role_source = provha_env["PROVHA__OWN_STATE"], f"{env_dir / 'provha.env'}"
    if role_value is None:
        role_source = "database"
    elif role_value not in ("master", "slave"):
        raise ConfigError(f"role: must be 'master' or 'slave' (from {role_source}), got {role_value!r}")

    provha = _table(top, "provha")
    own_ip = _ipv4(provha, "own_ip", provha.opt("own_ip", str))
    peer_ip = _ipv4(provha, "peer_ip", provha.opt("peer_ip", str))
    provha.reject_unknown()

    database_sec = _table(top, "database")
    database = _database(database_sec, global_env)
    database_sec.reject_unknown()
    dhcp_sec = _table(top, "dhcp")
    dhcp = _dhcp(dhcp_sec)
    dhcp_sec.reject_unknown()
    tftp_sec = _table(top, "tftp")
    tftp = _tftp(tftp_sec)
    tftp_sec.reject_unknown()
    time_sec = _table(top, "time")
    time_config = _time(time_sec)
    time_sec.reject_unknown()
    dns_sec = _table(top, "dns")
    dns = _dns(dns_sec)
    dns_sec.reject_unknown()
    service_sec = _table(top, "service")
    service = _service(service_sec)
    service_sec.reject_unknown()
    top.reject_unknown()

    return Config(
        role=role_value,  # type: ignore[arg-type]
        role_source=role_source,
        own_ip=own_ip,
        peer_ip=peer_ip,
        database=database,
        dhcp=dhcp,
        tftp=tftp,
        time=time_config,
        dns=dns,
        service=service,
        source=path if data or explicit else None,
    )
