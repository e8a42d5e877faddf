"""The `offduty` command line. Each module registers its commands on the one Typer app."""

from offduty.service.cli import (  # noqa: F401  (registers their commands)
    comparing,
    data,
    roster,
    rosters_client,
    server,
    solving,
)
from offduty.service.cli.app import app, run


def main() -> None:  # pragma: no cover
    run()


__all__ = ["app", "main"]
