"""The DOCSIS config text of a modem or MTA, assembled exactly as NMS Prime assembles it.

NMS Prime fills ``{table.column.N}`` placeholders of each configfile in the parent chain with database values
(plain string replacement, in a fixed table order), evaluates the few expressions it knows
(``{a,+,b}``, ``{{x},?,default}``, ``{text,start[,length]}``), drops every line that still holds an unresolved
``{…}``, indents each line with a tab, and wraps the result in ``Main { … }`` with the settings it derives itself
(NetworkAccess, MaxCPE, CpeMacAddress). Pure: values in, text out.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Iterable, Mapping, Sequence

# A brace group without an inner opening brace: NMS Prime's test for "a placeholder is left on this line".
_LEFT = re.compile(r"\{[^{]*\}")
# What NMS Prime replaces an evaluated expression with: from the first "{" to the last "}" of the line.
_GREEDY = re.compile(r"\{.*\}")
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z0-9_]+)\.(\d+)\}")

Row = Mapping[str, object]
# table -> index -> row (index 0 for modem/qos/provbase/mta; the port for phonenumber)
Tables = Mapping[str, Mapping[int, Row]]


def php_string(value: object) -> str:
    """A database value as PHP prints it into a string (NULL and false are empty, whole floats lose ".0")."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def placeholders(text: str) -> set[tuple[str, str]]:
    """The ``(table, column)`` pairs a template refers to, so only those columns need to be read."""
    return {(m.group(1), m.group(2)) for m in PLACEHOLDER.finditer(text)}


def fill(text: str, tables: Iterable[tuple[str, Mapping[int, Row]]]) -> str:
    """Replace every ``{table.column.N}`` whose table row N exists, table by table in the given order."""
    for table, rows in tables:
        for index, row in rows.items():
            prefix = f"{{{table}."
            if prefix not in text:
                break
            suffix = f".{index}}}"
            for column, value in row.items():
                token = f"{prefix}{column}{suffix}"
                if token in text:
                    text = text.replace(token, php_string(value))
    return text


def _php_substr(text: str, start: int, length: int | None = None) -> str:
    size = len(text)
    if start < 0:
        start = max(size + start, 0)
    if start > size:
        return ""
    if length is None:
        return text[start:]
    end = size + length if length < 0 else start + length
    return text[start:max(end, start)]


def _number(text: str) -> float | None:
    try:
        return float(text.strip())
    except ValueError:
        return None


def evaluate(row: str, group: str) -> str | None:
    """NMS Prime's ``_calc_eval``: the line with its expression evaluated, or None when the line is dropped."""
    if row.startswith("raw;"):
        return row
    ops = group.strip("{}").split(",")
    result: str
    if len(ops) == 3 and ops[1] in "+-*/" and len(ops[1]) == 1 and (a := _number(ops[0])) is not None \
            and (b := _number(ops[2])) is not None:
        if ops[1] == "/" and b == 0:
            return None
        value = {"+": a + b, "-": a - b, "*": a * b, "/": a / b if b else 0.0}[ops[1]]
        result = php_string(float(decimal.Decimal(value).quantize(0, decimal.ROUND_HALF_UP)))
    elif len(ops) == 3 and ops[1] == "?":
        result = ops[2] if "}" in ops[0] else ops[0]
    elif len(ops) == 2:
        result = _php_substr(ops[0], _int(ops[1]))
    elif len(ops) == 3:
        result = _php_substr(ops[0], _int(ops[1]), _int(ops[2]))
    else:
        return None
    return _GREEDY.sub(lambda _: result, row, count=1)


def _int(text: str) -> int:
    match = re.match(r"\s*[+-]?\d+", text)
    return int(match.group()) if match else 0


def lines(text: str, extensions: Sequence[str] = ()) -> str:
    """Each line of a filled template (and the extension lines) as ``\\n\\t<line>``, unresolved lines dropped."""
    out = []
    for row in [*text.split("\n"), *extensions]:
        group = _LEFT.search(row)
        if group is not None:
            evaluated = evaluate(row, group.group())
            if evaluated is None:
                continue
            row = evaluated
        out.append(f"\n\t{row}")
    return "".join(out)


def modem_settings(network_access: bool, max_cpe: int, mta_macs: Sequence[str], text: str) -> str:
    """The lines NMS Prime puts before a modem's template text: NetworkAccess, MaxCPE, CpeMacAddress."""
    head = f"\tNetworkAccess {1 if network_access else 0};\n"
    # MaxCPE from the template wins; comments do not count as setting it.
    if "MaxCPE" not in re.sub(r"/\*.*?\*/", "", text, flags=re.S):
        head += f"\tMaxCPE {max_cpe};\n"
    if network_access and "CpeMacAddress skip" not in text:
        head += "".join(f"\tCpeMacAddress {mac};\n" for mac in mta_macs)
    return head


def wrap_modem(head: str, body: str) -> str:
    """The complete modem config text."""
    return f"Main\n{{\n{head}{body}\n}}"


def wrap_mta(body: str) -> str:
    """The complete MTA config text, between the PacketCable delimiters."""
    return f"Main\n{{\n\tMtaConfigDelimiter 1;{body}\n\tMtaConfigDelimiter 255;\n}}"
