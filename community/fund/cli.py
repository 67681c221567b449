from pathlib import Path

import click
from flask.cli import AppGroup

from ..core.errors import AppError
from . import ledger

fund_cli = AppGroup("fund", help="The maintenance fund.")


@fund_cli.command("import-opening")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_opening(path: Path) -> None:
    """Import opening balances from the bank's CSV (columns: unit, amount in yuan). One bad row imports nothing."""
    try:
        result = ledger.import_opening(None, ledger.parse_opening_csv(path.read_bytes()), via="cli")
    except AppError as error:
        raise click.ClickException(f"{error.field or ''}: {error.message}") from None
    click.echo(f"imported {result['imported']}, total {result['total']}")
