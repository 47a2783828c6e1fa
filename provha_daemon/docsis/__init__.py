"""DOCSIS and PacketCable config files: a pure-Python encoder and decoder for the classic ``docsis`` tool's syntax.

Provisioning systems such as NMS Prime build every cable modem's and MTA's binary config file by running the C tool
once per device; this package produces the same bytes in-process and stands alone (it imports nothing else of
``provha_daemon``). One-shot use::

    encode(text, key)                          # docsis -e TEXT KEYFILE OUT   (CM file with MICs)
    encode(text, mta=True, mta_hash=MtaHash.EU)  # docsis -eu -p TEXT OUT      (MTA file)
    decode(data, numeric=False, key=key)       # docsis [-o] -d FILE          (text back, MICs checked)

For many devices, compile a template with ``{name}`` placeholders once and fill it per device; which lines a device
gets is the caller's rule (``drop``: given a filled line, True leaves it out; without one every line is kept)::

    template = compile_template(text, drop=None)
    data = template.encode({"qos.ds_rate": "51200000", ...}, key)

Modules: ``lexer`` and ``parser`` (text to TLVs, with the keyword table in ``keywords`` and the name→OID table in
``oids``), ``values`` and ``ber`` (value and SNMP encodings), ``encoder`` (MICs, MTA hash, TLV 64), ``template``,
``decoder``, ``cli`` (the ``provha-docsis`` command). Errors are ``errors.DocsisError`` subclasses naming the line.
"""

from provha_daemon.docsis.decoder import Decoded, decode
from provha_daemon.docsis.encoder import MtaHash, build, encode, read_keyfile
from provha_daemon.docsis.errors import (
    BadValueError,
    DecodeError,
    DocsisError,
    DocsisSyntaxError,
    LexicalError,
    PlaceholderValueError,
    TemplateValueError,
    UnknownKeywordError,
    UnknownOidError,
    ValueRangeError,
    WrongBlockError,
)
from provha_daemon.docsis.parser import parse
from provha_daemon.docsis.template import DropRule, Template, compile_template

__all__ = [
    "BadValueError",
    "DecodeError",
    "Decoded",
    "DocsisError",
    "DocsisSyntaxError",
    "DropRule",
    "LexicalError",
    "MtaHash",
    "PlaceholderValueError",
    "Template",
    "TemplateValueError",
    "UnknownKeywordError",
    "UnknownOidError",
    "ValueRangeError",
    "WrongBlockError",
    "build",
    "compile_template",
    "decode",
    "encode",
    "parse",
    "read_keyfile",
]
