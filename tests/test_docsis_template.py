"""Compiled templates: NMS Prime's placeholder and line-dropping rules, per-modem encoding, errors per line."""

from __future__ import annotations

import random
import re
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
)

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


def nms_text(template: str, values: dict[str, str], *, blank: bool = False) -> str:
    """NMS Prime's Configfile::__text_make, written out independently: str_replace, explode, drop ``{…}`` lines.

    With ``blank`` a dropped line is left empty instead, so that error line numbers match the template's.
    """
    text = template
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    rows = text.split("\n")
    dropped = [bool(re.search(r"\{[^\{]*\}", row)) for row in rows]
    if blank:
        return "\n".join("" if drop else row for row, drop in zip(rows, dropped, strict=True))
    return "\n".join(row for row, drop in zip(rows, dropped, strict=True) if not drop)


def outcome(make: Callable[[], bytes]) -> bytes | tuple[type[DocsisError], int | None]:
    """The bytes made, or the error's type and line: what two ways of encoding must agree on."""
    try:
        return make()
    except DocsisError as exc:
        return type(exc), exc.line


def assert_agree(template: Template, text: str, values: dict[str, str]) -> None:
    """The compiled template and NMS Prime's substituted text give the same bytes, or the same error and line."""
    assert outcome(lambda: template.encode(values, KEY)) == outcome(
        lambda: encode(nms_text(text, values, blank=True), KEY))


def full(**values: str) -> dict[str, str]:
    """Values for every placeholder of TEMPLATE, overridable."""
    base = {"modem.network_access.0": "1", "qos.us_rate_max_help.0": "1024000", "qos.ds_rate_max_help.0": "8192000",
            "modem.hostname.0": "cm-1", "modem.city.0": "Berlin"}
    return base | values


def test_fast_path_and_placeholders() -> None:
    """A template of whole-statement lines compiles for the fast path and lists its placeholders."""
    template = compile_template(TEMPLATE)
    assert template.fast
    assert template.placeholders == set(full())


def test_filled_template_equals_encoding_the_filled_text() -> None:
    """Encoding with values is the same as encoding NMS Prime's substituted text."""
    values = full()
    assert compile_template(TEMPLATE).encode(values, KEY) == encode(nms_text(TEMPLATE, values), KEY)


def test_line_with_an_absent_placeholder_is_dropped() -> None:
    """A line whose placeholder has no value disappears, as in NMS Prime; other lines stay."""
    values = full()
    del values["modem.city.0"]
    data = compile_template(TEMPLATE).encode(values, KEY)
    assert data == encode(nms_text(TEMPLATE, values), KEY)
    assert b"Berlin" not in data
    assert b"cm-1" not in data  # the whole line went, not just the placeholder


def test_empty_value_is_substituted() -> None:
    """A present but empty value (a database NULL) is substituted, not dropped."""
    template = compile_template('Main {\n\tSwUpgradeFilename "{modem.fw.0}";\n}')
    assert template.encode({"modem.fw.0": ""}, KEY)[:2] == b"\x09\x00"


def test_static_line_with_braces_is_always_dropped() -> None:
    """NMS Prime drops a one-line block too (it matches its pattern); the template mirrors that."""
    text = "Main\n{\n\tNetworkAccess 1;\n\tUsServiceFlow { UsServiceFlowRef 1; }\n}"
    assert compile_template(text).encode({}, KEY) == encode("Main\n{\n\tNetworkAccess 1;\n}", KEY)


def test_value_with_braces_drops_its_line() -> None:
    """A value that leaves ``{…}`` in the line makes NMS Prime drop the line; so do we."""
    values = full(**{"modem.city.0": "{unknown}"})
    assert compile_template(TEMPLATE).encode(values, KEY) == encode(nms_text(TEMPLATE, values), KEY)


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


def test_block_emptied_by_dropped_lines_is_an_error() -> None:
    """If every line of a block is dropped the tool would get ``Block { }``, a grammar error; so is ours."""
    text = "Main\n{\n\tNetworkAccess 1;\n\tUsServiceFlow\n\t{\n\t\tMaxRateSustained {qos.x.0};\n\t}\n}"
    with pytest.raises(DocsisSyntaxError) as caught:
        compile_template(text).encode({}, KEY)
    assert caught.value.line == 4


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
        "Main { NetworkAccess 1; MaxCPE 7; GlobalPrivacyEnable 1; }", KEY)


@pytest.mark.parametrize("text", [
    "Main\n{\n\tMaxCPE {modem.cpe.0}; /* per modem */\n\tNetworkAccess 1;\n}",
    'Main\n{\n\tNetworkAccess 1;\n\tSnmpMibObject sysLocation.0\n\t\tString "{modem.city.0}";\n}',
])
def test_slow_path_templates_give_the_same_result(text: str) -> None:
    """Lines with comment delimiters or statements spread over lines use the full parse, with the same result."""
    template = compile_template(text)
    assert not template.fast
    values = {"modem.cpe.0": "5", "modem.city.0": "Ulm"}
    assert template.encode(values, KEY) == encode(nms_text(text, values), KEY)


def test_slow_path_drops_lines_too() -> None:
    """The slow path drops a line with an absent placeholder, and reports what that breaks, as the tool would."""
    template = compile_template("Main\n{\n\tMaxCPE {modem.cpe.0}; /* per modem */\n\tNetworkAccess 1;\n}")
    assert template.encode({}, KEY) == encode("Main { NetworkAccess 1; }", KEY)
    split = compile_template('Main\n{\n\tSnmpMibObject sysLocation.0\n\t\tString "{modem.city.0}";\n}')
    with pytest.raises(DocsisSyntaxError) as caught:
        split.encode({}, KEY)
    assert caught.value.line == 5  # the closing brace where the type should be


def test_mta_template_with_hash() -> None:
    """An MTA template (NMS Prime's wrapper lines) encodes with the requested hash object."""
    text = ("Main\n{\n\tMtaConfigDelimiter 1;\n\tSnmpMibObject pktcMtaDevEnabled.0 Integer 1;\n"
            '\tSnmpMibObject enterprises.32473.7.1.1.0 String "sip:{phonenumber.username.1}@voice.example";\n'
            "\tMtaConfigDelimiter 255;\n}")
    values = {"phonenumber.username.1": "+4930123"}
    assert compile_template(text).encode(values, mta=True, mta_hash=MtaHash.EU) == encode(
        nms_text(text, values), mta=True, mta_hash=MtaHash.EU)


def test_render_keeps_line_numbers() -> None:
    """``render`` gives NMS Prime's text with dropped lines left empty, so errors keep the template's numbering."""
    rendered = compile_template(TEMPLATE).render({})
    assert rendered.count("\n") == TEMPLATE.count("\n")
    assert "MaxRateSustained" not in rendered


def test_random_values_fast_path_equals_nms_rendering() -> None:
    """For many random value sets (some absent, empty or odd) the fast path equals NMS Prime's text, encoded."""
    rng = random.Random(4711)
    template = compile_template(TEMPLATE)
    for _ in range(300):
        values = {
            name: value for name, value in full(**{
                "modem.network_access.0": rng.choice("01"),
                "qos.us_rate_max_help.0": str(rng.randrange(2**32)),
                "qos.ds_rate_max_help.0": str(rng.randrange(2**32)),
                "modem.hostname.0": f"cm-{rng.randrange(10**6)}",
                "modem.city.0": rng.choice(["", "Köln", "a b", "x;y", 'q"q', "b\\s", "t\tt", "{x}", "@@PH0@@"]),
            }).items() if rng.random() > 0.15
        }
        assert_agree(template, TEMPLATE, values)


def test_crlf_template() -> None:
    """A template with CR LF line ends works on the fast path, lines counted as usual."""
    text = TEMPLATE.replace("\n", "\r\n")
    template = compile_template(text)
    assert template.fast
    assert template.encode(full(), KEY) == compile_template(TEMPLATE).encode(full(), KEY)
    with pytest.raises(BadValueError) as caught:
        template.encode(full(**{"qos.ds_rate_max_help.0": "fast"}), KEY)
    assert caught.value.line == 15


@pytest.mark.parametrize("value", ["5", "", " 5", "5 ", "5;", "0x05", "5 6", "/*", "{x}", "@@PH0@@", "-1", "300"])
def test_word_values_on_both_paths(value: str) -> None:
    """Whatever a value holds, the per-token fast fill and NMS Prime's text give the same bytes or both fail."""
    text = "Main\n{\n\tNetworkAccess 1;\n\tMaxCPE {modem.cpe.0};\n\tSnmpMibObject sysLocation.{modem.idx.0} " \
           'String "at {modem.cpe.0}\\ x";\n}'
    assert_agree(compile_template(text), text, {"modem.cpe.0": value, "modem.idx.0": "0"})


def test_line_cache_never_mixes_devices() -> None:
    """Filled lines are parsed once per distinct value set; devices with other values still get their own bytes."""
    from provha_daemon.docsis import compile_template, encode

    text = "Main\n{\n\tMaxCPE {provbase.max_cpe.0};\n\tSnmpMibObject sysLocation.0 String \"{modem.street.0}\";\n}"
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
