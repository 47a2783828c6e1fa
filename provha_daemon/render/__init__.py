"""Pure render functions: ``Plant`` → ``Artifact`` lists, through the Jinja2 templates in ``templates/``."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import jinja2


def templates_dir() -> Path:
    """The templates shipped in the wheel, or the source tree's ``templates/`` in a checkout."""
    shipped = Path(str(resources.files("provha_daemon"))) / "templates"
    if shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parents[2] / "templates"


@cache
def environment(directory: Path | None = None) -> jinja2.Environment:
    """One Jinja2 environment per template directory; StrictUndefined so a missing value is an error."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(directory or templates_dir())),
        undefined=jinja2.StrictUndefined,
        # Config files, not HTML: values are validated before they get here, escaping would corrupt them.
        autoescape=False,  # noqa: S701
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
