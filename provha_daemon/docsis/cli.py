"""``provha-docsis``: the classic ``docsis`` tool's command line, for the calls a provisioning system makes.

Usage (modifiers first, then one action, as with the tool)::

    provha-docsis [-o] [-nohash] [-k KEYFILE] -d FILE          decode to stdout (-o: numeric OIDs)
    provha-docsis -e CONF KEYFILE OUT                          encode a CM file
    provha-docsis [-eu | -na | -ietf] -p CONF OUT              encode an MTA file (flag: which hash object)

``-k`` is ours: with it a decode also checks the CMTS MIC. ``-M DIR`` is accepted and ignored (there are no MIB
files to load). ``-m`` and ``-dialplan`` are not supported. ``-`` as CONF reads stdin, as OUT writes stdout.

On an error the message names the file and line on stderr, no output file is written (the bytes go to a
temporary file in the target directory that is renamed over OUT only on success) and the exit code follows the
tool: 255 unknown keyword, bad OID or bad value, 2 grammar error, 241 value out of range, 251 a file that cannot
be read or written, 246 bad usage. A decode whose MICs do not match prints the text and exits 1.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from provha_daemon.docsis.decoder import decode
from provha_daemon.docsis.encoder import MtaHash, encode, read_keyfile
from provha_daemon.docsis.errors import DocsisError

PROG = "provha-docsis"
EXIT_OK = 0
EXIT_MIC = 1
EXIT_USAGE = 246  # the tool's exit(-10)
EXIT_IO = 251  # the tool's exit(-5)
_HASH_FLAGS = {"-eu": MtaHash.EU, "-na": MtaHash.NA, "-ietf": MtaHash.IETF}
_ACTIONS = {"-d": 1, "-e": 3, "-p": 2}  # action → number of file arguments


class UsageError(Exception):
    """Bad command-line arguments."""


USAGE = f"""usage:
  {PROG} [-o] [-nohash] [-k KEYFILE] -d FILE     decode to stdout (-o: numeric OIDs; -k: check the CMTS MIC)
  {PROG} -e CONF KEYFILE OUT                     encode a CM file
  {PROG} [-eu | -na | -ietf] -p CONF OUT         encode an MTA file (with that hash object)"""


def _read_text(path: str) -> str:
    raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    return raw.decode("utf-8", "surrogateescape")  # bytes that are not UTF-8 pass through unchanged


def write_atomic(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory and a rename."""
    if path == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as fopen() would create it: the TFTP server must be able to read it
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class _Options:
    action: str = ""
    files: list[str] = field(default_factory=list)
    numeric: bool = False
    nohash: bool = False
    mta_hash: MtaHash | None = None
    keyfile: str | None = None


def _parse_args(argv: Sequence[str]) -> _Options:
    opts = _Options()
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg in ("-h", "--help"):
            opts.action = "help"
            return opts
        if arg == "-o":
            opts.numeric = True
        elif arg == "-nohash":
            opts.nohash = True
        elif arg in _HASH_FLAGS:
            if opts.mta_hash is not None:
                raise UsageError("only one of -eu, -na, -ietf")
            opts.mta_hash = _HASH_FLAGS[arg]
        elif arg in ("-M", "-k"):
            if not args:
                raise UsageError(f"{arg} needs an argument")
            value = args.pop(0)
            if arg == "-k":
                opts.keyfile = value
        elif arg in _ACTIONS:
            if len(args) != _ACTIONS[arg]:
                raise UsageError(f"{arg} takes {_ACTIONS[arg]} file argument(s)")
            opts.action = arg
            opts.files = args
            return opts
        elif arg in ("-m", "-dialplan"):
            raise UsageError(f"{arg} is not supported")
        else:
            raise UsageError(f"unknown argument {arg}")
    raise UsageError("no action (-d, -e or -p)")


def _decode(opts: _Options, file: str) -> int:
    key = read_keyfile(opts.keyfile) if opts.keyfile is not None else None
    data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    result = decode(data, numeric=opts.numeric, key=key, nohash=opts.nohash)
    sys.stdout.write(result.text)
    sys.stdout.flush()
    for warning in result.warnings:
        print(f"{PROG}: {file}: {warning}", file=sys.stderr)
    return EXIT_MIC if False in (result.cm_mic_ok, result.cmts_mic_ok) else EXIT_OK


def _read_file(name: str) -> bytes:
    return Path(name).read_bytes()


def _encode(opts: _Options, conf: str, out: str, keyfile: str | None) -> int:
    if conf == out and conf != "-":
        raise UsageError("the source file is the same as the destination file")
    key = read_keyfile(keyfile) if keyfile is not None else None
    try:
        # DigitMap and the CVC keywords read their files relative to the working directory, as the tool does
        data = encode(_read_text(conf), key, mta=keyfile is None, mta_hash=opts.mta_hash, files=_read_file)
    except DocsisError as exc:
        where = f"{conf}:{exc.line}" if exc.line is not None else conf
        print(f"{PROG}: {where}: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except ValueError as exc:  # e.g. a hash flag on a CM file
        print(f"{PROG}: {conf}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    write_atomic(out, data)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the exit code."""
    try:
        opts = _parse_args(sys.argv[1:] if argv is None else argv)
        if opts.action == "help":
            print(USAGE)
            return EXIT_OK
        files = opts.files
        if opts.action == "-d":
            return _decode(opts, files[0])
        if opts.action == "-e":
            return _encode(opts, files[0], files[2], files[1])
        return _encode(opts, files[0], files[1], None)
    except UsageError as exc:
        print(f"{PROG}: {exc}\n{USAGE}", file=sys.stderr)
        return EXIT_USAGE
    except DocsisError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return EXIT_IO


if __name__ == "__main__":
    sys.exit(main())
