"""Compiled templates: placeholders filled per device, the caller's drop rule, per-device encoding, errors per line.

These are the package's own, generic rules; NMS Prime's line rule on top of them is tested with
``render.tftp.compile_nms_template`` in tests/test_render_tftp_template.py.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from provha_daemon.docsis import (
    BadValueError,
    DocsisError,
    DocsisSyntaxError,
    MtaHash,
    Template,
    TemplateValueError,
    UnknownKeywordError,
    ValueRangeError,
    compile_template,
    encode,
    parse,
)
from provha_daemon.docsis.keywords import MAIN

KEY = b"cmts-secret"
TEMPLATE = """Main
{
\tNetworkAccess {modem.network_access.0};
\tMaxCPE 4;
\tUsServiceFlow
\t{
\t\tUsServiceFlowRef 1;
\t\tQosParamSetType 7;
\t\tMaxRateSustained {qos.us_rate_max_help.0};
\t}
\tDsServiceFlow
\t{
\t\tDsServiceFlowRef 2;
\t\tQosParamSetType 7;
\t\tMaxRateSustained {qos.ds_rate_max_help.0};
\t}
\tSnmpMibObject sysLocation.0 String "{modem.hostname.0} in {modem.city.0}";
\tSnmpMibObject docsDevNmAccessStatus.1 Integer 4;
}
"""


def substituted(template: str, values: dict[str, str], drop: Callable[[str], bool] | None = None) -> str:
    """The reference, written out independently: replace every ``{name}`` that has a value, then leave every line
    the rule drops empty (so that error line numbers match the template's)."""
    text = template
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return "\n".join("" if drop is not None and drop(row) else row for row in text.split("\n"))


def outcome(make: Callable[[], bytes]) -> bytes | tuple[type[DocsisError], int | None]:
    """The bytes made, or the error's type and line: what two ways of encoding must agree on."""
    try:
        return make()
    except DocsisError as exc:
        return type(exc), exc.line


def assert_agree(
    template: Template, text: str, values: dict[str, str], drop: Callable[[str], bool] | None = None
) -> None:
    """The compiled template and the substituted text give the same bytes, or the same error and line."""
    assert outcome(lambda: template.encode(values, KEY)) == outcome(
        lambda: encode(substituted(text, values, drop), KEY)
    )


def skip_rule(row: str) -> bool:
    """A caller's rule for the tests: a line holding the word ``skip`` is left out."""
    return "skip" in row


def full(**values: str) -> dict[str, str]:
    """Values for every placeholder of TEMPLATE, overridable."""
    base = {
        "modem.network_access.0": "1",
        "qos.us_rate_max_help.0": "1024000",
        "qos.ds_rate_max_help.0": "8192000",
        "modem.hostname.0": "cm-1",
        "modem.city.0": "Berlin",
    }
    return base | values


def test_fast_path_and_placeholders() -> None:
    """A template of whole-statement lines compiles for the fast path and lists its placeholders."""
    template = compile_template(TEMPLATE)
    assert template.fast
    assert template.placeholders == set(full())


def test_filled_template_equals_encoding_the_filled_text() -> None:
    """Encoding with values is the same as encoding the substituted text."""
    values = full()
    assert compile_template(TEMPLATE).encode(values, KEY) == encode(substituted(TEMPLATE, values), KEY)


def test_value_with_a_line_break_is_refused() -> None:
    """A value with a line break would inject lines: TemplateValueError naming the line and placeholder."""
    with pytest.raises(TemplateValueError) as caught:
        compile_template(TEMPLATE).encode(full(**{"modem.city.0": "x\nMaxCPE 200;"}), KEY)
    assert (caught.value.line, caught.value.keyword) == (17, "modem.city.0")


def test_bad_value_names_the_template_line() -> None:
    """A value that breaks its statement fails for that modem with the template's line number."""
    with pytest.raises(BadValueError) as caught:
        compile_template(TEMPLATE).encode(full(**{"qos.ds_rate_max_help.0": "fast"}), KEY)
    assert (caught.value.line, caught.value.keyword) == (15, "MaxRateSustained")
    with pytest.raises(ValueRangeError) as out_of_range:
        compile_template(TEMPLATE).encode(full(**{"modem.network_access.0": "3"}), KEY)
    assert out_of_range.value.line == 3


def test_static_errors_surface_at_compile_time() -> None:
    """An error in the template's own lines is raised by compile_template, naming the line."""
    with pytest.raises(UnknownKeywordError) as caught:
        compile_template("Main\n{\n\tNetworkAccess {modem.na.0};\n\tMaxCpe 3;\n}")
    assert caught.value.line == 4


def test_dynamic_line_in_a_comment_is_ignored() -> None:
    """A placeholder line inside a multi-line comment is commented out whatever its value."""
    text = "Main\n{\n/*\n\tMaxCPE {modem.cpe.0};\n*/\n\tNetworkAccess 1;\n}"
    template = compile_template(text)
    assert template.encode({"modem.cpe.0": "not a number"}, KEY) == encode("Main { NetworkAccess 1; }", KEY)


def test_line_with_several_statements() -> None:
    """A dynamic line may hold several complete statements."""
    text = "Main\n{\n\tNetworkAccess 1; MaxCPE {modem.cpe.0}; GlobalPrivacyEnable 1;\n}"
    assert compile_template(text).encode({"modem.cpe.0": "7"}, KEY) == encode(
        "Main { NetworkAccess 1; MaxCPE 7; GlobalPrivacyEnable 1; }", KEY
    )


@pytest.mark.parametrize(
    "text",
    [
        "Main\n{\n\tMaxCPE {modem.cpe.0}; /* per modem */\n\tNetworkAccess 1;\n}",
        'Main\n{\n\tNetworkAccess 1;\n\tSnmpMibObject sysLocation.0\n\t\tString "{modem.city.0}";\n}',
    ],
)
def test_slow_path_templates_give_the_same_result(text: str) -> None:
    """Lines with comment delimiters or statements spread over lines use the full parse, with the same result."""
    template = compile_template(text)
    assert not template.fast
    values = {"modem.cpe.0": "5", "modem.city.0": "Ulm"}
    assert template.encode(values, KEY) == encode(substituted(text, values), KEY)


def test_mta_template_with_hash() -> None:
    """An MTA template (MtaConfigDelimiter lines around it) encodes with the requested hash object."""
    text = (
        "Main\n{\n\tMtaConfigDelimiter 1;\n\tSnmpMibObject pktcMtaDevEnabled.0 Integer 1;\n"
        '\tSnmpMibObject enterprises.32473.7.1.1.0 String "sip:{phonenumber.username.1}@voice.example";\n'
        "\tMtaConfigDelimiter 255;\n}"
    )
    values = {"phonenumber.username.1": "+4930123"}
    assert compile_template(text).encode(values, mta=True, mta_hash=MtaHash.EU) == encode(
        substituted(text, values), mta=True, mta_hash=MtaHash.EU
    )


def test_crlf_template() -> None:
    """A template with CR LF line ends works on the fast path, lines counted as usual."""
    text = TEMPLATE.replace("\n", "\r\n")
    template = compile_template(text)
    assert template.fast
    assert template.encode(full(), KEY) == compile_template(TEMPLATE).encode(full(), KEY)
    with pytest.raises(BadValueError) as caught:
        template.encode(full(**{"qos.ds_rate_max_help.0": "fast"}), KEY)
    assert caught.value.line == 15


def test_line_cache_never_mixes_devices() -> None:
    """Filled lines are parsed once per distinct value set; devices with other values still get their own bytes."""
    from provha_daemon.docsis import compile_template, encode

    text = 'Main\n{\n\tMaxCPE {provbase.max_cpe.0};\n\tSnmpMibObject sysLocation.0 String "{modem.street.0}";\n}'
    template = compile_template(text)
    for cpe, street in [("3", "A"), ("3", "B"), ("4", "A"), ("3", "A")]:
        values = {"provbase.max_cpe.0": cpe, "modem.street.0": street}
        filled = text.replace("{provbase.max_cpe.0}", cpe).replace("{modem.street.0}", street)
        assert template.encode(values, b"k") == encode(filled, b"k")


def test_file_keywords_are_refused_in_templates() -> None:
    """A configfile from the database cannot make the daemon read a file: DigitMap and the CVC files name the line."""
    for line in ('DigitMap "/etc/shadow";', 'ManufacturerCVC "/tftpboot/keyfile";'):
        with pytest.raises(BadValueError, match="files are not read") as caught:
            compile_template(f"Main {{\n  NetworkAccess 1;\n  {line}\n}}")
        assert caught.value.line == 3


def test_without_a_rule_every_line_is_kept() -> None:
    """Without a drop rule a line with a brace group and no placeholder is the template's own text, kept as is."""
    text = "Main\n{\n\tNetworkAccess 1;\n\tUsServiceFlow { UsServiceFlowRef 1; }\n}"
    assert compile_template(text).encode({}, KEY) == encode(text, KEY)


@pytest.mark.parametrize(
    ("text", "line", "name"),
    [
        (TEMPLATE, 17, "modem.city.0"),
        ("Main\n{\n\tMaxCPE {modem.cpe.0}; /* per modem */\n\tNetworkAccess 1;\n}", 3, "modem.cpe.0"),
    ],
)
def test_placeholder_without_a_value_is_an_error_without_a_rule(text: str, line: int, name: str) -> None:
    """A kept line whose placeholder has no value is refused, naming the line and placeholder, on both paths."""
    values = {k: v for k, v in full().items() if k != name}
    template = compile_template(text)
    with pytest.raises(TemplateValueError) as caught:
        template.encode(values, KEY)
    assert (caught.value.line, caught.value.keyword) == (line, name)
    with pytest.raises(TemplateValueError):
        template.render(values)


def test_rule_sees_absent_placeholders_as_written() -> None:
    """The rule judges each line once filled, a placeholder without a value still written as ``{name}``."""
    seen: list[str] = []

    def rule(row: str) -> bool:
        seen.append(row)
        return "{modem." in row

    values = {k: v for k, v in full().items() if k != "modem.city.0"}
    data = compile_template(TEMPLATE, rule).encode(values, KEY)
    assert '\tSnmpMibObject sysLocation.0 String "cm-1 in {modem.city.0}";' in seen
    assert data == encode(substituted(TEMPLATE, values, rule), KEY)
    assert b"cm-1" not in data  # the whole line went


@pytest.mark.parametrize(
    ("text", "fast"),
    [
        (
            "Main\n{\n\tNetworkAccess 1;\n\tMaxCPE 3; /* skip */\n\tSnmpMibObject sysLocation.0 String "
            '"{modem.city.0}";\n\tMaxClassifiers {modem.cls.0};\n}',
            True,
        ),
        (
            "Main\n{\n\tNetworkAccess 1;\n\tMaxCPE 3; /* skip */\n\tSnmpMibObject sysLocation.0 String "
            '"{modem.city.0}";\n\tMaxClassifiers {modem.cls.0}; /* per modem */\n}',
            False,
        ),
    ],
)
def test_caller_rule_drops_lines_on_both_paths(text: str, fast: bool) -> None:
    """A static line the rule drops goes once at compile time, a filled one per device, on both paths alike."""
    template = compile_template(text, skip_rule)
    assert template.fast is fast
    for city in ("Ulm", "skip", ""):
        for cls in ("20", "skip"):
            values = {"modem.city.0": city, "modem.cls.0": cls}
            assert_agree(template, text, values, skip_rule)
    assert b"\x12\x01\x03" not in template.encode({"modem.city.0": "Ulm", "modem.cls.0": "20"}, KEY)  # MaxCPE 3


def test_render_leaves_dropped_lines_empty() -> None:
    """``render`` gives the filled text with the lines the rule drops left empty, so line numbers stay."""
    rendered = compile_template(TEMPLATE, skip_rule).render(full(**{"modem.city.0": "skip"}))
    assert rendered.count("\n") == TEMPLATE.count("\n")
    assert rendered.split("\n")[16] == ""
    assert "cm-1" not in rendered and "MaxRateSustained 8192000;" in rendered


def test_given_items_are_used_as_they_are() -> None:
    """Items the caller parsed for a line that is one placeholder alone go in as given; the rule is not asked."""
    asked: list[str] = []

    def rule(row: str) -> bool:
        asked.append(row)
        return False

    template = compile_template("Main\n{\n{row.0}\n\tNetworkAccess 1;\n}", rule)
    assert template.slot_blocks() == {"row.0": MAIN}
    asked.clear()
    given = {"row.0": parse("Main { MaxCPE 7; }")}
    assert template.encode({}, KEY, given=given) == encode("Main { MaxCPE 7; NetworkAccess 1; }", KEY)
    assert asked == []


def test_random_values_fast_path_equals_the_substituted_text() -> None:
    """For random odd values the fast path equals the substituted text, encoded, without a rule and with one."""
    rng = random.Random(4712)
    template, ruled = compile_template(TEMPLATE), compile_template(TEMPLATE, skip_rule)
    for _ in range(300):
        values = full(
            **{
                "modem.network_access.0": rng.choice("01"),
                "qos.us_rate_max_help.0": str(rng.randrange(2**32)),
                "qos.ds_rate_max_help.0": rng.choice([str(rng.randrange(2**32)), "skip"]),
                "modem.hostname.0": f"cm-{rng.randrange(10**6)}",
                "modem.city.0": rng.choice(["", "Köln", "a b", "x;y", 'q"q', "b\\s", "t\tt", "{x}", "@@PH0@@", "skip"]),
            }
        )
        if values["qos.ds_rate_max_help.0"] != "skip":  # else two errors, which the two ways may report in turn
            assert_agree(template, TEMPLATE, values)
        assert_agree(ruled, TEMPLATE, values, skip_rule)


@pytest.mark.parametrize(
    "value", ["5", "", " 5", "5 ", "5;", "0x05", "5 6", "/*", "{x}", "@@PH0@@", "-1", "300", "skip"]
)
def test_word_values_agree_with_the_substituted_text(value: str) -> None:
    """Whatever a word value holds, fast fill and substituted text agree (bytes or error), with a rule or without."""
    text = (
        "Main\n{\n\tNetworkAccess 1;\n\tMaxCPE {modem.cpe.0};\n\tSnmpMibObject sysLocation.{modem.idx.0} "
        'String "at {modem.cpe.0}\\ x";\n}'
    )
    values = {"modem.cpe.0": value, "modem.idx.0": "0"}
    assert_agree(compile_template(text), text, values)
    assert_agree(compile_template(text, skip_rule), text, values, skip_rule)


def test_block_emptied_by_the_rule_is_an_error() -> None:
    """If the rule drops every line of a block the text would hold ``Block { }``, a grammar error naming the block."""
    text = "Main\n{\n\tNetworkAccess 1;\n\tUsServiceFlow\n\t{\n\t\tMaxRateSustained {qos.x.0};\n\t}\n}"
    template = compile_template(text, skip_rule)
    assert template.encode({"qos.x.0": "5"}, KEY) == encode(substituted(text, {"qos.x.0": "5"}), KEY)
    with pytest.raises(DocsisSyntaxError) as caught:
        template.encode({"qos.x.0": "skip"}, KEY)
    assert caught.value.line == 4
