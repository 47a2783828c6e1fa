"""Allows ``python -m provha_daemon``."""

from provha_daemon.cli import main

raise SystemExit(main())
