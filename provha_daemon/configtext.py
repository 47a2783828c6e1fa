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
import math
import re
from collections.abc import Iterable, Mapping, Sequence

LEFT = re.compile(r"\{[^{]*\}")
"""A brace group without an inner opening brace: NMS Prime's test for "a placeholder is left on this line", the one
definition of its drop rule (``lines``, ``unresolved``, ``render.rows`` and ``render.tftp`` all use it)."""
# What NMS Prime replaces an evaluated expression with: from the first "{" to the last "}" of the line.
_GREEDY = re.compile(r"\{.*\}")
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z0-9_]+)\.(\d+)\}")

Row = Mapping[str, object]
# table -> index -> row (index 0 for modem/qos/provbase/mta; the port for phonenumber)
Tables = Mapping[str, Mapping[int, Row]]


def php_float(value: float) -> str:
    """A float as PHP prints it into a string (``precision`` = 14): ``10``, ``1.5``, ``1.0E+20``, ``-0``, ``INF``."""
    if math.isnan(value):
        return "NAN"
    if math.isinf(value):
        return "INF" if value > 0 else "-INF"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    text = f"{value:.14G}"
    if "E" not in text:
        return text
    mantissa, exponent = text.split("E")
    if "." not in mantissa:
        mantissa += ".0"
    return f"{mantissa}E{exponent[0]}{int(exponent[1:])}"


def php_string(value: object) -> str:
    """A database value as PHP prints it into a string (NULL and false are empty, floats with 14 digits)."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, float):
        return php_float(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    return str(value)


def placeholders(text: str) -> set[tuple[str, str]]:
    """The ``(table, column)`` pairs a template refers to, so only those columns need to be read."""
    return {(m.group(1), m.group(2)) for m in PLACEHOLDER.finditer(text)}


def unresolved(row: str) -> bool:
    """NMS Prime's line rule: a row that still holds a ``{…}`` group once filled is dropped (``LEFT``)."""
    return LEFT.search(row) is not None


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


class TextError(ValueError):
    """NMS Prime's PHP would abort the whole config text here (an uncaught Error in ``_calc_eval``)."""


_WS = " \t\n\r\v\f"
_NUMERIC = re.compile(rf"[{_WS}]*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[{_WS}]*")
_LEADING_NUMBER = re.compile(rf"[{_WS}]*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)")
_INT_MIN, _INT_MAX = -(1 << 63), (1 << 63) - 1
_BACKREF = re.compile(r"[\\$](\d\d?)|\$\{(\d\d?)\}")


def is_numeric(text: str) -> bool:
    """PHP 8's ``is_numeric`` for a string: decimal, optional sign and exponent, blanks around it."""
    return _NUMERIC.fullmatch(text) is not None


def _literal(text: str) -> int | float:
    """An ``is_numeric`` operand as PHP's ``eval`` reads it: source code, so ``010`` is octal and ``08`` an error."""
    body = text.strip(_WS)
    sign = -1 if body.startswith("-") else 1
    digits = body.lstrip("+-")
    if digits.isdigit():
        if len(digits) > 1 and digits.startswith("0"):
            if not set(digits) <= set("01234567"):
                raise TextError(f"{digits} is not a valid PHP number (a leading 0 makes it octal)")
            value = int(digits, 8)
        else:
            value = int(digits)
        return sign * value if _INT_MIN <= value <= _INT_MAX else sign * float(value)
    return sign * float(digits)


def _arith(a: int | float, op: str, b: int | float) -> int | float:
    if op == "/" and b == 0:
        raise TextError("division by zero")  # PHP 8 throws DivisionByZeroError, which _calc_eval does not catch
    if isinstance(a, int) and isinstance(b, int):
        if op == "/":
            return a // b if a % b == 0 and not (a == _INT_MIN and b == -1) else a / b
        exact = a + b if op == "+" else a - b if op == "-" else a * b
        if _INT_MIN <= exact <= _INT_MAX:
            return exact
        a, b = float(a), float(b)  # PHP integers overflow into floats
    fa, fb = float(a), float(b)
    try:
        return fa + fb if op == "+" else fa - fb if op == "-" else fa * fb if op == "*" else fa / fb
    except OverflowError:  # pragma: no cover - Python floats give inf for these, as PHP does
        return math.inf


def _round_helper(value: float) -> float:
    if value >= 0.0:
        return float(math.floor(value + 0.5))
    return float(math.ceil(value - 0.5)) or -0.0  # C's ceil keeps the sign of -0.4 + -0.5 rounded up


def php_round(value: float) -> float:
    """PHP 8.0's ``round($value)``: half away from zero, after pre-rounding to 15 significant digits."""
    if not math.isfinite(value) or value == 0.0:
        return value
    precision_places = 14 - math.floor(math.log10(abs(value)))
    if precision_places > 0 and precision_places - 15 < 0:
        use = max(precision_places, -60)
        tmp = _round_helper(value * 10.0**use if use >= 0 else value / 10.0**-use)
        tmp = tmp / 10.0 ** abs(-use)
    else:
        tmp = value
        if abs(tmp) >= 1e15:
            return value
    return _round_helper(tmp)


def php_intval(text: str) -> int:
    """PHP's ``intval`` of a string: its leading number (``"1e1"`` is 10, ``"5abc"`` 5, ``"abc"`` 0)."""
    m = _LEADING_NUMBER.match(text)
    if m is None:
        return 0
    number = m.group(1)
    if re.fullmatch(r"[+-]?\d+", number):
        value = int(number)
        return value if _INT_MIN <= value <= _INT_MAX else 0
    as_float = float(number)
    return int(as_float) if math.isfinite(as_float) and _INT_MIN <= as_float <= _INT_MAX else 0


def php_substr(text: str, start: int, length: int | None = None) -> str:
    """PHP 8's ``substr`` on the UTF-8 bytes of ``text`` (a cut inside a character keeps the raw bytes)."""
    data = text.encode("utf-8", "surrogateescape")
    size = len(data)
    if start > size:
        return ""
    if start < 0:
        start = 0 if -start > size else size + start
    if length is None:
        length = size - start
    elif length < 0:
        length = 0 if -length > size - start else size - start + length
    else:
        length = min(length, size - start)
    return data[start : start + length].decode("utf-8", "surrogateescape")


def php_replacement(replacement: str, whole: str) -> str:
    """``replacement`` as ``preg_replace`` reads it: ``\\`` and ``\\$`` escape, ``$0``/``\\0``/``${0}`` is the
    whole match and every other group reference is empty (the pattern has no groups)."""
    out: list[str] = []
    i = 0
    escaped_backslash = False  # the last character copied was a backslash that can still escape
    while i < len(replacement):
        char = replacement[i]
        if char in "\\$" and escaped_backslash:
            out[-1] = char
            escaped_backslash = False
            i += 1
            continue
        if char in "\\$":
            m = _BACKREF.match(replacement, i)
            if m is not None:
                out.append(whole if int(m.group(1) or m.group(2)) == 0 else "")
                i = m.end()
                escaped_backslash = False
                continue
        out.append(char)
        escaped_backslash = char == "\\"
        i += 1
    return "".join(out)


def evaluate(row: str, group: str) -> str | None:
    """NMS Prime's ``_calc_eval`` on PHP 8: the row with its expression evaluated, or None when the row is dropped.

    ``group`` is the first ``{…}`` without an inner ``{``; raises ``TextError`` where PHP throws (division by zero,
    an operand such as ``08``), which aborts the device's whole config in NMS Prime.
    """
    if row.startswith("raw;"):
        return row
    result = expression(group)
    if result is None:
        return None
    return _GREEDY.sub(lambda m: php_replacement(result, m.group()), row, count=1)


def expression(group: str) -> str | None:
    """The value of one ``{…}`` group as ``_calc_eval`` computes it (before ``preg_replace``), None if it has none."""
    ops = group.strip("{}").split(",")
    if len(ops) == 3 and is_numeric(ops[0]) and ops[1] in ("+", "-", "*", "/") and is_numeric(ops[2]):
        return php_float(php_round(float(_arith(_literal(ops[0]), ops[1], _literal(ops[2])))))
    if len(ops) == 3 and ops[1] == "?":
        return ops[2] if "}" in ops[0] else ops[0]
    if len(ops) == 2:
        return php_substr(ops[0], php_intval(ops[1]))
    if len(ops) == 3:
        return php_substr(ops[0], php_intval(ops[1]), php_intval(ops[2]))
    return None


def expression_span(row: str) -> tuple[int, int] | None:
    """Where ``_calc_eval``'s ``preg_replace('/\\{.*\\}/')`` puts the result: the first ``{`` to the last ``}``."""
    m = _GREEDY.search(row)
    return (m.start(), m.end()) if m else None


def lines(text: str, extensions: Sequence[str] = ()) -> str:
    """Each line of a filled template (and the extension lines) as ``\\n\\t<line>``, unresolved lines dropped."""
    out = []
    for row in [*text.split("\n"), *extensions]:
        group = LEFT.search(row)
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
