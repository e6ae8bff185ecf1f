"""`attendance report ...`."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True, help="Monthly discipline report and C01-HD timesheet.")
