import click
from flask.cli import AppGroup

from . import services

audit_cli = AppGroup("audit", help="The audit trail.")


@audit_cli.command("verify")
def verify() -> None:
    """Check the hash chain against its anchors; exit 1 and name the first bad entry."""
    ok, count, bad = services.verify()
    if not ok:
        click.echo(f"audit chain broken at entry {bad} (after {count} good entries)", err=True)
        raise SystemExit(1)
    click.echo(f"audit chain intact: {count} entries")


@audit_cli.command("head")
def head() -> None:
    """Print the signed head of the chain, to be written down or published."""
    found = services.current_head()
    click.echo(f"seq {found['seq']} hash {found['hash']} at {found['at']} signature {found['signature']}")


@audit_cli.command("anchor-existing")
def anchor_existing() -> None:
    """Anchor entries written before this installation had anchors (run once after upgrading)."""
    try:
        count = services.anchor_existing()
    except ValueError as error:
        click.echo(str(error), err=True)
        raise SystemExit(1) from None
    click.echo(f"anchored {count} entries")
