"""Tests of configuration loading: TOML, NMS Prime's env files as fallback, validation, secret handling."""

from __future__ import annotations

from pathlib import Path

import pytest

from provha_daemon.config import Secret, load_config, parse_env_file
from provha_daemon.errors import ConfigError


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def env_dir(tmp_path: Path) -> Path:
    """An NMS Prime env directory as a slave has it."""
    d = tmp_path / "env"
    _write(
        d / "global.env",
        "DB_HOST=10.9.0.2,10.9.0.1\nDB_PORT=3307\nDB_DATABASE=nmsprime\n"
        'DB_USERNAME=nmsprime\nDB_PASSWORD="s3cr3t pw"\n# comment\n',
    )
    _write(d / "provha.env", "PROVHA__OWN_STATE=slave\n")
    return d


def test_env_files_alone_configure_a_slave(tmp_path: Path, env_dir: Path) -> None:
    """With no TOML file at the default path, NMS Prime's env files give the DB and the role."""
    config = load_config(None, env_dir=env_dir, reader=lambda p: (_ for _ in ()).throw(FileNotFoundError()))
    assert config.database.hosts == ("10.9.0.2", "10.9.0.1")
    assert config.database.port == 3307
    assert config.database.password.reveal() == "s3cr3t pw"
    assert config.role == "slave"
    assert config.role_source.endswith("provha.env")


def test_toml_overrides_env(tmp_path: Path, env_dir: Path) -> None:
    """Settings in the TOML file win over global.env; the role from the file wins over provha.env."""
    path = _write(
        tmp_path / "c.toml",
        f"""
role = "slave"
[nmsprime]
env_dir = "{env_dir}"
[database]
hosts = ["127.0.0.1"]
port = 13306
user = "ro"
[dhcp]
dir = "{tmp_path}/dhcp"
restart_command = ["/bin/true"]
""",
    )
    config = load_config(path)
    assert config.database.hosts == ("127.0.0.1",)
    assert config.database.port == 13306
    assert config.database.user == "ro"
    assert config.database.password.reveal() == "s3cr3t pw"
    assert config.role_source == "config"
    assert config.dhcp.restart_command == ("/bin/true",)


def test_password_file(tmp_path: Path, env_dir: Path) -> None:
    """The DB password can come from a file (one trailing newline stripped)."""
    secret = _write(tmp_path / "pw", "from-file\n")
    path = _write(tmp_path / "c.toml", f'[nmsprime]\nenv_dir = "{env_dir}"\n[database]\npassword_file = "{secret}"\n')
    assert load_config(path).database.password.reveal() == "from-file"


def test_secrets_never_in_repr(tmp_path: Path, env_dir: Path) -> None:
    """Neither the DB password nor the OMAPI secret shows in the config's repr."""
    path = _write(tmp_path / "c.toml", f'[nmsprime]\nenv_dir = "{env_dir}"\n[dhcp]\nomapi_secret = "b21hcGk="\n')
    text = repr(load_config(path))
    assert "s3cr3t" not in text
    assert "b21hcGk=" not in text
    assert "***" in text
    assert str(Secret("x")) == "Secret('***')"


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ("[database]\nport = 70000\n", "database.port"),
        ('[database]\nport = "x"\n', "database.port"),
        ("[database]\nhosts = []\n", "database.hosts"),
        ('[database]\ndirty_reads = "yes"\n', "database.dirty_reads"),
        ('[dhcp]\ndir = "relative"\n', "dhcp.dir"),
        ('[dhcp]\nrestart_command = "systemctl restart dhcpd"\n', "dhcp.restart_command"),
        ('[dhcp]\nomapi_secret = "not base64!"\n', "dhcp.omapi_secret"),
        ("[dhcp]\nvalidate_jobs = -1\n", "dhcp.validate_jobs"),
        ("[dhcp]\nvalidate_jobs = 1.5\n", "dhcp.validate_jobs"),
        ('[provha]\nown_ip = "10.0.0.300"\n', "provha.own_ip"),
        ('role = "primary"\n', "role"),
        ("[dhcp]\nbogus = 1\n", "dhcp.bogus"),
        ('[time]\nchrony_conf = "/etc/chrony/conf.d/provha"\n', "time.chrony_conf"),
        ('[time]\nchrony_sources = "/etc/chrony/sources.d/provha.conf"\n', "time.chrony_sources"),
        ('[time]\nchrony_sources = "/etc/chrony/conf.d/provha.sources"\n', "time.chrony_sources"),
        ('[time]\nservers = ["ntp.example.net iburst"]\n', "time.servers"),
        ('[time]\nservers = "ntp.example.net"\n', "time.servers"),
        ('[time]\nchronyc = "chronyc -h /run/chrony/chronyd.sock"\n', "time.chronyc"),
        ("[time]\ntimeout = 0\n", "time.timeout"),
        ("[dhcp]\nmclt = 0\n", "dhcp.mclt"),
        ("[dhcp]\nauto_partner_down = -1\n", "dhcp.auto_partner_down"),
        ("[dhcp]\nmax_response_delay = 1.5\n", "dhcp.max_response_delay"),
        ('[dns]\nzone_dir = "/var/named/dyn amic"\n', "dns.zone_dir"),
        ('[dns]\nddns_dir = "/etc/named-nmsprime.d"\n', "dns.ddns_dir"),
        ('[dns]\nns_name = "not a name!"\n', "dns.ns_name"),
        ("surprise = 1\n", "surprise"),
    ],
)
def test_bad_value_names_its_key(tmp_path: Path, env_dir: Path, body: str, key: str) -> None:
    """Every bad value raises ConfigError whose message starts with the offending key."""
    path = _write(tmp_path / "c.toml", body + f'[nmsprime]\nenv_dir = "{env_dir}"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith(key)


def test_dirty_reads_is_off_unless_the_operator_turns_it_on(tmp_path: Path, env_dir: Path) -> None:
    """database.dirty_reads defaults to false (require_synced stays true either way) and takes a TOML boolean."""
    path = _write(tmp_path / "c.toml", f'[nmsprime]\nenv_dir = "{env_dir}"\n')
    assert load_config(path).database.dirty_reads is False
    assert load_config(path).database.require_synced is True
    for value in (True, False):
        path.write_text(f'[nmsprime]\nenv_dir = "{env_dir}"\n[database]\ndirty_reads = {str(value).lower()}\n')
        database = load_config(path).database
        assert (database.dirty_reads, database.require_synced) == (value, True)


def test_missing_explicit_file(tmp_path: Path) -> None:
    """A --config path that does not exist is an error, not silently the defaults."""
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")


def test_broken_toml(tmp_path: Path) -> None:
    """A syntax error in the TOML names the file."""
    path = _write(tmp_path / "c.toml", "role = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


def test_config_is_frozen(tmp_path: Path, env_dir: Path) -> None:
    """The loaded config cannot be changed after start."""
    path = _write(tmp_path / "c.toml", f'[nmsprime]\nenv_dir = "{env_dir}"\n')
    config = load_config(path)
    with pytest.raises(AttributeError):
        config.role = "master"  # type: ignore[misc]


def test_parse_env_file_quotes_and_comments(tmp_path: Path) -> None:
    """Quoted values keep their spaces; trailing comments on unquoted values are dropped."""
    path = _write(tmp_path / "x.env", "A='one two'\nB=plain # note\nexport C=3\nbroken line\n")
    assert parse_env_file(path) == {"A": "one two", "B": "plain", "C": "3"}


def test_time_defaults_are_debians_chrony_directories(tmp_path: Path, env_dir: Path) -> None:
    """By default the time stage is on and writes into the confdir and sourcedir Debian's chrony.conf reads."""
    config = load_config(_write(tmp_path / "c.toml", f'[nmsprime]\nenv_dir = "{env_dir}"\n'))
    assert config.time.enabled
    assert str(config.time.chrony_conf) == "/etc/chrony/conf.d/provha-daemon.conf"
    assert str(config.time.chrony_sources) == "/etc/chrony/sources.d/provha-daemon.sources"
    assert config.time.servers == () and config.time.chronyc == ("chronyc",)
