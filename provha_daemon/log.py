"""structlog configuration: JSON lines on stdout for journald, a readable console format on a terminal."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

import structlog


def configure(*, verbose: bool = False, stream: TextIO | None = None, json: bool | None = None) -> None:
    """Configure structlog once, from the CLI; library code only calls ``structlog.get_logger``."""
    stream = stream or sys.stdout
    as_json = not stream.isatty() if json is None else json
    processors: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    if as_json:
        processors += [structlog.processors.format_exc_info, structlog.processors.JSONRenderer()]
    else:
        processors.append(structlog.dev.ConsoleRenderer(colors=False))
    structlog.configure(
        processors=processors,
        wrapper_class=structlog.make_filtering_bound_logger(logging.DEBUG if verbose else logging.INFO),
        logger_factory=structlog.PrintLoggerFactory(file=stream),
        cache_logger_on_first_use=False,
    )
