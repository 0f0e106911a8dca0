"""`wijkprofiel staff`: create, list and disable staff accounts.

    wijkprofiel staff add j.jansen --role coordinator      # asks for the password twice
    wijkprofiel staff list
    wijkprofiel staff disable j.jansen
    wijkprofiel staff password j.jansen                   # new password; ends open sessions
"""

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select, update

from survey import storage
from survey.models import StaffSession, StaffUser
from survey.staff import audit, auth
from survey.staff.roles import ROLES


@click.group()
def staff():
    """Staff accounts for the /staff pages."""


@staff.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES),
              help="What the account may do; see survey/staff/roles.py.")
@click.password_option(help="At least 12 characters; asked for twice when not given.")
@with_appcontext
def add(username, role, password):
    """Create the staff account USERNAME with ROLE."""
    try:
        with storage.transaction() as db:
            auth.add_user(db, username, password, role,
                          profile=current_app.config["STAFF_ARGON2_PROFILE"])
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    audit.record("staff_add", target=username, detail=f"role {role}", username="cli")
    click.echo(f"added {username} ({role})")


@staff.command("list")
@with_appcontext
def list_():
    """List the staff accounts: username, role, active, last login."""
    with storage.transaction() as db:
        users = db.scalars(select(StaffUser).order_by(StaffUser.username)).all()
    if not users:
        click.echo("no staff accounts; add one with: wijkprofiel staff add USER --role ROLE")
        return
    click.echo(f"{'username':<24} {'role':<13} {'active':<7} last login (UTC)")
    for user in users:
        last = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "never"
        click.echo(f"{user.username:<24} {user.role:<13} {'yes' if user.active else 'no':<7} {last}")


@staff.command("disable")
@click.argument("username")
@with_appcontext
def disable(username):
    """Disable USERNAME and end its open sessions."""
    with storage.transaction() as db:
        user = db.scalar(select(StaffUser).where(StaffUser.username == username))
        if user is None:
            raise click.ClickException(f"username {username!r}: no such staff account")
        user.active = False
        db.execute(update(StaffSession)
                   .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
                   .values(ended_at=audit.now()))
    audit.record("staff_disable", target=username, username="cli")
    click.echo(f"disabled {username}")


@staff.command("password")
@click.argument("username")
@click.password_option(help="At least 12 characters; asked for twice when not given.")
@with_appcontext
def password(username, password):
    """Give USERNAME a new password and end its open sessions."""
    try:
        with storage.transaction() as db:
            auth.set_password(db, username, password,
                              profile=current_app.config["STAFF_ARGON2_PROFILE"])
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    audit.record("staff_password", target=username, username="cli")
    click.echo(f"new password set for {username}; open sessions ended")
