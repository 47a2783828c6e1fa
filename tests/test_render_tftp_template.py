"""NMS Prime's line rule on a compiled docsis template (``render.tftp.compile_nms_template``): a line that still holds
a ``{…}`` group once its placeholders are filled is dropped, as ``Configfile::__text_make`` drops it."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from provha_daemon import configtext as ct
from provha_daemon.docsis import DocsisError, DocsisSyntaxError, Template, encode
from provha_daemon.render.tftp import compile_nms_template
from tests.test_docsis_template import KEY, TEMPLATE, full


def nms_text(template: str, values: dict[str, str], *, blank: bool = False) -> str:
    """NMS Prime's Configfile::__text_make, written out on its own: str_replace, explode, drop ``{…}`` lines.

    With ``blank`` a dropped line is left empty instead, so that error line numbers match the template's.
    """
    text = template
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    rows = text.split("\n")
    dropped = [ct.unresolved(row) for row in rows]
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
        lambda: encode(nms_text(text, values, blank=True), KEY)
    )


def test_line_with_an_absent_placeholder_is_dropped() -> None:
    """A line whose placeholder has no value disappears, as in NMS Prime; other lines stay."""
    values = full()
    del values["modem.city.0"]
    data = compile_nms_template(TEMPLATE).encode(values, KEY)
    assert data == encode(nms_text(TEMPLATE, values), KEY)
    assert b"Berlin" not in data
    assert b"cm-1" not in data  # the whole line went, not just the placeholder


def test_empty_value_is_substituted() -> None:
    """A present but empty value (a database NULL) is substituted, not dropped."""
    template = compile_nms_template('Main {\n\tSwUpgradeFilename "{modem.fw.0}";\n}')
    assert template.encode({"modem.fw.0": ""}, KEY)[:2] == b"\x09\x00"


def test_static_line_with_braces_is_always_dropped() -> None:
    """NMS Prime drops a one-line block too (it matches its pattern); the template mirrors that."""
    text = "Main\n{\n\tNetworkAccess 1;\n\tUsServiceFlow { UsServiceFlowRef 1; }\n}"
    assert compile_nms_template(text).encode({}, KEY) == encode("Main\n{\n\tNetworkAccess 1;\n}", KEY)


def test_value_with_braces_drops_its_line() -> None:
    """A value that leaves ``{…}`` in the line makes NMS Prime drop the line; so do we."""
    values = full(**{"modem.city.0": "{unknown}"})
    assert compile_nms_template(TEMPLATE).encode(values, KEY) == encode(nms_text(TEMPLATE, values), KEY)


def test_block_emptied_by_dropped_lines_is_an_error() -> None:
    """If every line of a block is dropped the tool would get ``Block { }``, a grammar error; so is ours."""
    text = "Main\n{\n\tNetworkAccess 1;\n\tUsServiceFlow\n\t{\n\t\tMaxRateSustained {qos.x.0};\n\t}\n}"
    with pytest.raises(DocsisSyntaxError) as caught:
        compile_nms_template(text).encode({}, KEY)
    assert caught.value.line == 4


def test_slow_path_drops_lines_too() -> None:
    """The slow path drops a line with an absent placeholder, and reports what that breaks, as the tool would."""
    template = compile_nms_template("Main\n{\n\tMaxCPE {modem.cpe.0}; /* per modem */\n\tNetworkAccess 1;\n}")
    assert template.encode({}, KEY) == encode("Main { NetworkAccess 1; }", KEY)
    split = compile_nms_template('Main\n{\n\tSnmpMibObject sysLocation.0\n\t\tString "{modem.city.0}";\n}')
    with pytest.raises(DocsisSyntaxError) as caught:
        split.encode({}, KEY)
    assert caught.value.line == 5  # the closing brace where the type should be


def test_render_keeps_line_numbers() -> None:
    """``render`` gives NMS Prime's text with dropped lines left empty, so errors keep the template's numbering."""
    rendered = compile_nms_template(TEMPLATE).render({})
    assert rendered.count("\n") == TEMPLATE.count("\n")
    assert "MaxRateSustained" not in rendered


def test_random_values_fast_path_equals_nms_rendering() -> None:
    """For many random value sets (some absent, empty or odd) the fast path equals NMS Prime's text, encoded."""
    rng = random.Random(4711)
    template = compile_nms_template(TEMPLATE)
    for _ in range(300):
        values = {
            name: value
            for name, value in full(
                **{
                    "modem.network_access.0": rng.choice("01"),
                    "qos.us_rate_max_help.0": str(rng.randrange(2**32)),
                    "qos.ds_rate_max_help.0": str(rng.randrange(2**32)),
                    "modem.hostname.0": f"cm-{rng.randrange(10**6)}",
                    "modem.city.0": rng.choice(["", "Köln", "a b", "x;y", 'q"q', "b\\s", "t\tt", "{x}", "@@PH0@@"]),
                }
            ).items()
            if rng.random() > 0.15
        }
        assert_agree(template, TEMPLATE, values)


@pytest.mark.parametrize("value", ["5", "", " 5", "5 ", "5;", "0x05", "5 6", "/*", "{x}", "@@PH0@@", "-1", "300"])
def test_word_values_on_both_paths(value: str) -> None:
    """Whatever a value holds, the per-token fast fill and NMS Prime's text give the same bytes or both fail."""
    text = (
        "Main\n{\n\tNetworkAccess 1;\n\tMaxCPE {modem.cpe.0};\n\tSnmpMibObject sysLocation.{modem.idx.0} "
        'String "at {modem.cpe.0}\\ x";\n}'
    )
    assert_agree(compile_nms_template(text), text, {"modem.cpe.0": value, "modem.idx.0": "0"})


def test_line_with_a_brace_group_besides_its_placeholder_is_always_dropped() -> None:
    """A ``{…}`` that is no placeholder drops its line for every device, blanked at compile time (still fast)."""
    text = "Main\n{\n\tNetworkAccess 1;\n\tUsServiceFlow { MaxRateSustained {qos.x.0}; }\n\tMaxCPE {modem.cpe.0};\n}"
    template = compile_nms_template(text)
    assert template.fast
    assert template.placeholders == {"modem.cpe.0"}
    assert template.render({"qos.x.0": "5", "modem.cpe.0": "3"}).split("\n")[3] == ""
    assert template.encode({"qos.x.0": "5", "modem.cpe.0": "3"}, KEY) == encode(
        "Main\n{\n\tNetworkAccess 1;\n\tMaxCPE 3;\n}", KEY
    )


def test_the_rule_is_configtexts() -> None:
    """The template drops exactly the lines ``configtext.unresolved`` (NMS Prime's ``LEFT`` pattern) matches."""
    assert ct.unresolved("MaxCPE {modem.cpe.0};") and ct.unresolved("a {b,?,c}") and ct.unresolved("x {y}}")
    assert not ct.unresolved("Main {") and not ct.unresolved("}") and not ct.unresolved("a {{ b")
    values = {"modem.cpe.0": "{{"}  # no group left: NMS Prime keeps the line, and the tool fails on it
    text = "Main\n{\n\tMaxCPE {modem.cpe.0};\n}"
    assert_agree(compile_nms_template(text), text, values)
