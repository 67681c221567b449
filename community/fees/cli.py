"""``flask --app wsgi fees import-balances FILE.csv``: opening balances of an estate that starts with arrears
on paper."""

from pathlib import Path

import click
from flask.cli import AppGroup

from ..core.errors import AppError

fees_cli = AppGroup("fees", help="Property fees.")


@fees_cli.command("import-balances")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_balances(path: Path) -> None:
    """Import CSV rows unit,period,amount[,description]; one bad row imports nothing."""
    from . import reports
    try:
        done = reports.import_balances(None, path.read_text(encoding="utf-8"), via="cli")
    except AppError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(f"imported {done['imported']} opening balances, {done['total']} in all")


@fees_cli.command("generate")
@click.argument("period")
def generate(period: str) -> None:
    """Make the bills of one period (YYYY-MM); bills that exist already are left alone."""
    from . import services
    try:
        done = services.generate(None, period, via="cli")
    except AppError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(f"{done['period']}: {done['created']} bills made, {done['existing']} existed")
