"""The DOCSIS package stands alone: nothing under provha_daemon/docsis imports the rest of the application."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import provha_daemon.docsis
from provha_daemon.docsis import DocsisError

PACKAGE = Path(provha_daemon.docsis.__file__).resolve().parent
APP = "provha_daemon"
OWN = "provha_daemon.docsis"
_MODULE_NAME = re.compile(r"provha_daemon(?:\.\w+)*")


def imported(source: str, module: str) -> set[str]:
    """Every module ``source`` (the text of module ``module``) imports: absolute, relative (resolved) and by a string
    naming an application module (``importlib.import_module("provha_daemon.x")``)."""
    package = module.rsplit(".", 1)[0] if not module.endswith(".__init__") else module.removesuffix(".__init__")
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            names.add(target)
            names.update(f"{target}.{alias.name}" for alias in node.names if target == APP)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _MODULE_NAME.fullmatch(node.value):
            names.add(node.value)
    return names


def outside(names: set[str]) -> set[str]:
    """The application modules among ``names`` that are not part of the DOCSIS package."""
    return {
        name
        for name in names
        if (name == APP or name.startswith(f"{APP}."))
        and name != OWN
        and not name.startswith(f"{OWN}.")
        and name != APP
    }  # ``from provha_daemon import x`` is judged by its ``provha_daemon.x``


def module_name(path: Path) -> str:
    """``provha_daemon.docsis.x`` for a file of the package."""
    return ".".join((OWN, *path.relative_to(PACKAGE).with_suffix("").parts))


def test_docsis_imports_nothing_of_the_application() -> None:
    """No module under provha_daemon/docsis imports a provha_daemon module outside provha_daemon.docsis."""
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) >= 10  # the package itself was found
    found = {
        f"{path.name}: {name}"
        for path in files
        for name in outside(imported(path.read_text(encoding="utf-8"), module_name(path)))
    }
    assert found == set()


def test_the_import_check_sees_every_kind_of_import() -> None:
    """The check catches absolute, ``from provha_daemon import``, relative and string imports, and passes own ones."""
    module = "provha_daemon.docsis.template"
    for source in (
        "from provha_daemon.errors import ProvhaError",
        "import provha_daemon.errors",
        "from provha_daemon import errors",
        "from ..errors import ProvhaError",
        "from .. import errors",
        "import importlib\nimportlib.import_module('provha_daemon.errors')",
    ):
        assert outside(imported(source, module)) == {"provha_daemon.errors"}, source
    for source in (
        "from provha_daemon.docsis.errors import DocsisError",
        "from . import errors",
        "from .errors import DocsisError",
        "from provha_daemon import docsis",
        "import re",
    ):
        assert outside(imported(source, module)) == set(), source


def test_docsis_error_is_its_own_base() -> None:
    """``DocsisError`` derives from ``Exception`` alone, not from an application error class."""
    assert DocsisError.__mro__ == (DocsisError, Exception, BaseException, object)
