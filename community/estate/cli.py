from pathlib import Path

import click
from flask.cli import AppGroup

from ..core.errors import AppError
from . import services

units_cli = AppGroup("units", help="The estate roster.")


@units_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_csv(path: Path) -> None:
    """Import or update units and owners from a CSV file (columns: code, building, area,
    developer_held, owner_name, owner_id_number; one row per owner)."""
    try:
        result = services.import_units(None, services.parse_csv(path.read_bytes()), via="cli")
    except AppError as error:
        raise click.ClickException(f"{error.field or ''}: {error.message}") from None
    click.echo(f"created {result['created']}, updated {result['updated']}")
