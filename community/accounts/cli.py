import click
from flask.cli import AppGroup

from ..core.errors import AppError
from . import services

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create-admin")
@click.option("--phone", required=True)
@click.option("--name", "real_name", required=True)
@click.option("--password", required=True)
def create_admin(phone: str, real_name: str, password: str) -> None:
    """Create a property-company admin."""
    try:
        user = services.create_staff(None, {"phone": phone, "real_name": real_name, "password": password,
                                            "role": "admin"}, via="cli")
    except AppError as error:
        raise click.ClickException(f"{error.field or ''} {error.message}".strip()) from None
    click.echo(f"admin {user.id} created for {user.phone}")
