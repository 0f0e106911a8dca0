"""`wijkprofiel staff add|list|disable` through Flask's CLI runner."""

from sqlalchemy import select

from survey import storage
from survey.cli import main
from survey.models import AuditEvent, StaffSession, StaffUser

from tests.support.staff import PASSWORD, StaffActions


def test_add_hashes_with_the_production_profile_and_list_shows_it(make_app, sqlite_url):
    runner = make_app(sqlite_url, STAFF_ARGON2_PROFILE="RFC_9106_LOW_MEMORY").test_cli_runner()
    result = runner.invoke(main, args=["staff", "add", "a.bakker", "--role", "statistician"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "added a.bakker (statistician)" in result.output
    with storage.transaction(sqlite_url) as db:
        user = db.scalar(select(StaffUser))
        event = db.scalar(select(AuditEvent))
    assert (user.username, user.role, user.active) == ("a.bakker", "statistician", True)
    assert user.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert (event.action, event.target, event.detail) == ("staff_add", "a.bakker", "role statistician")
    listing = runner.invoke(main, args=["staff", "list"])
    assert listing.exit_code == 0
    assert "a.bakker" in listing.output and "statistician" in listing.output and "never" in listing.output


def test_bad_input_gives_one_line_errors_not_tracebacks(make_app, sqlite_url):
    runner = make_app(sqlite_url).test_cli_runner()
    bad_role = runner.invoke(main, args=["staff", "add", "x", "--role", "boss"], input="a\na\n")
    assert bad_role.exit_code == 2
    assert "'boss' is not one of 'coordinator', 'data_entry'" in bad_role.output
    short = runner.invoke(main, args=["staff", "add", "kees", "--role", "admin"], input="kort\nkort\n")
    assert short.exit_code == 1
    assert "Error: password for 'kees': 4 characters; at least 12 needed" in short.output
    assert "Traceback" not in short.output
    runner.invoke(main, args=["staff", "add", "kees", "--role", "admin"], input=f"{PASSWORD}\n{PASSWORD}\n")
    twice = runner.invoke(main, args=["staff", "add", "kees", "--role", "admin"],
                          input=f"{PASSWORD}\n{PASSWORD}\n")
    assert twice.exit_code == 1 and "username 'kees' exists already" in twice.output
    odd = runner.invoke(main, args=["staff", "add", "kees jansen", "--role", "admin"],
                        input=f"{PASSWORD}\n{PASSWORD}\n")
    assert odd.exit_code == 1 and "use 1-64 letters, digits" in odd.output
    missing = runner.invoke(main, args=["staff", "disable", "niemand"])
    assert missing.exit_code == 1 and "'niemand': no such staff account" in missing.output


def test_disable_ends_open_sessions(make_app, sqlite_url):
    app = make_app(sqlite_url)
    runner = app.test_cli_runner()
    runner.invoke(main, args=["staff", "add", "lisa", "--role", "coordinator"],
                  input=f"{PASSWORD}\n{PASSWORD}\n")
    actions = StaffActions(app.test_client())
    assert actions.login("lisa").status_code == 302
    result = runner.invoke(main, args=["staff", "disable", "lisa"])
    assert result.exit_code == 0 and "disabled lisa" in result.output
    assert actions.client.get("/staff/").status_code == 302
    with storage.transaction(sqlite_url) as db:
        assert db.scalar(select(StaffSession.ended_at)) is not None
    assert actions.login("lisa").status_code == 401


def test_password_replaces_the_old_one_and_ends_sessions(make_app, sqlite_url):
    app = make_app(sqlite_url)
    runner = app.test_cli_runner()
    runner.invoke(main, args=["staff", "add", "lisa", "--role", "coordinator"],
                  input=f"{PASSWORD}\n{PASSWORD}\n")
    actions = StaffActions(app.test_client())
    actions.login("lisa")
    new = "een-heel-ander-wachtwoord"
    result = runner.invoke(main, args=["staff", "password", "lisa"], input=f"{new}\n{new}\n")
    assert result.exit_code == 0 and "new password set for lisa" in result.output
    assert actions.client.get("/staff/").status_code == 302
    assert actions.login("lisa").status_code == 401
    assert actions.login("lisa", new).status_code == 302
    unknown = runner.invoke(main, args=["staff", "password", "piet"], input=f"{new}\n{new}\n")
    assert unknown.exit_code == 1 and "'piet': no such staff account" in unknown.output
